/**
 * Shared geometry of the spatial transforms: MMAction2's lazy-op record (`results.lazy`,
 * applied later by Fuse), `crop_quadruple` bookkeeping, box cropping. Mirrors the helpers
 * at the top of MMAction2 0.24 `augmentations.py`.
 */
import { getImages, ImageBatch, NDArray, type Results } from './types.ts';

export interface LazyOp {
  original_shape: [number, number];
  /** float32 [left, top, right, bottom] in original-image coordinates. */
  crop_bbox: Float32Array;
  flip: boolean;
  flip_direction: 'horizontal' | 'vertical' | null;
  interpolation: string | null;
}

/** `_init_lazy_if_proper`: fill img_shape; create the lazy record or forbid a stale one. */
export function initLazyIfProper(results: Results, lazy: boolean, type: string): void {
  if (!results.img_shape) {
    const imgs = getImages(results, type);
    results.img_shape = [imgs.h, imgs.w];
  }
  if (lazy) {
    if (!results.lazy) {
      const [h, w] = results.img_shape;
      const op: LazyOp = {
        original_shape: [h, w],
        crop_bbox: new Float32Array([0, 0, w, h]),
        flip: false,
        flip_direction: null,
        interpolation: null,
      };
      results.lazy = op;
    }
  } else if (results.lazy) {
    throw new Error(`${type}: results carry pending lazy operations; put Fuse before ${type} (Use Fuse after lazy operations)`);
  }
}

/** Update `crop_quadruple` (float32 x, y, w, h ratios of the original frame) for a crop. */
export function updateQuadruple(results: Results, x: number, y: number, nw: number, nh: number, imgW: number, imgH: number): void {
  const old = results.crop_quadruple ?? new Float32Array([0, 0, 1, 1]);
  // numpy: float32 scalar op Python float -> float64, stored back as float32
  results.crop_quadruple = new Float32Array([
    old[0]! + (x / imgW) * old[2]!,
    old[1]! + (y / imgH) * old[3]!,
    (nw / imgW) * old[2]!,
    (nh / imgH) * old[3]!,
  ]);
}

/** Record a crop in the lazy op instead of applying it. */
export function lazyCrop(results: Results, type: string, x: number, y: number, nw: number, nh: number, imgW: number, imgH: number): void {
  const op = results.lazy as LazyOp;
  if (op.flip) throw new Error(`${type}: Put Flip at last for now (a lazy crop after a lazy flip is not supported)`);
  const [ll, lt, lr, lb] = op.crop_bbox as unknown as [number, number, number, number];
  const left = (x * (lr - ll)) / imgW;
  const right = ((x + nw) * (lr - ll)) / imgW;
  const top = (y * (lb - lt)) / imgH;
  const bottom = ((y + nh) * (lb - lt)) / imgH;
  op.crop_bbox = new Float32Array([ll + left, lt + top, ll + right, lt + bottom]);
}

/** Crop every image of a batch to [x, x + cw) x [y, y + ch) (copying). */
export function cropBatch(src: ImageBatch, x: number, y: number, cw: number, ch: number, type = 'crop'): ImageBatch {
  if (x < 0 || y < 0 || cw <= 0 || ch <= 0 || x + cw > src.w || y + ch > src.h) {
    throw new RangeError(`${type}: crop [${x}, ${y}, ${x + cw}, ${y + ch}] does not fit in a ${src.w}x${src.h} image ` +
      '(resize first, or use a smaller crop_size)');
  }
  const out = ImageBatch.alloc(src.n, ch, cw, src.c);
  const c = src.c;
  const rowIn = src.w * c;
  const rowOut = cw * c;
  for (let i = 0; i < src.n; i++) {
    const base = i * src.h * rowIn + y * rowIn + x * c;
    for (let r = 0; r < ch; r++) {
      const s = base + r * rowIn;
      out.data.set(src.data.subarray(s, s + rowOut), (i * ch + r) * rowOut);
    }
  }
  return out;
}

/** Flip every image in place: 'horizontal' reverses x, 'vertical' reverses y. */
export function flipBatchInPlace(b: ImageBatch, direction: 'horizontal' | 'vertical', first = 0, count = b.n): void {
  const { h, w, c } = b;
  const d = b.data;
  if (direction === 'horizontal') {
    for (let i = first; i < first + count; i++) {
      for (let r = 0; r < h; r++) {
        const row = (i * h + r) * w * c;
        for (let x0 = 0, x1 = w - 1; x0 < x1; x0++, x1--) {
          const a = row + x0 * c;
          const e = row + x1 * c;
          for (let k = 0; k < c; k++) {
            const t = d[a + k]!;
            d[a + k] = d[e + k]!;
            d[e + k] = t;
          }
        }
      }
    }
    return;
  }
  const rowLen = w * c;
  const tmp = new Uint8Array(rowLen);
  for (let i = first; i < first + count; i++) {
    for (let r0 = 0, r1 = h - 1; r0 < r1; r0++, r1--) {
      const a = (i * h + r0) * rowLen;
      const e = (i * h + r1) * rowLen;
      tmp.set(d.subarray(a, a + rowLen));
      d.copyWithin(a, e, e + rowLen);
      d.set(tmp, e);
    }
  }
}

export type Boxes = number[][];

/** `_box_crop`: shift boxes by the crop origin and clip to the crop (float32 values). */
export function boxCrop(box: Boxes, bbox: number[]): Boxes {
  const [x1, y1, x2, y2] = bbox as [number, number, number, number];
  const w = x2 - x1;
  const h = y2 - y1;
  return box.map((b) => b.map((v, i) => Math.fround(Math.min(Math.max(v - (i % 2 === 0 ? x1 : y1), 0), (i % 2 === 0 ? w : h) - 1))));
}

export function cropBoxesInResults(results: Results, bbox: number[]): void {
  if (results.gt_bboxes) results.gt_bboxes = boxCrop(results.gt_bboxes as Boxes, bbox);
  if (results.proposals) results.proposals = boxCrop(results.proposals as Boxes, bbox);
}

/** `_pair`: an int becomes (s, s); a pair is (w, h). */
export function pair(where: string, name: string, v: unknown): [number, number] {
  if (typeof v === 'number' && Number.isInteger(v)) return [v, v];
  if (Array.isArray(v) && v.length === 2 && v.every((x) => Number.isInteger(x))) return [v[0], v[1]];
  throw new Error(`${where}: ${name} must be an int or a pair of ints (w, h), got ${JSON.stringify(v)}`);
}

/**
 * Keypoints in the spatial transforms (PoseC3D pipelines): `keypoint` [M, T, V, C] with x, y in
 * the first two channels. The dtype follows numpy's promotion in MMAction2 0.24: Resize keeps
 * it (`kps * float32 scale_factor`), a crop makes it float64 (`kps - int64 crop_bbox[:2]`),
 * Flip keeps it (in place).
 */
export function getKeypoints(results: Results, type: string): NDArray<Float32Array | Float64Array> {
  const kp = results.keypoint;
  if (!(kp instanceof NDArray) || kp.shape.length !== 4 || !(kp.data instanceof Float32Array || kp.data instanceof Float64Array)) {
    throw new TypeError(`${type}: results.keypoint must be a float array [M, T, V, C] (run PoseDecode first), got ` +
      (kp instanceof NDArray ? `${kp.data.constructor.name} [${kp.shape.join(', ')}]` : Object.prototype.toString.call(kp)));
  }
  return kp as NDArray<Float32Array | Float64Array>;
}

/** Whether the results carry keypoints, checking that lazy transforms are not asked to move them. */
export function hasKeypoints(results: Results, lazy: boolean, type: string): boolean {
  if (results.keypoint === undefined) return false;
  if (lazy) throw new Error(`${type}: Keypoint Augmentations are not compatible with lazy == True`);
  return true;
}

function requireXY(kp: NDArray, type: string): void {
  if (kp.shape[3] !== 2) {
    throw new RangeError(`${type}: results.keypoint must hold (x, y) in its last axis ([M, T, V, 2]) to be moved, got [${kp.shape.join(', ')}]`);
  }
}

/** `kps - crop_bbox[:2]`: a float64 copy (numpy promotes float32 - int64 to float64). */
export function cropKeypoints(results: Results, x: number, y: number, type: string): void {
  const kp = getKeypoints(results, type);
  requireXY(kp, type);
  const src = kp.data;
  const out = new Float64Array(src.length);
  for (let i = 0; i < src.length; i += 2) {
    out[i] = src[i]! - x;
    out[i + 1] = src[i + 1]! - y;
  }
  results.keypoint = new NDArray(out, [...kp.shape]);
}

/** `kps * scale_factor` (float32 [sx, sy]): float32 stays float32, float64 stays float64. */
export function resizeKeypoints(results: Results, sx: number, sy: number, type: string): void {
  const kp = getKeypoints(results, type);
  requireXY(kp, type);
  const src = kp.data;
  const is32 = src instanceof Float32Array;
  const out = is32 ? new Float32Array(src.length) : new Float64Array(src.length);
  for (let i = 0; i < src.length; i += 2) {
    out[i] = src[i]! * sx; // a Float32Array store rounds once, as numpy's float32 multiply does
    out[i + 1] = src[i + 1]! * sy;
  }
  results.keypoint = new NDArray(out, [...kp.shape]);
}

/** Joint order after a horizontal flip: left_kp[i] and right_kp[i] swap places. */
export function flipOrder(v: number, leftKp: readonly number[] | null, rightKp: readonly number[] | null, type: string): number[] {
  const order = Array.from({ length: v }, (_, i) => i);
  if (leftKp && rightKp) {
    for (let i = 0; i < Math.min(leftKp.length, rightKp.length); i++) {
      const l = leftKp[i]!;
      const r = rightKp[i]!;
      for (const j of [l, r]) {
        if (!Number.isInteger(j) || j < -v || j >= v) throw new RangeError(`${type}: left_kp/right_kp index ${j} is out of range for ${v} keypoints`);
      }
      order[l < 0 ? l + v : l] = r < 0 ? r + v : r;
      order[r < 0 ? r + v : r] = l < 0 ? l + v : l;
    }
  }
  return order;
}

/**
 * `Flip._flip_kps`: x -> width - x for the non-zero x (zero marks a missing joint), then the
 * joints (and `keypoint_score`) reordered so that left and right swap. New arrays, same dtype.
 */
export function flipKeypoints(results: Results, width: number, leftKp: readonly number[] | null, rightKp: readonly number[] | null, type: string): void {
  const kp = getKeypoints(results, type);
  const [m, t, v, c] = kp.shape as [number, number, number, number];
  if (c < 1) throw new RangeError(`${type}: results.keypoint has no coordinates ([${kp.shape.join(', ')}])`);
  const order = flipOrder(v, leftKp, rightKp, type);
  const src = kp.data;
  const out = src instanceof Float32Array ? new Float32Array(src.length) : new Float64Array(src.length);
  for (let f = 0; f < m * t; f++) {
    for (let j = 0; j < v; j++) {
      const s = (f * v + order[j]!) * c;
      const d = (f * v + j) * c;
      for (let k = 0; k < c; k++) out[d + k] = src[s + k]!;
      const x = src[s]!;
      if (x !== 0) out[d] = width - x; // NaN != 0 too, as in numpy
    }
  }
  results.keypoint = new NDArray(out, [...kp.shape]);
  if (results.keypoint_score !== undefined) {
    const sc = results.keypoint_score;
    if (!(sc instanceof NDArray) || sc.shape.length !== 3 || sc.shape[0] !== m || sc.shape[1] !== t || sc.shape[2] !== v) {
      throw new RangeError(`${type}: results.keypoint_score must be [M, T, V] = [${m}, ${t}, ${v}]`);
    }
    const ss = sc.data as Float32Array | Float64Array;
    const so = new (ss.constructor as Float32ArrayConstructor)(ss.length);
    for (let f = 0; f < m * t; f++) for (let j = 0; j < v; j++) so[f * v + j] = ss[f * v + order[j]!]!;
    results.keypoint_score = new NDArray(so, [...sc.shape]);
  }
}
