// References computed by MMAction2 0.24.1's own metric code on numpy 1.24
// (scripts/fixtures/gen_evaluation_mmaction.py -> test/fixtures/evaluation/mmaction_extra.json):
// the tie, exact-IoU and float32 cases the shared fixtures cannot tell apart.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  ActivityNetLocalization, argsort, evaluateHvu, averagePrecisionAtTemporalIou, averageRecallAtAvgProposals, evalAp,
  evaluateTemporalDetection, getWeightedScore, meanAveragePrecision, meanClassAccuracy, mmitMeanAveragePrecision,
  softmax, topKAccuracy, topKClasses,
} from '../../src/evaluation/index.ts';
import type { TemporalPrediction } from '../../src/evaluation/index.ts';
import { F32, F64, assertAllAbs, assertAllRel, assertRel, readJson } from './helpers.ts';

const fx = readJson('mmaction_extra.json');

describe('classification on tie-heavy rows of more than 16 classes', () => {
  for (const c of fx.classification_ties) {
    const scores = c.scores.map((r: number[]) => Float32Array.from(r));
    const n = `${scores.length}x${scores[0].length}`;
    test(`${n}: numpy argsort of every row`, () => {
      scores.forEach((r: Float32Array, i: number) => assert.deepEqual(Array.from(argsort(r)), c.argsort[i], `row ${i}`));
    });
    test(`${n}: top_k_accuracy, mean_class_accuracy, top_k_classes`, () => {
      assert.deepEqual(topKAccuracy(scores, c.labels, c.topk), c.top_k_accuracy);
      assertRel(meanClassAccuracy(scores, c.labels), c.mean_class_accuracy, F64, 'mean_class_accuracy');
      for (const mode of ['accurate', 'inaccurate'] as const) {
        const got = topKClasses(scores, c.labels, { k: 8, mode });
        const want: [number, number][] = c[`top_k_classes_${mode}`];
        assert.deepEqual(got.map((p) => p[0]), want.map((p) => p[0]), mode);
        assertAllRel(got.map((p) => p[1]), want.map((p) => p[1]), F64, mode);
      }
    });
  }
});

test('mean_average_precision / mmit with tied scores and float32 many-hot labels', () => {
  const m = fx.multilabel_ties;
  const scores = m.scores.map((r: number[]) => Float32Array.from(r));
  const labels = m.labels.map((r: number[]) => Float32Array.from(r));
  assertRel(meanAveragePrecision(scores, labels), m.mean_average_precision, F64, 'mean_average_precision');
  assertRel(mmitMeanAveragePrecision(scores, labels), m.mmit_mean_average_precision, F64, 'mmit_mean_average_precision');
});

test('softmax: float32 in, float32 out; float64 in, float64 out; dim 0 and 1', () => {
  const s = fx.softmax;
  assert.equal(s.dtype, 'float32');
  const x32 = s.x.map((r: number[]) => Float32Array.from(r));
  const d1 = softmax(x32, 1);
  assert.ok(d1[0] instanceof Float32Array);
  d1.forEach((r, i) => assertAllAbs(r, s.dim1[i], F32, `dim1[${i}]`));
  softmax(x32, 0).forEach((r, i) => assertAllAbs(r, s.dim0[i], F32, `dim0[${i}]`));
  const d64 = softmax(s.x64 as number[][], 1);
  assert.ok(d64[0] instanceof Float64Array);
  d64.forEach((r, i) => assertAllRel(r, s.dim1_64[i], F64, `dim1_64[${i}]`));
});

test('get_weighted_score of float32 score lists', () => {
  const w = fx.weighted_score;
  const lists = w.score_list.map((l: number[][]) => l.map((r) => Float32Array.from(r)));
  getWeightedScore(lists, w.coeff_list).forEach((r, i) => assertAllRel(r, w.result[i], F64, `row ${i}`));
});

describe('AR@AN where only exact-IoU proposals match (float32 comparison on numpy 1.24)', () => {
  const a = fx.ar_exact_iou;
  for (const r of a.results) {
    test(`max_avg_proposals=${r.max_avg_proposals} thresholds=${JSON.stringify(r.temporal_iou_thresholds)}`, () => {
      const got = averageRecallAtAvgProposals(a.ground_truth, a.proposals, a.total_num_proposals, r.max_avg_proposals,
        r.temporal_iou_thresholds ?? undefined);
      got.recall.forEach((row, i) => assertAllRel(row, r.recall[i], F64, `recall[${i}]`));
      assertAllRel(got.avgRecall, r.avg_recall, F64, 'avg_recall');
      assertAllRel(got.proposalsPerVideo, r.proposals_per_video, F64, 'proposals_per_video');
      assertRel(got.auc, r.auc, F64, 'auc');
    });
  }
  test('float64 comparison (numpy >= 2 behaviour) gives a different answer on these inputs', () => {
    const r = a.results[0];
    const got = averageRecallAtAvgProposals(a.ground_truth, a.proposals, a.total_num_proposals, null, undefined, { thresholdPrecision: 'float64' });
    assert.notEqual(got.auc, r.auc);
  });
});

describe('AP at temporal IoU with exact IoUs and tied scores among > 16 predictions', () => {
  const a = fx.ap_exact_iou;
  for (const r of a.results) {
    test(`thresholds=${JSON.stringify(r.temporal_iou_thresholds)}`, () => {
      const thr = r.temporal_iou_thresholds === 'array' ? [0.5, 0.65, 0.7, 0.75, 0.9, 0.95] : r.temporal_iou_thresholds ?? undefined;
      assertAllAbs(averagePrecisionAtTemporalIou(a.ground_truth, a.prediction, thr), r.ap, F32, 'ap');
    });
  }
  test('eval_ap (SSN) and the mAP@IoU keys', () => {
    const e = fx.eval_ap;
    const preds = a.prediction as TemporalPrediction[];
    const dets = [preds, preds.slice(0, 5).map((p) => [p[0], 1, p[2], p[3], p[4]] as TemporalPrediction)];
    const gts = { 0: a.ground_truth, 1: { a: [[10, 18]] } };
    evalAp(dets, gts, e.iou_range).forEach((row, c) => assertAllAbs(row, e.ap_values[c], F32, `class ${c}`));
    const res = evaluateTemporalDetection(dets, gts);
    assertAllRel(Object.values(res), e.map_ious, 1e-12, 'mAP@IoU');
  });
});

describe('ActivityNetLocalization against eval_detection.py', () => {
  const inputs = readJson('activitynet_detection.json');
  for (const r of fx.activitynet) {
    test(`tiou_thresholds=${JSON.stringify(r.tiou_thresholds)}`, () => {
      const ev = new ActivityNetLocalization(inputs.ground_truth, inputs.prediction, { tiou_thresholds: r.tiou_thresholds });
      const [mAP, average] = ev.evaluate();
      ev.ap!.forEach((row, t) => assertAllRel(row, r.ap[t], F64, `ap[${t}]`));
      assertAllRel(mAP, r.mAP, F64, 'mAP');
      assertRel(average, r.average_mAP, F64, 'average_mAP');
    });
  }
});

test('HVUDataset.evaluate: per-category mAP over the videos that have the category', () => {
  const h = fx.hvu;
  const scores = h.scores.map((r: number[]) => Float32Array.from(r));
  const lines: string[] = [];
  const res = evaluateHvu(scores, h.labels, h.layout, 'mean_average_precision', { info: (m) => { lines.push(m); } });
  assert.deepEqual(Object.keys(res), Object.keys(h.results));
  for (const k of Object.keys(res)) assertRel(res[k], h.results[k], F64, k);
  assert.match(lines[0], /^\naction_mAP\t0\.\d{4}$/);
  assert.throws(() => evaluateHvu(scores, h.labels, h.layout, 'top_k_accuracy'), /exactly one metric/);
});
