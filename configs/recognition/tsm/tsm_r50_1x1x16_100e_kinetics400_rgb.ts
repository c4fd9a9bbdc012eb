// Translated from MMAction2 0.24.1 configs/recognition/tsm/tsm_r50_1x1x16_100e_kinetics400_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

const optimizer_config = { grad_clip: { max_norm: 20, norm_type: 2 } };
// learning policy
const lr_config = { policy: 'step', step: [40, 80] };
const total_epochs = 100;
const work_dir = './work_dirs/tsm_r50_1x1x16_100e_kinetics400_rgb/';

export default defineConfig({
  _base_: [
    'tsm_r50_1x1x16_50e_kinetics400_rgb.ts',
  ],
  optimizer_config,
  lr_config,
  total_epochs,
  work_dir,
});
