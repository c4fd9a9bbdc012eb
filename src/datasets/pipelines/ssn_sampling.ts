/**
 * SampleProposalFrames (MMAction2 0.24 `loading.py`, for SSN): frames from the three stages of
 * each sampled proposal, a starting stage before it (`aug_segments[0]` clips), its course
 * (`body_segments` clips) and an ending stage after it (`aug_segments[1]` clips); the stages
 * extend the proposal by `aug_ratio` of its duration on each side. Train mode draws one random
 * offset per segment (numpy's legacy generator, in MMAction2's order), val mode takes segment
 * centres, test mode slides over the whole video every `test_interval` frames.
 *
 * Reads `total_frames`, `start_index` and (train/val) `out_proposals` as SSNDataset builds it:
 * a list of `((video_id, proposal), proposal_type)` whose proposal has `start_frame` and
 * `end_frame` (the interval [start_frame, end_frame)). Writes `frame_inds`, `clip_len`,
 * `frame_interval`, `num_clips` (segments per proposal) and, in train/val mode, `num_proposals`.
 */
import type { RandomState } from '../rng.ts';
import { expectInt, expectOneOf, parseOptions, type Cfg } from './options.ts';
import type { PipelineContext, Results, Transform } from './types.ts';

export interface SampleProposalFramesOptions {
  /** Frames of each sampled clip (required). */
  clip_len: number;
  /** Clips in the course of a proposal (required). */
  body_segments: number;
  /** Clips in the starting and the ending stage (required). */
  aug_segments: [number, number];
  /** Length of the starting/ending stage relative to the proposal: a number or a pair (required). */
  aug_ratio: number | [number, number];
  /** Default 1. */
  frame_interval: number;
  /** Test mode: distance between clip starts. Default 6. */
  test_interval: number;
  /** Random per-frame offset in [0, frame_interval). Default false. */
  temporal_jitter: boolean;
  /** Default 'train'. */
  mode: 'train' | 'val' | 'test';
}

const DEFAULTS = Object.freeze({ frame_interval: 1, test_interval: 6, temporal_jitter: false, mode: 'train' });

interface Proposal { start_frame: number; end_frame: number }

/** Python's `//` on integers. */
const floorDiv = (a: number, b: number) => Math.floor(a / b);

export class SampleProposalFrames implements Transform {
  readonly type = 'SampleProposalFrames';
  readonly opts: SampleProposalFramesOptions;
  readonly augRatio: [number, number];

  constructor(cfg: Cfg, where = 'SampleProposalFrames') {
    this.opts = parseOptions(where, cfg, DEFAULTS as SampleProposalFramesOptions, ['clip_len', 'body_segments', 'aug_segments', 'aug_ratio']);
    const o = this.opts;
    expectInt(where, 'clip_len', o.clip_len, 1);
    expectInt(where, 'frame_interval', o.frame_interval, 1);
    expectInt(where, 'test_interval', o.test_interval, 1);
    expectInt(where, 'body_segments', o.body_segments, 1);
    if (!Array.isArray(o.aug_segments) || o.aug_segments.length !== 2) throw new Error(`${where}: aug_segments must be [starting, ending] segment counts, got ${JSON.stringify(o.aug_segments)}`);
    o.aug_segments.forEach((n, i) => expectInt(where, `aug_segments[${i}]`, n, 1));
    const r = o.aug_ratio;
    this.augRatio = typeof r === 'number' ? [r, r] : (r as [number, number]); // torch's _pair
    if (!Array.isArray(this.augRatio) || this.augRatio.length !== 2 || !this.augRatio.every((x) => typeof x === 'number' && Number.isFinite(x))) {
      throw new Error(`${where}: aug_ratio must be a number or a pair of numbers, got ${JSON.stringify(r)}`);
    }
    expectOneOf(where, 'mode', o.mode, ['train', 'val', 'test'] as const);
    if (typeof o.temporal_jitter !== 'boolean') throw new Error(`${where}: temporal_jitter must be true or false`);
  }

  /** Train mode: one random offset in each of `n` equal parts of [0, validLength]. */
  private static trainIndices(validLength: number, n: number, rng: RandomState): number[] {
    const avg = floorDiv(validLength + 1, n);
    if (avg > 0) return rng.randints(0, avg, n).map((x, i) => i * avg + x);
    return new Array<number>(n).fill(0);
  }

  /** Val mode: the centre of each of `n` equal parts. */
  private static valIndices(validLength: number, n: number): number[] {
    if (validLength >= n) {
      const avg = validLength / n;
      return Array.from({ length: n }, (_, i) => Math.trunc(i * avg + avg / 2.0));
    }
    return new Array<number>(n).fill(0);
  }

  /** Clip starts of one proposal: starting stage, course, ending stage. */
  private proposalClips(p: Proposal, total: number, rng: RandomState): number[] {
    const { clip_len, frame_interval, body_segments, aug_segments, mode } = this.opts;
    const ori = clip_len * frame_interval;
    const duration = p.end_frame - p.start_frame;
    if (duration === 0) throw new Error(`SampleProposalFrames: a proposal has no frames (start_frame = end_frame = ${p.start_frame})`);
    const validLength = duration - ori;
    const validStarting = Math.max(0, p.start_frame - Math.trunc(duration * this.augRatio[0]));
    const validEnding = Math.min(total - ori + 1, p.end_frame - 1 + Math.trunc(duration * this.augRatio[1]));
    const validStartingLength = p.start_frame - validStarting - ori;
    const validEndingLength = (validEnding - p.end_frame + 1) - ori;
    const pick = (len: number, n: number) => mode === 'train' ? SampleProposalFrames.trainIndices(len, n, rng) : SampleProposalFrames.valIndices(len, n);
    const starting = pick(validStartingLength, aug_segments[0]).map((x) => x + validStarting);
    const course = pick(validLength, body_segments).map((x) => x + p.start_frame);
    const ending = pick(validEndingLength, aug_segments[1]).map((x) => x + p.end_frame);
    return [...starting, ...course, ...ending];
  }

  private proposalsOf(results: Results): Proposal[] {
    const out = results.out_proposals;
    if (!Array.isArray(out)) throw new Error(`SampleProposalFrames: results.out_proposals must be the list of sampled proposals in ${this.opts.mode} mode (SSNDataset sets it)`);
    if (out.length === 0) throw new Error('SampleProposalFrames: results.out_proposals is empty');
    return out.map((entry, i) => {
      // ((video_id, proposal), proposal_type)
      const p = Array.isArray(entry) && Array.isArray(entry[0]) ? entry[0][1] as Proposal : undefined;
      if (!p || typeof p.start_frame !== 'number' || typeof p.end_frame !== 'number') {
        throw new Error(`SampleProposalFrames: out_proposals[${i}] must be [[video_id, {start_frame, end_frame}], proposal_type], got ${JSON.stringify(entry)}`);
      }
      return p;
    });
  }

  call(results: Results, ctx: PipelineContext): Results {
    const { clip_len, frame_interval, body_segments, aug_segments, mode, test_interval, temporal_jitter } = this.opts;
    const total = results.total_frames;
    if (typeof total !== 'number' || !Number.isInteger(total) || total <= 0) {
      throw new Error(`SampleProposalFrames: results.total_frames must be a positive integer, got ${JSON.stringify(total)}`);
    }
    const start = results.start_index;
    if (typeof start !== 'number') throw new Error(`SampleProposalFrames: results.start_index must be a number, got ${JSON.stringify(start)}`);
    const ori = clip_len * frame_interval;
    let offsets: number[];
    let proposals: Proposal[] = [];
    if (mode === 'test') {
      offsets = [];
      for (let o = 0; o < total - ori; o += test_interval) offsets.push(o);
      if (offsets.length === 0) throw new Error(`SampleProposalFrames: a video of ${total} frames has no room for a clip of ${ori} frames (clip_len x frame_interval)`);
    } else {
      proposals = this.proposalsOf(results);
      offsets = proposals.flatMap((p) => this.proposalClips(p, total, ctx.rng.np));
    }
    const inds: number[] = [];
    for (const o of offsets) for (let j = 0; j < clip_len; j++) inds.push(o + j * frame_interval);
    if (temporal_jitter) {
      const jit = ctx.rng.np.randints(0, frame_interval, inds.length);
      for (let i = 0; i < inds.length; i++) inds[i]! += jit[i]!;
    }
    // np.mod (sign of the divisor) + start_index, then astype(int)
    results.frame_inds = inds.map((x) => Math.trunc((((x % total) + total) % total) + start));
    results.clip_len = clip_len;
    results.frame_interval = frame_interval;
    results.num_clips = body_segments + aug_segments[0] + aug_segments[1];
    if (mode !== 'test') results.num_proposals = proposals.length;
    return results;
  }
}
