/** Minimal `.npy` reader/writer (C order, little-endian numeric dtypes), as `np.load`/`np.save`. */
import { readFileSync } from 'node:fs';
import { NDArray, type NDData } from './pipelines/types.ts';

const DTYPES: Record<string, (buf: ArrayBuffer) => NDData> = {
  '<f4': (b) => new Float32Array(b),
  '<f8': (b) => new Float64Array(b),
  '<i8': (b) => new BigInt64Array(b),
  '<i4': (b) => new Int32Array(b),
  '|u1': (b) => new Uint8Array(b),
};

export function loadNpy(path: string): NDArray {
  const b = readFileSync(path);
  if (b.length < 10 || b.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path}: not a .npy file`);
  const major = b[6]!;
  const hl = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const off = major === 1 ? 10 : 12;
  const hdr = b.toString('latin1', off, off + hl);
  const descr = /'descr':\s*'([^']+)'/.exec(hdr)?.[1];
  const fortran = /'fortran_order':\s*True/.test(hdr);
  const shape = (/'shape':\s*\(([^)]*)\)/.exec(hdr)?.[1] ?? '').split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const make = descr ? DTYPES[descr] : undefined;
  if (!make) throw new Error(`${path}: unsupported dtype ${descr} (supported: ${Object.keys(DTYPES).join(', ')})`);
  if (fortran && shape.length > 1) throw new Error(`${path}: Fortran-order arrays are not supported`);
  const body = b.subarray(off + hl);
  const data = make(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength));
  return new NDArray(data, shape);
}
