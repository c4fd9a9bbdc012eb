/**
 * Loading MMAction2 checkpoints into models (mmcv.runner.load_checkpoint): files written by
 * `save_checkpoint` (`{meta, state_dict}`), bare state dicts, DataParallel `module.` prefixes,
 * backbone-only pretrained files, and `torchvision://name`, `http(s)://` sources, which are
 * downloaded once, on request, into the cache folder by download.ts.
 */
import { existsSync } from 'node:fs';
import { dirname } from 'node:path';
import * as torch from '../torch/index.ts';
import { loadSync } from '../torch/serialization/load.ts';
import type { LoadStateDictResult } from '../torch/nn/module.ts';
import { cachePathOf, checkpointCacheDir, download, type DownloadOptions } from './download.ts';

export { checkpointCacheDir, hashPrefixOf, DownloadError, type DownloadOptions } from './download.ts';

type Tensor = torch.Tensor;
type Module = torch.nn.Module;

/** torchvision://<name> URLs (mmcv/model_zoo/torchvision_0.12.json, the ones MMAction2 configs name). */
export const TORCHVISION_URLS: Readonly<Record<string, string>> = Object.freeze({
  mobilenet_v2: 'https://download.pytorch.org/models/mobilenet_v2-b0353104.pth',
  resnet18: 'https://download.pytorch.org/models/resnet18-f37072fd.pth',
  resnet34: 'https://download.pytorch.org/models/resnet34-b627a593.pth',
  resnet50: 'https://download.pytorch.org/models/resnet50-0676ba61.pth',
  resnet101: 'https://download.pytorch.org/models/resnet101-63fe2227.pth',
  resnet152: 'https://download.pytorch.org/models/resnet152-394f9c45.pth',
  resnext50_32x4d: 'https://download.pytorch.org/models/resnext50_32x4d-7cdf4587.pth',
  resnext101_32x8d: 'https://download.pytorch.org/models/resnext101_32x8d-8ba56ff5.pth',
  wide_resnet50_2: 'https://download.pytorch.org/models/wide_resnet50_2-95faca4d.pth',
  wide_resnet101_2: 'https://download.pytorch.org/models/wide_resnet101_2-32ee1156.pth',
});

export class CheckpointError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CheckpointError';
  }
}

export type CheckpointSource = { kind: 'file'; path: string } | { kind: 'url'; url: string; cachePath: string };

/** Resolves a path, `http(s)://` URL or `torchvision://name` (also `modelzoo://`) to a file or a URL with its cache path. */
export function resolveCheckpointSource(fileOrUrl: string, cacheDir = checkpointCacheDir()): CheckpointSource {
  let url: string | null = null;
  const tv = /^(torchvision|modelzoo):\/\/(.+)$/.exec(fileOrUrl);
  if (tv) {
    const name = tv[2].toLowerCase().replace('_weights', '');
    url = TORCHVISION_URLS[name];
    if (!url) throw new CheckpointError(`unknown torchvision model '${tv[2]}' in '${fileOrUrl}' (known: ${Object.keys(TORCHVISION_URLS).join(', ')})`);
  } else if (/^https?:\/\//.test(fileOrUrl)) {
    url = fileOrUrl;
  } else if (/^[a-z][a-z0-9+-]*:\/\//i.test(fileOrUrl)) {
    throw new CheckpointError(`unsupported checkpoint scheme in '${fileOrUrl}' (use a local path, http(s):// or torchvision://)`);
  }
  if (url === null) return { kind: 'file', path: fileOrUrl };
  return { kind: 'url', url, cachePath: cachePathOf(url, cacheDir) };
}

/**
 * Downloads `url` (or the URL of `torchvision://name`) into the cache once, on request, and
 * returns the cached path; a local path is returned as it is. See download() for the rules.
 */
export async function downloadCheckpoint(fileOrUrl: string, o: DownloadOptions = {}): Promise<string> {
  const src = resolveCheckpointSource(fileOrUrl, o.cacheDir);
  return src.kind === 'file' ? src.path : download(src.url, { ...o, cacheDir: dirname(src.cachePath) });
}

/**
 * The file a checkpoint source reads from, without downloading: the path itself, or the cached
 * copy of a URL (an error naming the cache path and `downloadCheckpoint` when it is not there yet).
 */
export function localCheckpointPath(fileOrUrl: string, cacheDir?: string): string {
  const src = resolveCheckpointSource(fileOrUrl, cacheDir);
  if (src.kind === 'file') {
    if (!existsSync(src.path)) throw new CheckpointError(`checkpoint file '${src.path}' does not exist`);
    return src.path;
  }
  if (!existsSync(src.cachePath)) {
    throw new CheckpointError(`checkpoint ${fileOrUrl} is not in the cache (${src.cachePath}); nothing downloads implicitly: ` +
      `run \`await downloadCheckpoint('${fileOrUrl}')\` (or \`await loadCheckpoint(model, url)\`) first, or download it there yourself`);
  }
  return src.cachePath;
}

export interface ReadCheckpointOptions {
  /** torch.load's map_location. Default 'cpu'. */
  mapLocation?: string;
  cacheDir?: string;
  /** Key rewrites applied in order (mmcv's revise_keys). Default [[/^module\./, '']]. */
  reviseKeys?: [RegExp, string][];
}

export interface ReadCheckpoint {
  /** The whole unpickled object (e.g. {meta, state_dict}). */
  checkpoint: unknown;
  stateDict: Map<string, Tensor>;
  meta: Record<string, unknown> | null;
  path: string;
}

function entriesOf(x: unknown): [string, unknown][] | null {
  if (x instanceof Map) return [...x.entries()].map(([k, v]) => [String(k), v]);
  if (x && typeof x === 'object' && !(x instanceof torch.Tensor) && !Array.isArray(x)) return Object.entries(x);
  return null;
}

/** Picks the state dict out of a loaded checkpoint (its 'state_dict' entry, or itself) and revises the keys. */
export function extractStateDict(ck: unknown, reviseKeys: [RegExp, string][] = [[/^module\./, '']], name = 'checkpoint'): Map<string, Tensor> {
  const top = entriesOf(ck);
  if (!top) throw new CheckpointError(`${name}: expected a dict, got ${typeof ck}`);
  const inner = top.find(([k]) => k === 'state_dict');
  const entries = inner ? entriesOf(inner[1]) : top;
  if (!entries) throw new CheckpointError(`${name}: 'state_dict' is not a dict`);
  const sd = new Map<string, Tensor>();
  for (const [k, v] of entries) {
    if (!(v instanceof torch.Tensor)) continue; // e.g. non-tensor metadata
    let key = k;
    for (const [re, rep] of reviseKeys) key = key.replace(re, rep);
    sd.set(key, v);
  }
  if (sd.size === 0) throw new CheckpointError(`${name}: no tensors found (keys: ${top.map(([k]) => k).slice(0, 10).join(', ')})`);
  return sd;
}

/** Frees every tensor of a loaded checkpoint object (after its values were copied into a model). */
export function disposeCheckpoint(x: unknown, depth = 0): void {
  if (depth > 16 || x === null || typeof x !== 'object') return;
  if (x instanceof torch.Tensor) { x.dispose(); return; }
  const values = x instanceof Map ? [...x.values()] : Array.isArray(x) ? x : Object.values(x);
  for (const v of values) disposeCheckpoint(v, depth + 1);
}

/** Synchronously reads a local checkpoint (or the cached copy of a URL); free it with disposeCheckpoint(result.checkpoint). */
export function readCheckpoint(fileOrUrl: string, o: ReadCheckpointOptions = {}): ReadCheckpoint {
  const path = localCheckpointPath(fileOrUrl, o.cacheDir);
  const ck = loadSync(path, { mapLocation: o.mapLocation ?? 'cpu' });
  const stateDict = extractStateDict(ck, o.reviseKeys, path);
  const metaEntry = entriesOf(ck)?.find(([k]) => k === 'meta');
  return { checkpoint: ck, stateDict, meta: (metaEntry?.[1] as Record<string, unknown>) ?? null, path };
}

export interface CheckpointLoadReport extends LoadStateDictResult {
  /** '' when the keys were loaded into the model itself, 'backbone' for a backbone-only file. */
  loadedInto: string;
}

export function formatLoadReport(r: CheckpointLoadReport, name: string): string {
  const lines: string[] = [];
  const list = (ks: string[]) => ks.slice(0, 20).join(', ') + (ks.length > 20 ? `, ... (${ks.length} in all)` : '');
  if (r.unexpectedKeys.length) lines.push(`unexpected key in source state_dict: ${list(r.unexpectedKeys)}`);
  if (r.missingKeys.length) lines.push(`missing keys in source state_dict: ${list(r.missingKeys)}`);
  for (const m of r.shapeMismatch.slice(0, 20)) lines.push(`size mismatch for ${m.key}: checkpoint [${m.got.join(', ')}], model [${m.expected.join(', ')}]`);
  return lines.length ? `${name}${r.loadedInto ? ` (loaded into ${r.loadedInto})` : ''}:\n  ${lines.join('\n  ')}` : '';
}

/**
 * Copies a state dict into `model`. A file holding only backbone weights (keys without the
 * `backbone.` prefix, none matching the model) goes into `model.backbone`. With `strict`, any
 * missing, unexpected or shape-mismatched key throws, naming them all.
 */
export function loadStateDictInto(model: Module, sd: Map<string, Tensor>, { strict = false, name = 'checkpoint', logger = console.warn as ((msg: string) => void) | null } = {}): CheckpointLoadReport {
  let target = model;
  let loadedInto = '';
  const own = model.stateDict();
  const backbone = model.getModule('backbone');
  if (backbone && ![...sd.keys()].some((k) => own.has(k))) {
    const bown = backbone.stateDict();
    if ([...sd.keys()].some((k) => bown.has(k))) { target = backbone; loadedInto = 'backbone'; }
  }
  const r = target.loadStateDict(sd, { strict: false });
  const report: CheckpointLoadReport = { ...r, loadedInto };
  const text = formatLoadReport(report, name);
  if (strict && text) throw new CheckpointError(`Error(s) in loading ${text}`);
  if (text && logger) logger(`The model and loaded state dict do not match exactly\n${text}`);
  return report;
}

export interface LoadCheckpointOptions extends ReadCheckpointOptions, DownloadOptions {
  /** Throw on any missing/unexpected/mismatched key. Default false (mmcv's default; the report is returned and logged). */
  strict?: boolean;
  /** Where mismatch warnings go (default console.warn; null: silent). */
  logger?: ((msg: string) => void) | null;
}

export interface LoadCheckpointResult {
  report: CheckpointLoadReport;
  /** The checkpoint's `meta` (epoch, config text, versions...), or null. */
  meta: Record<string, unknown> | null;
  /** The file that was read (the cache path for URLs). */
  path: string;
}

/**
 * `load_checkpoint(model, filename, map_location, strict)`: downloads a URL into the cache if
 * needed (this call is the request), reads the file and copies it into the model; the
 * checkpoint's own tensors are freed afterwards. Returns the report and the meta.
 */
export async function loadCheckpoint(model: Module, fileOrUrl: string, o: LoadCheckpointOptions = {}): Promise<LoadCheckpointResult> {
  await downloadCheckpoint(fileOrUrl, o);
  const ck = readCheckpoint(fileOrUrl, o);
  try {
    const report = loadStateDictInto(model, ck.stateDict, { strict: o.strict ?? false, name: ck.path, logger: o.logger === undefined ? console.warn : o.logger });
    return { report, meta: ck.meta, path: ck.path };
  } finally {
    disposeCheckpoint(ck.checkpoint);
  }
}

/**
 * Downloads every URL a model config names in a `pretrained` field (e.g. `torchvision://resnet50`
 * in TSN configs) into the cache, so that buildModel(cfg.model) can read them. Returns a copy of
 * the config whose `pretrained` URLs are replaced by the cached files, and the map URL -> file.
 */
export async function prefetchPretrained<C>(modelCfg: C, o: DownloadOptions = {}): Promise<{ cfg: C; files: Map<string, string> }> {
  const files = new Map<string, string>();
  const urls: string[] = [];
  const find = (v: unknown): void => {
    if (Array.isArray(v)) { v.forEach(find); return; }
    if (!v || typeof v !== 'object') return;
    for (const [k, x] of Object.entries(v)) {
      if (k === 'pretrained' && typeof x === 'string' && resolveCheckpointSource(x, o.cacheDir).kind === 'url') urls.push(x);
      else find(x);
    }
  };
  find(modelCfg);
  for (const u of urls) if (!files.has(u)) files.set(u, await downloadCheckpoint(u, o));
  const rewrite = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(rewrite);
    if (!v || typeof v !== 'object') return v;
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, k === 'pretrained' && typeof x === 'string' && files.has(x) ? files.get(x) : rewrite(x)]));
  };
  return { cfg: rewrite(modelCfg) as C, files };
}
