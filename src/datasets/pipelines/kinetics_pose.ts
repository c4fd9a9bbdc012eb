/**
 * LoadKineticsPose (MMAction2 0.24 `pose_loading.py`): the raw pose file of one Kinetics
 * video (a pickled numpy array [N, V, 3] of x, y, score, one row per detected person and
 * frame) regrouped into `keypoint` [M, T, V, 2] and `keypoint_score` [M, T, V].
 *
 * MMAction2 keeps both in float16 arrays, so the values here are rounded to float16 (stored in
 * float32 arrays, which PoseDecode's astype(float32) would make them anyway); with more people
 * in a frame than `max_person`, they are ranked by a weighted float16 sum of their scores, as
 * numpy computes it.
 */
import { expectInt, expectOneOf, parseOptions, type Cfg } from './options.ts';
import { NDArray, type Results, type Transform } from './types.ts';
import { loadPickle } from '../../torch/serialization/reader.ts';
import { NdArray } from '../../torch/serialization/pytypes.ts';
import { ndarrayToND } from '../pickle_arrays.ts';
import { pairwiseSumF32 } from '../../evaluation/numpy_compat.ts';

const f32 = Math.fround;

/** Round to the nearest float16 (ties to even), as numpy's casts to float16 do. */
export function f16round(x: number): number {
  if (!Number.isFinite(x) || x === 0) return x;
  const a = Math.abs(x);
  if (a >= 65520) return Math.sign(x) * Infinity; // past max (65504) + half an ulp
  let e = Math.floor(Math.log2(a));
  if (2 ** e > a) e--;
  else if (2 ** (e + 1) <= a) e++;
  const q = 2 ** (Math.max(e, -14) - 10); // the float16 spacing (subnormals below 2^-14)
  const n = a / q; // exact: q is a power of two
  let r = Math.round(n);
  if (r - n === 0.5 && r % 2 !== 0) r--; // Math.round rounds .5 up: make it even
  return Math.sign(x) * r * q;
}

/** numpy's float16 `np.sum` over an axis: pairwise in float32 accumulators, rounded to float16. */
function halfSum(v: readonly number[]): number {
  return f16round(f32(0 + pairwiseSumF32(v)));
}

/** float16 a op b: computed in float32, rounded to float16 (numpy's half loops). */
const hAdd = (a: number, b: number) => f16round(f32(a + b));
const hMul = (a: number, b: number) => f16round(f32(a * b));

const KP_SUBSETS = {
  mmpose: { face: [0, 1, 2, 3, 4], torso: [5, 6, 11, 12], limb: [7, 8, 9, 10, 13, 14, 15, 16] },
  'openpose-18': { face: [0, 14, 15, 16, 17], torso: [1, 2, 8, 5, 11], limb: [3, 4, 6, 7, 9, 10, 12, 13] },
} as const;

export interface LoadKineticsPoseOptions {
  /** Only 'disk' (mmcv's FileClient backends for object stores are not available). Default 'disk'. */
  io_backend: 'disk';
  /** Renumber the frames that have people 0, 1, ... (drop the empty ones). Default true. */
  squeeze: boolean;
  /** Keep at most this many people per frame (the highest weighted scores). Default 100. */
  max_person: number;
  /** Weights of the face, torso and limb scores in that ranking. Default {face: 1, torso: 2, limb: 3}. */
  keypoint_weight: { face: number; torso: number; limb: number };
  /** Layout of the joints: 'mmpose' (COCO-17, pixels) or 'openpose-18' (coordinates in [0, 1]). Default 'mmpose'. */
  source: 'mmpose' | 'openpose-18';
}

/**
 * Reads `filename` (removed), `frame_inds` (removed; the frame of each row), `anno_inds`
 * (removed; rows to keep, from PoseDataset's box_thr), `box_score` (removed), `total_frames`,
 * `img_shape`; writes `keypoint`, `keypoint_score`, `total_frames`, `num_person`.
 */
export class LoadKineticsPose implements Transform {
  readonly type = 'LoadKineticsPose';
  readonly opts: LoadKineticsPoseOptions;

  constructor(cfg: Cfg, where = 'LoadKineticsPose') {
    this.opts = parseOptions(where, cfg, {
      io_backend: 'disk', squeeze: true, max_person: 100, keypoint_weight: { face: 1, torso: 2, limb: 3 }, source: 'mmpose',
    } as LoadKineticsPoseOptions);
    expectOneOf(where, 'io_backend', this.opts.io_backend, ['disk'] as const);
    expectInt(where, 'max_person', this.opts.max_person, 0);
    if (!(this.opts.source in KP_SUBSETS)) throw new Error(`${where}: Unknown source of Kinetics Pose '${this.opts.source}' (one of 'mmpose', 'openpose-18')`);
    const w = this.opts.keypoint_weight;
    if (!w || !['face', 'torso', 'limb'].every((k) => typeof (w as Record<string, unknown>)[k] === 'number')) {
      throw new Error(`${where}: keypoint_weight must be a dict with numbers face, torso and limb, got ${JSON.stringify(w)}`);
    }
  }

  call(results: Results): Results {
    const file = results.filename;
    if (typeof file !== 'string') throw new TypeError(`LoadKineticsPose: results.filename must be the path of a pose pickle, got ${JSON.stringify(file)}`);
    delete results.filename;
    let annoInds: number[] | null = null;
    if (results.anno_inds !== undefined) {
      if (this.opts.source !== 'mmpose') throw new Error(`LoadKineticsPose: anno_inds (box_thr) only applies to source='mmpose' (${file})`);
      annoInds = intList(results.anno_inds, 'anno_inds', file);
      delete results.anno_inds;
    }
    delete results.box_score;
    const raw = loadPickle(file);
    if (!(raw instanceof NdArray) || raw.shape.length !== 3 || raw.shape[2]! < 3) {
      throw new TypeError(`LoadKineticsPose: ${file} must hold a numpy array [N, V, 3] (x, y, score per person and frame), got ` +
        (raw instanceof NdArray ? `shape (${raw.shape.join(', ')})` : typeof raw));
    }
    const descr = raw.dtype.descr.slice(1);
    const kps = ndarrayToND(raw, file);
    const [, v, c] = kps.shape as [number, number, number];
    const src = kps.data as ArrayLike<number>;
    let rows = Array.from({ length: kps.shape[0]! }, (_, i) => i);
    let frameInds = intList(results.frame_inds, 'frame_inds', file);
    delete results.frame_inds;
    if (frameInds.length !== rows.length) throw new RangeError(`LoadKineticsPose: ${rows.length} poses in ${file} but ${frameInds.length} frame_inds`);
    if (annoInds) {
      for (const i of annoInds) if (!(i >= -rows.length && i < rows.length)) throw new RangeError(`LoadKineticsPose: anno_inds ${i} is out of range for the ${rows.length} poses of ${file}`);
      rows = annoInds.map((i) => (i < 0 ? i + rows.length : i));
      frameInds = annoInds.map((i) => frameInds[i < 0 ? i + frameInds.length : i]!);
    }
    if (rows.length === 0) throw new RangeError(`LoadKineticsPose: no pose left in ${file}${annoInds ? ' after box_thr (anno_inds)' : ''}`);
    let total = results.total_frames as number;
    if (this.opts.squeeze) {
      const rank = new Map([...new Set(frameInds)].sort((a, b) => a - b).map((x, i) => [x, i]));
      frameInds = frameInds.map((x) => rank.get(x)!);
      total = rank.size;
    }
    if (!Number.isInteger(total)) throw new TypeError(`LoadKineticsPose: results.total_frames must be an integer, got ${JSON.stringify(total)}`);
    results.total_frames = total;
    for (const f of frameInds) if (!(f >= -total && f < total)) throw new RangeError(`LoadKineticsPose: frame index ${f} is out of range for ${total} frames (${file}; squeeze=False)`);
    const shape = results.img_shape;
    if (!Array.isArray(shape) || shape.length !== 2) throw new TypeError(`LoadKineticsPose: results.img_shape must be (h, w), got ${JSON.stringify(shape)}`);
    const [h, w] = shape;
    // openpose-18 coordinates are in [0, 1]: kps[:, :, 0] *= w (in the file's dtype)
    const scaleInDtype = (x: number, s: number) => (descr === 'f2' ? hMul(x, f16round(s)) : descr === 'f4' ? f32(x * f32(s)) : x * s);
    const counts = new Map<number, number>();
    for (const f of frameInds) counts.set(f, (counts.get(f) ?? 0) + 1);
    const people = Math.max(...counts.values()); // scipy.stats.mode(frame_inds) count
    const kp = new Float32Array(people * total * v * 2);
    const score = new Float32Array(people * total * v);
    const inFrame = new Array<number>(total).fill(0);
    rows.forEach((row, k) => {
      const f = frameInds[k]! < 0 ? frameInds[k]! + total : frameInds[k]!;
      const p = inFrame[f]!++;
      for (let j = 0; j < v; j++) {
        let x = src[(row * v + j) * c]!, y = src[(row * v + j) * c + 1]!;
        if (this.opts.source === 'openpose-18') [x, y] = [scaleInDtype(x, w), scaleInDtype(y, h)];
        kp[((p * total + f) * v + j) * 2] = f16round(x);
        kp[((p * total + f) * v + j) * 2 + 1] = f16round(y);
        score[(p * total + f) * v + j] = f16round(src[(row * v + j) * c + 2]!);
      }
    });
    results.num_person = people;
    const keep = Math.min(people, this.opts.max_person);
    if (people > this.opts.max_person) {
      this.rankPeople(kp, score, inFrame, total, v);
      results.num_person = this.opts.max_person;
    }
    results.keypoint = new NDArray(kp.slice(0, keep * total * v * 2), [keep, total, v, 2]);
    results.keypoint_score = new NDArray(score.slice(0, keep * total * v), [keep, total, v]);
    return results;
  }

  /** Per frame, people sorted by face * wf + torso * wt + limb * wl (float16 sums), highest first, stable. */
  private rankPeople(kp: Float32Array, score: Float32Array, inFrame: number[], total: number, v: number): void {
    const grp = KP_SUBSETS[this.opts.source];
    const wt = this.opts.keypoint_weight;
    for (let f = 0; f < total; f++) {
      const n = inFrame[f]!;
      const at = (p: number, j: number) => score[(p * total + f) * v + j]!;
      const val = Array.from({ length: n }, (_, p) => {
        const part = (ids: readonly number[], weight: number) => hMul(halfSum(ids.map((j) => at(p, j))), f16round(weight));
        return hAdd(hAdd(part(grp.face, wt.face), part(grp.torso, wt.torso)), part(grp.limb, wt.limb));
      });
      const order = Array.from({ length: n }, (_, p) => p).sort((a, b) => val[b]! - val[a]!);
      const kpRows = order.map((p) => kp.slice((p * total + f) * v * 2, (p * total + f + 1) * v * 2));
      const scRows = order.map((p) => score.slice((p * total + f) * v, (p * total + f + 1) * v));
      for (let p = 0; p < n; p++) {
        kp.set(kpRows[p]!, (p * total + f) * v * 2);
        score.set(scRows[p]!, (p * total + f) * v);
      }
    }
  }
}

function intList(v: unknown, key: string, file: string): number[] {
  const a = v instanceof NDArray ? Array.from(v.data as ArrayLike<number | bigint>, Number) : Array.isArray(v) ? v.flat(Infinity).map(Number) : null;
  if (!a || !a.every(Number.isInteger)) throw new TypeError(`LoadKineticsPose: results.${key} must be a list of integers (${file})`);
  return a;
}
