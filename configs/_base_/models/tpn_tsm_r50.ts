// Translated from MMAction2 0.24.1 configs/_base_/models/tpn_tsm_r50.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'Recognizer2D',
  backbone: {
    type: 'ResNetTSM',
    pretrained: 'torchvision://resnet50',
    depth: 50,
    out_indices: [2, 3],
    norm_eval: false,
    shift_div: 8,
  },
  neck: {
    type: 'TPN',
    in_channels: [1024, 2048],
    out_channels: 1024,
    spatial_modulation_cfg: { in_channels: [1024, 2048], out_channels: 2048 },
    temporal_modulation_cfg: { downsample_scales: [8, 8] },
    upsample_cfg: { scale_factor: [1, 1, 1] },
    downsample_cfg: { downsample_scale: [1, 1, 1] },
    level_fusion_cfg: {
      in_channels: [1024, 1024],
      mid_channels: [1024, 1024],
      out_channels: 2048,
      downsample_scales: [[1, 1, 1], [1, 1, 1]],
    },
    aux_head_cfg: { out_channels: 174, loss_weight: 0.5 },
  },
  cls_head: {
    type: 'TPNHead',
    num_classes: 174,
    in_channels: 2048,
    spatial_type: 'avg',
    consensus: { type: 'AvgConsensus', dim: 1 },
    dropout_ratio: 0.5,
    init_std: 0.01,
  },
  train_cfg: null,
  test_cfg: { average_clips: 'prob', fcn_test: true },
};

export default defineConfig({
  model,
});
