/**
 * Temporal-localization metrics of MMAction2 0.24 (mmaction/core/evaluation/accuracy.py):
 * pairwise_temporal_iou, average_recall_at_avg_proposals (AR@AN, ActivityNetDataset.evaluate),
 * interpolated_precision_recall, average_precision_at_temporal_iou, and eval_ap
 * (mmaction/localization/ssn_utils.py, SSNDataset.evaluate's mAP@IoU).
 *
 * Precision follows MMAction2 on numpy 1.24 (its reference environment): temporal IoU is stored
 * as float32. AR@AN casts segments to float32 before computing it and compares the float32 IoU
 * matrix with each threshold as an array-scalar comparison, which numpy 1.24's value-based
 * casting performs in float32 (an IoU of exactly 0.7 reaches 0.7). AP at temporal IoU computes
 * the IoU in float64 and compares one float32 element at a time with the float64 threshold, a
 * scalar-scalar comparison done in float64: an IoU of exactly 0.65, 0.7, 0.9 or 0.95 does not
 * reach that threshold there (float32(0.7) < 0.7) while 0.5, 0.6 and 0.75 do.
 * (numpy >= 2 compares in float64 in both places; `thresholdPrecision` reproduces that for AR@AN.)
 */
import { argsort, linspace, sum } from './numpy_compat.ts';

const f32 = Math.fround;

/** `np.linspace(0.5, 0.95, 10)`, MMAction2's default temporal IoU thresholds. */
export const DEFAULT_TEMPORAL_IOU_THRESHOLDS: readonly number[] = Object.freeze(linspace(0.5, 0.95, 10));

/** A segment `[t_start, t_end]` (extra columns, e.g. a score, are ignored). */
export type Segment = ArrayLike<number>;

export interface PairwiseTemporalIouOptions {
  /** Also return intersection / candidate length. Default false. */
  calculateOverlapSelf?: boolean;
  /**
   * Arithmetic precision: 'float64' (numpy on float64 arrays, MMAction2's AP at temporal IoU) or
   * 'float32' (segments rounded to float32 and every step in float32, as AR@AN does after its
   * `astype(np.float32)`). The result is float32 either way. Default 'float64'.
   */
  precision?: 'float32' | 'float64';
}

export interface TemporalIou {
  /** `[n_target][m_candidate]` float32 values (`[n_target]` for a single candidate). */
  tIou: number[][];
  tOverlapSelf?: number[][];
}

function iouColumn(c0: number, c1: number, target: readonly Segment[], single: boolean,
  withSelf: boolean, tIou: number[], tSelf: number[]): void {
  const r: (v: number) => number = single ? f32 : (v) => v;
  for (let k = 0; k < target.length; k++) {
    const t0 = r(target[k][0]);
    const t1 = r(target[k][1]);
    const tt1 = Math.max(c0, t0);
    const tt2 = Math.min(c1, t1);
    const d = r(tt2 - tt1);
    const inter = d < 0 ? 0 : d; // .clip(0): NaN stays NaN
    const union = r(r(r(t1 - t0) + r(c1 - c0)) - inter);
    tIou[k] = f32(inter / union);
    if (withSelf) tSelf[k] = f32(inter / r(c1 - c0));
  }
}

/**
 * `pairwise_temporal_iou(candidate_segments, target_segments, calculate_overlap_self)`:
 * IoU of every target with every candidate, shape `[n_target][m_candidate]`, float32 values.
 */
export function pairwiseTemporalIou(candidates: readonly Segment[], targets: readonly Segment[],
  options: PairwiseTemporalIouOptions = {}): TemporalIou {
  const { calculateOverlapSelf = false, precision = 'float64' } = options;
  const single = precision === 'float32';
  const r: (v: number) => number = single ? f32 : (v) => v;
  targets.forEach((t, i) => { if (t.length < 2) throw new Error(`target_segments[${i}]: expected [start, end], got ${t.length} values`); });
  const n = targets.length;
  const m = candidates.length;
  const tIou = Array.from({ length: n }, () => new Array<number>(m));
  const tSelf = Array.from({ length: n }, () => new Array<number>(m));
  const colIou = new Array<number>(n);
  const colSelf = new Array<number>(n);
  for (let i = 0; i < m; i++) {
    const c = candidates[i];
    if (c.length < 2) throw new Error(`candidate_segments[${i}]: expected [start, end], got ${c.length} values`);
    iouColumn(r(c[0]), r(c[1]), targets, single, calculateOverlapSelf, colIou, colSelf);
    for (let k = 0; k < n; k++) { tIou[k][i] = colIou[k]; tSelf[k][i] = colSelf[k]; }
  }
  return calculateOverlapSelf ? { tIou, tOverlapSelf: tSelf } : { tIou };
}

/** `pairwise_temporal_iou` with a 1-D candidate: `[n_target]` IoUs (and overlap_self). */
export function temporalIouOfSegment(candidate: Segment, targets: readonly Segment[],
  options: PairwiseTemporalIouOptions = {}): { tIou: number[]; tOverlapSelf?: number[] } {
  const res = pairwiseTemporalIou([candidate], targets, options);
  const col = (rows: number[][]) => rows.map((row) => row[0]);
  return res.tOverlapSelf ? { tIou: col(res.tIou), tOverlapSelf: col(res.tOverlapSelf) } : { tIou: col(res.tIou) };
}

export interface AverageRecallResult {
  /** `recall[i][j]`: recall at the i-th IoU threshold with the j-th percentile (1..100) of proposals. */
  recall: number[][];
  /** Recall averaged over the thresholds, per percentile. */
  avgRecall: number[];
  /** Average number of proposals per video at each percentile. */
  proposalsPerVideo: number[];
  /** Area under the AR@AN curve, in percent. */
  auc: number;
}

export interface AverageRecallOptions {
  /**
   * Precision of the IoU-vs-threshold comparison. 'float32' (default) is MMAction2 0.24 on
   * numpy 1.24 (an IoU of exactly float32(0.7) reaches 0.7); 'float64' is what the same code
   * does on numpy >= 2 (NEP 50), where float32(0.7) < 0.7 fails.
   */
  thresholdPrecision?: 'float32' | 'float64';
}

/**
 * `average_recall_at_avg_proposals(ground_truth, proposals, total_num_proposals,
 * max_avg_proposals=None, temporal_iou_thresholds=np.linspace(0.5, 0.95, 10))`.
 * `groundTruth[video]` = `[[start, end], ...]`, `proposals[video]` = `[[start, end, score], ...]`
 * (an empty list for a video without proposals); videos are taken in groundTruth's key order.
 */
export function averageRecallAtAvgProposals(
  groundTruth: Readonly<Record<string, readonly Segment[]>>,
  proposals: Readonly<Record<string, readonly Segment[]>>,
  totalNumProposals: number,
  maxAvgProposals: number | null = null,
  temporalIouThresholds: readonly number[] = DEFAULT_TEMPORAL_IOU_THRESHOLDS,
  options: AverageRecallOptions = {},
): AverageRecallResult {
  const { thresholdPrecision = 'float32' } = options;
  const videos = Object.keys(groundTruth);
  const totalNumVideos = videos.length;
  if (totalNumVideos === 0) throw new Error('average_recall_at_avg_proposals: ground truth has no videos');
  if (!(totalNumProposals > 0)) throw new Error(`average_recall_at_avg_proposals: total_num_proposals must be > 0, got ${totalNumProposals}`);
  if (!maxAvgProposals) maxAvgProposals = totalNumProposals / totalNumVideos;
  const ratio = (maxAvgProposals * totalNumVideos) / totalNumProposals;

  // per video: float32 IoU matrix [n_gt][n_retrieved]
  const scoreList: { rows: number; cols: number; iou: number[][]; empty: boolean }[] = [];
  let totalNumRetrieved = 0;
  for (const video of videos) {
    const props = proposals[video];
    if (props === undefined) {
      throw new Error(`average_recall_at_avg_proposals: no proposals entry for video '${video}' (give an empty list for a video without proposals)`);
    }
    const gt = groundTruth[video];
    props.forEach((p, i) => { if (p.length < 3) throw new Error(`proposals['${video}'][${i}]: expected [start, end, score], got ${p.length} values`); });
    if (props.length === 0) {
      scoreList.push({ rows: gt.length, cols: 1, iou: gt.map(() => [0]), empty: true });
      continue;
    }
    const order = argsort(props.map((p) => p[2])).reverse();
    const numRetrieved = Math.min(Math.trunc(props.length * ratio), props.length);
    totalNumRetrieved += numRetrieved;
    const retrieved = Array.from(order.subarray(0, numRetrieved), (i) => props[i]);
    const { tIou } = pairwiseTemporalIou(retrieved, gt, { precision: 'float32' });
    scoreList.push({ rows: gt.length, cols: numRetrieved, iou: tIou, empty: false });
  }
  if (totalNumRetrieved === 0) {
    throw new Error('average_recall_at_avg_proposals: no proposal is retrieved (max_avg_proposals too small for the proposals given)');
  }

  const scale = (maxAvgProposals * totalNumVideos) / totalNumRetrieved;
  const pcnList = Array.from({ length: 100 }, (_, i) => ((i + 1) / 100.0) * scale);
  const positives = scoreList.reduce((a, s) => a + s.rows, 0);
  const recall = temporalIouThresholds.map((thr) => {
    const matches = new Array<number>(100).fill(0);
    for (const s of scoreList) {
      // `score >= temporal_iou`: numpy 1.24 casts the threshold to the float32 IoU's dtype; the
      // float64 zeros of a video without proposals compare in float64
      const t = thresholdPrecision === 'float32' && !s.empty ? f32(thr) : thr;
      // for each gt: the first (score-ordered) proposal reaching the threshold, or none
      const firstHit = s.iou.map((row) => { for (let j = 0; j < s.cols; j++) if (row[j] >= t) return j; return Infinity; });
      for (let j = 0; j < 100; j++) {
        const num = Math.min(Math.trunc(s.cols * pcnList[j]), s.cols);
        for (const h of firstHit) if (h < num) matches[j]++;
      }
    }
    return matches.map((x) => x / positives);
  });

  // recall.mean(axis=0): numpy adds the rows one after another
  const avgRecall = pcnList.map((_, j) => {
    let acc = 0;
    for (const row of recall) acc += row[j];
    return acc / recall.length;
  });
  const proposalsPerVideo = pcnList.map((p) => p * (totalNumRetrieved / totalNumVideos));
  const auc = (100 * trapz(avgRecall, proposalsPerVideo)) / proposalsPerVideo[proposalsPerVideo.length - 1];
  return { recall, avgRecall, proposalsPerVideo, auc };
}

/** `np.trapz(y, x)`: pairwise sum of `diff(x) * (y[1:] + y[:-1]) / 2.0`. */
export function trapz(y: ArrayLike<number>, x: ArrayLike<number>): number {
  const terms = new Float64Array(Math.max(0, y.length - 1));
  for (let i = 0; i < terms.length; i++) terms[i] = ((x[i + 1] - x[i]) * (y[i + 1] + y[i])) / 2.0;
  return sum(terms);
}

/**
 * `interpolated_precision_recall(precision, recall)`: VOC 2011 interpolated AP (precision made
 * monotone from the right, summed over the recall steps).
 */
export function interpolatedPrecisionRecall(precision: ArrayLike<number>, recall: ArrayLike<number>): number {
  const mp = [0, ...Array.from(precision), 0];
  const mr = [0, ...Array.from(recall), 1];
  // Python's max(a, b): b only if b > a (keeps a NaN on the left)
  for (let i = mp.length - 2; i >= 0; i--) if (mp[i + 1] > mp[i]) mp[i] = mp[i + 1];
  const terms: number[] = [];
  for (let i = 1; i < mr.length; i++) if (mr[i] !== mr[i - 1]) terms.push((mr[i] - mr[i - 1]) * mp[i]);
  return sum(terms);
}

/** One prediction row `[video_id, class_id, t_start, t_end, score]` (MMAction2's order). */
export type TemporalPrediction = readonly [string, number | string, number | string, number | string, number | string];

/**
 * `average_precision_at_temporal_iou(ground_truth, prediction, temporal_iou_thresholds)`:
 * detection AP of one class at each IoU threshold, float32 values. Predictions are ranked by
 * numpy's `argsort(scores)[::-1]`; each matches the highest-IoU unmatched ground truth of its
 * video; predictions for videos without ground truth are false positives.
 */
export function averagePrecisionAtTemporalIou(
  groundTruth: Readonly<Record<string, readonly Segment[]>>,
  prediction: readonly TemporalPrediction[],
  temporalIouThresholds: readonly number[] = DEFAULT_TEMPORAL_IOU_THRESHOLDS,
): number[] {
  const nt = temporalIouThresholds.length;
  const ap = new Array<number>(nt).fill(0);
  if (prediction.length < 1) return ap;

  let numGts = 0;
  const lockGt = new Map<string, Int32Array[]>();
  for (const key of Object.keys(groundTruth)) {
    lockGt.set(key, Array.from({ length: nt }, () => new Int32Array(groundTruth[key].length).fill(-1)));
    numGts += groundTruth[key].length;
  }
  // MMAction2 turns the rows into a numpy string array and parses the numbers back with float()
  const rows = prediction.map((p, i) => {
    if (p.length < 5) throw new Error(`prediction[${i}]: expected [video_id, class_id, t_start, t_end, score], got ${p.length} values`);
    const num = (v: number | string, what: string) => {
      const x = typeof v === 'number' ? v : Number(v);
      if (typeof v === 'string' && (v.trim() === '' || Number.isNaN(x) && v.trim().toLowerCase() !== 'nan')) {
        throw new Error(`prediction[${i}] ${what}: '${v}' is not a number`);
      }
      return x;
    };
    return { video: String(p[0]), start: num(p[2], 't_start'), end: num(p[3], 't_end'), score: num(p[4], 'score') };
  });
  const order = argsort(rows.map((r) => r.score)).reverse();
  const np = rows.length;
  const tp = Array.from({ length: nt }, () => new Uint8Array(np));
  const fp = Array.from({ length: nt }, () => new Uint8Array(np));
  for (let idx = 0; idx < np; idx++) {
    const pred = rows[order[idx]];
    const gts = groundTruth[pred.video];
    if (!Object.hasOwn(groundTruth, pred.video) || gts.length === 0) {
      for (let t = 0; t < nt; t++) fp[t][idx] = 1;
      continue;
    }
    const locks = lockGt.get(pred.video)!;
    const { tIou } = temporalIouOfSegment([pred.start, pred.end], gts);
    const sorted = Array.from(argsort(tIou)).reverse();
    temporalIouThresholds.forEach((thr, t) => {
      for (const j of sorted) {
        if (tIou[j] < thr) { fp[t][idx] = 1; break; }
        if (locks[t][j] >= 0) continue;
        tp[t][idx] = 1;
        locks[t][j] = idx;
        break;
      }
      if (fp[t][idx] === 0 && tp[t][idx] === 0) fp[t][idx] = 1;
    });
  }
  // cumulative counts as float32, recall and precision computed in float32 like numpy
  const nGt32 = f32(numGts);
  for (let t = 0; t < nt; t++) {
    const precision = new Array<number>(np);
    const recall = new Array<number>(np);
    let tpc = 0;
    let fpc = 0;
    for (let i = 0; i < np; i++) {
      tpc += tp[t][i];
      fpc += fp[t][i];
      recall[i] = f32(f32(tpc) / nGt32);
      precision[i] = f32(f32(tpc) / f32(f32(tpc) + f32(fpc)));
    }
    ap[t] = f32(interpolatedPrecisionRecall(precision, recall));
  }
  return ap;
}

/**
 * `eval_ap(detections, gt_by_cls, iou_range)` (mmaction/localization/ssn_utils.py): AP of each
 * class at each IoU, `[num_classes][num_ious]`; `detections[c]` are class c's prediction rows and
 * `gtByClass[c]` its ground truth by video (missing classes have none).
 */
export function evalAp(
  detections: readonly (readonly TemporalPrediction[])[],
  gtByClass: Readonly<Record<number, Readonly<Record<string, readonly Segment[]>>>> | readonly Readonly<Record<string, readonly Segment[]>>[],
  iouRange: readonly number[],
): number[][] {
  return detections.map((dets, c) => {
    const gt = (gtByClass as Record<number, Record<string, readonly Segment[]>>)[c] ?? {};
    return iouRange.map((iou) => averagePrecisionAtTemporalIou(gt, dets, [iou])[0]);
  });
}
