// Translated from MMAction2 0.24.1 configs/recognition/tsm/tsm_r101_1x1x8_50e_sthv1_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = { backbone: { pretrained: 'torchvision://resnet101', depth: 101 } };
// runtime settings
const work_dir = './work_dirs/tsm_r101_1x1x8_50e_sthv1_rgb/';

export default defineConfig({
  _base_: [
    './tsm_r50_1x1x8_50e_sthv1_rgb.ts',
  ],
  model,
  work_dir,
});
