// Translated from MMAction2 0.24.1 configs/_base_/models/r2plus1d_r34.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'Recognizer3D',
  backbone: {
    type: 'ResNet2Plus1d',
    depth: 34,
    pretrained: null,
    pretrained2d: false,
    norm_eval: false,
    conv_cfg: { type: 'Conv2plus1d' },
    norm_cfg: { type: 'SyncBN', requires_grad: true, eps: 0.001 },
    conv1_kernel: [3, 7, 7],
    conv1_stride_t: 1,
    pool1_stride_t: 1,
    inflate: [1, 1, 1, 1],
    spatial_strides: [1, 2, 2, 2],
    temporal_strides: [1, 2, 2, 2],
    zero_init_residual: false,
  },
  cls_head: {
    type: 'I3DHead',
    num_classes: 400,
    in_channels: 512,
    spatial_type: 'avg',
    dropout_ratio: 0.5,
    init_std: 0.01,
  },
  train_cfg: null,
  test_cfg: { average_clips: 'prob' },
};

export default defineConfig({
  model,
});
