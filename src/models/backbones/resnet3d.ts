/**
 * ResNet3d: the inflated 3D ResNet of I3D ("Quo Vadis, Action Recognition?", Carreira and
 * Zisserman, CVPR 2017), with BasicBlock3d / Bottleneck3d, per-block inflation, non-local
 * blocks, conv/pool temporal strides and 2D-to-3D weight inflation.
 *
 * Mirrors mmaction/models/backbones/resnet3d.py (MMAction2 0.24): the same options, defaults
 * and module tree (`conv1.conv`, `conv1.bn`, `layer1.0.conv1.conv`, `layer1.0.downsample.bn`,
 * `layer2.1.non_local_block.g.conv`), so MMAction2 checkpoints load unchanged.
 * ResNet3dPathway/SlowOnly/SlowFast, ResNet2Plus1d and ResNet3dCSN build on it.
 */
import * as torch from '../../torch/index.ts';
import { ConvModule, type NormCfg, type ActCfg } from '../common/conv_module.ts';
import { constantInit, kaimingInit } from '../common/weight_init.ts';
import { convModule3d, type Conv3dCfg } from './conv2plus1d.ts';
import { NonLocal3d, type NonLocal3dOptions } from './non_local.ts';
import { loadPretrained } from '../pretrained.ts';
import { defineEntry } from '../../config/registry.ts';
import type { Backbone } from '../recognizers/base.ts';

const { nn } = torch;
type Tensor = torch.Tensor;
type Module = torch.nn.Module;

export type Style = 'pytorch' | 'caffe';
export type InflateStyle = '3x1x1' | '3x3x3';

/** What make_res_layer hands every block. */
export interface BlockArgs {
  spatial_stride: number;
  temporal_stride: number;
  dilation: number;
  downsample: ConvModule | null;
  style: Style;
  inflate: boolean;
  inflate_style: InflateStyle;
  non_local: boolean;
  non_local_cfg: NonLocal3dOptions;
  conv_cfg: Conv3dCfg;
  norm_cfg: NormCfg;
  act_cfg: ActCfg;
  with_cp: boolean;
}

export interface BlockClass {
  readonly expansion: number;
  new (inplanes: number, planes: number, args: BlockArgs): ResBlock3d;
}

/** The parts every residual block has (conv1..convN, optional downsample and non-local). */
export abstract class ResBlock3d extends nn.Module {
  downsample: ConvModule | null = null;
  nonLocalBlock: NonLocal3d | null = null;
  relu!: Module;
  /** The ConvModule whose BN zero_init_residual zeroes (conv2 for BasicBlock3d, conv3 for Bottleneck3d). */
  abstract get lastConv(): ConvModule;
  protected abstract residual(x: Tensor): Tensor;

  protected finish(args: BlockArgs, outChannels: number): void {
    if (args.downsample) this.downsample = this.registerModule('downsample', args.downsample);
    this.relu = this.registerModule('relu', new nn.ReLU(true));
    if (args.non_local) this.nonLocalBlock = this.registerModule('non_local_block', new NonLocal3d(outChannels, args.non_local_cfg));
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      const identity = this.downsample ? this.downsample.call(x) as Tensor : x;
      let out = this.relu.call(this.residual(x).add(identity)) as Tensor;
      if (this.nonLocalBlock) out = this.nonLocalBlock.call(out);
      return out;
    });
  }
}

const stride3 = (t: number, s: number) => [t, s, s];

/** BasicBlock3d: two 3x3(x3) convs (expansion 1), for depths 18 and 34. */
export class BasicBlock3d extends ResBlock3d {
  static readonly expansion = 1;
  readonly conv1: ConvModule;
  readonly conv2: ConvModule;

  constructor(inplanes: number, planes: number, a: BlockArgs) {
    super();
    const d = a.dilation;
    const [k1, p1, k2, p2] = a.inflate
      ? [[3, 3, 3], [1, d, d], [3, 3, 3], [1, 1, 1]]
      : [[1, 3, 3], [0, d, d], [1, 3, 3], [0, 1, 1]];
    const common = { bias: false, conv_cfg: a.conv_cfg, norm_cfg: a.norm_cfg };
    this.conv1 = this.registerModule('conv1', convModule3d(inplanes, planes, k1, {
      ...common, stride: stride3(a.temporal_stride, a.spatial_stride), padding: p1, dilation: [1, d, d], act_cfg: a.act_cfg,
    }));
    this.conv2 = this.registerModule('conv2', convModule3d(planes, planes * BasicBlock3d.expansion, k2, {
      ...common, stride: 1, padding: p2, act_cfg: null,
    }));
    this.finish(a, planes * BasicBlock3d.expansion);
  }

  get lastConv(): ConvModule { return this.conv2; }

  protected residual(x: Tensor): Tensor {
    return this.conv2.call(this.conv1.call(x));
  }
}

/** Bottleneck3d: 1x1 -> 3x3 -> 1x1 (expansion 4); inflate_style puts the temporal kernel on conv1 or conv2. */
export class Bottleneck3d extends ResBlock3d {
  static readonly expansion = 4;
  readonly conv1: ConvModule;
  conv2: Module;
  readonly conv3: ConvModule;

  constructor(inplanes: number, planes: number, a: BlockArgs) {
    super();
    const d = a.dilation;
    // 'pytorch': the stride sits on the 3x3 conv; 'caffe': on the first 1x1 conv.
    const [s1, s2] = a.style === 'pytorch'
      ? [stride3(1, 1), stride3(a.temporal_stride, a.spatial_stride)]
      : [stride3(a.temporal_stride, a.spatial_stride), stride3(1, 1)];
    let k1 = [1, 1, 1], p1 = [0, 0, 0], k2 = [1, 3, 3], p2 = [0, d, d];
    if (a.inflate && a.inflate_style === '3x1x1') { k1 = [3, 1, 1]; p1 = [1, 0, 0]; }
    if (a.inflate && a.inflate_style === '3x3x3') { k2 = [3, 3, 3]; p2 = [1, d, d]; }
    const common = { bias: false, conv_cfg: a.conv_cfg, norm_cfg: a.norm_cfg };
    this.conv1 = this.registerModule('conv1', convModule3d(inplanes, planes, k1, { ...common, stride: s1, padding: p1, act_cfg: a.act_cfg }));
    this.conv2 = this.registerModule('conv2', convModule3d(planes, planes, k2, { ...common, act_cfg: a.act_cfg, stride: s2, padding: p2, dilation: [1, d, d] }));
    this.conv2Spec = { kernel: k2, stride: s2, padding: p2, dilation: [1, d, d] };
    this.conv3 = this.registerModule('conv3', convModule3d(planes, planes * Bottleneck3d.expansion, 1, { ...common, act_cfg: null }));
    this.finish(a, planes * Bottleneck3d.expansion);
  }

  /** conv2's geometry (CSN rebuilds conv2 with it). */
  readonly conv2Spec: { kernel: number[]; stride: number[]; padding: number[]; dilation: number[] };

  get lastConv(): ConvModule { return this.conv3; }

  protected residual(x: Tensor): Tensor {
    return this.conv3.call(this.conv2.call(this.conv1.call(x)));
  }
}

// ---------------------------------------------------------------------------------------------

export interface ResNet3dOptions {
  /** 18, 34, 50, 101 or 152; required. */
  depth: number;
  /** Checkpoint to initialise from (a 2D one when pretrained2d); null: init from scratch. */
  pretrained: string | null;
  /** Blocks per stage; null: the depth's (3, 4, 6, 3) etc., cut to num_stages. */
  stage_blocks: number[] | null;
  /** Whether `pretrained` is a 2D ResNet to inflate. Default true. */
  pretrained2d: boolean;
  in_channels: number;
  num_stages: number;
  base_channels: number;
  out_indices: number[];
  spatial_strides: number[];
  temporal_strides: number[];
  dilations: number[];
  conv1_kernel: number[];
  conv1_stride_s: number;
  conv1_stride_t: number;
  pool1_stride_s: number;
  pool1_stride_t: number;
  with_pool1: boolean;
  with_pool2: boolean;
  style: Style;
  /** Stages (conv1 = 0) to freeze; -1 freezes nothing. */
  frozen_stages: number;
  /** Per stage: 0/1, or a list of 0/1 per block. */
  inflate: (number | number[])[] | number;
  inflate_style: InflateStyle;
  conv_cfg: Conv3dCfg;
  norm_cfg: NormCfg;
  act_cfg: ActCfg;
  /** Keep BN layers in eval mode while training. */
  norm_eval: boolean;
  /** Gradient checkpointing in MMAction2; accepted, results are the same. */
  with_cp: boolean;
  /** Per stage: 0/1, or a list of 0/1 per block. */
  non_local: (number | number[])[] | number;
  non_local_cfg: NonLocal3dOptions;
  zero_init_residual: boolean;
}

export const RESNET3D_DEFAULTS = Object.freeze({
  pretrained: null, stage_blocks: null, pretrained2d: true, in_channels: 3, num_stages: 4, base_channels: 64,
  out_indices: [3], spatial_strides: [1, 2, 2, 2], temporal_strides: [1, 1, 1, 1], dilations: [1, 1, 1, 1],
  conv1_kernel: [3, 7, 7], conv1_stride_s: 2, conv1_stride_t: 1, pool1_stride_s: 2, pool1_stride_t: 1,
  with_pool1: true, with_pool2: true, style: 'pytorch', frozen_stages: -1, inflate: [1, 1, 1, 1], inflate_style: '3x1x1',
  conv_cfg: { type: 'Conv3d' }, norm_cfg: { type: 'BN3d', requires_grad: true }, act_cfg: { type: 'ReLU', inplace: true },
  norm_eval: false, with_cp: false, non_local: [0, 0, 0, 0], non_local_cfg: {}, zero_init_residual: true,
} as const);

/** Option kinds that differ from their default's (shared with the ResNet3d subclasses' entries). */
export const RESNET3D_KINDS = Object.freeze({
  pretrained: ['string', 'null'], stage_blocks: ['array', 'null'], inflate: ['array', 'integer'], non_local: ['array', 'integer'],
} as const);

export const RESNET3D_ARCH: Record<number, [BlockClass, number[]]> = {
  18: [BasicBlock3d, [2, 2, 2, 2]],
  34: [BasicBlock3d, [3, 4, 6, 3]],
  50: [Bottleneck3d, [3, 4, 6, 3]],
  101: [Bottleneck3d, [3, 4, 23, 3]],
  152: [Bottleneck3d, [3, 8, 36, 3]],
};

/** How subclasses change the layers ResNet3d builds (instead of overriding methods called from the constructor). */
export interface ResNet3dVariant {
  /** Block classes by depth (CSN: its own bottleneck). */
  arch?: Record<number, [BlockClass, number[]]>;
  /** Extra input channels of the first block of a stage (SlowFast lateral connections). */
  lateralInplanes?: (inplanes: number) => number;
}

/** torch's _ntuple(n): a number repeated n times, a list kept as is. */
function ntuple<T>(v: T | T[], n: number): T[] {
  return Array.isArray(v) ? v : Array(n).fill(v);
}

export type BackboneOutput = Tensor | Tensor[];

export class ResNet3d extends nn.Module {
  readonly o: ResNet3dOptions;
  readonly block: BlockClass;
  readonly stageBlocks: number[];
  readonly stageInflations: (number | number[])[];
  readonly nonLocalStages: (number | number[])[];
  readonly resLayers: string[] = [];
  readonly featDim: number;
  readonly conv1: ConvModule;
  readonly maxpool: Module;
  readonly pool2: Module;

  constructor(options: Partial<ResNet3dOptions> & Pick<ResNet3dOptions, 'depth'>, variant: ResNet3dVariant = {}) {
    super();
    const o = { ...RESNET3D_DEFAULTS, pretrained: null, ...options } as ResNet3dOptions;
    this.o = o;
    const arch = variant.arch ?? RESNET3D_ARCH;
    if (!(o.depth in arch)) throw new RangeError(`${this.constructor.name}: invalid depth ${o.depth} (expected one of ${Object.keys(arch).join(', ')})`);
    if (!(o.num_stages >= 1 && o.num_stages <= 4)) throw new RangeError(`${this.constructor.name}: num_stages must be in 1..4, got ${o.num_stages}`);
    if (Math.max(...o.out_indices) >= o.num_stages) throw new RangeError(`${this.constructor.name}: out_indices ${JSON.stringify(o.out_indices)} must be < num_stages ${o.num_stages}`);
    for (const k of ['spatial_strides', 'temporal_strides', 'dilations'] as const)
      if (o[k].length !== o.num_stages) throw new RangeError(`${this.constructor.name}: ${k} needs ${o.num_stages} entries (num_stages), got ${o[k].length}`);
    if (o.stage_blocks && o.stage_blocks.length !== o.num_stages) throw new RangeError(`${this.constructor.name}: stage_blocks needs ${o.num_stages} entries, got ${o.stage_blocks.length}`);
    if (!['pytorch', 'caffe'].includes(o.style)) throw new TypeError(`style: expected 'pytorch' or 'caffe', got '${o.style}'`);
    if (!['3x1x1', '3x3x3'].includes(o.inflate_style)) throw new TypeError(`inflate_style: expected '3x1x1' or '3x3x3', got '${o.inflate_style}'`);
    const [block, blocks] = arch[o.depth];
    this.block = block;
    this.stageBlocks = o.stage_blocks ?? blocks.slice(0, o.num_stages);
    this.stageInflations = ntuple(o.inflate, o.num_stages);
    this.nonLocalStages = ntuple(o.non_local, o.num_stages);
    for (const [k, v] of [['inflate', this.stageInflations], ['non_local', this.nonLocalStages]] as const)
      if (v.length < this.stageBlocks.length) throw new RangeError(`${this.constructor.name}: ${k} needs ${this.stageBlocks.length} entries (one per stage), got ${v.length}: ${JSON.stringify(v)}`);

    const k = o.conv1_kernel;
    this.conv1 = this.registerModule('conv1', convModule3d(o.in_channels, o.base_channels, k, {
      stride: stride3(o.conv1_stride_t, o.conv1_stride_s), padding: k.map((v) => Math.floor((v - 1) / 2)), bias: false,
      conv_cfg: o.conv_cfg, norm_cfg: o.norm_cfg, act_cfg: o.act_cfg,
    }));
    this.maxpool = this.registerModule('maxpool', new nn.MaxPool3d([1, 3, 3], { stride: stride3(o.pool1_stride_t, o.pool1_stride_s), padding: [0, 1, 1] }));
    this.pool2 = this.registerModule('pool2', new nn.MaxPool3d([2, 1, 1], { stride: [2, 1, 1] }));

    let inplanes = o.base_channels;
    this.stageBlocks.forEach((numBlocks, i) => {
      const planes = o.base_channels * 2 ** i;
      const layer = makeResLayer(block, inplanes, planes, numBlocks, {
        spatial_stride: o.spatial_strides[i], temporal_stride: o.temporal_strides[i], dilation: o.dilations[i],
        style: o.style, inflate: this.stageInflations[i], inflate_style: o.inflate_style, non_local: this.nonLocalStages[i],
        non_local_cfg: o.non_local_cfg, conv_cfg: o.conv_cfg, norm_cfg: o.norm_cfg, act_cfg: o.act_cfg, with_cp: o.with_cp,
        lateral_inplanes: variant.lateralInplanes?.(inplanes) ?? 0,
      });
      inplanes = planes * block.expansion;
      const name = `layer${i + 1}`;
      this.registerModule(name, layer);
      this.resLayers.push(name);
    });
    this.featDim = block.expansion * o.base_channels * 2 ** (this.stageBlocks.length - 1);
  }

  layer(name: string): torch.nn.Sequential {
    return this.getModule(name) as torch.nn.Sequential;
  }

  /**
   * init_weights: with `pretrained` a file (or cached URL), inflate it as a 2D ResNet
   * (pretrained2d, torchvision layout) or load it non-strictly as a 3D checkpoint; without,
   * kaiming (fan_out) convs, BN = 1, zeroed last BN of each block if zero_init_residual.
   */
  initWeights(): void {
    const p = this.o.pretrained;
    if (typeof p === 'string') {
      const src = loadPretrained(p);
      if (this.o.pretrained2d) this.inflateWeights(src.stateDict, src.log);
      else src.loadInto(this, { strict: false });
      return;
    }
    if (p !== null && p !== undefined) throw new TypeError('pretrained must be a str or None');
    for (const m of this.modules()) {
      if (m instanceof nn.Conv3d) kaimingInit(m);
      else if (m instanceof nn.BatchNorm) constantInit(m, 1);
    }
    if (this.o.zero_init_residual) {
      for (const m of this.modules()) if (m instanceof ResBlock3d) constantInit(m.lastConv.norm!, 0);
    }
  }

  /**
   * Inflates a 2D ResNet state dict (MMAction2/torchvision layout: `conv1.weight`, `bn1.*`,
   * `layer1.0.downsample.0/1.*`) into this network: each 2D kernel is repeated over time and
   * divided by the temporal size. Returns the 2D keys that were not used.
   */
  inflateWeights(state2d: Map<string, Tensor>, log: (msg: string) => void = () => {}): string[] {
    return inflateResNet3dWeights(this, state2d, log, { skipLateral: false, padChannels: false });
  }

  protected freezeStages(): void {
    const freeze = (m: Module) => { m.eval(); for (const p of m.parameters()) p.requiresGrad_(false); };
    if (this.o.frozen_stages >= 0) freeze(this.conv1);
    for (let i = 1; i <= this.o.frozen_stages; i++) freeze(this.layer(`layer${i}`));
  }

  override train(mode = true): this {
    super.train(mode);
    this.freezeStages();
    if (mode && this.o.norm_eval) for (const m of this.modules()) if (m instanceof nn.BatchNorm) m.eval();
    return this;
  }

  forward(x: Tensor): BackboneOutput {
    return torch.tidy(() => {
      x = this.conv1.call(x);
      if (this.o.with_pool1) x = this.maxpool.call(x);
      const outs: Tensor[] = [];
      this.resLayers.forEach((name, i) => {
        x = this.layer(name).call(x);
        if (i === 0 && this.o.with_pool2) x = this.pool2.call(x);
        if (this.o.out_indices.includes(i)) outs.push(x);
      });
      return outs.length === 1 ? outs[0] : outs;
    });
  }
}

export interface ResLayerArgs extends Omit<BlockArgs, 'downsample' | 'inflate' | 'non_local'> {
  inflate: number | number[];
  non_local: number | number[];
  /** Channels concatenated from a lateral connection (SlowFast); 0 otherwise. */
  lateral_inplanes: number;
}

/** make_res_layer: a Sequential of `blocks` blocks; the first one strides and gets the downsample. */
export function makeResLayer(block: BlockClass, inplanes: number, planes: number, blocks: number, a: ResLayerArgs): torch.nn.Sequential {
  const inflate = ntuple(a.inflate, blocks);
  const nonLocal = ntuple(a.non_local, blocks);
  if (inflate.length !== blocks || nonLocal.length !== blocks)
    throw new RangeError(`make_res_layer: inflate ${JSON.stringify(a.inflate)} and non_local ${JSON.stringify(a.non_local)} need ${blocks} entries (one per block)`);
  const inC = inplanes + a.lateral_inplanes;
  const outC = planes * block.expansion;
  const downsample = a.spatial_stride !== 1 || inC !== outC
    ? convModule3d(inC, outC, 1, { stride: stride3(a.temporal_stride, a.spatial_stride), bias: false, conv_cfg: a.conv_cfg, norm_cfg: a.norm_cfg, act_cfg: null })
    : null;
  const args = (i: number): BlockArgs => ({
    ...a, spatial_stride: i === 0 ? a.spatial_stride : 1, temporal_stride: i === 0 ? a.temporal_stride : 1,
    downsample: i === 0 ? downsample : null, inflate: inflate[i] === 1, non_local: nonLocal[i] === 1,
  });
  const layers = [new block(inC, planes, args(0))];
  for (let i = 1; i < blocks; i++) layers.push(new block(outC, planes, args(i)));
  return new nn.Sequential(...layers);
}

/**
 * The 2D-to-3D inflation of ResNet3d._inflate_weights (and ResNet3dPathway's, which skips
 * lateral convs and zero-pads missing input channels).
 */
export function inflateResNet3dWeights(net: Module, sd: Map<string, Tensor>, log: (msg: string) => void,
  { skipLateral, padChannels }: { skipLateral: boolean; padChannels: boolean }): string[] {
  const used = new Set<string>();
  torch.noGrad(() => {
    for (const [name, m] of net.namedModules()) {
      if (skipLateral && name.includes('lateral')) continue;
      if (!isConvModule(m)) continue;
      const [convName, bnName] = name.includes('downsample') ? [`${name}.0`, `${name}.1`] : [name, name.replace(/conv/g, 'bn')];
      const w2 = sd.get(`${convName}.weight`);
      if (!w2) log(`Module not exist in the state_dict_r2d: ${convName}`);
      else inflateConv(m.conv as torch.nn.Conv3d, sd, convName, used, log, padChannels);
      if (!sd.has(`${bnName}.weight`)) log(`Module not exist in the state_dict_r2d: ${bnName}`);
      else inflateBN(m.norm!, sd, bnName, used, log);
    }
  });
  const remaining = [...sd.keys()].filter((k) => !used.has(k));
  if (remaining.length) log(`These parameters in the 2d checkpoint are not loaded: ${remaining.join(', ')}`);
  return remaining;
}

function isConvModule(m: Module): m is ConvModule {
  return m instanceof ConvModule;
}

function inflateConv(conv: torch.nn.Conv3d, sd: Map<string, Tensor>, name: string, used: Set<string>, log: (m: string) => void, padChannels: boolean): void {
  let w2 = sd.get(`${name}.weight`)!;
  const s3 = conv.weight.shape;
  const s2 = w2.shape;
  torch.tidy(() => {
    if (padChannels && s3[1] !== s2[1]) {
      if (s3[1] < s2[1]) { log(`The parameter of ${name} is not loaded due to incompatible shapes.`); return; }
      w2 = torch.cat([w2, torch.zeros([s2[0], s3[1] - s2[1], ...s2.slice(2)], { dtype: w2.dtype })], 1);
    } else if (!padChannels && (s2.length !== 4 || s2[0] !== s3[0] || s2[1] !== s3[1] || s2[2] !== s3[3] || s2[3] !== s3[4])) {
      log(`Weight shape mismatch for : ${name} : 3d weight shape: [${s3}]; 2d weight shape: [${s2}].`);
      return;
    }
    conv.weight.copy_(w2.unsqueeze(2).expandAs(conv.weight).div(s3[2]));
    used.add(`${name}.weight`);
    if (conv.bias) { conv.bias.copy_(sd.get(`${name}.bias`)!); used.add(`${name}.bias`); }
  });
}

function inflateBN(bn: Module, sd: Map<string, Tensor>, name: string, used: Set<string>, log: (m: string) => void): void {
  for (const [pname, p] of bn.namedParameters('', false)) {
    const p2 = sd.get(`${name}.${pname}`);
    if (!p2 || p2.shape.join() !== p.shape.join()) { log(`The parameter of ${name} is not loaded due to incompatible shapes.`); return; }
    p.copy_(p2);
    used.add(`${name}.${pname}`);
  }
  for (const [bname, b] of bn.namedBuffers('', false)) {
    const b2 = sd.get(`${name}.${bname}`);
    if (b2) { b.copy_(b2); used.add(`${name}.${bname}`); }
  }
}


/** Registry entry (type 'ResNet3d'). */
export const RESNET3D_ENTRY = defineEntry<ResNet3dOptions, Backbone>({
  type: 'ResNet3d',
  doc: 'I3D-style inflated 3D ResNet (mmaction/models/backbones/resnet3d.py)',
  defaults: RESNET3D_DEFAULTS as unknown as Partial<ResNet3dOptions>,
  required: ['depth'],
  kinds: RESNET3D_KINDS,
  choices: { style: ['pytorch', 'caffe'], inflate_style: ['3x1x1', '3x3x3'] },
  build: (o) => new ResNet3d(o),
});
