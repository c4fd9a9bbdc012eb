/**
 * Normalize (MMAction2 0.24 `augmentations.py` + `mmcv.imnormalize_`): uint8 images ->
 * float32. RGB: optional R<->B swap first, then per value
 * `f32(f64(f32(x - f32(mean))) * (1 / f64(f32(std))))` (cv2.subtract / cv2.multiply).
 * Flow: x = even images, y = odd images, float32 `(v - mean) / std`, stacked to
 * [N/2, H, W, 2]; with adjust_magnitude also times scale_factor.
 *
 * Reads `imgs`, `modality`, `scale_factor`; writes `imgs` (FloatBatch), `img_norm_cfg`.
 */
import { parseOptions, type Cfg } from './options.ts';
import { FloatBatch, getImages, type Results, type Transform } from './types.ts';

export interface NormalizeOptions {
  /** Per-channel means (required). */
  mean: number[];
  /** Per-channel stds (required). */
  std: number[];
  /** RGB -> BGR before normalising. Default false. */
  to_bgr: boolean;
  /** Flow: multiply by the resize scale factor. Default false. */
  adjust_magnitude: boolean;
}

const f32 = Math.fround;

export class Normalize implements Transform {
  readonly type = 'Normalize';
  readonly opts: NormalizeOptions;
  readonly mean: Float32Array;
  readonly std: Float32Array;

  constructor(cfg: Cfg, where = 'Normalize') {
    this.opts = parseOptions(where, cfg, { to_bgr: false, adjust_magnitude: false } as NormalizeOptions, ['mean', 'std']);
    for (const k of ['mean', 'std'] as const) {
      const v = this.opts[k];
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'number')) {
        throw new Error(`${where}: ${k} must be a list of numbers, got ${JSON.stringify(v)}`);
      }
    }
    this.mean = new Float32Array(this.opts.mean);
    this.std = new Float32Array(this.opts.std);
  }

  call(results: Results): Results {
    const imgs = getImages(results, this.type);
    const modality = results.modality;
    if (modality === 'RGB') {
      if (imgs.c !== 3 || this.mean.length !== 3 || this.std.length !== 3) {
        throw new Error(`Normalize: RGB needs 3-channel images and 3 means/stds (got ${imgs.c} channels, ` +
          `${this.mean.length} means, ${this.std.length} stds)`);
      }
      const out = new Float32Array(imgs.data.length);
      const src = imgs.data;
      const m0 = this.mean[0]!;
      const m1 = this.mean[1]!;
      const m2 = this.mean[2]!;
      const s0 = 1 / this.std[0]!;
      const s1 = 1 / this.std[1]!;
      const s2 = 1 / this.std[2]!;
      const a = this.opts.to_bgr ? 2 : 0; // source channel that lands in output channel 0
      const b = this.opts.to_bgr ? 0 : 2;
      for (let i = 0; i < src.length; i += 3) {
        out[i] = f32(src[i + a]! - m0) * s0;
        out[i + 1] = f32(src[i + 1]! - m1) * s1;
        out[i + 2] = f32(src[i + b]! - m2) * s2;
      }
      results.imgs = new FloatBatch(out, [imgs.n, imgs.h, imgs.w, 3]);
      results.img_norm_cfg = { mean: Array.from(this.mean), std: Array.from(this.std), to_bgr: this.opts.to_bgr };
      return results;
    }
    if (modality === 'Flow') {
      if (imgs.n % 2 !== 0) throw new Error(`Normalize: Flow needs an even number of x/y images, got ${imgs.n}`);
      if (this.mean.length !== 2 || this.std.length !== 2) throw new Error('Normalize: Flow needs 2 means and 2 stds');
      if (imgs.c !== 1) throw new Error(`Normalize: Flow images must be single-channel, got ${imgs.c}`);
      const n = imgs.n / 2;
      const hw = imgs.h * imgs.w;
      const out = new Float32Array(n * hw * 2);
      const adj = this.opts.adjust_magnitude;
      const sf = results.scale_factor ?? new Float32Array([1, 1]);
      for (let k = 0; k < 2; k++) {
        const m = this.mean[k]!;
        const s = this.std[k]!;
        const g = sf[k]!;
        for (let i = 0; i < n; i++) {
          const src = imgs.frame(2 * i + k);
          const base = i * hw * 2 + k;
          for (let p = 0; p < hw; p++) {
            let v = f32(f32(src[p]! - m) / s);
            if (adj) v = f32(v * g);
            out[base + 2 * p] = v;
          }
        }
      }
      results.imgs = new FloatBatch(out, [n, imgs.h, imgs.w, 2]);
      results.img_norm_cfg = { mean: Array.from(this.mean), std: Array.from(this.std), to_bgr: this.opts.to_bgr, adjust_magnitude: adj } as Results['img_norm_cfg'];
      return results;
    }
    throw new Error(`Normalize: modality '${String(modality)}' is not supported (RGB or Flow)`);
  }
}
