/**
 * Resuming gives the same run: weights, BN statistics, optimizer state and logged losses equal
 * to an uninterrupted run (kill -9 variants in kill.test.ts). Gradient accumulation equals a bigger batch.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { loadSync } from '../../src/torch/serialization/load.ts';
import { Hook } from '../../src/runner/hooks/hook.ts';
import { EpochBasedRunner } from '../../src/runner/epoch_runner.ts';
import { Logger } from '../../src/runner/logger.ts';
import { buildOptimizer } from '../../src/runner/optimizer_builder.ts';
import type { RunnerLike } from '../../src/runner/types.ts';
import { makeRunner } from './train_child.ts';
import { assertSameState, TinyDataset, TinyLoader, TinyRecognizer, trainLines } from './tiny.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'mmaction-resume-'));

class StopAt extends Hook {
  constructor(readonly epoch: number) { super(); }
  override beforeTrainEpoch(r: RunnerLike): void {
    if (r.epoch === this.epoch) throw new Error('simulated interruption');
  }
}

test('resume from epoch_2.pth: the same weights, optimizer state, lr and losses as the uninterrupted run', async () => {
  const dirA = tmp();
  const dirB = tmp();
  try {
    const a = makeRunner(dirA, 4, 'a');
    await a.runner.run([a.loader], [['train', 1]]);

    const b1 = makeRunner(dirB, 4, 'b1');
    b1.runner.registerHook(new StopAt(2));
    await assert.rejects(b1.runner.run([b1.loader], [['train', 1]]), /simulated interruption/);
    assert.ok(existsSync(join(dirB, 'epoch_2.pth')) && !existsSync(join(dirB, 'epoch_3.pth')));

    const b2 = makeRunner(dirB, 4, 'b2');
    b2.runner.resume(join(dirB, 'latest.pth'));
    assert.equal(b2.runner.epoch, 2);
    assert.equal(b2.runner.iter, 12);
    assert.equal(b2.optimizer.paramGroups[0].options.initial_lr, 0.1);
    await b2.runner.run([b2.loader], [['train', 1]]);

    assertSameState(a.runner, b2.runner);
    const la = trainLines(dirA, 'a');
    assert.deepEqual(trainLines(dirB, 'b1'), la.slice(0, 6));
    assert.deepEqual(trainLines(dirB, 'b2'), la.slice(6));
    // the final checkpoints hold the same tensors
    const ca = loadSync(join(dirA, 'epoch_4.pth'));
    const cb = loadSync(join(dirB, 'epoch_4.pth'));
    for (const k of Object.keys(ca.state_dict)) assert.ok(ca.state_dict[k].equal(cb.state_dict[k]), k);
    assert.equal(cb.meta.iter, 24);
  } finally {
    rmSync(dirA, { recursive: true, force: true });
    rmSync(dirB, { recursive: true, force: true });
  }
});

test('GradientCumulativeOptimizerHook: 2 accumulated batches of 2 give the weights of batches of 4', async () => {
  const run = async (batch: number, cumulative: number) => {
    const dir = tmp();
    try {
      torch.manualSeed(0);
      const model = new TinyRecognizer(true);
      const optimizer = buildOptimizer(model, { type: 'SGD', lr: 0.1, momentum: 0.9 });
      const runner = new EpochBasedRunner({ model, optimizer, workDir: dir, logger: new Logger({ stream: null }), maxEpochs: 2 });
      runner.registerTrainingHooks({
        lrConfig: { policy: 'fixed' },
        optimizerConfig: cumulative > 1 ? { type: 'GradientCumulativeOptimizerHook', cumulative_iters: cumulative } : {},
      });
      await runner.run([new TinyLoader(new TinyDataset(24, 1), batch, false)], [['train', 1]]);
      return model.fc_cls.weight.clone();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const big = await run(4, 1);
  const acc = await run(2, 2);
  const single = await run(2, 1);
  assert.ok(acc.allclose(big, 1e-5, 1e-6), 'accumulated equals the big batch');
  assert.ok(!single.allclose(big, 1e-3, 1e-4), 'without accumulation the result differs');
});

test('PreciseBNHook: BN statistics become the average of per-batch mean and unbiased variance', async () => {
  const { updateBnStats } = await import('../../src/runner/hooks/precise_bn.ts');
  torch.manualSeed(0);
  const model = new TinyRecognizer();
  const loader = new TinyLoader(new TinyDataset(24, 1), 4, false);
  await updateBnStats(model, loader, 5);
  const means: torch.Tensor[] = [];
  const vars: torch.Tensor[] = [];
  let k = 0;
  for await (const b of loader) {
    if (k++ >= 5) break;
    means.push(b.imgs.mean(0));
    vars.push(b.imgs.var(0));
  }
  const em = torch.stack(means).mean(0);
  const ev = torch.stack(vars).mean(0);
  assert.ok(model.bn.runningMean!.allclose(em, 1e-5, 1e-6), `${model.bn.runningMean!.toArray()} vs ${em.toArray()}`);
  assert.ok(model.bn.runningVar!.allclose(ev, 1e-5, 1e-6));
  assert.equal(model.bn.momentum, 0.1);
  await assert.rejects(updateBnStats(model, loader, 50), /length of dataloader 6 must be greater than iteration number 50/);
});

test('training runs in flat native memory: no tensor handles accumulate across epochs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmaction-mem-'));
  try {
    torch.manualSeed(0);
    const model = new TinyRecognizer();
    const optimizer = buildOptimizer(model, { type: 'SGD', lr: 0.05, momentum: 0.9 });
    const runner = new EpochBasedRunner({ model, optimizer, workDir: dir, logger: new Logger({ stream: null }), maxEpochs: 6, seed: 1 });
    const counts: number[] = [];
    class Count extends Hook {
      override afterTrainEpoch(): void { counts.push(torch.memory().liveHandles); }
    }
    runner.registerTrainingHooks({ lrConfig: { policy: 'step', step: [3] }, optimizerConfig: { grad_clip: { max_norm: 5 } }, checkpointConfig: { interval: 2 }, logConfig: { interval: 2, hooks: [{ type: 'TextLoggerHook' }] } });
    runner.registerHook(new Count(), 'LOWEST');
    await runner.run([new TinyLoader(new TinyDataset(24, 1), 4)], [['train', 1]]);
    assert.equal(counts.length, 6);
    assert.deepEqual(counts.slice(2), Array(4).fill(counts[1]), `live handles per epoch: ${counts.join(', ')}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('resume from a checkpoint written by PyTorch/mmcv (test/fixtures/runner/mmcv_epoch_1.pth) and continue', async () => {
  const file = new URL('../fixtures/runner/mmcv_epoch_1.pth', import.meta.url).pathname;
  const ref = loadSync(file);
  const dir = mkdtempSync(join(tmpdir(), 'mmaction-torchck-'));
  try {
    torch.manualSeed(123);
    const model = new TinyRecognizer();
    const optimizer = buildOptimizer(model, { type: 'SGD', lr: 0.1, momentum: 0.9, weight_decay: 1e-4 });
    const runner = new EpochBasedRunner({ model, optimizer, workDir: dir, logger: new Logger({ stream: null }), maxEpochs: 2, seed: 1 });
    runner.registerTrainingHooks({ lrConfig: { policy: 'step', step: [2] }, optimizerConfig: {}, checkpointConfig: { interval: 1 } });
    runner.resume(file);
    assert.equal(runner.epoch, 1);
    assert.equal(runner.iter, 6);
    assert.equal(runner.meta!.hook_msgs!.best_score, 0.5);
    for (const [k, t] of model.stateDict()) assert.ok(t.equal(ref.state_dict[k]), k);
    const g = optimizer.paramGroups[0].options;
    assert.equal(g.lr, 0.09166666666666667);
    assert.equal(g.initial_lr, 0.1);
    const params = model.parameters();
    for (let i = 0; i < 4; i++) assert.ok((optimizer.state.get(params[i])!.momentum_buffer as torch.Tensor).equal(ref.optimizer.state.get(i).momentum_buffer), `momentum ${i}`);
    await runner.run([new TinyLoader(new TinyDataset(24, 1), 4)], [['train', 1]]);
    assert.equal(runner.epoch, 2);
    const out = loadSync(join(dir, 'epoch_2.pth'));
    assert.equal(out.meta.epoch, 2);
    assert.equal(out.meta.iter, 12);
    assert.equal(out.optimizer.param_groups[0].initial_lr, 0.1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("EMAHook (custom_hooks): ema_* buffers follow mmcv's update and swap, and are saved in checkpoints", async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmaction-ema-'));
  try {
    torch.manualSeed(0);
    const model = new TinyRecognizer(true);
    const optimizer = buildOptimizer(model, { type: 'SGD', lr: 0.1, momentum: 0.9 });
    const runner = new EpochBasedRunner({ model, optimizer, workDir: dir, logger: new Logger({ stream: null }), maxEpochs: 1 });
    const initial = model.fc_cls.weight.clone();
    const seen: torch.Tensor[] = [];
    class Record extends Hook {
      override afterTrainIter(): void { seen.push(model.fc_cls.weight.clone()); }
    }
    runner.registerTrainingHooks({ lrConfig: { policy: 'fixed' }, optimizerConfig: {}, checkpointConfig: { interval: 1 }, customHooksConfig: [{ type: 'EMAHook', momentum: 0.5, warm_up: 1 }] });
    runner.registerHook(new Record(), 'LOWEST');
    await runner.run([new TinyLoader(new TinyDataset(24, 1), 4)], [['train', 1]]);
    let ema = initial;
    for (const p of seen) ema = ema.mul(0.5).add(p, 0.5);
    // after the epoch the model holds the average and the buffer the trained weights
    assert.ok(model.fc_cls.weight.allclose(ema, 1e-6, 1e-7));
    assert.ok((model.getBuffer('ema_fc_cls_weight') as torch.Tensor).equal(seen[seen.length - 1]));
    const ck = loadSync(join(dir, 'epoch_1.pth'));
    // one top-level buffer per parameter, named as mmcv names them
    assert.deepEqual(Object.keys(ck.state_dict).filter((k) => k.startsWith('ema_')), ['ema_bn_weight', 'ema_bn_bias', 'ema_fc_cls_weight', 'ema_fc_cls_bias']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
