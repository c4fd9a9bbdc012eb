/**
 * The PoseC3D transforms (MMAction2 0.24 `pose_loading.py`: UniformSampleFrames,
 * GeneratePoseTarget; `augmentations.py`: PoseCompact): skeletons become stacks of Gaussian
 * heatmaps ("pseudo images") that a 3D CNN reads like video.
 *
 *   UniformSampleFrames > PoseDecode > PoseCompact > Resize/crops/Flip (which move `keypoint`)
 *   > GeneratePoseTarget > FormatShape('NCTHW')
 *
 * Numbers follow numpy 1.x as MMAction2 runs them: the sampling draws what numpy's legacy
 * generator draws, box arithmetic is float64 on the float32 keypoints, and the heatmaps are
 * float32 expressions rounded per operation (Math.fround), except `np.exp`, whose float32
 * SIMD kernel is not correctly rounded (a few ulp; values agree to ~1e-7).
 */
import type { PipelineContext, Results, Transform } from './types.ts';
import { NDArray, FloatBatch } from './types.ts';
import { expectInt, parseOptions, type Cfg } from './options.ts';
import { flipKeypoints, getKeypoints } from './geometry.ts';

const f32 = Math.fround;
const identity = (x: number) => x;

export interface UniformSampleFramesOptions {
  /** Frames per clip (required). */
  clip_len: number;
  /** Clips; more than 1 only in test mode. Default 1. */
  num_clips: number;
  /** Deterministic test-time sampling. Default false. */
  test_mode: boolean;
  /** numpy seed for test mode. Default 255. */
  seed: number;
}

/**
 * UniformSampleFrames: `clip_len` segments of equal length, one random frame in each (shorter
 * videos: a random window, looped; videos of 1-2 clip lengths: `clip_len` distinct frames with
 * random gaps). In test mode it calls `np.random.seed(seed)` first, as MMAction2 does on
 * numpy's global generator: here the pipeline's numpy generator, so transforms after it draw
 * what they would draw in MMAction2.
 *
 * Reads `total_frames`, `start_index`; writes `frame_inds` (clip after clip), `clip_len`,
 * `frame_interval` (null), `num_clips`.
 */
export class UniformSampleFrames implements Transform {
  readonly type = 'UniformSampleFrames';
  readonly opts: UniformSampleFramesOptions;

  constructor(cfg: Cfg, where = 'UniformSampleFrames') {
    this.opts = parseOptions(where, cfg, { num_clips: 1, test_mode: false, seed: 255 } as UniformSampleFramesOptions, ['clip_len']);
    expectInt(where, 'clip_len', this.opts.clip_len, 1);
    expectInt(where, 'num_clips', this.opts.num_clips, 1);
    expectInt(where, 'seed', this.opts.seed, 0);
    if (this.opts.seed > 0xffffffff) throw new Error(`${where}: seed must be below 2**32, got ${this.opts.seed}`);
    if (typeof this.opts.test_mode !== 'boolean') throw new Error(`${where}: test_mode must be True or False, got ${JSON.stringify(this.opts.test_mode)}`);
    if (!this.opts.test_mode && this.opts.num_clips !== 1) {
      throw new Error(`${where}: num_clips must be 1 when test_mode is False (MMAction2 asserts it), got ${this.opts.num_clips}`);
    }
  }

  call(results: Results, ctx: PipelineContext): Results {
    const n = results.total_frames;
    if (!(Number.isInteger(n) && n! > 0)) throw new RangeError(`UniformSampleFrames: results.total_frames must be a positive integer, got ${JSON.stringify(n)}`);
    const start = results.start_index;
    if (!Number.isInteger(start)) throw new TypeError(`UniformSampleFrames: results.start_index must be an integer, got ${JSON.stringify(start)}`);
    const { clip_len: len, num_clips: clips, test_mode: test } = this.opts;
    const np = ctx.rng.np;
    let inds: number[];
    if (test) {
      np.seed(this.opts.seed);
      inds = [];
      if (n! < len) {
        for (let c = 0; c < clips; c++) {
          const s = n! < clips ? c : Math.floor((c * n!) / clips);
          for (let i = 0; i < len; i++) inds.push(s + i);
        }
      } else {
        for (let c = 0; c < clips; c++) inds.push(...sampleClip(n!, len, np));
      }
    } else if (n! < len) {
      const s = np.randint(0, n!);
      inds = Array.from({ length: len }, (_, i) => s + i);
    } else {
      inds = sampleClip(n!, len, np);
    }
    results.frame_inds = inds.map((i) => (i % n!) + start!);
    results.clip_len = len;
    results.frame_interval = null as unknown as number;
    results.num_clips = clips;
    return results;
  }
}

/** One clip of `len` frames out of `n >= len`, as `_get_train_clips` / `_get_test_clips` draw it. */
function sampleClip(n: number, len: number, np: PipelineContext['rng']['np']): number[] {
  if (n < 2 * len) {
    // n - len of the len + 1 gaps get one extra frame: np.random.choice(len + 1, n - len, replace=False)
    const chosen = np.permutation(len + 1).slice(0, n - len);
    const offset = new Array<number>(len + 1).fill(0);
    for (const c of chosen) offset[c] = 1;
    const out: number[] = [];
    let cum = 0;
    for (let i = 0; i < len; i++) {
      cum += offset[i]!;
      out.push(i + cum);
    }
    return out;
  }
  // segment i is [i * n // len, (i + 1) * n // len); np.random.randint(bsize) draws one offset per segment
  const bids = Array.from({ length: len + 1 }, (_, i) => Math.floor((i * n) / len));
  return Array.from({ length: len }, (_, i) => bids[i]! + np.randint(0, bids[i + 1]! - bids[i]!));
}

export interface PoseCompactOptions {
  /** Box growth: the tight box's width and height times (1 + padding). Default 0.25. */
  padding: number;
  /** Keep the frame when the tight box is narrower or lower than this. Default 10. */
  threshold: number;
  /** Height / width of the box: a float, a (min, max) range, or null (free). Default null. */
  hw_ratio: number | [number, number] | null;
  /** Let the box reach outside the image to meet hw_ratio. Default true. */
  allow_imgpad: boolean;
}

/**
 * PoseCompact: one box around every (non-zero) joint of every person and frame, grown by
 * `padding` and to `hw_ratio`, becomes the new image: keypoints are shifted into it and
 * `img_shape` is its size. NaN coordinates become 0 (missing) first.
 *
 * Reads `img_shape`, `keypoint`, `crop_quadruple`; writes `keypoint`, `img_shape`,
 * `crop_quadruple` (float64, like MMAction2's tuple of Python floats).
 */
export class PoseCompact implements Transform {
  readonly type = 'PoseCompact';
  readonly opts: PoseCompactOptions;
  readonly hwRatio: [number, number] | null;

  constructor(cfg: Cfg, where = 'PoseCompact') {
    this.opts = parseOptions(where, cfg, { padding: 0.25, threshold: 10, hw_ratio: null, allow_imgpad: true } as PoseCompactOptions);
    const { padding, threshold, hw_ratio: r } = this.opts;
    if (typeof padding !== 'number' || !(padding >= 0)) throw new Error(`${where}: padding must be a number >= 0, got ${JSON.stringify(padding)}`);
    if (typeof threshold !== 'number') throw new Error(`${where}: threshold must be a number, got ${JSON.stringify(threshold)}`);
    if (r === null) this.hwRatio = null;
    else if (typeof r === 'number' && r > 0) this.hwRatio = [r, r];
    else if (Array.isArray(r) && r.length === 2 && r.every((x) => typeof x === 'number' && x > 0)) this.hwRatio = [r[0], r[1]];
    else throw new Error(`${where}: hw_ratio must be a positive float, a (min, max) pair or None, got ${JSON.stringify(r)}`);
  }

  call(results: Results): Results {
    const shape = results.img_shape;
    if (!Array.isArray(shape) || shape.length !== 2) throw new TypeError(`PoseCompact: results.img_shape must be (h, w), got ${JSON.stringify(shape)}`);
    const [h, w] = shape;
    const kp0 = getKeypoints(results, this.type);
    const c = kp0.shape[3]!;
    if (c < 2) throw new RangeError(`PoseCompact: results.keypoint needs x and y in its last axis, got [${kp0.shape.join(', ')}]`);
    const kp = kp0.data.slice(); // NaN -> 0, then shifted: a new array of the same dtype
    const round = kp instanceof Float32Array ? f32 : identity;
    let minX = Infinity, minY = Infinity, maxX = -Infinity, maxY = -Infinity;
    for (let i = 0; i < kp.length; i++) if (Number.isNaN(kp[i])) kp[i] = 0;
    for (let i = 0; i < kp.length; i += c) {
      const x = kp[i]!, y = kp[i + 1]!;
      if (x !== 0) { if (x < minX) minX = x; if (x > maxX) maxX = x; }
      if (y !== 0) { if (y < minY) minY = y; if (y > maxY) maxY = y; }
    }
    results.keypoint = new NDArray(kp, [...kp0.shape]);
    // numpy scalars of the keypoint dtype: the differences round to it; the rest is float64
    const spanX = round(maxX - minX), spanY = round(maxY - minY);
    if (spanX < this.opts.threshold || spanY < this.opts.threshold) return results; // also: no joint at all
    const cx = round(maxX + minX) / 2, cy = round(maxY + minY) / 2;
    let hw = (spanX / 2) * (1 + this.opts.padding);
    let hh = (spanY / 2) * (1 + this.opts.padding);
    if (this.hwRatio) {
      hh = Math.max(this.hwRatio[0] * hw, hh);
      hw = Math.max((1 / this.hwRatio[1]) * hh, hw);
    }
    let x0: number, y0: number, x1: number, y1: number;
    if (this.opts.allow_imgpad) {
      [x0, y0, x1, y1] = [cx - hw, cy - hh, cx + hw, cy + hh].map(Math.trunc) as [number, number, number, number];
    } else {
      [x0, y0] = [Math.trunc(Math.max(0, cx - hw)), Math.trunc(Math.max(0, cy - hh))];
      [x1, y1] = [Math.trunc(Math.min(w, cx + hw)), Math.trunc(Math.min(h, cy + hh))];
    }
    for (let i = 0; i < kp.length; i += c) {
      if (kp[i] !== 0) kp[i] = kp[i]! - x0; // stores round to the dtype
      if (kp[i + 1] !== 0) kp[i + 1] = kp[i + 1]! - y0;
    }
    results.img_shape = [y1 - y0, x1 - x0];
    // crop_quadruple (x, y, w, h in [0, 1]) composed with this box, in float64
    const q = results.crop_quadruple ?? [0, 0, 1, 1];
    const b = [x0 / w, y0 / h, (x1 - x0) / w, (y1 - y0) / h] as const;
    results.crop_quadruple = new Float64Array([q[0]! + q[2]! * b[0], q[1]! + q[3]! * b[1], q[2]! * b[2], q[3]! * b[3]]);
    return results;
  }
}

/** COCO-17 limbs, MMAction2's default `skeletons`. */
const COCO_LIMBS: [number, number][] = [[0, 1], [0, 2], [1, 3], [2, 4], [0, 5], [5, 7], [7, 9], [0, 6], [6, 8], [8, 10], [5, 11], [11, 13], [13, 15],
  [6, 12], [12, 14], [14, 16], [11, 12]];

export interface GeneratePoseTargetOptions {
  /** Gaussian sigma in pixels. Default 0.6. */
  sigma: number;
  /** Peak = the joint's score (else 1). Default true. */
  use_score: boolean;
  /** One heatmap per keypoint. Default true. */
  with_kp: boolean;
  /** One heatmap per limb of `skeletons`. Default false. */
  with_limb: boolean;
  /** Limbs as (joint, joint) pairs. Default COCO-17's 17 limbs. */
  skeletons: [number, number][];
  /** Also the heatmaps of the flipped skeleton, after the others (test-time flip). Default false. */
  double: boolean;
  /** Joints that swap with right_kp in the flipped copy. Default [1, 3, ..., 15] (COCO-17). */
  left_kp: number[];
  right_kp: number[];
}

/** A joint whose peak is below this draws nothing. */
const EPS = 1e-4;

/**
 * GeneratePoseTarget: per frame, an [H, W, K] float32 stack of Gaussian heatmaps (K = joints,
 * then limbs), the max over people, of size `img_shape`. `double` appends the heatmaps of the
 * horizontally flipped skeleton (drawing `np.random.rand()` for its Flip as MMAction2 does).
 *
 * Reads `keypoint` [M, T, V, 2], `keypoint_score` [M, T, V] (optional), `img_shape`; writes
 * `imgs` [T (x2), H, W, K] float32.
 */
export class GeneratePoseTarget implements Transform {
  readonly type = 'GeneratePoseTarget';
  readonly opts: GeneratePoseTargetOptions;

  constructor(cfg: Cfg, where = 'GeneratePoseTarget') {
    this.opts = parseOptions(where, cfg, {
      sigma: 0.6, use_score: true, with_kp: true, with_limb: false, skeletons: COCO_LIMBS, double: false,
      left_kp: [1, 3, 5, 7, 9, 11, 13, 15], right_kp: [2, 4, 6, 8, 10, 12, 14, 16],
    } as GeneratePoseTargetOptions);
    const o = this.opts;
    if (!o.with_kp && !o.with_limb) throw new Error(`${where}: At least one of "with_limb" and "with_kp" should be set as True.`);
    if (typeof o.sigma !== 'number' || !(o.sigma > 0)) throw new Error(`${where}: sigma must be a positive number, got ${JSON.stringify(o.sigma)}`);
    const ints = (v: unknown) => Array.isArray(v) && v.every((x) => Number.isInteger(x) && x >= 0);
    if (!Array.isArray(o.skeletons) || !o.skeletons.every((l) => ints(l) && (l as number[]).length === 2)) {
      throw new Error(`${where}: skeletons must be a list of (joint, joint) pairs, got ${JSON.stringify(o.skeletons)}`);
    }
    for (const k of ['left_kp', 'right_kp'] as const) if (!ints(o[k])) throw new Error(`${where}: ${k} must be a list of joint indices, got ${JSON.stringify(o[k])}`);
  }

  call(results: Results, ctx: PipelineContext): Results {
    const shape = results.img_shape;
    if (!Array.isArray(shape) || shape.length !== 2 || !shape.every((x) => Number.isInteger(x) && x > 0)) {
      throw new TypeError(`GeneratePoseTarget: results.img_shape must be a positive (h, w), got ${JSON.stringify(shape)}`);
    }
    const [h, w] = shape;
    const kp = getKeypoints(results, this.type);
    const t = kp.shape[1]!;
    const k = (this.opts.with_kp ? kp.shape[2]! : 0) + (this.opts.with_limb ? this.opts.skeletons.length : 0);
    if (k === 0) throw new RangeError('GeneratePoseTarget: no heatmap to draw (no joints in results.keypoint and with_limb=False)');
    const views = this.opts.double ? 2 : 1;
    const out = new Float32Array(views * t * h * w * k); // [views * T, H, W, K]: np.concatenate([original, flipped])
    this.draw(results, new HeatmapTarget(out.subarray(0, t * h * w * k), h, w, k));
    if (this.opts.double) {
      const flipped: Results = { keypoint: results.keypoint, img_shape: shape };
      if (results.keypoint_score !== undefined) flipped.keypoint_score = results.keypoint_score;
      // MMAction2 runs Flip(flip_ratio=1) on a deep copy; its np.random.rand() draw is kept
      ctx.rng.np.rand();
      flipKeypoints(flipped, w, this.opts.left_kp, this.opts.right_kp, this.type);
      this.draw(flipped, new HeatmapTarget(out.subarray(t * h * w * k), h, w, k));
    }
    results.imgs = new FloatBatch(out, [views * t, h, w, k]);
    return results;
  }

  /** `gen_an_aug`: the [T, H, W, K] heatmaps of the results' keypoints into `map`. */
  private draw(results: Results, map: HeatmapTarget): void {
    const kp = getKeypoints(results, this.type);
    const [m, t, v, c] = kp.shape as [number, number, number, number];
    if (c < 2) throw new RangeError(`GeneratePoseTarget: results.keypoint needs x and y in its last axis, got [${kp.shape.join(', ')}]`);
    let scores: ArrayLike<number> | null = null;
    if (results.keypoint_score !== undefined) {
      const s = results.keypoint_score;
      if (!(s instanceof NDArray) || s.shape.join() !== [m, t, v].join() || s.data instanceof BigInt64Array) {
        throw new RangeError(`GeneratePoseTarget: results.keypoint_score must be a float array [M, T, V] = [${m}, ${t}, ${v}]`);
      }
      scores = s.data as ArrayLike<number>;
    }
    const o = this.opts;
    for (const l of o.skeletons) if (o.with_limb && Math.max(...l) >= v) throw new RangeError(`GeneratePoseTarget: limb [${l}] refers to a joint >= ${v}`);
    const { h, w, k } = map;
    const is32 = kp.data instanceof Float32Array;
    const xy = kp.data;
    // peaks: the scores as float32 (use_score), or ones
    const peak = (p: number, f: number, j: number) => (o.use_score && scores ? f32(scores[(p * t + f) * v + j]!) : 1);
    for (let f = 0; f < t; f++) {
      map.base = f * h * w * k;
      map.ch = 0;
      if (o.with_kp) {
        for (let j = 0; j < v; j++, map.ch++) {
          for (let p = 0; p < m; p++) {
            const at = ((p * t + f) * v + j) * c;
            drawKeypoint(map, xy[at]!, xy[at + 1]!, o.sigma, peak(p, f, j));
          }
        }
      }
      if (o.with_limb) {
        for (const [a, b] of o.skeletons) {
          for (let p = 0; p < m; p++) {
            const sa = ((p * t + f) * v + a) * c, sb = ((p * t + f) * v + b) * c;
            drawLimb(map, [xy[sa]!, xy[sa + 1]!], [xy[sb]!, xy[sb + 1]!], is32, o.sigma, peak(p, f, a), peak(p, f, b));
          }
          map.ch++;
        }
      }
    }
  }
}

/** Where the drawing goes: channel `ch` of the frame starting at `base` in a [T, H, W, K] float32 array. */
class HeatmapTarget {
  base = 0;
  ch = 0;
  constructor(readonly data: Float32Array, readonly h: number, readonly w: number, readonly k: number) {}
}

/** `[int(lo - 3 sigma), int(hi + 3 sigma) + 1)` clipped to [0, size): Python float64 and int() (toward zero). */
function window(lo: number, hi: number, sigma: number, size: number, what: string): [number, number] {
  const a = Math.trunc(lo - 3 * sigma), b = Math.trunc(hi + 3 * sigma);
  if (!Number.isFinite(a) || !Number.isFinite(b)) throw new RangeError(`GeneratePoseTarget: keypoint coordinate ${what} = ${lo} cannot be drawn (NaN or infinite; PoseCompact turns NaN into 0)`);
  return [Math.max(a, 0), Math.min(b + 1, size)];
}

/**
 * `generate_a_heatmap` for one person: max(heatmap, exp(-((x - mu_x)^2 + (y - mu_y)^2) / 2 / sigma^2) * peak)
 * over the 3-sigma window, every step in float32 (mu cast to float32, as numpy does for a float32 array op).
 */
function drawKeypoint(map: HeatmapTarget, muX: number, muY: number, sigma: number, peak: number): void {
  if (peak < EPS) return;
  const [x0, x1] = window(muX, muX, sigma, map.w, 'x');
  const [y0, y1] = window(muY, muY, sigma, map.h, 'y');
  if (x1 <= x0 || y1 <= y0) return;
  const mx = f32(muX), my = f32(muY), s2 = f32(sigma * sigma);
  const { data, w, k, base, ch } = map;
  for (let y = y0; y < y1; y++) {
    const dy = f32(y - my);
    const dy2 = f32(dy * dy);
    for (let x = x0; x < x1; x++) {
      const dx = f32(x - mx);
      const e = f32(Math.exp(f32(f32(-f32(f32(dx * dx) + dy2) / 2) / s2)));
      const val = f32(e * peak);
      const at = base + (y * w + x) * k + ch;
      if (!(data[at]! >= val)) data[at] = val; // np.maximum (NaN wins)
    }
  }
}

/**
 * `generate_a_limb_heatmap` for one person: a Gaussian of the distance to the segment a-b,
 * peak min(score_a, score_b). numpy's dtypes: distances to the ends in float32, the projection
 * on the line in the keypoint dtype, the exponent in float64 (an int64 mask promotes it).
 */
function drawLimb(map: HeatmapTarget, a: [number, number], b: [number, number], is32: boolean, sigma: number, pa: number, pb: number): void {
  const peak = Math.min(pa, pb);
  if (peak < EPS) return;
  const [x0, x1] = window(Math.min(a[0], b[0]), Math.max(a[0], b[0]), sigma, map.w, 'x');
  const [y0, y1] = window(Math.min(a[1], b[1]), Math.max(a[1], b[1]), sigma, map.h, 'y');
  if (x1 <= x0 || y1 <= y0) return;
  const r = is32 ? f32 : identity;
  // scalar - scalar in the keypoint dtype, then ** 2 in float64
  const dxab = r(a[0] - b[0]), dyab = r(a[1] - b[1]);
  const d2ab = dxab * dxab + dyab * dyab;
  if (d2ab < 1) {
    drawKeypoint(map, a[0], a[1], sigma, pa);
    return;
  }
  const ax = f32(a[0]), ay = f32(a[1]), bx = f32(b[0]), by = f32(b[1]), d2ab32 = f32(d2ab);
  const ex = r(b[0] - a[0]), ey = r(b[1] - a[1]);
  const s2 = sigma * sigma;
  const { data, w, k, base, ch } = map;
  for (let y = y0; y < y1; y++) {
    const dya = f32(y - ay), dyb = f32(y - by);
    const dya2 = f32(dya * dya), dyb2 = f32(dyb * dyb);
    for (let x = x0; x < x1; x++) {
      const dxa = f32(x - ax), dxb = f32(x - bx);
      const d2a = f32(f32(dxa * dxa) + dya2);
      const d2b = f32(f32(dxb * dxb) + dyb2);
      const coeff = f32(f32(f32(f32(d2a - d2b) + d2ab32) / 2) / d2ab32);
      let d2: number;
      if (coeff <= 0) d2 = d2a;
      else if (coeff >= 1) d2 = d2b;
      else {
        const px = r(x - r(a[0] + r(coeff * ex)));
        const py = r(y - r(a[1] + r(coeff * ey)));
        d2 = r(r(px * px) + r(py * py));
      }
      const val = Math.exp(-d2 / 2 / s2) * peak;
      const at = base + (y * w + x) * k + ch;
      if (!(data[at]! >= val)) data[at] = val; // float64 max stored as float32
    }
  }
}
