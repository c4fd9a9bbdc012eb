/**
 * Resize, RandomRescale and Fuse (which applies the lazy crop/resize/flip in one go).
 * Mirrors MMAction2 0.24 `augmentations.py`; pixels go through `imresize` (cv2-exact).
 *
 * Resize reads `imgs`, `img_shape`, `scale_factor`, `keypoint`; writes `imgs`, `img_shape`,
 * `keep_ratio`, `scale_factor` (float32, multiplied into any previous one), `keypoint`
 * (x, y times this resize's float32 factors).
 */
import { parseOptions, expectOneOf, type Cfg } from './options.ts';
import { cropBatch, flipBatchInPlace, hasKeypoints, initLazyIfProper, resizeKeypoints, type LazyOp } from './geometry.ts';
import { imresize, type Interpolation } from './imresize.ts';
import { getImages, type PipelineContext, type Results, type Transform } from './types.ts';

const INTERPOLATIONS = ['bilinear', 'nearest', 'bicubic', 'area', 'lanczos'] as const;

export interface ResizeOptions {
  /** A float factor, or a (w, h) tuple; (-1, S) means short side S (required). */
  scale: number | [number, number];
  /** Keep the aspect ratio (tuple: fit inside). Default true. */
  keep_ratio: boolean;
  /** Default 'bilinear'. */
  interpolation: Interpolation;
  /** Record for Fuse instead of resizing now. Default false. */
  lazy: boolean;
}

/** `mmcv.rescale_size((w, h), scale)`: Python float64 arithmetic, round half up. */
export function rescaleSize(w: number, h: number, scale: number | [number, number]): [number, number] {
  let sf: number;
  if (typeof scale === 'number') {
    if (scale <= 0) throw new RangeError(`Invalid scale ${scale}, must be positive.`);
    sf = scale;
  } else {
    const long = Math.max(...scale);
    const short = Math.min(...scale);
    sf = Math.min(long / Math.max(h, w), short / Math.min(h, w));
  }
  return [Math.trunc(w * sf + 0.5), Math.trunc(h * sf + 0.5)];
}

/** Resolve a config `scale` like Resize.__init__ does ((-1, S) -> (inf, S)). */
export function normalizeScale(where: string, scale: unknown): number | [number, number] {
  if (typeof scale === 'number' && !Array.isArray(scale)) {
    if (!(scale > 0)) throw new Error(`${where}: Invalid scale ${scale}, must be positive.`);
    return scale;
  }
  if (Array.isArray(scale) && scale.length === 2 && scale.every((x) => typeof x === 'number')) {
    const long = Math.max(scale[0], scale[1]);
    const short = Math.min(scale[0], scale[1]);
    return short === -1 ? [Infinity, long] : [scale[0], scale[1]];
  }
  throw new Error(`${where}: scale must be a float or a (w, h) tuple, got ${JSON.stringify(scale)}`);
}

export class Resize implements Transform {
  readonly type = 'Resize';
  readonly opts: ResizeOptions;
  readonly scale: number | [number, number];

  constructor(cfg: Cfg, where = 'Resize') {
    this.opts = parseOptions(where, cfg, { keep_ratio: true, interpolation: 'bilinear', lazy: false } as ResizeOptions, ['scale']);
    this.scale = normalizeScale(where, this.opts.scale);
    expectOneOf(where, 'interpolation', this.opts.interpolation, INTERPOLATIONS);
    if (!this.opts.keep_ratio && typeof this.scale === 'number') {
      throw new Error(`${where}: keep_ratio=False needs a (w, h) tuple scale`);
    }
    if (!this.opts.keep_ratio && !(this.scale as number[]).every((x) => Number.isInteger(x) && x > 0)) {
      throw new Error(`${where}: keep_ratio=False needs a positive (w, h), got ${JSON.stringify(this.opts.scale)}`);
    }
  }

  call(results: Results): Results {
    return resizeResults(results, this.scale, this.opts.keep_ratio, this.opts.interpolation, this.opts.lazy, this.type);
  }
}

export function resizeResults(results: Results, scale: number | [number, number], keepRatio: boolean,
  interpolation: Interpolation, lazy: boolean, type: string): Results {
  initLazyIfProper(results, lazy, type);
  const withKp = hasKeypoints(results, lazy, type);
  const prev = results.scale_factor ?? new Float32Array([1, 1]);
  const [h, w] = results.img_shape!;
  const [nw, nh] = keepRatio ? rescaleSize(w, h, scale) : (scale as [number, number]);
  const sf = new Float32Array([nw / w, nh / h]);
  results.img_shape = [nh, nw];
  results.keep_ratio = keepRatio;
  results.scale_factor = new Float32Array([prev[0]! * sf[0]!, prev[1]! * sf[1]!]);
  if (!lazy) {
    if (results.imgs !== undefined) {
      const imgs = getImages(results, type);
      // the same size (videos stored at short side 256, then Resize(-1, 256)): cv2 would copy the
      // pixels unchanged; nothing else holds these images, so they stay as they are
      if (imgs.w !== nw || imgs.h !== nh) results.imgs = imresize(imgs, nw, nh, interpolation);
    }
    if (withKp) resizeKeypoints(results, sf[0]!, sf[1]!, type);
  } else {
    const op = results.lazy as LazyOp;
    if (op.flip) throw new Error(`${type}: Put Flip at last for now`);
    op.interpolation = interpolation;
  }
  if (results.gt_bboxes) {
    if (lazy) throw new Error(`${type}: lazy resize cannot process gt_bboxes`);
    const scaleBoxes = (b: number[][]) => b.map((r) => r.map((v, i) => Math.fround(v * sf[i % 2]!)));
    results.gt_bboxes = scaleBoxes(results.gt_bboxes as number[][]);
    if (results.proposals) results.proposals = scaleBoxes(results.proposals as number[][]);
  }
  return results;
}

export interface RandomRescaleOptions {
  /** (min, max) short side, inclusive (required). */
  scale_range: [number, number];
  interpolation: Interpolation;
}

/** Resize the short side to a random length in scale_range; writes `short_edge`. */
export class RandomRescale implements Transform {
  readonly type = 'RandomRescale';
  readonly opts: RandomRescaleOptions;

  constructor(cfg: Cfg, where = 'RandomRescale') {
    this.opts = parseOptions(where, cfg, { interpolation: 'bilinear' } as RandomRescaleOptions, ['scale_range']);
    const r = this.opts.scale_range;
    if (!Array.isArray(r) || r.length !== 2 || !r.every((x) => Number.isInteger(x) && x > 0) || !(r[0] < r[1])) {
      throw new Error(`${where}: scale_range must be two positive ints (lo < hi), got ${JSON.stringify(r)}`);
    }
  }

  call(results: Results, ctx: PipelineContext): Results {
    const short = ctx.rng.np.randint(this.opts.scale_range[0], this.opts.scale_range[1] + 1);
    resizeResults(results, [Infinity, short], true, this.opts.interpolation, false, this.type);
    results.short_edge = short;
    return results;
  }
}

/** Apply the pending lazy crop, resize and flip (`results.lazy`) to the images. */
export class Fuse implements Transform {
  readonly type = 'Fuse';

  constructor(cfg: Cfg, where = 'Fuse') {
    parseOptions(where, cfg, {});
  }

  call(results: Results): Results {
    const op = results.lazy as LazyOp | undefined;
    if (!op) throw new Error('Fuse: No lazy operation detected');
    let imgs = getImages(results, this.type);
    const [l, t, r, b] = Array.from(op.crop_bbox, (v) => roundHalfEvenF(v)) as [number, number, number, number];
    imgs = cropBatch(imgs, Math.max(l, 0), Math.max(t, 0), Math.min(r, imgs.w) - Math.max(l, 0), Math.min(b, imgs.h) - Math.max(t, 0), this.type);
    const [h, w] = results.img_shape!;
    imgs = imresize(imgs, w, h, (op.interpolation ?? 'bilinear') as Interpolation);
    if (op.flip) flipBatchInPlace(imgs, op.flip_direction ?? 'horizontal');
    results.imgs = imgs;
    delete results.lazy;
    return results;
  }
}

function roundHalfEvenF(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
