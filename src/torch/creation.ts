/** Tensor creation and free functions over tensors (torch.zeros, torch.cat, ...). */
import { native } from './binding.ts';
import { dtypeCode, dtypeOfTypedArray, normalizeDType, type DType, type TypedArray } from './dtype.ts';
import { callOp, callOpKw, Tensor, type Scalar, type TensorOrScalar } from './tensor.ts';

export interface TensorOptions {
  dtype?: DType | string;
  device?: string;
  requiresGrad?: boolean;
}

type Nested = number | boolean | bigint | Nested[];

function factoryKw(o: TensorOptions = {}, fallback?: DType) {
  const dt = o.dtype ? normalizeDType(o.dtype) : fallback;
  return { dtype: dt === undefined ? undefined : dtypeCode(dt), device: o.device };
}

function finish(t: Tensor, o: TensorOptions = {}): Tensor {
  if (o.requiresGrad) t.requiresGrad_(true);
  return t;
}

function inferShape(data: Nested): number[] {
  const shape: number[] = [];
  let x: Nested = data;
  while (Array.isArray(x)) {
    shape.push(x.length);
    if (x.length === 0) break;
    x = x[0];
  }
  return shape;
}

/**
 * torch.tensor(data): nested arrays of numbers/booleans/bigints, or a typed array.
 * dtype inference follows PyTorch: all booleans -> bool, all integers -> int64, otherwise float32.
 * (JS cannot tell 1.0 from 1: pass {dtype: 'float32'} for integral float data.)
 */
export function tensor(data: Nested | TypedArray, options: TensorOptions = {}): Tensor {
  if (ArrayBuffer.isView(data)) return fromTypedArray(data as TypedArray, [(data as TypedArray).length], options);
  const shape = inferShape(data);
  const flat: (number | boolean | bigint)[] = Array.isArray(data) ? (data as unknown[]).flat(Infinity) as (number | boolean | bigint)[] : [data];
  const expected = shape.reduce((a, b) => a * b, 1);
  if (flat.length !== expected) throw new RangeError(`torch.tensor: ragged nested array (shape ${JSON.stringify(shape)} needs ${expected} elements, got ${flat.length})`);
  let dtype: DType;
  if (options.dtype) dtype = normalizeDType(options.dtype);
  else if (flat.length > 0 && flat.every((v) => typeof v === 'boolean')) dtype = 'bool';
  else if (flat.every((v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)))) dtype = flat.length ? 'int64' : 'float32';
  else dtype = 'float32';
  let arr: TypedArray;
  const nums = flat.map((v) => (typeof v === 'boolean' ? (v ? 1 : 0) : v));
  switch (dtype) {
    case 'int64': arr = BigInt64Array.from(nums.map((v) => BigInt(typeof v === 'bigint' ? v : Math.trunc(v)))); break;
    case 'float64': arr = Float64Array.from(nums.map(Number)); break;
    case 'int32': arr = Int32Array.from(nums.map(Number)); break;
    case 'int16': arr = Int16Array.from(nums.map(Number)); break;
    case 'int8': arr = Int8Array.from(nums.map(Number)); break;
    case 'uint8': case 'bool': arr = Uint8Array.from(nums.map((v) => Number(v) !== 0 && dtype === 'bool' ? 1 : Number(v))); break;
    default: arr = Float32Array.from(nums.map(Number));
  }
  let t = fromTypedArray(arr, shape, { dtype: dtype === 'float16' || dtype === 'bfloat16' ? 'float32' : dtype });
  if (dtype === 'float16' || dtype === 'bfloat16' || options.device) {
    const u = t.to({ dtype, device: options.device });
    t.dispose();
    t = u;
  }
  return finish(t, options);
}

/** A tensor with a copy of a typed array's elements, in `shape` (default: 1-D). */
export function fromTypedArray(data: TypedArray, shape?: number[], options: TensorOptions = {}): Tensor {
  let dtype = options.dtype ? normalizeDType(options.dtype) : dtypeOfTypedArray(data);
  if (data instanceof Uint16Array && !options.dtype) throw new TypeError('fromTypedArray: give dtype (float16/bfloat16) for a Uint16Array');
  const t = new Tensor(native.fromBuffer(data, shape ?? [data.length], dtypeCode(dtype)));
  void (dtype = dtype);
  return finish(options.device && options.device !== 'cpu' ? t.to(options.device) : t, options);
}

export function scalarTensor(v: Scalar, options: TensorOptions = {}): Tensor {
  return full([], v, { dtype: options.dtype ?? (typeof v === 'boolean' ? 'bool' : 'float32'), ...options });
}

export const zeros = (shape: number[], o: TensorOptions = {}): Tensor => finish(callOpKw('zeros', [shape], factoryKw(o)), o);
export const ones = (shape: number[], o: TensorOptions = {}): Tensor => finish(callOpKw('ones', [shape], factoryKw(o)), o);
export const empty = (shape: number[], o: TensorOptions = {}): Tensor => finish(callOpKw('empty.memory_format', [shape], factoryKw(o)), o);
export const full = (shape: number[], value: Scalar, o: TensorOptions = {}): Tensor =>
  finish(callOpKw('full', [shape, value], factoryKw(o)), o);
export const eye = (n: number, m?: number, o: TensorOptions = {}): Tensor =>
  finish(m === undefined ? callOpKw('eye', [n], factoryKw(o)) : callOpKw('eye.m', [n, m], factoryKw(o)), o);
export const rand = (shape: number[], o: TensorOptions = {}): Tensor => finish(callOpKw('rand', [shape], factoryKw(o)), o);
export const randn = (shape: number[], o: TensorOptions = {}): Tensor => finish(callOpKw('randn', [shape], factoryKw(o)), o);
export const randint = (low: number, high: number, shape: number[], o: TensorOptions = {}): Tensor =>
  finish(callOpKw('randint.low', [low, high, shape], factoryKw(o, 'int64')), o);
export const randperm = (n: number, o: TensorOptions = {}): Tensor => finish(callOpKw('randperm', [n], factoryKw(o, 'int64')), o);

/** torch.arange(end) / arange(start, end, step): int64 when all arguments are integers, else float32. */
export function arange(start: number, end?: number, step = 1, o: TensorOptions = {}): Tensor {
  if (end === undefined) { end = start; start = 0; }
  const allInt = [start, end, step].every(Number.isInteger);
  const kw = factoryKw(o, allInt ? 'int64' : 'float32');
  const s = (v: number) => (allInt ? v : { f: v });
  return finish(callOpKw('arange.start_step', [s(start), s(end), s(step)], kw), o);
}

export const linspace = (start: number, end: number, steps: number, o: TensorOptions = {}): Tensor =>
  finish(callOpKw('linspace', [{ f: start }, { f: end }, steps], factoryKw(o)), o);

export const zerosLike = (t: Tensor, o: TensorOptions = {}): Tensor => finish(callOpKw('zeros_like', [t], factoryKw(o)), o);
export const onesLike = (t: Tensor, o: TensorOptions = {}): Tensor => finish(callOpKw('ones_like', [t], factoryKw(o)), o);
export const emptyLike = (t: Tensor, o: TensorOptions = {}): Tensor => finish(callOpKw('empty_like', [t], factoryKw(o)), o);
export const randLike = (t: Tensor, o: TensorOptions = {}): Tensor => finish(callOpKw('rand_like', [t], factoryKw(o)), o);
export const randnLike = (t: Tensor, o: TensorOptions = {}): Tensor => finish(callOpKw('randn_like', [t], factoryKw(o)), o);
export const fullLike = (t: Tensor, value: Scalar, o: TensorOptions = {}): Tensor =>
  finish(callOpKw('full_like', [t, value], factoryKw(o)), o);

// ---------------------------------------------------------------------------------------------
// Free functions over tensors

export const cat = (tensors: Tensor[], dim = 0): Tensor => callOp('cat', tensors, dim);
export const concat = cat;
export const stack = (tensors: Tensor[], dim = 0): Tensor => callOp('stack', tensors, dim);
export const where = (cond: Tensor, x: TensorOrScalar, y: TensorOrScalar): Tensor => {
  if (x instanceof Tensor && y instanceof Tensor) return callOp('where.self', cond, x, y);
  if (x instanceof Tensor) return callOp('where.ScalarOther', cond, x, y);
  if (y instanceof Tensor) return callOp('where.ScalarSelf', cond, x, y);
  return callOp('where.Scalar', cond, x, y);
};
export const einsum = (equation: string, ...tensors: (Tensor | Tensor[])[]): Tensor =>
  callOp('einsum', equation, tensors.flat());
export const matmul = (a: Tensor, b: Tensor): Tensor => a.matmul(b);
export const bmm = (a: Tensor, b: Tensor): Tensor => a.bmm(b);
export const meshgrid = (tensors: Tensor[], indexing: 'ij' | 'xy' = 'ij'): Tensor[] => callOp('meshgrid.indexing', tensors, indexing);
export const broadcastTensors = (tensors: Tensor[]): Tensor[] => callOp('broadcast_tensors', tensors);
export const tensordot = (a: Tensor, b: Tensor, dimsA: number[], dimsB: number[]): Tensor => callOp('tensordot', a, b, dimsA, dimsB);
export const cdist = (a: Tensor, b: Tensor, p = 2): Tensor => callOp('cdist', a, b, p);
export const multinomial = (probs: Tensor, numSamples: number, replacement = false): Tensor =>
  callOp('multinomial', probs, numSamples, replacement);
