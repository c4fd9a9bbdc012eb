/** A tiny trainable model and an in-memory data loader for runner tests. */
import * as torch from '../../src/torch/index.ts';
import { topKAccuracy } from '../../src/evaluation/accuracy.ts';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { EpochBasedRunner } from '../../src/runner/epoch_runner.ts';
import type { StepOutputs } from '../../src/runner/types.ts';

const { nn, F } = torch;

/** Linear classifier with dropout (so the generator state matters) and a BatchNorm buffer. */
export class TinyRecognizer extends nn.Module {
  bn = this.registerModule('bn', new nn.BatchNorm1d(4));
  fc_cls = this.registerModule('fc_cls', new nn.Linear(4, 3));
  CLASSES = ['a', 'b', 'c'];
  /** Makes the loss NaN at this (epoch, innerIter), counting trainStep calls. */
  nanAt: number | null = null;
  calls = 0;

  /** plain: no BatchNorm and no dropout (a batch of 4 equals two accumulated batches of 2). */
  constructor(readonly plain = false) {
    super();
  }

  forward(x: torch.Tensor): torch.Tensor {
    if (this.plain) return this.fc_cls.call(x);
    return this.fc_cls.call(F.dropout(this.bn.call(x), 0.2, this.training));
  }

  trainStep(data: { imgs: torch.Tensor; label: torch.Tensor }): StepOutputs {
    const scores = this.forward(data.imgs);
    let loss = F.crossEntropy(scores, data.label);
    if (this.nanAt !== null && this.calls === this.nanAt) loss = loss.mul(Number.NaN);
    this.calls++;
    const rows = torch.noGrad(() => scores.toArray() as number[][]);
    const labels = Array.from(data.label.toTypedArray() as BigInt64Array, Number);
    const [top1] = topKAccuracy(rows, labels, [1]);
    return { loss, logVars: { loss_cls: loss.item(), top1_acc: top1, loss: loss.item() }, numSamples: labels.length };
  }

  forwardTest(imgs: torch.Tensor): torch.Tensor {
    return this.forward(imgs).softmax(1);
  }
}

/** Deterministic 3-class points: class c is centred on axis c. */
export class TinyDataset {
  readonly x: number[][] = [];
  readonly y: number[] = [];
  constructor(readonly length: number, seed = 1) {
    let s = seed >>> 0;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (let i = 0; i < length; i++) {
      const c = i % 3;
      this.x.push([0, 1, 2, 3].map((d) => (d === c ? 2 : 0) + (rand() - 0.5) * 1.5));
      this.y.push(c);
    }
  }
  evaluate(scores: number[][], _metrics?: unknown, _o?: unknown, _logger?: unknown): Record<string, number> {
    const [top1, top2] = topKAccuracy(scores, this.y, [1, 2]);
    return { top1_acc: top1, top2_acc: top2 };
  }
}

/** Shuffles with (seed + epoch) like the project's DataLoader; `setEpoch` makes epochs replayable. */
export class TinyLoader {
  epoch = 0;
  constructor(readonly dataset: TinyDataset, readonly batchSize: number, readonly shuffle = true, readonly seed = 0) {}
  get length(): number { return Math.ceil(this.dataset.length / this.batchSize); }
  setEpoch(e: number): void { this.epoch = e; }
  order(): number[] {
    const idx = Array.from({ length: this.dataset.length }, (_, i) => i);
    if (!this.shuffle) return idx;
    let s = (this.seed * 7919 + this.epoch * 104729 + 1) >>> 0;
    const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
    for (let i = idx.length - 1; i > 0; i--) {
      const j = Math.floor(rand() * (i + 1));
      [idx[i], idx[j]] = [idx[j], idx[i]];
    }
    return idx;
  }
  async *[Symbol.asyncIterator]() {
    const order = this.order();
    for (let b = 0; b < this.length; b++) {
      const ids = order.slice(b * this.batchSize, (b + 1) * this.batchSize);
      await Promise.resolve();
      yield {
        imgs: torch.tensor(ids.map((i) => this.dataset.x[i]), { dtype: 'float32' }),
        label: torch.tensor(ids.map((i) => this.dataset.y[i]), { dtype: 'int64' }),
      };
    }
    this.epoch++;
  }
}

export function trainLines(dir: string, ts: string): Record<string, unknown>[] {
  return readFileSync(join(dir, `${ts}.log.json`), 'utf8').trim().split('\n').map((l) => JSON.parse(l))
    .filter((l) => l.mode === 'train').map(({ time: _t, data_time: _d, ...rest }) => rest);
}

export function assertSameState(a: EpochBasedRunner, b: EpochBasedRunner): void {
  const sa = a.model.stateDict();
  const sb = b.model.stateDict();
  assert.deepEqual([...sa.keys()], [...sb.keys()]);
  for (const [k, t] of sa) assert.ok(t.equal(sb.get(k)!), `${k} differs`);
  const oa = a.optimizer!.stateDict();
  const ob = b.optimizer!.stateDict();
  assert.deepEqual(oa.param_groups, ob.param_groups);
  for (const [i, s] of oa.state) assert.ok((s.momentum_buffer as torch.Tensor).equal(ob.state.get(i)!.momentum_buffer as torch.Tensor), `momentum ${i}`);
}

