// Translated from MMAction2 0.24.1 configs/recognition/tsm/tsm_temporal_pool_r50_1x1x8_50e_kinetics400_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = { backbone: { temporal_pool: true }, cls_head: { temporal_pool: true } };
// runtime settings
const work_dir = './work_dirs/tsm_temporal_pool_r50_1x1x8_100e_kinetics400_rgb/';

export default defineConfig({
  _base_: [
    './tsm_r50_1x1x8_50e_kinetics400_rgb.ts',
  ],
  model,
  work_dir,
});
