// Translated from MMAction2 0.24.1 configs/recognition/slowonly/slowonly_imagenet_pretrained_r50_8x4x1_64e_sthv2_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = { backbone: { with_pool1: false }, cls_head: { num_classes: 174 } };
// dataset settings
const dataset_type = 'RawframeDataset';
const data_root = 'data/sthv2/rawframes';
const data_root_val = 'data/sthv2/rawframes';
const ann_file_train = 'data/sthv2/sthv2_train_list_rawframes.txt';
const ann_file_val = 'data/sthv2/sthv2_val_list_rawframes.txt';
const ann_file_test = 'data/sthv2/sthv2_val_list_rawframes.txt';
const img_norm_cfg = { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false };
const train_pipeline = [
  { type: 'SampleFrames', clip_len: 8, frame_interval: 4, num_clips: 1 },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 128] },
  { type: 'RandomResizedCrop' },
  { type: 'Resize', scale: [112, 112], keep_ratio: false },
  { type: 'Flip', flip_ratio: 0.5 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
];
const val_pipeline = [
  { type: 'SampleFrames', clip_len: 8, frame_interval: 4, num_clips: 1, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 128] },
  { type: 'CenterCrop', crop_size: 112 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const test_pipeline = [
  { type: 'SampleFrames', clip_len: 8, frame_interval: 4, num_clips: 10, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 128] },
  { type: 'ThreeCrop', crop_size: 128 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
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
const evaluation = { interval: 1, metrics: ['top_k_accuracy', 'mean_class_accuracy'] };
// optimizer
const optimizer = { lr: 0.1 };
// learning policy
const lr_config = { policy: 'CosineAnnealing', min_lr: 0, warmup: 'linear', warmup_by_epoch: true, warmup_iters: 10 };
const total_epochs = 64;
// runtime settings
const work_dir = './work_dirs/slowonly_r50_8x4x1_64e_sthv2_rgb';

export default defineConfig({
  _base_: [
    '../../_base_/models/slowonly_r50.ts',
    '../../_base_/schedules/sgd_150e_warmup.ts',
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
  lr_config,
  total_epochs,
  work_dir,
});
