// Translated from MMAction2 0.24.1 configs/skeleton/posec3d/slowonly_r50_u48_240e_ntu120_xsub_limb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

const model = {
  type: 'Recognizer3D',
  backbone: {
    type: 'ResNet3dSlowOnly',
    depth: 50,
    pretrained: null,
    in_channels: 17,
    base_channels: 32,
    num_stages: 3,
    out_indices: [2],
    stage_blocks: [4, 6, 3],
    conv1_stride_s: 1,
    pool1_stride_s: 1,
    inflate: [0, 1, 1],
    spatial_strides: [2, 2, 2],
    temporal_strides: [1, 1, 2],
    dilations: [1, 1, 1],
  },
  cls_head: { type: 'I3DHead', in_channels: 512, num_classes: 120, spatial_type: 'avg', dropout_ratio: 0.5 },
  train_cfg: {},
  test_cfg: { average_clips: 'prob' },
};
const dataset_type = 'PoseDataset';
const ann_file_train = 'data/posec3d/ntu60_xsub_train.pkl';
const ann_file_val = 'data/posec3d/ntu60_xsub_val.pkl';
const left_kp = [1, 3, 5, 7, 9, 11, 13, 15];
const right_kp = [2, 4, 6, 8, 10, 12, 14, 16];
const skeletons = [
  [0, 5],
  [0, 6],
  [5, 7],
  [7, 9],
  [6, 8],
  [8, 10],
  [5, 11],
  [11, 13],
  [13, 15],
  [6, 12],
  [12, 14],
  [14, 16],
  [0, 1],
  [0, 2],
  [1, 3],
  [2, 4],
  [11, 12],
];
const train_pipeline = [
  { type: 'UniformSampleFrames', clip_len: 48 },
  { type: 'PoseDecode' },
  { type: 'PoseCompact', hw_ratio: 1.0, allow_imgpad: true },
  { type: 'Resize', scale: [-1, 64] },
  { type: 'RandomResizedCrop', area_range: [0.56, 1.0] },
  { type: 'Resize', scale: [56, 56], keep_ratio: false },
  { type: 'Flip', flip_ratio: 0.5, left_kp: left_kp, right_kp: right_kp },
  {
    type: 'GeneratePoseTarget',
    sigma: 0.6,
    use_score: true,
    with_kp: false,
    with_limb: true,
    skeletons: skeletons,
  },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
];
const val_pipeline = [
  { type: 'UniformSampleFrames', clip_len: 48, num_clips: 1, test_mode: true },
  { type: 'PoseDecode' },
  { type: 'PoseCompact', hw_ratio: 1.0, allow_imgpad: true },
  { type: 'Resize', scale: [-1, 64] },
  { type: 'CenterCrop', crop_size: 64 },
  {
    type: 'GeneratePoseTarget',
    sigma: 0.6,
    use_score: true,
    with_kp: false,
    with_limb: true,
    skeletons: skeletons,
  },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const test_pipeline = [
  { type: 'UniformSampleFrames', clip_len: 48, num_clips: 10, test_mode: true },
  { type: 'PoseDecode' },
  { type: 'PoseCompact', hw_ratio: 1.0, allow_imgpad: true },
  { type: 'Resize', scale: [-1, 64] },
  { type: 'CenterCrop', crop_size: 64 },
  {
    type: 'GeneratePoseTarget',
    sigma: 0.6,
    use_score: true,
    with_kp: false,
    with_limb: true,
    skeletons: skeletons,
    double: true,
    left_kp: left_kp,
    right_kp: right_kp,
  },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];
const data = {
  videos_per_gpu: 16,
  workers_per_gpu: 2,
  test_dataloader: { videos_per_gpu: 1 },
  train: {
    type: dataset_type,
    ann_file: ann_file_train,
    data_prefix: '',
    class_prob: Object.fromEntries(Array.from({ length: 120 - 0 }, (_, i) => 0 + i).map((i) => [i, 1 + Number(i >= 60)])),
    pipeline: train_pipeline,
  },
  val: { type: dataset_type, ann_file: ann_file_val, data_prefix: '', pipeline: val_pipeline },
  test: { type: dataset_type, ann_file: ann_file_val, data_prefix: '', pipeline: test_pipeline },
};
// optimizer
const optimizer = { type: 'SGD', lr: 0.2, momentum: 0.9, weight_decay: 0.0003 };
const optimizer_config = { grad_clip: { max_norm: 40, norm_type: 2 } };
// learning policy
const lr_config = { policy: 'CosineAnnealing', by_epoch: false, min_lr: 0 };
const total_epochs = 240;
const checkpoint_config = { interval: 10 };
const workflow = [['train', 10]];
const evaluation = { interval: 10, metrics: ['top_k_accuracy', 'mean_class_accuracy'], topk: [1, 5] };
const log_config = { interval: 20, hooks: [{ type: 'TextLoggerHook' }] };
const dist_params = { backend: 'nccl' };
const log_level = 'INFO';
const work_dir = './work_dirs/posec3d/slowonly_r50_u48_240e_ntu120_xsub_limb';
const load_from = null;
const resume_from = null;
const find_unused_parameters = false;

export default defineConfig({
  model,
  dataset_type,
  ann_file_train,
  ann_file_val,
  left_kp,
  right_kp,
  skeletons,
  train_pipeline,
  val_pipeline,
  test_pipeline,
  data,
  optimizer,
  optimizer_config,
  lr_config,
  total_epochs,
  checkpoint_config,
  workflow,
  evaluation,
  log_config,
  dist_params,
  log_level,
  work_dir,
  load_from,
  resume_from,
  find_unused_parameters,
});
