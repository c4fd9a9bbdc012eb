// Translated from MMAction2 0.24.1 configs/recognition/tpn/tpn_slowonly_r50_8x8x1_150e_kinetics_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = { backbone: { pretrained: null } };
// runtime settings
const work_dir = './work_dirs/tpn_slowonly_r50_8x8x1_150e_kinetics400_rgb';

export default defineConfig({
  _base_: [
    './tpn_imagenet_pretrained_slowonly_r50_8x8x1_150e_kinetics_rgb.ts',
  ],
  model,
  work_dir,
});
