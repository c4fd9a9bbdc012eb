/**
 * STGCNHead, mirroring mmaction/models/heads/stgcn_head.py: global average (or max) pool over
 * time and joints, mean over the `num_person` people of a sample, then a 1x1 conv `fc`
 * (a Conv2d, so checkpoints hold `cls_head.fc.weight` [num_classes, in_channels, 1, 1]).
 */
import * as torch from '../../torch/index.ts';
import { defineEntry } from '../../config/registry.ts';
import { normalInit } from '../common/weight_init.ts';
import { LOSSES } from '../losses/index.ts';
import type { Head } from '../recognizers/base.ts';
import { BaseHead, BASE_HEAD_DEFAULTS, type BaseHeadOptions } from './base.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;

export interface STGCNHeadOptions extends BaseHeadOptions {
  /** 'avg' (default) or 'max' pooling over [T, V]. */
  spatial_type: 'avg' | 'max';
  /** People per sample, averaged after pooling (the backbone's M). Default 2. */
  num_person: number;
  /** Std of fc's normal init. Default 0.01. */
  init_std: number;
}

export const STGCN_HEAD_DEFAULTS = Object.freeze({
  ...BASE_HEAD_DEFAULTS, loss_cls: { type: 'CrossEntropyLoss' }, spatial_type: 'avg', num_person: 2, init_std: 0.01,
} as const);

export class STGCNHead extends BaseHead {
  readonly spatialType: 'avg' | 'max';
  readonly numPerson: number;
  readonly initStd: number;
  readonly pool: torch.nn.Module;
  readonly fc: torch.nn.Conv2d;

  constructor(options: Partial<STGCNHeadOptions> & { num_classes: number; in_channels: number }) {
    const o = { ...structuredClone(STGCN_HEAD_DEFAULTS), ...options } as STGCNHeadOptions;
    super(o);
    if (o.spatial_type !== 'avg' && o.spatial_type !== 'max') throw new RangeError(`STGCNHead: spatial_type must be 'avg' or 'max', got ${JSON.stringify(o.spatial_type)}`);
    if (!(Number.isInteger(o.num_person) && o.num_person > 0)) throw new RangeError(`STGCNHead: num_person must be a positive integer, got ${o.num_person}`);
    this.spatialType = o.spatial_type;
    this.numPerson = o.num_person;
    this.initStd = o.init_std;
    this.pool = this.registerModule('pool', o.spatial_type === 'avg' ? new nn.AdaptiveAvgPool2d([1, 1]) : new nn.AdaptiveMaxPool2d([1, 1]));
    this.fc = this.registerModule('fc', new nn.Conv2d(this.inChannels, this.numClasses, 1));
  }

  initWeights(): void {
    normalInit(this.fc, { std: this.initStd });
  }

  /** x: [N*M, C, T, V] -> scores [N, num_classes]. */
  forward(x: Tensor): Tensor {
    if (Array.isArray(x) || x.ndim !== 4) throw new TypeError(`STGCNHead: expected one [N*M, C, T, V] feature map, got ${Array.isArray(x) ? `a tuple of ${(x as Tensor[]).length}` : `shape [${x.shape.join(', ')}]`}`);
    const nm = x.shape[0]!;
    if (nm % this.numPerson !== 0) throw new RangeError(`STGCNHead: ${nm} feature maps is not a multiple of num_person=${this.numPerson}`);
    return torch.tidy(() => {
      const pooled = this.pool.call(x) as Tensor; // [N*M, C, 1, 1]
      const y = pooled.view(nm / this.numPerson, this.numPerson, -1, 1, 1).mean(1); // [N, C, 1, 1]
      const scores = this.fc.call(y); // [N, K, 1, 1]
      return scores.view(scores.shape[0]!, -1); // [N, K]
    });
  }
}

/** Registry entry (type 'STGCNHead'). */
export const STGCN_HEAD_ENTRY = defineEntry<STGCNHeadOptions, Head>({
  type: 'STGCNHead',
  doc: 'ST-GCN classification head: pool, mean over people, 1x1 conv fc (mmaction/models/heads/stgcn_head.py)',
  defaults: STGCN_HEAD_DEFAULTS as unknown as Partial<STGCNHeadOptions>,
  required: ['num_classes', 'in_channels'],
  kinds: { num_classes: 'integer', in_channels: 'integer', num_person: 'integer', topk: ['integer', 'array'] },
  choices: { spatial_type: ['avg', 'max'] },
  build: (o, ctx) => {
    if (o.loss_cls) LOSSES.check(o.loss_cls, `${ctx.path}.loss_cls`);
    return new STGCNHead(o) as BaseHead as Head;
  },
});
