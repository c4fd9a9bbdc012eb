// Translated from MMAction2 0.24.1 configs/_base_/models/tsn_r50_audio.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../../src/config/types.ts';

// model settings
const model = {
  type: 'AudioRecognizer',
  backbone: { type: 'ResNet', depth: 50, in_channels: 1, norm_eval: false },
  cls_head: { type: 'AudioTSNHead', num_classes: 400, in_channels: 2048, dropout_ratio: 0.5, init_std: 0.01 },
  train_cfg: null,
  test_cfg: { average_clips: 'prob' },
};

export default defineConfig({
  model,
});
