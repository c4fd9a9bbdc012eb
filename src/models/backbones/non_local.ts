/**
 * NonLocal3d ("Non-local Neural Networks", Wang et al., CVPR 2018): mmcv's
 * mmcv/cnn/bricks/non_local.py (_NonLocalNd / NonLocal3d), with its module names `g`,
 * `conv_out`, `theta`, `phi` (and `concat_project`), used by ResNet3d's `non_local` stages.
 */
import * as torch from '../../torch/index.ts';
import { ConvModule, type NormCfg } from '../common/conv_module.ts';
import { constantInit, normalInit } from '../common/weight_init.ts';

const { nn } = torch;
type Tensor = torch.Tensor;
type Module = torch.nn.Module;

export type NonLocalMode = 'gaussian' | 'embedded_gaussian' | 'dot_product' | 'concatenation';

/** `non_local_cfg` of ResNet3d (mmcv's NonLocal3d keyword arguments). */
export interface NonLocal3dOptions {
  /** inter_channels = max(in_channels // reduction, 1). Default 2. */
  reduction?: number;
  /** Divide the embedded-gaussian logits by sqrt(inter_channels). Default true. */
  use_scale?: boolean;
  conv_cfg?: { type: 'Conv3d' };
  /** Norm after conv_out; default none. */
  norm_cfg?: NormCfg | null;
  mode?: NonLocalMode;
  /** Max-pool (1, 2, 2) after g and phi. Default false. */
  sub_sample?: boolean;
  /** init_weights arguments. */
  std?: number;
  zeros_init?: boolean;
}

const KNOWN = new Set(['reduction', 'use_scale', 'conv_cfg', 'norm_cfg', 'mode', 'sub_sample', 'std', 'zeros_init']);

export class NonLocal3d extends nn.Module {
  readonly interChannels: number;
  readonly mode: NonLocalMode;
  readonly useScale: boolean;
  readonly subSample: boolean;
  readonly g: Module;
  readonly convOut: ConvModule;
  readonly theta: ConvModule | null = null;
  readonly phi: Module | null = null;
  readonly concatProject: ConvModule | null = null;

  constructor(readonly inChannels: number, o: NonLocal3dOptions = {}) {
    super();
    for (const k of Object.keys(o)) if (!KNOWN.has(k)) throw new TypeError(`non_local_cfg: unknown key '${k}' (allowed: ${[...KNOWN].join(', ')})`);
    this.mode = o.mode ?? 'embedded_gaussian';
    if (!['gaussian', 'embedded_gaussian', 'dot_product', 'concatenation'].includes(this.mode))
      throw new TypeError(`non_local_cfg.mode: expected 'gaussian', 'embedded_gaussian', 'dot_product' or 'concatenation', got '${this.mode}'`);
    this.useScale = o.use_scale ?? true;
    this.subSample = o.sub_sample ?? false;
    this.interChannels = Math.max(Math.floor(inChannels / (o.reduction ?? 2)), 1);
    const convCfg = o.conv_cfg ?? { type: 'Conv3d' as const };
    const c = this.interChannels;
    const pool = () => new nn.MaxPool3d([1, 2, 2]);
    const g = new ConvModule(inChannels, c, 1, { conv_cfg: convCfg, act_cfg: null });
    this.g = this.registerModule('g', this.subSample ? new nn.Sequential(g, pool()) : g);
    this.convOut = this.registerModule('conv_out', new ConvModule(c, inChannels, 1, { conv_cfg: convCfg, norm_cfg: o.norm_cfg ?? null, act_cfg: null }));
    if (this.mode !== 'gaussian') {
      this.theta = this.registerModule('theta', new ConvModule(inChannels, c, 1, { conv_cfg: convCfg, act_cfg: null }));
      const phi = new ConvModule(inChannels, c, 1, { conv_cfg: convCfg, act_cfg: null });
      this.phi = this.registerModule('phi', this.subSample ? new nn.Sequential(phi, pool()) : phi);
    } else if (this.subSample) {
      this.phi = this.registerModule('phi', pool());
    }
    if (this.mode === 'concatenation') {
      this.concatProject = this.registerModule('concat_project', new ConvModule(c * 2, 1, 1, { bias: false, act_cfg: { type: 'ReLU' } }));
    }
    this.initWeights(o.std ?? 0.01, o.zeros_init ?? true);
  }

  private static convOf(m: Module): Module {
    return m instanceof nn.Sequential ? (m.at(0) as ConvModule).conv : (m as ConvModule).conv;
  }

  initWeights(std = 0.01, zerosInit = true): void {
    const targets = this.mode !== 'gaussian' ? [this.g, this.theta!, this.phi!] : [this.g];
    for (const m of targets) normalInit(NonLocal3d.convOf(m), { std });
    const target = this.convOut.norm ?? this.convOut.conv;
    if (zerosInit) constantInit(target, 0);
    else normalInit(target, { std });
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      const n = x.shape[0];
      const c = this.interChannels;
      const gx = (this.g.call(x) as Tensor).view([n, c, -1]).permute(0, 2, 1); // [N, THW', C']
      let theta: Tensor, phi: Tensor;
      if (this.mode === 'gaussian') {
        theta = x.view([n, this.inChannels, -1]).permute(0, 2, 1); // [N, THW, C]
        phi = this.subSample ? (this.phi!.call(x) as Tensor).view([n, this.inChannels, -1]) : x.view([n, this.inChannels, -1]);
      } else if (this.mode === 'concatenation') {
        theta = (this.theta!.call(x) as Tensor).view([n, c, -1, 1]);
        phi = (this.phi!.call(x) as Tensor).view([n, c, 1, -1]);
      } else {
        theta = (this.theta!.call(x) as Tensor).view([n, c, -1]).permute(0, 2, 1); // [N, THW, C']
        phi = (this.phi!.call(x) as Tensor).view([n, c, -1]); // [N, C', THW']
      }
      let w: Tensor;
      if (this.mode === 'concatenation') {
        const h = theta.shape[2], wd = phi.shape[3];
        const feat = torch.cat([theta.repeat(1, 1, 1, wd), phi.repeat(1, 1, h, 1)], 1);
        w = (this.concatProject!.call(feat) as Tensor);
        const [nn_, , hh, ww] = w.shape;
        w = w.view([nn_, hh, ww]).div(ww);
      } else {
        w = theta.matmul(phi); // [N, THW, THW']
        if (this.mode === 'embedded_gaussian') {
          if (this.useScale) w = w.div(theta.shape[theta.ndim - 1] ** 0.5);
          w = w.softmax(-1);
        } else if (this.mode === 'gaussian') {
          w = w.softmax(-1);
        } else {
          w = w.div(w.shape[w.ndim - 1]);
        }
      }
      const y = w.matmul(gx).permute(0, 2, 1).contiguous().reshape([n, c, ...x.shape.slice(2)]); // [N, C', T, H, W]
      return x.add(this.convOut.call(y) as Tensor);
    });
  }
}
