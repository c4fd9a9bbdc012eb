/**
 * TPNHead (Yang et al., CVPR 2020), mirroring mmaction/models/heads/tpn_head.py: a TSNHead that
 * also takes 3D features (`avg_pool3d`) and, with fcn_test, classifies every position with a
 * 1x1x1 conv copied from `fc_cls` (`new_cls`).
 *
 * Like MMAction2, `avg_pool2d` and `new_cls` are created at the first forward that needs them:
 * `avg_pool2d`'s kernel is the (H, W) of that first input and then stays fixed, and `new_cls`
 * joins the state dict (`cls_head.new_cls.*`) once created. Set `fixed_pool2d: false` to pool
 * every input over its own H, W instead (what a later input of another size needs).
 */
import * as torch from '../../torch/index.ts';
import { defineEntry } from '../../config/registry.ts';
import { TSNHead, TSN_HEAD_DEFAULTS, type TSNHeadOptions } from './tsn_head.ts';
import type { Head } from '../recognizers/base.ts';

const { nn } = torch;
type Tensor = torch.Tensor;

export interface TPNHeadOptions extends TSNHeadOptions {
  /** Keep MMAction2's avg_pool2d kernel from the first input (default true); false: pool each input over its own H, W. */
  fixed_pool2d: boolean;
}

export const TPN_HEAD_DEFAULTS = Object.freeze({ ...TSN_HEAD_DEFAULTS, fixed_pool2d: true } as const);

export class TPNHead extends TSNHead {
  readonly fixedPool2d: boolean;
  avgPool3d: torch.nn.AdaptiveAvgPool3d | null;
  avgPool2d: torch.nn.AvgPool3d | null = null;
  newCls: torch.nn.Conv3d | null = null;

  constructor(options: Partial<TPNHeadOptions> & { num_classes: number; in_channels: number }) {
    const { fixed_pool2d = true, ...rest } = options;
    super(rest);
    this.fixedPool2d = fixed_pool2d;
    this.avgPool3d = this.registerModule('avg_pool3d', this.spatialType === 'avg' ? new nn.AdaptiveAvgPool3d([1, 1, 1]) : null);
  }

  /** new_cls: a 1x1x1 Conv3d holding fc_cls's weights. */
  private initNewCls(): torch.nn.Conv3d {
    const conv = new nn.Conv3d(this.inChannels, this.numClasses, 1, { stride: 1, padding: 0 });
    torch.noGrad(() => torch.tidy(() => {
      conv.weight.copy_(this.fcCls.weight.view([this.numClasses, this.inChannels, 1, 1, 1]));
      conv.bias!.copy_(this.fcCls.bias!);
    }));
    this.newCls = this.registerModule('new_cls', conv);
    return conv;
  }

  /**
   * x: [N * num_segs, C, T, H, W]. Without num_segs (3D recognizers): 3D average pool and fc_cls
   * -> [N, K]. With num_segs (2D recognizers): (1, H, W) average pool, consensus over segments.
   * With fcn_test: the class-score map [N, K, T', H', W'] (after avg_pool3d, if any).
   */
  override forward(x: Tensor, numSegs?: number | null, { fcn_test = false }: { fcn_test?: boolean } = {}): Tensor {
    if (Array.isArray(x)) throw new TypeError(`TPNHead: got a tuple of ${(x as Tensor[]).length} features; put a TPN neck before it or set out_indices to one stage`);
    return torch.tidy(() => {
      if (fcn_test) {
        const y = this.avgPool3d ? this.avgPool3d.call(x) as Tensor : x;
        return (this.newCls ?? this.initNewCls()).call(y);
      }
      const [h, w] = x.shape.slice(-2);
      if (this.avgPool2d === null) {
        this.avgPool2d = this.registerModule('avg_pool2d', new nn.AvgPool3d([1, h, w], { stride: 1, padding: 0 }));
      }
      let y: Tensor;
      if (numSegs === undefined || numSegs === null) {
        if (!this.avgPool3d) throw new Error("TPNHead: spatial_type must be 'avg' to pool 3D features without num_segs (MMAction2 fails here too)");
        y = this.avgPool3d.call(x);
      } else {
        const pool = this.fixedPool2d ? this.avgPool2d : new nn.AvgPool3d([1, h, w], { stride: 1, padding: 0 });
        y = pool.call(x) as Tensor; // [N*segs, C, T, 1, 1]
        y = y.reshape([-1, numSegs, ...y.shape.slice(1)]); // [N, segs, C, T, 1, 1]
        if (!this.consensus) throw new Error('TPNHead: consensus type is not AvgConsensus (MMAction2 builds none and fails here too)');
        y = this.consensus.call(y).squeeze(1);
      }
      const dropout = this.getModule('dropout');
      if (dropout) y = dropout.call(y);
      y = y.view(y.shape[0], -1); // [N, C]
      return this.fcCls.call(y);
    });
  }
}

/** Registry entry (type 'TPNHead'). */
export const TPN_HEAD_ENTRY = defineEntry<TPNHeadOptions, Head>({
  type: 'TPNHead',
  doc: 'TPN head: TSNHead with 3D pooling and fcn_test (mmaction/models/heads/tpn_head.py)',
  defaults: TPN_HEAD_DEFAULTS as unknown as Partial<TPNHeadOptions>,
  required: ['num_classes', 'in_channels'],
  kinds: { spatial_type: ['string', 'null'], topk: ['integer', 'array'] },
  choices: { spatial_type: ['avg', null] },
  build: (o) => new TPNHead(o),
});
