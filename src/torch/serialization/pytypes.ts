/**
 * JavaScript stand-ins for the Python values a checkpoint can hold.
 *
 * How Python maps to JavaScript when loading (and back when saving):
 * - `None` -> `null`, `bool` -> `boolean`, `str` -> `string`, `bytes`/`bytearray` -> `Uint8Array`.
 * - `int` -> `number` when it is a safe integer, otherwise `bigint`; `float` -> `number`.
 *   Saving writes an integral JS number as a Python int and any other number as a float;
 *   wrap a value in `pyFloat(1)` to force a float (`1.0`), use a `bigint` for big ints.
 * - `list` and `tuple` -> `Array` (saving writes a list; `pyTuple([...])` writes a tuple).
 * - `dict` and `collections.OrderedDict` -> a plain object in key order when every key is a
 *   string that is not an array index (JS objects would reorder `'0'`, `'1'`, ...), otherwise a
 *   `Map` (int keys, as in an optimizer's `state`). An OrderedDict is marked with
 *   `isOrderedDict(x) === true` and is written back as an OrderedDict. `{ dicts: 'map' }` at load
 *   gives every dict as a Map.
 * - `set`/`frozenset` -> `Set`. `torch.Size` -> `number[]`, `torch.device` -> `'cpu'`, `'cuda:0'`,
 *   `torch.float32` (a dtype object) -> `'float32'`.
 * - numpy scalars -> `number`/`bigint`/`boolean`; numpy arrays -> `NdArray`; numpy dtypes -> `NpDType`.
 * - Any other class instance (mmcv's `ConfigDict`, a custom hook, ...) -> `PyObject`, an
 *   inspectable placeholder `{ __class__: 'module.Name', args, state, dictItems?, listItems? }`
 *   that saves back the way it was pickled.
 */

/** The marker property of an OrderedDict (a non-enumerable symbol, invisible to Object.keys/JSON). */
export const ORDERED_DICT: unique symbol = Symbol.for('mmaction.serialization.OrderedDict');

/**
 * The instance state of a dict subclass (e.g. the `_metadata` of a PyTorch state dict, which
 * records module versions), kept as a hidden property so that a re-saved state dict keeps it.
 */
export const PY_STATE: unique symbol = Symbol.for('mmaction.serialization.state');

/** The pickled instance state of a loaded dict (`{_metadata: ...}` for PyTorch state dicts), if any. */
export function pyStateOf(x: object): unknown {
  return (x as { [PY_STATE]?: unknown })[PY_STATE];
}

export function setPyState(x: object, state: unknown): void {
  Object.defineProperty(x, PY_STATE, { value: state, enumerable: false, configurable: true, writable: true });
}

export type PyKey = string | number | bigint | boolean | null | unknown[];

/** A dict with string keys: key order is insertion order. */
export type PyDict<V = unknown> = { [key: string]: V };

/** Marks a plain object or a Map as a Python `collections.OrderedDict` (returns it). */
export function markOrderedDict<T extends object>(d: T): T {
  Object.defineProperty(d, ORDERED_DICT, { value: true, enumerable: false, configurable: true });
  return d;
}

/** A new OrderedDict (a plain object) with these entries, in this order. */
export function orderedDict<V>(entries: Iterable<[string, V]> = []): PyDict<V> {
  const d: PyDict<V> = {};
  for (const [k, v] of entries) defineKey(d, k, v);
  return markOrderedDict(d);
}

export function isOrderedDict(x: unknown): boolean {
  return typeof x === 'object' && x !== null && (x as { [ORDERED_DICT]?: boolean })[ORDERED_DICT] === true;
}

/** Sets `d[k] = v` as an own enumerable property, also for keys such as `__proto__`. */
export function defineKey(d: object, k: string, v: unknown): void {
  Object.defineProperty(d, k, { value: v, enumerable: true, writable: true, configurable: true });
}

/** True when a string is a canonical array index (a JS object would put it first). */
export function isIndexKey(k: string): boolean {
  return /^(0|[1-9]\d{0,9})$/.test(k) && Number(k) < 4294967295;
}

/** Forces a Python float when saving (`pyFloat(1)` is written as `1.0`). */
export class PyFloat {
  constructor(readonly value: number) {}
  valueOf(): number { return this.value; }
}
export const pyFloat = (v: number): PyFloat => new PyFloat(v);

/** Forces a Python tuple when saving. */
export class PyTuple<T = unknown> {
  constructor(readonly items: T[]) {}
}
export const pyTuple = <T>(items: T[]): PyTuple<T> => new PyTuple(items);

/** A reference to a Python global (a class or function) that mmaction-ts does not model. */
export class PyGlobal {
  constructor(readonly module: string, readonly name: string) {}
  get qualname(): string { return `${this.module}.${this.name}`; }
  toString(): string { return `<global ${this.qualname}>`; }
}

/**
 * An instance of a Python class mmaction-ts does not model, kept for inspection (and written back
 * as it came when saved). `how` says how the pickle built it: `reduce` = `cls(*args)`,
 * `newobj` = `cls.__new__(cls, *args)`.
 */
export class PyObject {
  __class__: string;
  args: unknown[];
  state: unknown = undefined;
  /** Items of a dict subclass (e.g. mmcv's ConfigDict), in order. */
  dictItems?: Map<unknown, unknown>;
  /** Items of a list subclass. */
  listItems?: unknown[];
  how: 'reduce' | 'newobj';
  constructor(cls: string, args: unknown[], how: 'reduce' | 'newobj' = 'reduce') {
    this.__class__ = cls;
    this.args = args;
    this.how = how;
  }
  toJSON(): unknown {
    const out: Record<string, unknown> = { __class__: this.__class__, args: this.args };
    if (this.state !== undefined) out.state = this.state;
    if (this.dictItems) out.dictItems = Object.fromEntries([...this.dictItems].map(([k, v]) => [String(k), v]));
    if (this.listItems) out.listItems = this.listItems;
    return out;
  }
}

/** A numpy dtype (`numpy.dtype('<f4')`), as pickled inside a checkpoint's meta. */
export class NpDType {
  /** Numpy's type string with byte order: '<f4', '|u1', '|b1', '<i8', '|O'... */
  constructor(public descr: string) {}
  get kind(): string { return this.descr[1]; }
  get itemsize(): number { return Number(this.descr.slice(2)) || 0; }
  toString(): string { return `dtype('${this.descr}')`; }
  toJSON(): string { return this.descr; }
}

/**
 * A numpy array found inside a pickle (e.g. in a checkpoint's meta): raw little- or big-endian
 * bytes as numpy stored them. Use `toArray()` for numbers.
 */
export class NdArray {
  constructor(
    public dtype: NpDType,
    public shape: number[],
    public fortranOrder: boolean,
    /** Raw bytes, or the Python objects of an object array ('|O'). */
    public data: Uint8Array | unknown[],
  ) {}

  /** The elements as a flat array in the order stored (C order unless fortranOrder). */
  toArray(): (number | bigint | boolean | unknown)[] {
    if (Array.isArray(this.data)) return this.data;
    const n = this.shape.reduce((a, b) => a * b, 1);
    const out = new Array(n);
    for (let i = 0; i < n; i++) out[i] = decodeNumpyScalar(this.dtype.descr, this.data, i * this.dtype.itemsize);
    return out;
  }

  toJSON(): unknown {
    return { __class__: 'numpy.ndarray', dtype: this.dtype.descr, shape: this.shape, data: this.toArray().map(jsonSafe) };
  }
}

function jsonSafe(v: unknown): unknown {
  return typeof v === 'bigint' ? v.toString() : v;
}

/** Half-precision bits to a number. */
export function halfToNumber(h: number): number {
  const s = h & 0x8000 ? -1 : 1;
  const e = (h >> 10) & 0x1f;
  const f = h & 0x3ff;
  if (e === 0) return s * f * 2 ** -24;
  if (e === 31) return f ? NaN : s * Infinity;
  return s * (1 + f / 1024) * 2 ** (e - 15);
}

/** Decodes one numpy scalar of type `descr` ('<f8', '|b1', ...) at `offset` of `bytes`. */
export function decodeNumpyScalar(descr: string, bytes: Uint8Array, offset = 0): number | bigint | boolean | string {
  const le = descr[0] !== '>';
  const kind = descr[1];
  const size = Number(descr.slice(2));
  const dv = new DataView(bytes.buffer, bytes.byteOffset + offset, Math.max(0, Math.min(size, bytes.byteLength - offset)));
  if (dv.byteLength < size) throw new RangeError(`numpy scalar of type ${descr} needs ${size} bytes`);
  const asNumber = (b: bigint): number | bigint => (b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b);
  switch (kind) {
    case 'b': return dv.getUint8(0) !== 0;
    case 'f':
      if (size === 2) return halfToNumber(dv.getUint16(0, le));
      if (size === 4) return dv.getFloat32(0, le);
      if (size === 8) return dv.getFloat64(0, le);
      break;
    case 'i':
      if (size === 1) return dv.getInt8(0);
      if (size === 2) return dv.getInt16(0, le);
      if (size === 4) return dv.getInt32(0, le);
      if (size === 8) return asNumber(dv.getBigInt64(0, le));
      break;
    case 'u':
      if (size === 1) return dv.getUint8(0);
      if (size === 2) return dv.getUint16(0, le);
      if (size === 4) return dv.getUint32(0, le);
      if (size === 8) return asNumber(dv.getBigUint64(0, le));
      break;
    case 'U': {
      // UCS-4 text, NUL padded
      let s = '';
      for (let i = 0; i + 4 <= size; i += 4) {
        const c = dv.getUint32(i, le);
        if (c === 0) break;
        s += String.fromCodePoint(c);
      }
      return s;
    }
    case 'S': {
      let s = '';
      for (let i = 0; i < size; i++) {
        const c = dv.getUint8(i);
        if (c === 0) break;
        s += String.fromCharCode(c);
      }
      return s;
    }
  }
  throw new TypeError(`unsupported numpy scalar type '${descr}'`);
}
