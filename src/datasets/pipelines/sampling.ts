/**
 * Temporal sampling: which frame indices a clip reads. Mirrors MMAction2 0.24
 * `mmaction/datasets/pipelines/loading.py` (SampleFrames, DenseSampleFrames,
 * UntrimmedSampleFrames, SampleAVAFrames) including its float64 arithmetic: offsets may
 * be fractional (twice_sample, np.around) and are truncated only after start_index is
 * added, exactly as numpy's `astype(int)` does.
 *
 * Reads `total_frames`, `start_index`; writes `frame_inds`, `clip_len`, `frame_interval`,
 * `num_clips`.
 */
import type { RandomState } from '../rng.ts';
import { expectInt, expectOneOf, parseOptions, type Cfg } from './options.ts';
import type { PipelineContext, Results, Transform } from './types.ts';

export interface SampleFramesOptions {
  /** Frames of each sampled clip (required). */
  clip_len: number;
  /** Temporal stride between sampled frames. Default 1. */
  frame_interval: number;
  /** Number of clips. Default 1. */
  num_clips: number;
  /** Add a random per-frame offset in [0, frame_interval). Default false. */
  temporal_jitter: boolean;
  /** Test mode: also sample the un-shifted offsets (TSM). Default false. */
  twice_sample: boolean;
  /** Out-of-range indices: 'loop' (mod total) or 'repeat_last'. Default 'loop'. */
  out_of_bound_opt: 'loop' | 'repeat_last';
  /** Deterministic centred clips when true. Default false. */
  test_mode: boolean;
  /** Deprecated in MMAction2 (set on the dataset); accepted and ignored. */
  start_index: number | null;
  /** Train mode: spread clips over the whole video including the tail. Default false. */
  keep_tail_frames: boolean;
}

export const SAMPLE_FRAMES_DEFAULTS: Omit<SampleFramesOptions, 'clip_len'> = Object.freeze({
  frame_interval: 1,
  num_clips: 1,
  temporal_jitter: false,
  twice_sample: false,
  out_of_bound_opt: 'loop',
  test_mode: false,
  start_index: null,
  keep_tail_frames: false,
});

/** Truncation toward zero, numpy's float -> int64 cast. */
const trunc = Math.trunc;

/** numpy's `np.around` / `rint`: round half to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

function requireTotal(results: Results, type: string): number {
  const t = results.total_frames;
  if (typeof t !== 'number' || !Number.isInteger(t) || t < 0) {
    throw new Error(`${type}: results.total_frames must be a non-negative integer, got ${JSON.stringify(t)}` +
      ' (decoder Init steps such as DecordInit/PyAVInit set it for videos)');
  }
  return t;
}

function startIndexOf(results: Results, type: string): number {
  const s = results.start_index;
  if (typeof s !== 'number') throw new Error(`${type}: results.start_index must be a number, got ${JSON.stringify(s)}`);
  return s;
}

export class SampleFrames implements Transform {
  readonly type: string = 'SampleFrames';
  readonly opts: SampleFramesOptions;

  constructor(cfg: Cfg, where = 'SampleFrames') {
    this.opts = parseOptions(where, cfg, SAMPLE_FRAMES_DEFAULTS as SampleFramesOptions, ['clip_len']);
    expectInt(where, 'clip_len', this.opts.clip_len, 1);
    expectInt(where, 'frame_interval', this.opts.frame_interval, 1);
    expectInt(where, 'num_clips', this.opts.num_clips, 1);
    expectOneOf(where, 'out_of_bound_opt', this.opts.out_of_bound_opt, ['loop', 'repeat_last'] as const);
  }

  /** Test-mode clip offsets (float64; may be fractional with twice_sample). */
  protected testClips(total: number): number[] {
    const { clip_len, frame_interval, num_clips, twice_sample } = this.opts;
    const ori = clip_len * frame_interval;
    const avg = (total - ori + 1) / num_clips;
    if (total > ori - 1) {
      const base = Array.from({ length: num_clips }, (_, i) => i * avg);
      const offsets = base.map((b) => trunc(b + avg / 2.0));
      return twice_sample ? offsets.concat(base) : offsets;
    }
    return new Array<number>(num_clips).fill(0);
  }

  /** Train-mode clip offsets, drawing from numpy's legacy generator like MMAction2. */
  protected trainClips(total: number, rng: RandomState): number[] {
    const { clip_len, frame_interval, num_clips, keep_tail_frames } = this.opts;
    const ori = clip_len * frame_interval;
    if (keep_tail_frames) {
      const avg = (total - ori + 1) / num_clips;
      if (total > ori - 1) {
        const base = Array.from({ length: num_clips }, (_, i) => i * avg);
        const jitter = base.map(() => rng.uniform(0, avg));
        return base.map((b, i) => trunc(b + jitter[i]!));
      }
      return new Array<number>(num_clips).fill(0);
    }
    const avg = Math.floor((total - ori + 1) / num_clips);
    if (avg > 0) {
      const r = rng.randints(0, avg, num_clips);
      return r.map((x, i) => i * avg + x);
    }
    if (total > Math.max(num_clips, ori)) {
      return rng.randints(0, total - ori + 1, num_clips).sort((a, b) => a - b);
    }
    if (avg === 0) {
      const ratio = (total - ori + 1.0) / num_clips;
      return Array.from({ length: num_clips }, (_, i) => roundHalfEven(i * ratio));
    }
    return new Array<number>(num_clips).fill(0);
  }

  protected sampleClips(total: number, rng: RandomState): number[] {
    return this.opts.test_mode ? this.testClips(total) : this.trainClips(total, rng);
  }

  call(results: Results, ctx: PipelineContext): Results {
    const total = requireTotal(results, this.type);
    const { clip_len, frame_interval, num_clips, temporal_jitter, out_of_bound_opt } = this.opts;
    const offsets = this.sampleClips(total, ctx.rng.np);
    const inds: number[] = [];
    for (const o of offsets) for (let j = 0; j < clip_len; j++) inds.push(o + j * frame_interval);
    if (temporal_jitter) {
      const jit = ctx.rng.np.randints(0, frame_interval, inds.length);
      for (let i = 0; i < inds.length; i++) inds[i]! += jit[i]!;
    }
    applyOutOfBound(inds, clip_len, total, out_of_bound_opt);
    const start = startIndexOf(results, this.type);
    results.frame_inds = inds.map((x) => trunc(x + start));
    results.clip_len = clip_len;
    results.frame_interval = frame_interval;
    results.num_clips = num_clips;
    return results;
  }
}

/** In place, per clip of `clipLen`: numpy `mod` ('loop') or MMAction2's 'repeat_last'. */
export function applyOutOfBound(inds: number[], clipLen: number, total: number, opt: 'loop' | 'repeat_last'): void {
  if (opt === 'loop') {
    for (let i = 0; i < inds.length; i++) {
      const r = inds[i]! % total; // operands are non-negative: equals np.mod
      inds[i] = Number.isNaN(r) ? 0 : r;
    }
    return;
  }
  for (let c = 0; c < inds.length; c += clipLen) {
    let last = 0;
    for (let j = c; j < c + clipLen; j++) if (inds[j]! < total && inds[j]! > last) last = inds[j]!;
    for (let j = c; j < c + clipLen; j++) if (!(inds[j]! < total)) inds[j] = last;
  }
}

export interface DenseSampleFramesOptions extends SampleFramesOptions {
  /** Frames covered by the clips. Default 64. */
  sample_range: number;
  /** Test mode: number of evenly spaced start positions. Default 10. */
  num_sample_positions: number;
}

/** Dense sampling (I3D/non-local test protocol): clips packed in `sample_range` frames. */
export class DenseSampleFrames extends SampleFrames {
  override readonly type: string = 'DenseSampleFrames';
  readonly sampleRange: number;
  readonly numSamplePositions: number;

  constructor(cfg: Cfg, where = 'DenseSampleFrames') {
    const { sample_range = 64, num_sample_positions = 10, ...rest } = cfg;
    super(rest, where);
    this.sampleRange = expectInt(where, 'sample_range', sample_range, 1);
    this.numSamplePositions = expectInt(where, 'num_sample_positions', num_sample_positions, 1);
  }

  protected override trainClips(total: number, rng: RandomState): number[] {
    const samplePosition = Math.max(1, 1 + total - this.sampleRange);
    const interval = Math.floor(this.sampleRange / this.opts.num_clips);
    const startIdx = samplePosition === 1 ? 0 : rng.randint(0, samplePosition - 1);
    return Array.from({ length: this.opts.num_clips }, (_, i) => (i * interval + startIdx) % total);
  }

  protected override testClips(total: number): number[] {
    const samplePosition = Math.max(1, 1 + total - this.sampleRange);
    const interval = Math.floor(this.sampleRange / this.opts.num_clips);
    const starts = linspaceInt(0, samplePosition - 1, this.numSamplePositions);
    const out: number[] = [];
    for (const s of starts) for (let i = 0; i < this.opts.num_clips; i++) out.push((i * interval + s) % total);
    return out;
  }
}

/** `np.linspace(start, stop, num, dtype=int)`: float64 steps, endpoint forced, floor. */
export function linspaceInt(start: number, stop: number, num: number): number[] {
  const div = num - 1;
  const delta = stop - start;
  const out: number[] = [];
  const step = div > 0 ? delta / div : NaN;
  for (let i = 0; i < num; i++) {
    let y: number;
    if (div > 0) y = step === 0 ? (i / div) * delta : i * step;
    else y = i * delta;
    out.push(Math.trunc(y + start));
  }
  if (num > 1) out[num - 1] = Math.trunc(stop);
  return out;
}

export interface UntrimmedSampleFramesOptions {
  /** Frames per clip. Default 1. */
  clip_len: number;
  /** Distance between clip centres. Default 16. */
  frame_interval: number;
  /** Deprecated; ignored. */
  start_index: number | null;
}

/** One clip every `frame_interval` frames over the whole (untrimmed) video, for feature extraction. */
export class UntrimmedSampleFrames implements Transform {
  readonly type = 'UntrimmedSampleFrames';
  readonly opts: UntrimmedSampleFramesOptions;

  constructor(cfg: Cfg, where = 'UntrimmedSampleFrames') {
    this.opts = parseOptions(where, cfg, { clip_len: 1, frame_interval: 16, start_index: null });
    expectInt(where, 'clip_len', this.opts.clip_len, 1);
    expectInt(where, 'frame_interval', this.opts.frame_interval, 1);
  }

  call(results: Results): Results {
    const total = requireTotal(results, this.type);
    const start = startIndexOf(results, this.type);
    const { clip_len, frame_interval } = this.opts;
    const half = Math.floor(clip_len / 2);
    const inds: number[] = [];
    let numClips = 0;
    for (let c = Math.floor(frame_interval / 2); c < total; c += frame_interval) {
      numClips++;
      for (let j = -half; j < clip_len - half; j++) inds.push(Math.min(Math.max(c + j, 0), total - 1) + start);
    }
    if (numClips === 0) {
      throw new Error(`UntrimmedSampleFrames: no clip centre in a video of ${total} frames ` +
        `(frame_interval ${frame_interval}: the first centre is frame ${Math.floor(frame_interval / 2)})`);
    }
    results.frame_inds = inds;
    results.clip_len = clip_len;
    results.frame_interval = frame_interval;
    results.num_clips = numClips;
    return results;
  }
}

export interface SampleAVAFramesOptions {
  clip_len: number;
  /** Default 2. */
  frame_interval: number;
  /** Default false. */
  test_mode: boolean;
}

/**
 * AVA: a clip centred on a keyframe timestamp, clipped to the shot. Reads `fps`,
 * `timestamp`, `timestamp_start`, `shot_info`; also writes `crop_quadruple`.
 */
export class SampleAVAFrames implements Transform {
  readonly type = 'SampleAVAFrames';
  readonly opts: SampleAVAFramesOptions;

  constructor(cfg: Cfg, where = 'SampleAVAFrames') {
    this.opts = parseOptions(where, cfg, { frame_interval: 2, test_mode: false } as SampleAVAFramesOptions, ['clip_len']);
    expectInt(where, 'clip_len', this.opts.clip_len, 1);
    expectInt(where, 'frame_interval', this.opts.frame_interval, 1);
  }

  call(results: Results, ctx: PipelineContext): Results {
    const { clip_len, frame_interval, test_mode } = this.opts;
    const fps = results.fps as number;
    const timestamp = results.timestamp as number;
    const tsStart = results.timestamp_start as number;
    const shot = results.shot_info as [number, number];
    for (const [k, v] of Object.entries({ fps, timestamp, timestamp_start: tsStart })) {
      if (typeof v !== 'number') throw new Error(`SampleAVAFrames: results.${k} must be a number`);
    }
    if (!Array.isArray(shot) || shot.length !== 2) throw new Error('SampleAVAFrames: results.shot_info must be [start, end]');
    const center = fps * (timestamp - tsStart) + 1;
    const skip = ctx.rng.np.randints(Math.floor(-frame_interval / 2), Math.floor((frame_interval + 1) / 2), clip_len);
    const first = center - Math.floor(clip_len / 2) * frame_interval;
    const end = center + Math.floor((clip_len + 1) / 2) * frame_interval;
    const inds: number[] = [];
    for (let x = first, i = 0; x < end; x += frame_interval, i++) {
      let v = test_mode ? x : x + skip[i]!;
      v = Math.min(Math.max(v, shot[0]), shot[1] - 1);
      inds.push(v);
    }
    const start = typeof results.start_index === 'number' ? results.start_index : 0;
    results.frame_inds = inds.map((x) => trunc(x) + start);
    results.clip_len = clip_len;
    results.frame_interval = frame_interval;
    results.num_clips = 1;
    results.crop_quadruple = new Float32Array([0, 0, 1, 1]);
    return results;
  }
}
