/**
 * single_gpu_test (mmaction/apis/test.py): the model's test-mode output of every batch, in
 * loader order, as rows of class scores. The model is put in eval mode; gradients are off.
 */
import * as torch from '../torch/index.ts';
import type { Tensor } from '../torch/tensor.ts';
import type { LoaderLike } from './types.ts';

/** A model that can be tested: MMAction2's `model(return_loss=False, **data)`. */
export interface TestableModel {
  eval(): unknown;
  forwardTest(imgs: Tensor, data?: Record<string, unknown>): Tensor;
}

/**
 * Moves the tensors of a collated batch to `device` (the CPU originals are freed). Returns the
 * batch itself for 'cpu'.
 */
export function batchToDevice<B>(batch: B, device: string): B {
  if (device === 'cpu' || !batch || typeof batch !== 'object') return batch;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(batch as Record<string, unknown>)) {
    if (v instanceof torch.Tensor && v.device !== device) {
      out[k] = v.to({ device });
      v.dispose();
    } else out[k] = v;
  }
  return out as B;
}

export interface TestOptions {
  /** Device of the model; batches are moved there. Default 'cpu'. */
  device?: string;
  /** Called after every batch with (done, total) samples, e.g. for a progress bar. */
  onProgress?: (done: number, total: number) => void;
}

/** Frees every tensor of a collated batch (also those in lists: DataContainer(stack=False) keys). */
export function disposeBatch(batch: unknown): void {
  if (!batch || typeof batch !== 'object') return;
  for (const v of Object.values(batch as Record<string, unknown>)) {
    if (v instanceof torch.Tensor && !v.isDisposed) v.dispose();
    else if (Array.isArray(v)) for (const x of v) if (x instanceof torch.Tensor && !x.isDisposed) x.dispose();
  }
}

/**
 * The batch entry the model takes: `imgs` (videos, frames), `audios` (AudioRecognizer) or
 * `keypoint` (SkeletonGCN), which MMAction2's `model(return_loss=False, **data)` passes by name.
 */
export function modelInput(batch: Record<string, unknown>): Tensor {
  for (const k of ['imgs', 'audios', 'keypoint']) if (batch[k] instanceof torch.Tensor) return batch[k] as Tensor;
  throw new Error(`test batch has none of imgs, audios, keypoint (keys: ${Object.keys(batch).join(', ')}); check Collect/ToTensor in the test pipeline`);
}

export async function* iterateLoader(loader: LoaderLike): AsyncGenerator<any> {
  if (loader[Symbol.asyncIterator]) {
    for await (const b of loader as AsyncIterable<any>) yield b;
  } else if (loader[Symbol.iterator]) {
    for (const b of loader as Iterable<any>) yield b;
  } else throw new TypeError('data loader is neither iterable nor async iterable');
}

export async function singleGpuTest(model: TestableModel, loader: LoaderLike, o: TestOptions = {}): Promise<number[][]> {
  model.eval();
  const results: number[][] = [];
  const total = loader.dataset?.length ?? loader.length;
  for await (const cpuBatch of iterateLoader(loader)) {
    const batch = batchToDevice(cpuBatch, o.device ?? 'cpu');
    try {
      const rows = torch.noGrad(() => torch.tidy(() => {
        const out = model.forwardTest(modelInput(batch), batch);
        const k = out.shape[out.shape.length - 1];
        const flat = Array.from(out.to({ dtype: 'float64', device: 'cpu' }).contiguous().toTypedArray() as Float64Array);
        const r: number[][] = [];
        for (let i = 0; i < flat.length; i += k) r.push(flat.slice(i, i + k));
        return r;
      }));
      results.push(...rows);
    } finally {
      disposeBatch(batch);
    }
    o.onProgress?.(results.length, total);
  }
  return results;
}

/** A proposal generator (BMN) in test mode: one batch in, one result per video out. */
export interface TestableLocalizer<R> {
  eval(): unknown;
  testStep(batch: Record<string, unknown>): R[];
}

/** single_gpu_test for localizers: the results of every batch (dicts, not score rows), in loader order. */
export async function singleGpuTestLocalizer<R>(model: TestableLocalizer<R>, loader: LoaderLike, o: TestOptions = {}): Promise<R[]> {
  model.eval();
  const results: R[] = [];
  const total = loader.dataset?.length ?? loader.length;
  for await (const cpuBatch of iterateLoader(loader)) {
    const batch = batchToDevice(cpuBatch, o.device ?? 'cpu');
    try {
      results.push(...torch.noGrad(() => torch.tidy(() => model.testStep(batch))));
    } finally {
      disposeBatch(batch);
    }
    o.onProgress?.(results.length, total);
  }
  return results;
}
