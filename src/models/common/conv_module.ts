/**
 * mmcv's conv/norm/activation bricks (mmcv/cnn/bricks/{conv,norm,activation,conv_module}.py,
 * mmcv 1.7) with mmcv's submodule names, so state-dict keys match MMAction2 checkpoints:
 * a ConvModule holds `conv` and the norm layer under its abbreviation (`bn`, `gn`, `ln`, `in`),
 * giving `conv1.conv.weight`, `conv1.bn.running_mean`, `conv1.bn.num_batches_tracked`.
 */
import * as torch from '../../torch/index.ts';
import { ConvAudio } from './conv_audio.ts';
import { constantInit, kaimingInit } from './weight_init.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;
type Module = torch.nn.Module;

/** `conv_cfg`: mmcv's CONV_LAYERS types (`Conv` is Conv2d; null means Conv2d) and MMAction2's ConvAudio. */
export interface ConvCfg {
  type: 'Conv' | 'Conv1d' | 'Conv2d' | 'Conv3d' | 'ConvAudio';
  /** ConvAudio only: 'concat' (default) or 'sum'. */
  op?: 'concat' | 'sum';
}

/** `norm_cfg`: mmcv's NORM_LAYERS types; `requires_grad` (default true) freezes the affine parameters. */
export interface NormCfg {
  type: 'BN' | 'BN1d' | 'BN2d' | 'BN3d' | 'SyncBN' | 'GN' | 'LN' | 'IN' | 'IN1d' | 'IN2d' | 'IN3d';
  requires_grad?: boolean;
  eps?: number;
  momentum?: number | null;
  affine?: boolean;
  track_running_stats?: boolean;
  /** GN only (required there). */
  num_groups?: number;
  /** LN only. */
  elementwise_affine?: boolean;
}

/** `act_cfg`: mmcv's ACTIVATION_LAYERS types. `inplace` is accepted and has no effect on results. */
export interface ActCfg {
  type: 'ReLU' | 'ReLU6' | 'LeakyReLU' | 'ELU' | 'Sigmoid' | 'Tanh' | 'GELU' | 'Swish' | 'SiLU' | 'HSwish' | 'HSigmoid' | 'Hardswish' | 'Hardsigmoid';
  inplace?: boolean;
  negative_slope?: number;
  alpha?: number;
}

const NORM_KEYS = new Set(['type', 'requires_grad', 'eps', 'momentum', 'affine', 'track_running_stats', 'num_groups', 'elementwise_affine']);

function badKeys(cfg: object, allowed: Set<string>, what: string): void {
  for (const k of Object.keys(cfg)) if (!allowed.has(k)) throw new TypeError(`${what}: unknown key '${k}' (allowed: ${[...allowed].join(', ')})`);
}

/** build_conv_layer(conv_cfg, in, out, kernel, ...): Conv1d/2d/3d. */
export function buildConvLayer(cfg: ConvCfg | null | undefined, inChannels: number, outChannels: number, kernelSize: number | number[],
  o: torch.nn.ConvOptions = {}): torch.nn.Conv1d | torch.nn.Conv2d | torch.nn.Conv3d | ConvAudio {
  const type = cfg?.type ?? 'Conv2d';
  if (cfg && type !== 'ConvAudio' && cfg.op !== undefined) throw new TypeError(`conv_cfg: 'op' is only valid for ConvAudio`);
  switch (type) {
    // ConvAudio takes its own paddings, like MMAction2's (the ones given here are ignored).
    case 'ConvAudio': return new ConvAudio(inChannels, outChannels, kernelSize, cfg?.op ?? 'concat', { stride: o.stride, bias: o.bias ?? false });
    case 'Conv': case 'Conv2d': return new nn.Conv2d(inChannels, outChannels, kernelSize, o);
    case 'Conv1d': return new nn.Conv1d(inChannels, outChannels, kernelSize, o);
    case 'Conv3d': return new nn.Conv3d(inChannels, outChannels, kernelSize, o);
    default: throw new TypeError(`conv_cfg: unrecognized conv type '${type as string}' (expected Conv, Conv1d, Conv2d or Conv3d)`);
  }
}

/** The attribute name mmcv gives a norm layer (infer_abbr): `bn`, `gn`, `ln`, `in`. */
export function normAbbr(type: NormCfg['type']): string {
  if (type.startsWith('IN')) return 'in';
  if (type === 'GN') return 'gn';
  if (type === 'LN') return 'ln';
  return 'bn';
}

/**
 * build_norm_layer(cfg, num_features, postfix): returns `[name, layer]` with mmcv's naming
 * (`bn`, `bn1`, `gn`...). `requires_grad: false` freezes weight and bias.
 */
export function buildNormLayer(cfg: NormCfg, numFeatures: number, postfix: number | string = ''): [string, Module] {
  if (!cfg || typeof cfg !== 'object' || typeof cfg.type !== 'string') throw new TypeError(`norm_cfg must be a dict with a 'type', got ${JSON.stringify(cfg)}`);
  badKeys(cfg, NORM_KEYS, `norm_cfg (${cfg.type})`);
  const eps = cfg.eps ?? 1e-5;
  let layer: Module;
  const bnOpts = { eps, momentum: cfg.momentum === undefined ? 0.1 : cfg.momentum, affine: cfg.affine ?? true, trackRunningStats: cfg.track_running_stats ?? true };
  switch (cfg.type) {
    case 'BN': case 'BN2d': layer = new nn.BatchNorm2d(numFeatures, bnOpts); break;
    case 'BN1d': layer = new nn.BatchNorm1d(numFeatures, bnOpts); break;
    case 'BN3d': layer = new nn.BatchNorm3d(numFeatures, bnOpts); break;
    case 'SyncBN': layer = new nn.SyncBatchNorm(numFeatures, bnOpts); break;
    case 'GN':
      if (cfg.num_groups === undefined) throw new TypeError("norm_cfg: GN needs 'num_groups'");
      layer = new nn.GroupNorm(cfg.num_groups, numFeatures, { eps, affine: cfg.affine ?? true });
      break;
    case 'LN': layer = new nn.LayerNorm(numFeatures, { eps, elementwiseAffine: cfg.elementwise_affine ?? true }); break;
    case 'IN': case 'IN1d': case 'IN2d': case 'IN3d':
      layer = new nn.InstanceNorm(numFeatures, { eps, momentum: cfg.momentum ?? 0.1, affine: cfg.affine ?? false, trackRunningStats: cfg.track_running_stats ?? false });
      break;
    default: throw new TypeError(`norm_cfg: unrecognized norm type '${cfg.type as string}' (expected BN, BN1d, BN2d, BN3d, SyncBN, GN, LN or IN)`);
  }
  const requiresGrad = cfg.requires_grad ?? true;
  for (const p of layer.parameters()) p.requiresGrad_(requiresGrad);
  return [normAbbr(cfg.type) + String(postfix), layer];
}

/** build_activation_layer(act_cfg). */
export function buildActivationLayer(cfg: ActCfg): Module {
  switch (cfg.type) {
    case 'ReLU': return new nn.ReLU(cfg.inplace ?? false);
    case 'ReLU6': return new nn.ReLU6(cfg.inplace ?? false);
    case 'LeakyReLU': return new nn.LeakyReLU(cfg.negative_slope ?? 0.01, cfg.inplace ?? false);
    case 'ELU': return new nn.ELU(cfg.alpha ?? 1.0);
    case 'Sigmoid': return new nn.Sigmoid();
    case 'Tanh': return new nn.Tanh();
    case 'GELU': return new nn.GELU();
    case 'Swish': case 'SiLU': return new nn.SiLU();
    case 'HSwish': case 'Hardswish': return new nn.Hardswish();
    case 'HSigmoid': case 'Hardsigmoid': return new nn.Hardsigmoid();
    default: throw new TypeError(`act_cfg: unrecognized activation type '${(cfg as { type: string }).type}'`);
  }
}

export interface ConvModuleOptions {
  stride?: number | number[];
  padding?: number | number[];
  dilation?: number | number[];
  groups?: number;
  /** 'auto' (default): a bias only when there is no norm layer. */
  bias?: boolean | 'auto';
  conv_cfg?: ConvCfg | null;
  norm_cfg?: NormCfg | null;
  /** Default {type: 'ReLU'}; null for none. */
  act_cfg?: ActCfg | null;
  inplace?: boolean;
  /** 'zeros' (default) or 'circular' go to the conv; 'reflect'/'replicate' pad explicitly first. */
  padding_mode?: 'zeros' | 'circular' | 'reflect' | 'replicate';
  order?: readonly ['conv' | 'norm' | 'act', 'conv' | 'norm' | 'act', 'conv' | 'norm' | 'act'];
}

/**
 * mmcv's ConvModule: conv -> norm -> activation (in `order`). Its init_weights runs in the
 * constructor like mmcv's: kaiming_init(conv, nonlinearity='relu' or 'leaky_relu'), norm weight 1, bias 0.
 */
export class ConvModule extends nn.Module {
  conv: Module & { weight: Tensor; bias: Tensor | null; inChannels: number; outChannels: number };
  readonly normName: string | null;
  readonly withNorm: boolean;
  readonly withActivation: boolean;
  readonly withBias: boolean;
  readonly order: readonly string[];
  readonly inChannels: number;
  readonly outChannels: number;
  private readonly explicitPad: { mode: 'reflect' | 'replicate'; pads: number[] } | null = null;
  readonly actCfg: ActCfg | null;

  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], o: ConvModuleOptions = {}) {
    super();
    const order = o.order ?? ['conv', 'norm', 'act'];
    if (order.length !== 3 || new Set(order).size !== 3) throw new TypeError(`ConvModule: order must be a permutation of conv, norm, act; got ${JSON.stringify(order)}`);
    this.order = order;
    const normCfg = o.norm_cfg ?? null;
    const actCfg = o.act_cfg === undefined ? { type: 'ReLU' as const } : o.act_cfg;
    this.actCfg = actCfg;
    this.withNorm = normCfg !== null;
    this.withActivation = actCfg !== null;
    const bias = o.bias === undefined || o.bias === 'auto' ? !this.withNorm : o.bias;
    this.withBias = bias;
    const paddingMode = o.padding_mode ?? 'zeros';
    const padding = o.padding ?? 0;
    let convPadding: number | number[] = padding;
    if (paddingMode === 'reflect' || paddingMode === 'replicate') {
      const p = Array.isArray(padding) ? padding : [padding, padding];
      const pads: number[] = [];
      for (let i = p.length - 1; i >= 0; i--) pads.push(p[i], p[i]);
      this.explicitPad = { mode: paddingMode, pads };
      convPadding = 0;
    }
    this.conv = this.registerModule('conv', buildConvLayer(o.conv_cfg, inChannels, outChannels, kernelSize, {
      stride: o.stride ?? 1, padding: convPadding, dilation: o.dilation ?? 1, groups: o.groups ?? 1, bias,
      paddingMode: paddingMode === 'circular' ? 'circular' : 'zeros',
    })) as ConvModule['conv'];
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    if (normCfg) {
      const normChannels = order.indexOf('norm') > order.indexOf('conv') ? outChannels : inChannels;
      const [name, norm] = buildNormLayer(normCfg, normChannels);
      this.normName = name;
      this.registerModule(name, norm);
    } else {
      this.normName = null;
    }
    if (actCfg) {
      const noInplace = ['Tanh', 'PReLU', 'Sigmoid', 'HSigmoid', 'Swish', 'GELU'];
      const cfg = noInplace.includes(actCfg.type) ? actCfg : { inplace: o.inplace ?? true, ...actCfg };
      this.registerModule('activate', buildActivationLayer(cfg));
    }
    this.initWeights();
  }

  /** The norm layer (mmcv's `ConvModule.norm` property), or null. */
  get norm(): Module | null {
    return this.normName ? (this.getModule(this.normName) ?? null) : null;
  }

  get activate(): Module | null {
    return this.getModule('activate') ?? null;
  }

  initWeights(): void {
    const leaky = this.actCfg?.type === 'LeakyReLU';
    // mmcv: convs with their own init_weights (ConvAudio) are left to it.
    if (!('initWeights' in this.conv)) kaimingInit(this.conv, { a: leaky ? (this.actCfg?.negative_slope ?? 0.01) : 0, nonlinearity: leaky ? 'leaky_relu' : 'relu' });
    const norm = this.norm;
    if (norm) constantInit(norm, 1, 0);
  }

  forward(x: Tensor, { activate = true, norm = true }: { activate?: boolean; norm?: boolean } = {}): Tensor {
    // The conv may have been wrapped (TemporalShift), so it is looked up by name at call time.
    const input = x;
    const made: Tensor[] = [];
    for (const layer of this.order) {
      let y: Tensor | null = null;
      if (layer === 'conv') {
        if (this.explicitPad) { x = torch.F.pad(x, this.explicitPad.pads, this.explicitPad.mode); made.push(x); }
        y = this.getModule('conv')!.call(x);
      } else if (layer === 'norm' && norm && this.normName) {
        y = this.getModule(this.normName)!.call(x);
      } else if (layer === 'act' && activate && this.withActivation) {
        y = this.getModule('activate')!.call(x);
      }
      if (y) { made.push(y); x = y; }
    }
    for (const t of made) if (t !== x && t !== input) t.dispose();
    return x;
  }
}
