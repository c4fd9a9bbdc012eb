/**
 * TimeSformer ("Is Space-Time Attention All You Need for Video Understanding?", Bertasius et
 * al., ICML 2021): a ViT over the patches of every frame, with divided space-time, joint
 * space-time or space-only attention.
 *
 * Mirrors mmaction/models/backbones/timesformer.py and mmaction/models/common/transformer.py
 * (DividedTemporalAttentionWithNorm, DividedSpatialAttentionWithNorm, FFNWithNorm) on mmcv's
 * BaseTransformerLayer / TransformerLayerSequence / MultiheadAttention / FFN, with their module
 * names, so state-dict keys read
 * `backbone.transformer_layers.layers.0.attentions.0.attn.in_proj_weight`.
 *
 * Data flow (divided space-time), B clips of T frames, P patches per frame, M channels:
 *
 *   [B, C, T, H, W] -PatchEmbed-> [B*T, P, M] -cat cls, +pos_embed-> [B*T, 1+P, M]
 *     -> per patch +time_embed -> [B, 1 + P*T, M] (cls first; patches ordered (p, t))
 *     -> layers: temporal attn (over T, per patch) -> spatial attn (over P, per frame) -> FFN
 *     -> LayerNorm -> cls token [B, M]
 */
import * as torch from '../../torch/index.ts';
import type { Tensor } from '../../torch/index.ts';
import { defineEntry } from '../../config/registry.ts';
import { loadPretrained } from '../pretrained.ts';
import type { Backbone } from '../recognizers/base.ts';

const { nn, F } = torch;
type Module = torch.nn.Module;

// ---------------------------------------------------------------------------------------------
// mmcv bricks: DropPath, FFN, MultiheadAttention wrapper

/** mmcv's DropPath (stochastic depth per sample); identity in eval mode or with p = 0. */
export class DropPath extends nn.Module {
  constructor(readonly dropProb = 0.1) { super(); }

  forward(x: Tensor): Tensor {
    if (this.dropProb === 0 || !this.training) return x;
    return torch.tidy(() => {
      const keep = 1 - this.dropProb;
      // one Bernoulli(keep) draw per sample: floor(keep + U[0, 1))
      const mask = torch.rand([x.shape[0], ...Array(x.ndim - 1).fill(1)], { dtype: x.dtype }).add(keep).floor();
      return x.div(keep).mul(mask);
    });
  }
}

/** mmcv's build_dropout for the two types transformer configs use. */
export interface DropoutLayerCfg { type: 'DropPath' | 'Dropout'; drop_prob?: number }

function buildDropout(cfg: DropoutLayerCfg | null | undefined): Module {
  if (!cfg) return new nn.Identity();
  const p = cfg.drop_prob ?? (cfg.type === 'DropPath' ? 0.1 : 0.5);
  if (cfg.type === 'DropPath') return new DropPath(p);
  if (cfg.type === 'Dropout') return new nn.Dropout(p);
  throw new TypeError(`dropout_layer: unknown type '${(cfg as { type: string }).type}' (expected 'DropPath' or 'Dropout')`);
}

function buildLN(dims: number, cfg: { type?: string; eps?: number } = {}): Module {
  if (cfg.type !== undefined && cfg.type !== 'LN') throw new TypeError(`norm_cfg.type: expected 'LN', got '${cfg.type}'`);
  return new nn.LayerNorm(dims, { eps: cfg.eps ?? 1e-5 });
}

/** mmcv FFN: `layers` = [Sequential(Linear, act, Dropout)] * (num_fcs - 1) + [Linear, Dropout], plus identity. */
export class FFN extends nn.Module {
  readonly layers: torch.nn.Sequential;
  readonly dropoutLayer: Module;

  constructor(readonly embedDims: number, feedforwardChannels: number, { numFcs = 2, ffnDrop = 0, dropoutLayer = null as DropoutLayerCfg | null, addIdentity = true } = {}) {
    super();
    if (numFcs < 2) throw new RangeError(`FFN: num_fcs should be no less than 2, got ${numFcs}`);
    const layers: Module[] = [];
    let inC = embedDims;
    for (let i = 0; i < numFcs - 1; i++) {
      layers.push(new nn.Sequential(new nn.Linear(inC, feedforwardChannels), new nn.GELU(), new nn.Dropout(ffnDrop)));
      inC = feedforwardChannels;
    }
    layers.push(new nn.Linear(feedforwardChannels, embedDims), new nn.Dropout(ffnDrop));
    this.layers = this.registerModule('layers', new nn.Sequential(...layers));
    this.dropoutLayer = this.registerModule('dropout_layer', buildDropout(dropoutLayer));
    this.addIdentity = addIdentity;
  }

  readonly addIdentity: boolean;

  forward(x: Tensor, identity: Tensor | null = null): Tensor {
    return torch.tidy(() => {
      const out = this.dropoutLayer.call(this.layers.call(x)) as Tensor;
      return this.addIdentity ? (identity ?? x).add(out) : out;
    });
  }
}

/** MMAction2's FFNWithNorm: pre-LayerNorm FFN with the residual on the un-normalised input. */
export class FFNWithNorm extends FFN {
  readonly norm: Module;

  constructor(embedDims: number, feedforwardChannels: number, o: ConstructorParameters<typeof FFN>[2] & { normEps?: number } = {}) {
    super(embedDims, feedforwardChannels, o);
    this.norm = this.registerModule('norm', new nn.LayerNorm(embedDims, { eps: o.normEps ?? 1e-5 }));
  }

  override forward(x: Tensor): Tensor {
    return torch.tidy(() => super.forward(this.norm.call(x) as Tensor, x));
  }
}

/** mmcv's MultiheadAttention wrapper (`attn` = torch MHA, proj_drop, dropout_layer, residual). */
export class MMCVMultiheadAttention extends nn.Module {
  readonly attn: torch.nn.MultiheadAttention;
  readonly projDrop: Module;
  readonly dropoutLayer: Module;

  constructor(readonly embedDims: number, numHeads: number, { attnDrop = 0, projDrop = 0, dropoutLayer = { type: 'Dropout', drop_prob: 0 } as DropoutLayerCfg | null, batchFirst = false } = {}) {
    super();
    this.batchFirst = batchFirst;
    this.attn = this.registerModule('attn', new nn.MultiheadAttention(embedDims, numHeads, { dropout: attnDrop }));
    this.projDrop = this.registerModule('proj_drop', new nn.Dropout(projDrop));
    this.dropoutLayer = this.registerModule('dropout_layer', buildDropout(dropoutLayer));
  }

  readonly batchFirst: boolean;

  forward(query: Tensor, identity: Tensor | null = null): Tensor {
    return torch.tidy(() => {
      const q = this.batchFirst ? query.transpose(0, 1) : query; // [L, N, M]
      let [out] = this.attn.call(q, q, q, { needWeights: false }) as [Tensor, null];
      if (this.batchFirst) out = out.transpose(0, 1);
      return (identity ?? query).add(this.dropoutLayer.call(this.projDrop.call(out)) as Tensor);
    });
  }
}

// ---------------------------------------------------------------------------------------------
// MMAction2's divided space-time attention

/** Attention over the T frames of each patch (pre-norm, then `temporal_fc`, residual without cls). */
export class DividedTemporalAttentionWithNorm extends nn.Module {
  readonly norm: Module;
  readonly attn: torch.nn.MultiheadAttention;
  readonly projDrop: Module;
  readonly dropoutLayer: Module;
  readonly temporalFc: torch.nn.Linear;

  constructor(readonly embedDims: number, numHeads: number, readonly numFrames: number, { attnDrop = 0, projDrop = 0, dropoutLayer = { type: 'DropPath', drop_prob: 0.1 } as DropoutLayerCfg | null, normEps = 1e-5 } = {}) {
    super();
    this.norm = this.registerModule('norm', new nn.LayerNorm(embedDims, { eps: normEps }));
    this.attn = this.registerModule('attn', new nn.MultiheadAttention(embedDims, numHeads, { dropout: attnDrop }));
    this.projDrop = this.registerModule('proj_drop', new nn.Dropout(projDrop));
    this.dropoutLayer = this.registerModule('dropout_layer', buildDropout(dropoutLayer));
    this.temporalFc = this.registerModule('temporal_fc', new nn.Linear(embedDims, embedDims));
    torch.noGrad(() => { this.temporalFc.weight.zero_(); this.temporalFc.bias!.zero_(); });
  }

  forward(query: Tensor): Tensor {
    return torch.tidy(() => {
      const cls = query.index(':', [0, 1], ':'); // [B, 1, M]
      const identity = query.index(':', [1, null], ':'); // [B, P*T, M]
      const [b, pt, m] = identity.shape;
      const t = this.numFrames, p = pt / t;
      const qt = (this.norm.call(identity.reshape([b * p, t, m])) as Tensor).permute(1, 0, 2); // [T, B*P, M]
      let [res] = this.attn.call(qt, qt, qt, { needWeights: false }) as [Tensor, null];
      res = res.permute(1, 0, 2).contiguous(); // [B*P, T, M]
      res = this.dropoutLayer.call(this.projDrop.call(res)) as Tensor;
      res = (this.temporalFc.call(res) as Tensor).reshape([b, p * t, m]);
      return torch.cat([cls, identity.add(res)], 1); // [B, 1 + P*T, M]
    });
  }
}

/** Attention over the P patches (+ a copy of cls) of each frame; cls result averaged over frames. */
export class DividedSpatialAttentionWithNorm extends nn.Module {
  readonly norm: Module;
  readonly attn: torch.nn.MultiheadAttention;
  readonly projDrop: Module;
  readonly dropoutLayer: Module;

  constructor(readonly embedDims: number, numHeads: number, readonly numFrames: number, { attnDrop = 0, projDrop = 0, dropoutLayer = { type: 'DropPath', drop_prob: 0.1 } as DropoutLayerCfg | null, normEps = 1e-5 } = {}) {
    super();
    this.norm = this.registerModule('norm', new nn.LayerNorm(embedDims, { eps: normEps }));
    this.attn = this.registerModule('attn', new nn.MultiheadAttention(embedDims, numHeads, { dropout: attnDrop }));
    this.projDrop = this.registerModule('proj_drop', new nn.Dropout(projDrop));
    this.dropoutLayer = this.registerModule('dropout_layer', buildDropout(dropoutLayer));
  }

  forward(query: Tensor): Tensor {
    return torch.tidy(() => {
      const cls0 = query.index(':', [0, 1], ':'); // [B, 1, M]
      const qs0 = query.index(':', [1, null], ':'); // [B, P*T, M]
      const [b, pt, m] = qs0.shape;
      const t = this.numFrames, p = pt / t;
      const cls = cls0.repeat(1, t, 1).reshape([b * t, 1, m]); // [B*T, 1, M]
      let qs = qs0.reshape([b, p, t, m]).permute(0, 2, 1, 3).reshape([b * t, p, m]); // [B*T, P, M]
      qs = torch.cat([cls, qs], 1); // [B*T, 1+P, M]
      qs = (this.norm.call(qs) as Tensor).permute(1, 0, 2); // [1+P, B*T, M]
      let [res] = this.attn.call(qs, qs, qs, { needWeights: false }) as [Tensor, null];
      res = res.permute(1, 0, 2).contiguous(); // [B*T, 1+P, M]
      res = this.dropoutLayer.call(this.projDrop.call(res)) as Tensor;
      const clsOut = res.index(':', 0, ':').reshape([b, t, m]).mean(1, true); // [B, 1, M]
      const patches = res.index(':', [1, null], ':').reshape([b, t, p, m]).permute(0, 2, 1, 3).reshape([b, p * t, m]);
      return query.add(torch.cat([clsOut, patches], 1));
    });
  }
}

// ---------------------------------------------------------------------------------------------
// mmcv BaseTransformerLayer / TransformerLayerSequence (the two layouts TimeSformer builds)

type Operation = 'self_attn' | 'norm' | 'ffn';

/** mmcv's BaseTransformerLayer restricted to self-attention: `attentions`, `ffns`, `norms`. */
export class BaseTransformerLayer extends nn.Module {
  readonly attentions: torch.nn.ModuleList;
  readonly ffns: torch.nn.ModuleList;
  readonly norms: torch.nn.ModuleList;
  readonly preNorm: boolean;

  constructor(readonly operationOrder: Operation[], attentions: Module[], ffns: Module[], norms: Module[]) {
    super();
    this.attentions = this.registerModule('attentions', new nn.ModuleList(attentions));
    this.ffns = this.registerModule('ffns', new nn.ModuleList(ffns));
    this.norms = this.registerModule('norms', new nn.ModuleList(norms));
    this.preNorm = operationOrder[0] === 'norm';
  }

  forward(query: Tensor): Tensor {
    let a = 0, f = 0, n = 0;
    return torch.tidy(() => {
      let identity = query;
      for (const op of this.operationOrder) {
        if (op === 'self_attn') {
          const attn = this.attentions.at(a++);
          query = attn instanceof MMCVMultiheadAttention ? attn.call(query, this.preNorm ? identity : null) : attn.call(query);
          identity = query;
        } else if (op === 'norm') {
          query = this.norms.at(n++).call(query);
        } else {
          const ffn = this.ffns.at(f++);
          query = ffn instanceof FFNWithNorm ? ffn.call(query) : ffn.call(query, this.preNorm ? identity : null);
        }
      }
      return query;
    });
  }
}

export class TransformerLayerSequence extends nn.Module {
  readonly layers: torch.nn.ModuleList<BaseTransformerLayer>;
  constructor(layers: BaseTransformerLayer[]) {
    super();
    this.layers = this.registerModule('layers', new nn.ModuleList(layers));
  }
  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      for (const layer of this.layers) x = layer.call(x);
      return x;
    });
  }
}

// ---------------------------------------------------------------------------------------------
// TimeSformer

/** Splits every frame into patches and projects them (`projection`: Conv2d with kernel = stride = patch). */
export class PatchEmbed extends nn.Module {
  readonly imgSize: [number, number];
  readonly patchSize: [number, number];
  readonly numPatches: number;
  readonly projection: torch.nn.Conv2d;

  constructor(imgSize: number | number[], patchSize: number | number[], inChannels = 3, embedDims = 768) {
    super();
    const pair = (v: number | number[]): [number, number] => (Array.isArray(v) ? [v[0], v[1]] : [v, v]);
    this.imgSize = pair(imgSize);
    this.patchSize = pair(patchSize);
    const [ih, iw] = this.imgSize, [ph, pw] = this.patchSize;
    this.numPatches = Math.floor(iw / pw) * Math.floor(ih / ph);
    if (this.numPatches * ph * pw !== ih * iw) throw new RangeError('PatchEmbed: the image size H*W must be divisible by patch size');
    this.projection = this.registerModule('projection', new nn.Conv2d(inChannels, embedDims, this.patchSize, { stride: this.patchSize }));
    // kaiming_init(projection, mode='fan_in', nonlinearity='linear')
    nn.init.kaimingNormal_(this.projection.weight, 0, 'fan_in', 'linear');
    nn.init.constant_(this.projection.bias!, 0);
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      const [b, c, t, h, w] = x.shape;
      const frames = x.permute(0, 2, 1, 3, 4).reshape([b * t, c, h, w]); // [B*T, C, H, W]
      return (this.projection.call(frames) as Tensor).flatten(2).transpose(1, 2); // [B*T, P, M]
    });
  }
}

export type AttentionType = 'divided_space_time' | 'space_only' | 'joint_space_time';

export interface TimeSformerOptions {
  /** Frames per clip (T); required. */
  num_frames: number;
  /** Input frame size; required. */
  img_size: number | number[];
  /** Patch size; required. */
  patch_size: number | number[];
  /** Checkpoint to load the backbone from (handled by init/loading code). Default null. */
  pretrained: string | null;
  embed_dims: number;
  num_heads: number;
  num_transformer_layers: number;
  in_channels: number;
  /** Dropout after the position and time embeddings. */
  dropout_ratio: number;
  /** A custom mmcv TransformerLayerSequence config; only null (the built-in layouts) is supported. */
  transformer_layers: null;
  attention_type: AttentionType;
  norm_cfg: { type: 'LN'; eps?: number };
}

export const TIMESFORMER_DEFAULTS = Object.freeze({
  pretrained: null, embed_dims: 768, num_heads: 12, num_transformer_layers: 12, in_channels: 3, dropout_ratio: 0,
  transformer_layers: null, attention_type: 'divided_space_time', norm_cfg: { type: 'LN', eps: 1e-6 },
} as const);

/** TimeSformer backbone; forward returns the normalised cls token [N, embed_dims]. */
export class TimeSformer extends nn.Module {
  readonly o: TimeSformerOptions;
  readonly patchEmbed: PatchEmbed;
  readonly clsToken: Tensor;
  readonly posEmbed: Tensor;
  readonly timeEmbed: Tensor | null = null;
  readonly dropAfterPos: Module;
  readonly dropAfterTime: Module | null = null;
  readonly norm: Module;
  readonly transformerLayers: TransformerLayerSequence;

  constructor(options: Partial<TimeSformerOptions> & Pick<TimeSformerOptions, 'num_frames' | 'img_size' | 'patch_size'>) {
    super();
    const o = { ...TIMESFORMER_DEFAULTS, ...options } as TimeSformerOptions;
    this.o = o;
    if (!['divided_space_time', 'space_only', 'joint_space_time'].includes(o.attention_type))
      throw new TypeError(`TimeSformer: unsupported attention_type '${o.attention_type}'`);
    if (o.transformer_layers !== null && o.transformer_layers !== undefined)
      throw new TypeError('TimeSformer: custom transformer_layers configs are not supported; leave it None to get the layout of attention_type');
    const M = o.embed_dims;
    // Own parameters first: PyTorch lists them before the children in the state dict.
    this.clsToken = this.registerParameter('cls_token', torch.zeros([1, 1, M]))!;
    this.patchEmbed = new PatchEmbed(o.img_size, o.patch_size, o.in_channels, M);
    this.posEmbed = this.registerParameter('pos_embed', torch.zeros([1, this.patchEmbed.numPatches + 1, M]))!;
    if (o.attention_type !== 'space_only') this.timeEmbed = this.registerParameter('time_embed', torch.zeros([1, o.num_frames, M]));
    this.registerModule('patch_embed', this.patchEmbed);
    this.dropAfterPos = this.registerModule('drop_after_pos', new nn.Dropout(o.dropout_ratio));
    if (o.attention_type !== 'space_only') this.dropAfterTime = this.registerModule('drop_after_time', new nn.Dropout(o.dropout_ratio));
    this.norm = this.registerModule('norm', buildLN(M, o.norm_cfg));
    this.transformerLayers = this.registerModule('transformer_layers', new TransformerLayerSequence(this.buildLayers()));
    // Like MMAction2, init_weights is left to the recognizer.
  }

  private buildLayers(): BaseTransformerLayer[] {
    const o = this.o;
    const M = o.embed_dims, L = o.num_transformer_layers;
    // np.linspace(0, 0.1, L): the stochastic-depth rate of each layer
    const dpr = Array.from({ length: L }, (_, i) => (L === 1 ? 0 : (0.1 * i) / (L - 1)));
    const layers: BaseTransformerLayer[] = [];
    for (let i = 0; i < L; i++) {
      const drop: DropoutLayerCfg = { type: 'DropPath', drop_prob: dpr[i] };
      if (o.attention_type === 'divided_space_time') {
        layers.push(new BaseTransformerLayer(['self_attn', 'self_attn', 'ffn'], [
          new DividedTemporalAttentionWithNorm(M, o.num_heads, o.num_frames, { dropoutLayer: drop, normEps: 1e-6 }),
          new DividedSpatialAttentionWithNorm(M, o.num_heads, o.num_frames, { dropoutLayer: drop, normEps: 1e-6 }),
        ], [new FFNWithNorm(M, M * 4, { dropoutLayer: drop, normEps: 1e-6 })], []));
      } else {
        layers.push(new BaseTransformerLayer(['norm', 'self_attn', 'norm', 'ffn'],
          [new MMCVMultiheadAttention(M, o.num_heads, { dropoutLayer: drop, batchFirst: true })],
          [new FFN(M, M * 4, { dropoutLayer: drop })],
          [new nn.LayerNorm(M, { eps: 1e-6 }), new nn.LayerNorm(M, { eps: 1e-6 })]));
      }
    }
    return layers;
  }

  /**
   * init_weights: trunc_normal_(std=0.02) on pos_embed and cls_token, then, with `pretrained`,
   * that checkpoint (a ViT one for divided space-time goes through timesformerCheckpointFilter)
   * loaded non-strictly.
   */
  initWeights(): void {
    nn.init.truncNormal_(this.posEmbed, 0, 0.02);
    nn.init.truncNormal_(this.clsToken, 0, 0.02);
    const p = this.o.pretrained;
    if (typeof p === 'string') {
      const src = loadPretrained(p);
      const sd = this.o.attention_type === 'divided_space_time' ? timesformerCheckpointFilter(src.stateDict) : src.stateDict;
      const report = this.loadStateDict(sd, { strict: false });
      if (report.missingKeys.length || report.unexpectedKeys.length || report.shapeMismatch.length)
        src.log(`TimeSformer: from ${p}: missing ${report.missingKeys.length}, unexpected ${report.unexpectedKeys.length}, shape mismatch ${report.shapeMismatch.length}`);
    } else if (p !== null && p !== undefined) {
      throw new TypeError('pretrained must be a str or None');
    }
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      const batches = x.shape[0];
      let h = this.patchEmbed.call(x) as Tensor; // [B*T, P, M]
      const [bt, p, m] = h.shape;
      h = torch.cat([this.clsToken.expand(bt, -1, -1), h], 1).add(this.posEmbed); // [B*T, 1+P, M]
      h = this.dropAfterPos.call(h) as Tensor;
      if (this.o.attention_type !== 'space_only') {
        const t = bt / batches;
        const cls = h.index([0, batches], 0, ':').unsqueeze(1); // [B, 1, M]: the cls of each clip's first frame
        let pt = h.index(':', [1, null], ':').reshape([batches, t, p, m]).permute(0, 2, 1, 3).reshape([batches * p, t, m]); // [B*P, T, M]
        pt = this.dropAfterTime!.call(pt.add(this.timeEmbed!)) as Tensor;
        h = torch.cat([cls, pt.reshape([batches, p * t, m])], 1); // [B, 1 + P*T, M]
      }
      h = this.transformerLayers.call(h) as Tensor;
      if (this.o.attention_type === 'space_only') {
        h = h.view([-1, this.o.num_frames, h.shape[1], h.shape[2]]).mean(1); // [B, 1+P, M]
      }
      h = this.norm.call(h) as Tensor;
      return h.index(':', 0); // [B, M]
    });
  }
}


/**
 * MMAction2's remap of an image-transformer checkpoint for divided space-time attention:
 * `norms.0` becomes `attentions.0.norm`, `norms.1` becomes `ffns.0.norm`, and every
 * `attentions.0.*` is copied to `attentions.1.*` (the spatial attention starts as the
 * pretrained one). A new Map; the tensors of the copies are clones.
 */
export function timesformerCheckpointFilter(sd: Map<string, Tensor>): Map<string, Tensor> {
  const renamed = new Map<string, Tensor>();
  for (const [k, v] of sd) {
    renamed.set(k.includes('norms') ? k.replace('norms.0', 'attentions.0.norm').replace('norms.1', 'ffns.0.norm') : k, v);
  }
  const out = new Map(renamed);
  for (const [k, v] of renamed) if (k.includes('attentions.0')) out.set(k.replace('attentions.0', 'attentions.1'), torch.keep(v.clone()));
  return out;
}

/** Registry entry (type 'TimeSformer'). */
export const TIMESFORMER_ENTRY = defineEntry<TimeSformerOptions, Backbone>({
  type: 'TimeSformer',
  doc: 'TimeSformer (mmaction/models/backbones/timesformer.py)',
  defaults: TIMESFORMER_DEFAULTS as unknown as Partial<TimeSformerOptions>,
  required: ['num_frames', 'img_size', 'patch_size'],
  kinds: { pretrained: ['string', 'null'], transformer_layers: ['null'] },
  choices: { attention_type: ['divided_space_time', 'space_only', 'joint_space_time'] },
  build: (o) => new TimeSformer(o),
});
