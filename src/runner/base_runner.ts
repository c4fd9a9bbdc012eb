/**
 * BaseRunner (mmcv/runner/base_runner.py): the model, its optimizer, the hooks in priority order,
 * the epoch/iteration counters, checkpoint loading and resuming, and the registration of the
 * hooks a config describes (`register_training_hooks`). Rank and world size come from the
 * options (default 0 / 1), and every file is written by rank 0 only.
 */
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Optimizer } from '../torch/optim/optimizer.ts';
import { disposeTensors, loadCheckpointFile } from './checkpoint.ts';
import { formatLoadReport } from '../models/checkpoint.ts';
import { Hook, STAGE_METHODS, STAGES, type Stage } from './hooks/hook.ts';
import { buildLrUpdaterHook } from './hooks/lr_registry.ts';
import { HOOKS } from './hooks/registry.ts';
import { LogBuffer } from './log_buffer.ts';
import { Logger, timeStr } from './logger.ts';
import { getPriority, priorityName } from './priority.ts';
import type { LoaderLike, Meta, RunnerLike, SaveCheckpointOptions, StepOutputs, TrainableModel } from './types.ts';

export interface RunnerOptions {
  model: TrainableModel;
  optimizer?: Optimizer | null;
  workDir?: string | null;
  logger?: Logger;
  meta?: Meta | null;
  maxEpochs?: number | null;
  maxIters?: number | null;
  rank?: number;
  worldSize?: number;
}

export type HookCfg = Record<string, unknown> | Hook | null | undefined;

export abstract class BaseRunner implements RunnerLike {
  readonly model: TrainableModel;
  readonly optimizer: Optimizer | null;
  readonly logger: Logger;
  meta: Meta | null;
  readonly workDir: string | null;
  timestamp: string;
  readonly rank: number;
  readonly worldSize: number;
  mode: 'train' | 'val' | null = null;
  protected _hooks: Hook[] = [];
  protected _epoch = 0;
  protected _iter = 0;
  protected _innerIter = 0;
  protected _maxEpochs: number | null;
  protected _maxIters: number | null;
  dataLoader: LoaderLike | null = null;
  dataBatch: unknown = null;
  outputs: StepOutputs | null = null;
  readonly logBuffer = new LogBuffer();
  stopError: Error | null = null;

  constructor(o: RunnerOptions) {
    if (typeof o.model?.trainStep !== 'function') throw new TypeError('runner: the model has no trainStep(data, optimizer)');
    if (o.maxEpochs != null && o.maxIters != null) throw new RangeError('Only one of `max_epochs` or `max_iters` can be set.');
    this.model = o.model;
    this.optimizer = o.optimizer ?? null;
    this.rank = o.rank ?? 0;
    this.worldSize = o.worldSize ?? 1;
    this.logger = o.logger ?? new Logger({ rank: this.rank });
    this.meta = o.meta ?? null;
    this.workDir = o.workDir ? resolve(o.workDir) : null;
    if (this.workDir && this.rank === 0) mkdirSync(this.workDir, { recursive: true });
    this.timestamp = timeStr();
    this._maxEpochs = o.maxEpochs ?? null;
    this._maxIters = o.maxIters ?? null;
  }

  get modelName(): string { return this.model.constructor.name; }
  get hooks(): readonly Hook[] { return this._hooks; }
  get epoch(): number { return this._epoch; }
  get iter(): number { return this._iter; }
  get innerIter(): number { return this._innerIter; }
  get maxEpochs(): number | null { return this._maxEpochs; }
  get maxIters(): number | null { return this._maxIters; }

  abstract run(loaders: LoaderLike[], workflow: [string, number][]): Promise<void>;
  abstract saveCheckpoint(outDir: string, opts?: SaveCheckpointOptions): string;

  currentLr(): number[] {
    if (!this.optimizer) throw new Error('lr is not applicable because optimizer does not exist.');
    return this.optimizer.paramGroups.map((g) => g.options.lr as number);
  }

  currentMomentum(): number[] {
    if (!this.optimizer) throw new Error('momentum is not applicable because optimizer does not exist.');
    return this.optimizer.paramGroups.map((g) => {
      const o = g.options;
      if ('momentum' in o) return o.momentum as number;
      if ('betas' in o) return (o.betas as number[])[0];
      return 0;
    });
  }

  /** Inserts a hook after every hook of equal or higher priority (so equal priorities keep registration order). */
  registerHook(hook: Hook, priority: number | string = 'NORMAL'): void {
    if (!(hook instanceof Hook)) throw new TypeError(`registerHook: expected a Hook, got ${String(hook)}`);
    if (hook.priority !== undefined) throw new Error(`${hook.constructor.name} is already registered (priority is set)`);
    const p = getPriority(priority);
    hook.priority = p;
    let i = this._hooks.length - 1;
    while (i >= 0 && p < this._hooks[i].priority!) i--;
    this._hooks.splice(i + 1, 0, hook);
  }

  /** `register_hook_from_cfg`: a `{type, priority?, ...options}` dict. */
  registerHookFromCfg(cfg: Record<string, unknown>, path = 'custom_hooks'): void {
    const { priority = 'NORMAL', ...rest } = cfg;
    this.registerHook(HOOKS.build(rest, path), priority as string | number);
  }

  async callHook(stage: Stage): Promise<void> {
    const method = STAGE_METHODS[stage];
    for (const h of this._hooks) {
      const r = (h[method] as (runner: RunnerLike) => void | Promise<void>).call(h, this);
      if (r instanceof Promise) await r;
    }
  }

  /** The hook table mmcv logs at start: per stage, `(PRIORITY  ) HookName`. */
  getHookInfo(): string {
    const byStage = new Map<Stage, string[]>(STAGES.map((s) => [s, []]));
    for (const h of this._hooks) {
      const info = `(${priorityName(h.priority!).padEnd(12)}) ${h.constructor.name.padEnd(35)}`;
      for (const s of h.getTriggeredStages()) byStage.get(s)!.push(info);
    }
    const out: string[] = [];
    for (const s of STAGES) {
      const infos = byStage.get(s)!;
      if (infos.length) out.push(`${s}:\n${infos.join('\n')}\n -------------------- `);
    }
    return out.join('\n');
  }

  /** `load_checkpoint` (for load_from): weights only, non-strict, mismatches logged. */
  loadCheckpoint(filename: string, { strict = false } = {}): Meta | null {
    this.logger.info(`load checkpoint from local path: ${filename}`);
    const ck = loadCheckpointFile(this.model, filename, { strict, log: (m) => this.logger.warning(m) });
    disposeTensors(ck.optimizer);
    return ck.meta;
  }

  /**
   * `resume(checkpoint)`: weights, optimizer state (with each group's lr and initial_lr), epoch
   * and iteration, and the hooks' messages (best score, last checkpoint).
   */
  resume(filename: string, { resumeOptimizer = true } = {}): void {
    // a resumed run must get every weight back: any missing or mismatched key is an error
    // a resumed run must get every weight back: a missing or mismatched key is an error (extra
    // keys, e.g. an EMAHook's ema_* buffers registered later in before_run, are only logged)
    const ck = loadCheckpointFile(this.model, filename, { strict: false, log: null });
    const rep = ck.report;
    if (rep.missingKeys.length || rep.shapeMismatch.length) {
      disposeTensors(ck.optimizer);
      throw new Error(`cannot resume from ${filename}: it does not fit the model:\n${formatLoadReport(rep, filename)}\n` +
        'A run resumes from a checkpoint of the same config; to start from other weights use load_from (--load-from).');
    }
    if (rep.unexpectedKeys.length) this.logger.warning(`resume: keys of ${filename} not in the model (kept for hooks that add them, e.g. EMAHook): ${rep.unexpectedKeys.join(', ')}`);
    try {
      const meta = ck.meta;
      if (!meta || typeof meta.epoch !== 'number' || typeof meta.iter !== 'number') {
        throw new Error(`${filename}: no meta.epoch/meta.iter; it is not a training checkpoint (use load_from / --load-from to start from its weights)`);
      }
      this._epoch = meta.epoch;
      this._iter = meta.iter;
      this.meta ??= {};
      this.meta.hook_msgs ??= {};
      Object.assign(this.meta.hook_msgs, meta.hook_msgs ?? {});
      const prevGpus = meta.config && typeof meta.config === 'string' ? /(?:^|\n)gpu_ids\s*=\s*(?:range\(0,\s*(\d+)\)|\[([^\]]*)\])/.exec(meta.config) : null;
      if (prevGpus) {
        const n = prevGpus[1] !== undefined ? Number(prevGpus[1]) : prevGpus[2].split(',').filter((s) => s.trim()).length;
        if (n > 0 && n !== this.worldSize) {
          this._iter = Math.trunc((this._iter * n) / this.worldSize);
          this.logger.info('the iteration number is changed due to change of GPU number');
        }
      }
      this.meta = { ...meta, hook_msgs: this.meta.hook_msgs };
      if (ck.optimizer && resumeOptimizer) {
        if (!this.optimizer) throw new Error('resume: the runner has no optimizer to load the saved state into');
        try {
          this.optimizer.loadStateDict(ck.optimizer as never);
        } catch (e) {
          throw new Error(`${filename}: cannot resume the optimizer: ${(e as Error).message}. Was it saved with another optimizer or paramwise_cfg? ` +
            'Use load_from (--load-from) to start from the weights only.');
        }
      }
      this.logger.info(`resumed epoch ${this._epoch}, iter ${this._iter}`);
    } finally {
      disposeTensors(ck.optimizer);
    }
  }

  registerLrHook(cfg: HookCfg): void {
    if (!cfg) return;
    this.registerHook(cfg instanceof Hook ? cfg : buildLrUpdaterHook(cfg), 'VERY_HIGH');
  }

  registerMomentumHook(cfg: HookCfg): void {
    if (!cfg) return;
    if (!(cfg instanceof Hook)) throw new Error('momentum_config: momentum schedules (cyclic/one-cycle momentum) are not supported yet; remove momentum_config');
    this.registerHook(cfg, 'HIGH');
  }

  registerOptimizerHook(cfg: HookCfg): void {
    if (!cfg) return;
    this.registerHook(cfg instanceof Hook ? cfg : HOOKS.build({ type: 'OptimizerHook', ...cfg }, 'optimizer_config'), 'ABOVE_NORMAL');
  }

  registerCheckpointHook(cfg: HookCfg): void {
    if (!cfg) return;
    this.registerHook(cfg instanceof Hook ? cfg : HOOKS.build({ type: 'CheckpointHook', ...cfg }, 'checkpoint_config'), 'NORMAL');
  }

  registerLoggerHooks(cfg: Record<string, unknown> | null | undefined): void {
    if (!cfg) return;
    const interval = cfg.interval;
    const hooks = (cfg.hooks ?? []) as Record<string, unknown>[];
    if (!Array.isArray(hooks)) throw new TypeError('log_config.hooks: expected a list of dicts');
    hooks.forEach((h, i) => this.registerHook(HOOKS.build(h, `log_config.hooks[${i}]`, { interval }), 'VERY_LOW'));
  }

  registerTimerHook(cfg: HookCfg): void {
    if (!cfg) return;
    this.registerHook(cfg instanceof Hook ? cfg : HOOKS.build(cfg, 'timer_config'), 'LOW');
  }

  registerCustomHooks(cfg: HookCfg | HookCfg[]): void {
    if (!cfg) return;
    const items = Array.isArray(cfg) ? cfg : [cfg];
    items.forEach((item, i) => {
      if (!item) return;
      if (item instanceof Hook) this.registerHook(item, 'NORMAL');
      else this.registerHookFromCfg(item, `custom_hooks[${i}]`);
    });
  }

  /** `register_training_hooks`: lr, momentum, optimizer, checkpoint, timer, loggers, custom hooks, in this order. */
  registerTrainingHooks(o: {
    lrConfig?: HookCfg; optimizerConfig?: HookCfg; checkpointConfig?: HookCfg; logConfig?: Record<string, unknown> | null;
    momentumConfig?: HookCfg; timerConfig?: HookCfg; customHooksConfig?: HookCfg | HookCfg[];
  }): void {
    this.registerLrHook(o.lrConfig);
    this.registerMomentumHook(o.momentumConfig);
    this.registerOptimizerHook(o.optimizerConfig);
    this.registerCheckpointHook(o.checkpointConfig);
    this.registerTimerHook(o.timerConfig === undefined ? { type: 'IterTimerHook' } : o.timerConfig);
    this.registerLoggerHooks(o.logConfig);
    this.registerCustomHooks(o.customHooksConfig);
  }
}
