/**
 * Conv2plus1d ("A Closer Look at Spatiotemporal Convolutions for Action Recognition", Tran et
 * al., CVPR 2018): a 3D convolution factorised into a spatial (1, kh, kw) conv, BN, ReLU and a
 * temporal (kt, 1, 1) conv. Mirrors mmaction/models/common/conv2plus1d.py (module names
 * `conv_s`, `bn_s`, `conv_t`).
 *
 * Also here: `convModule3d`, mmcv's ConvModule for the conv types of the 3D backbones —
 * `Conv3d` and MMAction2's `Conv2plus1d` (registered in mmcv's CONV_LAYERS by MMAction2).
 */
import * as torch from '../../torch/index.ts';
import { ConvModule, buildNormLayer, type ConvModuleOptions, type NormCfg } from '../common/conv_module.ts';
import { constantInit, kaimingInit } from '../common/weight_init.ts';

const { nn } = torch;
type Tensor = torch.Tensor;
type Module = torch.nn.Module;

const triple = (v: number | number[]): [number, number, number] => (Array.isArray(v) ? [v[0], v[1], v[2]] : [v, v, v]);

export interface Conv2plus1dOptions {
  stride?: number | number[];
  padding?: number | number[];
  dilation?: number | number[];
  groups?: number;
  bias?: boolean;
  /** The norm between the two convs; MMAction2's default BN3d (eps 1e-5), whatever the backbone's norm_cfg. */
  norm_cfg?: NormCfg;
}

export class Conv2plus1d extends nn.Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly midChannels: number;
  readonly convS: torch.nn.Conv3d;
  readonly bnS: Module;
  readonly relu: Module;
  readonly convT: torch.nn.Conv3d;

  constructor(inChannels: number, outChannels: number, kernelSize: number | number[], o: Conv2plus1dOptions = {}) {
    super();
    const [kt, kh, kw] = triple(kernelSize);
    const [st, sh, sw] = triple(o.stride ?? 1);
    const [pt, ph, pw] = triple(o.padding ?? 0);
    const bias = o.bias ?? true;
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    // Keeps the parameter count of the full (kt, kh, kw) conv: Sec. 3.5 of the paper.
    this.midChannels = Math.trunc((3 * (inChannels * outChannels * kh * kw)) / (inChannels * kh * kw + 3 * outChannels));
    this.convS = this.registerModule('conv_s', new nn.Conv3d(inChannels, this.midChannels, [1, kh, kw], { stride: [1, sh, sw], padding: [0, ph, pw], bias }));
    const [, bn] = buildNormLayer(o.norm_cfg ?? { type: 'BN3d' }, this.midChannels);
    this.bnS = this.registerModule('bn_s', bn);
    this.relu = this.registerModule('relu', new nn.ReLU(true));
    this.convT = this.registerModule('conv_t', new nn.Conv3d(this.midChannels, outChannels, [kt, 1, 1], { stride: [st, 1, 1], padding: [pt, 0, 0], bias }));
    this.initWeights();
  }

  initWeights(): void {
    kaimingInit(this.convS);
    kaimingInit(this.convT);
    constantInit(this.bnS, 1, 0);
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => this.convT.call(this.relu.call(this.bnS.call(this.convS.call(x)))));
  }
}

/** conv_cfg of the 3D backbones. */
export interface Conv3dCfg {
  type: 'Conv3d' | 'Conv2plus1d';
  /** Conv2plus1d only: its inner norm. */
  norm_cfg?: NormCfg;
}

export type ConvModule3dOptions = Omit<ConvModuleOptions, 'conv_cfg'> & { conv_cfg?: Conv3dCfg | null };

/**
 * mmcv's ConvModule(in, out, kernel, conv_cfg=..., norm_cfg=..., act_cfg=...) for 3D convs.
 * With `conv_cfg.type = 'Conv2plus1d'` the `conv` child is a Conv2plus1d (same place in the
 * module tree, so keys read `conv1.conv.conv_s.weight`, `conv1.bn.weight`).
 */
export function convModule3d(inChannels: number, outChannels: number, kernelSize: number | number[], o: ConvModule3dOptions = {}): ConvModule {
  const cfg = o.conv_cfg ?? { type: 'Conv3d' as const };
  if (cfg.type === 'Conv3d') return new ConvModule(inChannels, outChannels, kernelSize, { ...o, conv_cfg: { type: 'Conv3d' } });
  if (cfg.type !== 'Conv2plus1d') throw new TypeError(`conv_cfg: unrecognized conv type '${(cfg as { type: string }).type}' (expected Conv3d or Conv2plus1d)`);
  // mmcv builds Conv2plus1d inside ConvModule; here the ConvModule is made with an empty
  // (zero-output-channel) Conv3d, which draws no random numbers, and then takes the real conv and
  // norm, so a seeded build draws exactly what MMAction2's does.
  if ((o.groups ?? 1) !== 1) throw new RangeError('Conv2plus1d: groups must be 1');
  const m = new ConvModule(inChannels, 0, 1, { ...o, stride: 1, padding: 0, dilation: 1, groups: 1, conv_cfg: { type: 'Conv3d' } });
  const placeholder = m.conv;
  const conv = new Conv2plus1d(inChannels, outChannels, kernelSize, { stride: o.stride, padding: o.padding, dilation: o.dilation, bias: m.withBias, norm_cfg: cfg.norm_cfg });
  m.registerModule('conv', conv);
  m.conv = conv as unknown as ConvModule['conv'];
  placeholder.dispose();
  if (m.normName) {
    const emptyNorm = m.norm!;
    m.registerModule(m.normName, buildNormLayer(o.norm_cfg!, outChannels)[1]);
    emptyNorm.dispose();
  }
  (m as { outChannels: number }).outChannels = outChannels;
  return m;
}
