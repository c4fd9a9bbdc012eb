// Translated from MMAction2 0.24.1 configs/recognition/tsm/tsm_nl_embedded_gaussian_r50_1x1x8_50e_kinetics400_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  backbone: {
    non_local: [[0, 0, 0], [1, 0, 1, 0], [1, 0, 1, 0, 1, 0], [0, 0, 0]],
    non_local_cfg: {
      sub_sample: true,
      use_scale: false,
      norm_cfg: { type: 'BN3d', requires_grad: true },
      mode: 'embedded_gaussian',
    },
  },
};
// dataset settings
const dataset_type = 'RawframeDataset';
const data_root = 'data/kinetics400/rawframes_train';
const data_root_val = 'data/kinetics400/rawframes_val';
const ann_file_train = 'data/kinetics400/kinetics400_train_list_rawframes.txt';
const ann_file_val = 'data/kinetics400/kinetics400_val_list_rawframes.txt';
const ann_file_test = 'data/kinetics400/kinetics400_val_list_rawframes.txt';
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
  { type: 'Flip', flip_ratio: 0.5 },
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
const evaluation = { interval: 5, metrics: ['top_k_accuracy', 'mean_class_accuracy'] };
// runtime settings
const work_dir = './work_dirs/tsm_nl_embedded_gaussian_r50_1x1x8_50e_kinetics400_rgb/';

export default defineConfig({
  _base_: [
    '../../_base_/models/tsm_r50.ts',
    '../../_base_/schedules/sgd_tsm_50e.ts',
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
  work_dir,
});
