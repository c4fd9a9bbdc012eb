/**
 * `plot_curve` of MMAction2's tools/analysis/analyze_logs.py: curves of logged keys over
 * training, one per log and key, written as SVG (or PNG/JPEG/WebP through sharp) instead of a
 * matplotlib window.
 *
 * x as MMAction2 computes it: a train line at iteration `iter` of epoch `e` sits at
 * `(e - 1) * iters_per_epoch + iter`, where `iters_per_epoch` is the last iteration logged in that
 * epoch. Validation metrics sit at their epoch (MMAction2 0.24 drops the val line of each epoch and
 * so cannot plot them). A key logged in both kinds of line (`top1_acc`: training batches and
 * validation) gives both curves, in an "iter" panel and an "epoch" panel, one colour per log and
 * key. Logs of iteration-based runs (every line in epoch 1, several validations) plot validation
 * at the training iteration it followed.
 */
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { describeKeys, type JsonLog, type LogRecord } from './json_log.ts';
import { CHART_STYLES, TAB10, renderChartSvg, type Chart, type ChartPanel, type ChartSeries, type ChartStyle } from './svg_chart.ts';

export interface CurveOptions {
  keys: readonly string[];
  /** One label per log and key, log-major (MMAction2's order); default `<log path>_<key>`. */
  legend?: readonly string[] | null;
  title?: string | null;
  style?: string;
}

/** Where the points of a key come from. */
export interface KeyCurves {
  /** Against the global iteration; null when no train line has the key. */
  train: Array<[number, number]> | null;
  /** Against the epoch (or the iteration, for iteration-based logs); null when no val line has it. */
  val: Array<[number, number]> | null;
  valX: 'epoch' | 'iter';
}

/** Keys the logger adds to validation lines too, where they are not results of the validation. */
const LOGGER_KEYS = new Set(['lr', 'memory']);

function value(log: JsonLog, r: LogRecord, key: string): number {
  const v = r.values[key];
  if (typeof v === 'number') return v;
  if (v === null) return NaN; // a gap, as matplotlib draws None
  throw new Error(`${log.path}:${r.line}: "${key}" is ${JSON.stringify(v)}, not a number, so it cannot be plotted`);
}

/** True for logs of IterBasedRunner runs: one epoch holding several validations. */
export function isIterBased(log: JsonLog): boolean {
  return log.epochs.length === 1 && log.epochs[0].val.length > 1;
}

export function keyCurves(log: JsonLog, key: string): KeyCurves {
  let train: Array<[number, number]> | null = null;
  let val: Array<[number, number]> | null = null;
  const iterBased = isIterBased(log);
  for (const e of log.epochs) {
    const itersPerEpoch = e.train.length ? e.train[e.train.length - 1].iter : 0;
    for (const r of e.train) {
      if (!(key in r.values)) continue;
      (train ??= []).push([(e.epoch - 1) * itersPerEpoch + r.iter, value(log, r, key)]);
    }
    for (const r of e.val) {
      if (!(key in r.values) || LOGGER_KEYS.has(key)) continue;
      let x = e.epoch;
      if (iterBased) {
        // the training iteration logged last before this validation line
        const before = e.train.filter((t) => t.line < r.line);
        x = before.length ? before[before.length - 1].iter : 0;
      }
      (val ??= []).push([x, value(log, r, key)]);
    }
  }
  if (!train && !val) throw new Error(`${log.path} does not contain the key '${key}'; available keys: ${describeKeys(log)}`);
  return { train, val, valX: iterBased ? 'iter' : 'epoch' };
}

/** The chart of these keys in these logs (default legend labels use each log's path). */
export function buildCurveChart(logs: readonly JsonLog[], o: CurveOptions): Chart {
  const keys = o.keys;
  if (keys.length === 0) throw new Error('--keys: name at least one logged key (e.g. loss_cls top1_acc)');
  const style = (o.style ?? 'dark') as ChartStyle;
  if (!CHART_STYLES.includes(style)) throw new Error(`--style '${o.style}': one of ${CHART_STYLES.join(', ')} (seaborn's styles)`);
  const n = logs.length * keys.length;
  const legend = o.legend ?? logs.flatMap((l) => keys.map((k) => `${l.path}_${k}`));
  if (legend.length !== n) {
    throw new Error(`--legend: ${legend.length} label${legend.length === 1 ? '' : 's'} given, ${n} needed (one per log and key: ${logs.length} log${logs.length === 1 ? '' : 's'} x ${keys.length} key${keys.length === 1 ? '' : 's'}, in the order log1's keys, log2's keys, ...)`);
  }
  const iterSeries: ChartSeries[] = [];
  const valSeries: ChartSeries[] = [];
  const iterKeys = new Set<string>();
  const valKeys = new Set<string>();
  const entries: Chart['legend'] = [];
  logs.forEach((log, i) => keys.forEach((key, j) => {
    const label = legend[i * keys.length + j];
    const color = TAB10[(i * keys.length + j) % TAB10.length];
    const c = keyCurves(log, key);
    entries.push({ label, color });
    if (c.train) { iterSeries.push({ label, color, points: c.train }); iterKeys.add(key); }
    if (c.val) {
      // validations of iteration-based runs share the iteration axis with the train curves
      const target = c.valX === 'iter' ? iterSeries : valSeries;
      target.push({ label, color, points: c.val, markers: true });
      (c.valX === 'iter' ? iterKeys : valKeys).add(key);
    }
  }));
  const panels: ChartPanel[] = [];
  const ylabel = (s: Set<string>) => (s.size === 1 ? [...s][0] : undefined);
  if (iterSeries.length) panels.push({ xlabel: 'iter', ylabel: ylabel(iterKeys), integerX: true, series: iterSeries });
  if (valSeries.length) panels.push({ xlabel: 'epoch (validation)', ylabel: ylabel(valKeys), integerX: true, series: valSeries });
  return { title: o.title ?? null, panels, legend: entries, style };
}

const RASTER = new Set(['.png', '.jpg', '.jpeg', '.webp']);

/** `<log without .json>_<keys>.png` next to the first log: where a plot goes without --out. */
export function defaultCurvePath(firstLog: string, keys: readonly string[]): string {
  const stem = basename(firstLog).replace(/\.json$/, '');
  return join(dirname(firstLog), `${stem}_${keys.join('_')}.png`);
}

/** Writes the chart by extension: .svg as is, .png/.jpg/.jpeg/.webp rasterised by sharp. Atomic. */
export async function saveChart(chart: Chart, out: string): Promise<void> {
  const ext = extname(out).toLowerCase();
  if (ext !== '.svg' && !RASTER.has(ext)) {
    throw new Error(`--out ${out}: write .svg or .png (also .jpg, .webp); ${ext || 'no extension'} is not supported here`);
  }
  const svg = renderChartSvg(chart);
  let data: Uint8Array | string = svg;
  if (ext !== '.svg') {
    const { default: sharp } = await import('sharp');
    const img = sharp(Buffer.from(svg), { density: 72 });
    data = await (ext === '.png' ? img.png() : ext === '.webp' ? img.webp() : img.flatten({ background: '#ffffff' }).jpeg({ quality: 95 })).toBuffer();
  }
  const tmp = join(dirname(out), `.${basename(out)}.${process.pid}.tmp`);
  try {
    writeFileSync(tmp, data);
    renameSync(tmp, out);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* not created */ }
    throw new Error(`${out}: cannot write the plot (${(e as Error).message})`);
  }
}
