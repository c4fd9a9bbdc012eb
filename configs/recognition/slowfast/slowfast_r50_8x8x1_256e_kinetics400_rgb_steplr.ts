// Translated from MMAction2 0.24.1 configs/recognition/slowfast/slowfast_r50_8x8x1_256e_kinetics400_rgb_steplr.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

const model = { backbone: { slow_pathway: { lateral_norm: true } } };
const lr_config = {
  policy: 'step',
  min_lr: 0,
  warmup: 'linear',
  warmup_by_epoch: true,
  warmup_iters: 34,
  step: [94, 154, 196],
};
const work_dir = './work_dirs/slowfast_r50_8x8x1_256e_kinetics400_rgb_steplr';

export default defineConfig({
  _base_: [
    './slowfast_r50_8x8x1_256e_kinetics400_rgb.ts',
  ],
  model,
  lr_config,
  work_dir,
});
