/**
 * Learning-rate schedules: mmcv 1.7's LrUpdaterHook family (mmcv/runner/hooks/lr_updater.py) and
 * MMAction2's TINLrUpdaterHook, formula for formula.
 *
 * Every schedule computes a "regular" lr per parameter group from that group's `initial_lr`
 * (its lr when training started, kept in the optimizer state so that a resumed run continues the
 * same curve), from `runner.epoch` (by_epoch) or `runner.iter`. Warmup multiplies the regular lr
 * during the first `warmup_iters` iterations (or `warmup_iters` epochs with warmup_by_epoch):
 *   constant: ratio;  linear: 1 - (1 - i/W)(1 - ratio);  exp: ratio^(1 - i/W).
 * by_epoch: the lr is set once per epoch (before it starts) and per iteration only during warmup.
 */
import type { RunnerLike } from '../types.ts';
import { Hook } from './hook.ts';

export type WarmupType = 'constant' | 'linear' | 'exp';

/** Options shared by every lr schedule (`lr_config` minus `policy`). */
export interface LrUpdaterOptions {
  /** Update per epoch (true) or per iteration. Default true. */
  by_epoch?: boolean;
  /** Warmup kind, or null for none. Default null. */
  warmup?: WarmupType | null;
  /** Length of the warmup, in iterations (or epochs with warmup_by_epoch). Default 0. */
  warmup_iters?: number;
  /** lr multiplier at the start of the warmup, in (0, 1]. Default 0.1. */
  warmup_ratio?: number;
  /** Count warmup_iters in epochs. Default false. */
  warmup_by_epoch?: boolean;
}

export const LR_UPDATER_DEFAULTS = Object.freeze({
  by_epoch: true, warmup: null, warmup_iters: 0, warmup_ratio: 0.1, warmup_by_epoch: false,
});

/** `annealing_cos`: cosine from `start` (factor 0) to `end` (factor 1), scaled by `weight`. */
export function annealingCos(start: number, end: number, factor: number, weight = 1): number {
  const cosOut = Math.cos(Math.PI * factor) + 1;
  return end + 0.5 * weight * (start - end) * cosOut;
}

/** `annealing_linear`. */
export function annealingLinear(start: number, end: number, factor: number): number {
  return start + (end - start) * factor;
}

export abstract class LrUpdaterHook extends Hook {
  readonly byEpoch: boolean;
  readonly warmup: WarmupType | null;
  readonly warmupRatio: number;
  readonly warmupByEpoch: boolean;
  /** Warmup length in iterations; with warmup_by_epoch it is known at the first epoch. */
  warmupIters: number | null;
  readonly warmupEpochs: number | null;
  /** initial lr of every param group. */
  baseLr: number[] = [];
  /** The lr every group would have without warmup. */
  regularLr: number[] = [];

  constructor(o: LrUpdaterOptions = {}) {
    super();
    const warmup = o.warmup ?? null;
    const warmupIters = o.warmup_iters ?? 0;
    const warmupRatio = o.warmup_ratio ?? 0.1;
    if (warmup !== null) {
      if (!['constant', 'linear', 'exp'].includes(warmup))
        throw new RangeError(`"${warmup}" is not a supported type for warming up, valid types are "constant", "linear" and "exp"`);
      if (!(Number.isInteger(warmupIters) && warmupIters > 0)) throw new RangeError(`"warmup_iters" must be a positive integer, got ${warmupIters}`);
      if (!(warmupRatio > 0 && warmupRatio <= 1)) throw new RangeError(`"warmup_ratio" must be in range (0,1], got ${warmupRatio}`);
    }
    this.byEpoch = o.by_epoch ?? true;
    this.warmup = warmup;
    this.warmupRatio = warmupRatio;
    this.warmupByEpoch = o.warmup_by_epoch ?? false;
    this.warmupEpochs = this.warmupByEpoch ? warmupIters : null;
    this.warmupIters = this.warmupByEpoch ? null : warmupIters;
  }

  protected setLr(runner: RunnerLike, lrs: number[]): void {
    runner.optimizer!.paramGroups.forEach((g, i) => { g.options.lr = lrs[i]; });
  }

  /** The scheduled lr of a group whose initial lr is `baseLr`. */
  abstract getLr(runner: RunnerLike, baseLr: number): number;

  getRegularLr(runner: RunnerLike): number[] {
    return this.baseLr.map((b) => this.getLr(runner, b));
  }

  getWarmupLr(curIters: number): number[] {
    const w = this.warmupIters!;
    if (this.warmup === 'constant') return this.regularLr.map((lr) => lr * this.warmupRatio);
    if (this.warmup === 'linear') {
      const k = (1 - curIters / w) * (1 - this.warmupRatio);
      return this.regularLr.map((lr) => lr * (1 - k));
    }
    const k = this.warmupRatio ** (1 - curIters / w);
    return this.regularLr.map((lr) => lr * k);
  }

  override beforeRun(runner: RunnerLike): void {
    if (!runner.optimizer) throw new Error(`${this.constructor.name}: the runner has no optimizer`);
    for (const g of runner.optimizer.paramGroups) if (g.options.initial_lr === undefined) g.options.initial_lr = g.options.lr;
    this.baseLr = runner.optimizer.paramGroups.map((g) => g.options.initial_lr as number);
  }

  override beforeTrainEpoch(runner: RunnerLike): void {
    if (this.warmupIters === null) this.warmupIters = this.warmupEpochs! * runner.dataLoader!.length;
    if (!this.byEpoch) return;
    this.regularLr = this.getRegularLr(runner);
    this.setLr(runner, this.regularLr);
  }

  override beforeTrainIter(runner: RunnerLike): void {
    const cur = runner.iter;
    const w = this.warmupIters!;
    if (!this.byEpoch) {
      this.regularLr = this.getRegularLr(runner);
      if (this.warmup === null || cur >= w) this.setLr(runner, this.regularLr);
      else this.setLr(runner, this.getWarmupLr(cur));
    } else {
      if (this.warmup === null || cur > w) return;
      if (cur === w) this.setLr(runner, this.regularLr);
      else this.setLr(runner, this.getWarmupLr(cur));
    }
  }

  /** progress and its maximum (epochs or iterations). */
  protected progress(runner: RunnerLike): [number, number] {
    if (this.byEpoch) return [runner.epoch, runner.maxEpochs!];
    return [runner.iter, runner.maxIters!];
  }
}

/** `policy='fixed'`: the initial lr (with warmup if asked). */
export class FixedLrUpdaterHook extends LrUpdaterHook {
  getLr(_runner: RunnerLike, baseLr: number): number { return baseLr; }
}

export interface StepLrOptions extends LrUpdaterOptions {
  /** Decay every `step` epochs/iters (an int) or at each listed epoch/iter. */
  step: number | number[];
  /** Decay factor. Default 0.1. */
  gamma?: number;
  /** Floor of the lr. Default null. */
  min_lr?: number | null;
}

/** `policy='step'`: lr * gamma^(number of steps passed), floored at min_lr. */
export class StepLrUpdaterHook extends LrUpdaterHook {
  readonly step: number | number[];
  readonly gamma: number;
  readonly minLr: number | null;

  constructor({ step, gamma = 0.1, min_lr = null, ...rest }: StepLrOptions) {
    super(rest);
    if (Array.isArray(step)) {
      if (!step.every((s) => Number.isInteger(s) && s > 0)) throw new RangeError(`"step" must be positive integers, got [${step.join(', ')}]`);
    } else if (typeof step === 'number') {
      if (!(Number.isInteger(step) && step > 0)) throw new RangeError(`"step" must be a positive integer, got ${step}`);
    } else throw new TypeError('"step" must be a list or integer');
    this.step = step;
    this.gamma = gamma;
    this.minLr = min_lr;
  }

  getLr(runner: RunnerLike, baseLr: number): number {
    const progress = this.byEpoch ? runner.epoch : runner.iter;
    let exp: number;
    if (typeof this.step === 'number') exp = Math.floor(progress / this.step);
    else {
      exp = this.step.length;
      for (let i = 0; i < this.step.length; i++) if (progress < this.step[i]) { exp = i; break; }
    }
    let lr = baseLr * this.gamma ** exp;
    if (this.minLr !== null) lr = Math.max(lr, this.minLr);
    return lr;
  }
}

/** `policy='exp'`: lr * gamma^progress. */
export class ExpLrUpdaterHook extends LrUpdaterHook {
  readonly gamma: number;
  constructor({ gamma, ...rest }: LrUpdaterOptions & { gamma: number }) {
    super(rest);
    this.gamma = gamma;
  }
  getLr(runner: RunnerLike, baseLr: number): number {
    const progress = this.byEpoch ? runner.epoch : runner.iter;
    return baseLr * this.gamma ** progress;
  }
}

/** `policy='poly'`: (lr - min_lr) * (1 - progress/max)^power + min_lr. */
export class PolyLrUpdaterHook extends LrUpdaterHook {
  readonly power: number;
  readonly minLr: number;
  constructor({ power = 1, min_lr = 0, ...rest }: LrUpdaterOptions & { power?: number; min_lr?: number } = {}) {
    super(rest);
    this.power = power;
    this.minLr = min_lr;
  }
  getLr(runner: RunnerLike, baseLr: number): number {
    const [p, max] = this.progress(runner);
    const coeff = (1 - p / max) ** this.power;
    return (baseLr - this.minLr) * coeff + this.minLr;
  }
}

/** `policy='inv'`: lr * (1 + gamma * progress)^(-power). */
export class InvLrUpdaterHook extends LrUpdaterHook {
  readonly gamma: number;
  readonly power: number;
  constructor({ gamma, power = 1, ...rest }: LrUpdaterOptions & { gamma: number; power?: number }) {
    super(rest);
    this.gamma = gamma;
    this.power = power;
  }
  getLr(runner: RunnerLike, baseLr: number): number {
    const progress = this.byEpoch ? runner.epoch : runner.iter;
    return baseLr * (1 + this.gamma * progress) ** -this.power;
  }
}

export interface MinLrOptions extends LrUpdaterOptions {
  /** Final lr. Exactly one of min_lr and min_lr_ratio. */
  min_lr?: number | null;
  /** Final lr as a fraction of the initial lr. */
  min_lr_ratio?: number | null;
}

function checkMinLr(name: string, o: MinLrOptions): void {
  const a = o.min_lr !== undefined && o.min_lr !== null;
  const b = o.min_lr_ratio !== undefined && o.min_lr_ratio !== null;
  if (a === b) throw new RangeError(`${name}: give exactly one of min_lr and min_lr_ratio`);
}

function targetLr(baseLr: number, minLr: number | null, ratio: number | null): number {
  return ratio !== null ? baseLr * ratio : minLr!;
}

/** `policy='CosineAnnealing'`: cosine from the initial lr to min_lr over the whole run. */
export class CosineAnnealingLrUpdaterHook extends LrUpdaterHook {
  readonly minLr: number | null;
  readonly minLrRatio: number | null;
  constructor({ min_lr = null, min_lr_ratio = null, ...rest }: MinLrOptions = {}) {
    checkMinLr('CosineAnnealingLrUpdaterHook', { min_lr, min_lr_ratio });
    super(rest);
    this.minLr = min_lr;
    this.minLrRatio = min_lr_ratio;
  }
  getLr(runner: RunnerLike, baseLr: number): number {
    const [p, max] = this.progress(runner);
    return annealingCos(baseLr, targetLr(baseLr, this.minLr, this.minLrRatio), p / max);
  }
}

/** `policy='FlatCosineAnnealing'`: flat until start_percent of the run, then cosine. */
export class FlatCosineAnnealingLrUpdaterHook extends LrUpdaterHook {
  readonly startPercent: number;
  readonly minLr: number | null;
  readonly minLrRatio: number | null;
  constructor({ start_percent = 0.75, min_lr = null, min_lr_ratio = null, ...rest }: MinLrOptions & { start_percent?: number } = {}) {
    checkMinLr('FlatCosineAnnealingLrUpdaterHook', { min_lr, min_lr_ratio });
    if (!(start_percent >= 0 && start_percent <= 1)) throw new RangeError(`expected float between 0 and 1 start_percent, but got ${start_percent}`);
    super(rest);
    this.startPercent = start_percent;
    this.minLr = min_lr;
    this.minLrRatio = min_lr_ratio;
  }
  getLr(runner: RunnerLike, baseLr: number): number {
    const [p, max] = this.progress(runner);
    const start = pyRound(max * this.startPercent);
    const target = targetLr(baseLr, this.minLr, this.minLrRatio);
    if (p - start < 0) return baseLr;
    return annealingCos(baseLr, target, (p - start) / (max - start));
  }
}

/** Python's round() on floats: ties to even. */
export function pyRound(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** `policy='CosineRestart'`: cosine within each period, restarting with restart_weights. */
export class CosineRestartLrUpdaterHook extends LrUpdaterHook {
  readonly periods: number[];
  readonly restartWeights: number[];
  readonly cumulativePeriods: number[];
  readonly minLr: number | null;
  readonly minLrRatio: number | null;
  constructor({ periods, restart_weights = [1], min_lr = null, min_lr_ratio = null, ...rest }: MinLrOptions & { periods: number[]; restart_weights?: number[] }) {
    checkMinLr('CosineRestartLrUpdaterHook', { min_lr, min_lr_ratio });
    if (periods.length !== restart_weights.length) throw new RangeError('periods and restart_weights should have the same length.');
    super(rest);
    this.periods = periods;
    this.restartWeights = restart_weights;
    this.minLr = min_lr;
    this.minLrRatio = min_lr_ratio;
    let s = 0;
    this.cumulativePeriods = periods.map((p) => (s += p));
  }
  getLr(runner: RunnerLike, baseLr: number): number {
    const progress = this.byEpoch ? runner.epoch : runner.iter;
    const target = targetLr(baseLr, this.minLr, this.minLrRatio);
    const idx = getPositionFromPeriods(progress, this.cumulativePeriods);
    const nearestRestart = idx === 0 ? 0 : this.cumulativePeriods[idx - 1];
    const alpha = Math.min((progress - nearestRestart) / this.periods[idx], 1);
    return annealingCos(baseLr, target, alpha, this.restartWeights[idx]);
  }
}

export function getPositionFromPeriods(iteration: number, cumulativePeriods: number[]): number {
  for (let i = 0; i < cumulativePeriods.length; i++) if (iteration < cumulativePeriods[i]) return i;
  throw new RangeError(`Current iteration ${iteration} exceeds cumulative_periods [${cumulativePeriods.join(', ')}]`);
}

/** `policy='LinearAnnealing'`: linear from the initial lr to min_lr over the run. */
export class LinearAnnealingLrUpdaterHook extends LrUpdaterHook {
  readonly minLr: number | null;
  readonly minLrRatio: number | null;
  constructor({ min_lr = null, min_lr_ratio = null, ...rest }: MinLrOptions = {}) {
    checkMinLr('LinearAnnealingLrUpdaterHook', { min_lr, min_lr_ratio });
    super(rest);
    this.minLr = min_lr;
    this.minLrRatio = min_lr_ratio;
  }
  getLr(runner: RunnerLike, baseLr: number): number {
    const [p, max] = this.progress(runner);
    return annealingLinear(baseLr, targetLr(baseLr, this.minLr, this.minLrRatio), p / max);
  }
}

/**
 * MMAction2's TINLrUpdaterHook (mmaction/core/scheduler/lr_updater.py): cosine to min_lr counted
 * from the end of the warmup, and TIN's own linear warmup `ratio + (i/W)(1 - ratio)`.
 */
export class TINLrUpdaterHook extends LrUpdaterHook {
  readonly minLr: number;
  constructor({ min_lr, ...rest }: LrUpdaterOptions & { min_lr: number }) {
    super(rest);
    this.minLr = min_lr;
  }
  override getWarmupLr(curIters: number): number[] {
    if (this.warmup === 'linear') {
      const k = (curIters / this.warmupIters!) * (1 - this.warmupRatio) + this.warmupRatio;
      return this.regularLr.map((lr) => lr * k);
    }
    return super.getWarmupLr(curIters);
  }
  getLr(runner: RunnerLike, baseLr: number): number {
    let [p, max] = this.progress(runner);
    if (this.warmup !== null) {
      p -= this.warmupIters!;
      max -= this.warmupIters!;
    }
    return annealingCos(baseLr, this.minLr, p / max);
  }
}

/** `policy='cyclic'` (by iteration only): up to target_ratio[0] then down to target_ratio[1], cyclic_times times. */
export class CyclicLrUpdaterHook extends LrUpdaterHook {
  readonly targetRatio: [number, number];
  readonly cyclicTimes: number;
  readonly stepRatioUp: number;
  readonly gamma: number;
  readonly annealFunc: (s: number, e: number, f: number) => number;
  maxIterPerPhase = 0;
  lrPhases: [number, number, number, number][] = [];

  constructor({ by_epoch = false, target_ratio = [10, 1e-4], cyclic_times = 1, step_ratio_up = 0.4, anneal_strategy = 'cos', gamma = 1, ...rest }:
    LrUpdaterOptions & { target_ratio?: number | number[]; cyclic_times?: number; step_ratio_up?: number; anneal_strategy?: 'cos' | 'linear'; gamma?: number } = {}) {
    if (by_epoch) throw new RangeError('CyclicLrUpdaterHook: currently only support "by_epoch" = False');
    super({ ...rest, by_epoch });
    const tr = typeof target_ratio === 'number' ? [target_ratio, target_ratio / 1e5]
      : target_ratio.length === 1 ? [target_ratio[0], target_ratio[0] / 1e5] : target_ratio;
    if (tr.length !== 2) throw new RangeError('"target_ratio" must be list or tuple of two floats');
    if (!(step_ratio_up >= 0 && step_ratio_up < 1)) throw new RangeError('"step_ratio_up" must be in range [0,1)');
    if (!(gamma > 0 && gamma <= 1)) throw new RangeError('"gamma" must be in range (0, 1]');
    if (anneal_strategy !== 'cos' && anneal_strategy !== 'linear') throw new RangeError(`anneal_strategy must be one of "cos" or "linear", instead got ${String(anneal_strategy)}`);
    this.targetRatio = [tr[0], tr[1]];
    this.cyclicTimes = cyclic_times;
    this.stepRatioUp = step_ratio_up;
    this.gamma = gamma;
    this.annealFunc = anneal_strategy === 'cos' ? annealingCos : annealingLinear;
  }

  override beforeRun(runner: RunnerLike): void {
    super.beforeRun(runner);
    this.maxIterPerPhase = Math.floor(runner.maxIters! / this.cyclicTimes);
    const up = Math.trunc(this.stepRatioUp * this.maxIterPerPhase);
    this.lrPhases = [[0, up, 1, this.targetRatio[0]], [up, this.maxIterPerPhase, this.targetRatio[0], this.targetRatio[1]]];
  }

  getLr(runner: RunnerLike, baseLr: number): number {
    const cur = runner.iter % this.maxIterPerPhase;
    const cycle = Math.floor(runner.iter / this.maxIterPerPhase);
    const scale = this.gamma ** cycle;
    for (const [s, e, sr0, er0] of this.lrPhases) {
      if (s <= cur && cur < e) {
        let sr = sr0, er = er0;
        if (s === 0) er = 1 - scale + er * scale;
        else sr = 1 - scale + sr * scale;
        return this.annealFunc(baseLr * sr, baseLr * er, (cur - s) / (e - s));
      }
    }
    // mmcv returns None here (lr unchanged would then fail in Python); keep the initial lr
    return baseLr;
  }
}

export interface OneCycleLrOptions extends LrUpdaterOptions {
  /** Peak lr: one number, or one per param group. */
  max_lr: number | number[];
  /** Iterations of the cycle; default the run's max_iters. */
  total_steps?: number | null;
  pct_start?: number;
  anneal_strategy?: 'cos' | 'linear';
  div_factor?: number;
  final_div_factor?: number;
  three_phase?: boolean;
}

/** `policy='OneCycle'` (by iteration only): up from max_lr/div_factor to max_lr, then down to initial/final_div_factor. */
export class OneCycleLrUpdaterHook extends LrUpdaterHook {
  readonly maxLr: number | number[];
  readonly totalSteps: number | null;
  readonly pctStart: number;
  readonly annealFunc: (s: number, e: number, f: number) => number;
  readonly divFactor: number;
  readonly finalDivFactor: number;
  readonly threePhase: boolean;
  lrPhases: [number, number, number][] = [];

  constructor({ max_lr, total_steps = null, pct_start = 0.3, anneal_strategy = 'cos', div_factor = 25, final_div_factor = 1e4, three_phase = false, by_epoch = false, ...rest }: OneCycleLrOptions) {
    if (by_epoch) throw new RangeError('OneCycleLrUpdaterHook: currently only support "by_epoch" = False');
    if (total_steps !== null && !Number.isInteger(total_steps)) throw new TypeError(`the type of total_steps must be int, but got ${total_steps}`);
    if (!(pct_start >= 0 && pct_start <= 1)) throw new RangeError(`expected float between 0 and 1 pct_start, but got ${pct_start}`);
    if (anneal_strategy !== 'cos' && anneal_strategy !== 'linear') throw new RangeError(`anneal_strategy must be one of "cos" or "linear", instead got ${String(anneal_strategy)}`);
    super({ ...rest, by_epoch });
    this.maxLr = max_lr;
    this.totalSteps = total_steps;
    this.pctStart = pct_start;
    this.annealFunc = anneal_strategy === 'cos' ? annealingCos : annealingLinear;
    this.divFactor = div_factor;
    this.finalDivFactor = final_div_factor;
    this.threePhase = three_phase;
  }

  override beforeRun(runner: RunnerLike): void {
    const total = this.totalSteps ?? runner.maxIters!;
    if (total < runner.maxIters!) throw new RangeError(`The total steps must be greater than or equal to max iterations ${runner.maxIters} of runner, but total steps is ${total}.`);
    const groups = runner.optimizer!.paramGroups;
    const maxLr = typeof this.maxLr === 'number' ? groups.map(() => this.maxLr as number) : this.maxLr;
    if (maxLr.length !== groups.length) throw new RangeError(`expected ${groups.length} values for max_lr, got ${maxLr.length}`);
    this.baseLr = maxLr.map((lr) => lr / this.divFactor);
    groups.forEach((g, i) => { if (g.options.initial_lr === undefined) g.options.initial_lr = this.baseLr[i]; });
    this.lrPhases = this.threePhase
      ? [[this.pctStart * total - 1, 1, this.divFactor], [2 * this.pctStart * total - 2, this.divFactor, 1], [total - 1, 1, 1 / this.finalDivFactor]]
      : [[this.pctStart * total - 1, 1, this.divFactor], [total - 1, this.divFactor, 1 / this.finalDivFactor]];
  }

  getLr(runner: RunnerLike, baseLr: number): number {
    const cur = runner.iter;
    let start = 0;
    let lr = baseLr;
    for (const [end, s, e] of this.lrPhases) {
      if (cur <= end) {
        lr = this.annealFunc(baseLr * s, baseLr * e, (cur - start) / (end - start));
        break;
      }
      start = end;
    }
    return lr;
  }
}
