/**
 * Python's pickle format: an unpickler for protocols 0-5 (torch.save writes protocol 2; other
 * tools write 4 or 5) with `persistent_load`. The protocol-2 pickler is in pickler.ts and
 * re-exported here.
 *
 * Mirrors CPython's Lib/pickle.py (`_Unpickler.load_*`). Python values map to JS as described
 * in pytypes.ts.
 */
import { OP } from './opcodes.ts';
import { defineKey, isIndexKey, markOrderedDict, NdArray, NpDType, PyGlobal, PyObject, setPyState } from './pytypes.ts';

export { ByteWriter, encodeLong, Persistent, pickle, Reduce, type PickleOptions } from './pickler.ts';

export class PickleError extends Error {
  /** True when the input ended before the pickle did (a bigger window may help). */
  readonly truncated: boolean;
  constructor(message: string, readonly offset?: number) {
    super(message);
    this.name = 'PickleError';
    this.truncated = message.startsWith('truncated');
  }
}

// ------------------------------------------------------------------------------------------ callables
/**
 * A Python global that mmaction-ts knows how to call: `findClass` returns one of these for
 * e.g. `torch._utils._rebuild_tensor_v2`. `call` handles REDUCE (`f(*args)`) and NEWOBJ.
 */
export class PyCallable {
  constructor(readonly qualname: string, readonly call: (args: unknown[]) => unknown) {}
}

/** A value whose contents arrive later through BUILD (numpy arrays and dtypes). */
interface Settable {
  __setstate__(state: unknown): void;
}
const isSettable = (x: unknown): x is Settable =>
  typeof x === 'object' && x !== null && typeof (x as Settable).__setstate__ === 'function';

/** A Python dict while unpickling; turned into an object or a Map at the end (see pytypes.ts). */
class RawDict extends Map<unknown, unknown> {
  ordered = false;
  /** BUILD state (an OrderedDict's __dict__, e.g. a state dict's _metadata). */
  state: unknown = undefined;
}

const MODULE_RENAMES: Record<string, string> = { __builtin__: 'builtins', copy_reg: 'copyreg' };

/** Globals every pickle may use: builtins, collections, codecs, copyreg and numpy's pieces. */
function builtinGlobal(module: string, name: string): unknown {
  const q = `${module}.${name}`;
  switch (q) {
    case 'collections.OrderedDict':
      return new PyCallable(q, (args) => {
        const d = new RawDict();
        d.ordered = true;
        if (Array.isArray(args[0])) for (const kv of args[0]) if (Array.isArray(kv)) d.set(kv[0], kv[1]);
        return d;
      });
    case 'builtins.dict':
      return new PyCallable(q, (args) => {
        const d = new RawDict();
        if (Array.isArray(args[0])) for (const kv of args[0]) if (Array.isArray(kv)) d.set(kv[0], kv[1]);
        else if (args[0] instanceof Map) for (const [k, v] of args[0]) d.set(k, v);
        return d;
      });
    case 'builtins.list': return new PyCallable(q, (args) => (Array.isArray(args[0]) ? [...args[0]] : []));
    case 'builtins.tuple': return new PyCallable(q, (args) => (Array.isArray(args[0]) ? [...args[0]] : []));
    case 'builtins.set': case 'builtins.frozenset':
      return new PyCallable(q, (args) => new Set(Array.isArray(args[0]) ? args[0] : []));
    case 'builtins.bytes': case 'builtins.bytearray':
      return new PyCallable(q, (args) => {
        const a = args[0];
        if (a === undefined) return new Uint8Array(0);
        if (a instanceof Uint8Array) return a.slice();
        if (typeof a === 'string') return latin1Bytes(a);
        if (Array.isArray(a)) return Uint8Array.from(a as number[]);
        return new Uint8Array(0);
      });
    case '_codecs.encode':
      return new PyCallable(q, (args) => {
        const [s, enc] = args as [string, string | undefined];
        if (typeof s !== 'string') throw new PickleError('_codecs.encode expects a string');
        const e = (enc ?? 'utf-8').toLowerCase().replace('-', '');
        return e === 'latin1' || e === 'iso88591' ? latin1Bytes(s) : new TextEncoder().encode(s);
      });
    case 'copyreg._reconstructor':
      return new PyCallable(q, (args) => {
        const [cls, base] = args;
        const o = new PyObject(globalName(cls), [], 'newobj');
        const b = globalName(base);
        if (b === 'builtins.dict' || b === 'collections.OrderedDict') o.dictItems = new Map();
        if (b === 'builtins.list') o.listItems = [];
        return o;
      });
    case 'numpy.core.multiarray.scalar': case 'numpy._core.multiarray.scalar':
      return new PyCallable(q, (args) => {
        const [dt, raw] = args;
        if (!(dt instanceof NpDType)) return new PyObject(q, args);
        if (!(raw instanceof Uint8Array)) return new PyObject(q, args); // object scalars
        try {
          return decodeScalar(dt, raw);
        } catch {
          return new PyObject(q, args);
        }
      });
    case 'numpy.dtype':
      return new PyCallable(q, (args) => {
        const [code] = args as [string];
        const dt = new NpDType(typeof code === 'string' ? normalizeNumpyCode(code) : '|O');
        return withSetState(dt, (st) => setDTypeState(dt, st));
      });
    case 'numpy.core.numeric._frombuffer': case 'numpy._core.numeric._frombuffer':
      // pickle protocol 5: (buffer, dtype, shape, order)
      return new PyCallable(q, (args) => {
        const [buf, dt, shape, order] = args;
        if (!(buf instanceof Uint8Array) || !(dt instanceof NpDType) || !Array.isArray(shape)) return new PyObject(q, args);
        return new NdArray(dt, shape.map(Number), order === 'F', buf);
      });
    case 'numpy.core.multiarray._reconstruct': case 'numpy._core.multiarray._reconstruct':
      return new PyCallable(q, () => {
        const a = new NdArray(new NpDType('|u1'), [0], false, new Uint8Array(0));
        return withSetState(a, (st) => setArrayState(a, st));
      });
  }
  return undefined;
}

/** Attaches a hidden __setstate__ (called by BUILD). */
function withSetState<T extends object>(obj: T, fn: (state: unknown) => void): T {
  Object.defineProperty(obj, '__setstate__', { value: fn, enumerable: false, configurable: true });
  return obj;
}

const globalName = (x: unknown): string =>
  x instanceof PyGlobal ? x.qualname : x instanceof PyCallable ? x.qualname : String(x);

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i) & 0xff;
  return out;
}

/** numpy.dtype('f8') args to a full type string with a byte order ('<f8'). */
function normalizeNumpyCode(code: string): string {
  if (/^[<>|=]/.test(code)) return code.replace(/^=/, '<');
  if (/^[bB?]1?$/.test(code) || code === '?') return '|b1';
  const m = /^([a-zA-Z])(\d+)$/.exec(code);
  if (m) return (Number(m[2]) === 1 || m[1] === 'S' || m[1] === 'V' ? '|' : '<') + code;
  return `|${code}`;
}

function setDTypeState(dt: NpDType, st: unknown): void {
  // (version, byteorder, subdescr, names, fields, elsize, alignment, flags)
  if (!Array.isArray(st)) return;
  const order = st[1];
  if (typeof order === 'string' && order.length === 1 && dt.descr.length > 1) {
    dt.descr = (order === '=' ? '<' : order) + dt.descr.slice(1);
  }
}

function setArrayState(a: NdArray, st: unknown): void {
  // (version, shape, dtype, is_fortran, rawdata)
  if (!Array.isArray(st) || st.length < 5) throw new PickleError('numpy array state has an unexpected form');
  const [, shape, dt, fortran, data] = st;
  a.shape = (shape as unknown[]).map(Number);
  if (dt instanceof NpDType) a.dtype = dt;
  a.fortranOrder = fortran === true;
  a.data = data instanceof Uint8Array ? data : typeof data === 'string' ? latin1Bytes(data) : (data as unknown[]);
}

function decodeScalar(dt: NpDType, raw: Uint8Array): unknown {
  // numpy stores scalars in native order; a dtype of '|b1' or '<f8' names it.
  const desc = dt.descr;
  const kind = desc[1];
  const size = Number(desc.slice(2));
  const dv = new DataView(raw.buffer, raw.byteOffset, raw.byteLength);
  const le = desc[0] !== '>';
  if (raw.byteLength < size) throw new PickleError(`numpy scalar ${desc} with ${raw.byteLength} bytes`);
  if (kind === 'b') return raw[0] !== 0;
  if (kind === 'f' && size === 8) return dv.getFloat64(0, le);
  if (kind === 'f' && size === 4) return dv.getFloat32(0, le);
  if ((kind === 'i' || kind === 'u') && size === 8) {
    const b = kind === 'i' ? dv.getBigInt64(0, le) : dv.getBigUint64(0, le);
    return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
  }
  // the rest shares the array decoder
  const a = new NdArray(dt, [], false, raw);
  return a.toArray()[0];
}

// ------------------------------------------------------------------------------------------ unpickler
export interface UnpickleOptions {
  /** Resolves `module.name`; return undefined for the built-in handling (or a placeholder). */
  findClass?: (module: string, name: string) => unknown;
  /** Called with each persistent id (BINPERSID / PERSID); its result goes on the stack. */
  persistentLoad?: (pid: unknown) => unknown;
  /** 'auto' (default): string-keyed dicts become plain objects, others Maps. 'map': all Maps. */
  dicts?: 'auto' | 'map';
  /** Where the pickle starts inside `bytes`. */
  offset?: number;
}

export interface UnpickleResult {
  value: unknown;
  /** Offset just past the STOP opcode (the next pickle in a legacy file starts there). */
  end: number;
}

const textDecoder = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(b: Uint8Array): string {
  try {
    return textDecoder.decode(b);
  } catch {
    // Python writes lone surrogates with 'surrogatepass'; fall back to a lenient decode
    return new TextDecoder('utf-8').decode(b);
  }
}

/** Reads one pickle from `bytes` (starting at `options.offset`). Throws PickleError on bad input. */
export function unpickle(bytes: Uint8Array, options: UnpickleOptions = {}): UnpickleResult {
  const u = new Unpickler(bytes, options);
  const value = u.load();
  return { value: finalizeDicts(value, options.dicts ?? 'auto'), end: u.pos };
}

class Unpickler {
  pos: number;
  private stack: unknown[] = [];
  private metastack: unknown[][] = [];
  private memo = new Map<number, unknown>();
  private dv: DataView;

  private bytes: Uint8Array;

  constructor(bytes: Uint8Array, private opts: UnpickleOptions) {
    // a plain Uint8Array view: Buffer#slice would not copy
    this.bytes = new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    this.pos = opts.offset ?? 0;
    this.dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  private need(n: number, at: number): void {
    if (this.pos + n > this.bytes.length) {
      throw new PickleError(`truncated pickle: opcode at offset ${at} needs ${n} more bytes, ${this.bytes.length - this.pos} left`, at);
    }
  }

  private take(n: number, at: number): Uint8Array {
    this.need(n, at);
    const b = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }

  private line(at: number): string {
    const nl = this.bytes.indexOf(0x0a, this.pos);
    if (nl < 0) throw new PickleError(`truncated pickle: no end of line for opcode at offset ${at}`, at);
    const s = new TextDecoder('latin1').decode(this.bytes.subarray(this.pos, nl));
    this.pos = nl + 1;
    return s;
  }

  private u8(at: number): number { this.need(1, at); return this.bytes[this.pos++]; }
  private u16(at: number): number { this.need(2, at); const v = this.dv.getUint16(this.pos, true); this.pos += 2; return v; }
  private u32(at: number): number { this.need(4, at); const v = this.dv.getUint32(this.pos, true); this.pos += 4; return v; }
  private u64(at: number): number {
    this.need(8, at);
    const v = this.dv.getBigUint64(this.pos, true);
    this.pos += 8;
    if (v > BigInt(this.bytes.length)) throw new PickleError(`truncated pickle: length ${v} at offset ${at} exceeds the data`, at);
    return Number(v);
  }

  private pop(at: number): unknown {
    if (this.stack.length === 0) throw new PickleError(`malformed pickle: stack underflow at offset ${at}`, at);
    return this.stack.pop();
  }

  private top(at: number): unknown {
    if (this.stack.length === 0) throw new PickleError(`malformed pickle: stack underflow at offset ${at}`, at);
    return this.stack[this.stack.length - 1];
  }

  private popMark(at: number): unknown[] {
    const items = this.stack;
    const prev = this.metastack.pop();
    if (!prev) throw new PickleError(`malformed pickle: no MARK for opcode at offset ${at}`, at);
    this.stack = prev;
    return items;
  }

  private resolve(module: string, name: string): unknown {
    const mod = MODULE_RENAMES[module] ?? module;
    const custom = this.opts.findClass?.(mod, name);
    if (custom !== undefined) return custom;
    return builtinGlobal(mod, name) ?? new PyGlobal(mod, name);
  }

  private call(fn: unknown, args: unknown[], how: 'reduce' | 'newobj', at: number): unknown {
    if (fn instanceof PyCallable) {
      try {
        return fn.call(args);
      } catch (e) {
        if (e instanceof PickleError) throw e;
        throw new PickleError(`${fn.qualname}(...) at offset ${at}: ${(e as Error).message}`, at);
      }
    }
    if (fn instanceof PyGlobal) return new PyObject(fn.qualname, args, how);
    // e.g. calling a placeholder instance: keep the information
    return new PyObject(`<call of ${typeof fn === 'object' && fn instanceof PyObject ? fn.__class__ : typeof fn}>`, args, how);
  }

  private setItems(target: unknown, kv: unknown[], at: number): void {
    if (kv.length % 2 !== 0) throw new PickleError(`malformed pickle: odd number of dict items at offset ${at}`, at);
    if (target instanceof RawDict) {
      for (let i = 0; i < kv.length; i += 2) target.set(kv[i], kv[i + 1]);
    } else if (target instanceof PyObject) {
      target.dictItems ??= new Map();
      for (let i = 0; i < kv.length; i += 2) target.dictItems.set(kv[i], kv[i + 1]);
    } else {
      throw new PickleError(`malformed pickle: SETITEMS on a ${describe(target)} at offset ${at}`, at);
    }
  }

  private appendItems(target: unknown, items: unknown[], at: number): void {
    if (Array.isArray(target)) {
      for (const x of items) target.push(x);
    } else if (target instanceof PyObject) {
      (target.listItems ??= []).push(...items);
    } else if (target instanceof Set) {
      for (const x of items) target.add(x);
    } else {
      throw new PickleError(`malformed pickle: APPENDS on a ${describe(target)} at offset ${at}`, at);
    }
  }

  load(): unknown {
    const b = this.bytes;
    const stack = () => this.stack;
    for (;;) {
      const at = this.pos;
      if (at >= b.length) throw new PickleError(`truncated pickle: ended at offset ${at} without a STOP opcode`, at);
      const op = b[this.pos++];
      switch (op) {
        case OP.PROTO: {
          const v = this.u8(at);
          if (v > 5) throw new PickleError(`unsupported pickle protocol ${v} at offset ${at}`, at);
          break;
        }
        case OP.FRAME: this.u64(at); break;
        case OP.STOP: {
          const v = this.pop(at);
          return v;
        }
        case OP.MARK: this.metastack.push(this.stack); this.stack = []; break;
        case OP.POP:
          if (this.stack.length > 0) this.stack.pop();
          else this.popMark(at);
          break;
        case OP.POP_MARK: this.popMark(at); break;
        case OP.DUP: stack().push(this.top(at)); break;
        case OP.NONE: stack().push(null); break;
        case OP.NEWTRUE: stack().push(true); break;
        case OP.NEWFALSE: stack().push(false); break;
        case OP.INT: {
          const s = this.line(at);
          if (s === '01') stack().push(true);
          else if (s === '00') stack().push(false);
          else stack().push(parseIntText(s, at));
          break;
        }
        case OP.LONG: stack().push(parseIntText(this.line(at).replace(/L$/, ''), at)); break;
        case OP.BININT: { this.need(4, at); stack().push(this.dv.getInt32(this.pos, true)); this.pos += 4; break; }
        case OP.BININT1: stack().push(this.u8(at)); break;
        case OP.BININT2: stack().push(this.u16(at)); break;
        case OP.LONG1: { const n = this.u8(at); stack().push(decodeLong(this.take(n, at))); break; }
        case OP.LONG4: {
          this.need(4, at);
          const n = this.dv.getInt32(this.pos, true);
          this.pos += 4;
          if (n < 0) throw new PickleError(`malformed pickle: negative LONG4 length at offset ${at}`, at);
          stack().push(decodeLong(this.take(n, at)));
          break;
        }
        case OP.FLOAT: stack().push(parseFloatText(this.line(at), at)); break;
        case OP.BINFLOAT: { this.need(8, at); stack().push(this.dv.getFloat64(this.pos, false)); this.pos += 8; break; }
        case OP.STRING: stack().push(parseQuoted(this.line(at), at)); break;
        case OP.BINSTRING: {
          this.need(4, at);
          const n = this.dv.getInt32(this.pos, true);
          this.pos += 4;
          if (n < 0) throw new PickleError(`malformed pickle: negative BINSTRING length at offset ${at}`, at);
          stack().push(decodeUtf8(this.take(n, at)));
          break;
        }
        case OP.SHORT_BINSTRING: { const n = this.u8(at); stack().push(decodeUtf8(this.take(n, at))); break; }
        case OP.UNICODE: stack().push(decodeRawUnicodeEscape(this.line(at))); break;
        case OP.BINUNICODE: { const n = this.u32(at); stack().push(decodeUtf8(this.take(n, at))); break; }
        case OP.SHORT_BINUNICODE: { const n = this.u8(at); stack().push(decodeUtf8(this.take(n, at))); break; }
        case OP.BINUNICODE8: { const n = this.u64(at); stack().push(decodeUtf8(this.take(n, at))); break; }
        case OP.BINBYTES: { const n = this.u32(at); stack().push(this.take(n, at).slice()); break; }
        case OP.SHORT_BINBYTES: { const n = this.u8(at); stack().push(this.take(n, at).slice()); break; }
        case OP.BINBYTES8: case OP.BYTEARRAY8: { const n = this.u64(at); stack().push(this.take(n, at).slice()); break; }
        case OP.EMPTY_TUPLE: stack().push([]); break;
        case OP.TUPLE1: { const a = this.pop(at); stack().push([a]); break; }
        case OP.TUPLE2: { const b2 = this.pop(at); const a = this.pop(at); stack().push([a, b2]); break; }
        case OP.TUPLE3: { const c = this.pop(at); const b2 = this.pop(at); const a = this.pop(at); stack().push([a, b2, c]); break; }
        case OP.TUPLE: { const items = this.popMark(at); stack().push(items); break; }
        case OP.EMPTY_LIST: stack().push([]); break;
        case OP.LIST: { const items = this.popMark(at); stack().push(items); break; }
        case OP.EMPTY_DICT: stack().push(new RawDict()); break;
        case OP.DICT: {
          const items = this.popMark(at);
          const d = new RawDict();
          this.setItems(d, items, at);
          stack().push(d);
          break;
        }
        case OP.EMPTY_SET: stack().push(new Set()); break;
        case OP.FROZENSET: { const items = this.popMark(at); stack().push(new Set(items)); break; }
        case OP.ADDITEMS: { const items = this.popMark(at); this.appendItems(this.top(at), items, at); break; }
        case OP.APPEND: { const v = this.pop(at); this.appendItems(this.top(at), [v], at); break; }
        case OP.APPENDS: { const items = this.popMark(at); this.appendItems(this.top(at), items, at); break; }
        case OP.SETITEM: { const v = this.pop(at); const k = this.pop(at); this.setItems(this.top(at), [k, v], at); break; }
        case OP.SETITEMS: { const items = this.popMark(at); this.setItems(this.top(at), items, at); break; }
        case OP.GET: stack().push(this.memoGet(Number(this.line(at)), at)); break;
        case OP.BINGET: stack().push(this.memoGet(this.u8(at), at)); break;
        case OP.LONG_BINGET: stack().push(this.memoGet(this.u32(at), at)); break;
        case OP.PUT: this.memo.set(Number(this.line(at)), this.top(at)); break;
        case OP.BINPUT: { const i = this.u8(at); this.memo.set(i, this.top(at)); break; }
        case OP.LONG_BINPUT: { const i = this.u32(at); this.memo.set(i, this.top(at)); break; }
        case OP.MEMOIZE: this.memo.set(this.memo.size, this.top(at)); break;
        case OP.GLOBAL: {
          const module = this.line(at);
          const name = this.line(at);
          stack().push(this.resolve(module, name));
          break;
        }
        case OP.STACK_GLOBAL: {
          const name = this.pop(at);
          const module = this.pop(at);
          if (typeof module !== 'string' || typeof name !== 'string') {
            throw new PickleError(`malformed pickle: STACK_GLOBAL needs two strings at offset ${at}`, at);
          }
          stack().push(this.resolve(module, name));
          break;
        }
        case OP.REDUCE: {
          const args = this.pop(at);
          const fn = this.pop(at);
          stack().push(this.call(fn, Array.isArray(args) ? args : [args], 'reduce', at));
          break;
        }
        case OP.NEWOBJ: {
          const args = this.pop(at);
          const cls = this.pop(at);
          stack().push(this.call(cls, Array.isArray(args) ? args : [args], 'newobj', at));
          break;
        }
        case OP.NEWOBJ_EX: {
          const kwargs = this.pop(at);
          const args = this.pop(at);
          const cls = this.pop(at);
          const o = this.call(cls, Array.isArray(args) ? args : [args], 'newobj', at);
          if (o instanceof PyObject && kwargs instanceof Map && kwargs.size > 0) o.state = { kwargs };
          stack().push(o);
          break;
        }
        case OP.INST: {
          const module = this.line(at);
          const name = this.line(at);
          const args = this.popMark(at);
          stack().push(this.call(this.resolve(module, name), args, 'reduce', at));
          break;
        }
        case OP.OBJ: {
          const items = this.popMark(at);
          const cls = items.shift();
          stack().push(this.call(cls, items, 'reduce', at));
          break;
        }
        case OP.BUILD: {
          const state = this.pop(at);
          const obj = this.top(at);
          if (obj instanceof PyObject) obj.state = state;
          else if (obj instanceof RawDict) obj.state = state;
          else if (isSettable(obj)) obj.__setstate__(state);
          // BUILD on a container (e.g. an OrderedDict subclass' __dict__) carries no data we keep
          break;
        }
        case OP.PERSID: {
          const pid = this.line(at);
          stack().push(this.persistent(pid, at));
          break;
        }
        case OP.BINPERSID: {
          const pid = this.pop(at);
          stack().push(this.persistent(pid, at));
          break;
        }
        case OP.EXT1: case OP.EXT2: case OP.EXT4:
          throw new PickleError(`unsupported pickle opcode EXT (copyreg extension registry) at offset ${at}`, at);
        case OP.NEXT_BUFFER: case OP.READONLY_BUFFER:
          throw new PickleError(`unsupported pickle opcode for out-of-band buffers (0x${op.toString(16)}) at offset ${at}`, at);
        default:
          throw new PickleError(`unsupported pickle opcode 0x${op.toString(16).padStart(2, '0')} at offset ${at} (not a pickle, or corrupt)`, at);
      }
    }
  }

  private memoGet(i: number, at: number): unknown {
    if (!this.memo.has(i)) throw new PickleError(`malformed pickle: memo key ${i} not found at offset ${at}`, at);
    return this.memo.get(i);
  }

  private persistent(pid: unknown, at: number): unknown {
    if (!this.opts.persistentLoad) throw new PickleError(`pickle has a persistent id at offset ${at} but no persistent_load was given`, at);
    try {
      return this.opts.persistentLoad(pid);
    } catch (e) {
      if (e instanceof PickleError) throw e;
      throw new PickleError(`${(e as Error).message} (persistent id at offset ${at})`, at);
    }
  }
}

function describe(x: unknown): string {
  if (x === null) return 'None';
  if (Array.isArray(x)) return 'list';
  if (typeof x === 'object') return (x as object).constructor?.name ?? 'object';
  return typeof x;
}

function parseIntText(s: string, at: number): number | bigint {
  if (!/^[+-]?\d+$/.test(s.trim())) throw new PickleError(`malformed pickle: bad integer '${s}' at offset ${at}`, at);
  const b = BigInt(s.trim());
  return b >= BigInt(Number.MIN_SAFE_INTEGER) && b <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(b) : b;
}

function parseFloatText(s: string, at: number): number {
  const t = s.trim();
  const m: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };
  if (t.toLowerCase() in m) return m[t.toLowerCase()];
  const v = Number(t);
  if (Number.isNaN(v)) throw new PickleError(`malformed pickle: bad float '${s}' at offset ${at}`, at);
  return v;
}

function parseQuoted(s: string, at: number): string {
  const q = s[0];
  if ((q !== "'" && q !== '"') || s[s.length - 1] !== q) throw new PickleError(`malformed pickle: bad STRING at offset ${at}`, at);
  return s.slice(1, -1).replace(/\\(x[0-9a-fA-F]{2}|n|r|t|\\|'|")/g, (_, e: string) =>
    e[0] === 'x' ? String.fromCharCode(parseInt(e.slice(1), 16)) : ({ n: '\n', r: '\r', t: '\t' } as Record<string, string>)[e] ?? e);
}

function decodeRawUnicodeEscape(s: string): string {
  return s.replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_, a: string, b: string) => String.fromCodePoint(parseInt(a ?? b, 16)));
}

/** Little-endian two's complement bytes to an int (number when safe, else bigint). */
export function decodeLong(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]);
  if (b[b.length - 1] & 0x80) v -= 1n << BigInt(8 * b.length);
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

/** Turns the RawDicts of an unpickled value into objects or Maps, keeping shared references shared. */
function finalizeDicts(root: unknown, mode: 'auto' | 'map'): unknown {
  const done = new Map<object, unknown>();
  const conv = (x: unknown): unknown => {
    if (typeof x !== 'object' || x === null) return x;
    if (done.has(x)) return done.get(x);
    if (x instanceof RawDict) {
      const keysOk = mode === 'auto' && [...x.keys()].every((k) => typeof k === 'string' && !isIndexKey(k));
      if (keysOk) {
        const o: Record<string, unknown> = {};
        if (x.ordered) markOrderedDict(o);
        done.set(x, o);
        for (const [k, v] of x) defineKey(o, k as string, conv(v));
        if (x.state !== undefined && x.state !== null) setPyState(o, conv(x.state));
        return o;
      }
      const m = new Map<unknown, unknown>();
      if (x.ordered) markOrderedDict(m);
      done.set(x, m);
      for (const [k, v] of x) m.set(conv(k), conv(v));
      if (x.state !== undefined && x.state !== null) setPyState(m, conv(x.state));
      return m;
    }
    done.set(x, x);
    if (Array.isArray(x)) {
      for (let i = 0; i < x.length; i++) x[i] = conv(x[i]);
    } else if (x instanceof PyObject) {
      x.args = x.args.map(conv);
      x.state = conv(x.state);
      if (x.dictItems) x.dictItems = new Map([...x.dictItems].map(([k, v]) => [conv(k), conv(v)]));
      if (x.listItems) x.listItems = x.listItems.map(conv);
    } else if (x instanceof Set) {
      const items = [...x];
      x.clear();
      for (const v of items) x.add(conv(v));
    } else if (x instanceof NdArray && Array.isArray(x.data)) {
      x.data = x.data.map(conv);
    } else if (x instanceof Map) {
      for (const [k, v] of x) x.set(k, conv(v));
    }
    return x;
  };
  return conv(root);
}

