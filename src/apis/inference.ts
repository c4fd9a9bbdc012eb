/**
 * Inference API, as MMAction2's mmaction/apis/inference.py: initRecognizer builds a recognizer
 * from a config and a checkpoint; inferenceRecognizer runs the config's test pipeline on a video
 * file, an http(s) URL, a frame folder or an array of frames, and returns the top-5 classes.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Config } from '../config/config.ts';
import { collate } from '../datasets/collate.ts';
import { buildPipeline } from '../datasets/pipelines/index.ts';
import { ImageBatch, NDArray, type Results } from '../datasets/pipelines/types.ts';
import { buildModel } from '../models/builder.ts';
import { loadCheckpoint } from '../models/checkpoint.ts';
import type { DownloadOptions } from '../models/download.ts';
import type { BaseRecognizer } from '../models/recognizers/base.ts';
import * as torch from '../torch/index.ts';

type Cfg = Record<string, any>;

/** A recognizer ready for inference, with the config it was built from and its class names. */
export type InferenceRecognizer = BaseRecognizer & { cfg: Cfg; classNames: string[] | null };

/** Download options apply when the checkpoint is an http(s) URL (fetched into the cache on first use). */
export interface InitOptions extends DownloadOptions {
  device?: string;
  /** `--cfg-options`-style overrides. */
  cfgOptions?: string[] | Record<string, unknown>;
  /** Class names: a label-map file (one name per line) or a list; default: the checkpoint's meta.CLASSES. */
  labels?: string | string[];
}

/** Folder of the built-in SynthMotion model (config.py, checkpoint .pth, label_map.txt). */
export const BUILTIN_MODEL_DIR = fileURLToPath(new URL('../../models/synth_motion', import.meta.url));

function readLabelMap(labels: string | string[] | undefined): string[] | null {
  if (labels === undefined) return null;
  if (Array.isArray(labels)) return labels;
  if (!existsSync(labels)) throw new Error(`label map ${labels} does not exist`);
  return readFileSync(labels, 'utf8').split(/\r?\n/).map((l) => l.trim()).filter((l) => l.length > 0);
}

/**
 * Builds a recognizer for inference. With no config, the built-in SynthMotion model that ships
 * with the package (models/synth_motion/).
 */
export async function initRecognizer(config?: string | Config | Cfg, checkpoint?: string | null, o: InitOptions = {}): Promise<InferenceRecognizer> {
  if (config === undefined) {
    const cfgPath = `${BUILTIN_MODEL_DIR}/config.py`;
    if (!existsSync(cfgPath)) {
      throw new Error(`the built-in SynthMotion model is not installed (${cfgPath} is missing); ` +
        'pass a config and a checkpoint, or reinstall mmaction-ts');
    }
    config = cfgPath;
    checkpoint ??= readdirSync(BUILTIN_MODEL_DIR).filter((f) => f.endsWith('.pth')).map((f) => `${BUILTIN_MODEL_DIR}/${f}`)[0];
    o = { ...o, labels: o.labels ?? `${BUILTIN_MODEL_DIR}/label_map.txt` };
  }
  const cfg: Cfg = typeof config === 'string'
    ? (await Config.fromFile(config, { cfgOptions: o.cfgOptions as never })).toObject()
    : config instanceof Config ? config.toObject() : structuredClone(config);
  if (!cfg.model) throw new Error('config has no `model` field');
  // As MMAction2: never load a backbone's pretrained weights when a checkpoint follows.
  if (cfg.model.backbone) cfg.model.backbone.pretrained = null;
  const model = buildModel(cfg.model) as InferenceRecognizer;
  let classNames = readLabelMap(o.labels);
  if (checkpoint) {
    const ck = await loadCheckpoint(model, checkpoint, { strict: false, logger: null, cacheDir: o.cacheDir, progress: o.progress, checkHash: o.checkHash, fetchImpl: o.fetchImpl });
    const meta = ck.meta as Record<string, unknown> | undefined;
    if (!classNames && Array.isArray(meta?.CLASSES)) classNames = (meta!.CLASSES as unknown[]).map(String);
  }
  if (o.device && o.device !== 'cpu') model.to(o.device);
  model.eval();
  model.cfg = cfg;
  model.classNames = classNames;
  return model;
}

export type InferenceInput = string | torch.Tensor | Uint8Array[] | { data: Uint8Array; n: number; h: number; w: number };

export interface InferenceOptions {
  /** Names of submodules whose outputs to return (MMAction2's outputs=('backbone', 'cls_head')). */
  outputs?: string[];
  /** Return the outputs as tensors (default) or as nested arrays. */
  asTensor?: boolean;
  /** How many classes to return (default 5). */
  topk?: number;
}

export interface InferenceResult {
  /** The top classes, best first: label is the class name when the model has one, else the index. */
  top: { label: string | number; index: number; score: number }[];
  /** The test-mode scores of all classes (after average_clips). */
  scores: Float32Array;
  outputs?: Record<string, unknown>;
}

function toImageBatch(input: InferenceInput): ImageBatch {
  if (input instanceof torch.Tensor) {
    if (input.ndim !== 4 || input.shape[3] !== 3 || input.dtype !== 'uint8')
      throw new TypeError(`frames tensor must be uint8 [T, H, W, 3] RGB, got ${input.dtype} [${input.shape}]`);
    const [n, h, w] = input.shape;
    return new ImageBatch(input.contiguous().toTypedArray() as Uint8Array, n, h, w, 3);
  }
  if (Array.isArray(input)) throw new TypeError('a list of frames must be given as a uint8 [T, H, W, 3] tensor');
  if (typeof input === 'object' && input && 'data' in input) return new ImageBatch(input.data, input.n, input.h, input.w, 3);
  throw new TypeError('unsupported input');
}

/** The test pipeline adapted to the input kind, as MMAction2's inference_recognizer does it. */
function adaptPipeline(pipeline: Cfg[], kind: 'video' | 'rawframes' | 'array'): Cfg[] {
  let p = pipeline.map((t) => ({ ...t }));
  const isInit = (t: Cfg) => String(t.type).includes('Init');
  const isDecode = (t: Cfg) => String(t.type).includes('Decode');
  if (kind === 'video') {
    if (!isInit(p[0])) p = [{ type: 'OpenCVInit' }, ...p];
    else p[0] = { type: 'OpenCVInit' };
    p = p.map((t) => (isDecode(t) ? { type: 'OpenCVDecode' } : t));
  } else {
    if (isInit(p[0])) p = p.slice(1);
    p = p.map((t) => (isDecode(t) ? { type: kind === 'rawframes' ? 'RawFrameDecode' : 'ArrayDecode' } : t));
  }
  return p;
}

/**
 * The model input for one video file / URL, frame folder or array of frames: the config's test
 * pipeline adapted to the input kind (as inference_recognizer does), collated to a batch of one.
 * A float32 tensor ([1, clips*crops, C, H, W] for 2D models, [1, clips*crops, C, T, H, W] for 3D);
 * the caller owns it. MMAction2's demo_gradcam.py builds its inputs the same way.
 */
export async function buildInputs(model: InferenceRecognizer, input: InferenceInput): Promise<torch.Tensor> {
  const cfg = model.cfg;
  const test: Cfg = cfg.data?.test ?? {};
  const pipelineCfg: Cfg[] | undefined = test.pipeline ?? cfg.test_pipeline;
  if (!pipelineCfg) throw new Error('the config has no data.test.pipeline');
  let kind: 'video' | 'rawframes' | 'array';
  let data: Results;
  if (typeof input === 'string') {
    const isUrl = /^https?:\/\//.test(input);
    if (!isUrl && !existsSync(input)) throw new Error(`input ${input} does not exist (expected a video file, a frame folder or a URL)`);
    if (!isUrl && statSync(input).isDirectory()) {
      kind = 'rawframes';
      const tmpl: string = test.filename_tmpl ?? 'img_{:05}.jpg';
      const modality: string = test.modality ?? 'RGB';
      const total = readdirSync(input).filter((f) => !f.startsWith('.')).length;
      if (total === 0) throw new Error(`frame folder ${input} is empty`);
      data = { frame_dir: input, total_frames: modality === 'Flow' ? total / 2 : total, label: -1, start_index: test.start_index ?? 1, filename_tmpl: tmpl, modality };
    } else {
      kind = 'video';
      data = { filename: input, label: -1, start_index: 0, modality: 'RGB' };
    }
  } else {
    kind = 'array';
    const frames = toImageBatch(input);
    data = { array: frames, total_frames: frames.n, label: -1, start_index: 0, modality: 'RGB' };
  }
  const pipeline = buildPipeline(adaptPipeline(pipelineCfg, kind), { seed: 0, where: 'data.test.pipeline', tensors: false });
  const batch = collate([await pipeline(data)]);
  if (!(batch.imgs instanceof NDArray)) throw new Error('the test pipeline did not produce `imgs` (check FormatShape/Collect in data.test.pipeline)');
  return torch.fromTypedArray(batch.imgs.data, batch.imgs.shape);
}

/** One layer's outputs over several calls -> those of one call (tensors and lists of tensors, cat on dim 0). */
function joinCalls(outs: unknown[]): unknown {
  if (outs.length === 1) return outs[0];
  const join = (parts: unknown[]): unknown => {
    if (parts.every((p) => p instanceof torch.Tensor)) {
      const t = torch.keep(torch.cat(parts as torch.Tensor[]));
      for (const p of parts as torch.Tensor[]) p.dispose();
      return t;
    }
    if (parts.every((p) => Array.isArray(p) && p.length === (parts[0] as unknown[]).length)) {
      return (parts[0] as unknown[]).map((_, i) => join(parts.map((p) => (p as unknown[])[i])));
    }
    return parts; // not tensors: every call's output, in order
  };
  return join(outs);
}

/** Runs the test pipeline and the model on one input and returns the top classes. */
export async function inferenceRecognizer(model: InferenceRecognizer, input: InferenceInput, o: InferenceOptions = {}): Promise<InferenceResult> {
  const imgs = await buildInputs(model, input);
  // A layer may run several times in one forward (the backbone on chunks of the views:
  // test_cfg.images_per_forward / max_testing_views): its outputs are concatenated along the batch
  // dimension, so they are those of one call. Outputs are intermediates of the model's own scopes:
  // keep copies that outlive them.
  const calls: Record<string, unknown[]> = {};
  const hold = (v: unknown): unknown => (v instanceof torch.Tensor ? torch.keep(v.detach().clone()) : Array.isArray(v) ? v.map(hold) : v);
  const removers = (o.outputs ?? []).map((name) => model.getSubmodule(name).registerForwardHook((_m, _in, out) => { (calls[name] ??= []).push(hold(out)); }));
  let scoresT: torch.Tensor;
  try {
    scoresT = torch.noGrad(() => model.forwardTest(imgs));
  } finally {
    for (const r of removers) r();
    imgs.dispose();
  }
  const captured: Record<string, unknown> = {};
  for (const [name, outs] of Object.entries(calls)) captured[name] = joinCalls(outs);
  const scores = scoresT.index(0).to('float32').contiguous().toTypedArray() as Float32Array;
  scoresT.dispose();
  // Stable sort by score, descending (Python's sorted(..., reverse=True) keeps index order among ties).
  const order = [...scores.keys()].sort((a, b) => scores[b] - scores[a] || a - b);
  const names = model.classNames;
  const top = order.slice(0, o.topk ?? 5).map((i) => ({ label: names ? names[i] ?? i : i, index: i, score: scores[i] }));
  const result: InferenceResult = { top, scores };
  if (o.outputs) {
    result.outputs = {};
    for (const name of o.outputs) {
      const v = captured[name];
      result.outputs[name] = o.asTensor === false && v instanceof torch.Tensor ? v.toArray() : v;
    }
  }
  return result;
}
