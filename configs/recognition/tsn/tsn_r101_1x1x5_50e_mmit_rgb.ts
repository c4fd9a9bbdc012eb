// Translated from MMAction2 0.24.1 configs/recognition/tsn/tsn_r101_1x1x5_50e_mmit_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'Recognizer2D',
  backbone: { type: 'ResNet', pretrained: 'torchvision://resnet101', depth: 101, norm_eval: false },
  cls_head: {
    type: 'TSNHead',
    num_classes: 313,
    in_channels: 2048,
    spatial_type: 'avg',
    consensus: { type: 'AvgConsensus', dim: 1 },
    loss_cls: { type: 'BCELossWithLogits', loss_weight: 160.0 },
    dropout_ratio: 0.5,
    init_std: 0.01,
    multi_class: true,
    label_smooth_eps: 0,
  },
  train_cfg: null,
  test_cfg: { average_clips: null },
};
// dataset settings
const dataset_type = 'VideoDataset';
const data_root = 'data/mmit/videos';
const data_root_val = '/data/mmit/videos';
const ann_file_train = 'data/mmit/mmit_train_list_videos.txt';
const ann_file_val = 'data/mmit/mmit_val_list_videos.txt';
const ann_file_test = 'data/mmit/mmit_val_list_videos.txt';
const img_norm_cfg = { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false };
const train_pipeline = [
  { type: 'DecordInit' },
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 5 },
  { type: 'DecordDecode' },
  { type: 'Resize', scale: [-1, 256] },
  {
    type: 'MultiScaleCrop',
    input_size: 224,
    scales: [1, 0.875, 0.75, 0.66],
    random_crop: false,
    max_wh_scale_gap: 1,
  },
  { type: 'Resize', scale: [224, 224], keep_ratio: false },
  { type: 'Flip', flip_ratio: 0.5 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
];
const val_pipeline = [
  { type: 'DecordInit' },
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 5, test_mode: true },
  { type: 'DecordDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'CenterCrop', crop_size: 224 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const test_pipeline = [
  { type: 'DecordInit' },
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 5, test_mode: true },
  { type: 'DecordDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'CenterCrop', crop_size: 256 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const data = {
  videos_per_gpu: 16,
  workers_per_gpu: 2,
  test_dataloader: { videos_per_gpu: 1 },
  train: {
    type: dataset_type,
    ann_file: ann_file_train,
    data_prefix: data_root,
    pipeline: train_pipeline,
    multi_class: true,
    num_classes: 313,
  },
  val: {
    type: dataset_type,
    ann_file: ann_file_val,
    data_prefix: data_root_val,
    pipeline: val_pipeline,
    multi_class: true,
    num_classes: 313,
  },
  test: {
    type: dataset_type,
    ann_file: ann_file_test,
    data_prefix: data_root_val,
    pipeline: test_pipeline,
    multi_class: true,
    num_classes: 313,
  },
};
const evaluation = { interval: 5, metrics: ['mmit_mean_average_precision'] };
// runtime settings
const checkpoint_config = { interval: 5 };
const work_dir = './work_dirs/tsn_r101_1x1x5_50e_mmit_rgb/';

export default defineConfig({
  _base_: [
    '../../_base_/schedules/sgd_tsm_50e.ts',
    '../../_base_/default_runtime.ts',
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
  checkpoint_config,
  work_dir,
});
