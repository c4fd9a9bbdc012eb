/** NLLLoss (mmaction/models/losses/nll_loss.py): F.nll_loss on log-probabilities, times loss_weight. */
import * as torch from '../../torch/index.ts';
import { BaseWeightedLoss } from './base.ts';

type Tensor = torch.Tensor;

export interface NLLLossOptions {
  /** Default 1.0. */
  loss_weight: number;
}

export class NLLLoss extends BaseWeightedLoss {
  constructor(o: Partial<NLLLossOptions> = {}) {
    super(o.loss_weight ?? 1.0);
  }

  protected compute(clsScore: Tensor, label: Tensor, extra: Record<string, unknown> = {}): Tensor {
    return torch.F.nllLoss(clsScore, label, {
      weight: (extra.weight as Tensor | undefined) ?? null,
      ...(extra.ignore_index !== undefined ? { ignoreIndex: extra.ignore_index as number } : {}),
      ...(extra.reduction !== undefined ? { reduction: extra.reduction as torch.F.Reduction } : {}),
    });
  }
}
