/**
 * `mmaction checkpoint-info FILE [--json] [--all]`: the keys, shapes and dtypes of a checkpoint
 * (.pth zip or legacy, or .safetensors) and its meta, without reading tensor data or loading
 * the engine. The tensor list has the form of the parity fixtures' state_dict.json:
 * `[[key, shape, dtype], ...]`, relative to the state dict (mmcv's 'state_dict').
 */
import { statSync } from 'node:fs';
import { inspectCheckpoint, type CheckpointFormat } from '../torch/serialization/reader.ts';
import { TensorInfo } from '../torch/serialization/checkpoint.ts';
import { readSafetensorsHeader } from '../torch/serialization/safetensors.ts';
import { FileSource } from '../torch/serialization/zip.ts';
import { PyObject } from '../torch/serialization/pytypes.ts';

const USAGE = `usage: mmaction checkpoint-info FILE [--json] [--all]

Lists the tensors of a PyTorch checkpoint (.pth/.pt, zip or legacy format) or a .safetensors
file: key, shape and dtype, in order, then the meta (mmcv's 'meta': versions, epoch, config, ...).

  --json   print one JSON object: {file, format, bytes, stateDictKey, tensors: [[key, shape, dtype], ...],
           numParams, dtypes, meta, otherKeys}
  --all    list the tensors of the whole file (e.g. optimizer state too), with full dotted paths`;

export interface TensorRow {
  key: string;
  shape: number[];
  dtype: string;
}

export interface CheckpointSummary {
  file: string;
  format: CheckpointFormat | 'safetensors';
  bytes: number;
  /** Where the state dict was found ('state_dict' in mmcv checkpoints; '' = the top level). */
  stateDictKey: string;
  tensors: TensorRow[];
  numParams: number;
  dtypes: Record<string, number>;
  meta: unknown;
  otherKeys: string[];
  /** The Python class when the file holds one pickled object (e.g. a whole nn.Module). */
  objectClass?: string;
}

/** Every TensorInfo under `x`, with dotted paths. */
function collect(x: unknown, prefix: string, out: TensorRow[], seen: Set<unknown>): void {
  if (x instanceof TensorInfo) {
    out.push({ key: prefix, shape: x.shape, dtype: x.dtype });
    return;
  }
  if (typeof x !== 'object' || x === null || seen.has(x)) return;
  seen.add(x);
  const join = (k: unknown) => (prefix ? `${prefix}.${String(k)}` : String(k));
  if (Array.isArray(x)) x.forEach((v, i) => collect(v, join(i), out, seen));
  else if (x instanceof Map) for (const [k, v] of x) collect(v, join(k), out, seen);
  else if (x instanceof PyObject) {
    // a pickled object (e.g. a whole nn.Module): its items, then its attributes
    if (x.dictItems) for (const [k, v] of x.dictItems) collect(v, join(k), out, seen);
    if (x.listItems) x.listItems.forEach((v, i) => collect(v, join(i), out, seen));
    collect(x.state, prefix, out, seen);
  } else if (Object.getPrototypeOf(x) === Object.prototype || Object.getPrototypeOf(x) === null) {
    for (const [k, v] of Object.entries(x)) collect(v, join(k), out, seen);
  }
}

const get = (x: unknown, k: string): unknown =>
  x instanceof Map ? x.get(k) : typeof x === 'object' && x !== null && Object.hasOwn(x, k) ? (x as Record<string, unknown>)[k] : undefined;

function keysOf(x: unknown): string[] {
  if (x instanceof PyObject) return [];
  if (x instanceof Map) return [...x.keys()].map(String);
  if (typeof x === 'object' && x !== null && !Array.isArray(x)) return Object.keys(x);
  return [];
}

/** Reads the structure of a checkpoint and summarizes it. */
export function summarize(file: string, { all = false } = {}): CheckpointSummary {
  const bytes = statSync(file).size;
  if (/\.safetensors$/i.test(file)) {
    const src = new FileSource(file);
    try {
      const h = readSafetensorsHeader(src, file);
      const tensors = [...h.entries].map(([key, e]) => ({ key, shape: e.shape, dtype: e.dtype }));
      return finish({ file, format: 'safetensors', bytes, stateDictKey: '', tensors, meta: h.metadata, otherKeys: [] });
    } finally {
      src.close();
    }
  }
  const { format, value } = inspectCheckpoint(file);
  let stateDictKey = '';
  if (!all) {
    for (const k of ['state_dict', 'model', 'state_dict_ema', 'module']) {
      const v = get(value, k);
      if (v !== undefined && typeof v === 'object' && keysOf(v).length > 0) { stateDictKey = k; break; }
    }
  }
  const root = stateDictKey ? get(value, stateDictKey) : value;
  const tensors: TensorRow[] = [];
  collect(root, '', tensors, new Set());
  const meta = get(value, 'meta') ?? null;
  const otherKeys = keysOf(value).filter((k) => k !== stateDictKey && k !== 'meta');
  const objectClass = value instanceof PyObject ? value.__class__ : undefined;
  return finish({ file, format, bytes, stateDictKey, tensors, meta, otherKeys, objectClass });
}

function finish(s: Omit<CheckpointSummary, 'numParams' | 'dtypes'>): CheckpointSummary {
  const dtypes: Record<string, number> = {};
  let numParams = 0;
  for (const t of s.tensors) {
    dtypes[t.dtype] = (dtypes[t.dtype] ?? 0) + 1;
    numParams += t.shape.reduce((a, b) => a * b, 1);
  }
  return { ...s, numParams, dtypes };
}

/** JSON.stringify replacer: bigints as strings, bytes as their length, Maps and Sets as objects/arrays. */
function jsonSafe(_k: string, v: unknown): unknown {
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v);
  if (v instanceof Uint8Array) return { __bytes__: v.length };
  if (v instanceof Map) return Object.fromEntries([...v].map(([k, x]) => [String(k), x]));
  if (v instanceof Set) return [...v];
  return v;
}

function metaLines(meta: unknown): string[] {
  if (meta === null || meta === undefined) return [];
  const lines = ['meta:'];
  const entries: [string, unknown][] = meta instanceof Map ? [...meta].map(([k, v]) => [String(k), v]) : Object.entries(meta as object);
  for (const [k, v] of entries) {
    if (typeof v === 'string' && v.includes('\n')) lines.push(`  ${k}: (${v.split('\n').length} lines of text)`);
    else {
      const s = typeof v === 'string' ? v : JSON.stringify(v, jsonSafe);
      lines.push(`  ${k}: ${s && s.length > 200 ? `${s.slice(0, 200)}...` : s}`);
    }
  }
  return lines;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  const files = argv.filter((a) => !a.startsWith('--'));
  const unknown = argv.filter((a) => a.startsWith('--') && a !== '--json' && a !== '--all');
  if (files.length !== 1 || unknown.length) {
    console.error(unknown.length ? `unknown option ${unknown[0]}\n\n${USAGE}` : USAGE);
    return 2;
  }
  const s = summarize(files[0], { all: argv.includes('--all') });
  if (argv.includes('--json')) {
    console.log(JSON.stringify({ ...s, tensors: s.tensors.map((t) => [t.key, t.shape, t.dtype]) }, jsonSafe, 1));
    return 0;
  }
  const out: string[] = [];
  out.push(`${s.file}: ${s.format} format, ${s.bytes} bytes`);
  if (s.objectClass) out.push(`a pickled ${s.objectClass} object (not a state dict); its tensors:`);
  const where = s.stateDictKey ? `'${s.stateDictKey}'` : 'tensors';
  const dts = Object.entries(s.dtypes).map(([d, n]) => `${d}: ${n}`).join(', ');
  out.push(`${where}: ${s.tensors.length} tensors, ${s.numParams} elements${dts ? ` (${dts})` : ''}`);
  const width = Math.min(80, Math.max(0, ...s.tensors.map((t) => t.key.length)));
  for (const t of s.tensors) out.push(`  ${t.key.padEnd(width)}  [${t.shape.join(', ')}]  ${t.dtype}`);
  if (s.otherKeys.length) out.push(`other keys: ${s.otherKeys.join(', ')}`);
  out.push(...metaLines(s.meta));
  console.log(out.join('\n'));
  return 0;
}
