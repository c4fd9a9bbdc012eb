/**
 * I3DHead (Carreira and Zisserman, CVPR 2017), mirroring mmaction/models/heads/i3d_head.py:
 * 3D average pool to 1x1x1, dropout, `fc_cls`. Also the head of SlowOnly, R(2+1)D, CSN and PoseC3D.
 */
import * as torch from '../../torch/index.ts';
import { normalInit } from '../common/weight_init.ts';
import { BaseHead, BASE_HEAD_DEFAULTS, type BaseHeadOptions } from './base.ts';
import { defineEntry } from '../../config/registry.ts';
import type { Head } from '../recognizers/base.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;

export interface I3DHeadOptions extends BaseHeadOptions {
  /** 'avg' (default) or null (the input is already pooled). */
  spatial_type: 'avg' | null;
  /** Default 0.5. */
  dropout_ratio: number;
  /** Std of fc_cls's normal init. Default 0.01. */
  init_std: number;
}

export const I3D_HEAD_DEFAULTS = Object.freeze({
  ...BASE_HEAD_DEFAULTS, loss_cls: { type: 'CrossEntropyLoss' }, spatial_type: 'avg', dropout_ratio: 0.5, init_std: 0.01,
} as const);

export class I3DHead extends BaseHead {
  readonly spatialType: 'avg' | null;
  readonly dropoutRatio: number;
  readonly initStd: number;
  readonly fcCls: torch.nn.Linear;

  constructor(options: Partial<I3DHeadOptions> & { num_classes: number; in_channels: number }) {
    const o = { ...structuredClone(I3D_HEAD_DEFAULTS), ...options } as I3DHeadOptions;
    super(o);
    this.spatialType = o.spatial_type;
    this.dropoutRatio = o.dropout_ratio;
    this.initStd = o.init_std;
    this.registerModule('dropout', o.dropout_ratio !== 0 ? new nn.Dropout(o.dropout_ratio) : null);
    this.fcCls = this.registerModule('fc_cls', new nn.Linear(this.inChannels, this.numClasses));
    this.registerModule('avg_pool', o.spatial_type === 'avg' ? new nn.AdaptiveAvgPool3d([1, 1, 1]) : null);
  }

  initWeights(): void {
    normalInit(this.fcCls, { std: this.initStd });
  }

  /** x: [N, C, T, H, W] -> scores [N, num_classes]. */
  forward(x: Tensor): Tensor {
    if (Array.isArray(x)) throw new TypeError(`I3DHead: got a tuple of ${(x as Tensor[]).length} features; set the backbone's out_indices to one stage`);
    return torch.tidy(() => {
      const pool = this.getModule('avg_pool');
      let y = pool ? pool.call(x) as Tensor : x; // [N, C, 1, 1, 1]
      const dropout = this.getModule('dropout');
      if (dropout) y = dropout.call(y);
      y = y.view(y.shape[0], -1); // [N, C]
      return this.fcCls.call(y);
    });
  }
}


/** Registry entry (type 'I3DHead'). */
export const I3D_HEAD_ENTRY = defineEntry<I3DHeadOptions, Head>({
  type: 'I3DHead',
  defaults: I3D_HEAD_DEFAULTS as unknown as Partial<I3DHeadOptions>,
  required: ['num_classes', 'in_channels'],
  kinds: { spatial_type: ['string', 'null'], topk: ['integer', 'array'] },
  choices: { spatial_type: ['avg', null] },
  build: (o) => new I3DHead(o),
});
