// Translated from MMAction2 0.24.1 configs/recognition/slowfast/slowfast_r50_16x8x1_22e_sthv1_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

const model = {
  backbone: { resample_rate: 4, speed_ratio: 4, channel_ratio: 8, slow_pathway: { fusion_kernel: 7 } },
  cls_head: { num_classes: 174 },
};
// dataset settings
const dataset_type = 'RawframeDataset';
const data_root = 'data/sthv1/rawframes';
const data_root_val = 'data/sthv1/rawframes';
const ann_file_train = 'data/sthv1/sthv1_train_list_rawframes.txt';
const ann_file_val = 'data/sthv1/sthv1_val_list_rawframes.txt';
const ann_file_test = 'data/sthv1/sthv1_val_list_rawframes.txt';
const sthv1_flip_label_map = { 2: 4, 4: 2, 30: 41, 41: 30, 52: 66, 66: 52 };
const img_norm_cfg = { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false };
const train_pipeline = [
  { type: 'SampleFrames', clip_len: 64, frame_interval: 2, num_clips: 1 },
  { type: 'RawFrameDecode' },
  { type: 'RandomResizedCrop' },
  { type: 'Resize', scale: [224, 224], keep_ratio: false },
  { type: 'Flip', flip_ratio: 0.5, flip_label_map: sthv1_flip_label_map },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
];
const val_pipeline = [
  { type: 'SampleFrames', clip_len: 64, frame_interval: 2, num_clips: 1, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'CenterCrop', crop_size: 256 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const test_pipeline = [
  { type: 'SampleFrames', clip_len: 64, frame_interval: 2, num_clips: 1, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'CenterCrop', crop_size: 256 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const data = {
  videos_per_gpu: 4,
  workers_per_gpu: 2,
  test_dataloader: { videos_per_gpu: 1 },
  train: {
    type: dataset_type,
    ann_file: ann_file_train,
    data_prefix: data_root,
    filename_tmpl: '{:05}.jpg',
    pipeline: train_pipeline,
  },
  val: {
    type: dataset_type,
    ann_file: ann_file_val,
    data_prefix: data_root_val,
    filename_tmpl: '{:05}.jpg',
    pipeline: val_pipeline,
  },
  test: {
    type: dataset_type,
    ann_file: ann_file_test,
    data_prefix: data_root_val,
    filename_tmpl: '{:05}.jpg',
    pipeline: test_pipeline,
  },
};
const evaluation = { interval: 1, metrics: ['top_k_accuracy'], start: 18, gpu_collect: true };
// optimizer
const optimizer = { type: 'SGD', lr: 0.06, momentum: 0.9, weight_decay: 1e-06 };
const optimizer_config = { grad_clip: { max_norm: 40, norm_type: 2 } };
// learning policy
const lr_config = {
  policy: 'step',
  step: [14, 18],
  warmup: 'linear',
  warmup_by_epoch: false,
  warmup_iters: Math.floor(16343 / 32),
};
const total_epochs = 22;
// runtime settings
const checkpoint_config = { interval: 1 };
const work_dir = './work_dirs/slowfast_r50_16x8x1_22e_sthv1_rgb';
const load_from = 'https://download.openmmlab.com/mmaction/recognition/slowfast/slowfast_r50_8x8x1_256e_kinetics400_rgb/slowfast_r50_8x8x1_256e_kinetics400_rgb_20200716-73547d2b.pth';
const find_unused_parameters = false;

export default defineConfig({
  _base_: [
    '../../_base_/models/slowfast_r50.ts',
    '../../_base_/default_runtime.ts',
  ],
  model,
  dataset_type,
  data_root,
  data_root_val,
  ann_file_train,
  ann_file_val,
  ann_file_test,
  sthv1_flip_label_map,
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
  find_unused_parameters,
});
