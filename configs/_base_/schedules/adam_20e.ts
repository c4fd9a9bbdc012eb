// Translated from MMAction2 0.24.1 configs/_base_/schedules/adam_20e.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// optimizer
const optimizer = { type: 'Adam', lr: 0.01, weight_decay: 1e-05 };
const optimizer_config = { grad_clip: null };
// learning policy
const lr_config = { policy: 'step', step: 10 };
const total_epochs = 20;

export default defineConfig({
  optimizer,
  optimizer_config,
  lr_config,
  total_epochs,
});
