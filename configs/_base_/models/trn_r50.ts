// Translated from MMAction2 0.24.1 configs/_base_/models/trn_r50.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'Recognizer2D',
  backbone: {
    type: 'ResNet',
    pretrained: 'torchvision://resnet50',
    depth: 50,
    norm_eval: false,
    partial_bn: true,
  },
  cls_head: {
    type: 'TRNHead',
    num_classes: 400,
    in_channels: 2048,
    num_segments: 8,
    spatial_type: 'avg',
    relation_type: 'TRNMultiScale',
    hidden_dim: 256,
    dropout_ratio: 0.8,
    init_std: 0.001,
  },
  train_cfg: null,
  test_cfg: { average_clips: 'prob' },
};

export default defineConfig({
  model,
});
