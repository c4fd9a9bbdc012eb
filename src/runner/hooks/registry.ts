/**
 * Hooks a config can name (`optimizer_config`, `checkpoint_config`, `log_config.hooks`,
 * `custom_hooks`), with mmcv's defaults. The lr schedules are in lr_registry.ts; EvalHook is built
 * by trainModel from `evaluation` (it needs the val loader).
 */
import { defineEntry, Registry } from '../../config/registry.ts';
import { CheckpointHook } from './checkpoint.ts';
import { EMAHook } from './ema.ts';
import type { Hook } from './hook.ts';
import { IterTimerHook } from './iter_timer.ts';
import { GradientCumulativeOptimizerHook, OptimizerHook } from './optimizer.ts';
import { TensorboardLoggerHook } from './tensorboard.ts';
import { TextLoggerHook } from './text_logger.ts';

type AnyOpts = Record<string, unknown>;

export const HOOKS = new Registry<Hook>('hook', [
  defineEntry<AnyOpts, Hook>({
    type: 'OptimizerHook', defaults: { grad_clip: null, detect_anomalous_params: false }, kinds: { grad_clip: ['object', 'null'] },
    doc: 'backward, grad clipping, optimizer step', build: (o) => new OptimizerHook(o),
  }),
  defineEntry<AnyOpts, Hook>({
    type: 'GradientCumulativeOptimizerHook', defaults: { grad_clip: null, detect_anomalous_params: false, cumulative_iters: 1 },
    kinds: { grad_clip: ['object', 'null'], cumulative_iters: 'integer' }, doc: 'gradient accumulation', build: (o) => new GradientCumulativeOptimizerHook(o),
  }),
  defineEntry<AnyOpts, Hook>({
    type: 'CheckpointHook',
    defaults: { interval: -1, by_epoch: true, save_optimizer: true, out_dir: null, max_keep_ckpts: -1, save_last: true, sync_buffer: false,
      file_client_args: null, filename_tmpl: null, create_symlink: true, meta: null },
    kinds: { interval: 'integer', max_keep_ckpts: 'integer', out_dir: ['string', 'null'], filename_tmpl: ['string', 'null'], meta: ['object', 'null'] },
    build: ({ file_client_args: _f, ...o }) => new CheckpointHook(o),
  }),
  defineEntry<AnyOpts, Hook>({
    type: 'EMAHook', defaults: { momentum: 0.0002, interval: 1, warm_up: 100, resume_from: null },
    kinds: { interval: 'integer', resume_from: ['string', 'null'] }, doc: 'exponential moving average of the parameters in ema_* buffers',
    build: (o) => new EMAHook(o),
  }),
  defineEntry<AnyOpts, Hook>({ type: 'IterTimerHook', defaults: {}, build: () => new IterTimerHook() }),
  defineEntry<AnyOpts, Hook>({
    type: 'TextLoggerHook',
    defaults: { by_epoch: true, interval: 10, ignore_last: true, reset_flag: false, interval_exp_name: 1000, out_dir: null,
      out_suffix: ['.log.json', '.log', '.py'], keep_local: true, file_client_args: null },
    kinds: { interval: 'integer', out_dir: ['string', 'null'], out_suffix: ['string', 'array'] },
    build: ({ file_client_args: _f, ...o }) => new TextLoggerHook(o),
  }),
  defineEntry<AnyOpts, Hook>({
    type: 'TensorboardLoggerHook', defaults: { log_dir: null, interval: 10, ignore_last: true, reset_flag: false, by_epoch: true },
    kinds: { log_dir: ['string', 'null'], interval: 'integer' }, doc: 'TensorBoard event files in <work_dir>/tf_logs',
    build: (o) => new TensorboardLoggerHook(o),
  }),
]);
