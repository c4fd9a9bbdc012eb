/**
 * VideoDataset (MMAction2 0.24 `video_dataset.py`): video files, annotation lines
 * `path label [label ...]`; start_index defaults to 0.
 */
import { AnnotationError, intField, readAnnotationLines } from './annotations.ts';
import { BASE_DATASET_DEFAULTS, BaseDataset, type BaseDatasetOptions, type VideoInfo } from './base.ts';
import type { Cfg } from './pipelines/options.ts';

export class VideoDataset extends BaseDataset {
  readonly type: string = 'VideoDataset';

  constructor(cfg: Cfg, where = 'VideoDataset', defaults: Partial<BaseDatasetOptions> = {}) {
    super(cfg, { ...BASE_DATASET_DEFAULTS, start_index: 0, ...defaults }, where);
    this.init();
  }

  protected loadAnnotations(): VideoInfo[] {
    const file = this.opts.ann_file;
    if (file.endsWith('.json')) return this.loadJsonAnnotations();
    return readAnnotationLines(file).map(({ fields, line }) => {
      const labels = fields.slice(1).map((s) => intField(file, line, 'label', s));
      if (labels.length === 0) throw new AnnotationError(file, line, 'missing label (expected: filename label)');
      if (!this.opts.multi_class && labels.length !== 1) {
        throw new AnnotationError(file, line, `${labels.length} labels on a single-label line (set multi_class=True)`);
      }
      return { filename: this.joinPrefix(fields[0]!), label: this.opts.multi_class ? labels : labels[0]! };
    });
  }
}

/** ImageDataset (OmniSource): `path label` lines of still images, each a one-frame clip. */
export class ImageDataset extends VideoDataset {
  override readonly type = 'ImageDataset';

  constructor(cfg: Cfg, where = 'ImageDataset') {
    super(cfg, where, { start_index: 0 });
  }
}
