/**
 * `--cfg-options KEY=VALUE ...` parsing, rule for rule as mmcv's `DictAction`
 * (mmcv/utils/config.py): values are ints, floats, True/False (any case), None or strings;
 * `a,b` and `[a,b]` give lists, `(a,b)` tuples, brackets nest. Like mmcv, quotes at both ends
 * are stripped and all spaces are removed from the value.
 */
import { PyTuple, type PyValue } from './python/values.ts';

export class CfgOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CfgOptionError';
  }
}

/** `DictAction._parse_int_float_bool`. */
export function parseScalar(val: string): PyValue {
  const s = val.trim();
  if (/^[+-]?\d+(?:_\d+)*$/.test(s)) return BigInt(s.replace(/_/g, ''));
  if (/^[+-]?(?:\d+(?:_\d+)*(?:\.(?:\d+(?:_\d+)*)?)?|\.\d+(?:_\d+)*)(?:[eE][+-]?\d+(?:_\d+)*)?$/.test(s)) {
    return Number(s.replace(/_/g, ''));
  }
  const low = s.toLowerCase();
  if (/^[+-]?(inf|infinity)$/.test(low)) return low.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/.test(low)) return NaN;
  if (low === 'true' || low === 'false') return low === 'true';
  if (val === 'None') return null;
  return val;
}

function count(s: string, ch: string): number {
  let n = 0;
  for (const c of s) if (c === ch) n++;
  return n;
}

function nextComma(s: string, whole: string): number {
  if (count(s, '(') !== count(s, ')') || count(s, '[') !== count(s, ']')) {
    throw new CfgOptionError(`imbalanced brackets in '${whole}'`);
  }
  let round = 0;
  let square = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === ',' && round === 0 && square === 0) return i;
    if (c === '(') round++;
    else if (c === ')') round--;
    else if (c === '[') square++;
    else if (c === ']') square--;
  }
  return s.length;
}

/** `DictAction._parse_iterable`. */
export function parseValue(raw: string, whole = raw): PyValue {
  let val = raw.replace(/^['"]+|['"]+$/g, '').replace(/ /g, '');
  let isTuple = false;
  if (val.startsWith('(') && val.endsWith(')')) {
    isTuple = true;
    val = val.slice(1, -1);
  } else if (val.startsWith('[') && val.endsWith(']')) {
    val = val.slice(1, -1);
  } else if (!val.includes(',')) {
    return parseScalar(val);
  }
  const values: PyValue[] = [];
  while (val.length > 0) {
    const i = nextComma(val, whole);
    values.push(parseValue(val.slice(0, i), whole));
    val = val.slice(i + 1);
  }
  return isTuple ? PyTuple.fromIter(values) : values;
}

/** Parses `['a.b=1', 'c=[1,2]']` into `{ 'a.b': 1n, c: [1n, 2n] }` (later keys win, as in argparse). */
export function parseCfgOptions(items: readonly string[]): Record<string, PyValue> {
  const out: Record<string, PyValue> = {};
  for (const kv of items) {
    const eq = kv.indexOf('=');
    if (eq < 0) throw new CfgOptionError(`bad --cfg-options item '${kv}': expected KEY=VALUE, e.g. model.backbone.depth=101`);
    const key = kv.slice(0, eq);
    if (!key) throw new CfgOptionError(`bad --cfg-options item '${kv}': the key before '=' is empty`);
    out[key] = parseValue(kv.slice(eq + 1), kv);
  }
  return out;
}
