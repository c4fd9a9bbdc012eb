// Translated from MMAction2 0.24.1 configs/recognition/tsn/hvu/tsn_r18_1x1x8_100e_hvu_scene_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../../src/config/types.ts';

// model settings
const category_nums = { action: 739, attribute: 117, concept: 291, event: 69, object: 1678, scene: 248 };
const target_cate = 'scene';
const model = {
  backbone: { pretrained: 'torchvision://resnet18', depth: 18 },
  cls_head: {
    in_channels: 512,
    num_classes: category_nums[target_cate],
    multi_class: true,
    loss_cls: { type: 'BCELossWithLogits', loss_weight: 333.0 },
  },
};
// dataset settings
const dataset_type = 'VideoDataset';
const data_root = 'data/hvu/videos_train';
const data_root_val = 'data/hvu/videos_val';
const ann_file_train = `data/hvu/hvu_${target_cate}_train.json`;
const ann_file_val = `data/hvu/hvu_${target_cate}_val.json`;
const ann_file_test = `data/hvu/hvu_${target_cate}_val.json`;
const img_norm_cfg = { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false };
const train_pipeline = [
  { type: 'DecordInit' },
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 8 },
  { type: 'DecordDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'RandomResizedCrop' },
  { type: 'Resize', scale: [224, 224], keep_ratio: false },
  { type: 'Flip', flip_ratio: 0.5 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
];
const val_pipeline = [
  { type: 'DecordInit' },
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 8, test_mode: true },
  { type: 'DecordDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'CenterCrop', crop_size: 256 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const test_pipeline = [
  { type: 'DecordInit' },
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 25, test_mode: true },
  { type: 'DecordDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'ThreeCrop', crop_size: 256 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const data = {
  videos_per_gpu: 32,
  workers_per_gpu: 2,
  test_dataloader: { videos_per_gpu: 1 },
  train: {
    type: dataset_type,
    ann_file: ann_file_train,
    data_prefix: data_root,
    pipeline: train_pipeline,
    multi_class: true,
    num_classes: category_nums[target_cate],
  },
  val: {
    type: dataset_type,
    ann_file: ann_file_val,
    data_prefix: data_root_val,
    pipeline: val_pipeline,
    multi_class: true,
    num_classes: category_nums[target_cate],
  },
  test: {
    type: dataset_type,
    ann_file: ann_file_test,
    data_prefix: data_root_val,
    pipeline: test_pipeline,
    multi_class: true,
    num_classes: category_nums[target_cate],
  },
};
const evaluation = { interval: 2, metrics: ['mean_average_precision'] };
// runtime settings
const work_dir = `./work_dirs/tsn_r18_1x1x8_100e_hvu_${target_cate}_rgb/`;

export default defineConfig({
  _base_: [
    '../../../_base_/models/tsn_r50.ts',
    '../../../_base_/schedules/sgd_100e.ts',
    '../../../_base_/default_runtime.ts',
  ],
  category_nums,
  target_cate,
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
