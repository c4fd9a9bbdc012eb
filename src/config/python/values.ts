/**
 * Python values as the config evaluator holds them, and their conversions.
 *
 * - `int` is a `bigint` (so `1` and `1.0` stay different and `//`, `%` follow Python),
 *   `float` is a `number`, `bool` a `boolean`, `None` is `null`, `str` a `string`;
 * - `list` is a plain array, `tuple` a {@link PyTuple} (an Array subclass), `dict` a plain object.
 *
 * `toPlain` turns such a tree into JSON data (ints to numbers, tuples to arrays), which is what
 * `Config.toObject()` returns; `fromPlain` goes the other way for JSON/YAML/TS configs.
 */

/** A Python tuple. `toPlain` turns it into an array, as `json.dump` does. */
export class PyTuple extends Array<PyValue> {
  static make(...items: PyValue[]): PyTuple {
    const t = new PyTuple();
    t.push(...items);
    return t;
  }

  static fromIter(items: Iterable<PyValue>): PyTuple {
    const t = new PyTuple();
    for (const x of items) t.push(x);
    return t;
  }

  // Array methods such as map/slice must give back plain arrays, not tuples.
  static override get [Symbol.species](): ArrayConstructor {
    return Array;
  }
}

/** A built-in function of the config language (`dict`, `range`, `len`...). Never part of a result. */
export class PyFunction {
  constructor(
    readonly name: string,
    readonly call: (args: PyValue[], kwargs: [string, PyValue][]) => PyValue,
  ) {}
}

export type PyDict = { [key: string]: PyValue };
export type PyValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | PyValue[]
  | PyTuple
  | PyDict
  | PyFunction;

/** Plain JSON data, what `Config.toObject()` gives. */
export type Plain = null | boolean | number | string | Plain[] | { [key: string]: Plain };

/**
 * Python dicts may have int keys (`flip_label_map={2: 4}`); JS object keys are strings, so a dict
 * lists its int keys under this symbol (copied by spreads, ignored by JSON and Object.keys).
 */
export const INT_KEYS: unique symbol = Symbol('python int keys');

export function intKeys(d: PyDict): readonly string[] {
  return (d as unknown as { [INT_KEYS]?: readonly string[] })[INT_KEYS] ?? [];
}

/** Sets which keys of `d` are ints (replacing the list). */
export function setIntKeys(d: PyDict, keys: Iterable<string>): void {
  const list = [...new Set(keys)].filter((k) => Object.prototype.hasOwnProperty.call(d, k));
  const o = d as unknown as { [INT_KEYS]?: readonly string[] };
  if (list.length) o[INT_KEYS] = Object.freeze(list);
  else delete o[INT_KEYS];
}

/** The keys of a dict as Python values (ints for int keys). */
export function pyKeys(d: PyDict): PyValue[] {
  const ints = new Set(intKeys(d));
  return Object.keys(d).map((k) => (ints.has(k) ? BigInt(k) : k));
}

export function isDict(v: unknown): v is PyDict {
  if (v === null || typeof v !== 'object' || Array.isArray(v) || v instanceof PyFunction) return false;
  const proto = Object.getPrototypeOf(v);
  return proto === Object.prototype || proto === null;
}

export function isList(v: unknown): v is PyValue[] {
  return Array.isArray(v) && !(v instanceof PyTuple);
}

/** The Python type name of a value, for error messages (`'dict' object is not callable`). */
export function typeName(v: PyValue | undefined): string {
  if (v === undefined) return 'undefined';
  if (v === null) return 'NoneType';
  if (typeof v === 'boolean') return 'bool';
  if (typeof v === 'bigint') return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'str';
  if (v instanceof PyTuple) return 'tuple';
  if (Array.isArray(v)) return 'list';
  if (v instanceof PyFunction) return 'builtin_function_or_method';
  return 'dict';
}

/** Python's `repr(float)`: shortest round-trip digits, exponent below 1e-4 and from 1e16. */
export function floatRepr(x: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const [mant, expStr] = x.toExponential().split('e');
  const exp = Number(expStr);
  const neg = mant.startsWith('-');
  const digits = mant.replace('-', '').replace('.', '');
  let out: string;
  if (exp < -4 || exp >= 16) {
    const m = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const e = Math.abs(exp).toString().padStart(2, '0');
    out = `${m}e${exp < 0 ? '-' : '+'}${e}`;
  } else if (exp < 0) {
    out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  } else if (digits.length <= exp + 1) {
    out = `${digits}${'0'.repeat(exp + 1 - digits.length)}.0`;
  } else {
    out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  }
  return neg ? `-${out}` : out;
}

/** Python's `repr(str)`: single quotes unless the text holds a single quote and no double quote. */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === quote || ch === '\\') out += `\\${ch}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return out + quote;
}

/** Python's `repr()` of a config value. */
export function repr(v: PyValue): string {
  if (v === null) return 'None';
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number') return floatRepr(v);
  if (typeof v === 'string') return strRepr(v);
  if (v instanceof PyFunction) return `<built-in function ${v.name}>`;
  if (v instanceof PyTuple) {
    if (v.length === 1) return `(${repr(v[0])},)`;
    return `(${v.map(repr).join(', ')})`;
  }
  if (Array.isArray(v)) return `[${v.map(repr).join(', ')}]`;
  const ints = new Set(intKeys(v));
  return `{${Object.entries(v).map(([k, x]) => `${ints.has(k) ? k : strRepr(k)}: ${repr(x)}`).join(', ')}}`;
}

/** Python's `str()`: like repr except that a string is itself. */
export function str(v: PyValue): string {
  return typeof v === 'string' ? v : repr(v);
}

/** JSON data of a Python value: ints become numbers, tuples arrays. */
export function toPlain(v: PyValue, where = ''): Plain {
  if (v === null || typeof v === 'boolean' || typeof v === 'number' || typeof v === 'string') return v;
  if (typeof v === 'bigint') {
    const n = Number(v);
    if (!Number.isSafeInteger(n)) throw new RangeError(`${where || 'value'}: integer ${v} does not fit a JS number`);
    return n;
  }
  if (v instanceof PyFunction) throw new TypeError(`${where || 'value'}: a function is not config data`);
  if (Array.isArray(v)) return v.map((x, i) => toPlain(x, `${where}.${i}`));
  const out: { [key: string]: Plain } = {};
  for (const [k, x] of Object.entries(v)) out[k] = toPlain(x, where ? `${where}.${k}` : k);
  return out;
}

/** A Python value from JSON/YAML/JS data: integral numbers become ints. */
export function fromPlain(v: unknown, where = ''): PyValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'boolean' || typeof v === 'string' || typeof v === 'bigint') return v;
  if (typeof v === 'number') return Number.isInteger(v) ? BigInt(v) : v;
  if (v instanceof PyTuple) return PyTuple.fromIter(v.map((x, i) => fromPlain(x, `${where}.${i}`)));
  if (Array.isArray(v)) return v.map((x, i) => fromPlain(x, `${where}.${i}`));
  if (typeof v === 'object') {
    const proto = Object.getPrototypeOf(v);
    if (proto === Object.prototype || proto === null) {
      const out: PyDict = {};
      for (const [k, x] of Object.entries(v)) out[k] = fromPlain(x, where ? `${where}.${k}` : k);
      return out;
    }
  }
  throw new TypeError(`${where || 'value'}: ${typeof v === 'object' ? (v as object).constructor?.name ?? 'object' : typeof v} is not config data (use numbers, strings, booleans, null, arrays and plain objects)`);
}

/** Deep copy of a value tree (functions are shared). */
export function deepCopy<T extends PyValue>(v: T): T {
  if (v instanceof PyTuple) return PyTuple.fromIter(v.map(deepCopy)) as T;
  if (Array.isArray(v)) return v.map(deepCopy) as T;
  if (isDict(v)) {
    const out: PyDict = {};
    for (const [k, x] of Object.entries(v)) out[k] = deepCopy(x);
    setIntKeys(out, intKeys(v));
    return out as T;
  }
  return v;
}

/** Python truthiness. */
export function truthy(v: PyValue): boolean {
  if (v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'bigint') return v !== 0n;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') return v.length > 0;
  if (Array.isArray(v)) return v.length > 0;
  if (v instanceof PyFunction) return true;
  return Object.keys(v).length > 0;
}

/** Python `==`. */
export function pyEquals(a: PyValue, b: PyValue): boolean {
  const na = numeric(a);
  const nb = numeric(b);
  if (na !== undefined && nb !== undefined) {
    // eslint-disable-next-line eqeqeq
    return (na as unknown) == (nb as unknown);
  }
  if (a === null || b === null) return a === b;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (Array.isArray(a) && Array.isArray(b)) {
    if ((a instanceof PyTuple) !== (b instanceof PyTuple) || a.length !== b.length) return false;
    return a.every((x, i) => pyEquals(x, b[i]));
  }
  if (isDict(a) && isDict(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => k in b && pyEquals(a[k], b[k]));
  }
  return a === b;
}

/** The numeric value of an int, float or bool (bool is an int in Python), else undefined. */
export function numeric(v: PyValue): bigint | number | undefined {
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'bigint' || typeof v === 'number') return v;
  return undefined;
}
