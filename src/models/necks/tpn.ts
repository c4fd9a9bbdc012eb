/**
 * TPN ("Temporal Pyramid Network for Action Recognition", Yang et al., CVPR 2020): features of
 * several backbone stages are brought to one spatial size (spatial modulation), temporally
 * rescaled (temporal modulation, grouped convs with groups=32), fused top-down and bottom-up
 * (level fusion) and merged by `pyramid_fusion` into 2048 channels. An auxiliary head adds a
 * loss on the second-to-last stage in training.
 *
 * Mirrors mmaction/models/necks/tpn.py: modules `temporal_modulation_ops`, `upsample_ops`,
 * `downsample_ops`, `level_fusion_1`, `spatial_modulation`, `level_fusion_2`,
 * `pyramid_fusion`, `aux_head`, in MMAction2's registration order.
 *
 *   x[0..n-1] -> spatial_modulation -> temporal_modulation_ops[i] -> outs
 *   top-down:  outs[i-1] += upsample(outs[i])   -> level_fusion_1 -> td
 *   bottom-up: outs[i+1] += downsample(outs[i]) -> level_fusion_2 -> bu     ('parallel': from fresh outs)
 *   pyramid_fusion(cat(td, bu)) -> [N, 2048, T', H', W']
 */
import * as torch from '../../torch/index.ts';
import { defineEntry } from '../../config/registry.ts';
import { ConvModule } from '../common/conv_module.ts';
import { constantInit, normalInit, xavierInit } from '../common/weight_init.ts';
import type { LossDict } from '../heads/base.ts';
import type { BaseWeightedLoss } from '../losses/base.ts';
import { buildLossFromCfg, type LossCfg } from '../losses/index.ts';
import type { Neck } from '../recognizers/base.ts';

const { nn } = torch;
type Tensor = torch.Tensor;
type Module = torch.nn.Module;

const BN3D = { type: 'BN3d' as const, requires_grad: true };
const RELU = { type: 'ReLU' as const, inplace: true };
type Triple = number[];

/** A conv (ConvModule) and a ceil-mode max pool, in either order. */
export class DownSample extends nn.Module {
  readonly conv: ConvModule;
  readonly pool: Module;

  constructor(inChannels: number, outChannels: number, {
    kernel_size = [3, 1, 1] as number | Triple, stride = [1, 1, 1] as number | Triple, padding = [1, 0, 0] as number | Triple,
    groups = 1, bias = false, conv_cfg = { type: 'Conv3d' as const }, norm_cfg = null as typeof BN3D | null,
    act_cfg = null as typeof RELU | null, downsample_position = 'after' as 'before' | 'after', downsample_scale = [1, 2, 2] as number | Triple,
  } = {}) {
    super();
    if (downsample_position !== 'before' && downsample_position !== 'after') throw new TypeError(`DownSample: downsample_position must be 'before' or 'after', got '${downsample_position}'`);
    this.position = downsample_position;
    this.conv = this.registerModule('conv', new ConvModule(inChannels, outChannels, kernel_size, { stride, padding, groups, bias, conv_cfg, norm_cfg, act_cfg }));
    this.pool = this.registerModule('pool', new nn.MaxPool3d(downsample_scale, { stride: downsample_scale, padding: 0, ceilMode: true }));
  }

  readonly position: 'before' | 'after';

  forward(x: Tensor): Tensor {
    return torch.tidy(() => (this.position === 'before'
      ? this.conv.call(this.pool.call(x))
      : this.pool.call(this.conv.call(x))));
  }
}

export interface LevelFusionCfg {
  in_channels: number[];
  mid_channels: number[];
  out_channels: number;
  downsample_scales?: Triple[];
}

/** Per-level grouped 1x1x1 conv (after a pool), concatenation, 1x1x1 fusion conv. */
export class LevelFusion extends nn.Module {
  readonly downsamples: torch.nn.ModuleList<DownSample>;
  readonly fusionConv: ConvModule;

  constructor({ in_channels, mid_channels, out_channels, downsample_scales = [[1, 1, 1], [1, 1, 1]] }: LevelFusionCfg) {
    super();
    this.downsamples = this.registerModule('downsamples', new nn.ModuleList(in_channels.map((c, i) => new DownSample(c, mid_channels[i], {
      kernel_size: [1, 1, 1], stride: [1, 1, 1], bias: false, padding: [0, 0, 0], groups: 32, norm_cfg: BN3D, act_cfg: RELU,
      downsample_position: 'before', downsample_scale: downsample_scales[i],
    }))));
    const sum = mid_channels.reduce((a, b) => a + b, 0);
    this.fusionConv = this.registerModule('fusion_conv', new ConvModule(sum, out_channels, 1, {
      stride: 1, padding: 0, bias: false, conv_cfg: { type: 'Conv3d' }, norm_cfg: BN3D, act_cfg: RELU,
    }));
  }

  forward(x: Tensor[]): Tensor {
    return torch.tidy(() => this.fusionConv.call(torch.cat(x.map((f, i) => this.downsamples.at(i).call(f)), 1)));
  }
}

export interface SpatialModulationCfg {
  in_channels: number[];
  out_channels: number;
}

/** Strided (1, 3, 3) convs taking each level to the spatial size of the last one (log2(out / in) of them). */
export class SpatialModulation extends nn.Module {
  readonly spatialModulation: torch.nn.ModuleList;

  constructor({ in_channels, out_channels }: SpatialModulationCfg) {
    super();
    const ops: Module[] = in_channels.map((channel) => {
      const factor = Math.trunc(Math.log2(Math.floor(out_channels / channel)));
      if (factor < 1) return new nn.Identity();
      const list = new nn.ModuleList();
      for (let f = 0; f < factor; f++) {
        list.append(new ConvModule(channel * 2 ** f, channel * 2 ** (f + 1), [1, 3, 3], {
          stride: [1, 2, 2], padding: [0, 1, 1], bias: false, conv_cfg: { type: 'Conv3d' }, norm_cfg: BN3D, act_cfg: RELU,
        }));
      }
      return list;
    });
    this.spatialModulation = this.registerModule('spatial_modulation', new nn.ModuleList(ops));
  }

  forward(x: Tensor[]): Tensor[] {
    return x.map((f, i) => {
      const op = this.spatialModulation.at(i);
      if (op instanceof nn.ModuleList) {
        let y = f;
        for (const conv of op) y = conv.call(y);
        return y;
      }
      return op.call(f) as Tensor;
    });
  }
}

export interface AuxHeadCfg {
  out_channels: number;
  loss_weight?: number;
  loss_cls?: LossCfg;
}

/** The auxiliary classifier on the second-to-last level; returns {loss_aux} in training only. */
export class AuxHead extends nn.Module {
  readonly conv: ConvModule;
  readonly fc: torch.nn.Linear;
  readonly lossWeight: number;
  readonly lossCls: BaseWeightedLoss;

  constructor(inChannels: number, { out_channels, loss_weight = 0.5, loss_cls = { type: 'CrossEntropyLoss' } }: AuxHeadCfg) {
    super();
    this.conv = this.registerModule('conv', new ConvModule(inChannels, inChannels * 2, [1, 3, 3], {
      stride: [1, 2, 2], padding: [0, 1, 1], bias: false, conv_cfg: { type: 'Conv3d' }, norm_cfg: BN3D,
    }));
    this.registerModule('avg_pool', new nn.AdaptiveAvgPool3d([1, 1, 1]));
    this.lossWeight = loss_weight;
    this.registerModule('dropout', new nn.Dropout(0.5));
    this.fc = this.registerModule('fc', new nn.Linear(inChannels * 2, out_channels));
    this.lossCls = this.registerModule('loss_cls', buildLossFromCfg(loss_cls, 'neck.aux_head_cfg.loss_cls'));
  }

  initWeights(): void {
    for (const m of this.modules()) {
      if (m instanceof nn.Linear) normalInit(m, { std: 0.01 });
      if (m instanceof nn.Conv3d) xavierInit(m, { distribution: 'uniform' });
      if (m instanceof nn.BatchNorm3d) constantInit(m, 1);
    }
  }

  forward(x: Tensor, target: Tensor | null = null): LossDict {
    if (!target) return {};
    return torch.tidy(() => {
      let y = this.getModule('avg_pool')!.call(this.conv.call(x)) as Tensor;
      y = y.squeeze(-1).squeeze(-1).squeeze(-1); // [N, 2C]
      y = this.fc.call(this.getModule('dropout')!.call(y));
      const t = target.ndim === 0 ? target.unsqueeze(0) : target;
      const loss = this.lossCls.call(y, t) as Tensor;
      return { loss_aux: loss.mul(this.lossWeight) };
    });
  }
}

/** A grouped (groups=32) (3, 1, 1) conv without norm, then a ceil-mode temporal max pool. */
export class TemporalModulation extends nn.Module {
  readonly conv: ConvModule;
  readonly pool: Module;

  constructor(inChannels: number, outChannels: number, downsampleScale = 8) {
    super();
    this.conv = this.registerModule('conv', new ConvModule(inChannels, outChannels, [3, 1, 1], {
      stride: [1, 1, 1], padding: [1, 0, 0], bias: false, groups: 32, conv_cfg: { type: 'Conv3d' }, act_cfg: null,
    }));
    this.pool = this.registerModule('pool', new nn.MaxPool3d([downsampleScale, 1, 1], { stride: [downsampleScale, 1, 1], padding: 0, ceilMode: true }));
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => this.pool.call(this.conv.call(x)));
  }
}

export interface TPNOptions {
  /** Channels of each input level; required. */
  in_channels: number[];
  /** Channels after temporal modulation; required. */
  out_channels: number;
  spatial_modulation_cfg: SpatialModulationCfg | null;
  temporal_modulation_cfg: { downsample_scales: number[] } | null;
  /** nn.Upsample options (MMAction2 passes `scale_factor`, optionally `mode`). */
  upsample_cfg: { scale_factor?: number | number[]; size?: number | number[]; mode?: 'nearest' | 'trilinear' } | null;
  /** DownSample options after (out_channels, out_channels). */
  downsample_cfg: { downsample_scale?: number | Triple; kernel_size?: number | Triple; stride?: number | Triple; padding?: number | Triple; downsample_position?: 'before' | 'after'; groups?: number } | null;
  level_fusion_cfg: LevelFusionCfg | null;
  aux_head_cfg: AuxHeadCfg | null;
  flow_type: 'cascade' | 'parallel';
}

export const TPN_DEFAULTS = Object.freeze({
  spatial_modulation_cfg: null, temporal_modulation_cfg: null, upsample_cfg: null, downsample_cfg: null,
  level_fusion_cfg: null, aux_head_cfg: null, flow_type: 'cascade',
} as const);

export class TPN extends nn.Module {
  readonly o: TPNOptions;
  readonly numTpnStages: number;
  readonly temporalModulationOps: torch.nn.ModuleList<TemporalModulation>;
  readonly upsampleOps: torch.nn.ModuleList;
  readonly downsampleOps: torch.nn.ModuleList<DownSample>;
  readonly levelFusion1: LevelFusion;
  readonly spatialModulation: SpatialModulation;
  readonly levelFusion2: LevelFusion;
  readonly pyramidFusion: ConvModule;
  readonly auxHead: AuxHead | null;

  constructor(options: Partial<TPNOptions> & Pick<TPNOptions, 'in_channels' | 'out_channels'>) {
    super();
    const o = { ...TPN_DEFAULTS, ...options } as TPNOptions;
    this.o = o;
    if (!Array.isArray(o.in_channels)) throw new TypeError('TPN: in_channels must be a list');
    if (o.flow_type !== 'cascade' && o.flow_type !== 'parallel') throw new TypeError(`TPN: flow type should be 'cascade' or 'parallel', got '${o.flow_type}'`);
    if (!o.level_fusion_cfg) throw new TypeError('TPN: level_fusion_cfg is required');
    if (!o.spatial_modulation_cfg) throw new TypeError('TPN: spatial_modulation_cfg is required');
    this.numTpnStages = o.in_channels.length;
    this.temporalModulationOps = this.registerModule('temporal_modulation_ops', new nn.ModuleList<TemporalModulation>());
    this.upsampleOps = this.registerModule('upsample_ops', new nn.ModuleList());
    this.downsampleOps = this.registerModule('downsample_ops', new nn.ModuleList<DownSample>());
    this.levelFusion1 = this.registerModule('level_fusion_1', new LevelFusion(o.level_fusion_cfg));
    this.spatialModulation = this.registerModule('spatial_modulation', new SpatialModulation(o.spatial_modulation_cfg));
    for (let i = 0; i < this.numTpnStages; i++) {
      if (o.temporal_modulation_cfg) {
        this.temporalModulationOps.append(new TemporalModulation(o.in_channels[o.in_channels.length - 1], o.out_channels, o.temporal_modulation_cfg.downsample_scales[i]));
      }
      if (i < this.numTpnStages - 1) {
        if (o.upsample_cfg) {
          const { scale_factor, size, mode = 'nearest' } = o.upsample_cfg;
          this.upsampleOps.append(new nn.Upsample({ scaleFactor: scale_factor, size, mode }));
        }
        if (o.downsample_cfg) this.downsampleOps.append(new DownSample(o.out_channels, o.out_channels, o.downsample_cfg));
      }
    }
    const outDims = o.level_fusion_cfg.out_channels;
    this.levelFusion2 = this.registerModule('level_fusion_2', new LevelFusion(o.level_fusion_cfg));
    // MMAction2 fixes the output at 2048 channels, whatever the input widths.
    this.pyramidFusion = this.registerModule('pyramid_fusion', new ConvModule(outDims * 2, 2048, 1, {
      stride: 1, padding: 0, bias: false, conv_cfg: { type: 'Conv3d' }, norm_cfg: BN3D,
    }));
    this.auxHead = o.aux_head_cfg ? this.registerModule('aux_head', new AuxHead(o.in_channels[o.in_channels.length - 2], o.aux_head_cfg)) : null;
    this.initWeights();
  }

  /** Xavier-uniform convs, BN = 1, then the aux head's own init. */
  initWeights(): void {
    for (const m of this.modules()) {
      if (m instanceof nn.Conv3d) xavierInit(m, { distribution: 'uniform' });
      if (m instanceof nn.BatchNorm3d) constantInit(m, 1);
    }
    this.auxHead?.initWeights();
  }

  /** x: the backbone's levels; returns [fused [N, 2048, T', H', W'], {loss_aux} (empty without a target)]. */
  forward(x: Tensor[], target: Tensor | null = null): [Tensor, LossDict] {
    if (!Array.isArray(x)) throw new TypeError("TPN: expected a list of backbone levels (set the backbone's out_indices to several stages)");
    return torch.tidy(() => {
      const lossAux = this.auxHead ? this.auxHead.call(x[x.length - 2], target) as LossDict : {};
      const spatial = this.spatialModulation.call(x) as Tensor[];
      const temporal = [...this.temporalModulationOps].map((op, i) => op.call(spatial[i]) as Tensor);
      let outs = [...temporal];
      if (this.upsampleOps.length) {
        for (let i = this.numTpnStages - 1; i > 0; i--) outs[i - 1] = outs[i - 1].add(this.upsampleOps.at(i - 1).call(outs[i]));
      }
      const topDown = this.levelFusion1.call(outs) as Tensor;
      if (this.o.flow_type === 'parallel') outs = [...temporal];
      if (this.downsampleOps.length) {
        for (let i = 0; i < this.numTpnStages - 1; i++) outs[i + 1] = outs[i + 1].add(this.downsampleOps.at(i).call(outs[i]));
      }
      const bottomUp = this.levelFusion2.call(outs) as Tensor;
      const out = this.pyramidFusion.call(torch.cat([topDown, bottomUp], 1));
      return [out, lossAux] as [Tensor, LossDict];
    });
  }
}

/** Registry entry (type 'TPN'). */
export const TPN_ENTRY = defineEntry<TPNOptions, Neck>({
  type: 'TPN',
  doc: 'Temporal Pyramid Network neck (mmaction/models/necks/tpn.py)',
  defaults: TPN_DEFAULTS as unknown as Partial<TPNOptions>,
  required: ['in_channels', 'out_channels'],
  kinds: {
    spatial_modulation_cfg: ['object', 'null'], temporal_modulation_cfg: ['object', 'null'], upsample_cfg: ['object', 'null'],
    downsample_cfg: ['object', 'null'], level_fusion_cfg: ['object', 'null'], aux_head_cfg: ['object', 'null'],
  },
  choices: { flow_type: ['cascade', 'parallel'] },
  build: (o) => new TPN(o),
});
