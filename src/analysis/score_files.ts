/**
 * Reading score files as mmcv.load does for MMAction2's tools/analysis/report_accuracy.py: the
 * result files of `mmaction test --out` / MMAction2's tools/test.py --out, one class-score row per
 * sample. `.pkl` (a pickled list of numpy arrays, or one 2-D array) through our pickle reader,
 * `.json` and `.yaml` (lists of lists). float32 arrays stay float32, as numpy keeps them (softmax
 * is then computed in float32); numbers from JSON/YAML are Python floats (float64).
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { loadPickle } from '../torch/serialization/reader.ts';
import { NdArray } from '../torch/serialization/pytypes.ts';
import { parsePythonJson } from './json_log.ts';

export type ScoreRow = Float32Array | Float64Array;

function ndarrayValues(a: NdArray, where: string): ScoreRow {
  const { descr } = a.dtype;
  if (Array.isArray(a.data) || !/^[<>|=][fiu]\d$/.test(descr)) {
    throw new Error(`${where}: a numpy array of dtype ${descr}; class scores must be numbers (float32 as MMAction2 writes them)`);
  }
  const n = a.shape.reduce((p, d) => p * d, 1);
  const values = a.toArray() as number[];
  if (values.length !== n) throw new Error(`${where}: the array holds ${values.length} values for shape [${a.shape.join(', ')}]`);
  return descr.slice(1) === 'f4' ? Float32Array.from(values) : Float64Array.from(values.map(Number));
}

function rowsOfNdArray(a: NdArray, where: string): ScoreRow[] {
  if (a.shape.length !== 2) throw new Error(`${where}: a numpy array of shape [${a.shape.join(', ')}]; expected [num_samples, num_classes] or a list of 1-D rows`);
  const [n, c] = a.shape;
  const flat = ndarrayValues(a, where);
  return Array.from({ length: n }, (_, i) => {
    if (!a.fortranOrder) return flat.slice(i * c, (i + 1) * c);
    const row = flat instanceof Float32Array ? new Float32Array(c) : new Float64Array(c);
    for (let j = 0; j < c; j++) row[j] = flat[j * n + i];
    return row;
  });
}

function toRow(x: unknown, where: string): ScoreRow {
  if (x instanceof NdArray) {
    if (x.shape.length !== 1) {
      throw new Error(`${where}: scores of shape [${x.shape.join(', ')}]; one row of class scores per sample is needed ` +
        "(a test with test_cfg.average_clips='score' or 'prob' writes that)");
    }
    return ndarrayValues(x, where);
  }
  if (Array.isArray(x)) {
    const row = new Float64Array(x.length);
    x.forEach((v, j) => {
      if (typeof v !== 'number') throw new Error(`${where}[${j}]: ${JSON.stringify(v)} is not a number; one row of class scores per sample is needed`);
      row[j] = v;
    });
    return row;
  }
  throw new Error(`${where}: expected a row of class scores (a numpy array or a list of numbers), got ${x === null ? 'None' : typeof x}`);
}

/** Loads one score file: N rows of C class scores. */
export async function loadScoreFile(path: string): Promise<ScoreRow[]> {
  const ext = extname(path).toLowerCase();
  let data: unknown;
  if (ext === '.pkl' || ext === '.pickle') {
    data = loadPickle(path);
  } else if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new Error(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
    }
    try {
      data = ext === '.json' ? parsePythonJson(text) : (await import('yaml')).parse(text);
    } catch (e) {
      throw new Error(`${path}: not valid ${ext === '.json' ? 'JSON' : 'YAML'} (${(e as Error).message})`);
    }
  } else {
    throw new Error(`${path}: score files are .pkl, .json or .yaml (as written by mmaction test --out)`);
  }
  let rows: ScoreRow[];
  if (data instanceof NdArray) rows = rowsOfNdArray(data, path);
  else if (Array.isArray(data)) rows = data.map((x, i) => toRow(x, `${path}: sample ${i}`));
  else throw new Error(`${path}: expected a list of per-sample class scores, got ${data === null ? 'None' : typeof data}`);
  if (rows.length === 0) throw new Error(`${path}: no samples`);
  const c = rows[0].length;
  rows.forEach((r, i) => {
    if (r.length !== c) throw new Error(`${path}: sample ${i} has ${r.length} class scores, sample 0 has ${c}`);
  });
  return rows;
}
