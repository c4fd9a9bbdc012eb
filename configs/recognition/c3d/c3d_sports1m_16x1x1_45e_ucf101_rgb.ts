// Translated from MMAction2 0.24.1 configs/recognition/c3d/c3d_sports1m_16x1x1_45e_ucf101_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// dataset settings
const dataset_type = 'RawframeDataset';
const data_root = 'data/ucf101/rawframes';
const data_root_val = 'data/ucf101/rawframes';
const split = 1;
const ann_file_train = `data/ucf101/ucf101_train_split_${split}_rawframes.txt`;
const ann_file_val = `data/ucf101/ucf101_val_split_${split}_rawframes.txt`;
const ann_file_test = `data/ucf101/ucf101_val_split_${split}_rawframes.txt`;
const img_norm_cfg = { mean: [104, 117, 128], std: [1, 1, 1], to_bgr: false };
const train_pipeline = [
  { type: 'SampleFrames', clip_len: 16, frame_interval: 1, num_clips: 1 },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [128, 171] },
  { type: 'RandomCrop', size: 112 },
  { type: 'Flip', flip_ratio: 0.5 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
];
const val_pipeline = [
  { type: 'SampleFrames', clip_len: 16, frame_interval: 1, num_clips: 1, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [128, 171] },
  { type: 'CenterCrop', crop_size: 112 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
];
const test_pipeline = [
  { type: 'SampleFrames', clip_len: 16, frame_interval: 1, num_clips: 10, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [128, 171] },
  { type: 'CenterCrop', crop_size: 112 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
];
const data = {
  videos_per_gpu: 30,
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
// optimizer
const optimizer = { type: 'SGD', lr: 0.001, momentum: 0.9, weight_decay: 0.0005 };
const optimizer_config = { grad_clip: { max_norm: 40, norm_type: 2 } };
// learning policy
const lr_config = { policy: 'step', step: [20, 40] };
const total_epochs = 45;
const checkpoint_config = { interval: 5 };
const evaluation = { interval: 5, metrics: ['top_k_accuracy', 'mean_class_accuracy'] };
const log_config = { interval: 20, hooks: [{ type: 'TextLoggerHook' }] };
// runtime settings
const dist_params = { backend: 'nccl' };
const log_level = 'INFO';
const work_dir = `./work_dirs/c3d_sports1m_16x1x1_45e_ucf101_split_${split}_rgb/`;
const load_from = null;
const resume_from = null;
const workflow = [['train', 1]];

export default defineConfig({
  _base_: '../../_base_/models/c3d_sports1m_pretrained.ts',
  dataset_type,
  data_root,
  data_root_val,
  split,
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
