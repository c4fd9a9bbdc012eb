/**
 * Hook: mmcv/runner/hooks/hook.py. A runner calls every registered hook at each stage, in
 * priority order; `beforeEpoch`/`afterEpoch`/`beforeIter`/`afterIter` are the shared defaults of
 * the train and val variants. Stage methods may be async (the runner awaits them in order).
 */
import type { RunnerLike } from '../types.ts';

export type Awaitable = void | Promise<void>;

/** mmcv's stage names, in the order they happen. */
export const STAGES = [
  'before_run', 'before_train_epoch', 'before_train_iter', 'after_train_iter', 'after_train_epoch',
  'before_val_epoch', 'before_val_iter', 'after_val_iter', 'after_val_epoch', 'after_run',
] as const;
export type Stage = (typeof STAGES)[number];

/** Stage name -> method name. */
export const STAGE_METHODS: Readonly<Record<Stage, keyof Hook>> = Object.freeze({
  before_run: 'beforeRun', before_train_epoch: 'beforeTrainEpoch', before_train_iter: 'beforeTrainIter',
  after_train_iter: 'afterTrainIter', after_train_epoch: 'afterTrainEpoch', before_val_epoch: 'beforeValEpoch',
  before_val_iter: 'beforeValIter', after_val_iter: 'afterValIter', after_val_epoch: 'afterValEpoch', after_run: 'afterRun',
});

const SHARED: Readonly<Record<string, Stage[]>> = {
  beforeEpoch: ['before_train_epoch', 'before_val_epoch'],
  afterEpoch: ['after_train_epoch', 'after_val_epoch'],
  beforeIter: ['before_train_iter', 'before_val_iter'],
  afterIter: ['after_train_iter', 'after_val_iter'],
};

export abstract class Hook {
  /** Set by the runner on registration. */
  priority?: number;

  beforeRun(_runner: RunnerLike): Awaitable {}
  afterRun(_runner: RunnerLike): Awaitable {}
  beforeEpoch(_runner: RunnerLike): Awaitable {}
  afterEpoch(_runner: RunnerLike): Awaitable {}
  beforeIter(_runner: RunnerLike): Awaitable {}
  afterIter(_runner: RunnerLike): Awaitable {}

  beforeTrainEpoch(runner: RunnerLike): Awaitable { return this.beforeEpoch(runner); }
  beforeValEpoch(runner: RunnerLike): Awaitable { return this.beforeEpoch(runner); }
  afterTrainEpoch(runner: RunnerLike): Awaitable { return this.afterEpoch(runner); }
  afterValEpoch(runner: RunnerLike): Awaitable { return this.afterEpoch(runner); }
  beforeTrainIter(runner: RunnerLike): Awaitable { return this.beforeIter(runner); }
  beforeValIter(runner: RunnerLike): Awaitable { return this.beforeIter(runner); }
  afterTrainIter(runner: RunnerLike): Awaitable { return this.afterIter(runner); }
  afterValIter(runner: RunnerLike): Awaitable { return this.afterIter(runner); }

  everyNEpochs(runner: RunnerLike, n: number): boolean { return n > 0 ? (runner.epoch + 1) % n === 0 : false; }
  everyNInnerIters(runner: RunnerLike, n: number): boolean { return n > 0 ? (runner.innerIter + 1) % n === 0 : false; }
  everyNIters(runner: RunnerLike, n: number): boolean { return n > 0 ? (runner.iter + 1) % n === 0 : false; }
  endOfEpoch(runner: RunnerLike): boolean { return runner.innerIter + 1 === runner.dataLoader!.length; }
  isLastEpoch(runner: RunnerLike): boolean { return runner.epoch + 1 === runner.maxEpochs; }
  isLastIter(runner: RunnerLike): boolean { return runner.iter + 1 === runner.maxIters; }

  /** Stages whose method this hook overrides (for the hook table printed at start). */
  getTriggeredStages(): Stage[] {
    const overridden = (m: string) => (this as unknown as Record<string, unknown>)[m] !== (Hook.prototype as unknown as Record<string, unknown>)[m];
    const set = new Set<Stage>();
    for (const s of STAGES) if (overridden(STAGE_METHODS[s])) set.add(s);
    for (const [m, stages] of Object.entries(SHARED)) if (overridden(m)) for (const s of stages) set.add(s);
    return STAGES.filter((s) => set.has(s));
  }
}
