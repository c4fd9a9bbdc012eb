/**
 * Evaluates a parsed config module the way Python would when mmcv imports it, and returns its
 * namespace in assignment order (mmcv's `_file2dict` then keeps the names not starting with `__`).
 */
import { parseModule, type Arg, type Expr, type FPart, type Generator, type Stmt } from './parser.ts';
import { ConfigSyntaxError } from './tokenizer.ts';
import { formatValue, FormatError, percentFormat } from './format.ts';
import {
  intKeys, isDict, isList, numeric, pyEquals, PyFunction, pyKeys, PyTuple, repr, setIntKeys, str, truthy, typeName,
  type PyDict, type PyValue,
} from './values.ts';

/** An error raised while evaluating a config (Python would raise NameError, TypeError...). */
export class ConfigEvalError extends ConfigSyntaxError {
  /** For NameError: the undefined name. */
  name_?: string;
  constructor(file: string, line: number, col: number, detail: string, sourceLine?: string) {
    super(file, line, col, detail, sourceLine);
    this.name = 'ConfigEvalError';
  }
}

/** Thrown inside helpers; converted to a ConfigEvalError at the nearest expression. */
class PyError extends Error {
  constructor(readonly pyType: string, message: string, readonly undefinedName?: string) { super(message); }
}

const err = (type: string, msg: string): never => { throw new PyError(type, msg); };

type Scope = Map<string, PyValue>;

export function evaluateModule(src: string, file: string): Map<string, PyValue> {
  const stmts = parseModule(src, file);
  return new Evaluator(file, src.split('\n')).run(stmts);
}

class Evaluator {
  private module: Scope = new Map();
  private scopes: Scope[] = [];

  constructor(private file: string, private lines: string[]) {}

  run(stmts: Stmt[]): Map<string, PyValue> {
    for (const s of stmts) this.stmt(s);
    return this.module;
  }

  private wrap<T>(at: { line: number; col: number }, f: () => T): T {
    try {
      return f();
    } catch (e) {
      if (e instanceof PyError || e instanceof FormatError) {
        const type = e instanceof PyError ? e.pyType : 'ValueError';
        const ce = new ConfigEvalError(this.file, at.line, at.col, `${type}: ${e.message}`, this.lines[at.line - 1]);
        if (e instanceof PyError && e.undefinedName) ce.name_ = e.undefinedName;
        throw ce;
      }
      throw e;
    }
  }

  private stmt(s: Stmt): void {
    switch (s.t) {
      case 'pass': return;
      case 'expr': this.expr(s.value); return;
      case 'assign': {
        const v = this.expr(s.value);
        for (const tg of s.targets) this.assign(tg, v);
        return;
      }
      case 'augassign': {
        const cur = this.expr(s.target);
        const v = this.expr(s.value);
        // list += iterable extends in place, like Python
        if (s.op === '+' && isList(cur)) { this.wrap(s, () => cur.push(...this.iterate(v))); return; }
        this.assign(s.target, this.wrap(s, () => binop(s.op, cur, v)));
      }
    }
  }

  private assign(tg: Expr, v: PyValue): void {
    this.wrap(tg, () => {
      if (tg.t === 'name') {
        const scope = this.scopes.length ? this.scopes[this.scopes.length - 1] : this.module;
        scope.set(tg.id, v);
      } else if (tg.t === 'tuple' || tg.t === 'list') {
        const items = this.iterate(v);
        const star = tg.elts.findIndex((e) => e.t === 'starred');
        if (star < 0) {
          if (items.length !== tg.elts.length) {
            err('ValueError', items.length > tg.elts.length
              ? `too many values to unpack (expected ${tg.elts.length})`
              : `not enough values to unpack (expected ${tg.elts.length}, got ${items.length})`);
          }
          tg.elts.forEach((e, i) => this.assign(e, items[i]));
        } else {
          const after = tg.elts.length - star - 1;
          if (items.length < tg.elts.length - 1) err('ValueError', `not enough values to unpack (expected at least ${tg.elts.length - 1}, got ${items.length})`);
          tg.elts.slice(0, star).forEach((e, i) => this.assign(e, items[i]));
          this.assign((tg.elts[star] as Extract<Expr, { t: 'starred' }>).value, items.slice(star, items.length - after));
          tg.elts.slice(star + 1).forEach((e, i) => this.assign(e, items[items.length - after + i]));
        }
      } else if (tg.t === 'subscript') {
        const obj = this.expr(tg.value);
        const key = this.expr(tg.index);
        if (isDict(obj)) setKey(obj, key, v);
        else if (isList(obj)) obj[index(obj, key)] = v;
        else err('TypeError', `'${typeName(obj)}' object does not support item assignment`);
      } else if (tg.t === 'attr') {
        err('AttributeError', `cannot set attribute '${tg.attr}' of a '${typeName(this.expr(tg.value))}' (config files set dict entries with x['${tg.attr}'] = ...)`);
      } else err('SyntaxError', 'cannot assign to this expression');
    });
  }

  private lookup(id: string): PyValue {
    for (let i = this.scopes.length - 1; i >= 0; i--) {
      if (this.scopes[i].has(id)) return this.scopes[i].get(id)!;
    }
    if (this.module.has(id)) return this.module.get(id)!;
    const b = BUILTINS.get(id);
    if (b) return b;
    throw new PyError('NameError', `name '${id}' is not defined`, id);
  }

  expr(e: Expr): PyValue {
    return this.wrap(e, () => this.eval(e));
  }

  private eval(e: Expr): PyValue {
    switch (e.t) {
      case 'const': return e.value;
      case 'name': return this.lookup(e.id);
      case 'fstring': return this.fstring(e.parts);
      case 'list': return this.elements(e.elts);
      case 'tuple': return PyTuple.fromIter(this.elements(e.elts));
      case 'starred': return err('SyntaxError', "can't use starred expression here");
      case 'dict': {
        const out: PyDict = {};
        for (const item of e.items) {
          if ('spread' in item) {
            const v = this.expr(item.spread);
            if (!isDict(v)) err('TypeError', `'${typeName(v)}' object is not a mapping`);
            update(out, v as PyDict);
          } else {
            const k = this.expr(item.key);
            setKey(out, k, this.expr(item.value));
          }
        }
        return out;
      }
      case 'call': {
        const f = this.expr(e.func);
        const [args, kwargs] = this.callArgs(e.args, f);
        if (!(f instanceof PyFunction)) return err('TypeError', `'${typeName(f)}' object is not callable`);
        return f.call(args, kwargs);
      }
      case 'attr': return getAttr(this.expr(e.value), e.attr);
      case 'subscript': {
        const obj = this.expr(e.value);
        if (e.index.t === 'slice') return this.slice(obj, e.index);
        return subscript(obj, this.expr(e.index));
      }
      case 'slice': return err('SyntaxError', 'a slice is only allowed inside [...]');
      case 'binop': return binop(e.op, this.expr(e.left), this.expr(e.right));
      case 'unary': {
        const v = this.expr(e.operand);
        if (e.op === 'not') return !truthy(v);
        const n = numeric(v);
        if (n === undefined) return err('TypeError', `bad operand type for unary ${e.op}: '${typeName(v)}'`);
        return e.op === '-' ? (typeof n === 'bigint' ? -n : -n) : n;
      }
      case 'boolop': {
        let v: PyValue = null;
        for (const x of e.values) {
          v = this.expr(x);
          if (e.op === 'and' ? !truthy(v) : truthy(v)) return v;
        }
        return v;
      }
      case 'compare': {
        let left = this.expr(e.left);
        for (let i = 0; i < e.ops.length; i++) {
          const right = this.expr(e.rights[i]);
          if (!compare(e.ops[i], left, right)) return false;
          left = right;
        }
        return true;
      }
      case 'ifexp': return truthy(this.expr(e.test)) ? this.expr(e.body) : this.expr(e.orelse);
      case 'listcomp': {
        const out: PyValue[] = [];
        this.comprehend(e.gens, () => out.push(this.expr(e.elt)));
        return out;
      }
      case 'dictcomp': {
        const out: PyDict = {};
        this.comprehend(e.gens, () => { setKey(out, this.expr(e.key), this.expr(e.value)); });
        return out;
      }
    }
  }

  private comprehend(gens: Generator[], body: () => void): void {
    // Python evaluates the first iterable in the enclosing scope, the rest in the comprehension's.
    const first = this.iterate(this.expr(gens[0].iter));
    this.scopes.push(new Map());
    try {
      const loop = (k: number, items: PyValue[]) => {
        const g = gens[k];
        for (const item of items) {
          this.assign(g.target, item);
          if (!g.ifs.every((c) => truthy(this.expr(c)))) continue;
          if (k + 1 < gens.length) loop(k + 1, this.iterate(this.expr(gens[k + 1].iter)));
          else body();
        }
      };
      loop(0, first);
    } finally {
      this.scopes.pop();
    }
  }

  private elements(elts: Expr[]): PyValue[] {
    const out: PyValue[] = [];
    for (const x of elts) {
      if (x.t === 'starred') out.push(...this.iterate(this.expr(x.value)));
      else out.push(this.expr(x));
    }
    return out;
  }

  private callArgs(args: Arg[], f: PyValue): [PyValue[], [string, PyValue][]] {
    const pos: PyValue[] = [];
    const kw: [string, PyValue][] = [];
    const fname = f instanceof PyFunction ? `${f.name}()` : 'function';
    const addKw = (k: string, v: PyValue) => {
      if (kw.some(([n]) => n === k)) err('TypeError', `${fname} got multiple values for keyword argument '${k}'`);
      kw.push([k, v]);
    };
    for (const a of args) {
      if (a.kind === 'pos') pos.push(this.expr(a.value));
      else if (a.kind === 'star') pos.push(...this.iterate(this.expr(a.value)));
      else if (a.kind === 'kw') addKw(a.name, this.expr(a.value));
      else {
        const v = this.expr(a.value);
        if (!isDict(v)) err('TypeError', `${fname} argument after ** must be a mapping, not ${typeName(v)}`);
        for (const [k, x] of Object.entries(v as PyDict)) addKw(k, x);
      }
    }
    return [pos, kw];
  }

  private slice(obj: PyValue, s: Extract<Expr, { t: 'slice' }>): PyValue {
    const bound = (x: Expr | null): number | undefined => {
      if (!x) return undefined;
      const v = this.expr(x);
      if (v === null) return undefined;
      if (typeof v !== 'bigint' && typeof v !== 'boolean') err('TypeError', 'slice indices must be integers or None');
      return Number(numeric(v));
    };
    const lo = bound(s.lower);
    const hi = bound(s.upper);
    const step = bound(s.step) ?? 1;
    if (step === 0) err('ValueError', 'slice step cannot be zero');
    if (typeof obj !== 'string' && !Array.isArray(obj)) return err('TypeError', `'${typeName(obj)}' object is not subscriptable`);
    const items: PyValue[] = typeof obj === 'string' ? [...obj] : obj;
    const n = items.length;
    const norm = (x: number | undefined, dflt: number) => {
      if (x === undefined) return dflt;
      if (x < 0) x += n;
      return step > 0 ? Math.min(Math.max(x, 0), n) : Math.min(Math.max(x, -1), n - 1);
    };
    const start = norm(lo, step > 0 ? 0 : n - 1);
    const stop = norm(hi, step > 0 ? n : -1);
    const out: PyValue[] = [];
    for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(items[i]);
    if (typeof obj === 'string') return out.join('');
    return obj instanceof PyTuple ? PyTuple.fromIter(out) : out;
  }

  private fstring(parts: FPart[]): string {
    let out = '';
    for (const p of parts) {
      if (typeof p === 'string') { out += p; continue; }
      let v = this.expr(p.expr);
      if (p.conv === 'r' || p.conv === 'a') v = repr(v);
      else if (p.conv === 's') v = str(v);
      const spec = p.spec ? this.fstring(p.spec) : '';
      out += formatValue(v, spec);
    }
    return out;
  }

  iterate(v: PyValue): PyValue[] {
    return iterate(v);
  }
}

function iterate(v: PyValue): PyValue[] {
  if (Array.isArray(v)) return [...v];
  if (typeof v === 'string') return [...v];
  if (isDict(v)) return pyKeys(v);
  return err('TypeError', `'${typeName(v)}' object is not iterable`);
}

function dictKey(k: PyValue): string {
  if (typeof k === 'string') return k;
  if (typeof k === 'bigint') return k.toString();
  if (typeof k === 'boolean') return k ? 'true' : 'false';
  if (k === null) return 'null';
  if (typeof k === 'number') return repr(k);
  if (k instanceof PyTuple) return err('TypeError', 'tuple keys are not supported in config files (they cannot be written as JSON)');
  return err('TypeError', `unhashable type: '${typeName(k)}'`);
}

/** `d[key] = v` for a Python key (an int key is remembered as such, see INT_KEYS). */
function setKey(d: PyDict, key: PyValue, v: PyValue): void {
  const k = dictKey(key);
  if (k === '__proto__') err('KeyError', "the key '__proto__' is not allowed in config files");
  const isInt = typeof key === 'bigint';
  const ints = intKeys(d);
  d[k] = v;
  if (isInt !== ints.includes(k)) setIntKeys(d, isInt ? [...ints, k] : ints.filter((x) => x !== k));
}

/** `d.update(src)` / `{**src}`, keeping int keys. */
function update(d: PyDict, src: PyDict): void {
  const ints = new Set(intKeys(src));
  for (const [k, v] of Object.entries(src)) setKey(d, ints.has(k) ? BigInt(k) : k, v);
}

function index(seq: PyValue[] | string, key: PyValue): number {
  if (typeof key !== 'bigint' && typeof key !== 'boolean') {
    return err('TypeError', `${typeName(Array.isArray(seq) ? (seq as PyValue[]) : seq)} indices must be integers or slices, not ${typeName(key)}`);
  }
  let i = Number(numeric(key));
  if (i < 0) i += seq.length;
  if (i < 0 || i >= seq.length) err('IndexError', `${Array.isArray(seq) ? typeName(seq as PyValue[]) : 'string'} index out of range`);
  return i;
}

function subscript(obj: PyValue, key: PyValue): PyValue {
  if (isDict(obj)) {
    const k = dictKey(key);
    if (!Object.prototype.hasOwnProperty.call(obj, k)) err('KeyError', repr(key));
    return obj[k];
  }
  if (Array.isArray(obj)) return obj[index(obj, key)];
  if (typeof obj === 'string') return [...obj][index([...obj].join(''), key)];
  return err('TypeError', `'${typeName(obj)}' object is not subscriptable`);
}

function num(v: PyValue): bigint | number | undefined { return numeric(v); }

function unsupported(op: string, a: PyValue, b: PyValue): never {
  return err('TypeError', `unsupported operand type(s) for ${op}: '${typeName(a)}' and '${typeName(b)}'`);
}

function repeat<T>(items: T[], n: bigint | number): T[] {
  const out: T[] = [];
  for (let i = 0; i < Number(n); i++) out.push(...items);
  return out;
}

export function binop(op: string, a: PyValue, b: PyValue): PyValue {
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return arith(op, x, y);
  if (op === '+') {
    if (typeof a === 'string' && typeof b === 'string') return a + b;
    if (a instanceof PyTuple && b instanceof PyTuple) return PyTuple.fromIter([...a, ...b]);
    if (isList(a) && isList(b)) return [...a, ...b];
    if (isDict(a) && isDict(b)) return err('TypeError', "unsupported operand type(s) for +: 'dict' and 'dict' (use dict(a, **b) or {**a, **b})");
    return unsupported(op, a, b);
  }
  if (op === '*') {
    const [seq, n] = typeof y === 'bigint' ? [a, y] : typeof x === 'bigint' ? [b, x] : [null, null];
    if (n !== null) {
      if (typeof seq === 'string') return seq.repeat(Math.max(0, Number(n)));
      if (seq instanceof PyTuple) return PyTuple.fromIter(repeat([...seq], n));
      if (isList(seq)) return repeat(seq, n);
    }
    return unsupported(op, a, b);
  }
  if (op === '%' && typeof a === 'string') return percentFormat(a, b);
  return unsupported(op, a, b);
}

function arith(op: string, x: bigint | number, y: bigint | number): PyValue {
  if (typeof x === 'bigint' && typeof y === 'bigint') {
    switch (op) {
      case '+': return x + y;
      case '-': return x - y;
      case '*': return x * y;
      case '/':
        if (y === 0n) err('ZeroDivisionError', 'division by zero');
        return Number(x) / Number(y);
      case '//': {
        if (y === 0n) err('ZeroDivisionError', 'integer division or modulo by zero');
        const q = x / y;
        return (x % y !== 0n && (x < 0n) !== (y < 0n)) ? q - 1n : q;
      }
      case '%': {
        if (y === 0n) err('ZeroDivisionError', 'integer division or modulo by zero');
        const r = x % y;
        return r !== 0n && (r < 0n) !== (y < 0n) ? r + y : r;
      }
      case '**':
        if (y < 0n) return Number(x) ** Number(y);
        return x ** y;
    }
  }
  const a = Number(x);
  const b = Number(y);
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/':
      if (b === 0) err('ZeroDivisionError', 'float division by zero');
      return a / b;
    case '//':
      if (b === 0) err('ZeroDivisionError', 'float floor division by zero');
      return Math.floor(a / b);
    case '%': {
      if (b === 0) err('ZeroDivisionError', 'float modulo');
      const r = a % b;
      return r !== 0 && (r < 0) !== (b < 0) ? r + b : r;
    }
    case '**': {
      if (a < 0 && !Number.isInteger(b)) err('ValueError', 'complex results are not supported in config files');
      return a ** b;
    }
  }
  return err('SyntaxError', `unknown operator ${op}`);
}

function compare(op: string, a: PyValue, b: PyValue): boolean {
  switch (op) {
    case '==': return pyEquals(a, b);
    case '!=': return !pyEquals(a, b);
    case 'is': return a === b || (a === null && b === null);
    case 'is not': return !(a === b || (a === null && b === null));
    case 'in': case 'not in': {
      let found: boolean;
      if (typeof b === 'string') {
        if (typeof a !== 'string') err('TypeError', `'in <string>' requires string as left operand, not ${typeName(a)}`);
        found = b.includes(a as string);
      } else if (isDict(b)) found = Object.prototype.hasOwnProperty.call(b, dictKey(a));
      else if (Array.isArray(b)) found = b.some((x) => pyEquals(x, a));
      else return err('TypeError', `argument of type '${typeName(b)}' is not iterable`);
      return op === 'in' ? found : !found;
    }
  }
  const c = order(a, b, op);
  switch (op) {
    case '<': return c < 0;
    case '<=': return c <= 0;
    case '>': return c > 0;
    default: return c >= 0;
  }
}

/** Python ordering of two values: numbers, strings, lists/tuples element-wise. */
function order(a: PyValue, b: PyValue, op = '<'): number {
  const x = num(a);
  const y = num(b);
  if (x !== undefined && y !== undefined) return x < y ? -1 : x > y ? 1 : 0;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  if (Array.isArray(a) && Array.isArray(b) && (a instanceof PyTuple) === (b instanceof PyTuple)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEquals(a[i], b[i])) return order(a[i], b[i], op);
    }
    return a.length - b.length;
  }
  return err('TypeError', `'${op}' not supported between instances of '${typeName(a)}' and '${typeName(b)}'`);
}

// ---------------------------------------------------------------- built-ins and methods

function fn(name: string, call: (args: PyValue[], kwargs: [string, PyValue][]) => PyValue): PyFunction {
  return new PyFunction(name, call);
}

function noKwargs(name: string, kw: [string, PyValue][]): void {
  if (kw.length) err('TypeError', `${name}() takes no keyword arguments`);
}

function nargs(name: string, args: PyValue[], min: number, max: number): void {
  if (args.length < min || args.length > max) {
    err('TypeError', `${name}() takes ${min === max ? min : `from ${min} to ${max}`} positional argument${max === 1 ? '' : 's'} but ${args.length} were given`);
  }
}

function toInt(v: PyValue): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'boolean') return v ? 1n : 0n;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) err('ValueError', `cannot convert float ${repr(v)} to integer`);
    return BigInt(Math.trunc(v));
  }
  if (typeof v === 'string') {
    const s = v.trim().replace(/_/g, '');
    if (!/^[+-]?\d+$/.test(s)) err('ValueError', `invalid literal for int() with base 10: ${repr(v)}`);
    return BigInt(s);
  }
  return err('TypeError', `int() argument must be a string or a number, not '${typeName(v)}'`);
}

function toFloat(v: PyValue): number {
  const n = num(v);
  if (n !== undefined) return Number(n);
  if (typeof v === 'string') {
    const s = v.trim().toLowerCase();
    if (s === 'inf' || s === '+inf' || s === 'infinity') return Infinity;
    if (s === '-inf' || s === '-infinity') return -Infinity;
    if (s === 'nan') return NaN;
    if (!/^[+-]?(\d[\d_]*\.?[\d_]*|\.\d[\d_]*)(e[+-]?\d+)?$/.test(s)) err('ValueError', `could not convert string to float: ${repr(v)}`);
    return Number(s.replace(/_/g, ''));
  }
  return err('TypeError', `float() argument must be a string or a number, not '${typeName(v)}'`);
}

function pairs(v: PyValue, name: string): [PyValue, PyValue][] {
  if (isDict(v)) return pyKeys(v).map((k) => [k, v[String(k)]]);
  return iterate(v).map((p, i) => {
    const kv = Array.isArray(p) ? p : typeof p === 'string' ? [...p] : null;
    if (!kv || kv.length !== 2) err('ValueError', `${name}: sequence element #${i} has length ${kv ? kv.length : '?'}; 2 is required`);
    return [kv![0], kv![1]] as [PyValue, PyValue];
  });
}

function rangeOf(args: PyValue[]): PyValue[] {
  nargs('range', args, 1, 3);
  const ints = args.map((a) => {
    if (typeof a !== 'bigint' && typeof a !== 'boolean') err('TypeError', `'${typeName(a)}' object cannot be interpreted as an integer`);
    return Number(numeric(a));
  });
  const [start, stop, step] = ints.length === 1 ? [0, ints[0], 1] : [ints[0], ints[1], ints[2] ?? 1];
  if (step === 0) err('ValueError', 'range() arg 3 must not be zero');
  const count = Math.max(0, Math.ceil((stop - start) / step));
  if (count > 10_000_000) err('ValueError', `range() of ${count} items is too large for a config file`);
  const out: PyValue[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) out.push(BigInt(i));
  return out;
}

function minmax(name: 'min' | 'max', args: PyValue[], kw: [string, PyValue][]): PyValue {
  const dflt = kw.find(([k]) => k === 'default');
  if (kw.some(([k]) => k !== 'default')) err('TypeError', `${name}() only supports the 'default' keyword in config files`);
  const items = args.length === 1 ? iterate(args[0]) : args;
  if (!items.length) {
    if (dflt) return dflt[1];
    err('ValueError', `${name}() arg is an empty sequence`);
  }
  let best = items[0];
  for (const x of items.slice(1)) if (name === 'min' ? order(x, best) < 0 : order(x, best) > 0) best = x;
  return best;
}

const BUILTINS = new Map<string, PyFunction>([
  ['dict', fn('dict', (args, kw) => {
    nargs('dict', args, 0, 1);
    const out: PyDict = {};
    if (args.length) for (const [k, v] of pairs(args[0], 'dict')) setKey(out, k, v);
    for (const [k, v] of kw) setKey(out, k, v);
    return out;
  })],
  ['list', fn('list', (args, kw) => { noKwargs('list', kw); nargs('list', args, 0, 1); return args.length ? iterate(args[0]) : []; })],
  ['tuple', fn('tuple', (args, kw) => { noKwargs('tuple', kw); nargs('tuple', args, 0, 1); return PyTuple.fromIter(args.length ? iterate(args[0]) : []); })],
  ['range', fn('range', (args, kw) => { noKwargs('range', kw); return rangeOf(args); })],
  ['len', fn('len', (args, kw) => {
    noKwargs('len', kw); nargs('len', args, 1, 1);
    const v = args[0];
    if (typeof v === 'string') return BigInt([...v].length);
    if (Array.isArray(v)) return BigInt(v.length);
    if (isDict(v)) return BigInt(Object.keys(v).length);
    return err('TypeError', `object of type '${typeName(v)}' has no len()`);
  })],
  ['int', fn('int', (args, kw) => { noKwargs('int', kw); nargs('int', args, 0, 1); return args.length ? toInt(args[0]) : 0n; })],
  ['float', fn('float', (args, kw) => { noKwargs('float', kw); nargs('float', args, 0, 1); return args.length ? toFloat(args[0]) : 0; })],
  ['str', fn('str', (args, kw) => { noKwargs('str', kw); nargs('str', args, 0, 1); return args.length ? str(args[0]) : ''; })],
  ['bool', fn('bool', (args, kw) => { noKwargs('bool', kw); nargs('bool', args, 0, 1); return args.length ? truthy(args[0]) : false; })],
  ['abs', fn('abs', (args, kw) => {
    noKwargs('abs', kw); nargs('abs', args, 1, 1);
    const n = num(args[0]);
    if (n === undefined) return err('TypeError', `bad operand type for abs(): '${typeName(args[0])}'`);
    return typeof n === 'bigint' ? (n < 0n ? -n : n) : Math.abs(n);
  })],
  ['round', fn('round', (args, kw) => {
    noKwargs('round', kw); nargs('round', args, 1, 2);
    const n = num(args[0]);
    if (n === undefined) return err('TypeError', `type ${typeName(args[0])} doesn't define __round__ method`);
    const digits = args.length > 1 && args[1] !== null ? Number(toInt(args[1])) : null;
    if (typeof n === 'bigint') return n;
    const f = 10 ** (digits ?? 0);
    const x = n * f;
    // Python rounds half to even
    let r = Math.round(x);
    if (Math.abs(x % 1) === 0.5 && r % 2 !== 0) r -= 1;
    return digits === null ? BigInt(r) : r / f;
  })],
  ['min', fn('min', (args, kw) => minmax('min', args, kw))],
  ['max', fn('max', (args, kw) => minmax('max', args, kw))],
  ['sum', fn('sum', (args, kw) => {
    noKwargs('sum', kw); nargs('sum', args, 1, 2);
    let acc: PyValue = args.length > 1 ? args[1] : 0n;
    for (const x of iterate(args[0])) acc = binop('+', acc, x);
    return acc;
  })],
  ['sorted', fn('sorted', (args, kw) => {
    nargs('sorted', args, 1, 1);
    if (kw.some(([k]) => k !== 'reverse')) err('TypeError', "sorted() only supports the 'reverse' keyword in config files");
    const out = iterate(args[0]).sort((a, b) => order(a, b));
    return kw.some(([, v]) => truthy(v)) ? out.reverse() : out;
  })],
  ['reversed', fn('reversed', (args, kw) => { noKwargs('reversed', kw); nargs('reversed', args, 1, 1); return iterate(args[0]).reverse(); })],
  ['zip', fn('zip', (args, kw) => {
    noKwargs('zip', kw);
    const lists = args.map(iterate);
    const n = lists.length ? Math.min(...lists.map((l) => l.length)) : 0;
    return Array.from({ length: n }, (_, i) => PyTuple.fromIter(lists.map((l) => l[i])));
  })],
  ['enumerate', fn('enumerate', (args, kw) => {
    nargs('enumerate', args, 1, 2);
    const startArg = args[1] ?? kw.find(([k]) => k === 'start')?.[1] ?? 0n;
    const start = toInt(startArg);
    return iterate(args[0]).map((x, i) => PyTuple.make(start + BigInt(i), x));
  })],
  ['any', fn('any', (args, kw) => { noKwargs('any', kw); nargs('any', args, 1, 1); return iterate(args[0]).some(truthy); })],
  ['all', fn('all', (args, kw) => { noKwargs('all', kw); nargs('all', args, 1, 1); return iterate(args[0]).every(truthy); })],
]);

const STR_METHODS: Record<string, (s: string, args: PyValue[], kw: [string, PyValue][]) => PyValue> = {
  format: (s, args, kw) => strFormat(s, args, kw),
  join: (s, args) => {
    nargs('join', args, 1, 1);
    return iterate(args[0]).map((x, i) => {
      if (typeof x !== 'string') err('TypeError', `sequence item ${i}: expected str instance, ${typeName(x)} found`);
      return x;
    }).join(s);
  },
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  strip: (s, args) => stripChars(s, args[0], true, true),
  lstrip: (s, args) => stripChars(s, args[0], true, false),
  rstrip: (s, args) => stripChars(s, args[0], false, true),
  replace: (s, args) => {
    nargs('replace', args, 2, 2);
    if (typeof args[0] !== 'string' || typeof args[1] !== 'string') err('TypeError', 'replace() arguments must be str');
    return s.split(args[0] as string).join(args[1] as string);
  },
  split: (s, args) => {
    const sep = args[0] ?? null;
    if (sep === null) return s.trim().split(/\s+/).filter((x) => x.length);
    if (typeof sep !== 'string') err('TypeError', `must be str or None, not ${typeName(sep)}`);
    return s.split(sep as string);
  },
  startswith: (s, args) => typeof args[0] === 'string' && s.startsWith(args[0]),
  endswith: (s, args) => typeof args[0] === 'string' && s.endsWith(args[0]),
};

function stripChars(s: string, chars: PyValue | undefined, left: boolean, right: boolean): string {
  const set = chars === undefined || chars === null ? null : new Set([...str(chars)]);
  const strip = (c: string) => (set ? set.has(c) : /\s/.test(c));
  const cs = [...s];
  let a = 0;
  let b = cs.length;
  if (left) while (a < b && strip(cs[a])) a++;
  if (right) while (b > a && strip(cs[b - 1])) b--;
  return cs.slice(a, b).join('');
}

function strFormat(s: string, args: PyValue[], kw: [string, PyValue][]): string {
  let auto = 0;
  const named = new Map(kw);
  return s.replace(/\{\{|\}\}|\{([^{}!:]*)(?:!([rsa]))?(?::([^{}]*))?\}/g, (all, field: string | undefined, conv: string | undefined, spec: string | undefined) => {
    if (all === '{{') return '{';
    if (all === '}}') return '}';
    let v: PyValue;
    const f = field ?? '';
    if ((f === '' && auto < 0) || (/^\d+$/.test(f) && auto > 0)) {
      err('ValueError', 'cannot switch between automatic field numbering and manual field specification');
    }
    if (/^\d+$/.test(f)) auto = -1;
    if (f === '') {
      if (auto >= args.length) err('IndexError', `Replacement index ${auto} out of range for positional args tuple`);
      v = args[auto++];
    } else if (/^\d+$/.test(f)) {
      if (Number(f) >= args.length) err('IndexError', `Replacement index ${f} out of range for positional args tuple`);
      v = args[Number(f)];
    } else if (/^[A-Za-z_]\w*$/.test(f)) {
      if (!named.has(f)) err('KeyError', `'${f}'`);
      v = named.get(f)!;
    } else return err('ValueError', `str.format field '{${f}}' is not supported in config files (use plain names or indexes)`);
    if (conv === 'r' || conv === 'a') v = repr(v);
    else if (conv === 's') v = str(v);
    return formatValue(v, spec ?? '');
  });
}

const DICT_METHODS: Record<string, (d: PyDict, args: PyValue[], kw: [string, PyValue][]) => PyValue> = {
  get: (d, args) => {
    nargs('get', args, 1, 2);
    const k = dictKey(args[0]);
    return Object.prototype.hasOwnProperty.call(d, k) ? d[k] : (args[1] ?? null);
  },
  keys: (d) => pyKeys(d),
  values: (d) => Object.values(d),
  items: (d) => pyKeys(d).map((k) => PyTuple.make(k, d[String(k)])),
  copy: (d) => ({ ...d }),
  update: (d, args, kw) => {
    if (args.length) for (const [k, v] of pairs(args[0], 'update')) setKey(d, k, v);
    for (const [k, v] of kw) setKey(d, k, v);
    return null;
  },
  pop: (d, args) => {
    nargs('pop', args, 1, 2);
    const k = dictKey(args[0]);
    if (!Object.prototype.hasOwnProperty.call(d, k)) {
      if (args.length > 1) return args[1];
      err('KeyError', repr(args[0]));
    }
    const v = d[k];
    delete d[k];
    setIntKeys(d, intKeys(d));
    return v;
  },
};

const LIST_METHODS: Record<string, (l: PyValue[], args: PyValue[]) => PyValue> = {
  copy: (l) => [...l],
  append: (l, args) => { nargs('append', args, 1, 1); l.push(args[0]); return null; },
  extend: (l, args) => { nargs('extend', args, 1, 1); l.push(...iterate(args[0])); return null; },
  index: (l, args) => {
    const i = l.findIndex((x) => pyEquals(x, args[0]));
    if (i < 0) err('ValueError', `${repr(args[0])} is not in list`);
    return BigInt(i);
  },
  count: (l, args) => BigInt(l.filter((x) => pyEquals(x, args[0])).length),
};

function getAttr(obj: PyValue, attr: string): PyValue {
  const bind = <T>(table: Record<string, (o: T, a: PyValue[], k: [string, PyValue][]) => PyValue>, o: T, kind: string) => {
    const m = Object.prototype.hasOwnProperty.call(table, attr) ? table[attr] : undefined;
    if (!m) return undefined;
    return fn(`${kind}.${attr}`, (a, k) => m(o, a, k));
  };
  let out: PyFunction | undefined;
  if (typeof obj === 'string') out = bind(STR_METHODS, obj, 'str');
  else if (isDict(obj)) {
    out = bind(DICT_METHODS, obj, 'dict');
    if (!out && Object.prototype.hasOwnProperty.call(obj, attr)) {
      err('AttributeError', `'dict' object has no attribute '${attr}' (a dict in a Python config is a plain dict: write x['${attr}'])`);
    }
  } else if (isList(obj)) out = bind(LIST_METHODS as never, obj, 'list');
  else if (obj instanceof PyTuple && (attr === 'index' || attr === 'count')) out = bind(LIST_METHODS as never, obj, 'tuple');
  if (!out) return err('AttributeError', `'${typeName(obj)}' object has no attribute '${attr}'`);
  return out;
}
