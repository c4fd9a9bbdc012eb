/**
 * Temporal proposal utilities of MMAction2's localizers: `temporal_iou`, `temporal_iop` and
 * `soft_nms` (mmaction/localization/proposal_utils.py) and the proposal `post_processing` of
 * BMN/BSN (mmaction/models/localizers/utils/post_processing.py).
 *
 * Everything is float64 like numpy, with numpy's operation order, and the sorts are numpy 1.24's
 * default `argsort` (introsort, not stable) reversed, so tied scores come out in MMAction2's order.
 */
import { argmax, argsort } from '../../evaluation/numpy_compat.ts';

/** IoU of the proposal [pMin, pMax] with the ground truth [gMin, gMax] (`temporal_iou`, one pair). */
export function temporalIou(pMin: number, pMax: number, gMin: number, gMax: number): number {
  const lenAnchor = pMax - pMin;
  const inter = Math.max(Math.min(pMax, gMax) - Math.max(pMin, gMin), 0);
  const union = lenAnchor - inter + gMax - gMin;
  return inter / union;
}

/** Intersection over the proposal's length (`temporal_iop`, one pair). */
export function temporalIop(pMin: number, pMax: number, gMin: number, gMax: number): number {
  const lenAnchor = pMax - pMin;
  const inter = Math.max(Math.min(pMax, gMax) - Math.max(pMin, gMin), 0);
  return inter / lenAnchor;
}

/** Rows sorted by their last column, highest first: numpy's `a[a[:, -1].argsort()[::-1]]`. */
export function sortByScoreDesc(rows: readonly (readonly number[])[]): number[][] {
  const order = argsort(rows.map((r) => r[r.length - 1]));
  const out: number[][] = [];
  for (let i = order.length - 1; i >= 0; i--) out.push([...rows[order[i]]]);
  return out;
}

/**
 * Gaussian soft-NMS (`soft_nms`): repeatedly takes the best proposal and decays the scores of
 * those overlapping it by `exp(-iou^2 / alpha)` when their IoU exceeds
 * `low + (high - low) * width` of the best one. Stops after `top_k + 1` proposals (MMAction2's
 * `len(rscore) <= top_k`). Input rows: `[tmin, tmax, ..., score]`; output rows `[tmin, tmax, score]`.
 */
export function softNms(proposals: readonly (readonly number[])[], alpha: number, lowThreshold: number, highThreshold: number, topK: number): number[][] {
  const sorted = sortByScoreDesc(proposals);
  const tstart = sorted.map((r) => r[0]);
  const tend = sorted.map((r) => r[1]);
  const tscore = sorted.map((r) => r[r.length - 1]);
  const kept: number[][] = [];
  while (tscore.length > 0 && kept.length <= topK) {
    const best = argmax(tscore);
    const s = tstart[best];
    const e = tend[best];
    const threshold = lowThreshold + (highThreshold - lowThreshold) * (e - s);
    for (let i = 0; i < tscore.length; i++) {
      if (i === best) continue;
      const iou = temporalIou(s, e, tstart[i], tend[i]);
      if (iou > threshold) tscore[i] *= Math.exp(-(iou * iou) / alpha);
    }
    kept.push([s, e, tscore[best]]);
    tstart.splice(best, 1);
    tend.splice(best, 1);
    tscore.splice(best, 1);
  }
  return kept;
}

/** What post-processing reads of a video's meta (MMAction2's `video_meta` entries). */
export interface ProposalVideoInfo {
  duration_frame: number;
  duration_second: number;
}

export interface Proposal {
  score: number;
  /** [start, end] in seconds. */
  segment: [number, number];
}

export interface PostProcessingOptions {
  soft_nms_alpha: number;
  soft_nms_low_threshold: number;
  soft_nms_high_threshold: number;
  post_process_top_k: number;
  feature_extraction_interval: number;
}

/** Python's `a // b` for numbers. */
function floorDiv(a: number, b: number): number {
  return Math.floor(a / b);
}

/**
 * `post_processing`: soft-NMS (when there is more than one proposal), sort by score, keep the
 * top k, and scale the normalised [tmin, tmax] (clipped to [0, 1]) to seconds of the part of the
 * video the features cover (`duration_frame // interval * interval` frames).
 */
export function postProcessing(result: readonly (readonly number[])[], videoInfo: ProposalVideoInfo, o: PostProcessingOptions): Proposal[] {
  for (const k of ['duration_frame', 'duration_second'] as const) {
    if (typeof videoInfo[k] !== 'number' || !Number.isFinite(videoInfo[k])) {
      throw new TypeError(`post_processing: video_meta.${k} must be a number, got ${JSON.stringify(videoInfo[k])}`);
    }
  }
  let rows = result.length > 1
    ? softNms(result, o.soft_nms_alpha, o.soft_nms_low_threshold, o.soft_nms_high_threshold, o.post_process_top_k)
    : result.map((r) => [...r]);
  rows = sortByScoreDesc(rows);
  const interval = o.feature_extraction_interval;
  const frames = videoInfo.duration_frame;
  const videoDuration = (floorDiv(frames, interval) * interval) / frames * videoInfo.duration_second;
  const out: Proposal[] = [];
  for (let j = 0; j < Math.min(o.post_process_top_k, rows.length); j++) {
    const r = rows[j];
    out.push({ score: r[r.length - 1], segment: [Math.max(0, r[0]) * videoDuration, Math.min(1, r[1]) * videoDuration] });
  }
  return out;
}
