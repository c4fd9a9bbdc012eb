/**
 * SlowFastHead (Feichtenhofer et al., ICCV 2019), mirroring mmaction/models/heads/slowfast_head.py:
 * pools both pathways, concatenates [slow, fast] channels, dropout, `fc_cls`.
 */
import * as torch from '../../torch/index.ts';
import { normalInit } from '../common/weight_init.ts';
import { BaseHead, BASE_HEAD_DEFAULTS, type BaseHeadOptions } from './base.ts';
import { defineEntry } from '../../config/registry.ts';
import type { Head } from '../recognizers/base.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;

export interface SlowFastHeadOptions extends BaseHeadOptions {
  /** 'avg' (default); MMAction2's forward needs the pool, so null fails there too. */
  spatial_type: 'avg' | null;
  /** Default 0.8. */
  dropout_ratio: number;
  /** Default 0.01. */
  init_std: number;
}

export const SLOWFAST_HEAD_DEFAULTS = Object.freeze({
  ...BASE_HEAD_DEFAULTS, loss_cls: { type: 'CrossEntropyLoss' }, spatial_type: 'avg', dropout_ratio: 0.8, init_std: 0.01,
} as const);

export class SlowFastHead extends BaseHead {
  readonly dropoutRatio: number;
  readonly initStd: number;
  readonly fcCls: torch.nn.Linear;

  constructor(options: Partial<SlowFastHeadOptions> & { num_classes: number; in_channels: number }) {
    const o = { ...structuredClone(SLOWFAST_HEAD_DEFAULTS), ...options } as SlowFastHeadOptions;
    super(o);
    this.dropoutRatio = o.dropout_ratio;
    this.initStd = o.init_std;
    this.registerModule('dropout', o.dropout_ratio !== 0 ? new nn.Dropout(o.dropout_ratio) : null);
    this.fcCls = this.registerModule('fc_cls', new nn.Linear(this.inChannels, this.numClasses));
    this.registerModule('avg_pool', o.spatial_type === 'avg' ? new nn.AdaptiveAvgPool3d([1, 1, 1]) : null);
  }

  initWeights(): void {
    normalInit(this.fcCls, { std: this.initStd });
  }

  /**
   * x: the backbone's (x_slow, x_fast). MMAction2 unpacks it as `x_fast, x_slow = x` and
   * concatenates (x_slow, x_fast), so the result is [fast, slow] channels: kept for weight compatibility.
   */
  forward(x: [Tensor, Tensor]): Tensor {
    if (!Array.isArray(x) || x.length !== 2) throw new TypeError('SlowFastHead: expected the two pathway features (x_slow, x_fast)');
    const pool = this.getModule('avg_pool');
    if (!pool) throw new Error("SlowFastHead: spatial_type must be 'avg' (MMAction2's forward always pools)");
    return torch.tidy(() => {
      const [first, second] = x;
      let y = torch.cat([pool.call(second) as Tensor, pool.call(first) as Tensor], 1); // [N, C_fast + C_slow, 1, 1, 1]
      const dropout = this.getModule('dropout');
      if (dropout) y = dropout.call(y);
      y = y.view(y.shape[0], -1); // [N, C]
      return this.fcCls.call(y);
    });
  }
}


/** Registry entry (type 'SlowFastHead'). */
export const SLOWFAST_HEAD_ENTRY = defineEntry<SlowFastHeadOptions, Head>({
  type: 'SlowFastHead',
  defaults: SLOWFAST_HEAD_DEFAULTS as unknown as Partial<SlowFastHeadOptions>,
  required: ['num_classes', 'in_channels'],
  kinds: { spatial_type: ['string', 'null'], topk: ['integer', 'array'] },
  choices: { spatial_type: ['avg', null] },
  build: (o) => new SlowFastHead(o),
});
