// Translated from MMAction2 0.24.1 configs/recognition/slowfast/slowfast_multigrid_r50_8x8x1_358e_kinetics400_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

const model = {
  type: 'Recognizer3D',
  backbone: {
    type: 'ResNet3dSlowFast',
    pretrained: null,
    resample_rate: 4,
    speed_ratio: 4,
    channel_ratio: 8,
    slow_pathway: {
      type: 'resnet3d',
      depth: 50,
      pretrained: null,
      lateral: true,
      lateral_norm: true,
      fusion_kernel: 7,
      conv1_kernel: [1, 7, 7],
      dilations: [1, 1, 1, 1],
      conv1_stride_t: 1,
      pool1_stride_t: 1,
      inflate: [0, 0, 1, 1],
      norm_eval: false,
    },
    fast_pathway: {
      type: 'resnet3d',
      depth: 50,
      pretrained: null,
      lateral: false,
      base_channels: 8,
      conv1_kernel: [5, 7, 7],
      conv1_stride_t: 1,
      pool1_stride_t: 1,
      norm_eval: false,
    },
  },
  cls_head: {
    type: 'SlowFastHead',
    in_channels: 2304,
    num_classes: 400,
    spatial_type: 'avg',
    dropout_ratio: 0.5,
  },
  train_cfg: null,
  test_cfg: { average_clips: 'prob' },
};
const train_cfg = null;
const test_cfg = { average_clips: 'prob' };
const dataset_type = 'RawframeDataset';
const data_root = 'data/kinetics400/rawframes_train';
const data_root_val = 'data/kinetics400/rawframes_val';
const ann_file_train = 'data/kinetics400/kinetics400_train_list_rawframes.txt';
const ann_file_val = 'data/kinetics400/kinetics400_val_list_rawframes.txt';
const ann_file_test = 'data/kinetics400/kinetics400_val_list_rawframes.txt';
const img_norm_cfg = { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false };
const train_pipeline = [
  { type: 'SampleFrames', clip_len: 32, frame_interval: 2, num_clips: 1 },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'RandomResizedCrop' },
  { type: 'Resize', scale: [224, 224], keep_ratio: false },
  { type: 'Flip', flip_ratio: 0.5 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
];
const val_pipeline = [
  { type: 'SampleFrames', clip_len: 32, frame_interval: 2, num_clips: 1, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'CenterCrop', crop_size: 224 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const test_pipeline = [
  { type: 'SampleFrames', clip_len: 32, frame_interval: 2, num_clips: 10, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'ThreeCrop', crop_size: 256 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const data = {
  videos_per_gpu: 8,
  workers_per_gpu: 4,
  train: { type: dataset_type, ann_file: ann_file_train, data_prefix: data_root, pipeline: train_pipeline },
  val: { type: dataset_type, ann_file: ann_file_val, data_prefix: data_root_val, pipeline: val_pipeline },
  test: {
    type: dataset_type,
    ann_file: ann_file_test,
    data_prefix: data_root_val,
    pipeline: test_pipeline,
  },
};
// optimizer
const optimizer = { type: 'SGD', lr: 0.1, momentum: 0.9, weight_decay: 0.0001 };
const optimizer_config = { grad_clip: { max_norm: 40, norm_type: 2 } };
const lr_config = { policy: 'step', step: [94, 154, 196] };
const total_epochs = 239;
const evaluation = { interval: 3, metrics: ['top_k_accuracy', 'mean_class_accuracy'] };
const log_config = { interval: 20, hooks: [{ type: 'TextLoggerHook' }] };
const dist_params = { backend: 'nccl' };
const log_level = 'INFO';
const checkpoint_config = { interval: 3 };
const workflow = [['train', 1]];
const find_unused_parameters = false;
const multigrid = {
  long_cycle: true,
  short_cycle: true,
  epoch_factor: 1.5,
  long_cycle_factors: [[0.25, 0.7071], [0.5, 0.7071], [0.5, 1], [1, 1]],
  short_cycle_factors: [0.5, 0.7071],
  default_s: [224, 224],
};
const precise_bn = { num_iters: 200, interval: 3 };
const load_from = null;
const resume_from = null;
const work_dir = './work_dirs/slowfast_multigrid_r50_8x8x1_358e_kinetics400_rgb';

export default defineConfig({
  model,
  train_cfg,
  test_cfg,
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
  optimizer,
  optimizer_config,
  lr_config,
  total_epochs,
  evaluation,
  log_config,
  dist_params,
  log_level,
  checkpoint_config,
  workflow,
  find_unused_parameters,
  multigrid,
  precise_bn,
  load_from,
  resume_from,
  work_dir,
});
