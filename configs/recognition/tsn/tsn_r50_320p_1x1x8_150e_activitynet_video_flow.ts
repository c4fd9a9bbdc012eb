// Translated from MMAction2 0.24.1 configs/recognition/tsn/tsn_r50_320p_1x1x8_150e_activitynet_video_flow.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
// ``in_channels`` should be 2 * clip_len
const model = { backbone: { in_channels: 10 }, cls_head: { num_classes: 200, dropout_ratio: 0.8 } };
// dataset settings
const dataset_type = 'RawframeDataset';
const data_root = 'data/ActivityNet/rawframes';
const data_root_val = 'data/ActivityNet/rawframes';
const ann_file_train = 'data/ActivityNet/anet_train_video.txt';
const ann_file_val = 'data/ActivityNet/anet_val_video.txt';
const ann_file_test = 'data/ActivityNet/anet_val_clip.txt';
const img_norm_cfg = { mean: [128, 128], std: [128, 128], to_bgr: false };
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
  videos_per_gpu: 8,
  workers_per_gpu: 2,
  test_dataloader: { videos_per_gpu: 1 },
  train: {
    type: dataset_type,
    ann_file: ann_file_train,
    data_prefix: data_root,
    filename_tmpl: 'flow_{}_{:05d}.jpg',
    modality: 'Flow',
    start_index: 0,
    pipeline: train_pipeline,
  },
  val: {
    type: dataset_type,
    ann_file: ann_file_val,
    data_prefix: data_root_val,
    filename_tmpl: 'flow_{}_{:05d}.jpg',
    modality: 'Flow',
    start_index: 0,
    pipeline: val_pipeline,
  },
  test: {
    type: dataset_type,
    ann_file: ann_file_test,
    data_prefix: data_root_val,
    filename_tmpl: 'flow_{}_{:05d}.jpg',
    with_offset: true,
    modality: 'Flow',
    start_index: 0,
    pipeline: test_pipeline,
  },
};
const evaluation = { interval: 5, metrics: ['top_k_accuracy', 'mean_class_accuracy'] };
// optimizer
const optimizer = { type: 'SGD', lr: 0.001, momentum: 0.9, weight_decay: 0.0001 };
// this lr is used for 8 gpus
const optimizer_config = { grad_clip: { max_norm: 40, norm_type: 2 } };
// learning policy
const lr_config = { policy: 'step', step: [60, 120] };
const total_epochs = 150;
// runtime settings
const checkpoint_config = { interval: 5 };
const work_dir = './work_dirs/tsn_r50_320p_1x1x8_150e_activitynet_video_flow/';
const load_from = 'https://download.openmmlab.com/mmaction/recognition/tsn/tsn_r50_320p_1x1x8_110e_kinetics400_flow/tsn_r50_320p_1x1x8_110e_kinetics400_flow_20200705-1f39486b.pth';
const workflow = [['train', 5]];

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
  load_from,
  workflow,
});
