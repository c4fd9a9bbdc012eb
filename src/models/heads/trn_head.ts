/**
 * TRNHead (Temporal Relation Network, Zhou et al., ECCV 2018), mirroring
 * mmaction/models/heads/trn_head.py: `fc_cls` projects each frame to `hidden_dim`, then a
 * relation module (`consensus`) classifies ordered frame tuples.
 *
 * TRNMultiScale picks 3 random relations per scale with numpy's `np.random.choice` on every
 * forward, in eval mode too, so MMAction2's inference is random. Here the draws come from a
 * `RelationSampler`; the default reproduces numpy's legacy global generator (`permutation(n)[:k]`)
 * on its own MT19937 state, seeded randomly unless you call `head.seedRelations(seed)` (the same
 * seed as `np.random.seed(seed)` gives the same relations) or set your own sampler.
 */
import * as torch from '../../torch/index.ts';
import { RandomState } from '../../datasets/rng.ts';
import { normalInit } from '../common/weight_init.ts';
import { BaseHead, BASE_HEAD_DEFAULTS, type BaseHeadOptions } from './base.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;

/** Picks `k` distinct relation indices out of `n` for scale number `scaleId` (np.random.choice(n, k, replace=False)). */
export type RelationSampler = (n: number, k: number, scaleId: number) => number[];

/** np.random.choice(n, k, replace=False) on a legacy RandomState: permutation(n)[:k]. */
export function numpyChoiceSampler(rs: RandomState): RelationSampler {
  return (n, k) => rs.permutation(n).slice(0, k);
}

/** itertools.combinations(range(n), r), in Python's (lexicographic) order. */
export function combinations(n: number, r: number): number[][] {
  const out: number[][] = [];
  const idx = Array.from({ length: r }, (_, i) => i);
  if (r > n) return out;
  for (;;) {
    out.push(idx.slice());
    let i = r - 1;
    while (i >= 0 && idx[i] === i + n - r) i--;
    if (i < 0) return out;
    idx[i]++;
    for (let j = i + 1; j < r; j++) idx[j] = idx[j - 1] + 1;
  }
}

/** Single-scale relation over all frames. */
export class RelationModule extends nn.Module {
  readonly classifier: torch.nn.Sequential;

  constructor(readonly hiddenDim: number, readonly numSegments: number, readonly numClasses: number) {
    super();
    const bottleneck = 512;
    this.classifier = this.registerModule('classifier', new nn.Sequential(
      new nn.ReLU(), new nn.Linear(numSegments * hiddenDim, bottleneck), new nn.ReLU(), new nn.Linear(bottleneck, numClasses)));
  }

  initWeights(): void {}

  forward(x: Tensor): Tensor {
    return torch.tidy(() => this.classifier.call(x.view(x.shape[0], -1)));
  }
}

/** Multi-scale relations: all frames, plus up to 3 sampled tuples of every smaller size down to 2. */
export class RelationModuleMultiScale extends nn.Module {
  readonly scales: number[];
  readonly relationsScales: number[][][];
  readonly subsampleScales: number[];
  readonly fcFusionScales: torch.nn.ModuleList<torch.nn.Sequential>;
  sampler: RelationSampler;
  /** The relation indices drawn by the last forward, one array per scale after the first. */
  lastDraws: number[][] = [];

  constructor(readonly hiddenDim: number, readonly numSegments: number, readonly numClasses: number, sampler?: RelationSampler) {
    super();
    this.scales = [];
    for (let s = numSegments; s > 1; s--) this.scales.push(s);
    const maxSubsample = 3;
    this.relationsScales = this.scales.map((s) => combinations(numSegments, s));
    this.subsampleScales = this.relationsScales.map((r) => Math.min(maxSubsample, r.length));
    if (this.relationsScales[0]?.length !== 1) throw new RangeError(`TRNMultiScale needs num_segments >= 2, got ${numSegments}`);
    const bottleneck = 256;
    this.fcFusionScales = this.registerModule('fc_fusion_scales', new nn.ModuleList(this.scales.map((s) => new nn.Sequential(
      new nn.ReLU(), new nn.Linear(s * hiddenDim, bottleneck), new nn.ReLU(), new nn.Linear(bottleneck, numClasses)))));
    this.sampler = sampler ?? numpyChoiceSampler(new RandomState(Math.floor(Math.random() * 0x100000000)));
  }

  initWeights(): void {}

  /** x: [N, T, hidden] -> [N, num_classes]. */
  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      const n = x.shape[0];
      const pick = (rel: number[]) => x.indexSelect(1, torch.tensor(rel, { dtype: 'int64' })); // [N, s, hidden]
      let actAll = this.fcFusionScales.at(0).call(pick(this.relationsScales[0][0]).view(n, this.scales[0] * this.hiddenDim));
      const draws: number[][] = [];
      for (let sid = 1; sid < this.scales.length; sid++) {
        const idx = this.sampler(this.relationsScales[sid].length, this.subsampleScales[sid], sid);
        draws.push(idx);
        for (const i of idx) {
          const rel = this.relationsScales[sid][i];
          if (!rel) throw new RangeError(`relation sampler returned index ${i}, but scale ${this.scales[sid]} has ${this.relationsScales[sid].length} relations`);
          const act = this.fcFusionScales.at(sid).call(pick(rel).view(n, this.scales[sid] * this.hiddenDim));
          actAll = actAll.add(act);
        }
      }
      this.lastDraws = draws;
      return actAll;
    });
  }
}

export interface TRNHeadOptions extends BaseHeadOptions {
  /** Default 8. */
  num_segments: number;
  /** Default 'avg'. */
  spatial_type: 'avg' | null;
  /** 'TRNMultiScale' (default) or 'TRN'. */
  relation_type: 'TRN' | 'TRNMultiScale';
  /** Default 256. */
  hidden_dim: number;
  /** Default 0.8. */
  dropout_ratio: number;
  /** Default 0.001. */
  init_std: number;
}

export const TRN_HEAD_DEFAULTS = Object.freeze({
  ...BASE_HEAD_DEFAULTS, loss_cls: { type: 'CrossEntropyLoss' }, num_segments: 8, spatial_type: 'avg',
  relation_type: 'TRNMultiScale', hidden_dim: 256, dropout_ratio: 0.8, init_std: 0.001,
} as const);

export class TRNHead extends BaseHead {
  readonly o: TRNHeadOptions;
  readonly consensus: RelationModule | RelationModuleMultiScale;
  readonly fcCls: torch.nn.Linear;

  constructor(options: Partial<TRNHeadOptions> & { num_classes: number; in_channels: number }) {
    const o = { ...structuredClone(TRN_HEAD_DEFAULTS), ...options } as TRNHeadOptions;
    super(o);
    this.o = o;
    if (o.relation_type === 'TRN') this.consensus = new RelationModule(o.hidden_dim, o.num_segments, this.numClasses);
    else if (o.relation_type === 'TRNMultiScale') this.consensus = new RelationModuleMultiScale(o.hidden_dim, o.num_segments, this.numClasses);
    else throw new TypeError(`Unknown Relation Type ${o.relation_type as string}!`);
    this.registerModule('consensus', this.consensus);
    this.registerModule('dropout', o.dropout_ratio !== 0 ? new nn.Dropout(o.dropout_ratio) : null);
    this.fcCls = this.registerModule('fc_cls', new nn.Linear(this.inChannels, o.hidden_dim));
    this.registerModule('avg_pool', o.spatial_type === 'avg' ? new nn.AdaptiveAvgPool2d(1) : null);
  }

  /** Uses `sampler` for TRNMultiScale's relation draws. */
  setRelationSampler(sampler: RelationSampler): void {
    if (this.consensus instanceof RelationModuleMultiScale) this.consensus.sampler = sampler;
  }

  /** Like `np.random.seed(seed)` before MMAction2's forward: the same relations as Python draws. */
  seedRelations(seed: number): void {
    this.setRelationSampler(numpyChoiceSampler(new RandomState(seed)));
  }

  initWeights(): void {
    normalInit(this.fcCls, { std: this.o.init_std });
    this.consensus.initWeights();
  }

  /** x: [N*num_segs, C, H, W] -> [N, num_classes]. */
  forward(x: Tensor, _numSegs?: number): Tensor {
    return torch.tidy(() => {
      const pool = this.getModule('avg_pool');
      let y = pool ? pool.call(x) : x;
      y = y.flatten(1); // [N*T, C]
      const dropout = this.getModule('dropout');
      if (dropout) y = dropout.call(y);
      let score = this.fcCls.call(y); // [N*T, hidden]
      score = score.view([-1, this.o.num_segments, ...score.shape.slice(1)]); // [N, T, hidden]
      return this.consensus.call(score);
    });
  }
}
