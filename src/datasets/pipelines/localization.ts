/**
 * Temporal action localization inputs (MMAction2 0.24 `loading.py`):
 *
 * - LoadLocalizationFeature reads `data_prefix/<video_name>.csv` (a header line, then one row of
 *   `C` features per time step, as np.loadtxt(float32, ',', skiprows=1)) and writes
 *   `raw_feature` as float32 [C, T].
 * - GenerateLocalizationLabels turns `annotations[].segment` (seconds) into `gt_bbox` float64
 *   [K, 2]: each end divided by the seconds the features cover
 *   (`feature_frame / duration_frame * duration_second`) and clipped to [0, 1].
 * - LoadProposals (BSN's PEM stage) reads the top_k proposals of `<video_name>.csv` in
 *   `pgm_proposals_dir` (written by BSN's PGM: a header line, then `tmin, tmax, tmin_score,
 *   tmax_score, score, match_iou, ...` rows) and their BSP features `<video_name>.npy` in
 *   `pgm_features_dir`; writes float32 `bsp_feature` [K, D] and `tmin`, `tmax`, `tmin_score`,
 *   `tmax_score`, `reference_temporal_iou` (column 5) [K].
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { loadNpy } from '../npy.ts';
import { expectInt, expectOneOf, parseOptions, type Cfg } from './options.ts';
import { NDArray, type Results, type Transform } from './types.ts';

const SPECIAL = /^([+-]?)(nan|inf|infinity)$/i;

/** One CSV field as numpy's float parser reads it (then rounded to float32 by the caller). */
function parseField(s: string): number {
  const t = s.trim();
  const m = SPECIAL.exec(t);
  if (m) return m[2]!.toLowerCase() === 'nan' ? NaN : (m[1] === '-' ? -Infinity : Infinity);
  if (t === '' || /^[+-]?0[xob]/i.test(t)) return NaN;
  return Number(t);
}

/**
 * np.loadtxt(path, dtype=float32, delimiter=',', skiprows=1) -> float32 [rows, cols]: '#'
 * starts a comment, blank lines are skipped, every row must have the same number of columns.
 */
export function loadFeatureCsv(text: string, path: string): NDArray<Float32Array> {
  const lines = text.split(/\r?\n/);
  const values: number[] = [];
  let cols = -1;
  let rows = 0;
  for (let i = 1; i < lines.length; i++) {
    const hash = lines[i]!.indexOf('#');
    const line = (hash >= 0 ? lines[i]!.slice(0, hash) : lines[i]!).trim();
    if (!line) continue;
    const fields = line.split(',');
    if (cols < 0) cols = fields.length;
    else if (fields.length !== cols) throw new Error(`${path}:${i + 1}: ${fields.length} columns, but the first data row has ${cols}`);
    for (const f of fields) {
      const v = parseField(f);
      if (Number.isNaN(v) && !SPECIAL.test(f.trim())) throw new Error(`${path}:${i + 1}: could not convert '${f}' to a float`);
      values.push(v);
    }
    rows++;
  }
  if (rows === 0) throw new Error(`${path}: no feature rows after the header line`);
  return new NDArray(Float32Array.from(values), [rows, cols]);
}

export class LoadLocalizationFeature implements Transform {
  readonly type = 'LoadLocalizationFeature';
  readonly ext: '.csv';

  constructor(cfg: Cfg, where = 'LoadLocalizationFeature') {
    const o = parseOptions(where, cfg, { raw_feature_ext: '.csv' });
    this.ext = expectOneOf(where, 'raw_feature_ext', o.raw_feature_ext, ['.csv'] as const);
  }

  async call(results: Results): Promise<Results> {
    const name = results.video_name;
    const prefix = results.data_prefix;
    if (typeof name !== 'string') throw new Error('LoadLocalizationFeature: results.video_name must be a string');
    if (typeof prefix !== 'string') throw new Error('LoadLocalizationFeature: results.data_prefix must be a string (set the dataset\'s data_prefix to the feature folder)');
    const path = join(prefix, name + this.ext);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw new Error(`LoadLocalizationFeature: cannot read the features of ${name}: ${(e as Error).message}`, { cause: e });
    }
    const feat = loadFeatureCsv(text, path); // [T, C]
    const [t, c] = feat.shape as [number, number];
    const out = new Float32Array(t * c);
    for (let i = 0; i < t; i++) for (let j = 0; j < c; j++) out[j * t + i] = feat.data[i * c + j]!;
    results.raw_feature = new NDArray(out, [c, t]); // [C, T]
    return results;
  }
}

interface Annotation { segment: [number, number]; label?: string }

export class GenerateLocalizationLabels implements Transform {
  readonly type = 'GenerateLocalizationLabels';

  constructor(cfg: Cfg, where = 'GenerateLocalizationLabels') {
    parseOptions(where, cfg, {});
  }

  call(results: Results): Results {
    for (const k of ['duration_frame', 'duration_second', 'feature_frame'] as const) {
      if (typeof results[k] !== 'number') throw new Error(`GenerateLocalizationLabels: ${String(results.video_name ?? 'video')}: '${k}' must be a number in the annotation file`);
    }
    const anns = results.annotations as Annotation[] | undefined;
    if (!Array.isArray(anns)) throw new Error(`GenerateLocalizationLabels: ${String(results.video_name ?? 'video')}: 'annotations' must be a list`);
    const corrected = (results.feature_frame as number) / (results.duration_frame as number) * (results.duration_second as number);
    // Python's max(min(1, x), 0), NaN included.
    const clip = (x: number) => { const a = x < 1 ? x : 1; return 0 > a ? 0 : a; };
    const box = new Float64Array(anns.length * 2);
    anns.forEach((a, i) => {
      const seg = a?.segment;
      if (!Array.isArray(seg) || seg.length !== 2 || typeof seg[0] !== 'number' || typeof seg[1] !== 'number') {
        throw new Error(`GenerateLocalizationLabels: ${String(results.video_name)}: annotations[${i}].segment must be [start, end] in seconds`);
      }
      box[2 * i] = clip(seg[0] / corrected);
      box[2 * i + 1] = clip(seg[1] / corrected);
    });
    results.gt_bbox = new NDArray(box, [anns.length, 2]);
    return results;
  }
}

export interface LoadProposalsOptions {
  /** Proposals kept per video (the first rows of the file). Required. */
  top_k: number;
  /** Folder of `<video_name>.csv` proposal files. Required. */
  pgm_proposals_dir: string;
  /** Folder of `<video_name>.npy` proposal features. Required. */
  pgm_features_dir: string;
  /** Only '.csv'. */
  proposal_ext: '.csv';
  /** Only '.npy'. */
  feature_ext: '.npy';
}

export class LoadProposals implements Transform {
  readonly type = 'LoadProposals';
  readonly opts: LoadProposalsOptions;

  constructor(cfg: Cfg, where = 'LoadProposals') {
    this.opts = parseOptions(where, cfg, { proposal_ext: '.csv', feature_ext: '.npy' } as LoadProposalsOptions,
      ['top_k', 'pgm_proposals_dir', 'pgm_features_dir']);
    expectInt(where, 'top_k', this.opts.top_k, 1);
    for (const k of ['pgm_proposals_dir', 'pgm_features_dir'] as const) {
      if (typeof this.opts[k] !== 'string') throw new Error(`${where}: ${k} must be a folder path, got ${JSON.stringify(this.opts[k])}`);
    }
    expectOneOf(where, 'proposal_ext', this.opts.proposal_ext, ['.csv'] as const);
    expectOneOf(where, 'feature_ext', this.opts.feature_ext, ['.npy'] as const);
  }

  async call(results: Results): Promise<Results> {
    const name = results.video_name;
    if (typeof name !== 'string') throw new Error('LoadProposals: results.video_name must be a string');
    const { top_k, pgm_proposals_dir, pgm_features_dir, proposal_ext, feature_ext } = this.opts;
    const path = join(pgm_proposals_dir, name + proposal_ext);
    let text: string;
    try {
      text = await readFile(path, 'utf8');
    } catch (e) {
      throw new Error(`LoadProposals: cannot read the proposals of ${name}: ${(e as Error).message}`, { cause: e });
    }
    // np.loadtxt would return a 1-D array for a one-row file, on which MMAction2 then fails; a
    // one-row file is read as one proposal here.
    const all = loadFeatureCsv(text, path); // [N, cols]
    const [n, cols] = all.shape as [number, number];
    if (cols < 6) throw new Error(`${path}: ${cols} columns, but proposal rows need at least 6 (tmin, tmax, tmin_score, tmax_score, score, match_iou)`);
    const k = Math.min(top_k, n);
    const column = (j: number) => {
      const out = new Float32Array(k);
      for (let i = 0; i < k; i++) out[i] = all.data[i * cols + j]!;
      return new NDArray(out, [k]);
    };
    const featPath = join(pgm_features_dir, name + feature_ext);
    const feat = loadNpy(featPath);
    if (feat.shape.length !== 2) throw new Error(`${featPath}: BSP features must be a 2-D array [proposals, dims], got shape [${feat.shape}]`);
    const [fn, fd] = feat.shape as [number, number];
    const fk = Math.min(top_k, fn);
    const bsp = new Float32Array(fk * fd);
    for (let i = 0; i < fk * fd; i++) bsp[i] = Number(feat.data[i]!); // astype(float32)
    results.bsp_feature = new NDArray(bsp, [fk, fd]);
    results.tmin = column(0);
    results.tmax = column(1);
    results.tmin_score = column(2);
    results.tmax_score = column(3);
    results.reference_temporal_iou = column(5);
    return results;
  }
}
