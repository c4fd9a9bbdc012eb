/**
 * Writing test results like MMAction2's `dataset.dump_results(results, out)` (mmcv.dump):
 * `.pkl` a pickled list of float32 numpy arrays (one per sample), `.json` a list of lists,
 * `.yaml`/`.yml` the same as YAML. Written atomically.
 */
import { writeFileSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { pickle } from '../torch/serialization/pickle.ts';
import { NdArray, NpDType } from '../torch/serialization/pytypes.ts';

function writeAtomic(path: string, data: Uint8Array | string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, path);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* not created */ }
    throw new Error(`${path}: cannot write results (${(e as Error).message})`);
  }
}

/** A float32 numpy array of one score row. */
export function float32NdArray(row: ArrayLike<number>): NdArray {
  const f = Float32Array.from(row);
  return new NdArray(new NpDType('<f4'), [f.length], false, new Uint8Array(f.buffer));
}

export async function dumpResults(results: number[][], out: string): Promise<void> {
  const ext = extname(out).toLowerCase();
  if (ext === '.pkl' || ext === '.pickle') writeAtomic(out, pickle(results.map(float32NdArray)));
  else if (ext === '.json') writeAtomic(out, JSON.stringify(results.map((r) => Array.from(Float32Array.from(r)))));
  else if (ext === '.yaml' || ext === '.yml') {
    const { stringify } = await import('yaml');
    writeAtomic(out, stringify(results.map((r) => Array.from(Float32Array.from(r)))));
  } else throw new Error(`${out}: the output file must be a pkl, json or yaml file`);
}
