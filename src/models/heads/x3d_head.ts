/**
 * X3DHead (Feichtenhofer, CVPR 2020), mirroring mmaction/models/heads/x3d_head.py:
 * pool -> fc1 (2048, no bias by default) -> ReLU -> dropout -> fc2.
 */
import * as torch from '../../torch/index.ts';
import { normalInit } from '../common/weight_init.ts';
import { BaseHead, BASE_HEAD_DEFAULTS, type BaseHeadOptions } from './base.ts';
import { defineEntry } from '../../config/registry.ts';
import type { Head } from '../recognizers/base.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;

export interface X3DHeadOptions extends Pick<BaseHeadOptions, 'num_classes' | 'in_channels' | 'loss_cls'> {
  /** 'avg' (default) or 'max'. */
  spatial_type: 'avg' | 'max';
  /** Default 0.5. */
  dropout_ratio: number;
  /** Default 0.01. */
  init_std: number;
  /** Bias on fc1. Default false. */
  fc1_bias: boolean;
}

export const X3D_HEAD_DEFAULTS = Object.freeze({
  loss_cls: { type: 'CrossEntropyLoss' }, spatial_type: 'avg', dropout_ratio: 0.5, init_std: 0.01, fc1_bias: false,
} as const);

export class X3DHead extends BaseHead {
  readonly midChannels = 2048;
  readonly dropoutRatio: number;
  readonly initStd: number;
  readonly fc1: torch.nn.Linear;
  readonly fc2: torch.nn.Linear;

  constructor(options: Partial<X3DHeadOptions> & { num_classes: number; in_channels: number }) {
    const o = { ...structuredClone(X3D_HEAD_DEFAULTS), ...options } as X3DHeadOptions;
    // X3DHead passes only (num_classes, in_channels, loss_cls) on: BaseHead's other options keep their defaults.
    super({ topk: [1, 5], num_classes: o.num_classes, in_channels: o.in_channels, loss_cls: o.loss_cls });
    if (o.spatial_type !== 'avg' && o.spatial_type !== 'max') throw new TypeError(`X3DHead: spatial_type must be 'avg' or 'max', got '${o.spatial_type}'`);
    this.dropoutRatio = o.dropout_ratio;
    this.initStd = o.init_std;
    this.registerModule('dropout', o.dropout_ratio !== 0 ? new nn.Dropout(o.dropout_ratio) : null);
    this.fc1 = this.registerModule('fc1', new nn.Linear(this.inChannels, 2048, { bias: o.fc1_bias }));
    this.fc2 = this.registerModule('fc2', new nn.Linear(2048, this.numClasses));
    this.registerModule('relu', new nn.ReLU());
    this.registerModule('pool', o.spatial_type === 'avg' ? new nn.AdaptiveAvgPool3d([1, 1, 1]) : new nn.AdaptiveMaxPool3d([1, 1, 1]));
  }

  initWeights(): void {
    normalInit(this.fc1, { std: this.initStd });
    normalInit(this.fc2, { std: this.initStd });
  }

  /** x: [N, C, T, H, W] -> scores [N, num_classes]. */
  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      let y = this.getModule('pool')!.call(x) as Tensor; // [N, C, 1, 1, 1]
      y = y.view(y.shape[0], -1); // [N, C]
      y = this.getModule('relu')!.call(this.fc1.call(y));
      const dropout = this.getModule('dropout');
      if (dropout) y = dropout.call(y);
      return this.fc2.call(y);
    });
  }
}


/** Registry entry (type 'X3DHead'). */
export const X3D_HEAD_ENTRY = defineEntry<X3DHeadOptions, Head>({
  type: 'X3DHead',
  defaults: X3D_HEAD_DEFAULTS as unknown as Partial<X3DHeadOptions>,
  required: ['num_classes', 'in_channels'],
  choices: { spatial_type: ['avg', 'max'] },
  build: (o) => new X3DHead(o),
});
