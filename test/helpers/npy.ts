/**
 * Minimal reader for numpy `.npy` files (format versions 1-3): little-endian float32, float64,
 * int8/16/32/64, uint8/16/32, bool; C order only. Enough for test fixtures; not a general loader.
 */
import { readFileSync } from 'node:fs';

export interface NpyArray {
  dtype: 'float32' | 'float64' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint8' | 'uint16' | 'uint32' | 'bool';
  shape: number[];
  /** Flat values in C order; int64 converted to number (exact below 2^53). */
  data: Float32Array | Float64Array | Int8Array | Int16Array | Int32Array | Uint8Array | Uint16Array | Uint32Array | number[];
}

const DTYPES: Record<string, NpyArray['dtype']> = {
  '<f4': 'float32', '<f8': 'float64', '|i1': 'int8', '<i2': 'int16', '<i4': 'int32', '<i8': 'int64',
  '|u1': 'uint8', '<u2': 'uint16', '<u4': 'uint32', '|b1': 'bool',
};

export function readNpy(path: string): NpyArray {
  const buf = readFileSync(path);
  if (buf.subarray(0, 6).toString('latin1') !== '\x93NUMPY') throw new Error(`${path}: not a .npy file`);
  const major = buf[6];
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const start = major === 1 ? 10 : 12;
  const header = buf.subarray(start, start + headerLen).toString(major === 3 ? 'utf8' : 'latin1');
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) throw new Error(`${path}: bad header ${header}`);
  const dtype = DTYPES[descr];
  if (dtype === undefined) throw new Error(`${path}: unsupported dtype ${descr}`);
  if (fortran === 'True') throw new Error(`${path}: Fortran order is not supported`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter((s) => s !== '').map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const off = start + headerLen;
  const bytes = buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + buf.length);
  let data: NpyArray['data'];
  switch (dtype) {
    case 'float32': data = new Float32Array(bytes, 0, count); break;
    case 'float64': data = new Float64Array(bytes, 0, count); break;
    case 'int8': data = new Int8Array(bytes, 0, count); break;
    case 'int16': data = new Int16Array(bytes, 0, count); break;
    case 'int32': data = new Int32Array(bytes, 0, count); break;
    case 'uint16': data = new Uint16Array(bytes, 0, count); break;
    case 'uint32': data = new Uint32Array(bytes, 0, count); break;
    case 'int64': data = Array.from(new BigInt64Array(bytes, 0, count), Number); break;
    default: data = new Uint8Array(bytes, 0, count);
  }
  return { dtype, shape, data };
}

/** Splits a 2-D array into its rows (views for typed arrays). */
export function rows(a: NpyArray): Array<ArrayLike<number>> {
  if (a.shape.length !== 2) throw new Error(`expected a 2-D array, got shape [${a.shape}]`);
  const [n, c] = a.shape;
  return Array.from({ length: n }, (_, i) => {
    const d = a.data;
    return Array.isArray(d) ? d.slice(i * c, (i + 1) * c) : d.subarray(i * c, (i + 1) * c);
  });
}
