// Translated from MMAction2 0.24.1 configs/recognition/tsn/tsn_r50_320p_1x1x8_110e_kinetics400_flow.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
// ``in_channels`` should be 2 * clip_len
const model = { backbone: { in_channels: 10 } };
// dataset settings
const dataset_type = 'RawframeDataset';
const data_root = 'data/kinetics400/rawframes_train_320p';
const data_root_val = 'data/kinetics400/rawframes_val_320p';
const ann_file_train = 'data/kinetics400/kinetics400_flow_train_list_320p.txt';
const ann_file_val = 'data/kinetics400/kinetics400_flow_val_list_320p.txt';
const ann_file_test = 'data/kinetics400/kinetics400_flow_val_list_320p.txt';
const img_norm_cfg = { mean: [128, 128], std: [128, 128] };
const train_pipeline = [
  { type: 'SampleFrames', clip_len: 5, frame_interval: 1, num_clips: 8 },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'RandomResizedCrop' },
  { type: 'Resize', scale: [224, 224], keep_ratio: false },
  { type: 'Flip', flip_ratio: 0.5 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW_Flow' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
];
const val_pipeline = [
  { type: 'SampleFrames', clip_len: 5, frame_interval: 1, num_clips: 8, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'CenterCrop', crop_size: 224 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW_Flow' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const test_pipeline = [
  { type: 'SampleFrames', clip_len: 5, frame_interval: 1, num_clips: 25, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'TenCrop', crop_size: 224 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW_Flow' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const data = {
  videos_per_gpu: 12,
  workers_per_gpu: 2,
  test_dataloader: { videos_per_gpu: 1 },
  train: {
    type: dataset_type,
    ann_file: ann_file_train,
    data_prefix: data_root,
    filename_tmpl: '{}_{:05d}.jpg',
    modality: 'Flow',
    pipeline: train_pipeline,
  },
  val: {
    type: dataset_type,
    ann_file: ann_file_val,
    data_prefix: data_root_val,
    filename_tmpl: '{}_{:05d}.jpg',
    modality: 'Flow',
    pipeline: val_pipeline,
  },
  test: {
    type: dataset_type,
    ann_file: ann_file_test,
    data_prefix: data_root_val,
    filename_tmpl: '{}_{:05d}.jpg',
    modality: 'Flow',
    pipeline: test_pipeline,
  },
};
const evaluation = { interval: 5, metrics: ['top_k_accuracy', 'mean_class_accuracy'] };
// optimizer
const optimizer = { type: 'SGD', lr: 0.001875, momentum: 0.9, weight_decay: 0.0001 };
const optimizer_config = { grad_clip: { max_norm: 40, norm_type: 2 } };
// learning policy
const lr_config = { policy: 'step', step: [70, 100] };
const total_epochs = 110;
// runtime settings
const checkpoint_config = { interval: 5 };
const work_dir = './work_dirs/tsn_r50_320p_1x1x8_110e_kinetics400_flow/';

export default defineConfig({
  _base_: [
    '../../_base_/models/tsn_r50.ts',
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
});
