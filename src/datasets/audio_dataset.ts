/**
 * AudioFeatureDataset (MMAction2 0.24 `audio_feature_dataset.py`): precomputed spectrogram
 * `.npy` files, annotation lines `path total_frames label [label ...]`; modality 'Audio'.
 */
import { join } from 'node:path';
import { AnnotationError, intField, readAnnotationLines } from './annotations.ts';
import { BASE_DATASET_DEFAULTS, BaseDataset, type BaseDatasetOptions, type VideoInfo } from './base.ts';
import type { Cfg } from './pipelines/options.ts';

export interface AudioFeatureDatasetOptions extends BaseDatasetOptions {
  /** Appended to paths that lack it (with data_prefix). Default '.npy'. */
  suffix: string;
}

export class AudioFeatureDataset extends BaseDataset<AudioFeatureDatasetOptions> {
  readonly type = 'AudioFeatureDataset';

  constructor(cfg: Cfg, where = 'AudioFeatureDataset') {
    super({ ...cfg, modality: 'Audio' }, { ...BASE_DATASET_DEFAULTS, suffix: '.npy' }, where);
    this.init();
  }

  protected loadAnnotations(): VideoInfo[] {
    const file = this.opts.ann_file;
    if (file.endsWith('.json')) return this.loadJsonAnnotations();
    return readAnnotationLines(file).map(({ fields, line }) => {
      let path = fields[0]!;
      if (this.dataPrefix !== null) path = path.endsWith(this.opts.suffix) ? join(this.dataPrefix, path) : join(this.dataPrefix, path) + this.opts.suffix;
      const total = intField(file, line, 'total_frames', fields[1]);
      const labels = fields.slice(2).map((s) => intField(file, line, 'label', s));
      if (labels.length === 0) throw new AnnotationError(file, line, 'missing label (expected: path total_frames label)');
      if (!this.opts.multi_class && labels.length !== 1) throw new AnnotationError(file, line, `${labels.length} labels on a single-label line (set multi_class=True)`);
      return { audio_path: path, total_frames: total, label: this.opts.multi_class ? labels : labels[0]! };
    });
  }
}
