// Translated from MMAction2 0.24.1 configs/recognition/i3d/i3d_nl_embedded_gaussian_r50_32x2x1_100e_kinetics400_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  backbone: {
    non_local_cfg: {
      sub_sample: true,
      use_scale: false,
      norm_cfg: { type: 'BN3d', requires_grad: true },
      mode: 'embedded_gaussian',
    },
  },
};
// runtime settings
const work_dir = './work_dirs/i3d_nl_embedded_gaussian_r50_32x2x1_100e_kinetics400_rgb/';

export default defineConfig({
  _base_: [
    './i3d_nl_dot_product_r50_32x2x1_100e_kinetics400_rgb.ts',
  ],
  model,
  work_dir,
});
