// Translated from MMAction2 0.24.1 configs/_base_/models/tin_r50.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'Recognizer2D',
  backbone: {
    type: 'ResNetTIN',
    pretrained: 'torchvision://resnet50',
    depth: 50,
    norm_eval: false,
    shift_div: 4,
  },
  cls_head: {
    type: 'TSMHead',
    num_classes: 400,
    in_channels: 2048,
    spatial_type: 'avg',
    consensus: { type: 'AvgConsensus', dim: 1 },
    dropout_ratio: 0.5,
    init_std: 0.001,
    is_shift: false,
  },
  train_cfg: null,
  test_cfg: { average_clips: null },
};

export default defineConfig({
  model,
});
