/**
 * SlowFast ("SlowFast Networks for Video Recognition", Feichtenhofer et al., ICCV 2019):
 * a slow pathway (few frames, many channels) and a fast pathway (many frames, few channels),
 * the fast one feeding the slow one through lateral time-strided convs after the stem and after
 * every stage but the last.
 *
 * Mirrors mmaction/models/backbones/resnet3d_slowfast.py (ResNet3dPathway, ResNet3dSlowFast)
 * with its module names: `slow_path.conv1_lateral`, `slow_path.layer1_lateral`, ...
 *
 *                       x [N, C, T, H, W]
 *                 ┌───────────┴────────────┐
 *   nearest resample T/resample_rate   nearest resample T/(resample_rate/speed_ratio)
 *                 │                        │
 *        slow conv1 + maxpool        fast conv1 + maxpool
 *                 │◄── cat ── conv1_lateral ──┤   (kernel fusion_kernel x 1 x 1, stride speed_ratio)
 *        slow layer1                 fast layer1
 *                 │◄── cat ── layer1_lateral ─┤
 *        slow layer2                 fast layer2
 *                 │◄── cat ── layer2_lateral ─┤
 *        slow layer3                 fast layer3
 *                 │◄── cat ── layer3_lateral ─┤
 *        slow layer4                 fast layer4
 *                 │                        │
 *             x_slow                    x_fast      -> (x_slow, x_fast)
 *
 * The lateral convs map C_fast channels to 2 * C_fast (= 2 * C_slow / channel_ratio), so the
 * first block of each slow stage takes C_slow + 2 * C_slow / channel_ratio input channels.
 */
import * as torch from '../../torch/index.ts';
import type { ConvModule } from '../common/conv_module.ts';
import { kaimingInit } from '../common/weight_init.ts';
import { convModule3d } from './conv2plus1d.ts';
import { ResNet3d, inflateResNet3dWeights, type ResNet3dOptions } from './resnet3d.ts';
import { loadPretrained } from '../pretrained.ts';
import { defineEntry } from '../../config/registry.ts';
import type { Backbone } from '../recognizers/base.ts';

const { nn } = torch;
type Tensor = torch.Tensor;

export interface ResNet3dPathwayOptions extends ResNet3dOptions {
  /** Whether this pathway receives lateral connections (the slow one). Default false. */
  lateral: boolean;
  /** Norm and activation on the lateral convs. Default false. */
  lateral_norm: boolean;
  /** Frame-rate ratio between the fast and slow pathways (the lateral temporal stride). Default 8. */
  speed_ratio: number;
  /** Channel ratio between the slow and fast pathways. Default 8. */
  channel_ratio: number;
  /** Temporal kernel of the lateral convs. Default 5. */
  fusion_kernel: number;
}

export const RESNET3D_PATHWAY_DEFAULTS = Object.freeze({ lateral: false, lateral_norm: false, speed_ratio: 8, channel_ratio: 8, fusion_kernel: 5 } as const);

/** One SlowFast pathway: a ResNet3d plus (if `lateral`) the lateral convs that read the other pathway. */
export class ResNet3dPathway extends ResNet3d {
  readonly lateral: boolean;
  readonly lateralNorm: boolean;
  readonly speedRatio: number;
  readonly channelRatio: number;
  readonly fusionKernel: number;
  readonly lateralConnections: string[] = [];
  readonly conv1Lateral: ConvModule | null = null;

  constructor(options: Partial<ResNet3dPathwayOptions> & Pick<ResNet3dOptions, 'depth'>) {
    const p = { ...RESNET3D_PATHWAY_DEFAULTS, ...options };
    const { lateral, lateral_norm, speed_ratio, channel_ratio, fusion_kernel, ...rest } = p;
    super(rest, { lateralInplanes: (inplanes) => (lateral ? Math.floor((inplanes * 2) / channel_ratio) : 0) });
    this.lateral = lateral;
    this.lateralNorm = lateral_norm;
    this.speedRatio = speed_ratio;
    this.channelRatio = channel_ratio;
    this.fusionKernel = fusion_kernel;
    const lateralConv = (c: number) => convModule3d(Math.floor(c / channel_ratio), Math.floor((c * 2) / channel_ratio), [fusion_kernel, 1, 1], {
      stride: [speed_ratio, 1, 1], padding: [Math.floor((fusion_kernel - 1) / 2), 0, 0], bias: false, conv_cfg: this.o.conv_cfg,
      norm_cfg: lateral_norm ? this.o.norm_cfg : null, act_cfg: lateral_norm ? this.o.act_cfg : null,
    });
    if (lateral) this.conv1Lateral = this.registerModule('conv1_lateral', lateralConv(this.o.base_channels));
    this.stageBlocks.forEach((_, i) => {
      const c = this.o.base_channels * 2 ** i * this.block.expansion;
      if (lateral && i !== this.o.num_stages - 1) {
        const name = `layer${i + 1}_lateral`;
        this.registerModule(name, lateralConv(c));
        this.lateralConnections.push(name);
      }
    });
  }

  lateralConv(name: string): ConvModule {
    return this.getModule(name) as ConvModule;
  }

  override initWeights(): void {
    super.initWeights();
    for (const name of this.lateralConnections) {
      for (const m of this.lateralConv(name).modules()) if (m instanceof nn.Conv3d || m instanceof nn.Conv2d) kaimingInit(m);
    }
  }

  /** Like ResNet3d's, but lateral convs are skipped and extra input channels of a 3D conv are zero-filled. */
  override inflateWeights(state2d: Map<string, Tensor>, log: (msg: string) => void = () => {}): string[] {
    return inflateResNet3dWeights(this, state2d, log, { skipLateral: true, padChannels: true });
  }

  protected override freezeStages(): void {
    super.freezeStages();
    for (let i = 1; i <= this.o.frozen_stages; i++) {
      if (i !== this.resLayers.length && this.lateral) {
        const m = this.lateralConv(this.lateralConnections[i - 1]);
        m.eval();
        for (const p of m.parameters()) p.requiresGrad_(false);
      }
    }
  }
}

export interface PathwayCfg extends Partial<ResNet3dPathwayOptions> {
  /** The only pathway type MMAction2 has. */
  type: 'resnet3d';
  depth: number;
}

export interface ResNet3dSlowFastOptions {
  pretrained: string | null;
  /** Temporal stride of the slow pathway's input sampling. Default 8. */
  resample_rate: number;
  speed_ratio: number;
  channel_ratio: number;
  slow_pathway: PathwayCfg;
  fast_pathway: PathwayCfg;
}

export const RESNET3D_SLOWFAST_DEFAULTS = Object.freeze({
  pretrained: null, resample_rate: 8, speed_ratio: 8, channel_ratio: 8,
  slow_pathway: { type: 'resnet3d', depth: 50, pretrained: null, lateral: true, conv1_kernel: [1, 7, 7], dilations: [1, 1, 1, 1], conv1_stride_t: 1, pool1_stride_t: 1, inflate: [0, 0, 1, 1] },
  fast_pathway: { type: 'resnet3d', depth: 50, pretrained: null, lateral: false, base_channels: 8, conv1_kernel: [5, 7, 7], conv1_stride_t: 1, pool1_stride_t: 1 },
} as const);

function buildPathway(cfg: PathwayCfg, what: string): ResNet3dPathway {
  const { type, ...rest } = cfg;
  if (type !== 'resnet3d') throw new TypeError(`${what}.type: unrecognized pathway type '${type}' (expected 'resnet3d')`);
  return new ResNet3dPathway(rest as Partial<ResNet3dPathwayOptions> & { depth: number });
}

/** SlowFast backbone; forward returns [x_slow, x_fast]. */
export class ResNet3dSlowFast extends torch.nn.Module {
  readonly o: ResNet3dSlowFastOptions;
  readonly slowPath: ResNet3dPathway;
  readonly fastPath: ResNet3dPathway;

  constructor(options: Partial<ResNet3dSlowFastOptions> = {}) {
    super();
    const o = { ...RESNET3D_SLOWFAST_DEFAULTS, ...options } as ResNet3dSlowFastOptions;
    this.o = o;
    // As MMAction2 does, a lateral slow pathway takes the backbone's ratios.
    const slowCfg = o.slow_pathway.lateral ? { ...o.slow_pathway, speed_ratio: o.speed_ratio, channel_ratio: o.channel_ratio } : o.slow_pathway;
    this.slowPath = this.registerModule('slow_path', buildPathway(slowCfg, 'slow_pathway'));
    this.fastPath = this.registerModule('fast_path', buildPathway(o.fast_pathway, 'fast_pathway'));
  }

  /** With `pretrained`, loads that SlowFast checkpoint strictly; otherwise each pathway's own init (fast first, as MMAction2). */
  initWeights(): void {
    const p = this.o.pretrained;
    if (typeof p === 'string') {
      loadPretrained(p).loadInto(this, { strict: true });
    } else if (p === null || p === undefined) {
      this.fastPath.initWeights();
      this.slowPath.initWeights();
    } else {
      throw new TypeError('pretrained must be a str or None');
    }
  }

  forward(x: Tensor): [Tensor, Tensor] {
    return torch.tidy(() => {
      const slow0 = torch.F.interpolate(x, { mode: 'nearest', scaleFactor: [1 / this.o.resample_rate, 1, 1] }); // [N, C, T/8, H, W]
      let xs = this.slowPath.maxpool.call(this.slowPath.conv1.call(slow0)) as Tensor;
      const fast0 = torch.F.interpolate(x, { mode: 'nearest', scaleFactor: [1 / Math.floor(this.o.resample_rate / this.o.speed_ratio), 1, 1] });
      let xf = this.fastPath.maxpool.call(this.fastPath.conv1.call(fast0)) as Tensor;
      if (this.slowPath.lateral) xs = torch.cat([xs, this.slowPath.conv1Lateral!.call(xf)], 1);
      const n = this.slowPath.resLayers.length;
      this.slowPath.resLayers.forEach((name, i) => {
        xs = this.slowPath.layer(name).call(xs);
        xf = this.fastPath.layer(name).call(xf);
        if (i !== n - 1 && this.slowPath.lateral) {
          xs = torch.cat([xs, this.slowPath.lateralConv(this.slowPath.lateralConnections[i]).call(xf)], 1);
        }
      });
      return [xs, xf] as [Tensor, Tensor];
    });
  }
}


/** Registry entry (type 'ResNet3dSlowFast'). */
export const RESNET3D_SLOWFAST_ENTRY = defineEntry<ResNet3dSlowFastOptions, Backbone>({
  type: 'ResNet3dSlowFast',
  doc: 'SlowFast two-pathway network (mmaction/models/backbones/resnet3d_slowfast.py)',
  defaults: RESNET3D_SLOWFAST_DEFAULTS as unknown as Partial<ResNet3dSlowFastOptions>,
  kinds: { pretrained: ['string', 'null'] },
  build: (o) => new ResNet3dSlowFast(o),
});
