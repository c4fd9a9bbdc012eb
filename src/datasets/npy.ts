/**
 * `.npy` files as pipeline arrays (`np.load` / `np.save`), on the torch serializer's parser:
 * C and Fortran order, either byte order. Fortran order matters here: MMAction2's
 * tools/data/build_audio_features.py saves the transpose of a C array, which np.save writes
 * with `fortran_order: True`.
 */
import { readFileSync } from 'node:fs';
import type { DType } from '../torch/dtype.ts';
import { encodeNpy, parseNpy } from '../torch/serialization/npy.ts';
import { writeAtomic } from '../torch/serialization/atomic.ts';
import { NDArray, type NDData } from './pipelines/types.ts';

const ARRAYS: Partial<Record<DType, (buf: ArrayBuffer) => NDData>> = {
  float32: (b) => new Float32Array(b),
  float64: (b) => new Float64Array(b),
  int64: (b) => new BigInt64Array(b),
  int32: (b) => new Int32Array(b),
  uint8: (b) => new Uint8Array(b),
  int8: (b) => new Int8Array(b),
};

export function loadNpy(path: string): NDArray {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new Error(`${path}: cannot read (${(e as Error).message})`);
  }
  const { dtype, shape, data } = parseNpy(bytes, path);
  const make = ARRAYS[dtype];
  if (!make) throw new Error(`${path}: unsupported dtype ${dtype} (supported: ${Object.keys(ARRAYS).join(', ')})`);
  return new NDArray(make(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) as ArrayBuffer), shape);
}

const DTYPE_OF = (d: NDData): DType =>
  d instanceof Float32Array ? 'float32' : d instanceof Float64Array ? 'float64' : d instanceof BigInt64Array ? 'int64' : d instanceof Int32Array ? 'int32' : d instanceof Int8Array ? 'int8' : 'uint8';

/** Writes `a` as a C-order .npy file, atomically (temporary file + rename). */
export function saveNpy(path: string, a: NDArray): void {
  const bytes = encodeNpy(DTYPE_OF(a.data), a.shape, new Uint8Array(a.data.buffer, a.data.byteOffset, a.data.byteLength));
  writeAtomic(path, (sink) => sink.write(bytes));
}
