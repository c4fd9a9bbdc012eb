/**
 * IterBasedRunner (mmcv/runner/iter_based_runner.py): runs the workflow in iterations, e.g.
 * [['train', 1000], ['val', 100]], until max_iters, cycling through the loaders (IterLoader).
 * Checkpoints are `iter_N.pth`; lr, checkpoint and logger hooks default to by_epoch=false.
 * Beyond mmcv: a resumed run continues the loader where it stopped (same epoch, the batches of
 * that epoch already used are skipped), so the data order matches the uninterrupted run.
 */
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import * as torch from '../torch/index.ts';
import { BaseRunner, type HookCfg, type RunnerOptions } from './base_runner.ts';
import { linkOrCopyAtomic, MMACTION_VERSION, saveCheckpoint } from './checkpoint.ts';
import { batchToDevice, disposeBatch } from './engine.ts';
import { NonFiniteLossError } from './epoch_runner.ts';
import { Hook } from './hooks/hook.ts';
import { IterTimerHook } from './hooks/iter_timer.ts';
import type { LoaderLike, SaveCheckpointOptions, StepOutputs } from './types.ts';

/** Endless batches from a loader; a new pass (epoch) starts when one ends. */
export class IterLoader {
  private it: AsyncIterator<any> | Iterator<any> | null = null;
  epoch = 0;
  constructor(readonly loader: LoaderLike) {}
  get length(): number { return this.loader.length; }

  private open(): void {
    this.loader.setEpoch?.(this.epoch);
    this.it = this.loader[Symbol.asyncIterator] ? this.loader[Symbol.asyncIterator]!() : this.loader[Symbol.iterator]!();
  }

  /** Starts at `epoch`, skipping its first `skip` batches (resuming). */
  async seek(epoch: number, skip: number): Promise<void> {
    this.epoch = epoch;
    this.open();
    for (let i = 0; i < skip; i++) disposeBatch(await this.next());
  }

  async next(): Promise<any> {
    if (!this.it) this.open();
    let r = await this.it!.next();
    if (r.done) {
      this.epoch += 1;
      this.open();
      r = await this.it!.next();
      if (r.done) throw new Error('IterLoader: the data loader yields no batches');
    }
    return r.value;
  }

  async close(): Promise<void> {
    await this.it?.return?.();
  }
}

export interface IterRunnerOptions extends RunnerOptions {
  device?: string;
}

export class IterBasedRunner extends BaseRunner {
  readonly device: string;
  constructor(o: IterRunnerOptions) {
    super(o);
    this.device = o.device ?? 'cpu';
  }

  private async callMethod(name: 'beforeEpoch' | 'afterEpoch'): Promise<void> {
    for (const h of this._hooks) {
      const r = (h[name] as (runner: this) => void | Promise<void>).call(h, this);
      if (r instanceof Promise) await r;
    }
  }

  private step(batch: any, train: boolean): StepOutputs {
    const fn = (): StepOutputs => (train || !this.model.valStep ? this.model.trainStep(batch, this.optimizer) : this.model.valStep(batch, this.optimizer));
    return train ? torch.tidy(fn) : torch.noGrad(() => torch.tidy(fn));
  }

  async train(loader: IterLoader): Promise<void> {
    this.model.train();
    this.mode = 'train';
    this.dataLoader = loader;
    this._epoch = loader.epoch;
    const batch = batchToDevice(await loader.next(), this.device);
    this.dataBatch = batch;
    try {
      await this.callHook('before_train_iter');
      this.outputs = this.step(batch, true);
      this.logBuffer.update(this.outputs.logVars, this.outputs.numSamples);
      const bad = Object.entries(this.outputs.logVars).filter(([, v]) => !Number.isFinite(v));
      if (bad.length) {
        const last = (this.meta?.hook_msgs?.last_ckpt as string | undefined) ?? null;
        throw new NonFiniteLossError(`Loss is not finite at iter ${this._iter + 1}: ${bad.map(([k, v]) => `${k}=${v}`).join(', ')}. Training stopped before the optimizer step. ` +
          (last ? `The last good checkpoint is ${last} (latest.pth); lower the lr or set optimizer_config.grad_clip, then --resume-from latest.pth.` : 'No checkpoint was saved yet.'));
      }
      await this.callHook('after_train_iter');
    } finally {
      this.outputs?.loss.dispose();
      this.outputs = null;
      disposeBatch(batch);
      this.dataBatch = null;
    }
    this._innerIter += 1;
    this._iter += 1;
  }

  async val(loader: IterLoader): Promise<void> {
    this.model.eval();
    this.mode = 'val';
    this.dataLoader = loader;
    const batch = batchToDevice(await loader.next(), this.device);
    this.dataBatch = batch;
    try {
      await this.callHook('before_val_iter');
      this.outputs = this.step(batch, false);
      this.logBuffer.update(this.outputs.logVars, this.outputs.numSamples);
      await this.callHook('after_val_iter');
    } finally {
      this.outputs?.loss.dispose();
      this.outputs = null;
      disposeBatch(batch);
      this.dataBatch = null;
    }
    this._innerIter += 1;
  }

  async run(loaders: LoaderLike[], workflow: [string, number][]): Promise<void> {
    if (loaders.length !== workflow.length) throw new RangeError(`workflow has ${workflow.length} phases but ${loaders.length} data loaders were given`);
    if (this._maxIters === null) throw new Error('max_iters must be specified');
    for (const [mode] of workflow) if (mode !== 'train' && mode !== 'val') throw new Error(`runner has no method named "${mode}" to run a workflow`);
    this.logger.info(`Start running, host: ${userInfo().username}@${hostname()}, work_dir: ${this.workDir ?? 'NONE'}`);
    this.logger.info(`Hooks will be executed in the following order:\n${this.getHookInfo()}`);
    this.logger.info(`workflow: [${workflow.map(([m, n]) => `('${m}', ${n})`).join(', ')}], max: ${this._maxIters} iters`);
    await this.callHook('before_run');
    const iterLoaders = loaders.map((l) => new IterLoader(l));
    const trainIdx = workflow.findIndex(([m]) => m === 'train');
    if (trainIdx >= 0 && this._iter > 0) {
      const n = iterLoaders[trainIdx].length;
      await iterLoaders[trainIdx].seek(Math.floor(this._iter / n), this._iter % n);
    }
    await this.callMethod('beforeEpoch');
    try {
      while (this._iter < this._maxIters) {
        for (let i = 0; i < workflow.length; i++) {
          this._innerIter = 0;
          const [mode, iters] = workflow[i];
          for (let k = 0; k < iters; k++) {
            if (mode === 'train' && this._iter >= this._maxIters) break;
            if (mode === 'train') await this.train(iterLoaders[i]);
            else await this.val(iterLoaders[i]);
          }
        }
      }
    } catch (e) {
      if (e instanceof NonFiniteLossError) this.logger.error(e.message);
      throw e;
    } finally {
      for (const l of iterLoaders) await l.close();
    }
    await this.callMethod('afterEpoch');
    await this.callHook('after_run');
  }

  override resume(filename: string, o: { resumeOptimizer?: boolean } = {}): void {
    super.resume(filename, o);
    this._innerIter = this._iter;
  }

  saveCheckpoint(outDir: string, { filenameTmpl = 'iter_{}.pth', saveOptimizer = true, meta = null, createSymlink = true }: SaveCheckpointOptions = {}): string {
    // mmcv writes iter=self.iter here (the file iter_N.pth says N-1), so resuming repeats the last
    // iteration; we record the iterations done (N), which resumes exactly (in mmcv as well)
    const m = { mmaction_version: MMACTION_VERSION, ...(meta ?? {}), ...(this.meta ?? {}), epoch: this._epoch + 1, iter: this._iter + 1 };
    const path = join(outDir, filenameTmpl.replace('{}', String(this._iter + 1)));
    saveCheckpoint(this.model, path, { optimizer: saveOptimizer ? this.optimizer : null, meta: m });
    if (createSymlink) linkOrCopyAtomic(path, join(outDir, 'latest.pth'));
    return path;
  }

  /** As mmcv: lr, checkpoint and logger hooks count iterations unless the config says otherwise. */
  override registerTrainingHooks(o: Parameters<BaseRunner['registerTrainingHooks']>[0]): void {
    const byIter = (c: HookCfg): HookCfg => (c && !(c instanceof Hook) ? { by_epoch: false, ...c } : c);
    const logConfig = o.logConfig ? { ...o.logConfig, hooks: ((o.logConfig.hooks ?? []) as Record<string, unknown>[]).map((h) => ({ by_epoch: false, ...h })) } : o.logConfig;
    super.registerTrainingHooks({
      ...o,
      lrConfig: byIter(o.lrConfig),
      checkpointConfig: byIter(o.checkpointConfig),
      logConfig,
      timerConfig: new IterTimerHook(),
    });
  }
}
