/**
 * ColorJitter (MMAction2 0.24 `augmentations.py`): brightness, contrast, saturation and hue in
 * a random order drawn once per transform (numpy `permutation(4)`), one draw of the four
 * factors per clip. Follows numpy 1.x float32 arithmetic (python-float scalars cast to
 * float32, np.mean's pairwise float32 sum) and OpenCV's 8-bit RGB<->HSV for the hue shift.
 *
 * Reads/writes `imgs` (uint8).
 */
import { parseOptions, type Cfg } from './options.ts';
import { getImages, ImageBatch, type PipelineContext, type Results, type Transform } from './types.ts';

const f32 = Math.fround;

export interface ColorJitterOptions {
  /** float (1 +- value) or [lo, hi]. Default 0.5. */
  brightness: number | [number, number];
  contrast: number | [number, number];
  saturation: number | [number, number];
  /** float (0 +- value, at most 0.5) or [lo, hi]. Default 0.1. */
  hue: number | [number, number];
}

function checkInput(where: string, name: string, v: number | [number, number], max: number, base: number): [number, number] {
  if (Array.isArray(v)) {
    if (!(base - max <= v[0] && v[0] <= v[1] && v[1] <= base + max)) throw new Error(`${where}: ${name} range ${JSON.stringify(v)} outside [${base - max}, ${base + max}]`);
    return v;
  }
  if (!(v <= max)) throw new Error(`${where}: ${name} must be <= ${max}`);
  return [base - v, base + v];
}

/** numpy's pairwise float32 summation (add.reduce over a contiguous float32 run). */
function pairwiseSum(a: Float32Array, start: number, n: number): number {
  if (n < 8) {
    let res = -0;
    for (let i = 0; i < n; i++) res = f32(res + a[start + i]!);
    return res;
  }
  if (n <= 128) {
    const r = new Float32Array(8);
    for (let j = 0; j < 8; j++) r[j] = a[start + j]!;
    let i = 8;
    for (; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) r[j] = f32(r[j]! + a[start + i + j]!);
    let res = f32(f32(f32(r[0]! + r[1]!) + f32(r[2]! + r[3]!)) + f32(f32(r[4]! + r[5]!) + f32(r[6]! + r[7]!)));
    for (; i < n; i++) res = f32(res + a[start + i]!);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return f32(pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2));
}

/** 0.2989 R + 0.587 G + 0.114 B in float32 (numpy: scalar cast to float32). */
function gray(img: Float32Array, out: Float32Array): void {
  const a = f32(0.2989);
  const b = f32(0.587);
  const c = f32(0.114);
  for (let p = 0, i = 0; p < out.length; p++, i += 3) out[p] = f32(f32(f32(a * img[i]!) + f32(b * img[i + 1]!)) + f32(c * img[i + 2]!));
}

// OpenCV RGB2HSV_b tables (hsv_shift 12, hue range 180)
const HSV_SHIFT = 12;
const SDIV = new Int32Array(256);
const HDIV = new Int32Array(256);
for (let i = 1; i < 256; i++) {
  SDIV[i] = Math.round((255 << HSV_SHIFT) / i);
  HDIV[i] = Math.round((180 << HSV_SHIFT) / (6 * i));
}

function rgb2hsv(r: number, g: number, b: number, out: Int32Array): void {
  const v = Math.max(r, g, b);
  const vmin = Math.min(r, g, b);
  const diff = v - vmin;
  const vr = v === r ? -1 : 0;
  const vg = v === g ? -1 : 0;
  const s = (diff * SDIV[v]! + (1 << (HSV_SHIFT - 1))) >> HSV_SHIFT;
  let h = (vr & (g - b)) + (~vr & ((vg & (b - r + 2 * diff)) + (~vg & (r - g + 4 * diff))));
  h = (h * HDIV[diff]! + (1 << (HSV_SHIFT - 1))) >> HSV_SHIFT;
  h += h < 0 ? 180 : 0;
  out[0] = h;
  out[1] = s;
  out[2] = v;
}

const SECTOR = [[1, 3, 0], [1, 0, 2], [3, 0, 1], [0, 2, 1], [0, 1, 3], [2, 1, 0]];
function trunc8(x: number): number {
  const v = Math.trunc(x);
  return v < 0 ? 0 : v > 255 ? 255 : v;
}

/** OpenCV HSV2RGB_b: float conversion (hscale 6/180), then *255 and saturate. */
function hsv2rgb(h8: number, s8: number, v8: number, out: Int32Array): void {
  let h = f32(h8 * f32(6 / 180));
  const s = f32(s8 * f32(1 / 255));
  const v = f32(v8 * f32(1 / 255));
  let b: number;
  let g: number;
  let r: number;
  if (s === 0) b = g = r = v;
  else {
    while (h < 0) h = f32(h + 6);
    while (h >= 6) h = f32(h - 6);
    let sector = Math.floor(h);
    h = f32(h - sector);
    if (sector < 0 || sector >= 6) {
      sector = 0;
      h = 0;
    }
    const tab = [v, f32(v * f32(1 - s)), f32(v * f32(1 - f32(s * h))), f32(v * f32(1 - f32(s * f32(1 - h))))];
    const sd = SECTOR[sector]!;
    b = tab[sd[0]!]!;
    g = tab[sd[1]!]!;
    r = tab[sd[2]!]!;
  }
  // OpenCV 4.6's SIMD 8-bit path: truncation matches cv2.cvtColor on ~97 % of pixels, the
  // rest differ by one level (rounding matched ~25 %); see test/datasets/color_jitter.test.ts
  out[0] = trunc8(f32(r * 255));
  out[1] = trunc8(f32(g * 255));
  out[2] = trunc8(f32(b * 255));
}

export class ColorJitter implements Transform {
  readonly type = 'ColorJitter';
  readonly brightness: [number, number];
  readonly contrast: [number, number];
  readonly saturation: [number, number];
  readonly hue: [number, number];
  /** MMAction2 draws the order once, in __init__; here at the first call, from the pipeline's generator. */
  fnIdx: number[] | null = null;

  constructor(cfg: Cfg, where = 'ColorJitter') {
    const o = parseOptions(where, cfg, { brightness: 0.5, contrast: 0.5, saturation: 0.5, hue: 0.1 } as ColorJitterOptions);
    this.brightness = checkInput(where, 'brightness', o.brightness, 1, 1);
    this.contrast = checkInput(where, 'contrast', o.contrast, 1, 1);
    this.saturation = checkInput(where, 'saturation', o.saturation, 1, 1);
    this.hue = checkInput(where, 'hue', o.hue, 0.5, 0);
  }

  call(results: Results, ctx: PipelineContext): Results {
    const imgs = getImages(results, this.type);
    if (imgs.c !== 3) throw new Error('ColorJitter: needs RGB images');
    const np = ctx.rng.np;
    this.fnIdx ??= np.permutation(4);
    const b = np.uniform(this.brightness[0], this.brightness[1]);
    const c = np.uniform(this.contrast[0], this.contrast[1]);
    const s = np.uniform(this.saturation[0], this.saturation[1]);
    const h = np.uniform(this.hue[0], this.hue[1]);
    const out = ImageBatch.alloc(imgs.n, imgs.h, imgs.w, 3);
    const hw = imgs.h * imgs.w;
    let img = new Float32Array(hw * 3);
    const g = new Float32Array(hw);
    const tmp = new Int32Array(3);
    for (let k = 0; k < imgs.n; k++) {
      const src = imgs.frame(k);
      for (let i = 0; i < src.length; i++) img[i] = src[i]!;
      for (const fn of this.fnIdx) {
        if (fn === 0 && b !== 1) {
          const bb = f32(b);
          for (let i = 0; i < img.length; i++) img[i] = f32(img[i]! * bb);
        }
        if (fn === 1 && c !== 1) {
          gray(img, g);
          const val = f32(pairwiseSum(g, 0, hw) / hw);
          const add = f32((1 - c) * val); // python float * np.float32 scalar -> float64, then cast into the float32 array op
          const cc = f32(c);
          for (let i = 0; i < img.length; i++) img[i] = f32(f32(cc * img[i]!) + add);
        }
        if (fn === 2 && s !== 1) {
          gray(img, g);
          const ss = f32(s);
          const s1 = f32(1 - s);
          for (let p = 0, i = 0; p < hw; p++, i += 3) {
            const gg = f32(s1 * g[p]!);
            img[i] = f32(f32(ss * img[i]!) + gg);
            img[i + 1] = f32(f32(ss * img[i + 1]!) + gg);
            img[i + 2] = f32(f32(ss * img[i + 2]!) + gg);
          }
        }
        if (fn === 3 && h !== 0) {
          const offset = Math.trunc(h * 255);
          const next = new Float32Array(img.length);
          for (let i = 0; i < img.length; i += 3) {
            const q = (x: number) => Math.trunc(Math.min(Math.max(x, 0), 255));
            rgb2hsv(q(img[i]!), q(img[i + 1]!), q(img[i + 2]!), tmp);
            // numpy 1.x: uint8 + non-negative int stays uint8 (wraps at 256); negative -> int16
            const hh = offset >= 0 ? ((tmp[0]! + offset) & 255) % 180 : (((tmp[0]! + offset) % 180) + 180) % 180;
            hsv2rgb(hh, tmp[1]!, tmp[2]!, tmp);
            next[i] = tmp[0]!;
            next[i + 1] = tmp[1]!;
            next[i + 2] = tmp[2]!;
          }
          img = next;
        }
      }
      const o = out.frame(k);
      for (let i = 0; i < img.length; i++) {
        const v = img[i]!;
        o[i] = v <= 0 ? 0 : v >= 255 ? 255 : Math.trunc(v);
      }
    }
    results.imgs = out;
    return results;
  }
}
