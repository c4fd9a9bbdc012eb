/**
 * EpochBasedRunner (mmcv/runner/epoch_based_runner.py): runs the workflow, e.g.
 * [['train', 1], ['val', 1]], until max_epochs, calling the hooks at every stage.
 *
 * Beyond mmcv, for safety and exact resumption:
 * - before each train epoch the loader's `setEpoch(epoch)` is called (shuffling and augmentation
 *   follow the epoch, like DistributedSampler.set_epoch) and, when the runner has a `seed`,
 *   libtorch's generator is reseeded from (seed, epoch); so a run resumed from epoch_N.pth repeats
 *   exactly what the uninterrupted run did from epoch N on.
 * - a non-finite loss stops the run before the optimizer step, with a message naming the last
 *   good checkpoint; nothing is saved after it.
 */
import { hostname, userInfo } from 'node:os';
import { join } from 'node:path';
import * as torch from '../torch/index.ts';
import { BaseRunner, type RunnerOptions } from './base_runner.ts';
import { linkOrCopyAtomic, MMACTION_VERSION, saveCheckpoint } from './checkpoint.ts';
import { batchToDevice, disposeBatch, iterateLoader } from './engine.ts';
import type { LoaderLike, SaveCheckpointOptions, StepOutputs } from './types.ts';

/** Thrown when the loss becomes NaN or infinite. */
export class NonFiniteLossError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NonFiniteLossError';
  }
}

export interface EpochRunnerOptions extends RunnerOptions {
  /** Reseed libtorch at every train epoch from (seed, epoch). null: leave the generator alone (mmcv). */
  seed?: number | null;
  /** Where the model is; batches are moved there before each step. Default 'cpu'. */
  device?: string;
}

/** The generator seed of one epoch: a 31-bit mix of (seed, epoch). */
export function epochSeed(seed: number, epoch: number): number {
  let h = (seed >>> 0) ^ Math.imul(epoch + 1, 0x9e3779b1);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 1;
}

export class EpochBasedRunner extends BaseRunner {
  readonly seed: number | null;
  readonly device: string;

  constructor(o: EpochRunnerOptions) {
    super(o);
    this.seed = o.seed ?? null;
    this.device = o.device ?? 'cpu';
  }

  /** One step: train_step (or val_step) inside a scope that frees the forward's temporaries. */
  protected runIter(batch: any, trainMode: boolean): void {
    const step = (): StepOutputs => {
      if (trainMode) return this.model.trainStep(batch, this.optimizer);
      if (this.model.valStep) return this.model.valStep(batch, this.optimizer);
      return this.model.trainStep(batch, this.optimizer);
    };
    const outputs = trainMode ? torch.tidy(step) : torch.noGrad(() => torch.tidy(step));
    if (!outputs || typeof outputs !== 'object' || !('loss' in outputs)) throw new TypeError('model.trainStep() and model.valStep() must return {loss, logVars, numSamples}');
    this.logBuffer.update(outputs.logVars, outputs.numSamples);
    this.outputs = outputs;
  }

  private checkFinite(outputs: StepOutputs): void {
    const bad = Object.entries(outputs.logVars).filter(([, v]) => !Number.isFinite(v));
    if (bad.length === 0) return;
    const last = (this.meta?.hook_msgs?.last_ckpt as string | undefined) ?? null;
    const terms = Object.entries(outputs.logVars).map(([k, v]) => `${k}=${v}`).join(', ');
    throw new NonFiniteLossError(
      `Loss is not finite at epoch ${this._epoch + 1}, iter ${this._innerIter + 1}/${this.dataLoader?.length} (global iter ${this._iter + 1}): ${terms}. ` +
      'Training stopped before the optimizer step. ' +
      (last ? `The last good checkpoint is ${last} (latest.pth). ` : 'No checkpoint was saved before this point. ') +
      'Lower the learning rate (optimizer.lr or a warmup in lr_config), set optimizer_config.grad_clip, or check the data; ' +
      (last ? 'then continue with --resume-from latest.pth.' : 'then start again.'));
  }

  async train(loader: LoaderLike): Promise<void> {
    this.model.train();
    this.mode = 'train';
    this.dataLoader = loader;
    this._maxIters = this._maxEpochs! * loader.length;
    loader.setEpoch?.(this._epoch);
    if (this.seed !== null) torch.manualSeed(epochSeed(this.seed, this._epoch));
    await this.callHook('before_train_epoch');
    let i = 0;
    for await (const cpuBatch of iterateLoader(loader)) {
      const batch = batchToDevice(cpuBatch, this.device);
      this.dataBatch = batch;
      this._innerIter = i;
      try {
        await this.callHook('before_train_iter');
        this.runIter(batch, true);
        this.checkFinite(this.outputs!);
        await this.callHook('after_train_iter');
      } finally {
        this.outputs?.loss.dispose();
        this.outputs = null;
        disposeBatch(batch);
        this.dataBatch = null;
      }
      this._iter += 1;
      i += 1;
    }
    await this.callHook('after_train_epoch');
    this._epoch += 1;
  }

  async val(loader: LoaderLike): Promise<void> {
    this.model.eval();
    this.mode = 'val';
    this.dataLoader = loader;
    await this.callHook('before_val_epoch');
    let i = 0;
    for await (const cpuBatch of iterateLoader(loader)) {
      const batch = batchToDevice(cpuBatch, this.device);
      this.dataBatch = batch;
      this._innerIter = i;
      try {
        await this.callHook('before_val_iter');
        this.runIter(batch, false);
        await this.callHook('after_val_iter');
      } finally {
        this.outputs?.loss.dispose();
        this.outputs = null;
        disposeBatch(batch);
        this.dataBatch = null;
      }
      i += 1;
    }
    await this.callHook('after_val_epoch');
  }

  async run(loaders: LoaderLike[], workflow: [string, number][]): Promise<void> {
    if (loaders.length !== workflow.length) throw new RangeError(`workflow has ${workflow.length} phases but ${loaders.length} data loaders were given`);
    if (this._maxEpochs === null) throw new Error('max_epochs (total_epochs) must be specified');
    for (const [mode, epochs] of workflow) {
      if (mode !== 'train' && mode !== 'val') throw new Error(`runner has no method named "${mode}" to run an epoch (workflow modes: 'train', 'val')`);
      if (!(Number.isInteger(epochs) && epochs > 0)) throw new RangeError(`workflow: epochs of '${mode}' must be a positive integer, got ${epochs}`);
    }
    const trainIdx = workflow.findIndex(([m]) => m === 'train');
    if (trainIdx >= 0) this._maxIters = this._maxEpochs * loaders[trainIdx].length;
    this.logger.info(`Start running, host: ${userInfo().username}@${hostname()}, work_dir: ${this.workDir ?? 'NONE'}`);
    this.logger.info(`Hooks will be executed in the following order:\n${this.getHookInfo()}`);
    this.logger.info(`workflow: [${workflow.map(([m, n]) => `('${m}', ${n})`).join(', ')}], max: ${this._maxEpochs} epochs`);
    await this.callHook('before_run');
    let error: unknown = null;
    try {
      while (this._epoch < this._maxEpochs) {
        for (let i = 0; i < workflow.length; i++) {
          const [mode, epochs] = workflow[i];
          for (let e = 0; e < epochs; e++) {
            if (mode === 'train' && this._epoch >= this._maxEpochs) break;
            if (mode === 'train') await this.train(loaders[i]);
            else await this.val(loaders[i]);
          }
        }
      }
    } catch (e) {
      error = e;
    }
    if (error instanceof NonFiniteLossError) this.logger.error(error.message);
    if (error) throw error;
    await this.callHook('after_run');
  }

  /**
   * Saves `<outDir>/epoch_{epoch+1}.pth` (or filenameTmpl) with meta {..., epoch, iter} and,
   * with createSymlink, points latest.pth at it. Returns the path.
   */
  saveCheckpoint(outDir: string, { filenameTmpl = 'epoch_{}.pth', saveOptimizer = true, meta = null, createSymlink = true }: SaveCheckpointOptions = {}): string {
    const m = { mmaction_version: MMACTION_VERSION, ...(meta ?? {}), ...(this.meta ?? {}), epoch: this._epoch + 1, iter: this._iter };
    const filename = filenameTmpl.replace('{}', String(this._epoch + 1));
    const path = join(outDir, filename);
    saveCheckpoint(this.model, path, { optimizer: saveOptimizer ? this.optimizer : null, meta: m });
    if (createSymlink) linkOrCopyAtomic(path, join(outDir, 'latest.pth'));
    return path;
  }
}
