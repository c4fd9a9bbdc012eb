// Translated from MMAction2 0.24.1 configs/_base_/models/slowonly_r50.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'Recognizer3D',
  backbone: {
    type: 'ResNet3dSlowOnly',
    depth: 50,
    pretrained: 'torchvision://resnet50',
    lateral: false,
    conv1_kernel: [1, 7, 7],
    conv1_stride_t: 1,
    pool1_stride_t: 1,
    inflate: [0, 0, 1, 1],
    norm_eval: false,
  },
  cls_head: { type: 'I3DHead', in_channels: 2048, num_classes: 400, spatial_type: 'avg', dropout_ratio: 0.5 },
  train_cfg: null,
  test_cfg: { average_clips: 'prob' },
};

export default defineConfig({
  model,
});
