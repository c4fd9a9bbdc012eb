/**
 * BaseTAPGenerator (mmaction/models/localizers/base.py): the base of temporal action proposal
 * generators (BMN). Subclasses give `forwardTrain` (a loss dict) and `forwardTest` (proposals per
 * video); the runner calls `trainStep` / `valStep` with a localization batch.
 */
import * as torch from '../../torch/index.ts';
import type { StepOutputs } from '../../runner/types.ts';
import { BaseRecognizer } from '../recognizers/base.ts';

type Tensor = torch.Tensor;

export type LocalizerLossDict = Record<string, Tensor>;

/** One localization batch as MMAction2's Collect(meta_name='video_meta') + collate give it. */
export interface LocalizationBatch {
  /** [N, feat_dim, temporal_dim]. */
  raw_feature: Tensor;
  /** Per video, its ground-truth segments [[start, end], ...] normalised to [0, 1] (training). */
  gt_bbox?: readonly (Tensor | readonly (readonly number[])[])[];
  /** Per video, its meta (video_name, duration_second, duration_frame, ...). */
  video_meta?: readonly Record<string, unknown>[];
}

export abstract class BaseTAPGenerator extends torch.nn.Module {
  /** Class names saved into checkpoint meta (proposal generators have none). */
  CLASSES: string[] | null = null;

  abstract forwardTrain(...args: any[]): LocalizerLossDict;
  abstract forwardTest(...args: any[]): unknown;

  /** _parse_losses, shared with the recognizers: means every entry, sums those named *loss*. */
  static parseLosses(losses: LocalizerLossDict): { loss: Tensor; logVars: Record<string, number> } {
    return BaseRecognizer.parseLosses(losses);
  }

  /** Test mode on one batch (MMAction2's `model(return_loss=False, **data)`): one result per video. */
  abstract testStep(batch: LocalizationBatch): unknown[];

  /** The loss dict of one batch (MMAction2's `forward(**data_batch)` with return_loss=True). */
  protected abstract lossesOf(batch: LocalizationBatch): LocalizerLossDict;

  /** train_step: losses of the batch, parsed; num_samples is the batch size. */
  trainStep(data: LocalizationBatch): StepOutputs {
    if (!(data?.raw_feature instanceof torch.Tensor)) throw new TypeError(`${this.constructor.name}.trainStep: the batch has no 'raw_feature' tensor (keys: ${Object.keys(data ?? {}).join(', ')})`);
    const losses = this.lossesOf(data);
    const { loss, logVars } = BaseTAPGenerator.parseLosses(losses);
    for (const v of Object.values(losses)) if (v !== loss) v.dispose();
    return { loss, logVars, numSamples: data.raw_feature.shape[0] };
  }
}
