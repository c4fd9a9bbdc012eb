// Translated from MMAction2 0.24.1 configs/recognition/slowfast/slowfast_r50_8x8x1_256e_kinetics400_rgb.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

const model = {
  backbone: { resample_rate: 4, speed_ratio: 4, channel_ratio: 8, slow_pathway: { fusion_kernel: 7 } },
};
const work_dir = './work_dirs/slowfast_r50_3d_8x8x1_256e_kinetics400_rgb';

export default defineConfig({
  _base_: [
    './slowfast_r50_4x16x1_256e_kinetics400_rgb.ts',
  ],
  model,
  work_dir,
});
