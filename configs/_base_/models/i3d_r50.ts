// Translated from MMAction2 0.24.1 configs/_base_/models/i3d_r50.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'Recognizer3D',
  backbone: {
    type: 'ResNet3d',
    pretrained2d: true,
    pretrained: 'torchvision://resnet50',
    depth: 50,
    conv1_kernel: [5, 7, 7],
    conv1_stride_t: 2,
    pool1_stride_t: 2,
    conv_cfg: { type: 'Conv3d' },
    norm_eval: false,
    inflate: [[1, 1, 1], [1, 0, 1, 0], [1, 0, 1, 0, 1, 0], [0, 1, 0]],
    zero_init_residual: false,
  },
  cls_head: {
    type: 'I3DHead',
    num_classes: 400,
    in_channels: 2048,
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
