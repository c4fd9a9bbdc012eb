// Translated from MMAction2 0.24.1 configs/recognition/tsn/tsn_r50_1x1x16_50e_sthv2_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = { cls_head: { init_std: 0.001 } };
// dataset settings
const dataset_type = 'RawframeDataset';
const data_root = 'data/sthv2/rawframes';
const data_root_val = 'data/sthv2/rawframes';
const ann_file_train = 'data/sthv2/sthv2_train_list_rawframes.txt';
const ann_file_val = 'data/sthv2/sthv2_val_list_rawframes.txt';
const ann_file_test = 'data/sthv2/sthv2_val_list_rawframes.txt';
const img_norm_cfg = { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false };
const train_pipeline = [
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 16 },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  {
    type: 'MultiScaleCrop',
    input_size: 224,
    scales: [1, 0.875, 0.75, 0.66],
    random_crop: false,
    max_wh_scale_gap: 1,
  },
  { type: 'Resize', scale: [224, 224], keep_ratio: false },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
];
const val_pipeline = [
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 16, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'CenterCrop', crop_size: 224 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const test_pipeline = [
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 16, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'ThreeCrop', crop_size: 256 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const data = {
  videos_per_gpu: 4,
  workers_per_gpu: 2,
  test_dataloader: { videos_per_gpu: 1 },
  train: { type: dataset_type, ann_file: ann_file_train, data_prefix: data_root, pipeline: train_pipeline },
  val: { type: dataset_type, ann_file: ann_file_val, data_prefix: data_root_val, pipeline: val_pipeline },
  test: {
    type: dataset_type,
    ann_file: ann_file_test,
    data_prefix: data_root_val,
    pipeline: test_pipeline,
  },
};
const evaluation = { interval: 2, metrics: ['top_k_accuracy', 'mean_class_accuracy'] };
// optimizer
const optimizer = { type: 'SGD', lr: 0.005, momentum: 0.9, weight_decay: 0.0005 };
// optimizer config
const optimizer_config = { grad_clip: { max_norm: 20, norm_type: 2 } };
// runtime settings
const checkpoint_config = { interval: 1 };
const work_dir = './work_dirs/tsn_r50_1x1x16_50e_sthv2_rgb/';

export default defineConfig({
  _base_: [
    './tsn_r50_1x1x8_50e_sthv2_rgb.ts',
  ],
  model,
  dataset_type,
  data_root,
  data_root_val,
  ann_file_train,
  ann_file_val,
  ann_file_test,
  img_norm_cfg,
  train_pipeline,
  val_pipeline,
  test_pipeline,
  data,
  evaluation,
  optimizer,
  optimizer_config,
  checkpoint_config,
  work_dir,
});
