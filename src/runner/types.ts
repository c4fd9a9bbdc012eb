/** What hooks see of a runner, and what a runner needs of a model and a data loader. */
import type { Tensor } from '../torch/tensor.ts';
import type { Module } from '../torch/nn/module.ts';
import type { Optimizer } from '../torch/optim/optimizer.ts';
import type { Hook } from './hooks/hook.ts';
import type { LogBuffer } from './log_buffer.ts';
import type { Logger } from './logger.ts';

/** What `model.train_step` returns (MMAction2's BaseRecognizer.train_step, camelCased). */
export interface StepOutputs {
  /** The summed loss, with its graph (the optimizer hook calls backward on it). */
  loss: Tensor;
  /** Scalars to log: every loss term, accuracies, and `loss`. */
  logVars: Record<string, number>;
  numSamples: number;
}

/** A model the runner can train: MMAction2's `train_step(data_batch, optimizer)` / `val_step`. */
export interface TrainableModel extends Module {
  trainStep(data: any, optimizer?: Optimizer | null): StepOutputs;
  valStep?(data: any, optimizer?: Optimizer | null): StepOutputs;
  /** Class names saved into checkpoints' meta when set. */
  CLASSES?: string[] | null;
}

/** A batch source: a torch-like DataLoader (sync or async iterable with a length). */
export interface LoaderLike {
  readonly length: number;
  [Symbol.asyncIterator]?(): AsyncIterator<any>;
  [Symbol.iterator]?(): Iterator<any>;
  /** DistributedSampler.set_epoch: the runner sets it before each epoch so that shuffling and augmentation follow the epoch (and a resumed run repeats them). */
  setEpoch?(epoch: number): void;
  readonly dataset?: any;
}

/** Checkpoint meta (mmcv's runner.meta): free-form, with `hook_msgs` shared by hooks. */
export type Meta = Record<string, any> & { hook_msgs?: Record<string, any> };

export interface SaveCheckpointOptions {
  filenameTmpl?: string;
  saveOptimizer?: boolean;
  meta?: Meta | null;
  /** Also write `latest.pth` (a copy, written atomically). Default true. */
  createSymlink?: boolean;
}

export interface RunnerLike {
  readonly model: TrainableModel;
  readonly optimizer: Optimizer | null;
  readonly logger: Logger;
  meta: Meta | null;
  readonly workDir: string | null;
  timestamp: string;
  readonly rank: number;
  readonly worldSize: number;
  readonly mode: 'train' | 'val' | null;
  readonly epoch: number;
  readonly iter: number;
  readonly innerIter: number;
  readonly maxEpochs: number | null;
  readonly maxIters: number | null;
  readonly dataLoader: LoaderLike | null;
  dataBatch: unknown;
  outputs: StepOutputs | null;
  readonly logBuffer: LogBuffer;
  readonly hooks: readonly Hook[];
  /** Set by a hook to end the run after the current step (NaN loss...); the runner throws it after the after_run hooks. */
  stopError: Error | null;
  currentLr(): number[];
  currentMomentum(): number[];
  saveCheckpoint(outDir: string, opts?: SaveCheckpointOptions): string;
}
