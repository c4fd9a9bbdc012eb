/**
 * DataLoader: batches of `videos_per_gpu` samples, prepared by `workers_per_gpu` worker
 * threads (each rebuilds the dataset from its config) with prefetching, shuffled by a
 * seeded generator. Every sample gets its own seed derived from (seed, epoch, index), so
 * the augmentations do not depend on which worker ran them or when.
 *
 *   const loader = buildDataloader(dataset, { videos_per_gpu: 8, workers_per_gpu: 2, shuffle: true, seed: 0 });
 *   for await (const batch of loader) { batch.imgs  // Tensor [8, ...] }
 */
import { Worker } from 'node:worker_threads';
import { decodeResults, collate } from './collate.ts';
import { materialize } from './pipelines/compose.ts';
import { didYouMean } from './pipelines/options.ts';
import type { Results } from './pipelines/types.ts';
import { RandomState } from './rng.ts';
import type { DatasetLike } from './wrappers.ts';

export interface DataLoaderOptions {
  /** Samples per batch (required). */
  videos_per_gpu: number;
  /** Worker threads; 0 prepares samples on the main thread (still overlapping I/O). Default 0. */
  workers_per_gpu?: number;
  /** Shuffle every epoch (seeded). Default true, like MMAction2's build_dataloader. */
  shuffle?: boolean;
  /** Seed of shuffling and augmentation. Default 0. */
  seed?: number;
  /** Drop the last incomplete batch. Default false. */
  drop_last?: boolean;
  /** Keep workers alive between epochs. Default false. */
  persistent_workers?: boolean;
  /** Batches prepared ahead per worker. Default 2. */
  prefetch_factor?: number;
  /** Log and drop samples that fail instead of failing the epoch. Default false. */
  skip_broken?: boolean;
  /** Convert batches to torch Tensors. Default true. */
  tensors?: boolean;
  /** Where skipped samples are reported. Default console.warn. */
  log?: (message: string) => void;
  /**
   * Distributed sampling (MMAction2's DistributedSampler): this process's rank and the number of
   * processes. The epoch order is padded by repeating its head to a multiple of world_size, and
   * rank r takes positions r, r + world_size, ... Default rank 0 of 1 (everything).
   */
  rank?: number;
  world_size?: number;
}

const LOADER_KEYS = ['videos_per_gpu', 'workers_per_gpu', 'shuffle', 'seed', 'drop_last', 'persistent_workers', 'prefetch_factor',
  'skip_broken', 'tensors', 'log', 'rank', 'world_size'];
/** Keys of MMAction2's `data` dict / build_dataloader that have no effect here (single process per device). */
const IGNORED_KEYS = ['num_gpus', 'dist', 'pin_memory', 'train', 'val', 'test', 'train_dataloader', 'val_dataloader',
  'test_dataloader', 'short_cycle', 'multigrid_cfg', 'crop_size'];

/** Accept `{...cfg.data}` and MMAction2's build_dataloader kwargs; reject typos. */
function checkLoaderOptions(opts: Record<string, unknown> | DataLoaderOptions): void {
  for (const k of Object.keys(opts)) {
    if (!LOADER_KEYS.includes(k) && !IGNORED_KEYS.includes(k)) {
      throw new Error(`DataLoader: unknown option '${k}'${didYouMean(k, LOADER_KEYS)}; accepted: ${LOADER_KEYS.join(', ')}`);
    }
  }
}

/** 32-bit mix (splitmix-style) for per-sample seeds. */
export function sampleSeed(seed: number, epoch: number, idx: number): number {
  let h = (seed ^ Math.imul(epoch + 1, 0x9e3779b1)) >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b) >>> 0;
  h = (h + Math.imul(idx + 1, 0xc2b2ae35)) >>> 0;
  h = Math.imul(h ^ (h >>> 13), 0x27d4eb2f) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

interface Pending {
  resolve(r: Results): void;
  reject(e: Error): void;
}

class WorkerPool {
  private workers: { w: Worker; busy: number; ready: Promise<void> }[] = [];
  private pending = new Map<number, Pending>();
  private nextId = 0;
  private failed: Error | null = null;

  constructor(n: number, cfg: Record<string, unknown>) {
    for (let i = 0; i < n; i++) {
      const w = new Worker(new URL('./worker_boot.mjs', import.meta.url), { workerData: { cfg } });
      let onReady!: () => void;
      let onFail!: (e: Error) => void;
      const ready = new Promise<void>((res, rej) => {
        onReady = res;
        onFail = rej;
      });
      ready.catch(() => {});
      const slot = { w, busy: 0, ready };
      w.on('message', (m: { ready?: boolean; id: number; ok: boolean; results?: Results; message?: string; path?: string; stack?: string }) => {
        if (m.ready) return onReady();
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        slot.busy--;
        if (m.ok) p.resolve(decodeResults(m.results!));
        else {
          const e = new Error(`DataLoader worker ${i}: sample ${m.path}: ${m.message}`);
          (e as Error & { samplePath?: string }).samplePath = m.path;
          p.reject(e);
        }
      });
      const die = (err: Error) => {
        this.failed = new Error(`DataLoader worker ${i} died: ${err.message}`);
        onFail(this.failed);
        for (const [id, p] of this.pending) {
          p.reject(this.failed);
          this.pending.delete(id);
        }
      };
      w.on('error', die);
      w.on('exit', (code) => {
        if (code !== 0 && !this.closing) die(new Error(`exit code ${code}`));
      });
      this.workers.push(slot);
    }
  }

  private closing = false;

  async run(idx: number, seed: number): Promise<Results> {
    if (this.failed) throw this.failed;
    const slot = this.workers.reduce((a, b) => (b.busy < a.busy ? b : a));
    await slot.ready;
    const id = this.nextId++;
    slot.busy++;
    return new Promise<Results>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      slot.w.postMessage({ id, idx, seed });
    });
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((s) => s.w.terminate()));
    this.workers = [];
  }
}

export class DataLoader implements AsyncIterable<Results> {
  readonly batchSize: number;
  readonly numWorkers: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly rank: number;
  readonly worldSize: number;
  epoch = 0;
  private pool: WorkerPool | null = null;
  private readonly opts: DataLoaderOptions;

  constructor(readonly dataset: DatasetLike, opts: DataLoaderOptions) {
    checkLoaderOptions(opts);
    this.opts = opts;
    this.batchSize = opts.videos_per_gpu;
    if (!(Number.isInteger(this.batchSize) && this.batchSize > 0)) throw new Error(`DataLoader: videos_per_gpu must be a positive int, got ${this.batchSize}`);
    this.numWorkers = opts.workers_per_gpu ?? 0;
    if (!(Number.isInteger(this.numWorkers) && this.numWorkers >= 0)) throw new Error(`DataLoader: workers_per_gpu must be an int >= 0`);
    if (this.numWorkers > 0 && !dataset.cfg) {
      throw new Error('DataLoader: worker threads rebuild the dataset from its config; build it with buildDataset(cfg) or use workers_per_gpu: 0');
    }
    this.shuffle = opts.shuffle ?? true;
    this.seed = (opts.seed ?? 0) >>> 0;
    this.dropLast = opts.drop_last ?? false;
    this.rank = opts.rank ?? 0;
    this.worldSize = opts.world_size ?? 1;
    if (!(Number.isInteger(this.worldSize) && this.worldSize >= 1)) throw new Error(`DataLoader: world_size must be an int >= 1, got ${this.worldSize}`);
    if (!(Number.isInteger(this.rank) && this.rank >= 0 && this.rank < this.worldSize)) throw new Error(`DataLoader: rank must be an int in [0, world_size = ${this.worldSize}), got ${this.rank}`);
  }

  /** Samples this rank sees per epoch (all of them for one process). */
  get numSamples(): number {
    return Math.ceil(this.dataset.length / this.worldSize);
  }

  /** Batches per epoch. */
  get length(): number {
    const n = this.numSamples;
    return this.dropLast ? Math.floor(n / this.batchSize) : Math.ceil(n / this.batchSize);
  }

  setEpoch(epoch: number): void {
    this.epoch = epoch;
  }

  /** Sample order of the current epoch, for this rank. */
  order(): number[] {
    const all = this.globalOrder();
    if (this.worldSize === 1) return all;
    const total = this.numSamples * this.worldSize;
    for (let i = 0; all.length < total; i++) all.push(all[i % all.length]!);
    return all.filter((_, i) => i % this.worldSize === this.rank);
  }

  /** Sample order of the current epoch over all ranks. */
  private globalOrder(): number[] {
    const n = this.dataset.length;
    const rng = new RandomState((this.seed + this.epoch) >>> 0);
    const { classProb, byClass } = this.dataset;
    if (this.shuffle && classProb && byClass) {
      // class-balanced: a class by its probability, then a sample of that class
      const classes = [...classProb.keys()];
      const cum: number[] = [];
      let s = 0;
      for (const c of classes) cum.push((s += classProb.get(c)!));
      return Array.from({ length: n }, () => {
        const u = rng.rand() * s;
        const c = classes[Math.min(cum.findIndex((x) => u < x), classes.length - 1)]!;
        const members = byClass.get(c)!;
        return members[rng.randint(0, members.length)]!;
      });
    }
    return this.shuffle ? rng.permutation(n) : Array.from({ length: n }, (_, i) => i);
  }

  private prepareOne(idx: number): Promise<Results> {
    const seed = sampleSeed(this.seed, this.epoch, idx);
    if (this.numWorkers === 0) {
      return this.dataset.prepare(idx, { seed }).catch((e: Error) => {
        const path = this.dataset.describe(idx);
        if (!e.message.includes(path)) e.message = `sample ${path}: ${e.message}`;
        (e as Error & { samplePath?: string }).samplePath = path;
        throw e;
      });
    }
    this.pool ??= new WorkerPool(this.numWorkers, this.dataset.cfg!);
    return this.pool.run(idx, seed);
  }

  async *[Symbol.asyncIterator](): AsyncIterator<Results> {
    const order = this.order();
    const numBatches = this.length;
    const total = Math.min(order.length, numBatches * this.batchSize);
    const window = Math.max(this.batchSize, Math.max(1, this.numWorkers) * (this.opts.prefetch_factor ?? 2) * this.batchSize);
    const inflight: Promise<Results | Error>[] = [];
    let next = 0;
    const fill = () => {
      while (next < total && inflight.length < window) {
        inflight.push(this.prepareOne(order[next++]!).catch((e: Error) => e));
      }
    };
    try {
      for (let b = 0; b < numBatches; b++) {
        fill();
        const samples: Results[] = [];
        for (let k = 0; k < this.batchSize && (b * this.batchSize + k) < total; k++) {
          const r = await inflight.shift()!;
          fill();
          if (r instanceof Error) {
            if (!this.opts.skip_broken) throw r;
            (this.opts.log ?? console.warn)(`DataLoader: skipping broken sample: ${r.message}`);
            continue;
          }
          samples.push(r);
        }
        if (samples.length === 0) continue;
        const batch = collate(samples);
        yield this.opts.tensors === false ? batch : await materialize(batch);
      }
    } finally {
      // settle what is still running so no rejection goes unhandled
      await Promise.all(inflight);
      this.epoch++;
      if (!this.opts.persistent_workers) await this.close();
    }
  }

  async close(): Promise<void> {
    const p = this.pool;
    this.pool = null;
    await p?.close();
  }
}

/** `build_dataloader(dataset, videos_per_gpu, workers_per_gpu, shuffle, seed, ...)`. */
export function buildDataloader(dataset: DatasetLike, opts: DataLoaderOptions): DataLoader {
  return new DataLoader(dataset, opts);
}
