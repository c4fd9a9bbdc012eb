/**
 * ResNet3dCSN: Channel-Separated Networks ("Video Classification with Channel-Separated
 * Convolutional Networks", Tran et al., ICCV 2019). The 3x3x3 conv of every bottleneck is
 * depthwise (`groups = planes`): 'ir' (interaction-reduced) keeps only it, 'ip'
 * (interaction-preserved) puts a 1x1x1 conv before it.
 *
 * Mirrors mmaction/models/backbones/resnet3d_csn.py: `conv2` becomes a Sequential, so keys
 * read `layer1.0.conv2.0.conv.weight` ('ir') or `conv2.0` (1x1x1) + `conv2.1` (depthwise) ('ip').
 */
import * as torch from '../../torch/index.ts';
import { convModule3d } from './conv2plus1d.ts';
import { Bottleneck3d, ResNet3d, type BlockArgs, type BlockClass, type ResNet3dOptions } from './resnet3d.ts';
import { defineEntry } from '../../config/registry.ts';
import { RESNET3D_DEFAULTS, RESNET3D_KINDS } from './resnet3d.ts';
import type { Backbone } from '../recognizers/base.ts';

const { nn } = torch;
type Module = torch.nn.Module;

export type BottleneckMode = 'ip' | 'ir';

function csnBottleneck(mode: BottleneckMode): BlockClass {
  return class CSNBottleneck3d extends Bottleneck3d {
    static override readonly expansion = 4;
    constructor(inplanes: number, planes: number, a: BlockArgs) {
      // Like MMAction2: the whole Bottleneck3d first (its dense conv2 included, so a seeded
      // build draws the same numbers), then conv2 replaced in place by the channel-separated one.
      super(inplanes, planes, a);
      const { kernel, stride, padding, dilation } = this.conv2Spec;
      const layers: Module[] = [];
      if (mode === 'ip') layers.push(convModule3d(planes, planes, 1, { stride: 1, bias: false, conv_cfg: a.conv_cfg, norm_cfg: a.norm_cfg, act_cfg: null }));
      layers.push(convModule3d(planes, planes, kernel, {
        stride, padding, dilation, bias: false, conv_cfg: a.conv_cfg, norm_cfg: a.norm_cfg, act_cfg: a.act_cfg, groups: planes,
      }));
      const dense = this.conv2;
      this.conv2 = this.registerModule('conv2', new nn.Sequential(...layers));
      dense.dispose();
    }
  };
}

export interface ResNet3dCSNOptions extends ResNet3dOptions {
  /** 'ir' (default) or 'ip'. */
  bottleneck_mode: BottleneckMode;
  /** With norm_eval, also stop gradients to the BN parameters while training. Default false. */
  bn_frozen: boolean;
}

export const RESNET3D_CSN_DEFAULTS = Object.freeze({
  temporal_strides: [1, 2, 2, 2], conv1_kernel: [3, 7, 7], conv1_stride_t: 1, pool1_stride_t: 1,
  norm_cfg: { type: 'BN3d', requires_grad: true, eps: 1e-3 }, inflate_style: '3x3x3', bottleneck_mode: 'ir', bn_frozen: false,
} as const);

export class ResNet3dCSN extends ResNet3d {
  readonly bottleneckMode: BottleneckMode;
  readonly bnFrozen: boolean;

  constructor(options: Partial<ResNet3dCSNOptions> & Pick<ResNet3dOptions, 'depth'>) {
    const o = { ...RESNET3D_CSN_DEFAULTS, ...options };
    const { bottleneck_mode, bn_frozen, ...rest } = o;
    if (bottleneck_mode !== 'ip' && bottleneck_mode !== 'ir') throw new TypeError(`ResNet3dCSN: bottleneck_mode must be 'ip' or 'ir', got '${bottleneck_mode}'`);
    const block = csnBottleneck(bottleneck_mode);
    super(rest as Partial<ResNet3dOptions> & { depth: number }, { arch: { 50: [block, [3, 4, 6, 3]], 101: [block, [3, 4, 23, 3]], 152: [block, [3, 8, 36, 3]] } });
    this.bottleneckMode = bottleneck_mode;
    this.bnFrozen = bn_frozen;
  }

  override train(mode = true): this {
    super.train(mode);
    if (mode && this.o.norm_eval && this.bnFrozen) {
      for (const m of this.modules()) if (m instanceof nn.BatchNorm) for (const p of m.parameters()) p.requiresGrad_(false);
    }
    return this;
  }
}


/** Registry entry (type 'ResNet3dCSN'). */
export const RESNET3D_CSN_ENTRY = defineEntry<ResNet3dCSNOptions, Backbone>({
  type: 'ResNet3dCSN',
  doc: 'Channel-separated ResNet3d, ip/ir bottlenecks (mmaction/models/backbones/resnet3d_csn.py)',
  defaults: { ...RESNET3D_DEFAULTS, ...RESNET3D_CSN_DEFAULTS } as unknown as Partial<ResNet3dCSNOptions>,
  required: ['depth'],
  kinds: RESNET3D_KINDS,
  choices: { style: ['pytorch', 'caffe'], inflate_style: ['3x1x1', '3x3x3'], bottleneck_mode: ['ip', 'ir'] },
  build: (o) => new ResNet3dCSN(o),
});
