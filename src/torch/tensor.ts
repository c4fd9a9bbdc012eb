/**
 * Tensor: a PyTorch-like handle on a libtorch tensor. Ops call ATen operators through the
 * binding's boxed dispatcher (`aten::<name>.<overload>`), so semantics (broadcasting, type
 * promotion, autograd) are libtorch's own. Ops are synchronous, like libtorch.
 */
import { native, type Handle, type NativeValue } from './binding.ts';
import { dtypeCode, dtypeFromCode, dtypeInfo, normalizeDType, typedArrayOf, type DType, type TypedArray } from './dtype.ts';
import { track } from './scope.ts';

export type Scalar = number | boolean;
export type TensorOrScalar = Tensor | Scalar;
/** An index entry: number (select), null (new axis), '...' , ':' / 'a:b:c' (slice), [a, b, c?] (slice), Tensor (advanced). */
export type IndexSpec = number | null | string | [number | null, number | null, number?] | Tensor;

// ---------------------------------------------------------------------------------------------
// Operator calls

const opIds = new Map<string, number>();

function opId(qualified: string): number {
  let id = opIds.get(qualified);
  if (id === undefined) {
    const dot = qualified.indexOf('.');
    const name = dot < 0 ? qualified : qualified.slice(0, dot);
    const overload = dot < 0 ? '' : qualified.slice(dot + 1);
    id = native.opLookup(`aten::${name}`, overload);
    opIds.set(qualified, id);
  }
  return id;
}

function unwrap(v: unknown): unknown {
  if (v instanceof Tensor) return v.handle;
  if (Array.isArray(v)) return v.map(unwrap);
  return v;
}

function wrapResult(v: NativeValue): unknown {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) return v.map(wrapResult);
  return new Tensor(v);
}

/** Calls `aten::<name>[.<overload>]` with positional arguments (undefined = schema default). */
export function callOp(qualified: string, ...args: unknown[]): any {
  return wrapResult(native.opCall(opId(qualified), args.map(unwrap)));
}

/** Same with keyword arguments by schema name. */
export function callOpKw(qualified: string, args: unknown[], kwargs: Record<string, unknown>): any {
  const kw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(kwargs)) kw[k] = unwrap(v);
  return wrapResult(native.opCall(opId(qualified), args.map(unwrap), kw));
}

/** Calls an in-place op and returns `self` (the op's returned alias is freed at once). */
function inplace(self: Tensor, qualified: string, ...args: unknown[]): Tensor {
  const r = native.opCall(opId(qualified), [self.handle, ...args.map(unwrap)]);
  if (r !== null && typeof r === 'object' && !Array.isArray(r)) native.dispose(r as Handle);
  return self;
}

/** The schema text of an ATen operator (for error messages and docs). */
export function opSchema(qualified: string): string {
  return native.opSchema(opId(qualified));
}

const binaryOverload = (other: TensorOrScalar) => (other instanceof Tensor ? 'Tensor' : 'Scalar');

function normDim(dim: number | number[] | undefined | null): number[] | undefined {
  if (dim === undefined || dim === null) return undefined;
  return Array.isArray(dim) ? dim : [dim];
}

// ---------------------------------------------------------------------------------------------

export class Tensor {
  /** The native handle; owned by this Tensor. */
  readonly handle: Handle;
  #disposed = false;

  /** Wraps a native handle (from the binding or another translation unit). */
  constructor(handle: Handle) {
    this.handle = handle;
    track(this);
  }

  static fromHandle(handle: unknown): Tensor {
    return new Tensor(handle as Handle);
  }

  /** Copies raw bytes (native byte order) into a new contiguous CPU tensor. */
  static fromBytes(bytes: Uint8Array, dtype: DType, shape: number[]): Tensor {
    return new Tensor(native.fromBuffer(bytes, shape, dtypeCode(dtype)));
  }

  // -------------------------------------------------------------------------------- lifetime
  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    native.dispose(this.handle);
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** It left every tidy() scope: its bytes now count as memory only the GC may free (scope.ts). */
  escapeScopes(): void {
    if (!this.#disposed) native.escapeScopes(this.handle);
  }

  get isDisposed(): boolean {
    return this.#disposed;
  }

  // -------------------------------------------------------------------------------- metadata
  get shape(): number[] {
    return native.shape(this.handle);
  }

  size(dim?: number): any {
    const s = this.shape;
    if (dim === undefined) return s;
    return s[dim < 0 ? dim + s.length : dim];
  }

  get dtype(): DType {
    return dtypeFromCode(native.dtype(this.handle));
  }

  get device(): string {
    return native.device(this.handle);
  }

  get ndim(): number {
    return this.shape.length;
  }

  dim(): number {
    return this.shape.length;
  }

  numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  stride(dim?: number): any {
    const s = native.strideOf(this.handle);
    if (dim === undefined) return s;
    return s[dim < 0 ? dim + s.length : dim];
  }

  storageOffset(): number {
    return native.storageInfo(this.handle)[2];
  }

  /** Identity of the underlying storage (tensors sharing memory share the key). */
  storageKey(): bigint {
    return native.storageInfo(this.handle)[0];
  }

  storageNbytes(): number {
    return native.storageInfo(this.handle)[1];
  }

  /** A copy of the whole underlying storage's bytes (on CPU). */
  storageBytes(): Uint8Array {
    return new Uint8Array(native.storageBytes(this.handle));
  }

  isContiguous(): boolean {
    const shape = this.shape;
    const stride = this.stride() as number[];
    let expected = 1;
    for (let i = shape.length - 1; i >= 0; i--) {
      if (shape[i] !== 1 && stride[i] !== expected) return false;
      expected *= shape[i];
    }
    return true;
  }

  isFloatingPoint(): boolean {
    return dtypeInfo[this.dtype].isFloatingPoint;
  }

  toString(): string {
    return `Tensor(shape=[${this.shape.join(', ')}], dtype=${this.dtype}, device=${this.device}` +
      `${this.requiresGrad ? ', requiresGrad=true' : ''})`;
  }

  // -------------------------------------------------------------------------------- data out
  /** The elements as a typed array in C order (a copy). float16/bfloat16 come back as Float32Array, bool as Uint8Array, int64 as BigInt64Array. */
  toTypedArray(): TypedArray {
    const dt = this.dtype;
    if (dt === 'float16' || dt === 'bfloat16') {
      const f = this.to('float32');
      try { return f.toTypedArray(); } finally { f.dispose(); }
    }
    return typedArrayOf(dt, native.toBuffer(this.handle));
  }

  /** Alias of toTypedArray(). */
  get data(): TypedArray {
    return this.toTypedArray();
  }

  /** Zero-copy view of a contiguous CPU tensor's memory; writes go to the tensor. Keeps the memory alive while referenced. */
  dataView(): TypedArray {
    const dt = this.dtype;
    return typedArrayOf(dt, native.dataView(this.handle));
  }

  /** Nested JS arrays of numbers (int64 as numbers; booleans for bool). */
  toArray(): any {
    const flat = this.toTypedArray();
    const dt = this.dtype;
    const conv = dt === 'bool' ? (x: number | bigint) => x !== 0 : dt === 'int64' ? (x: number | bigint) => Number(x) : (x: number | bigint) => x;
    const shape = this.shape;
    if (shape.length === 0) return conv(flat[0]);
    let i = 0;
    const build = (d: number): any[] => {
      const out = new Array(shape[d]);
      for (let k = 0; k < shape[d]; k++) out[k] = d === shape.length - 1 ? conv(flat[i++]) : build(d + 1);
      return out;
    };
    return build(0);
  }

  item(): number {
    return native.item(this.handle) as number;
  }

  // -------------------------------------------------------------------------------- autograd
  get requiresGrad(): boolean {
    return native.tensorInfo(this.handle)[3];
  }

  set requiresGrad(v: boolean) {
    native.setRequiresGrad(this.handle, v);
  }

  requiresGrad_(v = true): this {
    native.setRequiresGrad(this.handle, v);
    return this;
  }

  get grad(): Tensor | null {
    const g = native.grad(this.handle);
    return g === null ? null : new Tensor(g);
  }

  set grad(g: Tensor | null) {
    native.setGrad(this.handle, g === null ? null : g.handle);
  }

  get isLeaf(): boolean {
    return native.autogradMeta(this.handle)[0];
  }

  get gradFn(): string | null {
    return native.autogradMeta(this.handle)[1];
  }

  retainGrad(): void {
    native.retainGrad(this.handle);
  }

  backward(gradient?: Tensor, { retainGraph = false, createGraph = false } = {}): void {
    native.backward([this.handle], gradient ? [gradient.handle] : null, retainGraph || createGraph, createGraph);
  }

  /** `t.data = src` in PyTorch: swaps in src's data (dtype/device may change) keeping this tensor's identity. */
  setData_(src: Tensor): this {
    native.setData(this.handle, src.handle);
    return this;
  }

  detach(): Tensor { return callOp('detach', this); }
  detach_(): this { inplace(this, 'detach_'); return this; }

  // -------------------------------------------------------------------------------- conversion
  /** to('float16'), to('cuda:0'), to({device, dtype}), or to(otherTensor) (its dtype and device). */
  to(target: DType | string | Tensor | { dtype?: DType | string; device?: string }, { copy = false } = {}): Tensor {
    let dtype: DType | undefined;
    let device: string | undefined;
    if (target instanceof Tensor) { dtype = target.dtype; device = target.device; }
    else if (typeof target === 'string') {
      if (/^(cpu|cuda|mps|meta)(:\d+)?$/.test(target)) device = target;
      else dtype = normalizeDType(target);
    } else { dtype = target.dtype ? normalizeDType(target.dtype) : undefined; device = target.device; }
    return callOpKw('to.dtype_layout', [this], {
      dtype: dtype === undefined ? undefined : dtypeCode(dtype), device, copy,
    });
  }

  float(): Tensor { return this.to('float32'); }
  double(): Tensor { return this.to('float64'); }
  half(): Tensor { return this.to('float16'); }
  long(): Tensor { return this.to('int64'); }
  int(): Tensor { return this.to('int32'); }
  bool(): Tensor { return this.to('bool'); }
  byte(): Tensor { return this.to('uint8'); }
  cpu(): Tensor { return this.to('cpu'); }
  cuda(index = 0): Tensor { return this.to(`cuda:${index}`); }
  contiguous(): Tensor { return callOp('contiguous', this); }
  clone(): Tensor { return callOp('clone', this); }
  asStrided(size: number[], stride: number[], storageOffset = 0): Tensor { return callOp('as_strided', this, size, stride, storageOffset); }

  // -------------------------------------------------------------------------------- arithmetic
  add(other: TensorOrScalar, alpha: number = 1): Tensor { return callOp(`add.${binaryOverload(other)}`, this, other, alpha); }
  sub(other: TensorOrScalar, alpha: number = 1): Tensor { return callOp(`sub.${binaryOverload(other)}`, this, other, alpha); }
  mul(other: TensorOrScalar): Tensor { return callOp(`mul.${binaryOverload(other)}`, this, other); }
  div(other: TensorOrScalar, roundingMode?: 'trunc' | 'floor'): Tensor {
    if (roundingMode) return callOp(`div.${binaryOverload(other)}_mode`, this, other, roundingMode);
    return callOp(`div.${binaryOverload(other)}`, this, other);
  }
  floorDivide(other: TensorOrScalar): Tensor { return this.div(other, 'floor'); }
  remainder(other: TensorOrScalar): Tensor { return callOp(`remainder.${binaryOverload(other)}`, this, other); }
  fmod(other: TensorOrScalar): Tensor { return callOp(`fmod.${binaryOverload(other)}`, this, other); }
  pow(exponent: TensorOrScalar): Tensor {
    return exponent instanceof Tensor ? callOp('pow.Tensor_Tensor', this, exponent) : callOp('pow.Tensor_Scalar', this, exponent);
  }
  rsub(other: TensorOrScalar): Tensor { return callOp(`rsub.${binaryOverload(other)}`, this, other); }
  neg(): Tensor { return callOp('neg', this); }
  maximum(other: Tensor): Tensor { return callOp('maximum', this, other); }
  minimum(other: Tensor): Tensor { return callOp('minimum', this, other); }
  matmul(other: Tensor): Tensor { return callOp('matmul', this, other); }
  mm(other: Tensor): Tensor { return callOp('mm', this, other); }
  bmm(other: Tensor): Tensor { return callOp('bmm', this, other); }
  dot(other: Tensor): Tensor { return callOp('dot', this, other); }
  outer(other: Tensor): Tensor { return callOp('outer', this, other); }
  lerp(end: Tensor, weight: TensorOrScalar): Tensor { return callOp(`lerp.${binaryOverload(weight)}`, this, end, weight); }

  // -------------------------------------------------------------------------------- comparison / logical
  eq(other: TensorOrScalar): Tensor { return callOp(`eq.${binaryOverload(other)}`, this, other); }
  ne(other: TensorOrScalar): Tensor { return callOp(`ne.${binaryOverload(other)}`, this, other); }
  lt(other: TensorOrScalar): Tensor { return callOp(`lt.${binaryOverload(other)}`, this, other); }
  le(other: TensorOrScalar): Tensor { return callOp(`le.${binaryOverload(other)}`, this, other); }
  gt(other: TensorOrScalar): Tensor { return callOp(`gt.${binaryOverload(other)}`, this, other); }
  ge(other: TensorOrScalar): Tensor { return callOp(`ge.${binaryOverload(other)}`, this, other); }
  logicalAnd(other: Tensor): Tensor { return callOp('logical_and', this, other); }
  logicalOr(other: Tensor): Tensor { return callOp('logical_or', this, other); }
  logicalXor(other: Tensor): Tensor { return callOp('logical_xor', this, other); }
  logicalNot(): Tensor { return callOp('logical_not', this); }
  bitwiseAnd(other: TensorOrScalar): Tensor { return callOp(`bitwise_and.${binaryOverload(other)}`, this, other); }
  bitwiseOr(other: TensorOrScalar): Tensor { return callOp(`bitwise_or.${binaryOverload(other)}`, this, other); }
  allclose(other: Tensor, rtol = 1e-5, atol = 1e-8, equalNan = false): boolean { return callOp('allclose', this, other, rtol, atol, equalNan); }
  equal(other: Tensor): boolean { return callOp('equal', this, other); }
  isnan(): Tensor { return callOp('isnan', this); }
  isinf(): Tensor { return callOp('isinf', this); }
  isfinite(): Tensor { return callOp('isfinite', this); }

  // -------------------------------------------------------------------------------- elementwise
  abs(): Tensor { return callOp('abs', this); }
  exp(): Tensor { return callOp('exp', this); }
  expm1(): Tensor { return callOp('expm1', this); }
  log(): Tensor { return callOp('log', this); }
  log2(): Tensor { return callOp('log2', this); }
  log10(): Tensor { return callOp('log10', this); }
  log1p(): Tensor { return callOp('log1p', this); }
  sqrt(): Tensor { return callOp('sqrt', this); }
  rsqrt(): Tensor { return callOp('rsqrt', this); }
  square(): Tensor { return callOp('square', this); }
  reciprocal(): Tensor { return callOp('reciprocal', this); }
  sin(): Tensor { return callOp('sin', this); }
  cos(): Tensor { return callOp('cos', this); }
  tan(): Tensor { return callOp('tan', this); }
  atan(): Tensor { return callOp('atan', this); }
  atan2(other: Tensor): Tensor { return callOp('atan2', this, other); }
  tanh(): Tensor { return callOp('tanh', this); }
  sigmoid(): Tensor { return callOp('sigmoid', this); }
  relu(): Tensor { return callOp('relu', this); }
  erf(): Tensor { return callOp('erf', this); }
  erfinv(): Tensor { return callOp('erfinv', this); }
  floor(): Tensor { return callOp('floor', this); }
  ceil(): Tensor { return callOp('ceil', this); }
  round(): Tensor { return callOp('round', this); }
  trunc(): Tensor { return callOp('trunc', this); }
  frac(): Tensor { return callOp('frac', this); }
  sign(): Tensor { return callOp('sign', this); }
  clamp(min?: TensorOrScalar | null, max?: TensorOrScalar | null): Tensor {
    if (min instanceof Tensor || max instanceof Tensor) return callOp('clamp.Tensor', this, min ?? null, max ?? null);
    return callOp('clamp', this, min ?? null, max ?? null);
  }
  clip(min?: Scalar | null, max?: Scalar | null): Tensor { return this.clamp(min, max); }
  where(condition: Tensor, other: TensorOrScalar): Tensor {
    return other instanceof Tensor ? callOp('where.self', condition, this, other) : callOp('where.ScalarOther', condition, this, other);
  }
  softmax(dim: number): Tensor { return callOp('softmax.int', this, dim); }
  logSoftmax(dim: number): Tensor { return callOp('log_softmax.int', this, dim); }

  // -------------------------------------------------------------------------------- reductions
  sum(dim?: number | number[] | null, keepdim = false, dtype?: DType): Tensor {
    const d = normDim(dim);
    const dt = dtype ? dtypeCode(dtype) : undefined;
    return d ? callOp('sum.dim_IntList', this, d, keepdim, dt) : callOp('sum', this, dt);
  }
  mean(dim?: number | number[] | null, keepdim = false, dtype?: DType): Tensor {
    const d = normDim(dim);
    const dt = dtype ? dtypeCode(dtype) : undefined;
    return d ? callOp('mean.dim', this, d, keepdim, dt) : callOp('mean', this, dt);
  }
  prod(dim?: number, keepdim = false): Tensor {
    return dim === undefined ? callOp('prod', this) : callOp('prod.dim_int', this, dim, keepdim);
  }
  /** max() over all elements, or max(dim) -> [values, indices] like PyTorch. */
  max(): Tensor;
  max(dim: number, keepdim?: boolean): [Tensor, Tensor];
  max(dim?: number, keepdim = false): any {
    return dim === undefined ? callOp('max', this) : callOp('max.dim', this, dim, keepdim);
  }
  min(): Tensor;
  min(dim: number, keepdim?: boolean): [Tensor, Tensor];
  min(dim?: number, keepdim = false): any {
    return dim === undefined ? callOp('min', this) : callOp('min.dim', this, dim, keepdim);
  }
  amax(dim: number | number[] = [], keepdim = false): Tensor { return callOp('amax', this, normDim(dim), keepdim); }
  amin(dim: number | number[] = [], keepdim = false): Tensor { return callOp('amin', this, normDim(dim), keepdim); }
  argmax(dim?: number | null, keepdim = false): Tensor { return callOp('argmax', this, dim ?? null, keepdim); }
  argmin(dim?: number | null, keepdim = false): Tensor { return callOp('argmin', this, dim ?? null, keepdim); }
  topk(k: number, dim = -1, largest = true, sorted = true): [Tensor, Tensor] { return callOp('topk', this, k, dim, largest, sorted); }
  sort(dim = -1, descending = false, stable = false): [Tensor, Tensor] {
    return callOp('sort.stable', this, stable, dim, descending);
  }
  argsort(dim = -1, descending = false): Tensor { return callOp('argsort', this, dim, descending); }
  cumsum(dim: number, dtype?: DType): Tensor { return callOp('cumsum', this, dim, dtype ? dtypeCode(dtype) : undefined); }
  cumprod(dim: number, dtype?: DType): Tensor { return callOp('cumprod', this, dim, dtype ? dtypeCode(dtype) : undefined); }
  /** std/var with Bessel's correction by default (unbiased), like PyTorch. */
  std(dim?: number | number[] | null, unbiased = true, keepdim = false): Tensor { return callOp('std.dim', this, normDim(dim) ?? null, unbiased, keepdim); }
  var(dim?: number | number[] | null, unbiased = true, keepdim = false): Tensor { return callOp('var.dim', this, normDim(dim) ?? null, unbiased, keepdim); }
  /** Vector p-norm (torch.norm / linalg.vector_norm) over dim (all elements by default). */
  norm(p: number = 2, dim?: number | number[] | null, keepdim = false): Tensor {
    return callOp('linalg_vector_norm', this, p === Infinity ? Infinity : p, normDim(dim) ?? null, keepdim);
  }
  logsumexp(dim: number | number[], keepdim = false): Tensor { return callOp('logsumexp', this, normDim(dim), keepdim); }
  all(dim?: number, keepdim = false): Tensor { return dim === undefined ? callOp('all', this) : callOp('all.dim', this, dim, keepdim); }
  any(dim?: number, keepdim = false): Tensor { return dim === undefined ? callOp('any', this) : callOp('any.dim', this, dim, keepdim); }

  // -------------------------------------------------------------------------------- shape
  view(...shape: (number | number[])[]): Tensor { return callOp('view', this, flatShape(shape)); }
  reshape(...shape: (number | number[])[]): Tensor { return callOp('reshape', this, flatShape(shape)); }
  viewAs(other: Tensor): Tensor { return callOp('view_as', this, other); }
  reshapeAs(other: Tensor): Tensor { return callOp('reshape_as', this, other); }
  permute(...dims: (number | number[])[]): Tensor { return callOp('permute', this, flatShape(dims)); }
  transpose(dim0: number, dim1: number): Tensor { return callOp('transpose.int', this, dim0, dim1); }
  t(): Tensor { return callOp('t', this); }
  get T(): Tensor { return this.ndim < 2 ? this.detachedAlias() : this.permute([...Array(this.ndim).keys()].reverse()); }
  get mT(): Tensor { return this.transpose(-2, -1); }
  private detachedAlias(): Tensor { return callOp('alias', this); }
  flatten(startDim = 0, endDim = -1): Tensor { return callOp('flatten.using_ints', this, startDim, endDim); }
  unflatten(dim: number, sizes: number[]): Tensor { return callOp('unflatten.int', this, dim, sizes); }
  squeeze(dim?: number): Tensor { return dim === undefined ? callOp('squeeze', this) : callOp('squeeze.dim', this, dim); }
  unsqueeze(dim: number): Tensor { return callOp('unsqueeze', this, dim); }
  expand(...sizes: (number | number[])[]): Tensor { return callOp('expand', this, flatShape(sizes), false); }
  expandAs(other: Tensor): Tensor { return callOp('expand_as', this, other); }
  repeat(...repeats: (number | number[])[]): Tensor { return callOp('repeat', this, flatShape(repeats)); }
  repeatInterleave(repeats: number, dim?: number): Tensor { return callOp('repeat_interleave.self_int', this, repeats, dim ?? null); }
  flip(dims: number | number[]): Tensor { return callOp('flip', this, normDim(dims)); }
  roll(shifts: number | number[], dims: number | number[] = []): Tensor { return callOp('roll', this, normDim(shifts), normDim(dims)); }
  split(splitSize: number | number[], dim = 0): Tensor[] {
    return Array.isArray(splitSize) ? callOp('split_with_sizes', this, splitSize, dim) : callOp('split.Tensor', this, splitSize, dim);
  }
  chunk(chunks: number, dim = 0): Tensor[] { return callOp('chunk', this, chunks, dim); }
  unbind(dim = 0): Tensor[] { return callOp('unbind.int', this, dim); }
  narrow(dim: number, start: number, length: number): Tensor { return callOp('narrow', this, dim, start, length); }
  select(dim: number, index: number): Tensor { return callOp('select.int', this, dim, index); }
  slice(dim: number, start?: number | null, end?: number | null, step = 1): Tensor { return callOp('slice.Tensor', this, dim, start ?? null, end ?? null, step); }
  diagonal(offset = 0, dim1 = 0, dim2 = 1): Tensor { return callOp('diagonal', this, offset, dim1, dim2); }
  tril(diagonal = 0): Tensor { return callOp('tril', this, diagonal); }
  triu(diagonal = 0): Tensor { return callOp('triu', this, diagonal); }

  // -------------------------------------------------------------------------------- indexing
  indexSelect(dim: number, index: Tensor): Tensor { return callOp('index_select', this, dim, index); }
  gather(dim: number, index: Tensor): Tensor { return callOp('gather', this, dim, index, false); }
  scatter(dim: number, index: Tensor, src: TensorOrScalar): Tensor {
    return src instanceof Tensor ? callOp('scatter.src', this, dim, index, src) : callOp('scatter.value', this, dim, index, src);
  }
  scatter_(dim: number, index: Tensor, src: TensorOrScalar): this {
    return inplace(this, src instanceof Tensor ? 'scatter_.src' : 'scatter_.value', dim, index, src) as this;
  }
  scatterAdd(dim: number, index: Tensor, src: Tensor): Tensor { return callOp('scatter_add', this, dim, index, src); }
  maskedFill(mask: Tensor, value: TensorOrScalar): Tensor { return callOp(`masked_fill.${binaryOverload(value)}`, this, mask, value); }
  maskedFill_(mask: Tensor, value: TensorOrScalar): this { return inplace(this, `masked_fill_.${binaryOverload(value)}`, mask, value) as this; }
  maskedSelect(mask: Tensor): Tensor { return callOp('masked_select', this, mask); }
  nonzero(): Tensor { return callOp('nonzero', this); }
  /** Advanced indexing with a list of index tensors (null = full dimension), like `x[idx0, :, idx2]`. */
  indexTensors(indices: (Tensor | null)[]): Tensor { return callOp('index.Tensor', this, indices); }
  indexPut_(indices: (Tensor | null)[], values: Tensor, accumulate = false): this { return inplace(this, 'index_put_', indices, values, accumulate) as this; }

  /**
   * Python-style indexing: `x.index(0, ':', '1:3', null, '...', maskTensor)` is `x[0, :, 1:3, None, ..., mask]`.
   * Basic indices give views; tensor indices (long or bool) give copies like PyTorch.
   */
  index(...specs: IndexSpec[]): Tensor {
    let t: Tensor = this;
    const created: Tensor[] = [];
    const step = (x: Tensor) => { created.push(x); t = x; };
    const nd = this.ndim;
    let consumed = 0;
    for (const s of specs) if (s !== null && s !== '...') consumed += s instanceof Tensor && s.dtype === 'bool' ? s.ndim : 1;
    if (specs.filter((s) => s === '...').length > 1) throw new SyntaxError('an index can only have a single ellipsis');
    let dim = 0;
    const advanced: (Tensor | null)[] = [];
    let hasAdvanced = false;
    for (let i = 0; i < specs.length; i++) {
      const s = specs[i];
      if (s === '...') {
        const skip = nd - consumed;
        for (let k = 0; k < skip; k++) advanced.push(null);
        dim += skip;
      } else if (s === null) {
        step(t.unsqueeze(dim)); advanced.push(null); dim += 1;
      } else if (typeof s === 'number') {
        step(t.select(dim, s));
      } else if (typeof s === 'string' || Array.isArray(s)) {
        const [a, b, c] = typeof s === 'string' ? parseSlice(s) : [s[0], s[1], s[2] ?? 1];
        if (!(a === null && b === null && c === 1)) step(t.slice(dim, a, b, c));
        advanced.push(null); dim += 1;
      } else if (s instanceof Tensor) {
        hasAdvanced = true;
        advanced.push(s); dim += s.dtype === 'bool' ? s.ndim : 1;
      }
    }
    if (hasAdvanced) step(t.indexTensors(advanced));
    const result = created.length ? created[created.length - 1] : this.detachedAliasForIndex();
    for (const c of created) if (c !== result) c.dispose();
    return result;
  }
  private detachedAliasForIndex(): Tensor { return callOp('alias', this); }

  // -------------------------------------------------------------------------------- in-place
  add_(other: TensorOrScalar, alpha: number = 1): this { return inplace(this, `add_.${binaryOverload(other)}`, other, alpha) as this; }
  sub_(other: TensorOrScalar, alpha: number = 1): this { return inplace(this, `sub_.${binaryOverload(other)}`, other, alpha) as this; }
  mul_(other: TensorOrScalar): this { return inplace(this, `mul_.${binaryOverload(other)}`, other) as this; }
  div_(other: TensorOrScalar): this { return inplace(this, `div_.${binaryOverload(other)}`, other) as this; }
  pow_(exponent: TensorOrScalar): this { return inplace(this, `pow_.${binaryOverload(exponent)}`, exponent) as this; }
  addcmul_(t1: Tensor, t2: Tensor, value: number = 1): this { return inplace(this, 'addcmul_', t1, t2, value) as this; }
  addcdiv_(t1: Tensor, t2: Tensor, value: number = 1): this { return inplace(this, 'addcdiv_', t1, t2, value) as this; }
  lerp_(end: Tensor, weight: TensorOrScalar): this { return inplace(this, `lerp_.${binaryOverload(weight)}`, end, weight) as this; }
  copy_(src: Tensor): this { return inplace(this, 'copy_', src, false) as this; }
  zero_(): this { return inplace(this, 'zero_') as this; }
  fill_(value: TensorOrScalar): this { return inplace(this, `fill_.${binaryOverload(value)}`, value) as this; }
  clamp_(min?: Scalar | null, max?: Scalar | null): this { return inplace(this, 'clamp_', min ?? null, max ?? null) as this; }
  sqrt_(): this { return inplace(this, 'sqrt_') as this; }
  exp_(): this { return inplace(this, 'exp_') as this; }
  neg_(): this { return inplace(this, 'neg_') as this; }
  abs_(): this { return inplace(this, 'abs_') as this; }
  relu_(): this { return inplace(this, 'relu_') as this; }
  sigmoid_(): this { return inplace(this, 'sigmoid_') as this; }
  floor_(): this { return inplace(this, 'floor_') as this; }
  erfinv_(): this { return inplace(this, 'erfinv_') as this; }
  uniform_(from = 0, to = 1): this { return inplace(this, 'uniform_', from, to) as this; }
  normal_(mean = 0, std = 1): this { return inplace(this, 'normal_', mean, std) as this; }
  bernoulli_(p: number): this { return inplace(this, 'bernoulli_.float', p) as this; }
  exponential_(lambd = 1): this { return inplace(this, 'exponential_', lambd) as this; }
  random_(from: number, to?: number): this { return inplace(this, to === undefined ? 'random_.to' : 'random_.from', ...(to === undefined ? [from] : [from, to])) as this; }
  squeeze_(dim?: number): this { return inplace(this, dim === undefined ? 'squeeze_' : 'squeeze_.dim', ...(dim === undefined ? [] : [dim])) as this; }
  unsqueeze_(dim: number): this { return inplace(this, 'unsqueeze_', dim) as this; }
  transpose_(d0: number, d1: number): this { return inplace(this, 'transpose_', d0, d1) as this; }
}

function flatShape(args: (number | number[])[]): number[] {
  return args.length === 1 && Array.isArray(args[0]) ? args[0] : (args as number[]);
}

function parseSlice(s: string): [number | null, number | null, number] {
  if (s === ':' || s === '::') return [null, null, 1];
  const parts = s.split(':');
  if (parts.length < 2 || parts.length > 3) throw new SyntaxError(`bad slice '${s}' (expected start:stop[:step])`);
  const num = (x: string | undefined) => (x === undefined || x.trim() === '' ? null : Number(x));
  const [a, b, c] = [num(parts[0]), num(parts[1]), num(parts[2])];
  for (const v of [a, b, c]) if (v !== null && !Number.isInteger(v)) throw new SyntaxError(`bad slice '${s}'`);
  if (c !== null && c <= 0) throw new RangeError(`slice step must be positive, got '${s}'`);
  return [a, b, c ?? 1];
}

export const isTensor = (x: unknown): x is Tensor => x instanceof Tensor;
