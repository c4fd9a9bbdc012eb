/**
 * Multi-label metrics of MMAction2 0.24 (mmaction/core/evaluation/accuracy.py):
 * binary_precision_recall_curve, mean_average_precision (per class, classes without positives
 * dropped), mmit_mean_average_precision (per sample, Multi-Moments in Time style).
 * AP is `-sum(diff(recall) * precision[:-1])` over the step curve, summed like numpy.
 */
import { argsortStable, mean, sum } from './numpy_compat.ts';
import type { ScoreRows } from './accuracy.ts';

export interface PrecisionRecallCurve {
  /** Precision at each threshold, recall decreasing, then a final 1. */
  precision: number[];
  /** Recall at each threshold (decreasing), then a final 0. NaN when there is no positive. */
  recall: number[];
  /** The distinct score values used as thresholds, decreasing. */
  thresholds: number[];
}

/**
 * `binary_precision_recall_curve(y_score, y_true)`: precision/recall at every distinct score
 * (descending, stable order for ties), stopping at full recall. `y_true` is compared `== 1`.
 */
export function binaryPrecisionRecallCurve(yScore: ArrayLike<number>, yTrue: ArrayLike<number | boolean>): PrecisionRecallCurve {
  const n = yScore.length;
  if (yTrue.length !== n) throw new Error(`binary_precision_recall_curve: ${n} scores but ${yTrue.length} ground-truth values (shapes must match)`);
  if (n === 0) throw new Error('binary_precision_recall_curve: empty input');
  const asc = argsortStable(yScore);
  const score = new Float64Array(n);
  const truth = new Uint8Array(n);
  for (let i = 0; i < n; i++) {
    const j = asc[n - 1 - i];
    score[i] = yScore[j];
    truth[i] = Number(yTrue[j]) === 1 ? 1 : 0;
  }
  // thresholds where the (descending) score changes, plus the last index
  const thresholdInds: number[] = [];
  for (let i = 0; i + 1 < n; i++) if (score[i + 1] - score[i] !== 0) thresholdInds.push(i);
  thresholdInds.push(n - 1);
  const cum = new Float64Array(n);
  let acc = 0;
  for (let i = 0; i < n; i++) cum[i] = acc += truth[i];
  const tps = thresholdInds.map((i) => cum[i]);
  const fps = thresholdInds.map((i, t) => 1 + i - tps[t]);
  const total = tps[tps.length - 1];
  const precision = tps.map((tp, t) => { const p = tp / (tp + fps[t]); return Number.isNaN(p) ? 0 : p; });
  const recall = tps.map((tp) => tp / total);
  // stop when full recall is attained (first index with tps == tps[-1]) and reverse
  let lastInd = 0;
  while (tps[lastInd] < total) lastInd++;
  const out: PrecisionRecallCurve = { precision: [], recall: [], thresholds: [] };
  for (let i = lastInd; i >= 0; i--) {
    out.precision.push(precision[i]);
    out.recall.push(recall[i]);
    out.thresholds.push(score[thresholdInds[i]]);
  }
  out.precision.push(1);
  out.recall.push(0);
  return out;
}

/** AP of one score vector against its binary ground truth; NaN without positives. */
export function averagePrecision(yScore: ArrayLike<number>, yTrue: ArrayLike<number | boolean>): number {
  const { precision, recall } = binaryPrecisionRecallCurve(yScore, yTrue);
  const terms = new Float64Array(recall.length - 1);
  for (let i = 0; i < terms.length; i++) terms[i] = (recall[i + 1] - recall[i]) * precision[i];
  return -sum(terms);
}

function checkMultiLabel(scores: ScoreRows, labels: ScoreRows, what: string): number {
  if (scores.length === 0) throw new Error(`${what}: no samples`);
  if (labels.length !== scores.length) throw new Error(`${what}: ${scores.length} score rows but ${labels.length} label rows`);
  const c = scores[0].length;
  for (let i = 0; i < scores.length; i++) {
    if (scores[i].length !== c) throw new Error(`${what}: scores[${i}] has ${scores[i].length} classes, scores[0] has ${c}`);
    if (labels[i].length !== c) {
      throw new Error(`${what}: labels[${i}] has ${labels[i].length} entries for ${c} classes (labels must be many-hot rows; see labelToArray)`);
    }
  }
  return c;
}

/** Per-class AP (`NaN` for a class without positives), the terms of {@link meanAveragePrecision}. */
export function perClassAveragePrecision(scores: ScoreRows, labels: ScoreRows): number[] {
  const c = checkMultiLabel(scores, labels, 'mean_average_precision');
  const n = scores.length;
  const out: number[] = [];
  for (let j = 0; j < c; j++) {
    const s = new Float64Array(n);
    const t = new Float64Array(n);
    for (let i = 0; i < n; i++) { s[i] = scores[i][j]; t[i] = labels[i][j]; }
    out.push(averagePrecision(s, t));
  }
  return out;
}

/**
 * `mean_average_precision(scores, labels)`: mean of per-class AP over the classes that have a
 * positive (NaN APs are dropped); NaN if no class has one. `labels` are many-hot rows.
 */
export function meanAveragePrecision(scores: ScoreRows, labels: ScoreRows): number {
  const aps = perClassAveragePrecision(scores, labels).filter((x) => !Number.isNaN(x));
  return aps.length === 0 ? NaN : mean(aps);
}

/** Per-sample AP, the terms of {@link mmitMeanAveragePrecision}. */
export function perSampleAveragePrecision(scores: ScoreRows, labels: ScoreRows): number[] {
  checkMultiLabel(scores, labels, 'mmit_mean_average_precision');
  return Array.from({ length: scores.length }, (_, i) => averagePrecision(scores[i], labels[i]));
}

/**
 * `mmit_mean_average_precision(scores, labels)`: AP per sample, averaged over samples (MMIT
 * style). As in MMAction2, a sample without any positive makes the result NaN.
 */
export function mmitMeanAveragePrecision(scores: ScoreRows, labels: ScoreRows): number {
  return mean(perSampleAveragePrecision(scores, labels));
}

/** MMAction2's `BaseDataset.label2array(num, label)`: a many-hot float32 row from class indices. */
export function labelToArray(numClasses: number, label: number | readonly number[]): Float32Array {
  const arr = new Float32Array(numClasses);
  for (const l of typeof label === 'number' ? [label] : label) {
    if (!Number.isInteger(l) || l < -numClasses || l >= numClasses) {
      throw new Error(`label ${l} is out of range for ${numClasses} classes (labels are class indices 0..${numClasses - 1})`);
    }
    arr[l < 0 ? l + numClasses : l] = 1;
  }
  return arr;
}
