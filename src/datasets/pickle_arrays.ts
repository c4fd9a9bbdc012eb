/**
 * numpy arrays found in pickles (PoseDataset annotations, LoadKineticsPose's raw pose files) as
 * pipeline arrays.
 */
import { NDArray, type NDData } from './pipelines/types.ts';
import { halfToNumber, type NdArray } from '../torch/serialization/pytypes.ts';
import { byteSwap, fortranToC } from '../torch/serialization/tensor_bytes.ts';

/** A numeric numpy array from a pickle as a C-order NDArray (float16 widened to float32). */
export function ndarrayToND(a: NdArray, what: string): NDArray {
  if (!(a.data instanceof Uint8Array)) throw new TypeError(`${what}: a numpy object array (${a.dtype.descr}) is not a numeric array`);
  const descr = a.dtype.descr;
  const code = descr.slice(1);
  const itemsize = a.dtype.itemsize;
  const numel = a.shape.reduce((x, y) => x * y, 1);
  let bytes = a.data.subarray(0, numel * itemsize);
  if (bytes.length < numel * itemsize) throw new RangeError(`${what}: numpy array of shape (${a.shape.join(', ')}) has only ${a.data.length} bytes`);
  if (descr[0] === '>') bytes = byteSwap(bytes, itemsize);
  if (a.fortranOrder) bytes = fortranToC(bytes, a.shape, itemsize);
  const buf = bytes.slice().buffer; // aligned copy
  let data: NDData;
  switch (code) {
    case 'f4': data = new Float32Array(buf); break;
    case 'f8': data = new Float64Array(buf); break;
    case 'f2': data = Float32Array.from(new Uint16Array(buf), halfToNumber); break;
    case 'i8': data = new BigInt64Array(buf); break;
    case 'i4': data = new Int32Array(buf); break;
    case 'i2': data = Int32Array.from(new Int16Array(buf)); break;
    case 'i1': data = Int32Array.from(new Int8Array(buf)); break;
    case 'u1': case 'b1': data = new Uint8Array(buf); break;
    case 'u2': data = Int32Array.from(new Uint16Array(buf)); break;
    default: throw new TypeError(`${what}: numpy dtype '${descr}' is not supported (convert it with .astype(np.float32) when writing the file)`);
  }
  return new NDArray(data, [...a.shape]);
}
