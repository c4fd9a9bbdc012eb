/**
 * RawframeDataset (MMAction2 0.24 `rawframe_dataset.py`): folders of frames, annotation
 * lines `frame_dir [offset] total_frames label [label ...]`.
 */
import { AnnotationError, intField, readAnnotationLines } from './annotations.ts';
import { BASE_DATASET_DEFAULTS, BaseDataset, type BaseDatasetOptions, type VideoInfo } from './base.ts';
import type { Cfg } from './pipelines/options.ts';
import type { Results } from './pipelines/types.ts';

export interface RawframeDatasetOptions extends BaseDatasetOptions {
  /** Python format template of a frame file. Default 'img_{:05}.jpg'. */
  filename_tmpl: string;
  /** Lines carry a frame offset before total_frames. Default false. */
  with_offset: boolean;
  /** Multigrid short-cycle factors (kept for config compatibility). */
  short_cycle_factors: number[];
  default_s: [number, number];
}

export class RawframeDataset extends BaseDataset<RawframeDatasetOptions> {
  readonly type = 'RawframeDataset';

  constructor(cfg: Cfg, where = 'RawframeDataset') {
    super(cfg, {
      ...BASE_DATASET_DEFAULTS, filename_tmpl: 'img_{:05}.jpg', with_offset: false, short_cycle_factors: [0.5, 0.7071], default_s: [224, 224],
    }, where);
    this.init();
  }

  protected loadAnnotations(): VideoInfo[] {
    const file = this.opts.ann_file;
    if (file.endsWith('.json')) return this.loadJsonAnnotations();
    return readAnnotationLines(file).map(({ fields, line }) => {
      let i = 0;
      const info: VideoInfo = { frame_dir: this.joinPrefix(fields[i++]!) };
      if (this.opts.with_offset) {
        info.offset = intField(file, line, 'offset', fields[i++]);
      }
      info.total_frames = intField(file, line, 'total_frames', fields[i++]);
      const labels = fields.slice(i).map((s) => intField(file, line, 'label', s));
      if (labels.length === 0) throw new AnnotationError(file, line, 'missing label (expected: frame_dir total_frames label)');
      if (this.opts.multi_class) info.label = labels;
      else {
        if (labels.length !== 1) throw new AnnotationError(file, line, `${labels.length} labels on a single-label line (set multi_class=True)`);
        info.label = labels[0]!;
      }
      return info;
    });
  }

  protected override initialResults(idx: number): Results {
    const r = super.initialResults(idx);
    r.filename_tmpl = this.opts.filename_tmpl;
    return r;
  }
}
