// Translated from MMAction2 0.24.1 configs/_base_/models/tpn_slowonly_r50.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'Recognizer3D',
  backbone: {
    type: 'ResNet3dSlowOnly',
    depth: 50,
    pretrained: 'torchvision://resnet50',
    lateral: false,
    out_indices: [2, 3],
    conv1_kernel: [1, 7, 7],
    conv1_stride_t: 1,
    pool1_stride_t: 1,
    inflate: [0, 0, 1, 1],
    norm_eval: false,
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
    aux_head_cfg: { out_channels: 400, loss_weight: 0.5 },
  },
  cls_head: {
    type: 'TPNHead',
    num_classes: 400,
    in_channels: 2048,
    spatial_type: 'avg',
    consensus: { type: 'AvgConsensus', dim: 1 },
    dropout_ratio: 0.5,
    init_std: 0.01,
  },
  train_cfg: null,
  test_cfg: { average_clips: 'prob' },
};

export default defineConfig({
  model,
});
