/** IterBasedRunner: iteration counting across loader passes, iter_N.pth, by-iter lr and logs, exact resume. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { loadSync } from '../../src/torch/serialization/load.ts';
import { IterBasedRunner } from '../../src/runner/iter_runner.ts';
import { Logger } from '../../src/runner/logger.ts';
import { buildOptimizer } from '../../src/runner/optimizer_builder.ts';
import { TinyDataset, TinyLoader, TinyRecognizer } from './tiny.ts';

function make(dir: string, ts: string) {
  torch.manualSeed(0);
  const model = new TinyRecognizer(true);
  const optimizer = buildOptimizer(model, { type: 'SGD', lr: 0.1, momentum: 0.9 });
  const logger = new Logger({ stream: null });
  const runner = new IterBasedRunner({ model, optimizer, workDir: dir, logger, maxIters: 20, meta: {} });
  runner.timestamp = ts;
  runner.registerTrainingHooks({
    lrConfig: { policy: 'step', step: [8, 16], warmup: 'linear', warmup_iters: 4 },
    optimizerConfig: {},
    checkpointConfig: { interval: 5, max_keep_ckpts: 3 },
    logConfig: { interval: 4, hooks: [{ type: 'TextLoggerHook' }] },
  });
  // 6 batches per pass: 20 iterations cross three passes
  return { model, runner, loader: new TinyLoader(new TinyDataset(24, 1), 4, true, 9), logger };
}

const lines = (dir: string, ts: string) => readFileSync(join(dir, `${ts}.log.json`), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.mode === 'train');

test('IterBasedRunner: 20 iterations, iter_N.pth every 5 (3 kept), lr by iteration, Iter [n/20] logs', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmaction-iter-'));
  try {
    const { runner, loader, logger } = make(dir, 'a');
    await runner.run([loader], [['train', 20]]);
    assert.equal(runner.iter, 20);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.pth')).sort(), ['iter_10.pth', 'iter_15.pth', 'iter_20.pth', 'latest.pth']);
    const ck = loadSync(join(dir, 'iter_20.pth'));
    assert.equal(ck.meta.iter, 20);
    const l = lines(dir, 'a');
    assert.deepEqual(l.map((x) => x.iter), [4, 8, 12, 16, 20]);
    // lr at the logged iterations: warmup done at iter 4; steps at 8 and 16 (iter index 7 -> 0.1, 11 -> 0.01, 19 -> 0.001)
    assert.deepEqual(l.map((x) => x.lr), [0.1 * (1 - (1 - 3 / 4) * 0.9), 0.1, 0.01, 0.01, 0.001].map((v) => Number(v.toFixed(5))));
    assert.match(logger.history.find((h) => h.startsWith('Iter'))!, /^Iter \[4\/20\]\tlr: 7\.750e-02, eta: /);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('IterBasedRunner: resume from iter_10.pth continues the loader mid-pass and ends with the same weights', async () => {
  const dirA = mkdtempSync(join(tmpdir(), 'mmaction-iter-'));
  const dirB = mkdtempSync(join(tmpdir(), 'mmaction-iter-'));
  try {
    const a = make(dirA, 'a');
    await a.runner.run([a.loader], [['train', 20]]);
    const b = make(dirB, 'b');
    b.runner.resume(join(dirA, 'iter_10.pth'));
    assert.equal(b.runner.iter, 10);
    await b.runner.run([b.loader], [['train', 20]]);
    assert.ok(b.model.fc_cls.weight.equal(a.model.fc_cls.weight), 'same weights as the uninterrupted run');
    const la = lines(dirA, 'a').map(({ time: _t, data_time: _d, ...r }) => r);
    const lb = lines(dirB, 'b').map(({ time: _t, data_time: _d, ...r }) => r);
    // the first line after resuming averages only the iterations run since (11-12), as in mmcv
    assert.deepEqual(lb.map((x) => x.iter), [12, 16, 20]);
    assert.deepEqual(lb.slice(1), la.slice(la.length - 2));
  } finally {
    rmSync(dirA, { recursive: true, force: true });
    rmSync(dirB, { recursive: true, force: true });
  }
});
