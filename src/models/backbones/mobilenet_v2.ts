/**
 * MobileNetV2 (Sandler et al., CVPR 2018), mirroring mmaction/models/backbones/mobilenet_v2.py:
 * stem `conv1`, stages `layer1..layer7` of InvertedResidual blocks (`conv.0/1/2` ConvModules),
 * head conv `conv2`; `out_indices` count the stages and conv2 (0..7).
 */
import * as torch from '../../torch/index.ts';
import { ConvModule, type ActCfg, type ConvCfg, type NormCfg } from '../common/conv_module.ts';
import { constantInit, kaimingInit } from '../common/weight_init.ts';
import { loadPretrained } from '../pretrained.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;

/** mmcv's make_divisible: round to the nearest multiple of divisor, never below min_ratio of value. */
export function makeDivisible(value: number, divisor: number, minValue: number | null = null, minRatio = 0.9): number {
  const minV = minValue ?? divisor;
  let v = Math.max(minV, Math.floor(Math.floor(value + divisor / 2) / divisor) * divisor);
  if (v < minRatio * value) v += divisor;
  return v;
}

export interface InvertedResidualOptions {
  conv_cfg?: ConvCfg | null;
  norm_cfg?: NormCfg;
  act_cfg?: ActCfg;
  with_cp?: boolean;
}

export class InvertedResidual extends nn.Module {
  readonly useResConnect: boolean;
  readonly conv: torch.nn.Sequential;

  constructor(inChannels: number, outChannels: number, readonly stride: number, readonly expandRatio: number, o: InvertedResidualOptions = {}) {
    super();
    if (stride !== 1 && stride !== 2) throw new RangeError(`stride must in [1, 2]. But received ${stride}.`);
    this.useResConnect = stride === 1 && inChannels === outChannels;
    const hidden = Math.round(inChannels * expandRatio);
    const norm = o.norm_cfg ?? { type: 'BN' as const };
    const act = o.act_cfg ?? { type: 'ReLU6' as const };
    const layers: ConvModule[] = [];
    if (expandRatio !== 1) layers.push(new ConvModule(inChannels, hidden, 1, { conv_cfg: o.conv_cfg, norm_cfg: norm, act_cfg: act }));
    layers.push(
      new ConvModule(hidden, hidden, 3, { stride, padding: 1, groups: hidden, conv_cfg: o.conv_cfg, norm_cfg: norm, act_cfg: act }),
      new ConvModule(hidden, outChannels, 1, { conv_cfg: o.conv_cfg, norm_cfg: norm, act_cfg: null }),
    );
    this.conv = this.registerModule('conv', new nn.Sequential(...layers));
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      const y = this.conv.call(x);
      return this.useResConnect ? x.add(y) : y;
    });
  }
}

export interface MobileNetV2Options {
  /** Default null. */
  pretrained: string | null;
  /** Channel multiplier. Default 1.0. */
  widen_factor: number;
  /** Indices into [layer1..layer7, conv2]. Default [7]. */
  out_indices: number[];
  /** Default -1. */
  frozen_stages: number;
  /** Default {type: 'Conv'}. */
  conv_cfg: ConvCfg;
  /** Default {type: 'BN2d', requires_grad: true}. */
  norm_cfg: NormCfg;
  /** Default {type: 'ReLU6', inplace: true}. */
  act_cfg: ActCfg;
  /** Default false. */
  norm_eval: boolean;
  /** Default false. */
  with_cp: boolean;
}

export const MOBILENET_V2_DEFAULTS = Object.freeze({
  pretrained: null, widen_factor: 1.0, out_indices: [7], frozen_stages: -1, conv_cfg: { type: 'Conv' },
  norm_cfg: { type: 'BN2d', requires_grad: true }, act_cfg: { type: 'ReLU6', inplace: true }, norm_eval: false, with_cp: false,
} as const);

/** [expand_ratio, channel, num_blocks, stride] per stage. */
const ARCH: readonly (readonly [number, number, number, number])[] = [
  [1, 16, 1, 1], [6, 24, 2, 2], [6, 32, 3, 2], [6, 64, 4, 2], [6, 96, 3, 1], [6, 160, 3, 2], [6, 320, 1, 1],
];

export class MobileNetV2 extends nn.Module {
  readonly o: MobileNetV2Options;
  readonly layers: string[] = [];
  readonly outChannel: number;

  constructor(options: Partial<MobileNetV2Options> = {}) {
    super();
    const o = { ...structuredClone(MOBILENET_V2_DEFAULTS), ...options } as MobileNetV2Options;
    this.o = o;
    for (const i of o.out_indices) if (!(Number.isInteger(i) && i >= 0 && i < 8)) throw new RangeError(`the item in out_indices must in range(0, 8). But received ${i}`);
    if (!(o.frozen_stages >= -1 && o.frozen_stages < 9)) throw new RangeError(`frozen_stages must be in range(-1, 9). But received ${o.frozen_stages}`);
    let inChannels = makeDivisible(32 * o.widen_factor, 8);
    this.registerModule('conv1', new ConvModule(3, inChannels, 3, { stride: 2, padding: 1, conv_cfg: o.conv_cfg, norm_cfg: o.norm_cfg, act_cfg: o.act_cfg }));
    ARCH.forEach(([expand, channel, numBlocks, stride], i) => {
      const out = makeDivisible(channel * o.widen_factor, 8);
      const blocks: InvertedResidual[] = [];
      for (let b = 0; b < numBlocks; b++) {
        blocks.push(new InvertedResidual(inChannels, out, b >= 1 ? 1 : stride, expand, { conv_cfg: o.conv_cfg, norm_cfg: o.norm_cfg, act_cfg: o.act_cfg, with_cp: o.with_cp }));
        inChannels = out;
      }
      this.registerModule(`layer${i + 1}`, new nn.Sequential(...blocks));
      this.layers.push(`layer${i + 1}`);
    });
    this.outChannel = o.widen_factor > 1.0 ? Math.trunc(1280 * o.widen_factor) : 1280;
    this.registerModule('conv2', new ConvModule(inChannels, this.outChannel, 1, { stride: 1, padding: 0, conv_cfg: o.conv_cfg, norm_cfg: o.norm_cfg, act_cfg: o.act_cfg }));
    this.layers.push('conv2');
  }

  initWeights(): void {
    const p = this.o.pretrained;
    if (typeof p === 'string') {
      const src = loadPretrained(p);
      try {
        src.loadInto(this, { strict: false });
      } finally {
        src.dispose();
      }
    } else if (p === null || p === undefined) {
      for (const m of this.modules()) {
        if (m instanceof nn.Conv2d) kaimingInit(m);
        else if (m instanceof nn.BatchNorm || m instanceof nn.GroupNorm) constantInit(m, 1);
      }
    } else {
      throw new TypeError('pretrained must be a str or None');
    }
  }

  forward(x: Tensor): Tensor | Tensor[] {
    return torch.tidy(() => {
      x = this.getModule('conv1')!.call(x);
      const outs: Tensor[] = [];
      this.layers.forEach((name, i) => {
        x = this.getModule(name)!.call(x);
        if (this.o.out_indices.includes(i)) outs.push(x);
      });
      return outs.length === 1 ? outs[0] : outs;
    });
  }

  protected freezeStages(): void {
    if (this.o.frozen_stages >= 0) {
      const c1 = this.getModule('conv1')!;
      c1.eval();
      for (const p of c1.parameters()) p.requiresGrad_(false);
    }
    for (let i = 1; i <= this.o.frozen_stages; i++) {
      const layer = this.getModule(this.layers[i - 1])!;
      layer.eval();
      for (const p of layer.parameters()) p.requiresGrad_(false);
    }
  }

  override train(mode = true): this {
    super.train(mode);
    this.freezeStages();
    if (mode && this.o.norm_eval) for (const m of this.modules()) if (m instanceof nn.BatchNorm) m.eval();
    return this;
  }
}
