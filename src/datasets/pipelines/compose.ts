/**
 * Compose: a list of transform configs -> one async function over the results, like
 * MMAction2's `Compose` (a transform returning null drops the sample there and then).
 *
 * The pipeline owns its random generators (numpy's and Python's, emulated), seeded once at
 * build time and optionally per call, so a seeded run is reproducible whatever the thread.
 * At the end every array result (NDArray, ToTensor's marks) becomes a torch Tensor unless
 * the pipeline was built with `tensors: false` (worker threads hand arrays back).
 */
import { randomInt } from 'node:crypto';
import { PipelineRandom } from '../rng.ts';
import { DataContainer } from './data_container.ts';
import { PendingTensor } from './format.ts';
import { fuseSteps } from './fused.ts';
import { buildTransform } from './index.ts';
import type { Cfg } from './options.ts';
import { NDArray, type PipelineContext, type Results, type Transform } from './types.ts';
import { toTensor } from './tensor_bridge.ts';

export interface PipelineOptions {
  /** Seed of the pipeline's generators; default: a random seed. */
  seed?: number;
  /** Turn arrays into torch Tensors at the end. Default true. */
  tensors?: boolean;
  /** Prefix for error messages, e.g. `data.train.pipeline`. */
  where?: string;
}

export interface CallOptions {
  /** Generators seeded for this call only (the DataLoader passes one seed per sample). */
  seed?: number;
}

export interface Pipeline {
  (results: Results, call?: CallOptions): Promise<Results>;
  readonly transforms: readonly Transform[];
}

export class Compose {
  readonly transforms: Transform[];
  /** What run() executes: the transforms, with adjacent pairs fused where that is exact (fused.ts). */
  readonly steps: Transform[];
  readonly ctx: PipelineContext;
  readonly tensors: boolean;

  constructor(cfgs: readonly (Cfg | Transform)[], opts: PipelineOptions = {}) {
    if (!Array.isArray(cfgs)) throw new Error(`${opts.where ?? 'pipeline'}: expected a list of transform configs`);
    const where = opts.where ?? 'pipeline';
    this.transforms = cfgs.map((c, i) =>
      typeof (c as Transform).call === 'function' ? (c as Transform) : buildTransform(c as Cfg, `${where}[${i}]`));
    this.steps = fuseSteps(this.transforms);
    this.ctx = { rng: new PipelineRandom(opts.seed ?? randomInt(0, 2 ** 32 - 1)) };
    this.tensors = opts.tensors ?? true;
  }

  async run(results: Results, call: CallOptions = {}): Promise<Results | null> {
    // a per-call seed gets its own generators, so concurrent calls never share a stream
    const ctx: PipelineContext = call.seed !== undefined ? { rng: new PipelineRandom(call.seed) } : this.ctx;
    let r: Results | null = results;
    for (const t of this.steps) {
      try {
        r = await t.call(r!, ctx);
      } catch (e) {
        const err = e as Error;
        const src = results.filename ?? results.frame_dir ?? results.audio_path;
        // a fused step ('Normalize+FormatShape') names the part that failed
        if (!t.type.split('+').some((x) => err.message.includes(x))) err.message = `${t.type}: ${err.message}`;
        if (src && !err.message.includes(String(src))) err.message += ` (sample: ${String(src)})`;
        throw err;
      }
      if (r === null || r === undefined) return null;
    }
    return this.tensors ? materialize(r!) : r;
  }
}

/** Replace array results (top level, inside Collect's nested lists and DataContainers) by Tensors. */
export async function materialize(results: Results): Promise<Results> {
  const conv = async (v: unknown): Promise<unknown> => {
    if (v instanceof PendingTensor) v = v.value;
    if (v instanceof NDArray) return toTensor(v.data as Float32Array, v.shape);
    if (v instanceof DataContainer) return new DataContainer(await conv(v.data), v.stack, v.cpuOnly);
    if (Array.isArray(v) && v.some((x) => x instanceof NDArray || x instanceof PendingTensor)) return Promise.all(v.map(conv));
    return v;
  };
  for (const k of Object.keys(results)) results[k] = await conv(results[k]);
  return results;
}

/** `buildPipeline(cfg.data.test.pipeline)` -> async (results) => results. */
export function buildPipeline(cfgs: readonly (Cfg | Transform)[], opts: PipelineOptions = {}): Pipeline {
  const c = new Compose(cfgs, opts);
  const fn = (async (results: Results, call?: CallOptions) => c.run(results, call)) as Pipeline;
  Object.defineProperty(fn, 'transforms', { value: c.transforms });
  return fn;
}
