// Translated from MMAction2 0.24.1 configs/_base_/models/tsm_mobilenet_v2.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'Recognizer2D',
  backbone: {
    type: 'MobileNetV2TSM',
    shift_div: 8,
    num_segments: 8,
    is_shift: true,
    pretrained: 'mmcls://mobilenet_v2',
  },
  cls_head: {
    type: 'TSMHead',
    num_segments: 8,
    num_classes: 400,
    in_channels: 1280,
    spatial_type: 'avg',
    consensus: { type: 'AvgConsensus', dim: 1 },
    dropout_ratio: 0.5,
    init_std: 0.001,
    is_shift: true,
  },
  train_cfg: null,
  test_cfg: { average_clips: 'prob' },
};

export default defineConfig({
  model,
});
