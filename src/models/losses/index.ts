/** Losses of action recognition, keyed by MMAction2's type names. */
import { Registry, defineEntry } from '../../config/registry.ts';
import { BaseWeightedLoss } from './base.ts';
import { BCELossWithLogits, CrossEntropyLoss, CROSS_ENTROPY_LOSS_DEFAULTS, type CrossEntropyLossOptions } from './cross_entropy_loss.ts';
import { HVULoss, HVU_LOSS_DEFAULTS, type HVULossOptions } from './hvu_loss.ts';
import { NLLLoss, type NLLLossOptions } from './nll_loss.ts';
import { BinaryLogisticRegressionLoss, BMNLoss, binaryLogisticRegressionLoss, type BMNLossOptions } from './bmn_loss.ts';

export { BaseWeightedLoss } from './base.ts';
export type { LossOutput } from './base.ts';
export { CrossEntropyLoss, BCELossWithLogits, HVULoss, NLLLoss, BMNLoss, BinaryLogisticRegressionLoss, binaryLogisticRegressionLoss };
export type { CrossEntropyLossOptions, HVULossOptions, NLLLossOptions, BMNLossOptions };

/**
 * What the loss registry builds: weighted classification losses (heads' `loss_cls`) and the
 * localizer losses, which take their own arguments (BMN's maps and labels).
 */
export type AnyLoss = BaseWeightedLoss | BMNLoss | BinaryLogisticRegressionLoss;

export interface LossCfg {
  type: string;
  [option: string]: unknown;
}

export const LOSSES = new Registry<AnyLoss>('loss', [
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
  defineEntry<BMNLossOptions, AnyLoss>({
    type: 'BMNLoss', defaults: {}, doc: 'Boundary-Matching Network loss: tem + pem reg + pem cls (mmaction/models/losses/bmn_loss.py)',
    build: () => new BMNLoss(),
  }),
  defineEntry<BMNLossOptions, AnyLoss>({
    type: 'BinaryLogisticRegressionLoss', defaults: {}, doc: 'Class-balanced binary logistic regression (mmaction/models/losses/binary_logistic_regression_loss.py)',
    build: () => new BinaryLogisticRegressionLoss(),
  }),
]);

/** build_loss(cfg) for a classification head or neck: the loss must be a weighted classification loss. */
export function buildLossFromCfg(cfg: LossCfg, path = 'loss'): BaseWeightedLoss {
  const loss = LOSSES.build(cfg, path);
  if (!(loss instanceof BaseWeightedLoss)) {
    throw new TypeError(`${path}: ${cfg.type} is a localizer loss and cannot score classes; use a classification loss (CrossEntropyLoss, BCELossWithLogits, NLLLoss, HVULoss)`);
  }
  return loss;
}
