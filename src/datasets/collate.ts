/**
 * Batching (mmcv's `collate` + torch's `default_collate`, on plain arrays): arrays of one
 * shape are stacked along a new first axis (one copy into one buffer, so each batch key
 * becomes one Tensor), numbers become int64/float64 vectors, dicts (img_metas) and strings
 * become lists; DataContainer(stack=False) values (ToDataContainer) become the list of the
 * samples' values. Also the encoding that carries results across worker threads.
 */
import { DataContainer } from './pipelines/data_container.ts';
import { PendingTensor } from './pipelines/format.ts';
import { FloatBatch, ImageBatch, NDArray, type NDData, type Results } from './pipelines/types.ts';

function asND(v: unknown): NDArray | null {
  if (v instanceof PendingTensor) return v.value;
  if (v instanceof NDArray) return v;
  if (v instanceof ImageBatch) return new NDArray(v.data, [v.n, v.h, v.w, v.c]);
  if (ArrayBuffer.isView(v) && !(v instanceof DataView)) return new NDArray(v as unknown as NDData, [(v as unknown as NDData).length]);
  return null;
}

export function collate(samples: Results[]): Results {
  if (samples.length === 0) throw new Error('collate: empty batch');
  const out: Results = {};
  for (const key of Object.keys(samples[0]!)) {
    let vals = samples.map((s, i) => {
      if (!(key in s)) throw new Error(`collate: sample ${i} has no key '${key}'`);
      return s[key];
    });
    if (vals[0] instanceof DataContainer) {
      const dcs = vals as DataContainer[];
      if (!dcs.every((v) => v instanceof DataContainer && v.stack === dcs[0]!.stack)) throw new Error(`collate: '${key}' is a DataContainer in sample 0 but not alike in every sample`);
      vals = dcs.map((v) => v.data);
      if (!dcs[0]!.stack) {
        out[key] = vals;
        continue;
      }
    }
    const nds = vals.map(asND);
    if (nds.every((x) => x !== null)) {
      const first = nds[0]!;
      const numel = first.data.length;
      nds.forEach((x, i) => {
        if (x!.shape.join() !== first.shape.join() || x!.data.constructor !== first.data.constructor) {
          if (samples[0]![key] instanceof DataContainer) throw new Error(`collate: '${key}' (a stacked DataContainer) of sample ${i} has shape [${x!.shape}] but sample 0 has [${first.shape}]; mmcv would pad, mmaction-ts does not`);
          throw new Error(`collate: '${key}' of sample ${i} has shape [${x!.shape}] but sample 0 has [${first.shape}]`);
        }
      });
      const Ctor = first.data.constructor as new (n: number) => NDData;
      const data = new Ctor(numel * nds.length);
      nds.forEach((x, i) => (data as Float32Array).set(x!.data as Float32Array, i * numel));
      out[key] = new NDArray(data, [nds.length, ...first.shape]);
    } else if (vals.every((v) => typeof v === 'number')) {
      const nums = vals as number[];
      out[key] = nums.every(Number.isInteger)
        ? new NDArray(BigInt64Array.from(nums, (n) => BigInt(n)), [nums.length])
        : new NDArray(Float64Array.from(nums), [nums.length]);
    } else {
      out[key] = vals;
    }
  }
  return out;
}

/** Structured-clone-safe form of results (class instances become tagged objects). */
export function encodeResults(r: Results, transfer: Set<ArrayBuffer>): Results {
  const enc = (v: unknown): unknown => {
    if (v instanceof PendingTensor) return { __pending: enc(v.value) };
    if (v instanceof DataContainer) return { __dc: enc(v.data), stack: v.stack, cpu_only: v.cpuOnly };
    if (v instanceof ImageBatch) {
      transfer.add(v.data.buffer as ArrayBuffer);
      return { __img: v.data, n: v.n, h: v.h, w: v.w, c: v.c };
    }
    if (v instanceof NDArray) {
      transfer.add(v.data.buffer as ArrayBuffer);
      return { __nd: v.data, shape: v.shape, float: v instanceof FloatBatch };
    }
    if (Array.isArray(v)) return v.map(enc);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, enc(x)]));
    }
    return v;
  };
  return enc(r) as Results;
}

export function decodeResults(r: Results): Results {
  const dec = (v: unknown): unknown => {
    if (Array.isArray(v)) return v.map(dec);
    if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
      const o = v as Record<string, unknown>;
      if ('__pending' in o) return new PendingTensor(dec(o.__pending) as NDArray);
      if ('__dc' in o) return new DataContainer(dec(o.__dc), o.stack as boolean, o.cpu_only as boolean);
      if ('__img' in o) return new ImageBatch(o.__img as Uint8Array, o.n as number, o.h as number, o.w as number, o.c as number);
      if ('__nd' in o) return o.float ? new FloatBatch(o.__nd as Float32Array, o.shape as number[]) : new NDArray(o.__nd as NDData, o.shape as number[]);
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, dec(x)]));
    }
    return v;
  };
  return dec(r) as Results;
}
