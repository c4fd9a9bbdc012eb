/** AudioTSNHead (mmaction/models/heads/audio_tsn_head.py): average pool, dropout, `fc_cls`, per clip. */
import * as torch from '../../torch/index.ts';
import { normalInit } from '../common/weight_init.ts';
import { BaseHead, BASE_HEAD_DEFAULTS, type BaseHeadOptions } from './base.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;

export interface AudioTSNHeadOptions extends BaseHeadOptions {
  /** Default 'avg'. */
  spatial_type: 'avg' | null;
  /** Default 0.4. */
  dropout_ratio: number;
  /** Default 0.01. */
  init_std: number;
}

export const AUDIO_TSN_HEAD_DEFAULTS = Object.freeze({
  ...BASE_HEAD_DEFAULTS, loss_cls: { type: 'CrossEntropyLoss' }, spatial_type: 'avg', dropout_ratio: 0.4, init_std: 0.01,
} as const);

export class AudioTSNHead extends BaseHead {
  readonly initStd: number;
  readonly fcCls: torch.nn.Linear;

  constructor(options: Partial<AudioTSNHeadOptions> & { num_classes: number; in_channels: number }) {
    const o = { ...structuredClone(AUDIO_TSN_HEAD_DEFAULTS), ...options } as AudioTSNHeadOptions;
    super(o);
    this.initStd = o.init_std;
    this.registerModule('avg_pool', o.spatial_type === 'avg' ? new nn.AdaptiveAvgPool2d([1, 1]) : null);
    this.registerModule('dropout', o.dropout_ratio !== 0 ? new nn.Dropout(o.dropout_ratio) : null);
    this.fcCls = this.registerModule('fc_cls', new nn.Linear(this.inChannels, this.numClasses));
  }

  initWeights(): void {
    normalInit(this.fcCls, { std: this.initStd });
  }

  /** x: [N*clips, C, H, W] -> [N*clips, num_classes]. */
  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      const pool = this.getModule('avg_pool');
      if (!pool) throw new Error("AudioTSNHead: spatial_type must be 'avg' (MMAction2 calls avg_pool unconditionally)");
      let y = pool.call(x);
      y = y.view(y.shape[0], -1); // [N*clips, C]
      const dropout = this.getModule('dropout');
      if (dropout) y = dropout.call(y);
      return this.fcCls.call(y);
    });
  }
}
