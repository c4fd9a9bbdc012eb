// Translated from MMAction2 0.24.1 configs/_base_/models/bsn_pem.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'PEM',
  pem_feat_dim: 32,
  pem_hidden_dim: 256,
  pem_u_ratio_m: 1,
  pem_u_ratio_l: 2,
  pem_high_temporal_iou_threshold: 0.6,
  pem_low_temporal_iou_threshold: 0.2,
  soft_nms_alpha: 0.75,
  soft_nms_low_threshold: 0.65,
  soft_nms_high_threshold: 0.9,
  post_process_top_k: 100,
};

export default defineConfig({
  model,
});
