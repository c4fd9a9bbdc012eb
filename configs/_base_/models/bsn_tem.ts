// Translated from MMAction2 0.24.1 configs/_base_/models/bsn_tem.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'TEM',
  temporal_dim: 100,
  boundary_ratio: 0.1,
  tem_feat_dim: 400,
  tem_hidden_dim: 512,
  tem_match_threshold: 0.5,
};

export default defineConfig({
  model,
});
