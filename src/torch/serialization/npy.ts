/**
 * numpy's .npy format (versions 1.0, 2.0 and 3.0; numpy/lib/format.py): loadNpy / saveNpy.
 *
 *   \x93NUMPY, major, minor, header length (u16 for 1.0, u32 for 2.0/3.0),
 *   header: a Python dict literal {'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }
 *           padded with spaces and a newline so the data starts at a multiple of 64,
 *   then the raw elements in C (or Fortran) order.
 *
 * Reads every dtype the engine has ('<f4' '<f8' '<f2' '|i1' '<i2' '<i4' '<i8' '|u1' '|b1'), either
 * byte order, C and Fortran order. Writes C order, little-endian, version 1.0 (2.0 if the header
 * needs it), as np.save does. bfloat16 has no numpy dtype: convert to float32 first.
 */
import { readFileSync } from 'node:fs';
import { dtypeInfo, type DType } from '../dtype.ts';
import { Tensor } from '../tensor.ts';
import { writeAtomic } from './atomic.ts';
import { NdArray } from './pytypes.ts';
import { byteSwap, contiguousBytes, fortranToC } from './tensor_bytes.ts';

export class NpyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NpyError';
  }
}

/** A parsed .npy: the elements as C-order little-endian bytes. */
export interface NpyData {
  dtype: DType;
  shape: number[];
  data: Uint8Array;
}

const FROM_DESCR: Record<string, DType> = {
  f4: 'float32', f8: 'float64', f2: 'float16', i1: 'int8', i2: 'int16', i4: 'int32', i8: 'int64', u1: 'uint8', b1: 'bool',
};
const TO_DESCR: Partial<Record<DType, string>> = {
  float32: '<f4', float64: '<f8', float16: '<f2', int8: '|i1', int16: '<i2', int32: '<i4', int64: '<i8', uint8: '|u1', bool: '|b1',
};
const NUMPY_NAMES: Record<string, string> = {
  u2: 'uint16', u4: 'uint32', u8: 'uint64', c8: 'complex64', c16: 'complex128', f16: 'float128', O: 'object',
};

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/** Parses .npy bytes (`name` appears in errors). */
export function parseNpy(input: Uint8Array, name = '<buffer>'): NpyData {
  const bytes = new Uint8Array(input.buffer, input.byteOffset, input.byteLength); // Buffer#slice would not copy
  const fail = (m: string) => new NpyError(`${name}: ${m}`);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) throw fail('not a .npy file (no \\x93NUMPY magic)');
  const major = bytes[6];
  if (major < 1 || major > 3) throw fail(`unsupported .npy format version ${major}.${bytes[7]}`);
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hstart = major === 1 ? 10 : 12;
  if (bytes.length < hstart) throw fail('truncated header');
  const hlen = major === 1 ? dv.getUint16(8, true) : dv.getUint32(8, true);
  if (hstart + hlen > bytes.length) throw fail(`truncated header (needs ${hstart + hlen} bytes, the file has ${bytes.length})`);
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(hstart, hstart + hlen));
  const descrM = /['"]descr['"]\s*:\s*['"]([^'"]+)['"]/.exec(header);
  const fortranM = /['"]fortran_order['"]\s*:\s*(True|False)/.exec(header);
  const shapeM = /['"]shape['"]\s*:\s*\(([^)]*)\)/.exec(header);
  if (!descrM) {
    throw fail(/['"]descr['"]\s*:\s*\[/.test(header) ? 'structured (record) arrays are not supported' : `bad header ${JSON.stringify(header.trim())}`);
  }
  if (!fortranM || !shapeM) throw fail(`bad header ${JSON.stringify(header.trim())}`);
  const descr = descrM[1];
  const order = descr[0];
  const code = /^[<>|=]/.test(descr) ? descr.slice(1) : descr;
  const dtype = FROM_DESCR[code === '?' ? 'b1' : code];
  if (!dtype) {
    const what = NUMPY_NAMES[code] ? ` (${NUMPY_NAMES[code]})` : '';
    throw fail(`dtype '${descr}'${what} has no mmaction-ts tensor type; convert it in numpy first (e.g. .astype(np.float32))`);
  }
  const shape = shapeM[1].split(',').map((s) => s.trim()).filter((s) => s.length > 0).map((s) => {
    const v = Number(s.replace(/L$/, ''));
    if (!Number.isInteger(v) || v < 0) throw fail(`bad shape (${shapeM[1]})`);
    return v;
  });
  const itemsize = dtypeInfo[dtype].itemsize;
  const numel = shape.reduce((a, b) => a * b, 1);
  const start = hstart + hlen;
  const nbytes = numel * itemsize;
  if (start + nbytes > bytes.length) throw fail(`truncated data: ${numel} ${dtype} elements need ${nbytes} bytes, ${bytes.length - start} present`);
  let data: Uint8Array = bytes.slice(start, start + nbytes);
  if (order === '>') data = byteSwap(data, itemsize);
  if (fortranM[1] === 'True') data = fortranToC(data, shape, itemsize);
  return { dtype, shape, data };
}

/** Encodes C-order little-endian element bytes as a .npy file. */
export function encodeNpy(dtype: DType, shape: number[], data: Uint8Array): Uint8Array {
  const descr = TO_DESCR[dtype];
  if (!descr) throw new NpyError(`cannot save a ${dtype} tensor as .npy: numpy has no ${dtype}; convert it first (e.g. t.to('float32'))`);
  const shapeText = shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shapeText}, }`;
  let major = 1;
  let pre = 10;
  if (header.length + 1 + pre > 65535) { major = 2; pre = 12; }
  const total = Math.ceil((pre + header.length + 1) / 64) * 64;
  header = header.padEnd(total - pre - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.length);
  out.set(MAGIC, 0);
  out[6] = major;
  out[7] = 0;
  const dv = new DataView(out.buffer);
  if (major === 1) dv.setUint16(8, header.length, true); else dv.setUint32(8, header.length, true);
  for (let i = 0; i < header.length; i++) out[pre + i] = header.charCodeAt(i);
  out.set(data, total);
  return out;
}

/** A tensor from a numpy array found in a pickle (e.g. keypoints in a PoseC3D annotation file). */
export function ndarrayToTensor(a: NdArray): Tensor {
  if (!(a.data instanceof Uint8Array)) throw new NpyError(`cannot make a tensor of a numpy object array (${a.dtype.descr})`);
  const descr = a.dtype.descr;
  const dtype = FROM_DESCR[descr.slice(1)];
  if (!dtype) throw new NpyError(`numpy dtype '${descr}' has no mmaction-ts tensor type`);
  const itemsize = dtypeInfo[dtype].itemsize;
  const numel = a.shape.reduce((x, y) => x * y, 1);
  if (a.data.length < numel * itemsize) throw new NpyError(`numpy array of shape (${a.shape.join(', ')}) has only ${a.data.length} bytes`);
  let data = a.data.subarray(0, numel * itemsize);
  if (descr[0] === '>') data = byteSwap(data, itemsize);
  if (a.fortranOrder) data = fortranToC(data, a.shape, itemsize);
  return Tensor.fromBytes(data, dtype, a.shape);
}

/** A tensor from .npy bytes. */
export function loadNpyBuffer(bytes: Uint8Array, name = '<buffer>'): Tensor {
  const { dtype, shape, data } = parseNpy(bytes, name);
  return Tensor.fromBytes(data, dtype, shape);
}

/** Reads a .npy file into a new CPU tensor (like `torch.from_numpy(np.load(path))`). */
export function loadNpy(path: string): Tensor {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new NpyError(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return loadNpyBuffer(bytes, path);
}

/** The .npy bytes of a tensor (C order, little-endian). */
export function npyBuffer(t: Tensor): Uint8Array {
  if (!(t instanceof Tensor)) throw new NpyError('saveNpy expects a Tensor');
  return encodeNpy(t.dtype, t.shape, TO_DESCR[t.dtype] ? contiguousBytes(t) : new Uint8Array(0));
}

/** Writes a tensor as .npy (atomically), readable by `np.load`. */
export function saveNpy(path: string, t: Tensor): void {
  const bytes = npyBuffer(t);
  writeAtomic(path, (sink) => sink.write(bytes));
}
