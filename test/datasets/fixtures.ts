// Helpers to read the pipeline parity fixtures (test/fixtures/pipelines, see sync.mjs there).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

export const FIXTURES = fileURLToPath(new URL('../fixtures/pipelines/', import.meta.url));
/** The full shared fixture set, used for the cases whose frames are not copied here. */
export const SHARED = process.env.MMACTION_PIPELINE_FIXTURES ?? '/work/shared/fixtures/pipelines';
export const hasShared = existsSync(join(SHARED, 'media/rawframes/demo/img_00001.jpg'));

export function readJson<T = any>(rel: string, base = FIXTURES): T {
  const p = join(base, rel);
  const buf = existsSync(p) ? readFileSync(p) : gunzipSync(readFileSync(`${p}.gz`));
  return JSON.parse(buf.toString('utf8')) as T;
}

export interface Npy {
  dtype: string;
  shape: number[];
  bytes: Buffer;
}

export function readNpy(path: string): Npy {
  const b = readFileSync(path);
  if (b.toString('latin1', 1, 6) !== 'NUMPY') throw new Error(`${path}: not a .npy file`);
  const major = b[6]!;
  const hl = major === 1 ? b.readUInt16LE(8) : b.readUInt32LE(8);
  const off = major === 1 ? 10 : 12;
  const hdr = b.toString('latin1', off, off + hl);
  const dtype = /'descr':\s*'([^']+)'/.exec(hdr)![1]!;
  const shape = /'shape':\s*\(([^)]*)\)/.exec(hdr)![1]!.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  return { dtype, shape, bytes: b.subarray(off + hl) };
}

export function npyInt64(path: string): number[] {
  const { bytes } = readNpy(path);
  const copy = new Uint8Array(bytes);
  return Array.from(new BigInt64Array(copy.buffer), Number);
}

export function sha256(data: ArrayBufferView): string {
  return createHash('sha256').update(new Uint8Array(data.buffer, data.byteOffset, data.byteLength)).digest('hex');
}
