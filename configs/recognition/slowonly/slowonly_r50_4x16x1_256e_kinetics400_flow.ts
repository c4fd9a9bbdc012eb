// Translated from MMAction2 0.24.1 configs/recognition/slowonly/slowonly_r50_4x16x1_256e_kinetics400_flow.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = { backbone: { in_channels: 2, with_pool2: false } };
// dataset settings
const dataset_type = 'RawframeDataset';
const data_root = 'data/kinetics400/rawframes_train';
const data_root_val = 'data/kinetics400/rawframes_val';
const ann_file_train = 'data/kinetics400/kinetics_flow_train_list.txt';
const ann_file_val = 'data/kinetics400/kinetics_flow_val_list.txt';
const ann_file_test = 'data/kinetics400/kinetics_flow_val_list.txt';
const img_norm_cfg = { mean: [128, 128], std: [128, 128] };
const train_pipeline = [
  { type: 'SampleFrames', clip_len: 4, frame_interval: 16, num_clips: 1 },
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
  { type: 'SampleFrames', clip_len: 4, frame_interval: 16, num_clips: 1, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'CenterCrop', crop_size: 256 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const test_pipeline = [
  { type: 'SampleFrames', clip_len: 4, frame_interval: 16, num_clips: 10, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'ThreeCrop', crop_size: 256 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const data = {
  videos_per_gpu: 24,
  workers_per_gpu: 2,
  test_dataloader: { videos_per_gpu: 1 },
  train: {
    type: dataset_type,
    ann_file: ann_file_train,
    data_prefix: data_root,
    modality: 'Flow',
    filename_tmpl: '{}_{:05d}.jpg',
    pipeline: train_pipeline,
  },
  val: {
    type: dataset_type,
    ann_file: ann_file_val,
    data_prefix: data_root_val,
    modality: 'Flow',
    filename_tmpl: '{}_{:05d}.jpg',
    pipeline: val_pipeline,
  },
  test: {
    type: dataset_type,
    ann_file: ann_file_test,
    data_prefix: data_root_val,
    modality: 'Flow',
    filename_tmpl: '{}_{:05d}.jpg',
    pipeline: test_pipeline,
  },
};
const evaluation = { interval: 5, metrics: ['top_k_accuracy', 'mean_class_accuracy'] };
// optimizer
const optimizer = { type: 'SGD', lr: 0.06, momentum: 0.9, weight_decay: 0.0001 };
const optimizer_config = { grad_clip: { max_norm: 40, norm_type: 2 } };
// learning policy
const lr_config = { policy: 'CosineAnnealing', min_lr: 0, warmup: 'linear', warmup_by_epoch: true, warmup_iters: 34 };
const total_epochs = 256;
// runtime settings
const checkpoint_config = { interval: 4 };
const work_dir = './work_dirs/slowonly_r50_4x16x1_256e_kinetics400_flow';
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
