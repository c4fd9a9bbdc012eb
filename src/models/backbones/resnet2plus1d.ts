/**
 * ResNet2Plus1d: R(2+1)D ("A Closer Look at Spatiotemporal Convolutions for Action
 * Recognition", Tran et al., CVPR 2018), a ResNet3d whose convs are Conv2plus1d
 * (`conv_cfg: {type: 'Conv2plus1d'}`). Mirrors mmaction/models/backbones/resnet2plus1d.py:
 * no 2D inflation, and the forward always max-pools after the stem and never uses pool2.
 */
import * as torch from '../../torch/index.ts';
import { ResNet3d, type ResNet3dOptions } from './resnet3d.ts';
import { defineEntry } from '../../config/registry.ts';
import { RESNET3D_DEFAULTS, RESNET3D_KINDS } from './resnet3d.ts';
import type { Backbone } from '../recognizers/base.ts';

type Tensor = torch.Tensor;

export class ResNet2Plus1d extends ResNet3d {
  constructor(options: Partial<ResNet3dOptions> & Pick<ResNet3dOptions, 'depth'>) {
    super(options);
    if (this.o.pretrained2d !== false) throw new TypeError('ResNet2Plus1d: pretrained2d must be false (2D weights cannot be inflated into Conv2plus1d)');
    if (this.o.conv_cfg?.type !== 'Conv2plus1d') throw new TypeError("ResNet2Plus1d: conv_cfg must be {type: 'Conv2plus1d'}");
  }

  override forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      x = this.maxpool.call(this.conv1.call(x));
      for (const name of this.resLayers) x = this.layer(name).call(x);
      return x;
    });
  }
}


/** Registry entry (type 'ResNet2Plus1d'). */
export const RESNET2PLUS1D_ENTRY = defineEntry<ResNet3dOptions, Backbone>({
  type: 'ResNet2Plus1d',
  doc: 'R(2+1)D: ResNet3d on Conv2plus1d (mmaction/models/backbones/resnet2plus1d.py)',
  defaults: RESNET3D_DEFAULTS as unknown as Partial<ResNet3dOptions>,
  required: ['depth'],
  kinds: RESNET3D_KINDS,
  choices: { style: ['pytorch', 'caffe'], inflate_style: ['3x1x1', '3x3x3'] },
  build: (o) => new ResNet2Plus1d(o),
});
