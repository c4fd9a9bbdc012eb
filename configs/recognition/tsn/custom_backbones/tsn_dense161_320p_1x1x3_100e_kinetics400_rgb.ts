// Translated from MMAction2 0.24.1 configs/recognition/tsn/custom_backbones/tsn_dense161_320p_1x1x3_100e_kinetics400_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../../src/config/types.ts';

// model settings
const model = {
  type: 'Recognizer2D',
  backbone: { type: 'torchvision.densenet161', pretrained: true },
  cls_head: {
    type: 'TSNHead',
    num_classes: 400,
    in_channels: 2208,
    spatial_type: 'avg',
    consensus: { type: 'AvgConsensus', dim: 1 },
    dropout_ratio: 0.4,
    init_std: 0.01,
  },
  train_cfg: null,
  test_cfg: { average_clips: null },
};
// dataset settings
const dataset_type = 'RawframeDataset';
const data_root = 'data/kinetics400/rawframes_train_320p';
const data_root_val = 'data/kinetics400/rawframes_val_320p';
const ann_file_train = 'data/kinetics400/kinetics400_train_list_rawframes_320p.txt';
const ann_file_val = 'data/kinetics400/kinetics400_val_list_rawframes_320p.txt';
const ann_file_test = 'data/kinetics400/kinetics400_val_list_rawframes_320p.txt';
const img_norm_cfg = { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false };
const train_pipeline = [
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 3 },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'RandomResizedCrop' },
  { type: 'Resize', scale: [224, 224], keep_ratio: false },
  { type: 'Flip', flip_ratio: 0.5 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
];
const val_pipeline = [
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 3, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'CenterCrop', crop_size: 256 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
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
  videos_per_gpu: 12,
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
// runtime settings
const work_dir = './work_dirs/tsn_dense161_320p_1x1x3_100e_kinetics400_rgb/';
const optimizer = { type: 'SGD', lr: 0.00375, momentum: 0.9, weight_decay: 0.0001 };

export default defineConfig({
  _base_: [
    '../../../_base_/schedules/sgd_100e.ts',
    '../../../_base_/default_runtime.ts',
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
  work_dir,
  optimizer,
});
