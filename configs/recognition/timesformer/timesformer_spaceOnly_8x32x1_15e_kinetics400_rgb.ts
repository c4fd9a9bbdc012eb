// Translated from MMAction2 0.24.1 configs/recognition/timesformer/timesformer_spaceOnly_8x32x1_15e_kinetics400_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'Recognizer3D',
  backbone: {
    type: 'TimeSformer',
    pretrained: 'https://download.openmmlab.com/mmaction/recognition/timesformer/vit_base_patch16_224.pth',
    num_frames: 8,
    img_size: 224,
    patch_size: 16,
    embed_dims: 768,
    in_channels: 3,
    dropout_ratio: 0.0,
    transformer_layers: null,
    attention_type: 'space_only',
    norm_cfg: { type: 'LN', eps: 1e-06 },
  },
  cls_head: { type: 'TimeSformerHead', num_classes: 400, in_channels: 768 },
  train_cfg: null,
  test_cfg: { average_clips: 'prob' },
};
// dataset settings
const dataset_type = 'RawframeDataset';
const data_root = 'data/kinetics400/rawframes_train';
const data_root_val = 'data/kinetics400/rawframes_val';
const ann_file_train = 'data/kinetics400/kinetics400_train_list_rawframes.txt';
const ann_file_val = 'data/kinetics400/kinetics400_val_list_rawframes.txt';
const ann_file_test = 'data/kinetics400/kinetics400_val_list_rawframes.txt';
const img_norm_cfg = { mean: [127.5, 127.5, 127.5], std: [127.5, 127.5, 127.5], to_bgr: false };
const train_pipeline = [
  { type: 'SampleFrames', clip_len: 8, frame_interval: 32, num_clips: 1 },
  { type: 'RawFrameDecode' },
  { type: 'RandomRescale', scale_range: [256, 320] },
  { type: 'RandomCrop', size: 224 },
  { type: 'Flip', flip_ratio: 0.5 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
];
const val_pipeline = [
  { type: 'SampleFrames', clip_len: 8, frame_interval: 32, num_clips: 1, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 256] },
  { type: 'CenterCrop', crop_size: 224 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
];
const test_pipeline = [
  { type: 'SampleFrames', clip_len: 8, frame_interval: 32, num_clips: 1, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 224] },
  { type: 'ThreeCrop', crop_size: 224 },
  { type: 'Normalize', ...img_norm_cfg },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
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
const optimizer = {
  type: 'SGD',
  lr: 0.005,
  momentum: 0.9,
  paramwise_cfg: {
    custom_keys: { '.backbone.cls_token': { decay_mult: 0.0 }, '.backbone.pos_embed': { decay_mult: 0.0 } },
  },
  weight_decay: 0.0001,
  nesterov: true,
};
const optimizer_config = { grad_clip: { max_norm: 40, norm_type: 2 } };
// learning policy
const lr_config = { policy: 'step', step: [5, 10] };
const total_epochs = 15;
// runtime settings
const checkpoint_config = { interval: 1 };
const work_dir = './work_dirs/timesformer_divST_8x32x1_15e_kinetics400_rgb';

export default defineConfig({
  _base_: [
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
