/**
 * The model zoo: MMAction2 0.24's published recognizers that this package implements, each with
 * its config under configs/, its checkpoint URL on download.openmmlab.com (the sha256 prefix in
 * the file name is checked on download), its dataset's label map under tools/data/ and the
 * accuracy MMAction2 reports. The table (model_zoo_data.ts) is generated from MMAction2's
 * metafile.yml files by scripts/gen_model_zoo.ts. Nothing downloads until a model is asked for.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { didYouMean } from '../config/registry.ts';
import { initRecognizer, type InferenceRecognizer, type InitOptions } from './inference.ts';
import { MODEL_ZOO_DATA } from './model_zoo_data.ts';

/** One published model (fields from MMAction2's metafile.yml). */
export interface ModelZooEntry {
  /** Our name: MMAction2's, or its config's where MMAction2 reuses a name, plus `_256p`/`_320p` for a config's second checkpoint. */
  name: string;
  /** The `Name` in MMAction2's metafile. */
  mmaction2Name: string;
  /** The family (metafile collection): TSN, TSM, I3D, SlowFast... */
  collection: string;
  /** The config, relative to the package root (configs/recognition/...ts). */
  config: string;
  /** The checkpoint URL (download.openmmlab.com/mmaction/...-<sha256 prefix>.pth). */
  checkpoint: string;
  /** The dataset it was trained and evaluated on, as the metafile names it (Kinetics-400, SthV2...). */
  dataset: string;
  /** The dataset's label map (one class name per line), relative to the package root. */
  labelMap: string;
  /** The frame size of the training data (340x256, short-side 320...). */
  resolution: string | null;
  /** What the backbone was initialised from (ImageNet, Kinetics400, IG65M...), null for from scratch. */
  pretrained: string | null;
  architecture: string | null;
  /** Reported accuracies (%) on the dataset's validation set; null where MMAction2 gives none. */
  top1: number | null;
  top5: number | null;
  /** Mean average precision (%) for multi-label datasets (MMiT). */
  mAP: number | null;
}

/** The package root, which holds configs/ and tools/data/. */
export const PACKAGE_ROOT = fileURLToPath(new URL('../..', import.meta.url));

export const MODEL_ZOO: readonly ModelZooEntry[] = MODEL_ZOO_DATA;

const byName = new Map(MODEL_ZOO.map((e) => [e.name, e]));

export interface ModelZooFilter {
  /** Family (case-insensitive): tsn, tsm, i3d, slowfast... */
  collection?: string;
  /** Dataset (case-insensitive substring): kinetics-400, sthv2, ucf101... */
  dataset?: string;
}

/** The zoo's entries, in MMAction2's order, optionally filtered. */
export function listModels(f: ModelZooFilter = {}): ModelZooEntry[] {
  const col = f.collection?.toLowerCase();
  const ds = f.dataset?.toLowerCase();
  return MODEL_ZOO.filter((e) => (!col || e.collection.toLowerCase() === col) && (!ds || e.dataset.toLowerCase().includes(ds)));
}

/** The entry named `name`; an error with the closest name (and `mmaction model-zoo list`) otherwise. */
export function getModelInfo(name: string): ModelZooEntry {
  const e = byName.get(name);
  if (e) return e;
  const hint = didYouMean(name, byName.keys());
  throw new Error(`no model named '${name}' in the model zoo` + (hint ? ` (did you mean '${hint}'?)` : '') +
    '; `mmaction model-zoo list` lists them');
}

export interface ResolvedModel {
  entry: ModelZooEntry;
  /** Absolute path of the config. */
  config: string;
  /** The checkpoint URL. */
  checkpoint: string;
  /** Absolute path of the label map. */
  labelMap: string;
}

/** The files behind a zoo name: absolute config and label-map paths, and the checkpoint URL. */
export function resolveModel(name: string): ResolvedModel {
  const entry = getModelInfo(name);
  return { entry, config: join(PACKAGE_ROOT, entry.config), checkpoint: entry.checkpoint, labelMap: join(PACKAGE_ROOT, entry.labelMap) };
}

/**
 * initRecognizer for a zoo model: its config, its checkpoint (downloaded into the cache on the
 * first call; this call is the request) and its label map, unless `o.labels` overrides it.
 */
export async function initZooRecognizer(name: string, o: InitOptions = {}): Promise<InferenceRecognizer> {
  const m = resolveModel(name);
  return initRecognizer(m.config, m.checkpoint, { ...o, labels: o.labels ?? m.labelMap });
}
