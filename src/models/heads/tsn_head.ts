/**
 * TSNHead (Wang et al., ECCV 2016), mirroring mmaction/models/heads/tsn_head.py: spatial
 * average pool, consensus over segments, dropout, `fc_cls`.
 */
import * as torch from '../../torch/index.ts';
import { normalInit } from '../common/weight_init.ts';
import { BaseHead, BASE_HEAD_DEFAULTS, buildConsensus, type AvgConsensus, type BaseHeadOptions, type ConsensusCfg } from './base.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;

export interface TSNHeadOptions extends BaseHeadOptions {
  /** 'avg' (default) or null (no pooling: the input is already [N*T, C] or [N*T, C, 1, 1]). */
  spatial_type: 'avg' | null;
  /** Default {type: 'AvgConsensus', dim: 1}. */
  consensus: ConsensusCfg;
  /** Default 0.4. */
  dropout_ratio: number;
  /** Std of fc_cls's normal init. Default 0.01. */
  init_std: number;
}

export const TSN_HEAD_DEFAULTS = Object.freeze({
  ...BASE_HEAD_DEFAULTS, loss_cls: { type: 'CrossEntropyLoss' }, spatial_type: 'avg',
  consensus: { type: 'AvgConsensus', dim: 1 }, dropout_ratio: 0.4, init_std: 0.01,
} as const);

export class TSNHead extends BaseHead {
  readonly spatialType: 'avg' | null;
  readonly dropoutRatio: number;
  readonly initStd: number;
  readonly consensus: AvgConsensus | null;
  readonly fcCls: torch.nn.Linear;

  constructor(options: Partial<TSNHeadOptions> & { num_classes: number; in_channels: number }) {
    const o = { ...structuredClone(TSN_HEAD_DEFAULTS), ...options } as TSNHeadOptions;
    super(o);
    this.spatialType = o.spatial_type;
    this.dropoutRatio = o.dropout_ratio;
    this.initStd = o.init_std;
    this.consensus = this.registerModule('consensus', buildConsensus(o.consensus));
    this.registerModule('avg_pool', o.spatial_type === 'avg' ? new nn.AdaptiveAvgPool2d([1, 1]) : null);
    this.registerModule('dropout', o.dropout_ratio !== 0 ? new nn.Dropout(o.dropout_ratio) : null);
    this.fcCls = this.registerModule('fc_cls', new nn.Linear(this.inChannels, this.numClasses));
  }

  initWeights(): void {
    normalInit(this.fcCls, { std: this.initStd });
  }

  /** x: [N*num_segs, C, H, W] -> scores [N, num_classes]. */
  forward(x: Tensor | Tensor[], numSegs: number): Tensor {
    if (Array.isArray(x)) throw new TypeError(`TSNHead: got a tuple of ${x.length} features; set the backbone's out_indices to one stage`);
    return torch.tidy(() => {
      const pool = this.getModule('avg_pool');
      let y = pool ? pool.call(x) : x; // [N*T, C, 1, 1]
      y = y.reshape([-1, numSegs, ...y.shape.slice(1)]); // [N, T, C, 1, 1]
      if (!this.consensus) throw new Error('TSNHead: consensus type is not AvgConsensus (MMAction2 builds none and fails here too)');
      y = this.consensus.call(y).squeeze(1); // [N, C, 1, 1]
      const dropout = this.getModule('dropout');
      if (dropout) y = dropout.call(y);
      y = y.view(y.shape[0], -1); // [N, C]
      return this.fcCls.call(y);
    });
  }
}
