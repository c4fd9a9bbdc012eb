// Translated from MMAction2 0.24.1 configs/_base_/models/slowfast_r50.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'Recognizer3D',
  backbone: {
    type: 'ResNet3dSlowFast',
    pretrained: null,
    resample_rate: 8,
    speed_ratio: 8,
    channel_ratio: 8,
    slow_pathway: {
      type: 'resnet3d',
      depth: 50,
      pretrained: null,
      lateral: true,
      conv1_kernel: [1, 7, 7],
      dilations: [1, 1, 1, 1],
      conv1_stride_t: 1,
      pool1_stride_t: 1,
      inflate: [0, 0, 1, 1],
      norm_eval: false,
    },
    fast_pathway: {
      type: 'resnet3d',
      depth: 50,
      pretrained: null,
      lateral: false,
      base_channels: 8,
      conv1_kernel: [5, 7, 7],
      conv1_stride_t: 1,
      pool1_stride_t: 1,
      norm_eval: false,
    },
  },
  cls_head: {
    type: 'SlowFastHead',
    in_channels: 2304,
    num_classes: 400,
    spatial_type: 'avg',
    dropout_ratio: 0.5,
  },
  train_cfg: null,
  test_cfg: { average_clips: 'prob' },
};

export default defineConfig({
  model,
});
