/**
 * Formatting (MMAction2 0.24 `formatting.py`): FormatShape, FormatAudioShape, Collect,
 * ToTensor, ImageToTensor, Transpose, Rename.
 *
 * Values stay plain arrays (`NDArray`) inside the pipeline; `ToTensor` marks keys, and the
 * pipeline's last step turns every NDArray result into a torch Tensor (compose.ts), so the
 * same transforms run in worker threads, which hand arrays (not native tensors) back.
 */
import { parseOptions, expectOneOf, type Cfg } from './options.ts';
import { FloatBatch, ImageBatch, NDArray, type NDData, type Results, type Transform } from './types.ts';

/** Transpose a C-order array: out[i_order[0], ...] = in[i_0, ...]. */
export function transposeND<D extends NDData>(src: NDArray<D>, order: number[]): NDArray<D> {
  const shape = src.shape;
  const rank = shape.length;
  if (order.length !== rank || [...order].sort().some((v, i) => v !== i)) {
    throw new Error(`transpose: order ${JSON.stringify(order)} is not a permutation of ${rank} axes`);
  }
  const outShape = order.map((a) => shape[a]!);
  const strides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  const ost = order.map((a) => strides[a]!); // source stride of each output axis
  const Ctor = src.data.constructor as new (n: number) => D;
  const out = new Ctor(src.data.length);
  if (out.length === 0) return new NDArray(out, outShape);
  if (src.data instanceof Float32Array) permuteF32(src.data, out as unknown as Float32Array, outShape, ost);
  else permuteAny(src.data as unknown as ArrayLike<number>, out as unknown as { [i: number]: number }, outShape, ost);
  return new NDArray(out, outShape);
}

/** Odometer over the output, source offset kept incrementally (monomorphic float32 copy). */
function permuteF32(sd: Float32Array, od: Float32Array, outShape: number[], ost: number[]): void {
  const rank = outShape.length;
  const inner = outShape[rank - 1]!;
  const innerStride = ost[rank - 1]!;
  const idx = new Int32Array(Math.max(rank - 1, 1));
  let o = 0;
  let base = 0;
  for (;;) {
    if (innerStride === 1) {
      od.set(sd.subarray(base, base + inner), o);
      o += inner;
    } else {
      for (let k = 0, s = base; k < inner; k++, s += innerStride) od[o++] = sd[s]!;
    }
    let ax = rank - 2;
    while (ax >= 0) {
      idx[ax]!++;
      base += ost[ax]!;
      if (idx[ax]! < outShape[ax]!) break;
      base -= ost[ax]! * outShape[ax]!;
      idx[ax] = 0;
      ax--;
    }
    if (ax < 0) break;
  }
}

function permuteAny(sd: ArrayLike<number>, od: { [i: number]: number }, outShape: number[], ost: number[]): void {
  const rank = outShape.length;
  const inner = outShape[rank - 1]!;
  const innerStride = ost[rank - 1]!;
  const idx = new Int32Array(Math.max(rank - 1, 1));
  let o = 0;
  let base = 0;
  for (;;) {
    for (let k = 0, s = base; k < inner; k++, s += innerStride) od[o++] = sd[s]!;
    let ax = rank - 2;
    while (ax >= 0) {
      idx[ax]!++;
      base += ost[ax]!;
      if (idx[ax]! < outShape[ax]!) break;
      base -= ost[ax]! * outShape[ax]!;
      idx[ax] = 0;
      ax--;
    }
    if (ax < 0) break;
  }
}

function reshape<D extends NDData>(a: NDArray<D>, shape: number[]): NDArray<D> {
  const known = shape.filter((s) => s !== -1).reduce((x, y) => x * y, 1);
  const s2 = shape.map((s) => (s === -1 ? a.data.length / known : s));
  if (!s2.every((s) => Number.isInteger(s) && s >= 0) || s2.reduce((x, y) => x * y, 1) !== a.data.length) {
    throw new Error(`cannot reshape an array of shape [${a.shape}] into [${shape}]`);
  }
  return new NDArray(a.data, s2);
}

/** Images of any stage as an NDArray (uint8 NHWC before Normalize, float32 after). */
function asArray(imgs: unknown, type: string): NDArray {
  if (imgs instanceof NDArray) return imgs;
  if (imgs instanceof ImageBatch) return new NDArray(imgs.data, imgs.c === 1 ? [imgs.n, imgs.h, imgs.w] : [imgs.n, imgs.h, imgs.w, imgs.c]);
  throw new Error(`${type}: results.imgs must be images or an array, got ${Object.prototype.toString.call(imgs)}`);
}

export type InputFormat = 'NCTHW' | 'NCHW' | 'NCHW_Flow' | 'NPTCHW';

export interface FormatShapeOptions {
  /** Target layout (required). */
  input_format: InputFormat;
  /** Drop the leading batch dimension (num_clips must be 1). Default false. */
  collapse: boolean;
}

/** Final layout of the clip tensor; writes `imgs` and `input_shape`. */
export class FormatShape implements Transform {
  readonly type = 'FormatShape';
  readonly opts: FormatShapeOptions;

  constructor(cfg: Cfg, where = 'FormatShape') {
    this.opts = parseOptions(where, cfg, { collapse: false } as FormatShapeOptions, ['input_format']);
    expectOneOf(where, 'input_format', this.opts.input_format, ['NCTHW', 'NCHW', 'NCHW_Flow', 'NPTCHW'] as const);
  }

  call(results: Results): Results {
    let imgs = asArray(results.imgs, this.type);
    const numClips = results.num_clips as number;
    const clipLen = results.clip_len as number;
    if (this.opts.collapse && numClips !== 1) throw new Error('FormatShape: collapse needs num_clips == 1');
    const rest = imgs.shape.slice(1);
    switch (this.opts.input_format) {
      case 'NCTHW': // [M, H, W, C] -> [crops, clips, L, H, W, C] -> [crops, clips, C, L, H, W] -> [-1, C, L, H, W]
        imgs = transposeND(reshape(imgs, [-1, numClips, clipLen, ...rest]), [0, 1, 5, 2, 3, 4]);
        imgs = reshape(imgs, [-1, ...imgs.shape.slice(2)]);
        break;
      case 'NCHW': // [M, H, W, C] -> [M, C, H, W]
        imgs = transposeND(imgs, [0, 3, 1, 2]);
        break;
      case 'NCHW_Flow': { // [M, H, W, 2] -> [crops, clips, L, 2, H, W] -> [-1, L * 2, H, W]
        imgs = transposeND(reshape(imgs, [-1, numClips, clipLen, ...rest]), [0, 1, 2, 5, 3, 4]);
        const s = imgs.shape;
        imgs = reshape(imgs, [-1, s[2]! * s[3]!, ...s.slice(4)]);
        break;
      }
      case 'NPTCHW': { // [P * T, H, W, C] -> [P, T, C, H, W]
        const p = results.num_proposals as number;
        imgs = transposeND(reshape(imgs, [p, numClips * clipLen, ...rest]), [0, 1, 4, 2, 3]);
        break;
      }
    }
    if (this.opts.collapse) {
      if (imgs.shape[0] !== 1) throw new Error('FormatShape: collapse needs a leading dimension of 1');
      imgs = new NDArray(imgs.data, imgs.shape.slice(1));
    }
    results.imgs = imgs.data instanceof Float32Array ? new FloatBatch(imgs.data, imgs.shape) : imgs;
    results.input_shape = imgs.shape;
    return results;
  }
}

/** [clips, samples, freq] -> [clips, 1, samples, freq] for audio recognisers. */
export class FormatAudioShape implements Transform {
  readonly type = 'FormatAudioShape';

  constructor(cfg: Cfg, where = 'FormatAudioShape') {
    const o = parseOptions(where, cfg, {} as { input_format: 'NCTF' }, ['input_format']);
    expectOneOf(where, 'input_format', o.input_format, ['NCTF'] as const);
  }

  call(results: Results): Results {
    const a = results.audios;
    if (!(a instanceof NDArray) || a.shape.length !== 3) throw new Error('FormatAudioShape: results.audios must be [clip, sample, freq]');
    const [c, s, f] = a.shape as [number, number, number];
    results.audios = new NDArray(a.data, [c, 1, s, f]);
    results.input_shape = [c, 1, s, f];
    return results;
  }
}

/** Marker for a value that becomes a Tensor when the pipeline finishes (ToTensor). */
export class PendingTensor {
  constructor(readonly value: NDArray) {}
}

/** MMAction2's `to_tensor` on our values: arrays keep dtype; int -> int64 [1]; float -> float32 [1]. */
export function toTensorValue(v: unknown, key: string): NDArray | PendingTensor {
  if (v instanceof PendingTensor) return v;
  if (v instanceof NDArray) return v;
  if (v instanceof ImageBatch) return asArray(v, 'ToTensor');
  if (typeof v === 'number') {
    return Number.isInteger(v) ? new NDArray(new BigInt64Array([BigInt(v)]), [1]) : new NDArray(new Float32Array([v]), [1]);
  }
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) {
    const d = v as unknown as NDData;
    return new NDArray(d, [d.length]);
  }
  if (Array.isArray(v)) {
    const flat = v.flat(Infinity) as number[];
    const shape: number[] = [];
    for (let x: unknown = v; Array.isArray(x); x = x[0]) shape.push(x.length);
    if (flat.every((x) => Number.isInteger(x))) return new NDArray(BigInt64Array.from(flat, (x) => BigInt(x)), shape);
    return new NDArray(Float32Array.from(flat), shape);
  }
  throw new Error(`ToTensor: cannot convert results.${key} (${typeof v}) to a tensor`);
}

export class ToTensor implements Transform {
  readonly type = 'ToTensor';
  readonly keys: string[];

  constructor(cfg: Cfg, where = 'ToTensor') {
    this.keys = parseOptions(where, cfg, {} as { keys: string[] }, ['keys']).keys;
  }

  call(results: Results): Results {
    for (const k of this.keys) {
      if (!(k in results)) throw new Error(`ToTensor: results has no key '${k}' (keys: ${Object.keys(results).join(', ')})`);
      results[k] = toTensorValue(results[k], k);
    }
    return results;
  }
}

export class ImageToTensor implements Transform {
  readonly type = 'ImageToTensor';
  readonly keys: string[];

  constructor(cfg: Cfg, where = 'ImageToTensor') {
    this.keys = parseOptions(where, cfg, {} as { keys: string[] }, ['keys']).keys;
  }

  call(results: Results): Results {
    for (const k of this.keys) {
      let a = asArray(results[k], this.type);
      if (a.shape.length === 4 && a.shape[0] === 1) a = new NDArray(a.data, a.shape.slice(1));
      if (a.shape.length !== 3) throw new Error(`ImageToTensor: results.${k} must be one H x W x C image`);
      results[k] = transposeND(a, [2, 0, 1]);
    }
    return results;
  }
}

export class Transpose implements Transform {
  readonly type = 'Transpose';
  readonly opts: { keys: string[]; order: number[] };

  constructor(cfg: Cfg, where = 'Transpose') {
    this.opts = parseOptions(where, cfg, {} as { keys: string[]; order: number[] }, ['keys', 'order']);
  }

  call(results: Results): Results {
    for (const k of this.opts.keys) results[k] = transposeND(asArray(results[k], this.type), this.opts.order);
    return results;
  }
}

export class Rename implements Transform {
  readonly type = 'Rename';
  readonly mapping: Record<string, string>;

  constructor(cfg: Cfg, where = 'Rename') {
    this.mapping = parseOptions(where, cfg, {} as { mapping: Record<string, string> }, ['mapping']).mapping;
  }

  call(results: Results): Results {
    for (const [k, v] of Object.entries(this.mapping)) {
      if (k in results) {
        if (v in results) throw new Error(`Rename: the new name '${v}' already exists in results`);
        results[v] = results[k];
        delete results[k];
      }
    }
    return results;
  }
}

export interface CollectOptions {
  /** Keys copied to the output (required). */
  keys: string[];
  /** Keys gathered into `meta_name`. */
  meta_keys: string[];
  meta_name: string;
  /** Wrap every value in a one-element list. Default false. */
  nested: boolean;
}

export const COLLECT_DEFAULT_META_KEYS = ['filename', 'label', 'original_shape', 'img_shape', 'pad_shape', 'flip_direction', 'img_norm_cfg'];

/** Keep only `keys` (+ a meta dict); the rest of the results is dropped. */
export class Collect implements Transform {
  readonly type = 'Collect';
  readonly opts: CollectOptions;

  constructor(cfg: Cfg, where = 'Collect') {
    this.opts = parseOptions(where, cfg, { meta_keys: COLLECT_DEFAULT_META_KEYS, meta_name: 'img_metas', nested: false } as CollectOptions, ['keys']);
  }

  call(results: Results): Results {
    const missing = (k: string) => new Error(`Collect: results has no key '${k}' (available: ${Object.keys(results).join(', ')})`);
    const data: Results = {};
    for (const k of this.opts.keys) {
      if (!(k in results)) throw missing(k);
      data[k] = results[k];
    }
    if (this.opts.meta_keys.length) {
      const meta: Record<string, unknown> = {};
      for (const k of this.opts.meta_keys) {
        if (!(k in results)) throw missing(k);
        meta[k] = results[k];
      }
      data[this.opts.meta_name] = meta;
    }
    if (this.opts.nested) for (const k of Object.keys(data)) data[k] = [data[k]];
    return data;
  }
}
