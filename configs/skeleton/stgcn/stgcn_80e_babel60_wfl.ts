// Translated from MMAction2 0.24.1 configs/skeleton/stgcn/stgcn_80e_babel60_wfl.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

const samples_per_cls = [
  518,
  1993,
  6260,
  508,
  208,
  3006,
  431,
  724,
  4527,
  2131,
  199,
  1255,
  487,
  302,
  136,
  571,
  267,
  646,
  1180,
  405,
  731,
  842,
  1619,
  271,
  1198,
  1012,
  865,
  462,
  526,
  405,
  487,
  168,
  271,
  609,
  503,
  167,
  415,
  421,
  283,
  2069,
  715,
  196,
  989,
  122,
  599,
  396,
  245,
  380,
  236,
  260,
  325,
  133,
  206,
  191,
  394,
  145,
  277,
  268,
  172,
  146,
];
const model = {
  type: 'SkeletonGCN',
  backbone: {
    type: 'STGCN',
    in_channels: 3,
    edge_importance_weighting: true,
    graph_cfg: { layout: 'ntu-rgb+d', strategy: 'spatial' },
  },
  cls_head: {
    type: 'STGCNHead',
    num_classes: 60,
    in_channels: 256,
    num_person: 1,
    loss_cls: { type: 'CBFocalLoss', samples_per_cls: samples_per_cls },
  },
  train_cfg: null,
  test_cfg: null,
};
const dataset_type = 'PoseDataset';
const ann_file_train = 'data/babel/babel60_train.pkl';
const ann_file_val = 'data/babel/babel60_val.pkl';
const train_pipeline = [
  { type: 'PoseDecode' },
  { type: 'FormatGCNInput', input_format: 'NCTVM', num_person: 1 },
  { type: 'Collect', keys: ['keypoint', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['keypoint'] },
];
const val_pipeline = [
  { type: 'PoseDecode' },
  { type: 'FormatGCNInput', input_format: 'NCTVM', num_person: 1 },
  { type: 'Collect', keys: ['keypoint', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['keypoint'] },
];
const test_pipeline = [
  { type: 'PoseDecode' },
  { type: 'FormatGCNInput', input_format: 'NCTVM', num_person: 1 },
  { type: 'Collect', keys: ['keypoint', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['keypoint'] },
];
const data = {
  videos_per_gpu: 16,
  workers_per_gpu: 2,
  test_dataloader: { videos_per_gpu: 1 },
  train: {
    type: 'RepeatDataset',
    times: 5,
    dataset: { type: dataset_type, ann_file: ann_file_train, data_prefix: '', pipeline: train_pipeline },
  },
  val: { type: dataset_type, ann_file: ann_file_val, data_prefix: '', pipeline: val_pipeline },
  test: { type: dataset_type, ann_file: ann_file_val, data_prefix: '', pipeline: test_pipeline },
};
// optimizer
const optimizer = { type: 'SGD', lr: 0.1, momentum: 0.9, weight_decay: 0.0001, nesterov: true };
const optimizer_config = { grad_clip: null };
// learning policy
const lr_config = { policy: 'step', step: [10, 14] };
const total_epochs = 16;
const checkpoint_config = { interval: 1 };
const evaluation = { interval: 1, metrics: ['top_k_accuracy', 'mean_class_accuracy'] };
const log_config = { interval: 100, hooks: [{ type: 'TextLoggerHook' }] };
// runtime settings
const dist_params = { backend: 'nccl' };
const log_level = 'INFO';
const work_dir = './work_dirs/stgcn_80e_babel60_wfl/';
const load_from = null;
const resume_from = null;
const workflow = [['train', 1]];

export default defineConfig({
  samples_per_cls,
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
