/**
 * ResNet3dSlowOnly: the slow pathway of SlowFast on its own (Feichtenhofer et al., ICCV 2019),
 * also the backbone of PoseC3D (17 heatmap channels in) and TPN-SlowOnly.
 * Mirrors mmaction/models/backbones/resnet3d_slowonly.py: a ResNet3dPathway without lateral
 * connections, a (1, 7, 7) stem, inflation only in the last two stages and no pool2.
 */
import { defineEntry } from '../../config/registry.ts';
import type * as torch from '../../torch/index.ts';
import { RESNET3D_DEFAULTS, RESNET3D_KINDS, type ResNet3dOptions } from './resnet3d.ts';
import { RESNET3D_PATHWAY_DEFAULTS, ResNet3dPathway, type ResNet3dPathwayOptions } from './resnet3d_slowfast.ts';
import type { Backbone } from '../recognizers/base.ts';

type Module = torch.nn.Module;

export type ResNet3dSlowOnlyOptions = ResNet3dPathwayOptions;

export const RESNET3D_SLOWONLY_DEFAULTS = Object.freeze({
  lateral: false, conv1_kernel: [1, 7, 7], conv1_stride_t: 1, pool1_stride_t: 1, inflate: [0, 0, 1, 1], with_pool2: false,
} as const);

export class ResNet3dSlowOnly extends ResNet3dPathway {
  constructor(options: Partial<ResNet3dSlowOnlyOptions> & Pick<ResNet3dOptions, 'depth'>) {
    const o = { ...RESNET3D_SLOWONLY_DEFAULTS, ...options } as Partial<ResNet3dSlowOnlyOptions> & Pick<ResNet3dOptions, 'depth'>;
    if (o.lateral) throw new TypeError('ResNet3dSlowOnly: lateral must be false (use ResNet3dSlowFast for lateral connections)');
    super(o);
  }
}


/** Registry entry (type 'ResNet3dSlowOnly'). */
export const RESNET3D_SLOWONLY_ENTRY = defineEntry<ResNet3dSlowOnlyOptions, Backbone>({
  type: 'ResNet3dSlowOnly',
  doc: 'SlowOnly: the slow pathway of SlowFast alone (mmaction/models/backbones/resnet3d_slowonly.py)',
  defaults: { ...RESNET3D_DEFAULTS, ...RESNET3D_PATHWAY_DEFAULTS, ...RESNET3D_SLOWONLY_DEFAULTS } as unknown as Partial<ResNet3dSlowOnlyOptions>,
  required: ['depth'],
  kinds: RESNET3D_KINDS,
  choices: { style: ['pytorch', 'caffe'], inflate_style: ['3x1x1', '3x3x3'], lateral: [false] },
  build: (o) => new ResNet3dSlowOnly(o),
});
