/**
 * X3D ("X3D: Expanding Architectures for Efficient Video Recognition", Feichtenhofer, CVPR
 * 2020): a 2D-MobileNet-like 3D network expanded along width (gamma_w), bottleneck width
 * (gamma_b) and depth (gamma_d), with depthwise 3x3x3 convs, squeeze-excitation on every
 * other block and swish.
 *
 * Mirrors mmaction/models/backbones/x3d.py: stem `conv1_s` (spatial, no norm) + `conv1_t`
 * (depthwise temporal), four stages of BlockX3D (`conv1`, `conv2`, `se_module.fc1/fc2`,
 * `conv3`, `downsample`), then `conv5`.
 */
import * as torch from '../../torch/index.ts';
import { ConvModule, buildActivationLayer, type ActCfg, type NormCfg } from '../common/conv_module.ts';
import { constantInit, kaimingInit } from '../common/weight_init.ts';
import { loadPretrained } from '../pretrained.ts';
import { defineEntry } from '../../config/registry.ts';
import type { Backbone } from '../recognizers/base.ts';

const { nn } = torch;
type Tensor = torch.Tensor;
type Module = torch.nn.Module;

/** X3D's width rounding: width * multiplier to a multiple of `divisor` (>= min), never below 90% of it. */
export function roundWidth(width: number, multiplier: number, minWidth = 8, divisor = 8): number {
  if (!multiplier) return width;
  const w = width * multiplier;
  const min = minWidth || divisor;
  let out = Math.max(min, Math.floor(Math.trunc(w + divisor / 2) / divisor) * divisor);
  if (out < 0.9 * w) out += divisor;
  return Math.trunc(out);
}

/** X3D's depth rounding: ceil(multiplier * repeats). */
export function roundRepeats(repeats: number, multiplier: number): number {
  return multiplier ? Math.ceil(multiplier * repeats) : repeats;
}

/** Squeeze-excitation: global pool -> 1x1x1 conv (bottleneck) -> ReLU -> 1x1x1 conv -> sigmoid gate. */
export class SEModule extends nn.Module {
  readonly bottleneck: number;
  readonly fc1: torch.nn.Conv3d;
  readonly fc2: torch.nn.Conv3d;

  constructor(channels: number, reduction: number) {
    super();
    this.registerModule('avg_pool', new nn.AdaptiveAvgPool3d(1));
    this.bottleneck = roundWidth(channels, reduction);
    this.fc1 = this.registerModule('fc1', new nn.Conv3d(channels, this.bottleneck, 1, { padding: 0 }));
    this.registerModule('relu', new nn.ReLU());
    this.fc2 = this.registerModule('fc2', new nn.Conv3d(this.bottleneck, channels, 1, { padding: 0 }));
    this.registerModule('sigmoid', new nn.Sigmoid());
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      let s = this.getModule('avg_pool')!.call(x) as Tensor; // [N, C, 1, 1, 1]
      s = this.fc2.call(this.getModule('relu')!.call(this.fc1.call(s)));
      return x.mul(this.getModule('sigmoid')!.call(s));
    });
  }
}

export interface BlockX3DArgs {
  spatial_stride: number;
  downsample: ConvModule | null;
  se_ratio: number | null;
  use_swish: boolean;
  conv_cfg: { type: 'Conv3d' };
  norm_cfg: NormCfg;
  act_cfg: ActCfg;
  with_cp: boolean;
}

/** BlockX3D: 1x1x1 expand -> depthwise 3x3x3 (+ SE) -> swish -> 1x1x1 project, residual, act. */
export class BlockX3D extends nn.Module {
  readonly conv1: ConvModule;
  readonly conv2: ConvModule;
  readonly conv3: ConvModule;
  readonly downsample: ConvModule | null;
  readonly seModule: SEModule | null;
  readonly useSwish: boolean;

  constructor(inplanes: number, planes: number, outplanes: number, a: BlockX3DArgs) {
    super();
    this.useSwish = a.use_swish;
    this.downsample = a.downsample ? this.registerModule('downsample', a.downsample) : null;
    const common = { bias: false, conv_cfg: a.conv_cfg, norm_cfg: a.norm_cfg };
    this.conv1 = this.registerModule('conv1', new ConvModule(inplanes, planes, 1, { ...common, stride: 1, padding: 0, act_cfg: a.act_cfg }));
    this.conv2 = this.registerModule('conv2', new ConvModule(planes, planes, 3, {
      ...common, stride: [1, a.spatial_stride, a.spatial_stride], padding: 1, groups: planes, act_cfg: null,
    }));
    this.registerModule('swish', new nn.SiLU());
    this.conv3 = this.registerModule('conv3', new ConvModule(planes, outplanes, 1, { ...common, stride: 1, padding: 0, act_cfg: null }));
    this.seModule = a.se_ratio !== null ? this.registerModule('se_module', new SEModule(planes, a.se_ratio)) : null;
    this.registerModule('relu', buildActivationLayer(a.act_cfg));
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      let out = this.conv2.call(this.conv1.call(x));
      if (this.seModule) out = this.seModule.call(out);
      // MMAction2 builds `swish` and always applies it (use_swish is stored, not read).
      out = this.conv3.call(this.getModule('swish')!.call(out));
      const identity = this.downsample ? this.downsample.call(x) : x;
      return this.getModule('relu')!.call(out.add(identity));
    });
  }
}

export interface X3DOptions {
  gamma_w: number;
  gamma_b: number;
  gamma_d: number;
  pretrained: string | null;
  in_channels: number;
  num_stages: number;
  spatial_strides: number[];
  frozen_stages: number;
  /** SE on every block ('all') or every other block starting with the first ('half'). */
  se_style: 'all' | 'half';
  se_ratio: number | null;
  use_swish: boolean;
  conv_cfg: { type: 'Conv3d' };
  norm_cfg: NormCfg;
  act_cfg: ActCfg;
  norm_eval: boolean;
  with_cp: boolean;
  zero_init_residual: boolean;
}

export const X3D_DEFAULTS = Object.freeze({
  gamma_w: 1.0, gamma_b: 1.0, gamma_d: 1.0, pretrained: null, in_channels: 3, num_stages: 4, spatial_strides: [2, 2, 2, 2],
  frozen_stages: -1, se_style: 'half', se_ratio: 1 / 16, use_swish: true, conv_cfg: { type: 'Conv3d' },
  norm_cfg: { type: 'BN3d', requires_grad: true }, act_cfg: { type: 'ReLU', inplace: true }, norm_eval: false, with_cp: false,
  zero_init_residual: true,
} as const);

export class X3D extends nn.Module {
  readonly o: X3DOptions;
  readonly baseChannels: number;
  readonly stageBlocks: number[];
  readonly resLayers: string[] = [];
  readonly featDim: number;
  readonly conv1S: ConvModule;
  readonly conv1T: ConvModule;
  readonly conv5: ConvModule;

  constructor(options: Partial<X3DOptions> = {}) {
    super();
    const o = { ...X3D_DEFAULTS, ...options } as X3DOptions;
    this.o = o;
    if (!(o.num_stages >= 1 && o.num_stages <= 4)) throw new RangeError(`X3D: num_stages must be in 1..4, got ${o.num_stages}`);
    if (o.spatial_strides.length !== o.num_stages) throw new RangeError(`X3D: spatial_strides needs ${o.num_stages} entries, got ${o.spatial_strides.length}`);
    if (o.se_style !== 'all' && o.se_style !== 'half') throw new TypeError(`X3D: se_style must be 'all' or 'half', got '${o.se_style}'`);
    if (o.se_ratio !== null && !(o.se_ratio > 0)) throw new RangeError(`X3D: se_ratio must be > 0 or None, got ${o.se_ratio}`);
    this.baseChannels = roundWidth(24, o.gamma_w);
    this.stageBlocks = [1, 2, 5, 3].map((b) => roundRepeats(b, o.gamma_d)).slice(0, o.num_stages);
    const base = this.baseChannels;
    this.conv1S = this.registerModule('conv1_s', new ConvModule(o.in_channels, base, [1, 3, 3], {
      stride: [1, 2, 2], padding: [0, 1, 1], bias: false, conv_cfg: o.conv_cfg, norm_cfg: null, act_cfg: null,
    }));
    this.conv1T = this.registerModule('conv1_t', new ConvModule(base, base, [5, 1, 1], {
      stride: 1, padding: [2, 0, 0], groups: base, bias: false, conv_cfg: o.conv_cfg, norm_cfg: o.norm_cfg, act_cfg: o.act_cfg,
    }));
    let layerInplanes = base;
    this.stageBlocks.forEach((blocks, i) => {
      const inplanes = base * 2 ** i;
      const planes = Math.trunc(inplanes * o.gamma_b);
      const s = o.spatial_strides[i];
      const downsample = s !== 1 || layerInplanes !== inplanes
        ? new ConvModule(layerInplanes, inplanes, 1, { stride: [1, s, s], padding: 0, bias: false, conv_cfg: o.conv_cfg, norm_cfg: o.norm_cfg, act_cfg: null })
        : null;
      const layers: BlockX3D[] = [];
      for (let b = 0; b < blocks; b++) {
        const useSe = o.se_style === 'all' || b % 2 === 0;
        layers.push(new BlockX3D(b === 0 ? layerInplanes : inplanes, planes, inplanes, {
          spatial_stride: b === 0 ? s : 1, downsample: b === 0 ? downsample : null, se_ratio: useSe ? o.se_ratio : null,
          use_swish: o.use_swish, conv_cfg: o.conv_cfg, norm_cfg: o.norm_cfg, act_cfg: o.act_cfg, with_cp: o.with_cp,
        }));
      }
      layerInplanes = inplanes;
      const name = `layer${i + 1}`;
      this.registerModule(name, new nn.Sequential(...layers));
      this.resLayers.push(name);
    });
    const featDim = base * 2 ** (this.stageBlocks.length - 1);
    this.conv5 = this.registerModule('conv5', new ConvModule(featDim, Math.trunc(featDim * o.gamma_b), 1, {
      stride: 1, padding: 0, bias: false, conv_cfg: o.conv_cfg, norm_cfg: o.norm_cfg, act_cfg: o.act_cfg,
    }));
    this.featDim = Math.trunc(featDim * o.gamma_b);
  }

  /** init_weights: `pretrained` loaded non-strictly, or kaiming (fan_out) convs, BN = 1, zeroed conv3 BN of every block if zero_init_residual. */
  initWeights(): void {
    const p = this.o.pretrained;
    if (typeof p === 'string') { loadPretrained(p).loadInto(this, { strict: false }); return; }
    if (p !== null && p !== undefined) throw new TypeError('pretrained must be a str or None');
    for (const m of this.modules()) {
      if (m instanceof nn.Conv3d) kaimingInit(m);
      else if (m instanceof nn.BatchNorm) constantInit(m, 1);
    }
    if (this.o.zero_init_residual) for (const m of this.modules()) if (m instanceof BlockX3D) constantInit(m.conv3.norm!, 0);
  }

  protected freezeStages(): void {
    const freeze = (m: Module) => { m.eval(); for (const p of m.parameters()) p.requiresGrad_(false); };
    if (this.o.frozen_stages >= 0) { freeze(this.conv1S); freeze(this.conv1T); }
    for (let i = 1; i <= this.o.frozen_stages; i++) freeze(this.getModule(`layer${i}`)!);
  }

  override train(mode = true): this {
    super.train(mode);
    this.freezeStages();
    if (mode && this.o.norm_eval) for (const m of this.modules()) if (m instanceof nn.BatchNorm) m.eval();
    return this;
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      x = this.conv1T.call(this.conv1S.call(x));
      for (const name of this.resLayers) x = this.getModule(name)!.call(x);
      return this.conv5.call(x);
    });
  }
}


/** Registry entry (type 'X3D'). */
export const X3D_ENTRY = defineEntry<X3DOptions, Backbone>({
  type: 'X3D',
  doc: 'X3D (mmaction/models/backbones/x3d.py)',
  defaults: X3D_DEFAULTS as unknown as Partial<X3DOptions>,
  kinds: { pretrained: ['string', 'null'], se_ratio: ['number', 'null'] },
  choices: { se_style: ['all', 'half'] },
  build: (o) => new X3D(o),
});
