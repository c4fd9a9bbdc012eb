/**
 * TSMHead, mirroring mmaction/models/heads/tsm_head.py: per-frame spatial pool, dropout and
 * `fc_cls`, then the consensus over segments (halved when the backbone pools time).
 */
import * as torch from '../../torch/index.ts';
import { normalInit } from '../common/weight_init.ts';
import { BaseHead, BASE_HEAD_DEFAULTS, buildConsensus, type AvgConsensus, type BaseHeadOptions, type ConsensusCfg } from './base.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;

export interface TSMHeadOptions extends BaseHeadOptions {
  /** Default 8. */
  num_segments: number;
  /** Default 'avg'. */
  spatial_type: 'avg' | null;
  /** Default {type: 'AvgConsensus', dim: 1}. */
  consensus: ConsensusCfg;
  /** Default 0.8. */
  dropout_ratio: number;
  /** Default 0.001. */
  init_std: number;
  /** Default true. */
  is_shift: boolean;
  /** Default false. */
  temporal_pool: boolean;
}

export const TSM_HEAD_DEFAULTS = Object.freeze({
  ...BASE_HEAD_DEFAULTS, loss_cls: { type: 'CrossEntropyLoss' }, num_segments: 8, spatial_type: 'avg',
  consensus: { type: 'AvgConsensus', dim: 1 }, dropout_ratio: 0.8, init_std: 0.001, is_shift: true, temporal_pool: false,
} as const);

export class TSMHead extends BaseHead {
  readonly o: TSMHeadOptions;
  readonly consensus: AvgConsensus | null;
  readonly fcCls: torch.nn.Linear;

  constructor(options: Partial<TSMHeadOptions> & { num_classes: number; in_channels: number }) {
    const o = { ...structuredClone(TSM_HEAD_DEFAULTS), ...options } as TSMHeadOptions;
    super(o);
    this.o = o;
    this.consensus = this.registerModule('consensus', buildConsensus(o.consensus));
    this.registerModule('dropout', o.dropout_ratio !== 0 ? new nn.Dropout(o.dropout_ratio) : null);
    this.fcCls = this.registerModule('fc_cls', new nn.Linear(this.inChannels, this.numClasses));
    this.registerModule('avg_pool', o.spatial_type === 'avg' ? new nn.AdaptiveAvgPool2d(1) : null);
  }

  initWeights(): void {
    normalInit(this.fcCls, { std: this.o.init_std });
  }

  /** x: [N*num_segs, C, H, W] -> [N, num_classes]. `numSegs` is unused, as in MMAction2 (num_segments rules). */
  forward(x: Tensor, _numSegs?: number): Tensor {
    return torch.tidy(() => {
      const pool = this.getModule('avg_pool');
      let y = pool ? pool.call(x) : x;
      y = y.flatten(1); // [N*T, C]
      const dropout = this.getModule('dropout');
      if (dropout) y = dropout.call(y);
      let score = this.fcCls.call(y); // [N*T, K]
      const t = this.o.is_shift && this.o.temporal_pool ? Math.floor(this.o.num_segments / 2) : this.o.num_segments;
      score = score.view([-1, t, ...score.shape.slice(1)]); // [N, T, K]
      if (!this.consensus) throw new Error('TSMHead: consensus type is not AvgConsensus (MMAction2 builds none and fails here too)');
      return this.consensus.call(score).squeeze(1); // [N, K]
    });
  }
}
