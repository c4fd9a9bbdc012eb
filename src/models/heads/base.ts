/**
 * BaseHead and AvgConsensus (mmaction/models/heads/base.py): a classification head owns its
 * loss (`loss_cls`, built from the config) and computes MMAction2's loss dict, with top-k
 * accuracy (`top1_acc`, `top5_acc`) for single-label targets and label smoothing for multi-label ones.
 */
import * as torch from '../../torch/index.ts';
import { topKAccuracy } from '../../evaluation/accuracy.ts';
import type { BaseWeightedLoss } from '../losses/base.ts';
import { buildLossFromCfg, type LossCfg } from '../losses/index.ts';

type Tensor = torch.Tensor;

/** Mean over `dim`, keeping it: [N, T, ...] -> [N, 1, ...]. */
export class AvgConsensus extends torch.nn.Module {
  constructor(readonly dim = 1) { super(); }
  forward(x: Tensor): Tensor { return x.mean(this.dim, true); }
}

export interface ConsensusCfg {
  type: 'AvgConsensus' | string;
  dim?: number;
}

/** MMAction2's heads build AvgConsensus for `type: 'AvgConsensus'` and nothing otherwise. */
export function buildConsensus(cfg: ConsensusCfg): AvgConsensus | null {
  const { type, ...rest } = cfg;
  if (type !== 'AvgConsensus') return null;
  for (const k of Object.keys(rest)) if (k !== 'dim') throw new TypeError(`consensus: unknown option '${k}' for AvgConsensus (valid: dim)`);
  return new AvgConsensus(rest.dim ?? 1);
}

export interface BaseHeadOptions {
  /** Required. */
  num_classes: number;
  /** Required. */
  in_channels: number;
  /** Default {type: 'CrossEntropyLoss', loss_weight: 1.0} (heads override it). */
  loss_cls: LossCfg;
  /** Default false. */
  multi_class: boolean;
  /** Multi-label smoothing epsilon. Default 0. */
  label_smooth_eps: number;
  /** Default [1, 5]. */
  topk: number | number[];
}

export const BASE_HEAD_DEFAULTS = Object.freeze({
  loss_cls: { type: 'CrossEntropyLoss', loss_weight: 1.0 }, multi_class: false, label_smooth_eps: 0.0, topk: [1, 5],
} as const);

export type LossDict = Record<string, Tensor>;

export abstract class BaseHead extends torch.nn.Module {
  readonly numClasses: number;
  readonly inChannels: number;
  readonly multiClass: boolean;
  readonly labelSmoothEps: number;
  readonly topk: number[];
  readonly lossCls: BaseWeightedLoss;

  constructor(o: Partial<BaseHeadOptions> & { num_classes: number; in_channels: number }) {
    super();
    this.numClasses = o.num_classes;
    this.inChannels = o.in_channels;
    // MMAction2 keeps the loss as `self.loss_cls` (it has no parameters, so no state-dict keys).
    this.lossCls = this.registerModule('loss_cls', buildLossFromCfg(o.loss_cls ?? { type: 'CrossEntropyLoss', loss_weight: 1.0 }, 'loss_cls'));
    this.multiClass = o.multi_class ?? false;
    this.labelSmoothEps = o.label_smooth_eps ?? 0;
    const topk = typeof o.topk === 'number' ? [o.topk] : [...(o.topk ?? [1, 5])];
    for (const k of topk) if (!(k > 0)) throw new RangeError('Top-k should be larger than 0');
    this.topk = topk;
  }

  abstract initWeights(): void;

  /**
   * The loss dict: `loss_cls` (+ `top{k}_acc` for single-label targets). `labels` are class
   * indices [N] (int64) or, with multi_class / soft labels, [N, num_classes] floats.
   */
  loss(clsScore: Tensor, labels: Tensor, extra: Record<string, unknown> = {}): LossDict {
    return torch.tidy(() => {
      const losses: LossDict = {};
      if (labels.ndim === 0) labels = labels.unsqueeze(0);
      else if (labels.ndim === 1 && labels.shape[0] === this.numClasses && clsScore.shape[0] === 1) labels = labels.unsqueeze(0);
      const sameShape = clsScore.ndim === labels.ndim && clsScore.shape.every((v, i) => v === labels.shape[i]);
      if (!this.multiClass && !sameShape) {
        const scores = clsScore.detach().cpu().float().toArray() as number[][];
        const labs = Array.from(labels.detach().cpu().toTypedArray() as ArrayLike<number | bigint>, Number);
        const acc = topKAccuracy(scores, labs, this.topk);
        this.topk.forEach((k, i) => { losses[`top${k}_acc`] = torch.tensor(acc[i], { dtype: 'float64' }); });
      } else if (this.multiClass && this.labelSmoothEps !== 0) {
        labels = labels.mul(1 - this.labelSmoothEps).add(this.labelSmoothEps / this.numClasses);
      }
      const lossCls = this.lossCls.call(clsScore, labels, extra);
      if (lossCls instanceof torch.Tensor) losses.loss_cls = lossCls;
      else Object.assign(losses, lossCls);
      return losses;
    });
  }
}
