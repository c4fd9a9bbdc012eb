// Multi-label metrics against MMAction2 0.24.1's outputs (test/fixtures/evaluation/ml_*).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  averagePrecision, binaryPrecisionRecallCurve, labelToArray, meanAveragePrecision, mmitMeanAveragePrecision,
  perClassAveragePrecision, perSampleAveragePrecision,
} from '../../src/evaluation/index.ts';
import { readNpy, rows } from '../helpers/npy.ts';
import { F64, FIXTURES, assertAllRel, assertRel, readJson } from './helpers.ts';

const cases = readJson<{ name: string; kind: string }[]>('index.json').filter((c) => c.kind === 'multilabel');

test('the fixture index lists the multi-label cases', () => {
  assert.ok(cases.length >= 2);
});

for (const c of cases) {
  describe(c.name, () => {
    const res = readJson(`${c.name}/results.json`);
    const scores = rows(readNpy(join(FIXTURES, c.name, 'scores.npy')));
    const labelsNpy = readNpy(join(FIXTURES, c.name, 'labels.npy'));
    const labels = rows(labelsNpy);

    test('inputs: float32 scores, int64 one-hot labels', () => {
      assert.deepEqual(labelsNpy.shape, [res.n_samples, res.n_classes]);
    });

    test('per-class AP (NaN for a class without positives)', () => {
      const got = perClassAveragePrecision(scores, labels);
      assertAllRel(got, res.per_class_ap, F64, 'per_class_ap');
      if (res.empty_class !== null) assert.ok(Number.isNaN(got[res.empty_class]));
    });

    test('mean_average_precision (NaN classes dropped)', () => {
      assertRel(meanAveragePrecision(scores, labels), res.mean_average_precision, F64, 'mean_average_precision');
    });

    test('per-sample AP and mmit_mean_average_precision', () => {
      assertAllRel(perSampleAveragePrecision(scores, labels), res.per_sample_ap, F64, 'per_sample_ap');
      assertRel(mmitMeanAveragePrecision(scores, labels), res.mmit_mean_average_precision, F64, 'mmit_mean_average_precision');
    });

    test('binary_precision_recall_curve of class 0', () => {
      const want = res.binary_precision_recall_curve_class0;
      const got = binaryPrecisionRecallCurve(scores.map((r) => r[0]), labels.map((r) => r[0]));
      assertAllRel(got.precision, want.precision, F64, 'precision');
      assertAllRel(got.recall, want.recall, F64, 'recall');
      // thresholds are the float32 scores themselves: exact
      assert.deepEqual(got.thresholds, want.thresholds);
    });
  });
}

describe('multi-label metrics: behaviour beyond the fixtures', () => {
  test('ties share one threshold; stable order inside a tie does not matter', () => {
    const curve = binaryPrecisionRecallCurve([0.9, 0.5, 0.5, 0.1], [1, 0, 1, 0]);
    assert.deepEqual(curve.thresholds, [0.5, 0.9]);
    assert.deepEqual(curve.precision, [2 / 3, 1, 1]);
    assert.deepEqual(curve.recall, [1, 0.5, 0]);
    assert.equal(averagePrecision([0.9, 0.5, 0.5, 0.1], [1, 0, 1, 0]), 0.5 * 1 + 0.5 * (2 / 3));
  });

  test('mmit mAP is NaN when a sample has no positive; mAP is NaN when no class has one', () => {
    assert.ok(Number.isNaN(mmitMeanAveragePrecision([[0.1, 0.2], [0.3, 0.4]], [[0, 1], [0, 0]])));
    assert.ok(Number.isNaN(meanAveragePrecision([[0.1, 0.2]], [[0, 0]])));
    // class 0 has no positive (dropped); class 1: the negative 0.4 ranks above the positive 0.2
    assert.equal(meanAveragePrecision([[0.1, 0.2], [0.3, 0.4]], [[0, 1], [0, 0]]), 0.5);
  });

  test('labelToArray is label2array', () => {
    assert.deepEqual(Array.from(labelToArray(4, [0, 2])), [1, 0, 1, 0]);
    assert.deepEqual(Array.from(labelToArray(3, 1)), [0, 1, 0]);
    assert.throws(() => labelToArray(3, [3]), /out of range for 3 classes/);
  });

  test('bad input gives clear errors', () => {
    assert.throws(() => meanAveragePrecision([[0.1, 0.2]], [[1]]), /labels\[0\] has 1 entries for 2 classes/);
    assert.throws(() => binaryPrecisionRecallCurve([0.1], [1, 0]), /1 scores but 2/);
  });
});
