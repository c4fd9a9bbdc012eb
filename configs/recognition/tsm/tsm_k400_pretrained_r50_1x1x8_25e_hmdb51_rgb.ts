// Translated from MMAction2 0.24.1 configs/recognition/tsm/tsm_k400_pretrained_r50_1x1x8_25e_hmdb51_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = { backbone: { num_segments: 8 }, cls_head: { num_classes: 51, num_segments: 8 } };
// dataset settings
const split = 1;
const dataset_type = 'RawframeDataset';
const data_root = 'data/hmdb51/rawframes';
const data_root_val = 'data/hmdb51/rawframes';
const ann_file_train = `data/hmdb51/hmdb51_train_split_${split}_rawframes.txt`;
const ann_file_val = `data/hmdb51/hmdb51_val_split_${split}_rawframes.txt`;
const ann_file_test = `data/hmdb51/hmdb51_val_split_${split}_rawframes.txt`;
const img_norm_cfg = { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false };
const train_pipeline = [
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 8 },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  {
    type: 'MultiScaleCrop',
    input_size: 224,
    scales: [1, 0.875, 0.75, 0.66],
    random_crop: false,
    max_wh_scale_gap: 1,
    num_fixed_crops: 13,
  },
  { type: 'Resize', scale: [224, 224], keep_ratio: false },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
];
const val_pipeline = [
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 8, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'CenterCrop', crop_size: 224 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const test_pipeline = [
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 8, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'CenterCrop', crop_size: 224 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const data = {
  videos_per_gpu: 12,
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
const optimizer = { lr: 0.0015 };
// learning policy
const lr_config = { policy: 'step', step: [10, 20] };
const total_epochs = 25;
const load_from = 'https://download.openmmlab.com/mmaction/recognition/tsm/tsm_r50_256p_1x1x8_50e_kinetics400_rgb/tsm_r50_256p_1x1x8_50e_kinetics400_rgb_20200726-020785e2.pth';
// runtime settings
const work_dir = './work_dirs/tsm_k400_pretrained_r50_1x1x8_25e_hmdb51_rgb/';

export default defineConfig({
  _base_: [
    '../../_base_/models/tsm_r50.ts',
    '../../_base_/schedules/sgd_tsm_50e.ts',
    '../../_base_/default_runtime.ts',
  ],
  model,
  split,
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
  load_from,
  work_dir,
});
