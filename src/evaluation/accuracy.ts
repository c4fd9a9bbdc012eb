/**
 * Classification metrics of MMAction2 0.24 (mmaction/core/evaluation/accuracy.py):
 * top_k_accuracy, mean_class_accuracy, top_k_classes, confusion_matrix, softmax,
 * get_weighted_score. Same numbers as MMAction2, including its tie-breaking:
 * `top_k_accuracy` ranks with numpy's (unstable) argsort, so among tied scores the class numpy
 * puts last wins (for rows of <= 16 classes: the higher index); the argmax-based metrics take
 * the lower index.
 */
import { argmax, argsort, mean, pairwiseSumF32, sum } from './numpy_compat.ts';

/** Scores of N samples over C classes: `number[][]`, `Float32Array[]`, ... (MMAction2's list of arrays). */
export type ScoreRows = ArrayLike<ArrayLike<number>>;

export type ConfusionNormalize = 'true' | 'pred' | 'all' | null;

/**
 * Views a flat `[N * C]` score buffer (e.g. a tensor's data) as N rows of C classes without
 * copying (typed arrays) so it can be passed to the metrics.
 */
export function splitRows<T extends Float32Array | Float64Array | number[]>(flat: T, numClasses: number): T[] {
  if (!Number.isInteger(numClasses) || numClasses < 1) throw new Error(`splitRows: numClasses must be a positive integer, got ${numClasses}`);
  if (flat.length % numClasses !== 0) {
    throw new Error(`splitRows: ${flat.length} values are not a whole number of rows of ${numClasses} classes`);
  }
  const n = flat.length / numClasses;
  return Array.from({ length: n }, (_, i) => (Array.isArray(flat)
    ? flat.slice(i * numClasses, (i + 1) * numClasses)
    : (flat as Float32Array | Float64Array).subarray(i * numClasses, (i + 1) * numClasses)) as T);
}

function checkScores(scores: ScoreRows, what = 'scores'): number {
  if (scores.length === 0) throw new Error(`${what}: no samples (expected N >= 1 rows of class scores)`);
  const c = scores[0].length;
  if (c === 0) throw new Error(`${what}[0]: empty score row`);
  for (let i = 1; i < scores.length; i++) {
    if (scores[i].length !== c) {
      throw new Error(`${what}[${i}] has ${scores[i].length} classes, ${what}[0] has ${c}: every sample must score the same classes`);
    }
  }
  return c;
}

function checkLabels(labels: ArrayLike<number>, n: number, what = 'labels'): void {
  if (labels.length !== n) throw new Error(`${what}: ${labels.length} labels for ${n} samples (one ground-truth label per sample expected)`);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i];
    if (!Number.isInteger(l) || l < 0) {
      throw new Error(`${what}[${i}] = ${l}: class labels must be non-negative integers (a multi-label sample needs mean_average_precision)`);
    }
  }
}

function checkK(k: number, what: string): void {
  if (!Number.isInteger(k) || k < 1) throw new Error(`${what}: k must be a positive integer, got ${k}`);
}

/**
 * `top_k_accuracy(scores, labels, topk=(1,))`: fraction of samples whose label is among the k
 * highest scores, for each k. Ranking is numpy's `argsort(scores)[:, -k:]`, ties included.
 */
export function topKAccuracy(scores: ScoreRows, labels: ArrayLike<number>, topk: number | readonly number[] = [1]): number[] {
  const ks = typeof topk === 'number' ? [topk] : topk;
  const n = scores.length;
  const c = checkScores(scores);
  checkLabels(labels, n);
  for (const k of ks) checkK(k, 'top_k_accuracy topk');
  // position of each sample's label in numpy's ascending order; it is in the top k iff pos >= c - k
  const pos = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const order = argsort(scores[i]);
    pos[i] = -1;
    for (let j = 0; j < c; j++) if (order[j] === labels[i]) { pos[i] = j; break; }
  }
  return ks.map((k) => {
    let hits = 0;
    for (let i = 0; i < n; i++) if (pos[i] >= 0 && pos[i] >= c - k) hits++;
    return hits / n;
  });
}

/** `np.unique(concat(y_pred, y_real))`: the labels a confusion matrix covers, ascending. */
export function confusionLabelSet(yPred: ArrayLike<number>, yReal: ArrayLike<number>): number[] {
  const set = new Set<number>();
  for (let i = 0; i < yPred.length; i++) set.add(yPred[i]);
  for (let i = 0; i < yReal.length; i++) set.add(yReal[i]);
  return Array.from(set).sort((a, b) => a - b);
}

/**
 * `confusion_matrix(y_pred, y_real, normalize=None)`: rows are true labels, columns predictions,
 * both over {@link confusionLabelSet} (labels in neither are left out, so row i is the i-th label
 * of that set, not class i). `normalize` divides by row ('true'), column ('pred') or total
 * ('all') sums; 0/0 gives 0 as numpy's `nan_to_num`. Counts without normalization.
 */
export function confusionMatrix(yPred: ArrayLike<number>, yReal: ArrayLike<number>, normalize: ConfusionNormalize = null): number[][] {
  if (!(normalize === null || normalize === 'true' || normalize === 'pred' || normalize === 'all')) {
    throw new Error(`confusion_matrix: normalize must be one of 'true', 'pred', 'all' or null, got ${JSON.stringify(normalize)}`);
  }
  checkLabels(yPred, yPred.length, 'y_pred');
  checkLabels(yReal, yPred.length, 'y_real');
  const labelSet = confusionLabelSet(yPred, yReal);
  const k = labelSet.length;
  const index = new Map<number, number>();
  labelSet.forEach((l, i) => index.set(l, i));
  const mat: number[][] = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < yPred.length; i++) mat[index.get(yReal[i])!][index.get(yPred[i])!]++;
  if (normalize === null) return mat;
  const nanToZero = (x: number): number => (Number.isNaN(x) ? 0 : x);
  if (normalize === 'true') {
    return mat.map((row) => { const s = row.reduce((a, b) => a + b, 0); return row.map((x) => nanToZero(x / s)); });
  }
  if (normalize === 'pred') {
    const colSums = labelSet.map((_, j) => mat.reduce((a, row) => a + row[j], 0));
    return mat.map((row) => row.map((x, j) => nanToZero(x / colSums[j])));
  }
  const total = yPred.length;
  return mat.map((row) => row.map((x) => nanToZero(x / total)));
}

/** Per-label hit ratio over the confusion label set (MMAction2: `hit / cnt if cnt else 0.0`). */
function hitRatios(scores: ScoreRows, labels: ArrayLike<number>): { labelSet: number[]; ratios: number[] } {
  checkScores(scores);
  checkLabels(labels, scores.length);
  const pred = Array.from(scores, (row) => argmax(row));
  const mat = confusionMatrix(pred, labels);
  const ratios = mat.map((row, i) => {
    const cnt = sum(row);
    return cnt ? row[i] / cnt : 0.0;
  });
  return { labelSet: confusionLabelSet(pred, labels), ratios };
}

/**
 * `mean_class_accuracy(scores, labels)`: mean over the confusion label set of per-class
 * accuracy (argmax prediction); a class that is predicted but never a label counts as 0.
 */
export function meanClassAccuracy(scores: ScoreRows, labels: ArrayLike<number>): number {
  return mean(hitRatios(scores, labels).ratios);
}

export interface TopKClassesOptions {
  /** MMAction2's `k`. Default 10. */
  k?: number;
  /** MMAction2's `mode`. Default 'accurate'. */
  mode?: 'accurate' | 'inaccurate';
  /**
   * MMAction2 returns the position of a class in the confusion label set, which equals the class
   * id only when every class up to the largest occurs. `true` returns real class ids instead
   * (the order and ratios are unchanged). Default false (MMAction2's behaviour).
   */
  classIds?: boolean;
}

/**
 * `top_k_classes(scores, labels, k=10, mode='accurate')`: `[class, accuracy]` pairs of the k
 * most (least) accurate classes, ordered as numpy's `argsort(hit_ratio)[-k:][::-1]`
 * (`[:k]` for 'inaccurate').
 */
export function topKClasses(scores: ScoreRows, labels: ArrayLike<number>, options: TopKClassesOptions = {}): Array<[number, number]> {
  const { k = 10, mode = 'accurate', classIds = false } = options;
  if (mode !== 'accurate' && mode !== 'inaccurate') throw new Error(`top_k_classes: mode must be 'accurate' or 'inaccurate', got ${JSON.stringify(mode)}`);
  checkK(k, 'top_k_classes');
  const { labelSet, ratios } = hitRatios(scores, labels);
  const order = Array.from(argsort(ratios));
  const picked = mode === 'accurate' ? order.slice(-k).reverse() : order.slice(0, k);
  return picked.map((i) => [classIds ? labelSet[i] : i, ratios[i]]);
}

/**
 * `softmax(x, dim=1)` over a 2-D array of rows. Float32Array rows are computed in float32 (as
 * numpy does for float32 input) and come back as Float32Array; other rows in float64.
 */
export function softmax(x: ScoreRows, dim: 0 | 1 | -1 | -2 = 1): Array<Float32Array | Float64Array> {
  const c = checkScores(x, 'softmax input');
  const n = x.length;
  const f32 = Array.from({ length: n }, (_, i) => x[i]).every((r) => r instanceof Float32Array);
  const r: (v: number) => number = f32 ? Math.fround : (v) => v;
  const out = Array.from({ length: n }, (_, i) => (f32 ? Float32Array.from(x[i]) : Float64Array.from(x[i])));
  const alongRows = dim === 1 || dim === -1;
  if (alongRows) {
    for (const row of out) {
      let m = row[0];
      for (let j = 0; j < c; j++) { if (row[j] !== row[j]) { m = NaN; break; } if (row[j] > m) m = row[j]; }
      for (let j = 0; j < c; j++) row[j] = r(Math.exp(r(row[j] - m)));
      // numpy reduces the contiguous last axis pairwise (in the array's dtype)
      const s = f32 ? pairwiseSumF32(row) : sum(row);
      for (let j = 0; j < c; j++) row[j] = r(row[j] / s);
    }
  } else {
    for (let j = 0; j < c; j++) {
      let m = out[0][j];
      for (let i = 0; i < n; i++) { const v = out[i][j]; if (v !== v) { m = NaN; break; } if (v > m) m = v; }
      // a reduction over the outer axis adds row after row
      let s = 0;
      for (let i = 0; i < n; i++) { out[i][j] = r(Math.exp(r(out[i][j] - m))); s = r(s + out[i][j]); }
      for (let i = 0; i < n; i++) out[i][j] = r(out[i][j] / s);
    }
  }
  return out;
}


/**
 * `get_weighted_score(score_list, coeff_list)`: sum_i coeff_i * scores_i, per sample and class
 * (MMAction2's report_accuracy.py score fusion). Float64 rows.
 */
export function getWeightedScore(scoreList: readonly ScoreRows[], coeffList: readonly number[]): Float64Array[] {
  if (scoreList.length !== coeffList.length) {
    throw new Error(`get_weighted_score: ${scoreList.length} score lists but ${coeffList.length} coefficients (one coefficient per score list)`);
  }
  if (scoreList.length === 0) throw new Error('get_weighted_score: no score lists given');
  const n = scoreList[0].length;
  const c = checkScores(scoreList[0], 'score_list[0]');
  scoreList.forEach((s, i) => {
    if (s.length !== n) throw new Error(`get_weighted_score: score_list[${i}] has ${s.length} samples, score_list[0] has ${n}`);
    if (checkScores(s, `score_list[${i}]`) !== c) throw new Error(`get_weighted_score: score_list[${i}] has ${s[0].length} classes, score_list[0] has ${c}`);
  });
  return Array.from({ length: n }, (_, i) => {
    const row = new Float64Array(c);
    for (let j = 0; j < c; j++) {
      let acc = 0;
      for (let m = 0; m < scoreList.length; m++) acc += scoreList[m][i][j] * coeffList[m];
      row[j] = acc;
    }
    return row;
  });
}
