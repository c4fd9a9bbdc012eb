/**
 * A protocol-2 pickler that writes what `pickle.Pickler(f, protocol=2)` writes inside torch.save
 * (CPython's `_Pickler.save_*`), with `persistent_id` (Persistent) and custom reductions (Reduce).
 */
import { OP } from './opcodes.ts';
import { isOrderedDict, NdArray, NpDType, PyFloat, PyGlobal, PyObject, pyStateOf, PyTuple } from './pytypes.ts';

/** Written as `persistent_id`: the pickler emits `pid` then BINPERSID. */
export class Persistent {
  constructor(readonly pid: unknown) {}
}

/** Written as `func(*args)` (GLOBAL + args tuple + REDUCE), memoized by `obj` when given. */
export class Reduce {
  constructor(readonly func: PyGlobal, readonly args: unknown[]) {}
}

export interface PickleOptions {
  /** Turns an object the pickler does not know (e.g. a Tensor) into a Reduce; undefined = unknown. */
  reduce?: (obj: object) => Reduce | undefined;
}

/** A growable byte buffer. */
export class ByteWriter {
  private buf = new Uint8Array(1024);
  private dv = new DataView(this.buf.buffer);
  length = 0;

  private ensure(n: number): void {
    if (this.length + n <= this.buf.length) return;
    let cap = this.buf.length * 2;
    while (cap < this.length + n) cap *= 2;
    const nb = new Uint8Array(cap);
    nb.set(this.buf.subarray(0, this.length));
    this.buf = nb;
    this.dv = new DataView(nb.buffer);
  }

  u8(v: number): void { this.ensure(1); this.buf[this.length++] = v; }
  u16(v: number): void { this.ensure(2); this.dv.setUint16(this.length, v, true); this.length += 2; }
  u32(v: number): void { this.ensure(4); this.dv.setUint32(this.length, v, true); this.length += 4; }
  i32(v: number): void { this.ensure(4); this.dv.setInt32(this.length, v, true); this.length += 4; }
  u64(v: number | bigint): void { this.ensure(8); this.dv.setBigUint64(this.length, BigInt(v), true); this.length += 8; }
  f64be(v: number): void { this.ensure(8); this.dv.setFloat64(this.length, v, false); this.length += 8; }
  bytes(b: Uint8Array): void { this.ensure(b.length); this.buf.set(b, this.length); this.length += b.length; }
  ascii(s: string): void { for (let i = 0; i < s.length; i++) this.u8(s.charCodeAt(i)); }
  result(): Uint8Array { return this.buf.slice(0, this.length); }
}

const utf8 = new TextEncoder();

/**
 * Pickles `obj` with protocol 2, like `pickle.Pickler(f, protocol=2).dump(obj)` in torch.save.
 * Throws a TypeError naming the path of a value it cannot write (e.g. `meta.hook: a function`).
 */
export function pickle(obj: unknown, options: PickleOptions = {}): Uint8Array {
  const p = new Pickler(options);
  p.w.u8(OP.PROTO);
  p.w.u8(2);
  p.save(obj, '');
  p.w.u8(OP.STOP);
  return p.w.result();
}

class Pickler {
  w = new ByteWriter();
  private memo = new Map<unknown, number>();
  private active = new Set<unknown>();

  constructor(private opts: PickleOptions) {}

  private put(obj: unknown): void {
    const i = this.memo.size;
    this.memo.set(obj, i);
    if (i < 256) { this.w.u8(OP.BINPUT); this.w.u8(i); } else { this.w.u8(OP.LONG_BINPUT); this.w.u32(i); }
  }

  private get(obj: unknown): boolean {
    const i = this.memo.get(obj);
    if (i === undefined) return false;
    if (i < 256) { this.w.u8(OP.BINGET); this.w.u8(i); } else { this.w.u8(OP.LONG_BINGET); this.w.u32(i); }
    return true;
  }

  private str(s: string): void {
    const b = utf8.encode(s);
    this.w.u8(OP.BINUNICODE);
    this.w.u32(b.length);
    this.w.bytes(b);
  }

  private global(module: string, name: string): void {
    this.w.u8(OP.GLOBAL);
    this.w.ascii(`${module}\n${name}\n`);
  }

  private int(v: number | bigint): void {
    if (typeof v === 'number' && v >= 0 && v < 256) { this.w.u8(OP.BININT1); this.w.u8(v); return; }
    if (typeof v === 'number' && v >= 0 && v < 65536) { this.w.u8(OP.BININT2); this.w.u16(v); return; }
    if (typeof v === 'number' && v >= -0x80000000 && v <= 0x7fffffff) { this.w.u8(OP.BININT); this.w.i32(v); return; }
    const bytes = encodeLong(BigInt(v));
    if (bytes.length < 256) { this.w.u8(OP.LONG1); this.w.u8(bytes.length); } else { this.w.u8(OP.LONG4); this.w.u32(bytes.length); }
    this.w.bytes(bytes);
  }

  private tuple(items: unknown[], path: string): void {
    if (items.length === 0) { this.w.u8(OP.EMPTY_TUPLE); return; }
    if (items.length <= 3) {
      items.forEach((x, i) => this.save(x, `${path}[${i}]`));
      this.w.u8([OP.TUPLE1, OP.TUPLE2, OP.TUPLE3][items.length - 1]);
      return;
    }
    this.w.u8(OP.MARK);
    items.forEach((x, i) => this.save(x, `${path}[${i}]`));
    this.w.u8(OP.TUPLE);
  }

  private appends(items: unknown[], path: string): void {
    for (let i = 0; i < items.length; i += 1000) {
      const batch = items.slice(i, i + 1000);
      if (batch.length === 1) { this.save(batch[0], `${path}[${i}]`); this.w.u8(OP.APPEND); continue; }
      this.w.u8(OP.MARK);
      batch.forEach((x, j) => this.save(x, `${path}[${i + j}]`));
      this.w.u8(OP.APPENDS);
    }
  }

  private setitems(entries: [unknown, unknown][], path: string): void {
    for (let i = 0; i < entries.length; i += 1000) {
      const batch = entries.slice(i, i + 1000);
      if (batch.length !== 1) this.w.u8(OP.MARK);
      for (const [k, v] of batch) {
        // a Python dict key must be hashable: arrays go as tuples
        this.save(Array.isArray(k) ? new PyTuple(k) : k, `${path}<key>`);
        this.save(v, path ? `${path}.${String(k)}` : String(k));
      }
      this.w.u8(batch.length === 1 ? OP.SETITEM : OP.SETITEMS);
    }
  }

  private bytesValue(b: Uint8Array, path: string): void {
    if (b.length === 0) {
      this.global('__builtin__', 'bytes');
      this.w.u8(OP.EMPTY_TUPLE);
    } else {
      this.global('_codecs', 'encode');
      let s = '';
      for (let i = 0; i < b.length; i += 8192) s += String.fromCharCode(...b.subarray(i, i + 8192));
      this.tuple([s, 'latin1'], path);
    }
    this.w.u8(OP.REDUCE);
  }

  save(x: unknown, path: string): void {
    if (x === null || x === undefined) { this.w.u8(OP.NONE); return; }
    if (typeof x === 'boolean') { this.w.u8(x ? OP.NEWTRUE : OP.NEWFALSE); return; }
    if (typeof x === 'number') {
      if (Number.isSafeInteger(x) && !Object.is(x, -0)) this.int(x);
      else { this.w.u8(OP.BINFLOAT); this.w.f64be(x); }
      return;
    }
    if (typeof x === 'bigint') { this.int(x); return; }
    if (typeof x === 'string') { this.str(x); return; }
    if (typeof x !== 'object') throw new TypeError(`cannot save ${path || 'the value'}: a ${typeof x} has no Python equivalent`);
    if (x instanceof PyFloat) { this.w.u8(OP.BINFLOAT); this.w.f64be(x.value); return; }
    if (x instanceof Persistent) { this.save(x.pid, path); this.w.u8(OP.BINPERSID); return; }
    if (this.get(x)) return;
    if (this.active.has(x) && !Array.isArray(x) && !(x instanceof Map) && !isPlainObject(x)) {
      throw new TypeError(`cannot save ${path || 'the value'}: it contains itself`);
    }
    this.active.add(x);
    try {
      this.saveObject(x as object, path);
    } finally {
      this.active.delete(x);
    }
  }

  private saveObject(x: object, path: string): void {
    let custom: Reduce | undefined;
    try {
      custom = this.opts.reduce?.(x);
    } catch (e) {
      throw new TypeError(`cannot save ${path || 'the value'}: ${(e as Error).message}`);
    }
    if (custom) {
      this.global(custom.func.module, custom.func.name);
      this.tuple(custom.args, path);
      this.w.u8(OP.REDUCE);
      this.put(x);
      return;
    }
    if (x instanceof Reduce) {
      this.global(x.func.module, x.func.name);
      this.tuple(x.args, path);
      this.w.u8(OP.REDUCE);
      this.put(x);
      return;
    }
    if (x instanceof PyTuple) {
      this.tuple(x.items, path);
      this.put(x);
      return;
    }
    if (x instanceof PyGlobal) { this.global(x.module, x.name); this.put(x); return; }
    if (Array.isArray(x)) {
      this.w.u8(OP.EMPTY_LIST);
      this.put(x);
      this.appends(x, path);
      return;
    }
    if (ArrayBuffer.isView(x) && x instanceof Uint8Array && x.constructor === Uint8Array) {
      this.bytesValue(x, path);
      this.put(x);
      return;
    }
    if (x instanceof Map || isPlainObject(x)) {
      const entries: [unknown, unknown][] = x instanceof Map ? [...x] : Object.entries(x);
      if (isOrderedDict(x)) {
        this.global('collections', 'OrderedDict');
        this.w.u8(OP.EMPTY_TUPLE);
        this.w.u8(OP.REDUCE);
      } else {
        this.w.u8(OP.EMPTY_DICT);
      }
      this.put(x);
      if (entries.length) this.setitems(entries, path);
      const state = pyStateOf(x);
      if (isOrderedDict(x) && state !== undefined && state !== null) {
        this.save(state, `${path}.__state__`);
        this.w.u8(OP.BUILD);
      }
      return;
    }
    if (x instanceof Set) {
      this.global('__builtin__', 'set');
      this.tuple([[...x]], path);
      this.w.u8(OP.REDUCE);
      this.put(x);
      return;
    }
    if (x instanceof PyObject) {
      const dot = x.__class__.lastIndexOf('.');
      this.global(x.__class__.slice(0, dot), x.__class__.slice(dot + 1));
      this.tuple(x.args, path);
      this.w.u8(x.how === 'newobj' ? OP.NEWOBJ : OP.REDUCE);
      this.put(x);
      if (x.listItems?.length) this.appends(x.listItems, path);
      if (x.dictItems?.size) this.setitems([...x.dictItems], path);
      if (x.state !== undefined && x.state !== null) {
        this.save(x.state, `${path}.__state__`);
        this.w.u8(OP.BUILD);
      }
      return;
    }
    if (x instanceof NpDType) {
      this.global('numpy', 'dtype');
      this.tuple([x.descr.slice(1), false, true], path);
      this.w.u8(OP.REDUCE);
      this.put(x);
      const order = x.descr[0] === '|' ? '|' : x.descr[0];
      this.tuple([3, order, null, null, null, -1, -1, 0], path);
      this.w.u8(OP.BUILD);
      return;
    }
    if (x instanceof NdArray) {
      if (Array.isArray(x.data)) throw new TypeError(`cannot save ${path}: numpy object arrays are not supported`);
      this.global('numpy.core.multiarray', '_reconstruct');
      this.tuple([new PyGlobal('numpy', 'ndarray'), new PyTuple([0]), new Uint8Array([0x62])], path);
      this.w.u8(OP.REDUCE);
      this.put(x);
      this.tuple([1, new PyTuple(x.shape), x.dtype, x.fortranOrder, x.data], path);
      this.w.u8(OP.BUILD);
      return;
    }
    const name = x.constructor?.name ?? 'object';
    throw new TypeError(`cannot save ${path || 'the value'}: a ${name} has no Python equivalent ` +
      '(save numbers, strings, booleans, null, arrays, plain objects, Maps, Sets, Uint8Array bytes and tensors)');
  }
}

function isPlainObject(x: object): boolean {
  const proto = Object.getPrototypeOf(x);
  return proto === Object.prototype || proto === null;
}

/** Minimal little-endian two's complement bytes of an int (Python's encode_long). */
export function encodeLong(v: bigint): Uint8Array {
  if (v === 0n) return new Uint8Array(0);
  const out: number[] = [];
  let x = v;
  for (;;) {
    out.push(Number(x & 0xffn));
    x >>= 8n;
    const sign = out[out.length - 1] & 0x80;
    if ((x === 0n && !sign) || (x === -1n && sign)) break;
  }
  return Uint8Array.from(out);
}
