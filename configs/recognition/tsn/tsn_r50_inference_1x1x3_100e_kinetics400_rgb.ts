// Translated from MMAction2 0.24.1 configs/recognition/tsn/tsn_r50_inference_1x1x3_100e_kinetics400_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// dataset settings
const dataset_type = 'RawframeDataset';
const img_norm_cfg = { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false };
const test_pipeline = [
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 25, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'ThreeCrop', crop_size: 256 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const data = {
  videos_per_gpu: 1,
  workers_per_gpu: 2,
  test: { type: dataset_type, ann_file: null, data_prefix: null, pipeline: test_pipeline },
};

export default defineConfig({
  _base_: [
    '../../_base_/models/tsn_r50.ts',
  ],
  dataset_type,
  img_norm_cfg,
  test_pipeline,
  data,
});
