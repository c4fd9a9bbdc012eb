// Translated from MMAction2 0.24.1 configs/recognition/tsm/tsm_mobilenetv2_video_inference_dense_1x1x8_100e_kinetics400_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// dataset settings
const dataset_type = 'VideoDataset';
const data_root_val = 'data/kinetics400/videos_val';
const ann_file_test = 'data/kinetics400/kinetics400_val_list_videos.txt';
const img_norm_cfg = { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false };
const test_pipeline = [
  { type: 'DecordInit' },
  { type: 'DenseSampleFrames', clip_len: 1, frame_interval: 1, num_clips: 8, test_mode: true },
  { type: 'DecordDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'CenterCrop', crop_size: 224 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const data = {
  videos_per_gpu: 4,
  workers_per_gpu: 2,
  test: {
    type: dataset_type,
    ann_file: ann_file_test,
    data_prefix: data_root_val,
    pipeline: test_pipeline,
  },
};

export default defineConfig({
  _base_: [
    '../../_base_/models/tsm_mobilenet_v2.ts',
  ],
  dataset_type,
  data_root_val,
  ann_file_test,
  img_norm_cfg,
  test_pipeline,
  data,
});
