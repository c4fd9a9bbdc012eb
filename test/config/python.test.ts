// The Python config evaluator against CPython (expressions.json is written by
// scripts/fixtures/python_expressions.py from expressions.py), and its errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { evaluateModule } from '../../src/config/python/evaluator.ts';
import { floatRepr, PyFunction, PyTuple, type PyValue } from '../../src/config/python/values.ts';

const dir = fileURLToPath(new URL('../fixtures/config/python/', import.meta.url));

type Tagged = null | boolean | string | Tagged[] | { int: string } | { float: string } | { tuple: Tagged[] } | { dict: [string, Tagged][] };

function tag(v: PyValue): Tagged {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v;
  if (typeof v === 'bigint') return { int: v.toString() };
  if (typeof v === 'number') return { float: floatRepr(v) };
  if (v instanceof PyTuple) return { tuple: v.map(tag) };
  if (Array.isArray(v)) return v.map(tag);
  if (v instanceof PyFunction) throw new Error('function in result');
  return { dict: sortIntKeys(Object.entries(v).map(([k, x]) => [k, tag(x)] as [string, Tagged])) };
}

// JS objects list integer-like keys first; Python keeps insertion order. Compare those dicts sorted.
function sortIntKeys(entries: [string, Tagged][]): [string, Tagged][] {
  return entries.some(([k]) => /^\d+$/.test(k)) ? [...entries].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)) : entries;
}

function retag(v: Tagged): Tagged {
  if (v && typeof v === 'object' && !Array.isArray(v) && 'dict' in v) return { dict: sortIntKeys(v.dict.map(([k, x]) => [k, retag(x)])) };
  if (v && typeof v === 'object' && !Array.isArray(v) && 'tuple' in v) return { tuple: v.tuple.map(retag) };
  if (Array.isArray(v)) return v.map(retag);
  return v;
}

test('every name in expressions.py evaluates as CPython does (ints, floats, tuples kept apart)', () => {
  const file = `${dir}expressions.py`;
  const ns = evaluateModule(readFileSync(file, 'utf8'), file);
  const want = JSON.parse(readFileSync(`${dir}expressions.json`, 'utf8')) as Record<string, Tagged>;
  const got: Record<string, Tagged> = {};
  for (const [k, v] of ns) if (!k.startsWith('__') && !(v instanceof PyFunction)) got[k] = tag(v);
  assert.deepStrictEqual(Object.keys(got), Object.keys(want), 'names and their order');
  for (const k of Object.keys(want)) assert.deepStrictEqual(got[k], retag(want[k]), k);
});

function evalErr(src: string): string {
  try {
    evaluateModule(src, 'bad.py');
  } catch (e) {
    return (e as Error).message;
  }
  assert.fail(`no error for:\n${src}`);
}

const cases: [string, string, RegExp][] = [
  ['unclosed bracket', 'a = 1\nmodel = dict(\n    type="X",\n', /^bad\.py:2:13: '\(' was never closed/],
  ['mismatched bracket', 'a = [1, 2)', /^bad\.py:1:10: closing parenthesis '\)' does not match opening parenthesis '\['/],
  ['unterminated string', "a = 'abc\nb = 1", /^bad\.py:1:5: unterminated string literal/],
  ['import', 'import os\na = 1', /^bad\.py:1:1: import statement is not supported in config files/],
  ['from import', 'from mmcv import Config', /^bad\.py:1:1: 'from \.\.\. import' statement is not supported/],
  ['if statement', 'a = 1\nif a:\n    b = 2', /^bad\.py:2:1: 'if' statement is not supported/],
  ['for loop', 'for i in range(3):\n    pass', /^bad\.py:1:1: 'for' loop is not supported/],
  ['def', 'def f():\n    return 1', /^bad\.py:1:1: function definition \(def\) is not supported/],
  ['class', 'class A:\n    pass', /^bad\.py:1:1: class definition is not supported/],
  ['lambda', 'f = lambda x: x', /^bad\.py:1:5: lambda is not supported/],
  ['indent', 'a = 1\n  b = 2', /^bad\.py:2:3: unexpected indent/],
  ['set literal', 'a = {1, 2}', /^bad\.py:1:6: set literals are not supported in config files/],
  ['bitwise', 'a = 1 | 2', /^bad\.py:1:7: the bitwise operator '\|' is not supported/],
  ['bytes', "a = b'x'", /^bad\.py:1:5: bytes literals are not supported/],
  ['complex', 'a = 1j', /^bad\.py:1:5: complex numbers are not supported/],
  ['garbage after statement', 'a = 1 2', /^bad\.py:1:7: unexpected '2' after the statement/],
  ['undefined name', 'a = 1\nb = dict(x=c)', /^bad\.py:2:12: NameError: name 'c' is not defined/],
  ['type error', "a = 1 + 'x'", /^bad\.py:1:5: TypeError: unsupported operand type\(s\) for \+: 'int' and 'str'/],
  ['duplicate keyword via **', 'n = dict(mean=1)\na = dict(mean=2, **n)', /^bad\.py:2:5: TypeError: dict\(\) got multiple values for keyword argument 'mean'/],
  ['attribute on dict', 'n = dict(mean=1)\na = n.mean', /^bad\.py:2:5: AttributeError: 'dict' object has no attribute 'mean' \(a dict in a Python config is a plain dict: write x\['mean'\]\)/],
  ['key error', "n = dict(mean=1)\na = n['std']", /^bad\.py:2:5: KeyError: 'std'/],
  ['index error', 'a = [1][3]', /^bad\.py:1:5: IndexError: list index out of range/],
  ['division by zero', 'a = 1 / 0', /^bad\.py:1:5: ZeroDivisionError: division by zero/],
  ['unpack', 'a, b = 1, 2, 3', /ValueError: too many values to unpack \(expected 2\)/],
  ['not callable', 'a = 1\nb = a(2)', /^bad\.py:2:5: TypeError: 'int' object is not callable/],
  ['f-string bad spec', "a = f'{1:zz}'", /^bad\.py:1:5: ValueError: invalid format specifier 'zz'/],
  ['f-string single }', "a = f'x}'", /^bad\.py:1:8: f-string: single '}' is not allowed/],
  ['unknown function', 'a = open("x")', /NameError: name 'open' is not defined/],
];

for (const [name, src, re] of cases) {
  test(`error: ${name}`, () => {
    const msg = evalErr(src);
    assert.match(msg, re);
  });
}

test('errors show the source line with a caret', () => {
  const msg = evalErr('a = 1\nb = dict(x=c)');
  assert.equal(msg.split('\n').slice(1).join('\n'), '    b = dict(x=c)\n               ^');
});

test('errors inside f-strings point into the string', () => {
  assert.match(evalErr("w = 1\na = f'{w}_{nope}'"), /^bad\.py:2:12: NameError: name 'nope' is not defined/);
});

test('int dict keys stay ints: in the pretty text, in iteration, across merges', async () => {
  const { Config } = await import('../../src/config/config.ts');
  const cfg = Config.fromString("m = {2: 4, 4: 2, 'a': 1}\nks = [k for k in m]\nt = dict(flip_label_map=m)\n", '.py');
  assert.deepStrictEqual(cfg.get('ks'), [2, 4, 'a']);
  assert.match(cfg.prettyText, /^m = dict\(\{2: 4, 4: 2, 'a': 1\}\)$/m);
  assert.deepStrictEqual(cfg.toObject().m, { 2: 4, 4: 2, a: 1 });
  cfg.merge({ 't.flip_label_map.x': 1 });
  // a key from --cfg-options is a string, as in mmcv
  assert.match(cfg.prettyText, /^t = dict\(flip_label_map=dict\(\{2: 4, 4: 2, 'a': 1, 'x': 1\}\)\)$/m);
  assert.deepStrictEqual(Config.fromString(cfg.prettyText, '.py').toPyValue(), cfg.toPyValue());
});
