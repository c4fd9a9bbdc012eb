// mmcv's merge rules and DictAction parsing, case by case (the examples of mmcv's docstrings included).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mergeAIntoB, mergeFromDict } from '../../src/config/merge.ts';
import { parseCfgOptions, parseValue } from '../../src/config/options.ts';
import { PyTuple, toPlain, type PyDict, type PyValue } from '../../src/config/python/values.ts';

test('_merge_a_into_b: docstring examples', () => {
  assert.deepStrictEqual(mergeAIntoB({ obj: { a: 2n } }, { obj: { a: 1n } }), { obj: { a: 2n } });
  assert.deepStrictEqual(mergeAIntoB({ obj: { _delete_: true, a: 2n } }, { obj: { a: 1n, b: 3n } }), { obj: { a: 2n } });
  assert.deepStrictEqual(mergeAIntoB({ 0: { a: 2n } }, [{ a: 1n, c: 0n }, { b: 2n }], true), [{ a: 2n, c: 0n }, { b: 2n }]);
});

test('merging keeps both inputs unchanged', () => {
  const a: PyDict = { obj: { _delete_: true, a: 2n }, l: [1n] };
  const b: PyDict = { obj: { a: 1n, b: 3n }, l: [0n, 0n], k: 'x' };
  const aCopy = structuredClone(a);
  const bCopy = structuredClone(b);
  assert.deepStrictEqual(mergeAIntoB(a, b), { obj: { a: 2n }, l: [1n], k: 'x' });
  assert.deepStrictEqual(a, aCopy);
  assert.deepStrictEqual(b, bCopy);
});

test('mmcv quirks kept: _delete_ stays where the base has no such key; _delete_=False merges', () => {
  assert.deepStrictEqual(mergeAIntoB({ n: { _delete_: true, a: 1n } }, {}), { n: { _delete_: true, a: 1n } });
  assert.deepStrictEqual(mergeAIntoB({ n: { _delete_: false, a: 1n } }, { n: { b: 2n } }), { n: { b: 2n, a: 1n } });
});

test('a dict cannot merge into a non-dict without _delete_', () => {
  assert.throws(() => mergeAIntoB({ x: { a: 1n } }, { x: [1n] }), /x=\{'a': 1\} in child config cannot inherit from base because x is a dict in the child config but is of type list in base config/);
  assert.deepStrictEqual(mergeAIntoB({ x: { _delete_: true, a: 1n } }, { x: 3n }), { x: { a: 1n } });
});

test('merge_from_dict: dotted keys and list indexes', () => {
  const cfg: PyDict = { model: { backbone: { type: 'ResNet', depth: 50n } }, pipeline: [{ type: 'A' }, { type: 'B', k: 1n }] };
  const out = mergeFromDict(cfg, { 'model.backbone.depth': 101n, 'model.backbone.with_cp': true, 'pipeline.1.type': 'C', 'pipeline.0': { x: 1n } });
  assert.deepStrictEqual(toPlain(out), {
    model: { backbone: { type: 'ResNet', depth: 101, with_cp: true } },
    pipeline: [{ type: 'A', x: 1 }, { type: 'C', k: 1 }],
  });
  assert.throws(() => mergeFromDict(cfg, { 'pipeline.2.type': 'X' }), /pipeline\.2: index 2 exceeds the length of the list \(2 items\)/);
  assert.throws(() => mergeFromDict(cfg, { 'a..b': 1n }), /bad option key 'a\.\.b'/);
});

const values: [string, PyValue][] = [
  ['1', 1n], ['-3', -3n], ['1_000', 1000n], ['0.5', 0.5], ['1.0', 1.0], ['1e-4', 0.0001], ['.5', 0.5],
  ['True', true], ['true', true], ['FALSE', false], ['None', null], ['none', 'none'], ['abc', 'abc'],
  ["'quoted'", 'quoted'], ['"a b"', 'ab'], ['[1,2]', [1n, 2n]], ['1,2', [1n, 2n]], ['(1,2)', PyTuple.make(1n, 2n)],
  ['(1,)', PyTuple.make(1n)], ['[]', []], ['()', PyTuple.make()], ['[a, b, c]', ['a', 'b', 'c']],
  ['[(1, 2, 3), [a, b], c]', [PyTuple.make(1n, 2n, 3n), ['a', 'b'], 'c']], ['[[1,[2,3]],4]', [[1n, [2n, 3n]], 4n]],
  ['inf', Infinity],
];

for (const [raw, want] of values) {
  test(`DictAction value ${raw}`, () => {
    const got = parseValue(raw);
    if (typeof want === 'number' && Number.isNaN(want)) assert.ok(Number.isNaN(got as number));
    else assert.deepStrictEqual(got, want);
    if (want instanceof PyTuple) assert.ok(got instanceof PyTuple, 'a tuple');
  });
}

test('DictAction: KEY=VALUE items, split at the first =', () => {
  assert.deepStrictEqual(parseCfgOptions(['a.b=1', 'c=x=y', 'a.b=2']), { 'a.b': 2n, c: 'x=y' });
  assert.throws(() => parseCfgOptions(['novalue']), /bad --cfg-options item 'novalue': expected KEY=VALUE/);
  assert.throws(() => parseCfgOptions(['=1']), /bad --cfg-options item '=1': the key before '=' is empty/);
  assert.throws(() => parseCfgOptions(['a=[1,2']), /imbalanced brackets in 'a=\[1,2'/);
});
