// Translated from MMAction2 0.24.1 configs/_base_/models/x3d.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'Recognizer3D',
  backbone: { type: 'X3D', gamma_w: 1, gamma_b: 2.25, gamma_d: 2.2 },
  cls_head: {
    type: 'X3DHead',
    in_channels: 432,
    num_classes: 400,
    spatial_type: 'avg',
    dropout_ratio: 0.5,
    fc1_bias: false,
  },
  train_cfg: null,
  test_cfg: { average_clips: 'prob' },
};

export default defineConfig({
  model,
});
