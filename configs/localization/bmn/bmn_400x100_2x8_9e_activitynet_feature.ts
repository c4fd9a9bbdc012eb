// Translated from MMAction2 0.24.1 configs/localization/bmn/bmn_400x100_2x8_9e_activitynet_feature.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// dataset settings
const dataset_type = 'ActivityNetDataset';
const data_root = 'data/ActivityNet/activitynet_feature_cuhk/csv_mean_100/';
const data_root_val = 'data/ActivityNet/activitynet_feature_cuhk/csv_mean_100/';
const ann_file_train = 'data/ActivityNet/anet_anno_train.json';
const ann_file_val = 'data/ActivityNet/anet_anno_val.json';
const ann_file_test = 'data/ActivityNet/anet_anno_val.json';
const test_pipeline = [
  { type: 'LoadLocalizationFeature' },
  {
    type: 'Collect',
    keys: ['raw_feature'],
    meta_name: 'video_meta',
    meta_keys: ['video_name', 'duration_second', 'duration_frame', 'annotations', 'feature_frame'],
  },
  { type: 'ToTensor', keys: ['raw_feature'] },
];
const train_pipeline = [
  { type: 'LoadLocalizationFeature' },
  { type: 'GenerateLocalizationLabels' },
  {
    type: 'Collect',
    keys: ['raw_feature', 'gt_bbox'],
    meta_name: 'video_meta',
    meta_keys: ['video_name'],
  },
  { type: 'ToTensor', keys: ['raw_feature', 'gt_bbox'] },
  { type: 'ToDataContainer', fields: [{ key: 'gt_bbox', stack: false, cpu_only: true }] },
];
const val_pipeline = [
  { type: 'LoadLocalizationFeature' },
  { type: 'GenerateLocalizationLabels' },
  {
    type: 'Collect',
    keys: ['raw_feature', 'gt_bbox'],
    meta_name: 'video_meta',
    meta_keys: ['video_name', 'duration_second', 'duration_frame', 'annotations', 'feature_frame'],
  },
  { type: 'ToTensor', keys: ['raw_feature', 'gt_bbox'] },
  { type: 'ToDataContainer', fields: [{ key: 'gt_bbox', stack: false, cpu_only: true }] },
];
const data = {
  videos_per_gpu: 8,
  workers_per_gpu: 8,
  train_dataloader: { drop_last: true },
  val_dataloader: { videos_per_gpu: 1 },
  test_dataloader: { videos_per_gpu: 1 },
  test: {
    type: dataset_type,
    ann_file: ann_file_test,
    pipeline: test_pipeline,
    data_prefix: data_root_val,
  },
  val: { type: dataset_type, ann_file: ann_file_val, pipeline: val_pipeline, data_prefix: data_root_val },
  train: { type: dataset_type, ann_file: ann_file_train, pipeline: train_pipeline, data_prefix: data_root },
};
const evaluation = { interval: 1, metrics: ['AR@AN'] };
// optimizer
const optimizer = { type: 'Adam', lr: 0.001, weight_decay: 0.0001 };
const optimizer_config = { grad_clip: null };
// learning policy
const lr_config = { policy: 'step', step: 7 };
const total_epochs = 9;
// runtime settings
const log_config = { interval: 50, hooks: [{ type: 'TextLoggerHook' }] };
const work_dir = './work_dirs/bmn_400x100_2x8_9e_activitynet_feature/';
const output_config = { out: `${work_dir}/results.json`, output_format: 'json' };

export default defineConfig({
  _base_: [
    '../../_base_/models/bmn_400x100.ts',
    '../../_base_/default_runtime.ts',
  ],
  dataset_type,
  data_root,
  data_root_val,
  ann_file_train,
  ann_file_val,
  ann_file_test,
  test_pipeline,
  train_pipeline,
  val_pipeline,
  data,
  evaluation,
  optimizer,
  optimizer_config,
  lr_config,
  total_epochs,
  log_config,
  work_dir,
  output_config,
});
