// Translated from MMAction2 0.24.1 configs/_base_/models/bmn_400x100.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'BMN',
  temporal_dim: 100,
  boundary_ratio: 0.5,
  num_samples: 32,
  num_samples_per_bin: 3,
  feat_dim: 400,
  soft_nms_alpha: 0.4,
  soft_nms_low_threshold: 0.5,
  soft_nms_high_threshold: 0.9,
  post_process_top_k: 100,
};

export default defineConfig({
  model,
});
