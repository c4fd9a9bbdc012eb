/**
 * HVULoss (mmaction/models/losses/hvu_loss.py): multi-label BCE over the HVU tag categories,
 * either over all tags at once (`loss_type='all'`) or per category with the categories'
 * weights normalised over those present (`'individual'`, returning `<category>_LOSS` entries).
 * Needs `mask` [N, num_tags] and `category_mask` [N, num_categories] in the extra arguments.
 */
import * as torch from '../../torch/index.ts';
import { BaseWeightedLoss } from './base.ts';

type Tensor = torch.Tensor;

export interface HVULossOptions {
  /** Default ['action', 'attribute', 'concept', 'event', 'object', 'scene']. */
  categories: string[];
  /** Default [739, 117, 291, 69, 1678, 248]. */
  category_nums: number[];
  /** Default [1, 1, 1, 1, 1, 1]. */
  category_loss_weights: number[];
  /** 'all' (default) or 'individual'. */
  loss_type: 'all' | 'individual';
  /** Default false. */
  with_mask: boolean;
  /** 'mean' (default) or 'sum'. */
  reduction: 'mean' | 'sum';
  /** Default 1.0. */
  loss_weight: number;
}

export const HVU_LOSS_DEFAULTS = Object.freeze({
  categories: ['action', 'attribute', 'concept', 'event', 'object', 'scene'],
  category_nums: [739, 117, 291, 69, 1678, 248],
  category_loss_weights: [1, 1, 1, 1, 1, 1],
  loss_type: 'all', with_mask: false, reduction: 'mean', loss_weight: 1.0,
} as const);

export class HVULoss extends BaseWeightedLoss {
  readonly o: HVULossOptions;
  readonly categoryStartIdx: number[];

  constructor(options: Partial<HVULossOptions> = {}) {
    const o = { ...structuredClone(HVU_LOSS_DEFAULTS), ...options } as HVULossOptions;
    super(o.loss_weight);
    this.o = o;
    if (o.category_nums.length !== o.category_loss_weights.length) throw new RangeError('HVULoss: category_nums and category_loss_weights differ in length');
    for (const w of o.category_loss_weights) if (!(w >= 0)) throw new RangeError('HVULoss: category_loss_weights must be >= 0');
    if (o.loss_type !== 'all' && o.loss_type !== 'individual') throw new TypeError(`loss_type should be 'all' or 'individual', but got ${o.loss_type as string}`);
    if (o.reduction !== 'mean' && o.reduction !== 'sum') throw new TypeError(`reduction should be 'mean' or 'sum', got ${o.reduction as string}`);
    this.categoryStartIdx = [0];
    for (let i = 0; i < o.category_nums.length - 1; i++) this.categoryStartIdx.push(this.categoryStartIdx[i] + o.category_nums[i]);
  }

  protected compute(clsScore: Tensor, label: Tensor, extra: Record<string, unknown> = {}): Record<string, Tensor> {
    const mask = extra.mask as Tensor | undefined;
    const categoryMask = extra.category_mask as Tensor | undefined;
    const o = this.o;
    return torch.tidy(() => {
      if (o.loss_type === 'all') {
        let loss = torch.F.binaryCrossEntropyWithLogits(clsScore, label, { reduction: 'none' });
        if (o.with_mask) {
          if (!mask) throw new TypeError("HVULoss(with_mask): the 'mask' argument is required");
          let w = mask.mul(loss).sum(1);
          if (o.reduction === 'mean') w = w.div(mask.sum(1));
          return { loss_cls: w.mean() };
        }
        if (o.reduction === 'sum') loss = loss.sum(-1);
        return { loss_cls: loss.mean() };
      }
      const losses: Record<string, Tensor> = {};
      const weights: Record<string, number> = {};
      o.categories.forEach((name, idx) => {
        const start = this.categoryStartIdx[idx];
        const num = o.category_nums[idx];
        const score = clsScore.narrow(1, start, num);
        const lab = label.narrow(1, start, num);
        let l = torch.F.binaryCrossEntropyWithLogits(score, lab, { reduction: 'none' });
        l = o.reduction === 'mean' ? l.mean(1) : l.sum(1);
        if (o.with_mask) {
          if (!categoryMask) throw new TypeError("HVULoss(with_mask): the 'category_mask' argument is required");
          const cm = categoryMask.select(1, idx).reshape(-1);
          if (cm.sum().item() < 0.5) {
            losses[`${name}_LOSS`] = torch.tensor(0, { dtype: 'float32' });
            weights[`${name}_LOSS`] = 0;
            return;
          }
          l = l.mul(cm).sum().div(cm.sum());
        } else {
          l = l.mean();
        }
        losses[`${name}_LOSS`] = l;
        weights[`${name}_LOSS`] = o.category_loss_weights[idx];
      });
      const total = Object.values(weights).reduce((a, b) => a + b, 0);
      let lossCls: Tensor | null = null;
      for (const k of Object.keys(losses)) {
        const term = losses[k].mul(weights[k] / total);
        lossCls = lossCls ? lossCls.add(term) : term;
      }
      const out: Record<string, Tensor> = { ...losses, loss_cls: lossCls! };
      for (const [k, v] of Object.entries(weights)) out[`${k}_weight`] = torch.tensor(v / total, { dtype: 'float32' });
      return out;
    });
  }
}
