/**
 * Skeleton transforms of the GCN pipelines (MMAction2 0.24 `pose_loading.py`: PaddingWithLoop,
 * PoseDecode, PoseNormalize; `formatting.py`: FormatGCNInput, JointToBone).
 *
 * `keypoint` is [M, T, V, C] (people, frames, joints, coordinates) and `keypoint_score`
 * [M, T, V] until FormatGCNInput makes `keypoint` [C, T, V, M]; both are float32 `NDArray`s
 * after PoseDecode. float32 arithmetic is rounded per operation (Math.fround) as numpy does
 * on float32 arrays, so the values are numpy's bit for bit.
 */
import { expectInt, expectOneOf, parseOptions, type Cfg } from './options.ts';
import { NDArray, type Results, type Transform } from './types.ts';

const f32 = Math.fround;

function getArray(results: Results, key: string, type: string, rank: number, layout: string): NDArray {
  const a = results[key];
  if (!(a instanceof NDArray)) throw new TypeError(`${type}: results.${key} must be an array ${layout}, got ${Object.prototype.toString.call(a)}`);
  if (a.shape.length !== rank) throw new RangeError(`${type}: results.${key} must be ${layout}, got shape [${a.shape.join(', ')}]`);
  return a;
}

/**
 * PaddingWithLoop: frames 0 .. clip_len-1 of the sequence, looping over it when it is shorter.
 * Reads `total_frames`; writes `frame_inds`, `clip_len`, `frame_interval` (null), `num_clips`.
 */
export class PaddingWithLoop implements Transform {
  readonly type = 'PaddingWithLoop';
  readonly opts: { clip_len: number; num_clips: number };

  constructor(cfg: Cfg, where = 'PaddingWithLoop') {
    this.opts = parseOptions(where, cfg, { num_clips: 1 } as { clip_len: number; num_clips: number }, ['clip_len']);
    expectInt(where, 'clip_len', this.opts.clip_len, 1);
    expectInt(where, 'num_clips', this.opts.num_clips, 1);
  }

  call(results: Results): Results {
    const total = results.total_frames;
    if (!(Number.isInteger(total) && total! > 0)) throw new RangeError(`PaddingWithLoop: results.total_frames must be a positive integer, got ${JSON.stringify(total)}`);
    results.frame_inds = Array.from({ length: this.opts.clip_len }, (_, i) => i % total!);
    results.clip_len = this.opts.clip_len;
    results.frame_interval = null as unknown as number;
    results.num_clips = this.opts.num_clips;
    return results;
  }
}

/** x[:, inds] of an [M, T, ...] array, as float32 (numpy's fancy indexing + astype(np.float32)). */
export function takeFrames(a: NDArray, inds: readonly number[], what: string): NDArray<Float32Array> {
  const [m, t] = a.shape as [number, number];
  const inner = a.shape.slice(2).reduce((x, y) => x * y, 1);
  const src = a.data;
  if (src instanceof BigInt64Array) throw new TypeError(`PoseDecode: results.${what} holds 64-bit integers; expected float coordinates`);
  const out = new Float32Array(m * inds.length * inner);
  for (const [j, ind] of inds.entries()) {
    // numpy accepts -T <= i < T
    if (!Number.isInteger(ind) || ind < -t || ind >= t) throw new RangeError(`PoseDecode: frame index ${ind} is out of range for results.${what} with ${t} frames`);
    const f = ind < 0 ? ind + t : ind;
    for (let p = 0; p < m; p++) {
      const s = (p * t + f) * inner;
      const d = (p * inds.length + j) * inner;
      if (src instanceof Float32Array) out.set(src.subarray(s, s + inner), d);
      else for (let k = 0; k < inner; k++) out[d + k] = src[s + k]!; // rounds to float32 like astype
    }
  }
  return new NDArray(out, [m, inds.length, ...a.shape.slice(2)]);
}

/**
 * PoseDecode: the frames `frame_inds` (+ `offset`) of `keypoint` [M, T, V, C] and
 * `keypoint_score` [M, T, V], as float32. Without `frame_inds`: every frame (and writes them).
 */
export class PoseDecode implements Transform {
  readonly type = 'PoseDecode';

  constructor(cfg: Cfg, where = 'PoseDecode') {
    parseOptions(where, cfg, {});
  }

  call(results: Results): Results {
    if (results.frame_inds === undefined) {
      const total = results.total_frames;
      if (!(Number.isInteger(total) && total! >= 0)) throw new RangeError(`PoseDecode: results.total_frames must be an integer when there are no frame_inds, got ${JSON.stringify(total)}`);
      results.frame_inds = Array.from({ length: total! }, (_, i) => i);
    }
    const raw = results.frame_inds as unknown;
    const inds = (Array.isArray(raw) ? raw.flat(Infinity) : raw instanceof NDArray ? Array.from(raw.data as ArrayLike<number>, Number) : null) as number[] | null;
    if (!inds) throw new TypeError(`PoseDecode: results.frame_inds must be a list of frame indices, got ${Object.prototype.toString.call(raw)}`);
    results.frame_inds = inds;
    const offset = (results.offset as number | undefined) ?? 0;
    const frames = offset ? inds.map((i) => i + offset) : inds;
    if ('keypoint_score' in results) results.keypoint_score = takeFrames(getArray(results, 'keypoint_score', this.type, 3, '[M, T, V]'), frames, 'keypoint_score');
    if ('keypoint' in results) results.keypoint = takeFrames(getArray(results, 'keypoint', this.type, 4, '[M, T, V, C]'), frames, 'keypoint');
    return results;
  }
}

export interface PoseNormalizeOptions {
  /** Per channel. Default [960, 540, 0.5] (the centre of a 1920x1080 frame, score 0.5). */
  mean: number[];
  /** Default [0, 0, 0]. */
  min_value: number[];
  /** Default [1920, 1080, 1]. */
  max_value: number[];
}

/**
 * PoseNormalize: keypoint [C, T, V, M] (after FormatGCNInput) -> (x - mean) / (max - min) per
 * channel, in float32. Writes `keypoint` and `keypoint_norm_cfg`.
 */
export class PoseNormalize implements Transform {
  readonly type = 'PoseNormalize';
  readonly opts: PoseNormalizeOptions;

  constructor(cfg: Cfg, where = 'PoseNormalize') {
    this.opts = parseOptions(where, cfg, { mean: [960, 540, 0.5], min_value: [0, 0, 0], max_value: [1920, 1080, 1] } as PoseNormalizeOptions);
    for (const k of ['mean', 'min_value', 'max_value'] as const) {
      const v = this.opts[k];
      if (!Array.isArray(v) || v.length === 0 || !v.every((x) => typeof x === 'number')) throw new TypeError(`${where}: ${k} must be a list of numbers, got ${JSON.stringify(v)}`);
    }
    const n = this.opts.mean.length;
    if (this.opts.min_value.length !== n || this.opts.max_value.length !== n) throw new RangeError(`${where}: mean, min_value and max_value must have one value per channel (got ${n}, ${this.opts.min_value.length}, ${this.opts.max_value.length})`);
  }

  call(results: Results): Results {
    const kp = results.keypoint;
    if (!(kp instanceof NDArray) || kp.shape.length < 1) throw new TypeError(`PoseNormalize: results.keypoint must be an array [C, T, V, M] (run FormatGCNInput first), got ${Object.prototype.toString.call(kp)}`);
    const c = kp.shape[0]!;
    const { mean, min_value: lo, max_value: hi } = this.opts;
    if (mean.length !== c && mean.length !== 1) {
      throw new RangeError(`PoseNormalize: ${mean.length} mean values for a keypoint array of ${c} channels ([${kp.shape.join(', ')}], channels first: put FormatGCNInput before PoseNormalize)`);
    }
    const isF32 = !(kp.data instanceof Float64Array);
    if (kp.data instanceof BigInt64Array) throw new TypeError('PoseNormalize: results.keypoint holds 64-bit integers; expected float coordinates');
    const src = kp.data as ArrayLike<number>;
    const out = isF32 ? new Float32Array(src.length) : new Float64Array(src.length);
    const per = src.length / c;
    for (let ch = 0; ch < c; ch++) {
      const i = mean.length === 1 ? 0 : ch;
      const m = f32(mean[i]!);
      const range = f32(f32(hi[i]!) - f32(lo[i]!));
      for (let k = ch * per, end = k + per; k < end; k++) out[k] = isF32 ? f32(f32(src[k]! - m) / range) : (src[k]! - m) / range;
    }
    results.keypoint = new NDArray(out, kp.shape);
    results.keypoint_norm_cfg = { mean: mean.map(f32), min_value: lo.map(f32), max_value: hi.map(f32) };
    return results;
  }
}

/**
 * FormatGCNInput: keypoint [M, T, V, C] (+ keypoint_score as one more channel) -> [C, T, V, M],
 * people zero-padded or cut to `num_person`. Writes `keypoint` and `input_shape`.
 */
export class FormatGCNInput implements Transform {
  readonly type = 'FormatGCNInput';
  readonly opts: { input_format: 'NCTVM'; num_person: number };

  constructor(cfg: Cfg, where = 'FormatGCNInput') {
    this.opts = parseOptions(where, cfg, { num_person: 2 } as { input_format: 'NCTVM'; num_person: number }, ['input_format']);
    expectOneOf(where, 'input_format', this.opts.input_format, ['NCTVM'] as const);
    expectInt(where, 'num_person', this.opts.num_person, 1);
  }

  call(results: Results): Results {
    const kp = getArray(results, 'keypoint', this.type, 4, '[M, T, V, C]');
    const [m, t, v, c0] = kp.shape as [number, number, number, number];
    let score: NDArray | null = null;
    if ('keypoint_score' in results) {
      score = getArray(results, 'keypoint_score', this.type, 3, '[M, T, V]');
      if (score.shape.join() !== [m, t, v].join()) throw new RangeError(`FormatGCNInput: keypoint_score [${score.shape.join(', ')}] does not match keypoint [${kp.shape.join(', ')}]`);
    }
    const c = c0 + (score ? 1 : 0);
    const p = this.opts.num_person;
    // numpy's concatenate keeps float32 only when both are float32
    const both32 = kp.data instanceof Float32Array && (!score || score.data instanceof Float32Array);
    const out = both32 ? new Float32Array(c * t * v * p) : new Float64Array(c * t * v * p);
    const ks = kp.data as ArrayLike<number>;
    const ss = score?.data as ArrayLike<number> | undefined;
    for (let person = 0; person < Math.min(m, p); person++) {
      for (let f = 0; f < t; f++) {
        for (let j = 0; j < v; j++) {
          const src = (person * t + f) * v + j;
          for (let ch = 0; ch < c; ch++) {
            const val = ch < c0 ? ks[src * c0 + ch]! : ss![src]!;
            out[((ch * t + f) * v + j) * p + person] = val; // [C, T, V, M]
          }
        }
      }
    }
    results.keypoint = new NDArray(out, [c, t, v, p]);
    results.input_shape = [c, t, v, p];
    return results;
  }
}

export type JointToBoneDataset = 'nturgb+d' | 'openpose-18' | 'coco';

/** (joint, parent) pairs: a bone is joint - parent (the root pairs with itself: a zero bone). */
const BONE_PAIRS: Record<JointToBoneDataset, readonly (readonly [number, number])[]> = {
  'nturgb+d': [[0, 1], [1, 20], [2, 20], [3, 2], [4, 20], [5, 4], [6, 5], [7, 6], [8, 20], [9, 8], [10, 9], [11, 10], [12, 0], [13, 12], [14, 13],
    [15, 14], [16, 0], [17, 16], [18, 17], [19, 18], [21, 22], [20, 20], [22, 7], [23, 24], [24, 11]],
  'openpose-18': [[0, 0], [1, 0], [2, 1], [3, 2], [4, 3], [5, 1], [6, 5], [7, 6], [8, 2], [9, 8], [10, 9], [11, 5], [12, 11], [13, 12], [14, 0],
    [15, 0], [16, 14], [17, 15]],
  coco: [[0, 0], [1, 0], [2, 0], [3, 1], [4, 2], [5, 0], [6, 0], [7, 5], [8, 6], [9, 7], [10, 8], [11, 0], [12, 0], [13, 11], [14, 12], [15, 13],
    [16, 14]],
};

/**
 * JointToBone: keypoint [M, T, V, C] (C = 2 or 3) -> bones (joint - parent), float32. For the
 * 2D layouts with scores (C = 3, 'openpose-18' / 'coco') the third channel is the mean score
 * of the two joints. Writes `keypoint`.
 */
export class JointToBone implements Transform {
  readonly type = 'JointToBone';
  readonly opts: { dataset: JointToBoneDataset };

  constructor(cfg: Cfg, where = 'JointToBone') {
    this.opts = parseOptions(where, cfg, { dataset: 'nturgb+d' } as { dataset: JointToBoneDataset });
    if (!(this.opts.dataset in BONE_PAIRS)) throw new Error(`${where}: The dataset type ${this.opts.dataset} is not supported (one of ${Object.keys(BONE_PAIRS).join(', ')})`);
  }

  call(results: Results): Results {
    const kp = getArray(results, 'keypoint', this.type, 4, '[M, T, V, C]');
    const [m, t, v, c] = kp.shape as [number, number, number, number];
    if (c !== 2 && c !== 3) throw new RangeError(`JointToBone: keypoint must have 2 or 3 channels, got [${kp.shape.join(', ')}]`);
    const pairs = BONE_PAIRS[this.opts.dataset];
    const maxJoint = Math.max(...pairs.flat());
    if (maxJoint >= v) throw new RangeError(`JointToBone: '${this.opts.dataset}' has ${maxJoint + 1} joints, keypoint has ${v}`);
    const src = kp.data as ArrayLike<number>;
    const r = kp.data instanceof Float32Array ? f32 : (x: number) => x; // float32 inputs compute in float32
    const out = new Float32Array(m * t * v * c);
    const withScore = c === 3 && this.opts.dataset !== 'nturgb+d';
    for (let base = 0; base < m * t * v * c; base += v * c) {
      for (const [v1, v2] of pairs) {
        const a = base + v1 * c, b = base + v2 * c;
        for (let ch = 0; ch < c; ch++) out[a + ch] = r(src[a + ch]! - src[b + ch]!);
        if (withScore) out[a + 2] = r(r(src[a + 2]! + src[b + 2]!) / 2);
      }
    }
    results.keypoint = new NDArray(out, kp.shape);
    return results;
  }
}
