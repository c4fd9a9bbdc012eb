/**
 * Score fusion of MMAction2's tools/analysis/report_accuracy.py: the class scores of several
 * models (e.g. RGB and optical-flow TSN) on the same test list, each optionally softmaxed per
 * sample (scipy.special.softmax of each row), weighted by a coefficient and summed
 * (get_weighted_score), then Mean Class Accuracy and Top-k accuracy against the labels of the
 * data list (the last field of each line).
 */
import { readFileSync } from 'node:fs';
import { getWeightedScore, meanClassAccuracy, softmax, topKAccuracy } from '../evaluation/accuracy.ts';
import { loadScoreFile, type ScoreRow } from './score_files.ts';

export interface ReportAccuracyOptions {
  scores: readonly string[];
  /** One per score file; default 1 for each. */
  coefficients?: readonly number[] | null;
  datalist: string;
  applySoftmax?: boolean;
  /** Default [1, 5] (the two MMAction2 prints). */
  topk?: readonly number[];
}

export interface AccuracyReport {
  meanClassAccuracy: number;
  topk: Array<{ k: number; accuracy: number }>;
  numSamples: number;
}

/** Labels of a test list: the last whitespace-separated field of each non-blank line, an integer. */
export function readDatalistLabels(path: string): number[] {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new Error(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message} (--datalist is the test annotation list the scores were computed on)`);
  }
  const labels: number[] = [];
  text.split('\n').forEach((line, i) => {
    const fields = line.trim().split(/\s+/);
    if (fields[0] === '') return;
    const last = fields[fields.length - 1];
    if (!/^[+-]?\d+$/.test(last)) throw new Error(`${path}:${i + 1}: the last field '${last}' is not an integer class label`);
    labels.push(Number(last));
  });
  if (labels.length === 0) throw new Error(`${path}: no lines with labels`);
  return labels;
}

export async function reportAccuracy(o: ReportAccuracyOptions): Promise<AccuracyReport> {
  if (o.scores.length === 0) throw new Error('--scores: give at least one score file');
  const coefficients = o.coefficients ?? o.scores.map(() => 1);
  if (coefficients.length !== o.scores.length) {
    throw new Error(`--coefficients: ${coefficients.length} given for ${o.scores.length} score files (one coefficient per file)`);
  }
  const topk = o.topk ?? [1, 5];
  let scoreList: ScoreRow[][] = [];
  for (const f of o.scores) scoreList.push(await loadScoreFile(f));
  const n = scoreList[0].length;
  const c = scoreList[0][0].length;
  scoreList.forEach((s, i) => {
    if (s.length !== n) throw new Error(`${o.scores[i]} has ${s.length} samples but ${o.scores[0]} has ${n}: score files must come from the same test list`);
    if (s[0].length !== c) throw new Error(`${o.scores[i]} scores ${s[0].length} classes but ${o.scores[0]} scores ${c}`);
  });
  if (o.applySoftmax) scoreList = scoreList.map((s) => softmax(s, 1));
  const labels = readDatalistLabels(o.datalist);
  if (labels.length !== n) throw new Error(`${o.datalist} has ${labels.length} labelled lines but the score files have ${n} samples: pass the list the scores were computed on`);
  labels.forEach((l, i) => {
    if (l < 0 || l >= c) throw new Error(`${o.datalist}: label ${l} of sample ${i} is outside the ${c} scored classes`);
  });
  for (const k of topk) if (!Number.isInteger(k) || k < 1) throw new Error(`--top-k: positive integers expected, got ${k}`);
  const fused = getWeightedScore(scoreList, coefficients);
  const accs = topKAccuracy(fused, labels, topk);
  return { meanClassAccuracy: meanClassAccuracy(fused, labels), topk: topk.map((k, i) => ({ k, accuracy: accs[i] })), numSamples: n };
}
