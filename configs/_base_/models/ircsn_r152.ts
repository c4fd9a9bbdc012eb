// Translated from MMAction2 0.24.1 configs/_base_/models/ircsn_r152.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'Recognizer3D',
  backbone: {
    type: 'ResNet3dCSN',
    pretrained2d: false,
    pretrained: null,
    depth: 152,
    with_pool2: false,
    bottleneck_mode: 'ir',
    norm_eval: false,
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
  test_cfg: { average_clips: 'prob', max_testing_views: 10 },
};

export default defineConfig({
  model,
});
