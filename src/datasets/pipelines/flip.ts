/**
 * Flip (MMAction2 0.24 `augmentations.py`): horizontal or vertical with probability
 * `flip_ratio`; for Flow, x-flow images (even list indices) are inverted (255 - x) after a
 * flip. Draws `np.random.rand()` on every call, even at flip_ratio 1.
 *
 * Reads `imgs`, `modality`, `img_shape`, `label`, `keypoint`, `keypoint_score`; writes `imgs`,
 * `flip`, `flip_direction`, `label` (flip_label_map), `gt_bboxes`/`proposals`, `keypoint` (x ->
 * width - x where x != 0, left_kp/right_kp swapped) and `keypoint_score` (same joint order).
 */
import { expectOneOf, parseOptions, type Cfg } from './options.ts';
import { flipBatchInPlace, flipKeypoints, hasKeypoints, initLazyIfProper, type LazyOp } from './geometry.ts';
import { getImages, type PipelineContext, type Results, type Transform } from './types.ts';

export interface FlipOptions {
  /** Probability of flipping. Default 0.5. */
  flip_ratio: number;
  /** Default 'horizontal'. */
  direction: 'horizontal' | 'vertical';
  /** Label remapping when flipped ({label: new_label}). Default null. */
  flip_label_map: Record<string, number> | null;
  /** Keypoint pairs to swap (pose pipelines). Default null. */
  left_kp: number[] | null;
  right_kp: number[] | null;
  lazy: boolean;
}

export class Flip implements Transform {
  readonly type = 'Flip';
  readonly opts: FlipOptions;

  constructor(cfg: Cfg, where = 'Flip') {
    this.opts = parseOptions(where, cfg, {
      flip_ratio: 0.5, direction: 'horizontal', flip_label_map: null, left_kp: null, right_kp: null, lazy: false,
    } as FlipOptions);
    expectOneOf(where, 'direction', this.opts.direction, ['horizontal', 'vertical'] as const);
  }

  call(results: Results, ctx: PipelineContext): Results {
    initLazyIfProper(results, this.opts.lazy, this.type);
    const dir = this.opts.direction;
    const withKp = hasKeypoints(results, this.opts.lazy, this.type);
    if (withKp && dir !== 'horizontal') throw new Error('Flip: Only horizontal flips are supported for human keypoints');
    const modality = results.modality;
    if (modality === 'Flow' && dir !== 'horizontal') throw new Error('Flip: only horizontal flips are allowed for Flow');
    const flip = ctx.rng.np.rand() < this.opts.flip_ratio;
    results.flip = flip;
    results.flip_direction = dir;
    const width = results.img_shape![1];
    if (this.opts.flip_label_map && flip && typeof results.label === 'number') {
      const m = this.opts.flip_label_map[String(results.label)];
      if (m !== undefined) results.label = m;
    }
    if (!this.opts.lazy) {
      if (flip && withKp) flipKeypoints(results, width, this.opts.left_kp, this.opts.right_kp, this.type);
      if (flip && results.imgs !== undefined) {
        const imgs = getImages(results, this.type);
        flipBatchInPlace(imgs, dir);
        if (modality === 'Flow') {
          const fs = imgs.frameSize;
          for (let i = 0; i < imgs.n; i += 2) {
            const f = imgs.data.subarray(i * fs, (i + 1) * fs);
            for (let k = 0; k < fs; k++) f[k] = 255 - f[k]!;
          }
        }
      }
    } else {
      const op = results.lazy as LazyOp;
      if (op.flip) throw new Error('Flip: Use one Flip please');
      op.flip = flip;
      op.flip_direction = dir;
    }
    if (results.gt_bboxes && flip) {
      if (this.opts.lazy || dir !== 'horizontal') throw new Error('Flip: boxes need a non-lazy horizontal flip');
      const fb = (b: number[][]) => b.map(([x1, y1, x2, y2]) => [width - x2!, y1!, width - x1!, y2!].map(Math.fround));
      results.gt_bboxes = fb(results.gt_bboxes as number[][]);
      if (results.proposals) results.proposals = fb(results.proposals as number[][]);
    }
    return results;
  }
}
