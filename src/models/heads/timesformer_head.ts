/**
 * TimeSformerHead, mirroring mmaction/models/heads/timesformer_head.py: one `fc_cls` on the
 * backbone's cls token [N, embed_dims].
 */
import * as torch from '../../torch/index.ts';
import { truncNormalInit } from '../common/weight_init.ts';
import { BaseHead, BASE_HEAD_DEFAULTS, type BaseHeadOptions } from './base.ts';
import { defineEntry } from '../../config/registry.ts';
import type { Head } from '../recognizers/base.ts';

type Tensor = torch.Tensor;

export interface TimeSformerHeadOptions extends BaseHeadOptions {
  /** Std of fc_cls's truncated-normal init. Default 0.02. */
  init_std: number;
}

export const TIMESFORMER_HEAD_DEFAULTS = Object.freeze({ ...BASE_HEAD_DEFAULTS, loss_cls: { type: 'CrossEntropyLoss' }, init_std: 0.02 } as const);

export class TimeSformerHead extends BaseHead {
  readonly initStd: number;
  readonly fcCls: torch.nn.Linear;

  constructor(options: Partial<TimeSformerHeadOptions> & { num_classes: number; in_channels: number }) {
    const o = { ...structuredClone(TIMESFORMER_HEAD_DEFAULTS), ...options } as TimeSformerHeadOptions;
    super(o);
    this.initStd = o.init_std;
    this.fcCls = this.registerModule('fc_cls', new torch.nn.Linear(this.inChannels, this.numClasses));
  }

  initWeights(): void {
    truncNormalInit(this.fcCls, { std: this.initStd });
  }

  /** x: [N, embed_dims] -> scores [N, num_classes]. */
  forward(x: Tensor): Tensor {
    return this.fcCls.call(x);
  }
}


/** Registry entry (type 'TimeSformerHead'). */
export const TIMESFORMER_HEAD_ENTRY = defineEntry<TimeSformerHeadOptions, Head>({
  type: 'TimeSformerHead',
  defaults: TIMESFORMER_HEAD_DEFAULTS as unknown as Partial<TimeSformerHeadOptions>,
  required: ['num_classes', 'in_channels'],
  kinds: { topk: ['integer', 'array'] },
  build: (o) => new TimeSformerHead(o),
});
