/** Normalization layers: BatchNorm1d/2d/3d (SyncBatchNorm accepted), LayerNorm, GroupNorm, InstanceNorm. */
import { noGrad } from '../autograd.ts';
import { ones, zeros, tensor } from '../creation.ts';
import * as F from '../functional.ts';
import type { Tensor } from '../tensor.ts';
import { Module } from './module.ts';

export interface BatchNormOptions {
  eps?: number;
  /** null: cumulative moving average, like PyTorch. */
  momentum?: number | null;
  affine?: boolean;
  trackRunningStats?: boolean;
}

export class BatchNorm extends Module {
  readonly eps: number;
  /** Writable, as in PyTorch (PreciseBN switches it to a cumulative average). */
  momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  weight: Tensor | null;
  bias: Tensor | null;

  constructor(readonly numFeatures: number, o: BatchNormOptions = {}, private readonly expectedDims: number[] = [2, 3, 4, 5]) {
    super();
    this.eps = o.eps ?? 1e-5;
    this.momentum = o.momentum === undefined ? 0.1 : o.momentum;
    this.affine = o.affine ?? true;
    this.trackRunningStats = o.trackRunningStats ?? true;
    this.weight = this.registerParameter('weight', this.affine ? ones([numFeatures]) : null);
    this.bias = this.registerParameter('bias', this.affine ? zeros([numFeatures]) : null);
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures]));
      this.registerBuffer('running_var', ones([numFeatures]));
      this.registerBuffer('num_batches_tracked', tensor(0, { dtype: 'int64' }));
    } else {
      this.registerBuffer('running_mean', null);
      this.registerBuffer('running_var', null);
      this.registerBuffer('num_batches_tracked', null);
    }
  }

  get runningMean(): Tensor | null { return this.getBuffer('running_mean') ?? null; }
  get runningVar(): Tensor | null { return this.getBuffer('running_var') ?? null; }

  forward(x: Tensor): Tensor {
    if (!this.expectedDims.includes(x.ndim))
      throw new RangeError(`${this.constructor.name}: expected a ${this.expectedDims.join('-D or ')}-D input, got ${x.ndim}-D ([${x.shape.join(', ')}])`);
    let factor = this.momentum ?? 0;
    if (this.training && this.trackRunningStats) {
      const nbt = this.getBuffer('num_batches_tracked');
      if (nbt) {
        noGrad(() => nbt.add_(1));
        factor = this.momentum === null ? 1 / nbt.item() : this.momentum;
      }
    }
    const useBatchStats = this.training || !this.trackRunningStats;
    return F.batchNorm(x, this.training && !this.trackRunningStats ? null : this.runningMean,
      this.training && !this.trackRunningStats ? null : this.runningVar,
      { weight: this.weight, bias: this.bias, training: useBatchStats, momentum: factor, eps: this.eps });
  }

  override extraRepr(): string {
    return `${this.numFeatures}, eps=${this.eps}, momentum=${this.momentum}, affine=${this.affine ? 'True' : 'False'}, track_running_stats=${this.trackRunningStats ? 'True' : 'False'}`;
  }
}

export class BatchNorm1d extends BatchNorm {
  constructor(n: number, o: BatchNormOptions = {}) { super(n, o, [2, 3]); }
}
export class BatchNorm2d extends BatchNorm {
  constructor(n: number, o: BatchNormOptions = {}) { super(n, o, [4]); }
}
export class BatchNorm3d extends BatchNorm {
  constructor(n: number, o: BatchNormOptions = {}) { super(n, o, [5]); }
}
/**
 * SyncBatchNorm: same parameters and state-dict keys as BatchNorm; in a single process (and on
 * CPU, where PyTorch refuses it) it normalises with local statistics.
 */
export class SyncBatchNorm extends BatchNorm {
  constructor(n: number, o: BatchNormOptions = {}) { super(n, o, [2, 3, 4, 5]); }
}

export class LayerNorm extends Module {
  readonly normalizedShape: number[];
  weight: Tensor | null;
  bias: Tensor | null;

  constructor(normalizedShape: number | number[], { eps = 1e-5, elementwiseAffine = true } = {}) {
    super();
    this.normalizedShape = Array.isArray(normalizedShape) ? normalizedShape : [normalizedShape];
    this.eps = eps;
    this.weight = this.registerParameter('weight', elementwiseAffine ? ones(this.normalizedShape) : null);
    this.bias = this.registerParameter('bias', elementwiseAffine ? zeros(this.normalizedShape) : null);
  }

  readonly eps: number;

  forward(x: Tensor): Tensor {
    return F.layerNorm(x, this.normalizedShape, this.weight, this.bias, this.eps);
  }
}

export class GroupNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;

  constructor(readonly numGroups: number, readonly numChannels: number, { eps = 1e-5, affine = true } = {}) {
    super();
    if (numChannels % numGroups !== 0) throw new RangeError('num_channels must be divisible by num_groups');
    this.eps = eps;
    this.weight = this.registerParameter('weight', affine ? ones([numChannels]) : null);
    this.bias = this.registerParameter('bias', affine ? zeros([numChannels]) : null);
  }

  readonly eps: number;

  forward(x: Tensor): Tensor {
    return F.groupNorm(x, this.numGroups, this.weight, this.bias, this.eps);
  }
}

export class InstanceNorm extends Module {
  weight: Tensor | null;
  bias: Tensor | null;

  constructor(readonly numFeatures: number, { eps = 1e-5, momentum = 0.1, affine = false, trackRunningStats = false } = {}) {
    super();
    this.eps = eps;
    this.momentum = momentum;
    this.weight = this.registerParameter('weight', affine ? ones([numFeatures]) : null);
    this.bias = this.registerParameter('bias', affine ? zeros([numFeatures]) : null);
    if (trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures]));
      this.registerBuffer('running_var', ones([numFeatures]));
      this.registerBuffer('num_batches_tracked', tensor(0, { dtype: 'int64' }));
    }
    this.trackRunningStats = trackRunningStats;
  }

  readonly eps: number;
  readonly momentum: number;
  readonly trackRunningStats: boolean;

  forward(x: Tensor): Tensor {
    return F.instanceNorm(x, {
      weight: this.weight, bias: this.bias, runningMean: this.getBuffer('running_mean') ?? null,
      runningVar: this.getBuffer('running_var') ?? null, useInputStats: this.training || !this.trackRunningStats,
      momentum: this.momentum, eps: this.eps,
    });
  }
}
export class InstanceNorm1d extends InstanceNorm {}
export class InstanceNorm2d extends InstanceNorm {}
export class InstanceNorm3d extends InstanceNorm {}
