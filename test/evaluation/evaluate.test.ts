// Dataset-level evaluation (BaseDataset / ActivityNetDataset / SSNDataset evaluate logic) and
// ActivityNetLocalization, on the MMAction2 fixtures and scripts/fixtures/gen_evaluation_activitynet.py.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  ActivityNetLocalization, RECOGNITION_METRICS, averagePrecisionAtTemporalIou, computeAveragePrecisionDetection,
  evaluateProposals, evaluateRecognition, evaluateTemporalDetection,
} from '../../src/evaluation/index.ts';
import type { TemporalPrediction } from '../../src/evaluation/index.ts';
import { readNpy, rows } from '../helpers/npy.ts';
import { F64, FIXTURES, assertAllRel, assertRel, readJson } from './helpers.ts';

function collect(): { info(m: string): void; lines: string[] } {
  const lines: string[] = [];
  return { lines, info: (m: string) => { lines.push(m); } };
}

describe('evaluateRecognition (BaseDataset.evaluate)', () => {
  const cls = readJson('cls_50x10/results.json');
  const scores = rows(readNpy(join(FIXTURES, 'cls_50x10/scores.npy')));
  const labels = Array.from(readNpy(join(FIXTURES, 'cls_50x10/labels.npy')).data as ArrayLike<number>);

  test('default: top_k_accuracy with topk (1, 5)', () => {
    const log = collect();
    const res = evaluateRecognition(scores, labels, undefined, undefined, log);
    assert.deepEqual(Object.keys(res), ['top1_acc', 'top5_acc']);
    assert.equal(res.top1_acc, cls.top_k_accuracy[cls.top_k.indexOf(1)]);
    assert.equal(res.top5_acc, cls.top_k_accuracy[cls.top_k.indexOf(5)]);
    assert.deepEqual(log.lines, ['Evaluating top_k_accuracy ...', '\ntop1_acc\t0.1800\ntop5_acc\t0.6600']);
  });

  test('metrics in order with their options; mean class accuracy unrounded', () => {
    const log = collect();
    const res = evaluateRecognition(scores, labels, ['mean_class_accuracy', 'top_k_accuracy'],
      { top_k_accuracy: { topk: 3 } }, log);
    assert.deepEqual(Object.keys(res), ['mean_class_accuracy', 'top3_acc']);
    assertRel(res.mean_class_accuracy, cls.mean_class_accuracy, F64, 'mean_class_accuracy');
    assert.equal(res.top3_acc, cls.top_k_accuracy[cls.top_k.indexOf(3)]);
    assert.equal(log.lines[1], '\nmean_acc\t0.1481');
  });

  test('without a logger, lines go to the console with a leading blank line', (t) => {
    const printed: string[] = [];
    t.mock.method(console, 'log', (m: string) => { printed.push(m); });
    evaluateRecognition(scores, labels, 'mean_class_accuracy', {});
    assert.deepEqual(printed, ['\nEvaluating mean_class_accuracy ...', '\nmean_acc\t0.1481']);
  });

  test('multi-label: labels are class-index lists, turned into many-hot rows (label2array)', () => {
    const ml = readJson('ml_60x12/results.json');
    const mlScores = rows(readNpy(join(FIXTURES, 'ml_60x12/scores.npy')));
    const oneHot = rows(readNpy(join(FIXTURES, 'ml_60x12/labels.npy')));
    const indexLists = oneHot.map((r) => Array.from(r).flatMap((v, i) => (v === 1 ? [i] : [])));
    const log = collect();
    const res = evaluateRecognition(mlScores, indexLists, ['mean_average_precision', 'mmit_mean_average_precision'], {}, log);
    assertRel(res.mean_average_precision, ml.mean_average_precision, F64, 'mean_average_precision');
    assertRel(res.mmit_mean_average_precision, ml.mmit_mean_average_precision, F64, 'mmit_mean_average_precision');
    assert.match(log.lines[1], /^\nmean_average_precision\t0\.\d{4}$/);
  });

  test('the metric table holds exactly MMAction2 allowed_metrics', () => {
    assert.deepEqual(Object.keys(RECOGNITION_METRICS).sort(),
      ['mean_average_precision', 'mean_class_accuracy', 'mmit_mean_average_precision', 'top_k_accuracy']);
  });

  test('errors: unknown metric, length mismatch, bad topk, multi-label for top-k', () => {
    assert.throws(() => evaluateRecognition(scores, labels, 'top1', {}, 'silent'), /metric top1 is not supported/);
    assert.throws(() => evaluateRecognition(scores, labels.slice(1), 'top_k_accuracy', {}, 'silent'), /50 != 49/);
    assert.throws(() => evaluateRecognition(scores, labels, 'top_k_accuracy', { top_k_accuracy: { topk: 'x' as never } }, 'silent'),
      /topk must be an int or a list of ints/);
    assert.throws(() => evaluateRecognition([[1, 0]], [[0, 1]], 'top_k_accuracy', {}, 'silent'), /multi-label label/);
  });
});

describe('evaluateProposals (ActivityNetDataset.evaluate, AR@AN)', () => {
  const loc = readJson('localization/results.json');
  const { ground_truth: gt, proposals, total_num_proposals: total } = loc.inputs;
  const ref = loc.average_recall_at_avg_proposals.find((r: { max_avg_proposals: number | null }) => r.max_avg_proposals === 100);

  test('defaults (max_avg_proposals=100, linspace thresholds): auc and AR@1/5/10/100', () => {
    const res = evaluateProposals(gt, proposals);
    assert.deepEqual(Object.keys(res), ['auc', 'AR@1', 'AR@5', 'AR@10', 'AR@100']);
    assertRel(res.auc, ref.auc, F64, 'auc');
    const col = (j: number) => ref.recall.reduce((a: number, r: number[]) => a + r[j], 0) / ref.recall.length;
    for (const [k, j] of [['AR@1', 0], ['AR@5', 4], ['AR@10', 9], ['AR@100', 99]] as const) {
      assertRel(res[k], col(j), 1e-12, k);
    }
    assert.equal(evaluateProposals(gt, proposals, 'AR@AN', {}, total).auc, res.auc, 'counted total = given total');
  });

  test('options and errors', () => {
    const three = loc.average_recall_at_avg_proposals.find((r: { max_avg_proposals: number | null }) => r.max_avg_proposals === 3);
    const res = evaluateProposals(gt, proposals, ['AR@AN'], { 'AR@AN': { max_avg_proposals: 3, temporal_iou_thresholds: three.temporal_iou_thresholds } });
    assertRel(res.auc, three.auc, F64, 'auc');
    assert.throws(() => evaluateProposals(gt, proposals, 'mAP'), /metric mAP is not supported/);
  });
});

describe('evaluateTemporalDetection (SSNDataset mAP@IoU)', () => {
  test('keys mAP@0.10..0.90, class mean of eval_ap', () => {
    const a = readJson('localization/results.json').average_precision_at_temporal_iou;
    const preds = a.prediction as TemporalPrediction[];
    const res = evaluateTemporalDetection([preds, []], { 0: a.ground_truth });
    assert.deepEqual(Object.keys(res), ['mAP@0.10', 'mAP@0.20', 'mAP@0.30', 'mAP@0.40', 'mAP@0.50', 'mAP@0.60', 'mAP@0.70', 'mAP@0.80', 'mAP@0.90']);
    const fixtureAp = a.results.find((r: { temporal_iou_thresholds: unknown }) => Array.isArray(r.temporal_iou_thresholds));
    // class 1 has no detections (AP 0), so the mean is half of class 0's AP
    assertRel(res['mAP@0.10'], fixtureAp.ap[0] / 2, 1e-6, 'mAP@0.10');
    assert.equal(res['mAP@0.50'], averagePrecisionAtTemporalIou(a.ground_truth, preds, [0.5])[0] / 2);
  });
});

describe('ActivityNetLocalization (eval_detection.py)', () => {
  const fx = readJson('activitynet_detection.json');
  for (const r of fx.results) {
    test(`tiou_thresholds=${JSON.stringify(r.tiou_thresholds)}`, () => {
      const ev = new ActivityNetLocalization(fx.ground_truth, fx.prediction, { tiou_thresholds: r.tiou_thresholds });
      assert.deepEqual(Object.fromEntries(ev.activityIndex), fx.activity_index);
      const [mAP, average] = ev.evaluate();
      ev.ap!.forEach((row, t) => assertAllRel(row, r.ap[t], F64, `ap[${t}]`));
      assertAllRel(mAP, r.mAP, F64, 'mAP');
      assertRel(average, r.average_mAP, F64, 'average_mAP');
    });
  }

  test('fromFiles reads both JSON files; unknown labels and bad files are clear errors', () => {
    const dir = mkdtempSync(join(tmpdir(), 'anet-'));
    writeFileSync(join(dir, 'gt.json'), JSON.stringify(fx.ground_truth));
    writeFileSync(join(dir, 'pred.json'), JSON.stringify(fx.prediction));
    const [, average] = ActivityNetLocalization.fromFiles(join(dir, 'gt.json'), join(dir, 'pred.json')).evaluate();
    assertRel(average, fx.results[0].average_mAP, F64, 'average_mAP');
    assert.throws(() => ActivityNetLocalization.fromFiles(join(dir, 'missing.json'), join(dir, 'pred.json')), /ground truth file .*missing\.json/);
    const bad = { results: { x: [{ segment: [0, 1], label: 'Dancing', score: 1 }] } };
    assert.throws(() => new ActivityNetLocalization(fx.ground_truth, bad), /label 'Dancing' does not occur/);
  });

  test('score ties keep input order (Python stable sort), unlike argsort-based AP', () => {
    const gt = [{ 'video-id': 'a', 't-start': 0, 't-end': 10 }];
    // same score: the first listed (IoU 0.5) is ranked first and takes the only ground truth at 0.5
    const preds = [{ 'video-id': 'a', 't-start': 0, 't-end': 5, score: 0.5 }, { 'video-id': 'a', 't-start': 0, 't-end': 10, score: 0.5 }];
    assert.deepEqual(computeAveragePrecisionDetection(gt, preds, [0.5]), [1]);
    assert.deepEqual(computeAveragePrecisionDetection(gt, [...preds].reverse(), [0.5]), [1]);
    assert.deepEqual(computeAveragePrecisionDetection(gt, preds, [0.9]), [0.5]);
  });
});
