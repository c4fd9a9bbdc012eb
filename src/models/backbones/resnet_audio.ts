/**
 * ResNetAudio (Audiovisual SlowFast's audio pathway, Xiao et al., 2020), mirroring
 * mmaction/models/backbones/resnet_audio.py: a 2D ResNet over log-mel spectrograms with a
 * factorised ConvAudio stem (`conv1.conv.conv_1/conv_2`) and, in factorised stages, ConvAudio
 * 3x3 convs whose concatenated outputs feed conv3.
 */
import * as torch from '../../torch/index.ts';
import { ConvModule, type ActCfg, type ConvCfg, type NormCfg } from '../common/conv_module.ts';
import { constantInit, kaimingInit } from '../common/weight_init.ts';
import { loadPretrained } from '../pretrained.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;

export class Bottleneck2dAudio extends nn.Module {
  static readonly expansion = 4;
  readonly conv1: ConvModule;
  readonly conv2: ConvModule;
  readonly conv3: ConvModule;
  readonly downsample: ConvModule | null;

  constructor(inplanes: number, planes: number, { stride = 2, dilation = 1, downsample = null as ConvModule | null, factorize = true, norm_cfg = null as NormCfg | null } = {}) {
    super();
    this.conv1 = this.registerModule('conv1', new ConvModule(inplanes, planes, [1, 1], { padding: 0, dilation, norm_cfg, bias: false }));
    this.conv2 = this.registerModule('conv2', new ConvModule(planes, planes, [3, 3], {
      stride, padding: [dilation, dilation], dilation, bias: false,
      conv_cfg: factorize ? { type: 'ConvAudio' } : { type: 'Conv' }, norm_cfg: null, act_cfg: null,
    }));
    this.conv3 = this.registerModule('conv3', new ConvModule(factorize ? 2 * planes : planes, planes * 4, 1, { bias: false, norm_cfg, act_cfg: null }));
    this.registerModule('relu', new nn.ReLU(true));
    this.downsample = this.registerModule('downsample', downsample);
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      const out = this.conv3.call(this.conv2.call(this.conv1.call(x)));
      const identity = this.downsample ? this.downsample.call(x) : x;
      return this.getModule('relu')!.call(out.add(identity));
    });
  }
}

export interface ResNetAudioOptions {
  /** 50, 101 or 152 (required). */
  depth: number;
  /** Required by MMAction2 (null for random init). */
  pretrained: string | null;
  /** Default 1. */
  in_channels: number;
  /** Default 4. */
  num_stages: number;
  /** Default 32. */
  base_channels: number;
  /** Default [1, 2, 2, 2]. */
  strides: number[];
  /** Default [1, 1, 1, 1]. */
  dilations: number[];
  /** Default 9. */
  conv1_kernel: number;
  /** Default 1. */
  conv1_stride: number;
  /** Default -1. */
  frozen_stages: number;
  /** Per stage (or per block) 1 = ConvAudio. Default [1, 1, 0, 0]. */
  factorize: (number | number[])[] | number;
  /** Default false. */
  norm_eval: boolean;
  /** Default false. */
  with_cp: boolean;
  /** Default {type: 'Conv'} (unused by MMAction2's blocks as well). */
  conv_cfg: ConvCfg;
  /** Default {type: 'BN2d', requires_grad: true}. */
  norm_cfg: NormCfg;
  /** Default {type: 'ReLU', inplace: true}. */
  act_cfg: ActCfg;
  /** Zero the last BN of every block. Default true. */
  zero_init_residual: boolean;
}

export const RESNET_AUDIO_DEFAULTS = Object.freeze({
  in_channels: 1, num_stages: 4, base_channels: 32, strides: [1, 2, 2, 2], dilations: [1, 1, 1, 1], conv1_kernel: 9, conv1_stride: 1,
  frozen_stages: -1, factorize: [1, 1, 0, 0], norm_eval: false, with_cp: false, conv_cfg: { type: 'Conv' },
  norm_cfg: { type: 'BN2d', requires_grad: true }, act_cfg: { type: 'ReLU', inplace: true }, zero_init_residual: true,
} as const);

const ARCH: Record<number, number[]> = { 50: [3, 4, 6, 3], 101: [3, 4, 23, 3], 152: [3, 8, 36, 3] };

export class ResNetAudio extends nn.Module {
  readonly o: ResNetAudioOptions;
  readonly resLayers: string[] = [];
  readonly featDim: number;
  readonly conv1: ConvModule;

  constructor(options: Partial<ResNetAudioOptions> & { depth: number }) {
    super();
    const o = { pretrained: null, ...structuredClone(RESNET_AUDIO_DEFAULTS), ...options } as ResNetAudioOptions;
    this.o = o;
    const blocks = ARCH[o.depth];
    if (!blocks) throw new RangeError(`invalid depth ${o.depth} for resnet (ResNetAudio: 50, 101 or 152)`);
    if (!(o.num_stages >= 1 && o.num_stages <= 4)) throw new RangeError(`num_stages must be 1..4, got ${o.num_stages}`);
    // _ntuple(num_stages): a list is used as given (extra entries ignored), a number repeated.
    const stageFact = Array.isArray(o.factorize) ? o.factorize : Array(o.num_stages).fill(o.factorize);
    if (stageFact.length < o.num_stages) throw new RangeError(`factorize: expected ${o.num_stages} entries, got ${stageFact.length}`);
    this.conv1 = this.registerModule('conv1', new ConvModule(o.in_channels, o.base_channels, o.conv1_kernel, {
      stride: o.conv1_stride, bias: false, conv_cfg: { type: 'ConvAudio', op: 'sum' }, norm_cfg: o.norm_cfg, act_cfg: o.act_cfg,
    }));
    let inplanes = o.base_channels;
    blocks.slice(0, o.num_stages).forEach((n, i) => {
      const planes = o.base_channels * 2 ** i;
      const f = stageFact[i];
      const perBlock: number[] = Array.isArray(f) ? f : Array(n).fill(f);
      if (perBlock.length !== n) throw new RangeError(`factorize[${i}]: expected ${n} entries, got ${perBlock.length}`);
      const stride = o.strides[i];
      let downsample: ConvModule | null = null;
      if (stride !== 1 || inplanes !== planes * 4) downsample = new ConvModule(inplanes, planes * 4, 1, { stride, bias: false, norm_cfg: o.norm_cfg, act_cfg: null });
      const layer: Bottleneck2dAudio[] = [new Bottleneck2dAudio(inplanes, planes, { stride, dilation: o.dilations[i], downsample, factorize: perBlock[0] === 1, norm_cfg: o.norm_cfg })];
      for (let b = 1; b < n; b++) layer.push(new Bottleneck2dAudio(planes * 4, planes, { stride: 1, dilation: o.dilations[i], factorize: perBlock[b] === 1, norm_cfg: o.norm_cfg }));
      inplanes = planes * 4;
      this.registerModule(`layer${i + 1}`, new nn.Sequential(...layer));
      this.resLayers.push(`layer${i + 1}`);
    });
    this.featDim = 4 * o.base_channels * 2 ** (o.num_stages - 1);
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
        else if (m instanceof nn.BatchNorm) constantInit(m, 1);
      }
      if (this.o.zero_init_residual) for (const m of this.modules()) if (m instanceof Bottleneck2dAudio) constantInit(m.conv3.norm!, 0);
    } else {
      throw new TypeError('pretrained must be a str or None');
    }
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      let y = this.conv1.call(x);
      for (const name of this.resLayers) y = this.getModule(name)!.call(y);
      return y;
    });
  }

  override train(mode = true): this {
    super.train(mode);
    if (this.o.frozen_stages >= 0) {
      this.conv1.norm?.eval();
      for (const p of this.conv1.parameters()) p.requiresGrad_(false);
    }
    for (let i = 1; i <= this.o.frozen_stages; i++) {
      const m = this.getModule(`layer${i}`)!;
      m.eval();
      for (const p of m.parameters()) p.requiresGrad_(false);
    }
    if (mode && this.o.norm_eval) for (const m of this.modules()) if (m instanceof nn.BatchNorm) m.eval();
    return this;
  }
}
