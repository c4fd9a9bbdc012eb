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
  const bufs = [new Int32Array(rowLen), new Int32Array(rowLen)];
  const tags = [-1, -1];
  const s = src.data;
  const o = dst.data;
  const srcRow = sw * c;
  for (let img = 0; img < n; img++) {
    const base = img * sh * srcRow;
    tags[0] = tags[1] = -1;
    const rowBuf = (r: number, keep: number): Int32Array => {
      if (tags[0] === r) return bufs[0]!;
      if (tags[1] === r) return bufs[1]!;
      const slot = tags[0] === keep ? 1 : 0;
      hpass(s, base + r * srcRow, c, xt, bufs[slot]!);
      tags[slot] = r;
      return bufs[slot]!;
    };
    for (let y = 0; y < dh; y++) {
      const r0 = yt.i0[y]!;
      const r1 = yt.i1[y]!;
      const h0 = rowBuf(r0, r1);
      const h1 = rowBuf(r1, r0);
      const v0 = yt.w0[y]!;
      const v1 = yt.w1[y]!;
      let oo = (img * dh + y) * rowLen;
      for (let x = 0; x < rowLen; x++, oo++) {
        // OpenCV's SIMD vertical pass: ((H0>>4)*v0 >> 16) + ((H1>>4)*v1 >> 16) + 2 >> 2
        const v = ((((h0[x]! >> 4) * v0) >> 16) + (((h1[x]! >> 4) * v1) >> 16) + 2) >> 2;
        o[oo] = v < 0 ? 0 : v > 255 ? 255 : v;
      }
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
