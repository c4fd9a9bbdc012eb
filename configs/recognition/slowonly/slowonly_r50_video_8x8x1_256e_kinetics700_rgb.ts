// Translated from MMAction2 0.24.1 configs/recognition/slowonly/slowonly_r50_video_8x8x1_256e_kinetics700_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = { backbone: { pretrained: null }, cls_head: { num_classes: 700 } };
const dataset_type = 'VideoDataset';
const data_root = 'data/kinetics700/videos_train';
const data_root_val = 'data/kinetics700/videos_val';
const ann_file_train = 'data/kinetics700/kinetics700_train_list_videos.txt';
const ann_file_val = 'data/kinetics700/kinetics700_val_list_videos.txt';
const ann_file_test = 'data/kinetics700/kinetics700_val_list_videos.txt';
const img_norm_cfg = { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false };
const train_pipeline = [
  { type: 'DecordInit' },
  { type: 'SampleFrames', clip_len: 8, frame_interval: 8, num_clips: 1 },
  { type: 'DecordDecode' },
  { type: 'RandomResizedCrop' },
  { type: 'Resize', scale: [224, 224], keep_ratio: false },
  { type: 'Flip', flip_ratio: 0.5 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
];
const val_pipeline = [
  { type: 'DecordInit' },
  { type: 'SampleFrames', clip_len: 8, frame_interval: 8, num_clips: 1, test_mode: true },
  { type: 'DecordDecode' },
  { type: 'CenterCrop', crop_size: 224 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const test_pipeline = [
  { type: 'DecordInit' },
  { type: 'SampleFrames', clip_len: 8, frame_interval: 8, num_clips: 10, test_mode: true },
  { type: 'DecordDecode' },
  { type: 'ThreeCrop', crop_size: 256 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
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
const evaluation = { interval: 5, metrics: ['top_k_accuracy', 'mean_class_accuracy'] };
// optimizer
const optimizer = { type: 'SGD', lr: 0.15, momentum: 0.9, weight_decay: 0.0001 };
const optimizer_config = { grad_clip: { max_norm: 40, norm_type: 2 } };
// learning policy
const lr_config = { policy: 'CosineAnnealing', min_lr: 0 };
const total_epochs = 256;
// runtime settings
const checkpoint_config = { interval: 4 };
const work_dir = './work_dirs/slowonly_r50_video_8x8x1_256e_kinetics700_rgb';
const find_unused_parameters = false;

export default defineConfig({
  _base_: [
    '../../_base_/models/slowonly_r50.ts',
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
  optimizer_config,
  lr_config,
  total_epochs,
  checkpoint_config,
  work_dir,
  find_unused_parameters,
});
