/**
 * BaseWeightedLoss (mmaction/models/losses/base.py): a loss whose result (or every `*loss*`
 * entry of its result dict) is multiplied by `loss_weight`.
 */
import * as torch from '../../torch/index.ts';

type Tensor = torch.Tensor;

export type LossOutput = Tensor | Record<string, Tensor>;

export abstract class BaseWeightedLoss extends torch.nn.Module {
  constructor(readonly lossWeight = 1.0) {
    super();
  }

  protected abstract compute(clsScore: Tensor, label: Tensor, extra?: Record<string, unknown>): LossOutput;

  forward(clsScore: Tensor, label: Tensor, extra: Record<string, unknown> = {}): LossOutput {
    const ret = this.compute(clsScore, label, extra);
    if (ret instanceof torch.Tensor) return this.lossWeight === 1 ? ret : ret.mul(this.lossWeight);
    const out: Record<string, Tensor> = {};
    for (const [k, v] of Object.entries(ret)) out[k] = k.includes('loss') && this.lossWeight !== 1 ? v.mul(this.lossWeight) : v;
    return out;
  }
}

export function toClassWeight(w: number[] | null | undefined): Tensor | null {
  return w ? torch.keep(torch.tensor(w, { dtype: 'float32' })) : null;
}
