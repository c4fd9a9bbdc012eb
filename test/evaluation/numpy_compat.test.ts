// numpy primitives the metrics depend on: argsort order with ties (numpy 1.24's introsort),
// pairwise summation, linspace/arange, Python-style fixed-point formatting.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { arange, argmax, argsort, argsortStable, formatFixed, linspace, mean, sum } from '../../src/evaluation/index.ts';
import { readJson } from './helpers.ts';

describe('argsort = numpy default np.argsort (scripts/fixtures/gen_evaluation_argsort.py)', () => {
  const fx = readJson<{ cases: { n: number; kind: string; values: (number | null)[]; argsort: number[] }[] }>('argsort.json');
  test('fixture covers insertion-sort sizes, partitioned sizes and NaNs', () => {
    assert.ok(fx.cases.some((c) => c.n <= 16) && fx.cases.some((c) => c.n >= 1000) && fx.cases.some((c) => c.kind === 'nan'));
    // McIlroy killer inputs reach numpy's heapsort fallback; the halved ones add ties there
    assert.ok(fx.cases.filter((c) => c.kind === 'killer').length >= 6);
  });
  for (const c of fx.cases) {
    test(`n=${c.n} ${c.kind}`, () => {
      const v = c.values.map((x) => (x === null ? NaN : x));
      assert.deepEqual(Array.from(argsort(v)), c.argsort);
    });
  }
  test('17 tied values are not kept in index order (partitioning starts above 16)', () => {
    const order = Array.from(argsort(new Array(17).fill(1)));
    assert.notDeepEqual(order, Array.from({ length: 17 }, (_, i) => i));
    assert.deepEqual(Array.from(argsort(new Array(16).fill(1))), Array.from({ length: 16 }, (_, i) => i));
  });
  test('heapsort fallback keeps a permutation and sorted values on a long tie-heavy array', () => {
    const v = Array.from({ length: 20000 }, (_, i) => (i * 7919) % 5);
    const o = argsort(v);
    assert.equal(new Set(o).size, v.length);
    for (let i = 1; i < o.length; i++) assert.ok(v[o[i - 1]] <= v[o[i]]);
  });
});

test('argsortStable and argmax', () => {
  assert.deepEqual(Array.from(argsortStable([2, 1, NaN, 1, 2])), [1, 3, 0, 4, 2]);
  assert.equal(argmax([1, 3, 3, 2]), 1);
  assert.equal(argmax([1, NaN, 3]), 1, 'numpy returns the first NaN');
});

test('sum/mean use numpy pairwise summation', () => {
  // 1 + 1e-16 * 200: a left-to-right sum loses every small term, pairwise blocks keep some
  const v = [1, ...new Array(200).fill(1e-16)];
  let naive = 0;
  for (const x of v) naive += x;
  assert.equal(naive, 1);
  assert.ok(sum(v) > 1, 'pairwise blocks of 8 accumulate the small terms');
  assert.equal(mean([1, 2, 3, 4]), 2.5);
  assert.ok(Number.isNaN(mean([])));
});

test('linspace / arange as numpy', () => {
  assert.deepEqual(linspace(0.5, 0.95, 10)[8], 0.8999999999999999);
  assert.deepEqual(arange(0.1, 1.0, 0.1), [0.1, 0.2, 0.30000000000000004, 0.4, 0.5, 0.6, 0.7000000000000001, 0.8, 0.9]);
});

test("formatFixed is Python's '.4f' (round half to even on exact ties)", () => {
  assert.equal(formatFixed(0.03125, 4), '0.0312');
  assert.equal(formatFixed(0.03135, 4), (0.03135).toFixed(4));
  assert.equal(formatFixed(2.5, 0), '2');
  assert.equal(formatFixed(0.123456, 4), '0.1235');
  assert.equal(formatFixed(NaN, 4), 'nan');
  assert.equal(formatFixed(1, 4), '1.0000');
});
