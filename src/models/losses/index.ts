/** Losses of action recognition, keyed by MMAction2's type names. */
import { Registry, defineEntry } from '../../config/registry.ts';
import type { BaseWeightedLoss } from './base.ts';
import { BCELossWithLogits, CrossEntropyLoss, CROSS_ENTROPY_LOSS_DEFAULTS, type CrossEntropyLossOptions } from './cross_entropy_loss.ts';
import { HVULoss, HVU_LOSS_DEFAULTS, type HVULossOptions } from './hvu_loss.ts';
import { NLLLoss, type NLLLossOptions } from './nll_loss.ts';

export { BaseWeightedLoss } from './base.ts';
export type { LossOutput } from './base.ts';
export { CrossEntropyLoss, BCELossWithLogits, HVULoss, NLLLoss };
export type { CrossEntropyLossOptions, HVULossOptions, NLLLossOptions };

export interface LossCfg {
  type: string;
  [option: string]: unknown;
}

export const LOSSES = new Registry<BaseWeightedLoss>('loss', [
  defineEntry<CrossEntropyLossOptions, BaseWeightedLoss>({
    type: 'CrossEntropyLoss', defaults: CROSS_ENTROPY_LOSS_DEFAULTS, kinds: { class_weight: ['array', 'null'] },
    doc: 'Cross entropy with hard or soft labels (mmaction/models/losses/cross_entropy_loss.py)',
    build: (o) => new CrossEntropyLoss(o),
  }),
  defineEntry<CrossEntropyLossOptions, BaseWeightedLoss>({
    type: 'BCELossWithLogits', defaults: CROSS_ENTROPY_LOSS_DEFAULTS, kinds: { class_weight: ['array', 'null'] },
    doc: 'Binary cross entropy on logits, for multi-label targets',
    build: (o) => new BCELossWithLogits(o),
  }),
  defineEntry<NLLLossOptions, BaseWeightedLoss>({
    type: 'NLLLoss', defaults: { loss_weight: 1.0 }, doc: 'Negative log-likelihood on log-probabilities',
    build: (o) => new NLLLoss(o),
  }),
  defineEntry<HVULossOptions, BaseWeightedLoss>({
    type: 'HVULoss', defaults: HVU_LOSS_DEFAULTS as unknown as Partial<HVULossOptions>, choices: { loss_type: ['all', 'individual'], reduction: ['mean', 'sum'] },
    doc: 'Multi-label BCE over the HVU tag categories',
    build: (o) => new HVULoss(o),
  }),
]);

/** build_loss(cfg). */
export function buildLossFromCfg(cfg: LossCfg, path = 'loss'): BaseWeightedLoss {
  return LOSSES.build(cfg, path);
}
