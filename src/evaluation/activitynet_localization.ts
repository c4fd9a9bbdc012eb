/**
 * ActivityNet temporal-detection mAP, MMAction2 0.24's `ActivityNetLocalization` and
 * `compute_average_precision_detection` (mmaction/core/evaluation/eval_detection.py).
 * Unlike {@link averagePrecisionAtTemporalIou}, predictions are ranked with Python's stable sort
 * on `-score` and the arithmetic after IoU is float64.
 */
import { readFileSync } from 'node:fs';
import { argsort, mean } from './numpy_compat.ts';
import { DEFAULT_TEMPORAL_IOU_THRESHOLDS, interpolatedPrecisionRecall, temporalIouOfSegment } from './temporal.ts';

export interface DetectionGroundTruth { 'video-id': string; 't-start': number; 't-end': number; label: number }
export interface DetectionPrediction { 'video-id': string; 't-start': number; 't-end': number; label: number; score: number }

/**
 * `compute_average_precision_detection(ground_truth, prediction, tiou_thresholds)`: AP of one
 * class at each threshold (float64). Each prediction, best score first, matches the unmatched
 * ground truth of its video with the highest IoU, if that IoU reaches the threshold.
 */
export function computeAveragePrecisionDetection(
  groundTruth: readonly Pick<DetectionGroundTruth, 'video-id' | 't-start' | 't-end'>[],
  prediction: readonly Pick<DetectionPrediction, 'video-id' | 't-start' | 't-end' | 'score'>[],
  tiouThresholds: readonly number[] = DEFAULT_TEMPORAL_IOU_THRESHOLDS,
): number[] {
  const nt = tiouThresholds.length;
  const ap = new Array<number>(nt).fill(0);
  if (prediction.length === 0) return ap;
  const numPositive = groundTruth.length;
  const lockGt = Array.from({ length: nt }, () => new Int32Array(groundTruth.length).fill(-1));
  // Python's list.sort(key=lambda x: -x['score']) is stable
  const preds = prediction.map((p, i) => ({ p, i })).sort((a, b) => -a.p.score - -b.p.score || a.i - b.i).map((x) => x.p);
  const byVideo = new Map<string, { seg: [number, number]; index: number }[]>();
  groundTruth.forEach((g, index) => {
    const list = byVideo.get(g['video-id']) ?? [];
    list.push({ seg: [g['t-start'], g['t-end']], index });
    byVideo.set(g['video-id'], list);
  });
  const np = preds.length;
  const tp = Array.from({ length: nt }, () => new Float64Array(np));
  const fp = Array.from({ length: nt }, () => new Float64Array(np));
  preds.forEach((pred, idx) => {
    const gts = byVideo.get(pred['video-id']);
    if (gts === undefined) {
      for (let t = 0; t < nt; t++) fp[t][idx] = 1;
      return;
    }
    const { tIou } = temporalIouOfSegment([pred['t-start'], pred['t-end']], gts.map((g) => g.seg));
    const sorted = Array.from(argsort(tIou)).reverse();
    tiouThresholds.forEach((thr, t) => {
      for (const j of sorted) {
        if (tIou[j] < thr) { fp[t][idx] = 1; break; }
        if (lockGt[t][gts[j].index] >= 0) continue;
        tp[t][idx] = 1;
        lockGt[t][gts[j].index] = idx;
        break;
      }
      if (fp[t][idx] === 0 && tp[t][idx] === 0) fp[t][idx] = 1;
    });
  });
  for (let t = 0; t < nt; t++) {
    const precision = new Array<number>(np);
    const recall = new Array<number>(np);
    let tpc = 0;
    let fpc = 0;
    for (let i = 0; i < np; i++) {
      tpc += tp[t][i];
      fpc += fp[t][i];
      recall[i] = tpc / numPositive;
      precision[i] = tpc / (tpc + fpc);
    }
    ap[t] = interpolatedPrecisionRecall(precision, recall);
  }
  return ap;
}

/** ActivityNet ground-truth JSON: `{ "v_<id>": { annotations: [{ segment: [s, e], label }] } }`. */
export type ActivityNetGroundTruthJson = Record<string, { annotations: { segment: readonly number[]; label: string }[] }>;
/** Detection results JSON: `{ results: { "<id>": [{ segment: [s, e], label, score }] } }`. */
export interface ActivityNetPredictionJson { results: Record<string, { segment: readonly number[]; label: string; score: number }[]> }

export interface ActivityNetLocalizationOptions {
  /** MMAction2's `tiou_thresholds`. Default `np.linspace(0.5, 0.95, 10)`. */
  tiou_thresholds?: readonly number[];
}

/**
 * MMAction2's `ActivityNetLocalization`: per-class detection AP over IoU thresholds, `mAP` per
 * threshold (mean over classes) and `average_mAP`. Ground-truth video ids lose their `v_` prefix
 * (`video_id[2:]`), prediction ids are used as they are; class indices follow the order in which
 * labels first appear in the ground truth.
 */
export class ActivityNetLocalization {
  readonly tiouThresholds: readonly number[];
  readonly groundTruth: DetectionGroundTruth[];
  readonly activityIndex: Map<string, number>;
  readonly prediction: DetectionPrediction[];
  /** `[num_thresholds][num_classes]` after {@link evaluate}. */
  ap: number[][] | null = null;
  mAP: number[] | null = null;
  averageMAP: number | null = null;

  constructor(groundTruth: ActivityNetGroundTruthJson, prediction: ActivityNetPredictionJson, options: ActivityNetLocalizationOptions = {}) {
    this.tiouThresholds = options.tiou_thresholds ?? DEFAULT_TEMPORAL_IOU_THRESHOLDS;
    this.activityIndex = new Map();
    this.groundTruth = [];
    for (const [videoId, info] of Object.entries(groundTruth)) {
      if (!Array.isArray(info?.annotations)) throw new Error(`ground truth '${videoId}': missing 'annotations' list`);
      for (const anno of info.annotations) {
        if (anno?.segment?.length !== 2) throw new Error(`ground truth '${videoId}': every annotation needs a segment [start, end]`);
        if (!this.activityIndex.has(anno.label)) this.activityIndex.set(anno.label, this.activityIndex.size);
        this.groundTruth.push({
          'video-id': videoId.slice(2), 't-start': Number(anno.segment[0]), 't-end': Number(anno.segment[1]),
          label: this.activityIndex.get(anno.label)!,
        });
      }
    }
    if (prediction?.results === undefined) throw new Error("prediction: missing 'results' (expected {results: {video: [{segment, label, score}]}})");
    this.prediction = [];
    for (const [videoId, list] of Object.entries(prediction.results)) {
      for (const r of list) {
        if (r?.segment?.length !== 2) throw new Error(`prediction for video '${videoId}': every result needs a segment [start, end]`);
        const label = this.activityIndex.get(r.label);
        if (label === undefined) throw new Error(`prediction for video '${videoId}': label '${r.label}' does not occur in the ground truth`);
        this.prediction.push({ 'video-id': videoId, label, 't-start': Number(r.segment[0]), 't-end': Number(r.segment[1]), score: r.score });
      }
    }
  }

  /** MMAction2's `ActivityNetLocalization(ground_truth_filename, prediction_filename, ...)`. */
  static fromFiles(groundTruthFile: string, predictionFile: string, options: ActivityNetLocalizationOptions = {}): ActivityNetLocalization {
    const read = (file: string, what: string) => {
      try {
        return JSON.parse(readFileSync(file, 'utf8'));
      } catch (e) {
        throw new Error(`${what} ${file}: ${(e as Error).message}`);
      }
    };
    return new ActivityNetLocalization(read(groundTruthFile, 'ground truth file'), read(predictionFile, 'prediction file'), options);
  }

  /** AP `[num_thresholds][num_classes]` (`wrapper_compute_average_precision`). */
  computeAveragePrecision(): number[][] {
    const numClasses = this.activityIndex.size;
    const ap = this.tiouThresholds.map(() => new Array<number>(numClasses).fill(0));
    for (let c = 0; c < numClasses; c++) {
      const res = computeAveragePrecisionDetection(
        this.groundTruth.filter((g) => g.label === c), this.prediction.filter((p) => p.label === c), this.tiouThresholds);
      res.forEach((v, t) => { ap[t][c] = v; });
    }
    return ap;
  }

  /** `evaluate()`: `[mAP per threshold, average mAP]`. */
  evaluate(): [number[], number] {
    this.ap = this.computeAveragePrecision();
    this.mAP = this.ap.map((row) => mean(row));
    this.averageMAP = mean(this.mAP);
    return [this.mAP, this.averageMAP];
  }
}
