/**
 * ST-GCN ("Spatial Temporal Graph Convolutional Networks for Skeleton-Based Action
 * Recognition", Yan et al., AAAI 2018), mirroring mmaction/models/backbones/stgcn.py:
 * a BatchNorm over the raw joint coordinates (`data_bn`), then ten `STGCNBlock`s (64, 64, 64,
 * 64, 128↓2, 128, 128, 256↓2, 256, 256 channels), each a graph convolution over the joints
 * (`gcn`) followed by a 9x1 temporal convolution (`tcn`) and a residual. The skeleton graph's
 * adjacency is the buffer `A` [K, V, V]; with `edge_importance_weighting` every block multiplies
 * it by its own learnable mask `edge_importance.<i>` [K, V, V].
 *
 *   x [N, C, T, V, M] -> data_bn over (V*C) per person -> [N*M, C, T, V]
 *     -> block_i(x, A * edge_importance_i), i = 0..9 -> [N*M, 256, T/4, V]
 */
import * as torch from '../../torch/index.ts';
import { defineEntry } from '../../config/registry.ts';
import { constantInit, kaimingInit, normalInit } from '../common/weight_init.ts';
import { loadPretrained } from '../pretrained.ts';
import type { Backbone } from '../recognizers/base.ts';
import { Graph, type GraphCfg } from '../skeleton/graph.ts';

const { nn } = torch;
type Tensor = torch.Tensor;
type Module = torch.nn.Module;

/**
 * ConvTemporalGraphical: a 1x1 convolution to K * out_channels channels, then, for each of the K
 * partitions, a sum over the neighbouring joints weighted by A[k]:
 * [N, C, T, V] -> conv -> [N, K, C', T, V] -> einsum('nkctv,kvw->nctw', A) -> [N, C', T, V].
 */
export class ConvTemporalGraphical extends nn.Module {
  readonly conv: torch.nn.Conv2d;

  constructor(inChannels: number, outChannels: number, readonly kernelSize: number,
    { tKernelSize = 1, tStride = 1, tPadding = 0, tDilation = 1, bias = true } = {}) {
    super();
    this.conv = this.registerModule('conv', new nn.Conv2d(inChannels, outChannels * kernelSize, [tKernelSize, 1], {
      padding: [tPadding, 0], stride: [tStride, 1], dilation: [tDilation, 1], bias,
    }));
  }

  forward(x: Tensor, adj: Tensor): Tensor {
    if (adj.shape[0] !== this.kernelSize) throw new RangeError(`ConvTemporalGraphical: the adjacency has ${adj.shape[0]} partitions, the layer was built for ${this.kernelSize}`);
    return torch.tidy(() => {
      const y = this.conv.call(x); // [N, K*C', T, V]
      const [n, kc, t, v] = y.shape as [number, number, number, number];
      const parts = y.view(n, this.kernelSize, kc / this.kernelSize, t, v); // [N, K, C', T, V]
      return torch.einsum('nkctv,kvw->nctw', parts, adj).contiguous(); // [N, C', T, V]
    });
  }
}

/**
 * STGCNBlock: `gcn` (graph conv), `tcn` = BN, ReLU, Conv(k_t x 1, stride), BN, Dropout, plus a
 * residual (none, identity, or a strided 1x1 Conv + BN when the shape changes), then ReLU.
 * [N, C_in, T, V] -> [N, C_out, T/stride, V].
 */
export class STGCNBlock extends nn.Module {
  readonly gcn: ConvTemporalGraphical;
  readonly tcn: torch.nn.Sequential;
  /** 'zero' (residual=false), 'identity', or the projection module (`residual.0` conv, `residual.1` BN). */
  readonly residualKind: 'zero' | 'identity' | 'conv';

  constructor(inChannels: number, outChannels: number, kernelSize: [number, number], stride = 1, { dropout = 0, residual = true } = {}) {
    super();
    const [kt, ks] = kernelSize;
    if (kt % 2 !== 1) throw new RangeError(`STGCNBlock: the temporal kernel size must be odd, got ${kt}`);
    this.gcn = this.registerModule('gcn', new ConvTemporalGraphical(inChannels, outChannels, ks));
    this.tcn = this.registerModule('tcn', new nn.Sequential(
      new nn.BatchNorm2d(outChannels),
      new nn.ReLU(),
      new nn.Conv2d(outChannels, outChannels, [kt, 1], { stride: [stride, 1], padding: [(kt - 1) / 2, 0] }),
      new nn.BatchNorm2d(outChannels),
      new nn.Dropout(dropout),
    ));
    if (!residual) this.residualKind = 'zero';
    else if (inChannels === outChannels && stride === 1) this.residualKind = 'identity';
    else {
      this.residualKind = 'conv';
      this.registerModule('residual', new nn.Sequential(
        new nn.Conv2d(inChannels, outChannels, 1, { stride: [stride, 1] }),
        new nn.BatchNorm2d(outChannels),
      ));
    }
    this.registerModule('relu', new nn.ReLU());
  }

  forward(x: Tensor, adj: Tensor): Tensor {
    return torch.tidy(() => {
      let y = this.tcn.call(this.gcn.call(x, adj)) as Tensor; // [N, C_out, T/stride, V]
      if (this.residualKind === 'identity') y = y.add(x);
      else if (this.residualKind === 'conv') y = y.add(this.getModule('residual')!.call(x));
      return this.getModule('relu')!.call(y);
    });
  }
}

export interface STGCNOptions {
  /** Channels of a joint (2 coordinates + score, or 3 coordinates). Required. */
  in_channels: number;
  /** The skeleton graph: {layout, strategy, max_hop, dilation}. Required. */
  graph_cfg: Partial<GraphCfg>;
  /** A learnable [K, V, V] mask on the adjacency per block (`edge_importance.<i>`). Default true. */
  edge_importance_weighting: boolean;
  /** BatchNorm1d over the V*C input channels (`data_bn`). Default true. */
  data_bn: boolean;
  /** A checkpoint loaded non-strictly by initWeights. Default null. */
  pretrained: string | null;
  /** Dropout after each block's temporal conv except the first (MMAction2's `**kwargs`). Default 0. */
  dropout: number;
}

export const STGCN_DEFAULTS = Object.freeze({ edge_importance_weighting: true, data_bn: true, pretrained: null, dropout: 0 } as const);

/** Output channels and temporal stride of the ten blocks (hard-coded in MMAction2). */
const BLOCKS: readonly [number, number][] = [[64, 1], [64, 1], [64, 1], [64, 1], [128, 2], [128, 1], [128, 1], [256, 2], [256, 1], [256, 1]];
const TEMPORAL_KERNEL = 9;

export class STGCN extends nn.Module implements Backbone {
  readonly o: STGCNOptions;
  readonly graph: Graph;
  readonly stGcnNetworks: torch.nn.ModuleList<STGCNBlock>;
  readonly edgeImportance: torch.nn.ParameterList | null;

  constructor(options: Partial<STGCNOptions> & Pick<STGCNOptions, 'in_channels' | 'graph_cfg'>, where = 'STGCN') {
    super();
    const o = { ...STGCN_DEFAULTS, ...options } as STGCNOptions;
    this.o = o;
    this.graph = new Graph(o.graph_cfg, `${where}.graph_cfg`);
    const k = this.graph.numSubsets;
    const v = this.graph.numNode;
    const a = this.registerBuffer('A', torch.fromTypedArray(this.graph.toFloat32(), [k, v, v]))!; // [K, V, V]
    if (o.data_bn) this.registerModule('data_bn', new nn.BatchNorm1d(o.in_channels * v));
    const kernel: [number, number] = [TEMPORAL_KERNEL, k];
    let inC = o.in_channels;
    this.stGcnNetworks = this.registerModule('st_gcn_networks', new nn.ModuleList(BLOCKS.map(([outC, stride], i) => {
      // MMAction2 passes dropout to every block but the first, which also has no residual.
      const block = new STGCNBlock(inC, outC, kernel, stride, i === 0 ? { residual: false } : { dropout: o.dropout });
      inC = outC;
      return block;
    })));
    this.edgeImportance = o.edge_importance_weighting
      ? this.registerModule('edge_importance', new nn.ParameterList(BLOCKS.map(() => torch.onesLike(a))))
      : null;
  }

  get A(): Tensor {
    return this.getBuffer('A')!;
  }

  /** init_weights: `pretrained` loaded non-strictly, or kaiming (fan_out) convs, normal Linear layers, BN = 1. */
  initWeights(): void {
    const p = this.o.pretrained;
    if (typeof p === 'string') { loadPretrained(p).loadInto(this, { strict: false }); return; }
    if (p !== null && p !== undefined) throw new TypeError('pretrained must be a str or None');
    for (const m of this.modules()) {
      if (m instanceof nn.Conv2d) kaimingInit(m);
      else if (m instanceof nn.Linear) normalInit(m);
      else if (m instanceof nn.BatchNorm) constantInit(m, 1);
    }
  }

  /** x: [N, C, T, V, M] -> features [N*M, 256, T', V]. */
  forward(x: Tensor): Tensor {
    if (x.ndim !== 5) throw new RangeError(`STGCN: expected a 5-D input [N, C, T, V, M], got shape [${x.shape.join(', ')}]`);
    const [n, c, t, v, m] = x.shape as [number, number, number, number, number];
    if (c !== this.o.in_channels || v !== this.graph.numNode) {
      throw new RangeError(`STGCN: expected ${this.o.in_channels} channels and ${this.graph.numNode} joints ('${this.graph.layout}' layout), got input [${x.shape.join(', ')}] (N, C, T, V, M)`);
    }
    return torch.tidy(() => {
      // MMAction2 casts with x.float(); the weights' dtype is the same for a float32 model and lets a float64 copy run.
      let y = x.to(this.A.dtype).permute(0, 4, 3, 1, 2).contiguous(); // [N, M, V, C, T]
      const dataBn = this.getModule('data_bn') as Module | undefined;
      if (dataBn) y = dataBn.call(y.view(n * m, v * c, t)); // [N*M, V*C, T]
      y = y.view(n, m, v, c, t).permute(0, 1, 3, 4, 2).contiguous().view(n * m, c, t, v); // [N*M, C, T, V]
      let i = 0;
      for (const block of this.stGcnNetworks) {
        const adj = this.edgeImportance ? this.A.mul(this.edgeImportance.at(i)) : this.A; // [K, V, V]
        y = block.call(y, adj);
        i++;
      }
      return y;
    });
  }
}

/** Registry entry (type 'STGCN'). */
export const STGCN_ENTRY = defineEntry<STGCNOptions, Backbone>({
  type: 'STGCN',
  doc: 'ST-GCN over skeleton sequences (mmaction/models/backbones/stgcn.py)',
  defaults: STGCN_DEFAULTS as unknown as Partial<STGCNOptions>,
  required: ['in_channels', 'graph_cfg'],
  kinds: { in_channels: 'integer', graph_cfg: 'object', pretrained: ['string', 'null'] },
  build: (o, ctx) => new STGCN(o, ctx.path),
});
