/**
 * `Config`: a merged MMAction2 config, read from MMAction2's own Python files (unchanged),
 * TypeScript/JavaScript modules, JSON or YAML, with `_base_` inheritance and `--cfg-options`
 * overrides exactly as mmcv 1.x's `mmcv.Config` (mmcv/utils/config.py).
 *
 * ```ts
 * const cfg = await Config.fromFile('configs/recognition/tsn/tsn_r50_1x1x3_100e_kinetics400_rgb.py',
 *   { cfgOptions: ['model.cls_head.num_classes=101', 'data.videos_per_gpu=8'] });
 * cfg.get('model.backbone.depth');   // 50
 * cfg.toObject();                    // plain JSON data
 * cfg.dump('merged.py');             // or .json/.yaml/.ts
 * ```
 */
import { mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { deepCopy, fromPlain, isDict, toPlain, type Plain, type PyDict, type PyValue } from './python/values.ts';
import { getPath, mergeFromDict, RESERVED_KEYS } from './merge.ts';
import { parseCfgOptions } from './options.ts';
import { fileToDict, type LoadOptions } from './loader.ts';
import { dumpText, formatFromPath, type DumpFormat } from './dump.ts';

/** Overrides: `['a.b=1', ...]` as on the command line, or `{ 'a.b': 1 }` already parsed. */
export type CfgOptions = readonly string[] | Record<string, unknown>;

export interface FromFileOptions extends LoadOptions {
  cfgOptions?: CfgOptions;
}

function toOptionDict(options: CfgOptions): Record<string, PyValue> {
  if (Array.isArray(options)) return parseCfgOptions(options as string[]);
  const out: Record<string, PyValue> = {};
  for (const [k, v] of Object.entries(options)) out[k] = fromPlain(v, k);
  return out;
}

/** Writes `text` to `path` through a temporary file in the same folder and a rename. */
export function writeFileAtomic(path: string, text: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  try {
    writeFileSync(tmp, text, 'utf8');
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

export class Config {
  #data: PyDict;
  #plain: { [key: string]: Plain } | undefined;
  readonly filename: string | undefined;
  /** The source text: each file of the chain, headed by its path, bases first (mmcv's `cfg.text`). */
  readonly text: string;

  constructor(data: PyDict | Record<string, unknown> = {}, options: { filename?: string; text?: string } = {}) {
    const d = fromPlain(data) as PyDict;
    for (const k of Object.keys(d)) {
      if (RESERVED_KEYS.includes(k)) throw new Error(`'${k}' is reserved for config file (rename the key)`);
    }
    this.#data = d;
    this.filename = options.filename;
    this.text = options.text ?? '';
  }

  /**
   * Reads a config file (.py, .ts/.js/.mjs, .json, .yaml/.yml) with its `_base_` chain and
   * applies `cfgOptions`. Synchronous; `await Config.fromFile(...)` works as well.
   */
  static fromFile(path: string, options: FromFileOptions = {}): Config {
    const { dict, text } = fileToDict(path, options);
    const cfg = new Config({}, { filename: path, text });
    cfg.#data = dict;
    for (const k of Object.keys(dict)) {
      if (RESERVED_KEYS.includes(k)) throw new Error(`${path}: '${k}' is reserved for config file (rename the key)`);
    }
    if (options.cfgOptions) cfg.merge(options.cfgOptions);
    return cfg;
  }

  /** mmcv's `Config.fromstring`: the text of a config in the given format (`.py`, `.json`, `.yaml`, `.ts`). */
  static fromString(text: string, format: string): Config {
    const ext = format.startsWith('.') ? format : `.${format}`;
    const dir = mkdtempSync(join(tmpdir(), 'mmaction-cfg-'));
    try {
      const file = join(dir, `config${ext}`);
      writeFileSync(file, text, 'utf8');
      const out = new Config({}, { text });
      out.#data = Config.fromFile(file).#data;
      return out;
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  /** Applies overrides like mmcv's `merge_from_dict` (dotted keys, list indexes allowed). */
  merge(options: CfgOptions): this {
    this.#data = mergeFromDict(this.#data, toOptionDict(options));
    this.#plain = undefined;
    return this;
  }

  /** The merged config as plain JSON data (ints and floats are numbers, tuples arrays); a fresh copy. */
  toObject(): { [key: string]: Plain } {
    return structuredClone(this.plain());
  }

  toJSON(): { [key: string]: Plain } {
    return this.toObject();
  }

  private plain(): { [key: string]: Plain } {
    this.#plain ??= toPlain(this.#data) as { [key: string]: Plain };
    return this.#plain;
  }

  /** The value at a dotted path (`'model.backbone.depth'`, `'data.train.pipeline.0.type'`), as plain data. */
  get<T = Plain>(path: string): T | undefined;
  get<T = Plain>(path: string, fallback: T): T;
  get<T = Plain>(path: string, fallback?: T): T | undefined {
    const v = getPath(this.#data, path);
    return v === undefined ? fallback : (toPlain(v) as T);
  }

  has(path: string): boolean {
    return getPath(this.#data, path) !== undefined;
  }

  /** Sets a dotted path (no merging: the value replaces what was there). */
  set(path: string, value: unknown): this {
    const keys = path.split('.');
    let d: PyValue = this.#data;
    for (const k of keys.slice(0, -1)) {
      const next: PyValue | undefined = getPath(d, k);
      if (next === undefined) {
        if (!isDict(d)) throw new Error(`${path}: '${k}' is missing`);
        d[k] = {};
        d = d[k];
      } else d = next;
    }
    const last = keys[keys.length - 1];
    if (Array.isArray(d)) d[Number(last)] = fromPlain(value);
    else if (isDict(d)) d[last] = fromPlain(value);
    else throw new Error(`${path}: cannot set a key inside a ${typeof d}`);
    this.#plain = undefined;
    return this;
  }

  /** Top-level keys. */
  keys(): string[] {
    return Object.keys(this.#data);
  }

  /** The Python-typed value tree (ints as bigint, tuples as PyTuple), a copy. */
  toPyValue(): PyDict {
    return deepCopy(this.#data);
  }

  /** mmcv's `pretty_text`: the merged config as Python source. */
  get prettyText(): string {
    return dumpText(this.#data, 'py');
  }

  /** The merged config as text in a format. */
  format(format: DumpFormat): string {
    return dumpText(this.#data, format, this.filename ? `merged from ${this.filename}` : undefined);
  }

  /**
   * mmcv's `dump`: without a file, the text in the format of `filename` (Python when unknown);
   * with a file, writes it atomically in the format its extension names and returns the text.
   */
  dump(file?: string): string {
    if (!file) return this.format(this.filename ? formatFromPath(this.filename) : 'py');
    const text = this.format(formatFromPath(file));
    writeFileAtomic(file, text);
    return text;
  }

  toString(): string {
    return `Config (path: ${this.filename}): ${JSON.stringify(this.plain())}`;
  }
}
