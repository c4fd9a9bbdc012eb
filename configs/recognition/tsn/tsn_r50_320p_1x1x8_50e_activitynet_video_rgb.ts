// Translated from MMAction2 0.24.1 configs/recognition/tsn/tsn_r50_320p_1x1x8_50e_activitynet_video_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = { cls_head: { num_classes: 200, dropout_ratio: 0.8 } };
// dataset settings
const dataset_type = 'RawframeDataset';
const data_root = 'data/ActivityNet/rawframes';
const data_root_val = 'data/ActivityNet/rawframes';
const ann_file_train = 'data/ActivityNet/anet_train_video.txt';
const ann_file_val = 'data/ActivityNet/anet_val_video.txt';
const ann_file_test = 'data/ActivityNet/anet_val_video.txt';
const img_norm_cfg = { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false };
const train_pipeline = [
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 8 },
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
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 8, test_mode: true },
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
  videos_per_gpu: 8,
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
const evaluation = { interval: 5, metrics: ['top_k_accuracy', 'mean_class_accuracy'] };
// optimizer
const optimizer = { type: 'SGD', lr: 0.001, momentum: 0.9, weight_decay: 0.0001 };
// runtime settings
const work_dir = './work_dirs/tsn_r50_320p_1x1x8_50e_activitynet_video_rgb/';
const load_from = 'https://download.openmmlab.com/mmaction/recognition/tsn/tsn_r50_320p_1x1x8_100e_kinetics400_rgb/tsn_r50_320p_1x1x8_100e_kinetics400_rgb_20200702-ef80e3d7.pth';

export default defineConfig({
  _base_: [
    '../../_base_/models/tsn_r50.ts',
    '../../_base_/schedules/sgd_50e.ts',
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
  optimizer,
  work_dir,
  load_from,
});
