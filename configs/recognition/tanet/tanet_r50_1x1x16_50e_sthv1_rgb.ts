// Translated from MMAction2 0.24.1 configs/recognition/tanet/tanet_r50_1x1x16_50e_sthv1_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  backbone: { num_segments: 16 },
  cls_head: { num_classes: 174, num_segments: 16, dropout_ratio: 0.6 },
};
// dataset settings
const dataset_type = 'RawframeDataset';
const data_root = 'data/sthv1/rawframes';
const data_root_val = 'data/sthv1/rawframes';
const ann_file_train = 'data/sthv1/sthv1_train_list_rawframes.txt';
const ann_file_val = 'data/sthv1/sthv1_val_list_rawframes.txt';
const ann_file_test = 'data/sthv1/sthv1_val_list_rawframes.txt';
const sthv1_flip_label_map = { 2: 4, 4: 2, 30: 41, 41: 30, 52: 66, 66: 52 };
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
    num_fixed_crops: 13,
  },
  { type: 'Resize', scale: [224, 224], keep_ratio: false },
  { type: 'Flip', flip_ratio: 0.5, flip_label_map: sthv1_flip_label_map },
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
  {
    type: 'SampleFrames',
    clip_len: 1,
    frame_interval: 1,
    num_clips: 16,
    twice_sample: true,
    test_mode: true,
  },
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
  train: {
    type: dataset_type,
    ann_file: ann_file_train,
    data_prefix: data_root,
    filename_tmpl: '{:05}.jpg',
    pipeline: train_pipeline,
  },
  val: {
    type: dataset_type,
    ann_file: ann_file_val,
    data_prefix: data_root_val,
    filename_tmpl: '{:05}.jpg',
    pipeline: val_pipeline,
  },
  test: {
    type: dataset_type,
    ann_file: ann_file_test,
    data_prefix: data_root_val,
    filename_tmpl: '{:05}.jpg',
    pipeline: test_pipeline,
  },
};
const evaluation = { interval: 1, metrics: ['top_k_accuracy', 'mean_class_accuracy'] };
// optimizer
const optimizer = { lr: 0.005, weight_decay: 0.001 };
const lr_config = { policy: 'step', step: [30, 40, 45] };
// runtime settings
const work_dir = './work_dirs/tanet_r50_1x1x16_50e_sthv1_rgb/';

export default defineConfig({
  _base_: [
    '../../_base_/models/tanet_r50.ts',
    '../../_base_/default_runtime.ts',
    '../../_base_/schedules/sgd_tsm_50e.ts',
  ],
  model,
  dataset_type,
  data_root,
  data_root_val,
  ann_file_train,
  ann_file_val,
  ann_file_test,
  sthv1_flip_label_map,
  img_norm_cfg,
  train_pipeline,
  val_pipeline,
  test_pipeline,
  data,
  evaluation,
  optimizer,
  lr_config,
  work_dir,
});
