// Translated from MMAction2 0.24.1 configs/_base_/default_runtime.py by scripts/fixtures/translate_configs.ts.
import { defineConfig } from '../../src/config/types.ts';

const checkpoint_config = { interval: 1 };
const log_config = { interval: 20, hooks: [{ type: 'TextLoggerHook' }] };
// runtime settings
const dist_params = { backend: 'nccl' };
const log_level = 'INFO';
const load_from = null;
const resume_from = null;
const workflow = [['train', 1]];
// disable opencv multithreading to avoid system being overloaded
const opencv_num_threads = 0;
// set multi-process start method as `fork` to speed up the training
const mp_start_method = 'fork';

export default defineConfig({
  checkpoint_config,
  log_config,
  dist_params,
  log_level,
  load_from,
  resume_from,
  workflow,
  opencv_num_threads,
  mp_start_method,
});
