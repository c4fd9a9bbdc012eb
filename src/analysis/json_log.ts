/**
 * Reading MMAction2's `<timestamp>.log.json` (what TextLoggerHook writes, ours and mmcv's): one JSON
 * object per line; the first line is the run's meta (no `epoch`), then one line per logged step,
 *   {"mode": "train", "epoch": 1, "iter": 20, "lr": 0.01, "data_time": 0.1, "loss_cls": 2.3, ..., "time": 0.5}
 * and one per validation,
 *   {"mode": "val", "epoch": 3, "iter": 7, "lr": 0.004, "top1_acc": 0.12, "mean_class_accuracy": 0.12}
 * Mirrors `load_json_logs` of MMAction2's tools/analysis/analyze_logs.py (lines without `epoch`
 * are skipped; epochs keep the order of their first line), but keeps each line as one record so
 * a key missing from some lines cannot shift the others.
 */
import { readFileSync } from 'node:fs';

/** One logged line (mode and epoch taken out; `iter` kept as logged). */
export interface LogRecord {
  /** 1-based line number in the file, for messages. */
  line: number;
  /** 'train' or 'val' (older logs may lack it: then 'train' when the line has `time`, else 'val', as mmcv decides). */
  mode: 'train' | 'val';
  iter: number;
  values: Record<string, unknown>;
}

export interface EpochLog {
  epoch: number;
  train: LogRecord[];
  val: LogRecord[];
}

export interface JsonLog {
  path: string;
  /** In order of first appearance, as Python's dict keeps them. */
  epochs: EpochLog[];
}

/** Keys that describe a line rather than measure something. */
const STRUCTURAL = new Set(['mode', 'epoch', 'iter']);

/**
 * JSON as Python's `json.loads` reads it: `NaN`, `Infinity` and `-Infinity` are numbers there
 * (mmcv's json.dumps writes them for a diverged loss), not errors.
 */
export function parsePythonJson(text: string): unknown {
  const NONFINITE = '__mmaction_nonfinite__';
  let replaced = false;
  const src = text.replace(/("(?:[^"\\]|\\.)*")|(-?Infinity|NaN)/g, (_m, str: string | undefined, tok: string | undefined) => {
    if (str !== undefined) return str;
    replaced = true;
    return `{"${NONFINITE}":"${tok}"}`;
  });
  if (!replaced) return JSON.parse(src);
  return JSON.parse(src, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v) && NONFINITE in v) {
      const t = (v as Record<string, string>)[NONFINITE];
      return t === 'NaN' ? NaN : t === 'Infinity' ? Infinity : -Infinity;
    }
    return v;
  });
}

/** Parses the text of a .log.json file; `path` names it in errors. */
export function parseJsonLog(text: string, path: string): JsonLog {
  const byEpoch = new Map<number, EpochLog>();
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i].trim();
    if (!raw) continue;
    const where = `${path}:${i + 1}`;
    let obj: unknown;
    try {
      obj = parsePythonJson(raw);
    } catch (e) {
      const last = lines.slice(i + 1).every((l) => !l.trim());
      throw new Error(`${where}: not a JSON line (${(e as Error).message})` +
        (last ? '; the last line may have been cut off when the run stopped: delete it and retry' : '; each line of a .log.json must be one JSON object'));
    }
    if (obj === null || typeof obj !== 'object' || Array.isArray(obj)) {
      throw new Error(`${where}: expected a JSON object per line, got ${Array.isArray(obj) ? 'an array' : JSON.stringify(obj)}`);
    }
    const d = obj as Record<string, unknown>;
    if (!('epoch' in d)) continue; // the meta line (env_info, seed, config, ...)
    const epoch = d.epoch;
    if (typeof epoch !== 'number' || !Number.isInteger(epoch)) throw new Error(`${where}: "epoch" must be an integer, got ${JSON.stringify(epoch)}`);
    const iter = d.iter;
    if (typeof iter !== 'number' || !Number.isFinite(iter)) throw new Error(`${where}: "iter" must be a number, got ${JSON.stringify(iter)}`);
    let mode = d.mode;
    if (mode === undefined) mode = 'time' in d ? 'train' : 'val';
    if (mode !== 'train' && mode !== 'val') throw new Error(`${where}: "mode" must be "train" or "val", got ${JSON.stringify(mode)}`);
    const values: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(d)) if (!STRUCTURAL.has(k)) values[k] = v;
    let e = byEpoch.get(epoch);
    if (!e) byEpoch.set(epoch, (e = { epoch, train: [], val: [] }));
    e[mode].push({ line: i + 1, mode, iter, values });
  }
  return { path, epochs: [...byEpoch.values()] };
}

/** Reads and parses a .log.json file (MMAction2 insists on the .json suffix; so do we). */
export function loadJsonLog(path: string): JsonLog {
  if (!path.endsWith('.json')) throw new Error(`${path}: expected a .log.json file written by the logger hook (the .log text file cannot be analysed)`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(`${path}: ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}` +
      (code === 'ENOENT' ? ' (the work dir of a run holds <timestamp>.log.json)' : ''));
  }
  return parseJsonLog(text, path);
}

/** The measured keys that occur in train lines and in val lines. */
export function logKeys(log: JsonLog): { train: string[]; val: string[] } {
  const train = new Set<string>();
  const val = new Set<string>();
  for (const e of log.epochs) {
    for (const r of e.train) for (const k of Object.keys(r.values)) train.add(k);
    for (const r of e.val) for (const k of Object.keys(r.values)) val.add(k);
  }
  return { train: [...train], val: [...val] };
}

/** "train: loss_cls, top1_acc; val: top1_acc, mean_class_accuracy" for messages. */
export function describeKeys(log: JsonLog): string {
  const { train, val } = logKeys(log);
  const parts: string[] = [];
  if (train.length) parts.push(`train lines: ${train.join(', ')}`);
  if (val.length) parts.push(`val lines: ${val.join(', ')}`);
  return parts.length ? parts.join('; ') : 'no logged steps at all (only the meta line?)';
}
