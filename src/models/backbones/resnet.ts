/**
 * ResNet (He et al., CVPR 2016) as MMAction2's 2D backbone, mirroring
 * mmaction/models/backbones/resnet.py: mmcv ConvModules named `conv1`/`conv2`/`conv3` with
 * `conv`/`bn` inside, `downsample` as a ConvModule, stem `conv1` + `maxpool`, stages `layer1..4`.
 */
import * as torch from '../../torch/index.ts';
import { ConvModule, type ActCfg, type ConvCfg, type NormCfg } from '../common/conv_module.ts';
import { constantInit, kaimingInit } from '../common/weight_init.ts';
import { loadPretrained, type PretrainedSource } from '../pretrained.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;
type Module = torch.nn.Module;

export type ResNetStyle = 'pytorch' | 'caffe';

export interface BlockOptions {
  stride?: number;
  dilation?: number;
  downsample?: ConvModule | null;
  style?: ResNetStyle;
  conv_cfg?: ConvCfg | null;
  norm_cfg?: NormCfg;
  act_cfg?: ActCfg | null;
  with_cp?: boolean;
}

export interface ResBlock extends Module {
  readonly conv1: ConvModule;
  readonly conv2: ConvModule;
  readonly downsample: ConvModule | null;
}

/** BasicBlock (two 3x3 convs), expansion 1. */
export class BasicBlock extends nn.Module implements ResBlock {
  static readonly expansion = 1;
  readonly conv1: ConvModule;
  readonly conv2: ConvModule;
  readonly downsample: ConvModule | null;

  constructor(inplanes: number, planes: number, o: BlockOptions = {}) {
    super();
    const stride = o.stride ?? 1;
    const dilation = o.dilation ?? 1;
    if (o.with_cp) throw new Error('BasicBlock: with_cp is not supported (MMAction2 asserts the same)');
    const common = { bias: false, conv_cfg: o.conv_cfg ?? { type: 'Conv' as const }, norm_cfg: o.norm_cfg ?? { type: 'BN' as const, requires_grad: true } };
    this.conv1 = this.registerModule('conv1', new ConvModule(inplanes, planes, 3, {
      stride, padding: dilation, dilation, ...common, act_cfg: o.act_cfg === undefined ? { type: 'ReLU', inplace: true } : o.act_cfg,
    }));
    this.conv2 = this.registerModule('conv2', new ConvModule(planes, planes, 3, { stride: 1, padding: 1, dilation: 1, ...common, act_cfg: null }));
    this.registerModule('relu', new nn.ReLU(true));
    this.downsample = this.registerModule('downsample', o.downsample ?? null);
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      let out = this.conv1.call(x);
      out = this.conv2.call(out);
      const identity = this.downsample ? this.downsample.call(x) : x;
      return this.getModule('relu')!.call(out.add(identity)); // the module, as MMAction2 (hooks and FLOPs see it)
    });
  }
}

/** Bottleneck (1x1, 3x3, 1x1), expansion 4; 'pytorch' style strides the 3x3, 'caffe' the first 1x1. */
export class Bottleneck extends nn.Module implements ResBlock {
  static readonly expansion = 4;
  readonly conv1: ConvModule;
  readonly conv2: ConvModule;
  readonly conv3: ConvModule;
  readonly downsample: ConvModule | null;
  readonly withCp: boolean;

  constructor(readonly inplanes: number, readonly planes: number, o: BlockOptions = {}) {
    super();
    const stride = o.stride ?? 1;
    const dilation = o.dilation ?? 1;
    const style = o.style ?? 'pytorch';
    if (style !== 'pytorch' && style !== 'caffe') throw new TypeError(`style must be 'pytorch' or 'caffe', got '${style}'`);
    const [s1, s2] = style === 'pytorch' ? [1, stride] : [stride, 1];
    const act = o.act_cfg === undefined ? { type: 'ReLU' as const, inplace: true } : o.act_cfg;
    const common = { bias: false, conv_cfg: o.conv_cfg ?? { type: 'Conv' as const }, norm_cfg: o.norm_cfg ?? { type: 'BN' as const, requires_grad: true } };
    this.conv1 = this.registerModule('conv1', new ConvModule(inplanes, planes, 1, { stride: s1, ...common, act_cfg: act }));
    this.conv2 = this.registerModule('conv2', new ConvModule(planes, planes, 3, { stride: s2, padding: dilation, dilation, ...common, act_cfg: act }));
    this.conv3 = this.registerModule('conv3', new ConvModule(planes, planes * Bottleneck.expansion, 1, { ...common, act_cfg: null }));
    this.registerModule('relu', new nn.ReLU(true));
    this.downsample = this.registerModule('downsample', o.downsample ?? null);
    this.withCp = o.with_cp ?? false; // accepted; gradient checkpointing changes memory only, not results
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      let out = this.conv1.call(x);
      out = this.conv2.call(out);
      out = this.conv3.call(out);
      const identity = this.downsample ? this.downsample.call(x) : x;
      return this.getModule('relu')!.call(out.add(identity)); // the module, as MMAction2 (hooks and FLOPs see it)
    });
  }
}

export type BlockClass = (typeof BasicBlock | typeof Bottleneck);

export interface ResLayerOptions {
  stride?: number;
  dilation?: number;
  style?: ResNetStyle;
  conv_cfg?: ConvCfg | null;
  norm_cfg?: NormCfg;
  act_cfg?: ActCfg | null;
  with_cp?: boolean;
}

/** make_res_layer: a Sequential of `blocks` blocks, the first with the stride and the downsample. */
export function makeResLayer(block: BlockClass, inplanes: number, planes: number, blocks: number, o: ResLayerOptions = {}): torch.nn.Sequential {
  const stride = o.stride ?? 1;
  let downsample: ConvModule | null = null;
  if (stride !== 1 || inplanes !== planes * block.expansion) {
    downsample = new ConvModule(inplanes, planes * block.expansion, 1, {
      stride, bias: false, conv_cfg: o.conv_cfg, norm_cfg: o.norm_cfg, act_cfg: null,
    });
  }
  const common = { dilation: o.dilation ?? 1, style: o.style, conv_cfg: o.conv_cfg, norm_cfg: o.norm_cfg, act_cfg: o.act_cfg, with_cp: o.with_cp };
  const layers: Module[] = [new block(inplanes, planes, { ...common, stride, downsample })];
  for (let i = 1; i < blocks; i++) layers.push(new block(planes * block.expansion, planes, { ...common, stride: 1 }));
  return new nn.Sequential(...layers);
}

export interface ResNetOptions {
  /** 18, 34, 50, 101 or 152 (required). */
  depth: number;
  /** Checkpoint path/URL loaded by initWeights, or null for random init. Default null. */
  pretrained: string | null;
  /** The pretrained file has torchvision's key layout. Default true. */
  torchvision_pretrain: boolean;
  /** Default 3. */
  in_channels: number;
  /** 1..4, default 4. */
  num_stages: number;
  /** Default [3]. */
  out_indices: number[];
  /** Default [1, 2, 2, 2]. */
  strides: number[];
  /** Default [1, 1, 1, 1]. */
  dilations: number[];
  /** Default 'pytorch'. */
  style: ResNetStyle;
  /** Stages to freeze (-1: none). Default -1. */
  frozen_stages: number;
  /** Default {type: 'Conv'}. */
  conv_cfg: ConvCfg;
  /** Default {type: 'BN2d', requires_grad: true}. */
  norm_cfg: NormCfg;
  /** Default {type: 'ReLU', inplace: true}. */
  act_cfg: ActCfg;
  /** Keep BN layers in eval mode while training. Default false. */
  norm_eval: boolean;
  /** Freeze every BatchNorm2d except the first while training. Default false. */
  partial_bn: boolean;
  /** Gradient checkpointing (accepted; no effect on results). Default false. */
  with_cp: boolean;
}

export const RESNET_DEFAULTS = Object.freeze({
  pretrained: null, torchvision_pretrain: true, in_channels: 3, num_stages: 4, out_indices: [3],
  strides: [1, 2, 2, 2], dilations: [1, 1, 1, 1], style: 'pytorch', frozen_stages: -1,
  conv_cfg: { type: 'Conv' }, norm_cfg: { type: 'BN2d', requires_grad: true }, act_cfg: { type: 'ReLU', inplace: true },
  norm_eval: false, partial_bn: false, with_cp: false,
} as const);

export const RESNET_ARCH: Readonly<Record<number, readonly [BlockClass, readonly number[]]>> = Object.freeze({
  18: [BasicBlock, [2, 2, 2, 2]],
  34: [BasicBlock, [3, 4, 6, 3]],
  50: [Bottleneck, [3, 4, 6, 3]],
  101: [Bottleneck, [3, 4, 23, 3]],
  152: [Bottleneck, [3, 8, 36, 3]],
});

/** Fills MMAction2's defaults into a partial options object (for direct construction). */
export function resnetOptions(o: Partial<ResNetOptions> & { depth: number }): ResNetOptions {
  return { ...structuredClone(RESNET_DEFAULTS), ...o } as ResNetOptions;
}

export class ResNet extends nn.Module {
  readonly o: ResNetOptions;
  readonly block: BlockClass;
  readonly stageBlocks: number[];
  readonly resLayers: string[] = [];
  readonly featDim: number;
  readonly conv1: ConvModule;

  constructor(options: Partial<ResNetOptions> & { depth: number }) {
    super();
    const o = resnetOptions(options);
    this.o = o;
    const arch = RESNET_ARCH[o.depth];
    if (!arch) throw new RangeError(`invalid depth ${o.depth} for resnet (expected 18, 34, 50, 101 or 152)`);
    if (!(o.num_stages >= 1 && o.num_stages <= 4)) throw new RangeError(`num_stages must be 1..4, got ${o.num_stages}`);
    if (Math.max(...o.out_indices) >= o.num_stages) throw new RangeError(`out_indices ${JSON.stringify(o.out_indices)} must be < num_stages ${o.num_stages}`);
    if (o.strides.length !== o.num_stages || o.dilations.length !== o.num_stages)
      throw new RangeError(`strides (${o.strides.length}) and dilations (${o.dilations.length}) need num_stages (${o.num_stages}) entries`);
    this.block = arch[0];
    this.stageBlocks = arch[1].slice(0, o.num_stages);
    // Stem: the names conv1/maxpool are MMAction2's.
    this.conv1 = this.registerModule('conv1', new ConvModule(o.in_channels, 64, 7, {
      stride: 2, padding: 3, bias: false, conv_cfg: o.conv_cfg, norm_cfg: o.norm_cfg, act_cfg: o.act_cfg,
    }));
    this.registerModule('maxpool', new nn.MaxPool2d(3, { stride: 2, padding: 1 }));
    let inplanes = 64;
    this.stageBlocks.forEach((numBlocks, i) => {
      const planes = 64 * 2 ** i;
      const layer = makeResLayer(this.block, inplanes, planes, numBlocks, {
        stride: o.strides[i], dilation: o.dilations[i], style: o.style, conv_cfg: o.conv_cfg, norm_cfg: o.norm_cfg, act_cfg: o.act_cfg, with_cp: o.with_cp,
      });
      inplanes = planes * this.block.expansion;
      this.registerModule(`layer${i + 1}`, layer);
      this.resLayers.push(`layer${i + 1}`);
    });
    this.featDim = this.block.expansion * 64 * 2 ** (this.stageBlocks.length - 1);
  }

  get numStages(): number { return this.o.num_stages; }

  /** Random init (kaiming for Conv2d, 1/0 for BatchNorm2d) or loading `pretrained`, like MMAction2. */
  initWeights(): void {
    const p = this.o.pretrained;
    if (typeof p === 'string') {
      const src = loadPretrained(p);
      try {
        if (this.o.torchvision_pretrain) loadTorchvisionResNet(this, src);
        else src.loadInto(this, { strict: false });
      } finally {
        src.dispose();
      }
    } else if (p === null || p === undefined) {
      for (const m of this.modules()) {
        if (m instanceof nn.Conv2d) kaimingInit(m);
        else if (m instanceof nn.BatchNorm2d) constantInit(m, 1);
      }
    } else {
      throw new TypeError('pretrained must be a str or None');
    }
  }

  forward(x: Tensor): Tensor | Tensor[] {
    return torch.tidy(() => {
      x = this.getModule('conv1')!.call(x);
      x = this.getModule('maxpool')!.call(x);
      const outs: Tensor[] = [];
      this.resLayers.forEach((name, i) => {
        x = this.getModule(name)!.call(x);
        if (this.o.out_indices.includes(i)) outs.push(x);
      });
      return outs.length === 1 ? outs[0] : outs;
    });
  }

  protected freezeStages(): void {
    const fs = this.o.frozen_stages;
    if (fs >= 0) {
      this.conv1.norm?.eval();
      for (const p of this.conv1.parameters()) p.requiresGrad_(false);
    }
    for (let i = 1; i <= fs; i++) {
      const m = this.getModule(`layer${i}`)!;
      m.eval();
      for (const p of m.parameters()) p.requiresGrad_(false);
    }
  }

  /** Partial BN (TSN): every BatchNorm2d but the first stays in eval mode with frozen affine parameters. */
  protected partialBn(): void {
    let count = 0;
    for (const m of this.modules()) {
      if (m instanceof nn.BatchNorm2d) {
        count += 1;
        if (count >= 2) {
          m.eval();
          m.weight?.requiresGrad_(false);
          m.bias?.requiresGrad_(false);
        }
      }
    }
  }

  override train(mode = true): this {
    super.train(mode);
    this.freezeStages();
    if (mode && this.o.norm_eval) for (const m of this.modules()) if (m instanceof nn.BatchNorm) m.eval();
    if (mode && this.o.partial_bn) this.partialBn();
    return this;
  }
}

/**
 * Loads a torchvision ResNet state dict into MMAction2's layout (ResNet._load_torchvision_checkpoint):
 * `layer1.0.conv1` <- `layer1.0.conv1` + `layer1.0.bn1`, `layer1.0.downsample` <- `.0` (conv) + `.1` (bn).
 * Returns the torchvision keys that were not used.
 */
export function loadTorchvisionResNet(model: Module, src: PretrainedSource): string[] {
  const sd = src.stateDict;
  const loaded = new Set<string>();
  const copy = (dst: Tensor | null | undefined, key: string) => {
    const s = sd.get(key);
    if (!dst) return;
    if (!s) throw new Error(`torchvision checkpoint ${src.name}: missing key '${key}'`);
    if (s.shape.length === dst.shape.length && s.shape.every((v, i) => v === dst.shape[i])) {
      torch.noGrad(() => dst.copy_(s));
      loaded.add(key);
    }
  };
  for (const [name, m] of model.namedModules()) {
    if (!(m instanceof ConvModule)) continue;
    const [convName, bnName] = name.includes('downsample') ? [`${name}.0`, `${name}.1`] : [name, name.replaceAll('conv', 'bn')];
    copy(m.conv.weight, `${convName}.weight`);
    if (m.conv.bias) copy(m.conv.bias, `${convName}.bias`);
    const bn = m.norm;
    if (bn) {
      for (const [pn, p] of bn.namedParameters('', false)) copy(p, `${bnName}.${pn}`);
      for (const [bn2, b] of bn.namedBuffers('', false)) if (sd.has(`${bnName}.${bn2}`)) copy(b, `${bnName}.${bn2}`);
    }
  }
  const remaining = [...sd.keys()].filter((k) => !loaded.has(k));
  if (remaining.length) src.log(`These parameters in pretrained checkpoint are not loaded: ${remaining.join(', ')}`);
  return remaining;
}
