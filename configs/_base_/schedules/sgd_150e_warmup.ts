// Translated from MMAction2 0.24.1 configs/_base_/schedules/sgd_150e_warmup.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// optimizer
const optimizer = { type: 'SGD', lr: 0.01, momentum: 0.9, weight_decay: 0.0001 };
const optimizer_config = { grad_clip: { max_norm: 40, norm_type: 2 } };
// learning policy
const lr_config = { policy: 'step', step: [90, 130], warmup: 'linear', warmup_by_epoch: true, warmup_iters: 10 };
const total_epochs = 150;

export default defineConfig({
  optimizer,
  optimizer_config,
  lr_config,
  total_epochs,
});
