/**
 * OpenCV's `cv2.resize` on uint8 images, bit-exact (what `mmcv.imresize` runs):
 * INTER_LINEAR with OpenCV's 11-bit fixed-point weights and its SIMD vertical pass, and
 * INTER_NEAREST. Tables of taps and weights are built once per (size, size) pair; the
 * inner loops are integer-only and allocate nothing per pixel.
 */
import { ImageBatch } from './types.ts';

const COEF_SCALE = 2048; // INTER_RESIZE_COEF_SCALE
const f32 = Math.fround;

/** Round half to even (cvRound / rint). */
function rint(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

interface AxisTable {
  /** First tap per output position (already clipped to [0, n-1]). */
  i0: Int32Array;
  /** Second tap. */
  i1: Int32Array;
  w0: Int32Array;
  w1: Int32Array;
}

/** Taps/weights for one axis: source length n, target m; `clampWeights` for the x axis. */
function linearAxis(n: number, m: number, clampWeights: boolean): AxisTable {
  const scale = 1 / (m / n);
  const t: AxisTable = { i0: new Int32Array(m), i1: new Int32Array(m), w0: new Int32Array(m), w1: new Int32Array(m) };
  for (let d = 0; d < m; d++) {
    let f = f32((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f = f32(f - s);
    if (clampWeights) {
      if (s < 0) {
        f = 0;
        s = 0;
      }
      if (s >= n - 1) {
        f = 0;
        s = n - 1;
      }
    }
    t.w0[d] = rint(f32(1 - f) * COEF_SCALE);
    t.w1[d] = rint(f * COEF_SCALE);
    t.i0[d] = Math.min(Math.max(s, 0), n - 1);
    t.i1[d] = Math.min(Math.max(s + 1, 0), n - 1);
  }
  return t;
}

const tableCache = new Map<string, AxisTable>();
function cachedAxis(n: number, m: number, clamp: boolean): AxisTable {
  const key = `${n}:${m}:${clamp ? 1 : 0}`;
  let t = tableCache.get(key);
  if (!t) {
    if (tableCache.size > 256) tableCache.clear();
    t = linearAxis(n, m, clamp);
    tableCache.set(key, t);
  }
  return t;
}

/** Horizontal pass of one source row into `out` (int32, dw * c values). */
function hpass(src: Uint8Array, rowOff: number, c: number, xt: AxisTable, out: Int32Array): void {
  const { i0, i1, w0, w1 } = xt;
  const dw = i0.length;
  if (c === 3) {
    for (let x = 0, o = 0; x < dw; x++, o += 3) {
      const a = rowOff + i0[x]! * 3;
      const b = rowOff + i1[x]! * 3;
      const p = w0[x]!;
      const q = w1[x]!;
      out[o] = src[a]! * p + src[b]! * q;
      out[o + 1] = src[a + 1]! * p + src[b + 1]! * q;
      out[o + 2] = src[a + 2]! * p + src[b + 2]! * q;
    }
    return;
  }
  for (let x = 0, o = 0; x < dw; x++) {
    const a = rowOff + i0[x]! * c;
    const b = rowOff + i1[x]! * c;
    const p = w0[x]!;
    const q = w1[x]!;
    for (let k = 0; k < c; k++, o++) out[o] = src[a + k]! * p + src[b + k]! * q;
  }
}

/**
 * Vertical pass of one output row from the horizontal passes of its two source rows (OpenCV's
 * SIMD formula: ((H0 >> 4) * v0 >> 16) + ((H1 >> 4) * v1 >> 16) + 2 >> 2). The weights are
 * non-negative and sum to 2048, so the result is always within 0..255.
 */
function vpass(h0: Int32Array, h1: Int32Array, v0: number, v1: number, out: Uint8Array, off: number): void {
  const len = h0.length;
  for (let x = 0; x < len; x++) out[off + x] = ((((h0[x]! >> 4) * v0) >> 16) + (((h1[x]! >> 4) * v1) >> 16) + 2) >> 2;
}

/** Bilinear resize of every image in `src` to dw x dh (cv2 INTER_LINEAR, uint8, exact). */
export function resizeLinear(src: ImageBatch, dw: number, dh: number): ImageBatch {
  const { n, h: sh, w: sw, c } = src;
  const dst = ImageBatch.alloc(n, dh, dw, c);
  if (sw === dw && sh === dh) {
    dst.data.set(src.data);
    return dst;
  }
  const xt = cachedAxis(sw, dw, true);
  const yt = cachedAxis(sh, dh, false);
  const rowLen = dw * c;
  const s = src.data;
  const o = dst.data;
  const srcRow = sw * c;
  // horizontal passes of the two source rows in use; source rows only move forward with y
  let bufA = new Int32Array(rowLen);
  let bufB = new Int32Array(rowLen);
  for (let img = 0; img < n; img++) {
    const base = img * sh * srcRow;
    let rowA = -1;
    let rowB = -1;
    for (let y = 0; y < dh; y++) {
      const r0 = yt.i0[y]!;
      const r1 = yt.i1[y]!;
      if (rowA !== r0) {
        if (rowB === r0) { // the previous second row is this first row
          const t = bufA;
          bufA = bufB;
          bufB = t;
          rowA = r0;
          rowB = -1;
        } else {
          hpass(s, base + r0 * srcRow, c, xt, bufA);
          rowA = r0;
        }
      }
      if (rowB !== r1) {
        if (r1 === r0) {
          bufB.set(bufA);
        } else {
          hpass(s, base + r1 * srcRow, c, xt, bufB);
        }
        rowB = r1;
      }
      vpass(bufA, bufB, yt.w0[y]!, yt.w1[y]!, o, (img * dh + y) * rowLen);
    }
  }
  return dst;
}

/** Nearest-neighbour resize (cv2 INTER_NEAREST). */
export function resizeNearest(src: ImageBatch, dw: number, dh: number): ImageBatch {
  const { n, h: sh, w: sw, c } = src;
  const dst = ImageBatch.alloc(n, dh, dw, c);
  const fx = 1 / (dw / sw);
  const fy = 1 / (dh / sh);
  const xs = new Int32Array(dw);
  for (let x = 0; x < dw; x++) xs[x] = Math.min(Math.floor(x * fx), sw - 1) * c;
  const s = src.data;
  const o = dst.data;
  let oo = 0;
  for (let img = 0; img < n; img++) {
    for (let y = 0; y < dh; y++) {
      const sy = Math.min(Math.floor(y * fy), sh - 1);
      const row = (img * sh + sy) * sw * c;
      for (let x = 0; x < dw; x++) for (let k = 0; k < c; k++) o[oo++] = s[row + xs[x]! + k]!;
    }
  }
  return dst;
}

export type Interpolation = 'bilinear' | 'nearest' | 'bicubic' | 'area' | 'lanczos';

/** `mmcv.imresize(img, (w, h), interpolation)` over a batch. */
export function imresize(src: ImageBatch, dw: number, dh: number, interpolation: Interpolation = 'bilinear'): ImageBatch {
  if (!(dw > 0 && dh > 0)) throw new RangeError(`imresize: target size must be positive, got ${dw}x${dh}`);
  if (interpolation === 'bilinear') return resizeLinear(src, dw, dh);
  if (interpolation === 'nearest') return resizeNearest(src, dw, dh);
  throw new Error(`imresize: interpolation '${interpolation}' is not implemented (use 'bilinear' or 'nearest')`);
}
