/** nn.MultiheadAttention with PyTorch's packed parameters (in_proj_weight = [q; k; v], out_proj). */
import { empty } from '../creation.ts';
import * as F from '../functional.ts';
import { tidy } from '../scope.ts';
import type { Tensor } from '../tensor.ts';
import { Linear } from './conv.ts';
import { constant_, xavierUniform_ } from './init.ts';
import { Module } from './module.ts';

export interface MultiheadAttentionOptions {
  dropout?: number;
  bias?: boolean;
  batchFirst?: boolean;
}

export interface AttentionCallOptions {
  /** (L, S) or (N*heads, L, S); bool (true = masked) or float (added). */
  attnMask?: Tensor | null;
  /** (N, S); true = ignore that key. */
  keyPaddingMask?: Tensor | null;
  needWeights?: boolean;
  averageAttnWeights?: boolean;
}

export class MultiheadAttention extends Module {
  readonly headDim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  inProjWeight: Tensor;
  inProjBias: Tensor | null;
  outProj: Linear;

  constructor(readonly embedDim: number, readonly numHeads: number, o: MultiheadAttentionOptions = {}) {
    super();
    this.headDim = Math.floor(embedDim / numHeads);
    if (this.headDim * numHeads !== embedDim) throw new RangeError('embed_dim must be divisible by num_heads');
    this.dropout = o.dropout ?? 0;
    this.batchFirst = o.batchFirst ?? false;
    const bias = o.bias ?? true;
    this.inProjWeight = this.registerParameter('in_proj_weight', empty([3 * embedDim, embedDim]))!;
    this.inProjBias = this.registerParameter('in_proj_bias', bias ? empty([3 * embedDim]) : null);
    this.outProj = this.registerModule('out_proj', new Linear(embedDim, embedDim, { bias }));
    // PyTorch's _reset_parameters
    xavierUniform_(this.inProjWeight);
    if (this.inProjBias) {
      constant_(this.inProjBias, 0);
      constant_(this.outProj.bias!, 0);
    }
  }

  /** query (L, N, E) (or (N, L, E) with batchFirst); returns [output, weights | null]. */
  forward(query: Tensor, key: Tensor, value: Tensor, o: AttentionCallOptions = {}): [Tensor, Tensor | null] {
    const needWeights = o.needWeights ?? true;
    const average = o.averageAttnWeights ?? true;
    return tidy(() => {
      let q = query, k = key, v = value;
      if (this.batchFirst) { q = q.transpose(0, 1); k = k.transpose(0, 1); v = v.transpose(0, 1); }
      const [L, N, E] = q.shape;
      const S = k.shape[0];
      const H = this.numHeads, D = this.headDim;
      const [wq, wk, wv] = this.inProjWeight.chunk(3, 0);
      const [bq, bk, bv] = this.inProjBias ? this.inProjBias.chunk(3, 0) : [null, null, null];
      // [L, N, E] -> [N*H, L, D]
      const heads = (x: Tensor, len: number) => x.reshape([len, N * H, D]).transpose(0, 1);
      let qh = heads(F.linear(q, wq, bq), L);
      const kh = heads(F.linear(k, wk, bk), S);
      const vh = heads(F.linear(v, wv, bv), S);
      qh = qh.div(Math.sqrt(D));
      let attn = qh.bmm(kh.transpose(1, 2)); // [N*H, L, S]
      if (o.attnMask) {
        const m = o.attnMask.ndim === 2 ? o.attnMask.unsqueeze(0) : o.attnMask;
        attn = m.dtype === 'bool' ? attn.maskedFill(m, -Infinity) : attn.add(m);
      }
      if (o.keyPaddingMask) {
        const m = o.keyPaddingMask.view([N, 1, 1, S]).expand([N, H, 1, S]).reshape([N * H, 1, S]);
        attn = attn.maskedFill(m, -Infinity);
      }
      attn = F.softmax(attn, -1);
      if (this.dropout > 0 && this.training) attn = F.dropout(attn, this.dropout, true);
      let out = attn.bmm(vh); // [N*H, L, D]
      out = out.transpose(0, 1).contiguous().view([L * N, E]);
      out = this.outProj.call(out).view([L, N, E]);
      if (this.batchFirst) out = out.transpose(0, 1);
      let weights: Tensor | null = null;
      if (needWeights) {
        weights = attn.view([N, H, L, S]);
        if (average) weights = weights.mean(1);
      }
      return [out, weights] as [Tensor, Tensor | null];
    });
  }
}

