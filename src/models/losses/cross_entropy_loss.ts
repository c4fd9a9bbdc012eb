/**
 * CrossEntropyLoss and BCELossWithLogits (mmaction/models/losses/cross_entropy_loss.py).
 * CrossEntropyLoss takes hard labels ([N] class indices) or soft labels ([N, C], same shape as
 * the scores); `class_weight` weighs classes in both cases, as MMAction2 does.
 */
import * as torch from '../../torch/index.ts';
import { BaseWeightedLoss, toClassWeight } from './base.ts';

type Tensor = torch.Tensor;

export interface CrossEntropyLossOptions {
  /** Default 1.0. */
  loss_weight: number;
  /** One weight per class, or null (default). */
  class_weight: number[] | null;
}

export const CROSS_ENTROPY_LOSS_DEFAULTS = Object.freeze({ loss_weight: 1.0, class_weight: null });

const sameShape = (a: Tensor, b: Tensor) => a.ndim === b.ndim && a.shape.every((v, i) => v === b.shape[i]);

export class CrossEntropyLoss extends BaseWeightedLoss {
  readonly classWeight: Tensor | null;

  constructor(o: Partial<CrossEntropyLossOptions> = {}) {
    super(o.loss_weight ?? 1.0);
    this.classWeight = toClassWeight(o.class_weight);
  }

  protected compute(clsScore: Tensor, label: Tensor, extra: Record<string, unknown> = {}): Tensor {
    return torch.tidy(() => {
      if (sameShape(clsScore, label)) {
        // Soft labels: [N, C].
        if (clsScore.ndim !== 2) throw new RangeError('CrossEntropyLoss: only 2-dim soft labels are supported');
        if (Object.keys(extra).length) throw new TypeError(`CrossEntropyLoss: no extra args are supported for soft labels, got ${Object.keys(extra).join(', ')}`);
        let lsm = clsScore.logSoftmax(1);
        const w = this.classWeight?.to({ device: clsScore.device }).unsqueeze(0);
        if (w) lsm = lsm.mul(w);
        const loss = label.mul(lsm).sum(1).neg(); // [N]
        return w ? loss.sum().div(w.mul(label).sum()) : loss.mean();
      }
      if ('weight' in extra && this.classWeight) throw new TypeError("CrossEntropyLoss: the key 'weight' already exists");
      const weight = (extra.weight as Tensor | undefined) ?? this.classWeight?.to({ device: clsScore.device }) ?? null;
      return torch.F.crossEntropy(clsScore, label, {
        weight,
        ...(extra.ignore_index !== undefined ? { ignoreIndex: extra.ignore_index as number } : {}),
        ...(extra.reduction !== undefined ? { reduction: extra.reduction as torch.F.Reduction } : {}),
        ...(extra.label_smoothing !== undefined ? { labelSmoothing: extra.label_smoothing as number } : {}),
      });
    });
  }
}

export class BCELossWithLogits extends BaseWeightedLoss {
  readonly classWeight: Tensor | null;

  constructor(o: Partial<CrossEntropyLossOptions> = {}) {
    super(o.loss_weight ?? 1.0);
    this.classWeight = toClassWeight(o.class_weight);
  }

  protected compute(clsScore: Tensor, label: Tensor, extra: Record<string, unknown> = {}): Tensor {
    if ('weight' in extra && this.classWeight) throw new TypeError("BCELossWithLogits: the key 'weight' already exists");
    const weight = (extra.weight as Tensor | undefined) ?? this.classWeight ?? null;
    return torch.F.binaryCrossEntropyWithLogits(clsScore, label, {
      weight, ...(extra.reduction !== undefined ? { reduction: extra.reduction as torch.F.Reduction } : {}),
    });
  }
}
