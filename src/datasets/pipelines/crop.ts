/**
 * Spatial crops: RandomCrop, RandomResizedCrop, MultiScaleCrop, CenterCrop, ThreeCrop,
 * TenCrop. Mirrors MMAction2 0.24 `augmentations.py`. Crops copy pixel rows (index ops).
 *
 * Read `imgs`, `img_shape` (and `lazy`, `crop_quadruple`, `gt_bboxes`/`proposals`, `keypoint`);
 * write `imgs`, `img_shape`, `crop_bbox`, `crop_quadruple` (not Three/TenCrop), `keypoint`
 * (shifted by the crop origin, float64 as in numpy; not Three/TenCrop, as in MMAction2),
 * MultiScaleCrop also `scales`.
 */
import { expectInt, parseOptions, type Cfg } from './options.ts';
import {
  cropBatch, cropBoxesInResults, cropKeypoints, flipBatchInPlace, hasKeypoints, initLazyIfProper, lazyCrop, pair, updateQuadruple,
} from './geometry.ts';
import { getImages, ImageBatch, type PipelineContext, type Results, type Transform } from './types.ts';

/** Apply (or record, when lazy) a crop box [x, y, x + w, y + h] on the results. */
function applyCrop(results: Results, type: string, lazy: boolean, x: number, y: number, nw: number, nh: number): void {
  const withKp = hasKeypoints(results, lazy, type);
  const [imgH, imgW] = results.img_shape!;
  updateQuadruple(results, x, y, nw, nh, imgW, imgH);
  const bbox = [x, y, x + nw, y + nh];
  results.crop_bbox = bbox;
  results.img_shape = [nh, nw];
  if (!lazy) {
    if (withKp) cropKeypoints(results, x, y, type);
    if (results.imgs !== undefined) results.imgs = cropBatch(getImages(results, type), x, y, nw, nh, type);
  } else {
    lazyCrop(results, type, x, y, nw, nh, imgW, imgH);
  }
  if (results.gt_bboxes) {
    if (lazy) throw new Error(`${type}: lazy crops cannot process gt_bboxes`);
    cropBoxesInResults(results, bbox);
  }
}

export interface RandomCropOptions {
  /** Square crop side (required, int). */
  size: number;
  /** Record the crop for Fuse instead of applying it. Default false. */
  lazy: boolean;
}

/** Random square crop; offsets from numpy's generator. */
export class RandomCrop implements Transform {
  readonly type: string = 'RandomCrop';
  readonly opts: RandomCropOptions;

  constructor(cfg: Cfg, where = 'RandomCrop') {
    this.opts = parseOptions(where, cfg, { lazy: false } as RandomCropOptions, ['size']);
    expectInt(where, 'size', this.opts.size, 1);
  }

  call(results: Results, ctx: PipelineContext): Results {
    initLazyIfProper(results, this.opts.lazy, this.type);
    const [h, w] = results.img_shape!;
    const s = this.opts.size;
    if (s > h || s > w) throw new Error(`RandomCrop: size ${s} exceeds the image (${w}x${h})`);
    const y = h > s ? ctx.rng.np.randint(0, h - s) : 0;
    const x = w > s ? ctx.rng.np.randint(0, w - s) : 0;
    applyCrop(results, this.type, this.opts.lazy, x, y, s, s);
    return results;
  }
}

export interface RandomResizedCropOptions {
  /** Fraction of the image area. Default [0.08, 1.0]. */
  area_range: [number, number];
  /** Range of w/h. Default [3/4, 4/3]. */
  aspect_ratio_range: [number, number];
  lazy: boolean;
}

/** Inception-style crop of random area and aspect ratio (resize comes from a later Resize). */
export class RandomResizedCrop implements Transform {
  readonly type = 'RandomResizedCrop';
  readonly opts: RandomResizedCropOptions;

  constructor(cfg: Cfg, where = 'RandomResizedCrop') {
    this.opts = parseOptions(where, cfg, { area_range: [0.08, 1.0], aspect_ratio_range: [3 / 4, 4 / 3], lazy: false });
    const [a0, a1] = this.opts.area_range;
    const [r0, r1] = this.opts.aspect_ratio_range;
    if (!(0 < a0 && a0 <= a1 && a1 <= 1)) throw new Error(`${where}: area_range must satisfy 0 < lo <= hi <= 1`);
    if (!(0 < r0 && r0 <= r1)) throw new Error(`${where}: aspect_ratio_range must satisfy 0 < lo <= hi`);
  }

  /** `get_crop_bbox`: 10 attempts drawn up front from numpy, offsets from Python's random. */
  static cropBox(h: number, w: number, area: [number, number], ratio: [number, number], ctx: PipelineContext, maxAttempts = 10): number[] {
    const np = ctx.rng.np;
    const lo = Math.log(ratio[0]);
    const hi = Math.log(ratio[1]);
    const ars: number[] = [];
    for (let i = 0; i < maxAttempts; i++) ars.push(Math.exp(np.uniform(lo, hi)));
    const targets: number[] = [];
    for (let i = 0; i < maxAttempts; i++) targets.push(np.uniform(area[0], area[1]) * (h * w));
    for (let i = 0; i < maxAttempts; i++) {
      const cw = roundEven(Math.sqrt(targets[i]! * ars[i]!));
      const ch = roundEven(Math.sqrt(targets[i]! / ars[i]!));
      if (ch <= h && cw <= w) {
        const x = ctx.rng.py.pyRandint(0, w - cw);
        const y = ctx.rng.py.pyRandint(0, h - ch);
        return [x, y, x + cw, y + ch];
      }
    }
    const s = Math.min(h, w);
    const x = Math.floor((w - s) / 2);
    const y = Math.floor((h - s) / 2);
    return [x, y, x + s, y + s];
  }

  call(results: Results, ctx: PipelineContext): Results {
    initLazyIfProper(results, this.opts.lazy, this.type);
    const [h, w] = results.img_shape!;
    const [l, t, r, b] = RandomResizedCrop.cropBox(h, w, this.opts.area_range, this.opts.aspect_ratio_range, ctx) as [number, number, number, number];
    applyCrop(results, this.type, this.opts.lazy, l, t, r - l, b - t);
    return results;
  }
}

function roundEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

export interface MultiScaleCropOptions {
  /** Target (w, h) that near-equal crop sizes snap to (required). */
  input_size: number | [number, number];
  /** Crop sizes as fractions of the short side. Default [1]. */
  scales: number[];
  /** Largest index gap between the w and h scales. Default 1. */
  max_wh_scale_gap: number;
  /** Random offsets instead of the fixed grid. Default false. */
  random_crop: boolean;
  /** 5 or 13 fixed offsets. Default 5. */
  num_fixed_crops: 5 | 13;
  lazy: boolean;
}

/** TSN's multi-scale crop (corner/centre crops of several sizes). */
export class MultiScaleCrop implements Transform {
  readonly type = 'MultiScaleCrop';
  readonly opts: MultiScaleCropOptions;
  readonly inputSize: [number, number];

  constructor(cfg: Cfg, where = 'MultiScaleCrop') {
    this.opts = parseOptions(where, cfg, { scales: [1], max_wh_scale_gap: 1, random_crop: false, num_fixed_crops: 5, lazy: false } as MultiScaleCropOptions, ['input_size']);
    this.inputSize = pair(where, 'input_size', this.opts.input_size);
    if (!Array.isArray(this.opts.scales)) throw new Error(`${where}: scales must be a tuple of numbers`);
    if (this.opts.num_fixed_crops !== 5 && this.opts.num_fixed_crops !== 13) throw new Error(`${where}: num_fixed_crops must be 5 or 13`);
  }

  call(results: Results, ctx: PipelineContext): Results {
    initLazyIfProper(results, this.opts.lazy, this.type);
    const [h, w] = results.img_shape!;
    const base = Math.min(h, w);
    const sizes = this.opts.scales.map((s) => Math.trunc(base * s));
    const candidates: [number, number][] = [];
    sizes.forEach((ch, i) => sizes.forEach((cw, j) => {
      if (Math.abs(i - j) <= this.opts.max_wh_scale_gap) candidates.push([cw, ch]);
    }));
    const size = [...ctx.rng.py.pyChoice(candidates)] as [number, number];
    for (let i = 0; i < 2; i++) if (Math.abs(size[i]! - this.inputSize[i]!) < 3) size[i] = this.inputSize[i]!;
    const [cw, ch] = size;
    let x: number;
    let y: number;
    if (this.opts.random_crop) {
      x = ctx.rng.py.pyRandint(0, w - cw);
      y = ctx.rng.py.pyRandint(0, h - ch);
    } else {
      const ws = Math.floor((w - cw) / 4);
      const hs = Math.floor((h - ch) / 4);
      const offs: [number, number][] = [[0, 0], [4 * ws, 0], [0, 4 * hs], [4 * ws, 4 * hs], [2 * ws, 2 * hs]];
      if (this.opts.num_fixed_crops === 13) {
        offs.push([0, 2 * hs], [4 * ws, 2 * hs], [2 * ws, 4 * hs], [2 * ws, 0], [ws, hs], [3 * ws, hs], [ws, 3 * hs], [3 * ws, 3 * hs]);
      }
      [x, y] = ctx.rng.py.pyChoice(offs);
    }
    results.scales = this.opts.scales;
    applyCrop(results, this.type, this.opts.lazy, x, y, cw, ch);
    return results;
  }
}

export interface CenterCropOptions {
  /** int, or (w, h) (required). */
  crop_size: number | [number, number];
  lazy: boolean;
}

export class CenterCrop implements Transform {
  readonly type = 'CenterCrop';
  readonly opts: CenterCropOptions;
  readonly size: [number, number];

  constructor(cfg: Cfg, where = 'CenterCrop') {
    this.opts = parseOptions(where, cfg, { lazy: false } as CenterCropOptions, ['crop_size']);
    this.size = pair(where, 'crop_size', this.opts.crop_size);
  }

  call(results: Results): Results {
    initLazyIfProper(results, this.opts.lazy, this.type);
    const [h, w] = results.img_shape!;
    const [cw, ch] = this.size;
    const left = Math.floor((w - cw) / 2);
    const top = Math.floor((h - ch) / 2);
    applyCrop(results, this.type, this.opts.lazy, left, top, cw, ch);
    return results;
  }
}

/** Stack crops of every image: all images of crop 0, then crop 1, ... (TenCrop adds flips). */
function multiCrop(src: ImageBatch, offsets: [number, number][], cw: number, ch: number, withFlip: boolean, type: string): ImageBatch {
  const per = withFlip ? 2 : 1;
  const out = ImageBatch.alloc(src.n * offsets.length * per, ch, cw, src.c);
  let k = 0;
  for (const [x, y] of offsets) {
    const crop = cropBatch(src, x, y, cw, ch, type);
    out.data.set(crop.data, k * crop.frameSize);
    k += src.n;
    if (withFlip) {
      out.data.set(crop.data, k * crop.frameSize);
      flipBatchInPlace(out, 'horizontal', k, src.n);
      k += src.n;
    }
  }
  return out;
}

export interface ThreeCropOptions {
  crop_size: number | [number, number];
}

/** Three crops along the long side: left/top, right/bottom, middle (in that order). */
export class ThreeCrop implements Transform {
  readonly type = 'ThreeCrop';
  readonly size: [number, number];

  constructor(cfg: Cfg, where = 'ThreeCrop') {
    const opts = parseOptions(where, cfg, {} as ThreeCropOptions, ['crop_size']);
    this.size = pair(where, 'crop_size', opts.crop_size);
  }

  call(results: Results): Results {
    initLazyIfProper(results, false, this.type);
    const imgs = getImages(results, this.type);
    const [cw, ch] = this.size;
    let offsets: [number, number][];
    if (ch === imgs.h) {
      const s = Math.floor((imgs.w - cw) / 2);
      offsets = [[0, 0], [2 * s, 0], [s, 0]];
    } else if (cw === imgs.w) {
      const s = Math.floor((imgs.h - ch) / 2);
      offsets = [[0, 0], [0, 2 * s], [0, s]];
    } else {
      throw new Error(`ThreeCrop: crop ${cw}x${ch} must span the full height or width of the ${imgs.w}x${imgs.h} images ` +
        '(resize the short side to the crop size first)');
    }
    results.imgs = multiCrop(imgs, offsets, cw, ch, false, this.type);
    results.crop_bbox = offsets.flatMap(([x, y]) => Array.from({ length: imgs.n }, () => [x, y, x + cw, y + ch]));
    results.img_shape = [ch, cw];
    return results;
  }
}

/** Four corners and the centre, each followed by its horizontal flip. */
export class TenCrop implements Transform {
  readonly type = 'TenCrop';
  readonly size: [number, number];

  constructor(cfg: Cfg, where = 'TenCrop') {
    const opts = parseOptions(where, cfg, {} as ThreeCropOptions, ['crop_size']);
    this.size = pair(where, 'crop_size', opts.crop_size);
  }

  call(results: Results): Results {
    initLazyIfProper(results, false, this.type);
    const imgs = getImages(results, this.type);
    const [cw, ch] = this.size;
    const ws = Math.floor((imgs.w - cw) / 4);
    const hs = Math.floor((imgs.h - ch) / 4);
    const offsets: [number, number][] = [[0, 0], [4 * ws, 0], [0, 4 * hs], [4 * ws, 4 * hs], [2 * ws, 2 * hs]];
    results.imgs = multiCrop(imgs, offsets, cw, ch, true, this.type);
    results.crop_bbox = offsets.flatMap(([x, y]) => Array.from({ length: imgs.n * 2 }, () => [x, y, x + cw, y + ch]));
    results.img_shape = [ch, cw];
    return results;
  }
}
