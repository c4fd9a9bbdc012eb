/**
 * Step fusion inside Compose: `Normalize` (RGB) directly followed by `FormatShape` (NCHW or
 * NCTHW) runs as one pass that reads the uint8 NHWC images once and writes the float32 clip in
 * its final layout, instead of a float32 NHWC array that FormatShape then transposes. The
 * numbers are the same as the two steps one after the other (same float32 expression per
 * value), and so are the result keys (`imgs`, `img_norm_cfg`, `input_shape`).
 *
 * Anything the fast path does not cover (Flow, another layout, inconsistent clip sizes) runs
 * the two transforms as they are, so their own checks and error messages apply.
 */
import { FormatShape } from './format.ts';
import { Normalize } from './normalize.ts';
import { FloatBatch, ImageBatch, type Results, type Transform } from './types.ts';

const f32 = Math.fround;

/**
 * Normalise uint8 RGB images `src` ([n, hw, 3]) into float32 planes: the plane of image m,
 * output channel c starts at `planeOffset(m, c)` and holds hw values. Per value
 * `f32(x - mean[c]) * invStd[c]`, rounded to float32 on store, exactly like Normalize.
 */
export function normalizeToPlanes(src: Uint8Array, n: number, hw: number, mean: Float32Array, std: Float32Array, toBgr: boolean,
  out: Float32Array, planeOffset: (m: number, c: number) => number): void {
  for (let m = 0; m < n; m++) {
    const base = m * hw * 3;
    for (let c = 0; c < 3; c++) {
      const from = toBgr ? 2 - c : c; // source channel that lands in output channel c
      const mc = mean[c]!;
      const inv = 1 / std[c]!;
      let s = base + from;
      const o = planeOffset(m, c);
      for (let p = 0; p < hw; p++, s += 3) out[o + p] = f32(src[s]! - mc) * inv;
    }
  }
}

/** `Normalize` then `FormatShape` as one step (see the file comment). */
export class NormalizeFormatShape implements Transform {
  readonly type = 'Normalize+FormatShape';

  constructor(readonly normalize: Normalize, readonly format: FormatShape) {}

  /** Whether the pair can run fused in principle (the images are checked per call). */
  static applies(a: Transform | undefined, b: Transform | undefined): boolean {
    if (!(a instanceof Normalize) || !(b instanceof FormatShape)) return false;
    const f = b.opts.input_format;
    return (f === 'NCHW' || f === 'NCTHW') && a.mean.length === 3 && a.std.length === 3;
  }

  call(results: Results): Results {
    const imgs = results.imgs;
    const fmt = this.format.opts.input_format;
    const numClips = results.num_clips as number;
    const clipLen = results.clip_len as number;
    const group = fmt === 'NCTHW' ? numClips * clipLen : 1; // frames per [C, L, H, W] block
    const fast = results.modality === 'RGB' && imgs instanceof ImageBatch && imgs.c === 3 && imgs.n > 0 &&
      Number.isInteger(group) && group > 0 && imgs.n % group === 0 &&
      !(this.format.opts.collapse && (numClips !== 1 || imgs.n / (fmt === 'NCTHW' ? clipLen : 1) !== 1));
    if (!fast) return step(this.format, step(this.normalize, results));
    const { n, h, w } = imgs;
    const hw = h * w;
    const out = new Float32Array(n * hw * 3);
    let shape: number[];
    if (fmt === 'NCHW') { // [M, H, W, C] -> [M, C, H, W]
      normalizeToPlanes(imgs.data, n, hw, this.normalize.mean, this.normalize.std, this.normalize.opts.to_bgr, out, (m, c) => (m * 3 + c) * hw);
      shape = [n, 3, h, w];
    } else { // [M, H, W, C] -> [M / L, C, L, H, W]; frame m is (block m / L, time m % L)
      const L = clipLen;
      normalizeToPlanes(imgs.data, n, hw, this.normalize.mean, this.normalize.std, this.normalize.opts.to_bgr, out,
        (m, c) => ((Math.floor(m / L) * 3 + c) * L + (m % L)) * hw);
      shape = [n / L, 3, L, h, w];
    }
    if (this.format.opts.collapse) shape = shape.slice(1);
    const norm = this.normalize;
    results.imgs = new FloatBatch(out, shape);
    results.img_norm_cfg = { mean: Array.from(norm.mean), std: Array.from(norm.std), to_bgr: norm.opts.to_bgr };
    results.input_shape = shape;
    return results;
  }
}

/** Run one of the two transforms, naming it in an error as Compose would. */
function step(t: Normalize | FormatShape, results: Results): Results {
  try {
    return t.call(results);
  } catch (e) {
    const err = e as Error;
    if (!err.message.includes(t.type)) err.message = `${t.type}: ${err.message}`;
    throw err;
  }
}

/** The steps Compose runs: `transforms` with fusable pairs replaced by one fused step. */
export function fuseSteps(transforms: readonly Transform[]): Transform[] {
  const steps: Transform[] = [];
  for (let i = 0; i < transforms.length; i++) {
    const a = transforms[i];
    const b = transforms[i + 1];
    if (NormalizeFormatShape.applies(a, b)) {
      steps.push(new NormalizeFormatShape(a as Normalize, b as FormatShape));
      i++;
    } else {
      steps.push(a!);
    }
  }
  return steps;
}
