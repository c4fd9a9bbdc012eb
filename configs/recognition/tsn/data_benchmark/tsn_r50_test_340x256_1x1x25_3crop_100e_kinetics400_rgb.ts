// Translated from MMAction2 0.24.1 configs/recognition/tsn/data_benchmark/tsn_r50_test_340x256_1x1x25_3crop_100e_kinetics400_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../../src/config/types.ts';

// dataset settings
const dataset_type = 'RawframeDataset';
const data_root_val = 'data/kinetics400/rawframes_val';
const ann_file_test = 'data/kinetics400/kinetics400_val_list_rawframes.txt';
const img_norm_cfg = { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false };
const test_pipeline = [
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 25, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'ThreeCrop', crop_size: 256 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const data = {
  workers_per_gpu: 2,
  test_dataloader: { videos_per_gpu: 1 },
  test: {
    type: dataset_type,
    ann_file: ann_file_test,
    data_prefix: data_root_val,
    pipeline: test_pipeline,
  },
};
const dist_params = { backend: 'nccl' };

export default defineConfig({
  _base_: [
    '../../../_base_/models/tsn_r50.ts',
  ],
  dataset_type,
  data_root_val,
  ann_file_test,
  img_norm_cfg,
  test_pipeline,
  data,
  dist_params,
});
