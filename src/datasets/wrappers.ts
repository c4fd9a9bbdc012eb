/** RepeatDataset and ConcatDataset (MMAction2 0.24 `dataset_wrappers.py`). */
import type { BaseDataset, PrepareOptions } from './base.ts';
import { materialize } from './pipelines/compose.ts';
import type { Results } from './pipelines/types.ts';

/** The surface the DataLoader needs from any dataset. */
export interface DatasetLike {
  readonly type: string;
  readonly length: number;
  prepare(idx: number, opts?: PrepareOptions): Promise<Results>;
  get(idx: number, opts?: PrepareOptions): Promise<Results>;
  describe(idx: number): string;
  cfg?: Record<string, unknown>;
  classProb?: Map<number, number>;
  byClass?: Map<number, number[]>;
}

export class RepeatDataset implements DatasetLike {
  readonly type = 'RepeatDataset';
  cfg?: Record<string, unknown>;

  constructor(readonly dataset: DatasetLike | BaseDataset, readonly times: number) {
    if (!(Number.isInteger(times) && times > 0)) throw new Error(`RepeatDataset: times must be a positive int, got ${times}`);
  }

  get length(): number {
    return this.times * this.dataset.length;
  }

  prepare(idx: number, opts?: PrepareOptions): Promise<Results> {
    return this.dataset.prepare(idx % this.dataset.length, opts);
  }

  async get(idx: number, opts?: PrepareOptions): Promise<Results> {
    return materialize(await this.prepare(idx, opts));
  }

  describe(idx: number): string {
    return this.dataset.describe(idx % this.dataset.length);
  }
}

export class ConcatDataset implements DatasetLike {
  readonly type = 'ConcatDataset';
  readonly cumsum: number[];
  cfg?: Record<string, unknown>;

  constructor(readonly datasets: (DatasetLike | BaseDataset)[]) {
    if (datasets.length === 0) throw new Error('ConcatDataset: needs at least one dataset');
    let s = 0;
    this.cumsum = datasets.map((d) => (s += d.length));
  }

  get length(): number {
    return this.cumsum[this.cumsum.length - 1]!;
  }

  private locate(idx: number): [DatasetLike, number] {
    if (!(idx >= 0 && idx < this.length)) throw new RangeError(`ConcatDataset: index ${idx} out of range (${this.length})`);
    let d = 0;
    while (idx >= this.cumsum[d]!) d++;
    return [this.datasets[d]!, d === 0 ? idx : idx - this.cumsum[d - 1]!];
  }

  prepare(idx: number, opts?: PrepareOptions): Promise<Results> {
    const [d, i] = this.locate(idx);
    return d.prepare(i, opts);
  }

  async get(idx: number, opts?: PrepareOptions): Promise<Results> {
    return materialize(await this.prepare(idx, opts));
  }

  describe(idx: number): string {
    const [d, i] = this.locate(idx);
    return d.describe(i);
  }
}
