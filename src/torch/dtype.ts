/** Tensor element types, named as in PyTorch (`torch.float32` -> 'float32'). */
export type DType =
  | 'float32' | 'float64' | 'float16' | 'bfloat16'
  | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'bool';

export type TypedArray =
  | Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | BigInt64Array
  | Uint8Array | Uint8ClampedArray | Uint16Array;

interface DTypeInfo {
  /** c10::ScalarType code, the number libtorch uses. */
  code: number;
  itemsize: number;
  isFloatingPoint: boolean;
  /** PyTorch's storage class name, as written into checkpoints. */
  storage: string;
}

export const dtypeInfo: Readonly<Record<DType, DTypeInfo>> = Object.freeze({
  uint8: { code: 0, itemsize: 1, isFloatingPoint: false, storage: 'ByteStorage' },
  int8: { code: 1, itemsize: 1, isFloatingPoint: false, storage: 'CharStorage' },
  int16: { code: 2, itemsize: 2, isFloatingPoint: false, storage: 'ShortStorage' },
  int32: { code: 3, itemsize: 4, isFloatingPoint: false, storage: 'IntStorage' },
  int64: { code: 4, itemsize: 8, isFloatingPoint: false, storage: 'LongStorage' },
  float16: { code: 5, itemsize: 2, isFloatingPoint: true, storage: 'HalfStorage' },
  float32: { code: 6, itemsize: 4, isFloatingPoint: true, storage: 'FloatStorage' },
  float64: { code: 7, itemsize: 8, isFloatingPoint: true, storage: 'DoubleStorage' },
  bool: { code: 11, itemsize: 1, isFloatingPoint: false, storage: 'BoolStorage' },
  bfloat16: { code: 15, itemsize: 2, isFloatingPoint: true, storage: 'BFloat16Storage' },
});

const byCode = new Map<number, DType>(Object.entries(dtypeInfo).map(([k, v]) => [v.code, k as DType]));

/** Aliases accepted wherever a dtype is (PyTorch's names: 'float', 'long', 'half', ...). */
const aliases: Record<string, DType> = {
  float: 'float32', double: 'float64', half: 'float16', long: 'int64', int: 'int32', short: 'int16',
  byte: 'uint8', char: 'int8',
};

export function normalizeDType(d: string): DType {
  const s = d.startsWith('torch.') ? d.slice(6) : d;
  if (s in dtypeInfo) return s as DType;
  const a = aliases[s];
  if (a) return a;
  throw new TypeError(`unknown dtype '${d}' (one of ${Object.keys(dtypeInfo).join(', ')})`);
}

export function dtypeCode(d: DType | string): number {
  return dtypeInfo[normalizeDType(d)].code;
}

export function dtypeFromCode(code: number): DType {
  const d = byCode.get(code);
  if (!d) throw new TypeError(`unsupported libtorch scalar type code ${code}`);
  return d;
}

export function dtypeOfTypedArray(a: TypedArray): DType {
  if (a instanceof Float32Array) return 'float32';
  if (a instanceof Float64Array) return 'float64';
  if (a instanceof Int32Array) return 'int32';
  if (a instanceof BigInt64Array) return 'int64';
  if (a instanceof Uint8Array || a instanceof Uint8ClampedArray) return 'uint8';
  if (a instanceof Int8Array) return 'int8';
  if (a instanceof Int16Array) return 'int16';
  throw new TypeError(`no dtype for ${(a as object).constructor.name}; give dtype explicitly`);
}

/** A typed-array view over raw bytes of a dtype (float16/bfloat16 as raw Uint16 bits). */
export function typedArrayOf(dtype: DType, buf: ArrayBuffer, byteOffset = 0, length?: number): TypedArray {
  switch (dtype) {
    case 'float32': return new Float32Array(buf, byteOffset, length);
    case 'float64': return new Float64Array(buf, byteOffset, length);
    case 'int32': return new Int32Array(buf, byteOffset, length);
    case 'int64': return new BigInt64Array(buf, byteOffset, length);
    case 'int16': return new Int16Array(buf, byteOffset, length);
    case 'int8': return new Int8Array(buf, byteOffset, length);
    case 'uint8': case 'bool': return new Uint8Array(buf, byteOffset, length);
    case 'float16': case 'bfloat16': return new Uint16Array(buf, byteOffset, length);
  }
}
