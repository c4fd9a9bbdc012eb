// Translated from MMAction2 0.24.1 configs/skeleton/2s-agcn/2sagcn_80e_ntu60_xsub_keypoint_3d.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

const model = {
  type: 'SkeletonGCN',
  backbone: { type: 'AGCN', in_channels: 3, graph_cfg: { layout: 'ntu-rgb+d', strategy: 'agcn' } },
  cls_head: { type: 'STGCNHead', num_classes: 60, in_channels: 256, loss_cls: { type: 'CrossEntropyLoss' } },
  train_cfg: null,
  test_cfg: null,
};
const dataset_type = 'PoseDataset';
const ann_file_train = 'data/ntu/nturgb+d_skeletons_60_3d/xsub/train.pkl';
const ann_file_val = 'data/ntu/nturgb+d_skeletons_60_3d/xsub/val.pkl';
const train_pipeline = [
  { type: 'PaddingWithLoop', clip_len: 300 },
  { type: 'PoseDecode' },
  { type: 'FormatGCNInput', input_format: 'NCTVM' },
  { type: 'Collect', keys: ['keypoint', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['keypoint'] },
];
const val_pipeline = [
  { type: 'PaddingWithLoop', clip_len: 300 },
  { type: 'PoseDecode' },
  { type: 'FormatGCNInput', input_format: 'NCTVM' },
  { type: 'Collect', keys: ['keypoint', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['keypoint'] },
];
const test_pipeline = [
  { type: 'PaddingWithLoop', clip_len: 300 },
  { type: 'PoseDecode' },
  { type: 'FormatGCNInput', input_format: 'NCTVM' },
  { type: 'Collect', keys: ['keypoint', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['keypoint'] },
];
const data = {
  videos_per_gpu: 12,
  workers_per_gpu: 2,
  test_dataloader: { videos_per_gpu: 1 },
  train: { type: dataset_type, ann_file: ann_file_train, data_prefix: '', pipeline: train_pipeline },
  val: { type: dataset_type, ann_file: ann_file_val, data_prefix: '', pipeline: val_pipeline },
  test: { type: dataset_type, ann_file: ann_file_val, data_prefix: '', pipeline: test_pipeline },
};
// optimizer
const optimizer = { type: 'SGD', lr: 0.1, momentum: 0.9, weight_decay: 0.0001, nesterov: true };
const optimizer_config = { grad_clip: null };
// learning policy
const lr_config = { policy: 'step', step: [30, 40] };
const total_epochs = 80;
const checkpoint_config = { interval: 3 };
const evaluation = { interval: 3, metrics: ['top_k_accuracy'] };
const log_config = { interval: 100, hooks: [{ type: 'TextLoggerHook' }] };
// runtime settings
const dist_params = { backend: 'nccl' };
const log_level = 'INFO';
const work_dir = './work_dirs/2sagcn_80e_ntu60_xsub_keypoint_3d/';
const load_from = null;
const resume_from = null;
const workflow = [['train', 1]];

export default defineConfig({
  model,
  dataset_type,
  ann_file_train,
  ann_file_val,
  train_pipeline,
  val_pipeline,
  test_pipeline,
  data,
  optimizer,
  optimizer_config,
  lr_config,
  total_epochs,
  checkpoint_config,
  evaluation,
  log_config,
  dist_params,
  log_level,
  work_dir,
  load_from,
  resume_from,
  workflow,
});
