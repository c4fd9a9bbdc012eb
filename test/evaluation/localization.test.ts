// Temporal-localization metrics against MMAction2 0.24.1's outputs
// (test/fixtures/evaluation/localization/results.json).
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import {
  DEFAULT_TEMPORAL_IOU_THRESHOLDS, averagePrecisionAtTemporalIou, averageRecallAtAvgProposals, evalAp,
  interpolatedPrecisionRecall, pairwiseTemporalIou, temporalIouOfSegment,
} from '../../src/evaluation/index.ts';
import type { TemporalPrediction } from '../../src/evaluation/index.ts';
import { F32, F64, assertAllAbs, assertAllRel, assertRel, readJson } from './helpers.ts';

const res = readJson('localization/results.json');
const { ground_truth: groundTruth, proposals, total_num_proposals: totalNumProposals } = res.inputs;

function thresholds(spec: string | number[]): readonly number[] {
  return typeof spec === 'string' ? DEFAULT_TEMPORAL_IOU_THRESHOLDS : spec;
}

test('default thresholds are np.linspace(0.5, 0.95, 10), 0.8999999999999999 included', () => {
  assert.deepEqual(DEFAULT_TEMPORAL_IOU_THRESHOLDS, [0.5, 0.55, 0.6, 0.65, 0.7, 0.75, 0.8, 0.85, 0.8999999999999999, 0.95]);
});

describe('pairwise_temporal_iou', () => {
  const p = res.pairwise_temporal_iou;
  test('2-D candidates: float32 t_iou and t_overlap_self, [n_target][m_candidate]', () => {
    const got = pairwiseTemporalIou(p.candidate_segments, p.target_segments, { calculateOverlapSelf: true });
    assert.equal(got.tIou.length, p.target_segments.length);
    for (let k = 0; k < got.tIou.length; k++) {
      // float32 results: the same float32 expected bit for bit, checked at the stated tolerance
      assertAllAbs(got.tIou[k], p.t_iou[k], F32, `t_iou[${k}]`);
      assertAllAbs(got.tOverlapSelf![k], p.t_overlap_self[k], F32, `t_overlap_self[${k}]`);
      for (const v of got.tIou[k]) assert.equal(v, Math.fround(v), 'values are float32');
    }
  });
  test('1-D candidate', () => {
    const got = temporalIouOfSegment(p.candidate_1d, p.target_segments);
    assertAllAbs(got.tIou, p.t_iou_1d, F32, 't_iou_1d');
  });
});

describe('average_recall_at_avg_proposals', () => {
  for (const r of res.average_recall_at_avg_proposals) {
    test(`max_avg_proposals=${r.max_avg_proposals}, thresholds=${JSON.stringify(r.temporal_iou_thresholds)}`, () => {
      const got = averageRecallAtAvgProposals(groundTruth, proposals, totalNumProposals, r.max_avg_proposals,
        thresholds(r.temporal_iou_thresholds));
      assert.equal(got.recall.length, r.recall.length);
      got.recall.forEach((row, i) => assertAllRel(row, r.recall[i], F64, `recall[${i}]`));
      assertAllRel(got.avgRecall, r.avg_recall, F64, 'avg_recall');
      assertAllRel(got.proposalsPerVideo, r.proposals_per_video, F64, 'proposals_per_video');
      assertRel(got.auc, r.auc, F64, 'auc');
    });
  }

  test('threshold comparison: float32 like numpy 1.24 (exact 0.7 passes), float64 on request', () => {
    // verified on numpy 1.24.4: np.array([0.7], np.float32) >= np.float64(0.7) -> True
    const gt = { v: [[0, 10]] };
    const hit = (end: number, thresholdPrecision?: 'float32' | 'float64') =>
      averageRecallAtAvgProposals(gt, { v: [[0, end, 1]] }, 1, 1, [end / 10], { thresholdPrecision }).recall[0][99];
    assert.equal(hit(7), 1, 'float32(0.7) >= float32(0.7)');
    assert.equal(hit(6.5), 1);
    assert.equal(hit(7, 'float64'), 0, 'float32(0.7) < 0.7 in float64');
    assert.equal(hit(7.5, 'float64'), 1, '0.75 is exact in float32');
    assert.equal(hit(6, 'float64'), 1, 'float32(0.6) > 0.6');
  });

  test('a video missing from proposals is a clear error', () => {
    assert.throws(() => averageRecallAtAvgProposals({ a: [[0, 1]], b: [[0, 1]] }, { a: [[0, 1, 1]] }, 1),
      /no proposals entry for video 'b'/);
  });
});

describe('average_precision_at_temporal_iou', () => {
  const a = res.average_precision_at_temporal_iou;
  for (const r of a.results) {
    test(`thresholds=${JSON.stringify(r.temporal_iou_thresholds)}`, () => {
      const got = averagePrecisionAtTemporalIou(a.ground_truth, a.prediction, thresholds(r.temporal_iou_thresholds));
      assertAllAbs(got, r.ap, F32, 'ap');
      for (const v of got) assert.equal(v, Math.fround(v), 'values are float32');
    });
  }

  test('eval_ap runs each IoU separately and agrees with the joint computation', () => {
    const ious = [0.1, 0.3, 0.5, 0.7];
    const joint = averagePrecisionAtTemporalIou(a.ground_truth, a.prediction, ious);
    const perClass = evalAp([a.prediction as TemporalPrediction[], []], [a.ground_truth], ious);
    assert.deepEqual(perClass[0], joint);
    assert.deepEqual(perClass[1], [0, 0, 0, 0], 'a class without detections has AP 0');
  });

  test('string fields are parsed like numpy string arrays; no prediction gives zeros', () => {
    const gt = { v1: [[0, 10]] };
    const asNumbers = averagePrecisionAtTemporalIou(gt, [['v1', 0, 0, 9, 0.9], ['v1', 0, 0, 10, 0.8]], [0.5, 0.95]);
    const asStrings = averagePrecisionAtTemporalIou(gt, [['v1', '0', '0', '9', '0.9'], ['v1', '0', '0.0', '10.0', '0.8']], [0.5, 0.95]);
    assert.deepEqual(asStrings, asNumbers);
    // first prediction (IoU 0.9) matches at 0.5, the second is a duplicate; at 0.95 only the second matches
    assert.deepEqual(asNumbers, [1, 0.5]);
    assert.deepEqual(averagePrecisionAtTemporalIou(gt, [], [0.5]), [0]);
    assert.throws(() => averagePrecisionAtTemporalIou(gt, [['v1', 0, 'x', 1, 1]], [0.5]), /t_start: 'x' is not a number/);
  });
});

test('interpolated_precision_recall (VOC 2011)', () => {
  // precision made monotone from the right: [1, 0.5, 0.67] -> [1, 0.67, 0.67]
  const ap = interpolatedPrecisionRecall([1, 0.5, 2 / 3], [0.5, 0.5, 1]);
  assert.equal(ap, 0.5 * 1 + 0.5 * (2 / 3));
});
