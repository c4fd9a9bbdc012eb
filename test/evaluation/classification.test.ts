// Classification metrics against MMAction2 0.24.1's own outputs (test/fixtures/evaluation/cls_*).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import {
  confusionLabelSet, confusionMatrix, meanClassAccuracy, splitRows, topKAccuracy, topKClasses, argmax,
} from '../../src/evaluation/index.ts';
import { readNpy, rows } from '../helpers/npy.ts';
import { F64, FIXTURES, assertAllRel, assertRel, readJson } from './helpers.ts';

const index = readJson<{ name: string; kind: string; files: string[] }[]>('index.json');
const cases = index.filter((c) => c.kind === 'classification');

test('the fixture index lists the classification cases', () => {
  assert.ok(cases.length >= 4);
});

for (const c of cases) {
  describe(c.name, () => {
    const res = readJson(`${c.name}/results.json`);
    const scoresNpy = readNpy(join(FIXTURES, c.name, 'scores.npy'));
    const labelsNpy = readNpy(join(FIXTURES, c.name, 'labels.npy'));
    const scores = rows(scoresNpy);
    const labels = Array.from(labelsNpy.data as ArrayLike<number>);

    test('inputs have the documented shape and dtype', () => {
      assert.equal(scoresNpy.dtype, 'float32');
      assert.deepEqual(scoresNpy.shape, [res.n_samples, res.n_classes]);
      assert.equal(labelsNpy.dtype, 'int64');
    });

    test('argmax prediction (lower index wins ties)', () => {
      assert.deepEqual(scores.map((r) => argmax(r)), res.argmax_pred);
    });

    test('top_k_accuracy (numpy argsort ranking, exact)', () => {
      // counts / N: identical doubles expected, not just close ones
      assert.deepEqual(topKAccuracy(scores, labels, res.top_k), res.top_k_accuracy);
    });

    test('mean_class_accuracy', () => {
      assertRel(meanClassAccuracy(scores, labels), res.mean_class_accuracy, F64, 'mean_class_accuracy');
    });

    test('top_k_classes accurate / inaccurate (k=5)', () => {
      for (const mode of ['accurate', 'inaccurate'] as const) {
        const got = topKClasses(scores, labels, { k: 5, mode });
        const want: [number, number][] = res[`top_k_classes_${mode}`];
        assert.deepEqual(got.map((p) => p[0]), want.map((p) => p[0]), `${mode}: classes`);
        assertAllRel(got.map((p) => p[1]), want.map((p) => p[1]), F64, `${mode}: ratios`);
      }
    });

    test('confusion label set and matrices', () => {
      const pred = scores.map((r) => argmax(r));
      assert.deepEqual(confusionLabelSet(pred, labels), res.confusion_label_set);
      for (const [norm, file] of Object.entries(res.confusion_matrix_files as Record<string, string>)) {
        const want = readNpy(join(FIXTURES, c.name, file));
        const got = confusionMatrix(pred, labels, norm === 'None' ? null : (norm as 'true' | 'pred' | 'all'));
        assert.deepEqual([got.length, got[0].length], want.shape, `${norm}: shape`);
        const flat = got.flat();
        if (norm === 'None') {
          assert.equal(want.dtype, 'int64');
          assert.deepEqual(flat, Array.from(want.data as ArrayLike<number>), 'counts are exact');
        } else {
          assertAllRel(flat, Array.from(want.data as ArrayLike<number>), F64, `confusion_matrix(${norm})`);
        }
      }
    });
  });
}

describe('classification metrics: behaviour beyond the fixtures', () => {
  test('top_k_accuracy ties: the higher class index wins on rows of <= 16 classes', () => {
    // all-equal scores: numpy's insertion sort keeps index order, so argsort[-1] is the last class
    const scores = [[0.5, 0.5, 0.5, 0.5]];
    assert.deepEqual(topKAccuracy(scores, [3], [1]), [1]);
    assert.deepEqual(topKAccuracy(scores, [0], [1, 3, 4]), [0, 0, 1]);
    assert.deepEqual(meanClassAccuracy(scores, [0]), 1, 'argmax picks class 0');
  });

  test('top_k_accuracy accepts an int and Float32Array rows', () => {
    const scores = [Float32Array.of(0.1, 0.7, 0.2), Float32Array.of(0.6, 0.3, 0.1)];
    assert.deepEqual(topKAccuracy(scores, [1, 2], 1), [0.5]);
    assert.deepEqual(topKAccuracy(scores, [1, 2], [1, 2, 3]), [0.5, 0.5, 1]);
  });

  test('mean_class_accuracy: a predicted-only class counts as 0, unseen classes are skipped', () => {
    // labels {0, 1}; class 2 predicted once; class 3 in neither
    const scores = [[1, 0, 0, 0], [0, 1, 0, 0], [0, 0, 1, 0], [1, 0, 0, 0]];
    const labels = [0, 1, 1, 0];
    // per label-set class: 0 -> 2/2, 1 -> 1/2, 2 -> 0 (no ground truth) => mean over 3
    assert.equal(meanClassAccuracy(scores, labels), (1 + 0.5 + 0) / 3);
  });

  test('confusion_matrix normalizations, NaN -> 0', () => {
    const pred = [0, 2, 2, 1];
    const real = [0, 0, 1, 1];
    assert.deepEqual(confusionMatrix(pred, real), [[1, 0, 1], [0, 1, 1], [0, 0, 0]]);
    assert.deepEqual(confusionMatrix(pred, real, 'true'), [[0.5, 0, 0.5], [0, 0.5, 0.5], [0, 0, 0]]);
    assert.deepEqual(confusionMatrix(pred, real, 'pred'), [[1, 0, 0.5], [0, 1, 0.5], [0, 0, 0]]);
    assert.deepEqual(confusionMatrix(pred, real, 'all'), [[0.25, 0, 0.25], [0, 0.25, 0.25], [0, 0, 0]]);
    assert.throws(() => confusionMatrix(pred, real, 'rows' as never), /normalize must be one of/);
  });

  test('top_k_classes returns label-set positions unless classIds is set', () => {
    // labels 3 and 7 only: label set [3, 7]
    const scores = [[0, 0, 0, 1, 0, 0, 0, 0], [0, 0, 0, 0, 0, 0, 0, 1], [0, 0, 0, 1, 0, 0, 0, 0]];
    const labels = [3, 7, 7];
    assert.deepEqual(topKClasses(scores, labels, { k: 2 }), [[0, 1], [1, 0.5]]);
    assert.deepEqual(topKClasses(scores, labels, { k: 2, classIds: true }), [[3, 1], [7, 0.5]]);
    assert.deepEqual(topKClasses(scores, labels, { k: 1, mode: 'inaccurate', classIds: true }), [[7, 0.5]]);
  });

  test('splitRows views a flat [N * C] buffer as rows', () => {
    const flat = Float32Array.of(0.1, 0.9, 0.8, 0.2, 0.5, 0.5);
    const r = splitRows(flat, 2);
    assert.equal(r.length, 3);
    assert.equal(r[1].buffer, flat.buffer, 'no copy');
    assert.deepEqual(topKAccuracy(r, [1, 0, 1]), [1]);
    assert.throws(() => splitRows(flat, 4), /not a whole number of rows of 4 classes/);
  });

  test('bad input gives clear errors', () => {
    assert.throws(() => topKAccuracy([[1, 2]], [0, 1]), /2 labels for 1 samples/);
    assert.throws(() => topKAccuracy([[1, 2], [1]], [0, 1]), /scores\[1\] has 1 classes/);
    assert.throws(() => topKAccuracy([[1, 2]], [0.5]), /non-negative integers/);
    assert.throws(() => topKAccuracy([[1, 2]], [0], [0]), /positive integer/);
    assert.throws(() => meanClassAccuracy([], []), /no samples/);
  });
});
