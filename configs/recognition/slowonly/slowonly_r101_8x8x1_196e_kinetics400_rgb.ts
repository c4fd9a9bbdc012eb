// Translated from MMAction2 0.24.1 configs/recognition/slowonly/slowonly_r101_8x8x1_196e_kinetics400_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = { backbone: { depth: 101, pretrained: null } };
// optimizer
const optimizer = { type: 'SGD', lr: 0.1, momentum: 0.9, weight_decay: 0.0001 };
// learning policy
const lr_config = {
  policy: 'CosineAnnealing',
  min_lr: 0,
  warmup: 'linear',
  warmup_ratio: 0.1,
  warmup_by_epoch: true,
  warmup_iters: 34,
};
const total_epochs = 196;
// runtime settings
const work_dir = './work_dirs/slowonly_r101_8x8x1_196e_kinetics400_rgb';

export default defineConfig({
  _base_: [
    './slowonly_r50_8x8x1_256e_kinetics400_rgb.ts',
  ],
  model,
  optimizer,
  lr_config,
  total_epochs,
  work_dir,
});
