// Translated from MMAction2 0.24.1 configs/_base_/models/c3d_sports1m_pretrained.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'Recognizer3D',
  backbone: {
    type: 'C3D',
    pretrained: 'https://download.openmmlab.com/mmaction/recognition/c3d/c3d_sports1m_pretrain_20201016-dcc47ddc.pth',
    style: 'pytorch',
    conv_cfg: { type: 'Conv3d' },
    norm_cfg: null,
    act_cfg: { type: 'ReLU' },
    dropout_ratio: 0.5,
    init_std: 0.005,
  },
  cls_head: {
    type: 'I3DHead',
    num_classes: 101,
    in_channels: 4096,
    spatial_type: null,
    dropout_ratio: 0.5,
    init_std: 0.01,
  },
  train_cfg: null,
  test_cfg: { average_clips: 'score' },
};

export default defineConfig({
  model,
});
