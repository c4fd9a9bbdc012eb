/**
 * Audio datasets (MMAction2 0.24 `audio_dataset.py`, `audio_feature_dataset.py`): annotation
 * lines `path total_frames label [label ...]`, modality 'Audio'; `total_frames` is the number of
 * video frames the audio spans (SampleFrames samples them, AudioDecode/AudioFeatureSelector cut
 * the matching audio).
 *
 * - AudioDataset: waveform files (suffix '.wav'), for AudioDecodeInit + AudioDecode.
 * - AudioFeatureDataset: precomputed spectrogram `.npy` files (suffix '.npy', written by
 *   `mmaction build-audio-features`), for LoadAudioFeature + AudioFeatureSelector.
 */
import { join } from 'node:path';
import { AnnotationError, intField, readAnnotationLines } from './annotations.ts';
import { BASE_DATASET_DEFAULTS, BaseDataset, type BaseDatasetOptions, type VideoInfo } from './base.ts';
import type { Cfg } from './pipelines/options.ts';

export interface AudioDatasetOptions extends BaseDatasetOptions {
  /** Appended to paths that lack it (with data_prefix). AudioDataset '.wav', AudioFeatureDataset '.npy'. */
  suffix: string;
}

abstract class AudioListDataset extends BaseDataset<AudioDatasetOptions> {
  constructor(cfg: Cfg, suffix: string, where: string) {
    super({ ...cfg, modality: 'Audio' }, { ...BASE_DATASET_DEFAULTS, suffix }, where);
    this.init();
  }

  protected loadAnnotations(): VideoInfo[] {
    const file = this.opts.ann_file;
    if (file.endsWith('.json')) return this.loadJsonAnnotations();
    const { suffix } = this.opts;
    return readAnnotationLines(file).map(({ fields, line }) => {
      let path = fields[0]!;
      if (this.dataPrefix !== null) path = path.endsWith(suffix) ? join(this.dataPrefix, path) : join(this.dataPrefix, path) + suffix;
      const total = intField(file, line, 'total_frames', fields[1]);
      const labels = fields.slice(2).map((s) => intField(file, line, 'label', s));
      if (labels.length === 0) throw new AnnotationError(file, line, 'missing label (expected: path total_frames label)');
      if (!this.opts.multi_class && labels.length !== 1) throw new AnnotationError(file, line, `${labels.length} labels on a single-label line (set multi_class=True)`);
      return { audio_path: path, total_frames: total, label: this.opts.multi_class ? labels : labels[0]! };
    });
  }
}

export class AudioDataset extends AudioListDataset {
  readonly type = 'AudioDataset';

  constructor(cfg: Cfg, where = 'AudioDataset') {
    super(cfg, '.wav', where);
  }
}

export class AudioFeatureDataset extends AudioListDataset {
  readonly type = 'AudioFeatureDataset';

  constructor(cfg: Cfg, where = 'AudioFeatureDataset') {
    super(cfg, '.npy', where);
  }
}
