// Translated from MMAction2 0.24.1 configs/_base_/schedules/sgd_tsm_mobilenet_v2_50e.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// optimizer
const optimizer = {
  type: 'SGD',
  constructor: 'TSMOptimizerConstructor',
  paramwise_cfg: { fc_lr5: true },
  lr: 0.01,
  momentum: 0.9,
  weight_decay: 2e-05,
};
const optimizer_config = { grad_clip: { max_norm: 20, norm_type: 2 } };
// learning policy
const lr_config = { policy: 'step', step: [20, 40] };
const total_epochs = 50;

export default defineConfig({
  optimizer,
  optimizer_config,
  lr_config,
  total_epochs,
});
