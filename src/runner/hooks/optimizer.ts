/**
 * OptimizerHook and GradientCumulativeOptimizerHook (mmcv/runner/hooks/optimizer.py): backward
 * of `runner.outputs.loss`, optional gradient clipping by norm (logged as `grad_norm`), step.
 */
import * as torch from '../../torch/index.ts';
import type { Tensor } from '../../torch/tensor.ts';
import type { RunnerLike } from '../types.ts';
import { Hook } from './hook.ts';

/** `grad_clip = dict(max_norm=40, norm_type=2)` (torch.nn.utils.clip_grad_norm_'s arguments). */
export interface GradClipCfg {
  max_norm: number;
  norm_type?: number;
  error_if_nonfinite?: boolean;
}

export interface OptimizerHookOptions {
  grad_clip?: GradClipCfg | null;
  detect_anomalous_params?: boolean;
}

function checkGradClip(g: GradClipCfg | null | undefined): GradClipCfg | null {
  if (g === null || g === undefined) return null;
  if (typeof g !== 'object' || typeof g.max_norm !== 'number') throw new TypeError(`optimizer_config.grad_clip: expected dict(max_norm=..., norm_type=2), got ${JSON.stringify(g)}`);
  for (const k of Object.keys(g)) if (!['max_norm', 'norm_type', 'error_if_nonfinite'].includes(k)) throw new TypeError(`optimizer_config.grad_clip: unknown option '${k}' (valid: max_norm, norm_type, error_if_nonfinite)`);
  return g;
}

export class OptimizerHook extends Hook {
  readonly gradClip: GradClipCfg | null;
  readonly detectAnomalousParams: boolean;

  constructor({ grad_clip = null, detect_anomalous_params = false }: OptimizerHookOptions = {}) {
    super();
    this.gradClip = checkGradClip(grad_clip);
    this.detectAnomalousParams = detect_anomalous_params;
  }

  /** Clips the gradients of trainable parameters; returns the total norm before clipping. */
  clipGrads(params: Tensor[]): number | null {
    const withGrad = params.filter((p) => {
      if (!p.requiresGrad) return false;
      const g = p.grad;
      if (!g) return false;
      g.dispose();
      return true;
    });
    if (withGrad.length === 0 || !this.gradClip) return null;
    const norm = torch.optim.clipGradNorm_(withGrad, this.gradClip.max_norm, this.gradClip.norm_type ?? 2, this.gradClip.error_if_nonfinite ?? false);
    const v = norm.item();
    norm.dispose();
    return v;
  }

  protected clipAndLog(r: RunnerLike): void {
    if (!this.gradClip) return;
    const norm = this.clipGrads(r.model.parameters());
    if (norm !== null) r.logBuffer.update({ grad_norm: norm }, r.outputs!.numSamples);
  }

  override afterTrainIter(r: RunnerLike): void {
    const opt = r.optimizer!;
    // PyTorch 1.13's zero_grad() zeroes (set_to_none=False), which SGD then treats as a gradient
    opt.zeroGrad(false);
    r.outputs!.loss.backward();
    this.clipAndLog(r);
    opt.step();
  }
}

export interface GradientCumulativeOptimizerHookOptions extends OptimizerHookOptions {
  /** Iterations whose gradients add up before one step. Default 1. */
  cumulative_iters?: number;
}

/**
 * Gradient accumulation: the loss is divided by cumulative_iters (by the remainder in the last,
 * incomplete group of iterations) and the optimizer steps every cumulative_iters iterations.
 */
export class GradientCumulativeOptimizerHook extends OptimizerHook {
  readonly cumulativeIters: number;
  divisibleIters = 0;
  remainderIters = 0;
  initialized = false;

  constructor({ cumulative_iters = 1, ...rest }: GradientCumulativeOptimizerHookOptions = {}) {
    super(rest);
    if (!(Number.isInteger(cumulative_iters) && cumulative_iters > 0)) throw new RangeError(`cumulative_iters only accepts positive int, but got ${cumulative_iters}`);
    this.cumulativeIters = cumulative_iters;
  }

  private init(r: RunnerLike): void {
    if (r.iter % this.cumulativeIters !== 0) {
      r.logger.warning('Resume iter number is not divisible by cumulative_iters in GradientCumulativeOptimizerHook, which means the gradient of some iters is lost and the result may be influenced slightly.');
    }
    if (this.cumulativeIters > 1 && [...r.model.modules()].some((m) => m instanceof torch.nn.BatchNorm)) {
      r.logger.warning('GradientCumulativeOptimizerHook may slightly decrease performance if the model has BatchNorm layers.');
    }
    this.divisibleIters = Math.floor(r.maxIters! / this.cumulativeIters) * this.cumulativeIters;
    this.remainderIters = r.maxIters! - this.divisibleIters;
    this.initialized = true;
  }

  private lossFactor(r: RunnerLike): number {
    if (r.iter < r.maxIters! - this.remainderIters) return this.cumulativeIters;
    r.logger.warning(`Loss will be divided by ${this.remainderIters} in the last ${this.remainderIters} iterations because they are not enough for ${this.cumulativeIters} cumulative_iters.`);
    return this.remainderIters;
  }

  override afterTrainIter(r: RunnerLike): void {
    if (!this.initialized) this.init(r);
    const loss = r.outputs!.loss.div(this.lossFactor(r));
    try {
      loss.backward();
    } finally {
      loss.dispose();
    }
    if (this.everyNIters(r, this.cumulativeIters) || this.isLastIter(r)) {
      this.clipAndLog(r);
      r.optimizer!.step();
      r.optimizer!.zeroGrad(false);
    }
  }
}
