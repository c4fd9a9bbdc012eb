/** EpochBasedRunner with mmcv's hooks on a tiny model: order, lr, logs, checkpoints, best, NaN stop. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { loadSync } from '../../src/torch/serialization/load.ts';
import { EpochBasedRunner, NonFiniteLossError } from '../../src/runner/epoch_runner.ts';
import { Hook } from '../../src/runner/hooks/hook.ts';
import { EvalHook, type EvalHookOptions } from '../../src/runner/hooks/evaluation.ts';
import { Logger } from '../../src/runner/logger.ts';
import { buildOptimizer } from '../../src/runner/optimizer_builder.ts';
import type { RunnerLike } from '../../src/runner/types.ts';
import { TinyDataset, TinyLoader, TinyRecognizer } from './tiny.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'mmaction-runner-'));

interface Setup {
  maxEpochs?: number;
  lrConfig?: Record<string, unknown>;
  optimizerConfig?: Record<string, unknown>;
  checkpointConfig?: Record<string, unknown> | null;
  logInterval?: number;
  evaluation?: EvalHookOptions | null;
  custom?: Hook[];
  seed?: number | null;
}

function setup(workDir: string, s: Setup = {}) {
  torch.manualSeed(0);
  const model = new TinyRecognizer();
  const optimizer = buildOptimizer(model, { type: 'SGD', lr: 0.1, momentum: 0.9, weight_decay: 1e-4 });
  const logger = new Logger({ logFile: join(workDir, 'run.log'), stream: null });
  const runner = new EpochBasedRunner({
    model, optimizer, workDir, logger, maxEpochs: s.maxEpochs ?? 3, seed: s.seed === undefined ? 7 : s.seed,
    meta: { seed: 7, config_name: 'tiny.py', env_info: 'test' },
  });
  runner.timestamp = '20260101_000000';
  runner.registerTrainingHooks({
    lrConfig: s.lrConfig ?? { policy: 'step', step: [2] },
    optimizerConfig: s.optimizerConfig ?? { grad_clip: null },
    checkpointConfig: s.checkpointConfig === undefined ? { interval: 1 } : s.checkpointConfig,
    logConfig: { interval: s.logInterval ?? 2, hooks: [{ type: 'TextLoggerHook' }] },
    customHooksConfig: s.custom ?? null,
  });
  const trainLoader = new TinyLoader(new TinyDataset(24, 1), 4, true, 3);
  const valLoader = new TinyLoader(new TinyDataset(12, 2), 4, false);
  if (s.evaluation !== null && s.evaluation !== undefined) runner.registerHook(new EvalHook(valLoader, s.evaluation), 'LOW');
  return { model, optimizer, runner, trainLoader, valLoader, logger };
}

function jsonLines(workDir: string): Record<string, unknown>[] {
  return readFileSync(join(workDir, '20260101_000000.log.json'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

class Recorder extends Hook {
  readonly events: string[] = [];
  readonly lrs: number[] = [];
  constructor(readonly tag: string) { super(); }
  override beforeRun() { this.events.push(`${this.tag}:before_run`); }
  override beforeTrainEpoch(r: RunnerLike) { this.events.push(`${this.tag}:before_train_epoch:${r.epoch}`); }
  override beforeTrainIter(r: RunnerLike) { this.lrs.push(r.currentLr()[0]); }
  override afterTrainEpoch(r: RunnerLike) { this.events.push(`${this.tag}:after_train_epoch:${r.epoch}`); }
  override afterRun() { this.events.push(`${this.tag}:after_run`); }
}

test("hooks run in mmcv's priority order; equal priorities keep registration order", async () => {
  const dir = tmp();
  try {
    const rec = new Recorder('custom');
    const { runner, trainLoader } = setup(dir, { custom: [rec], evaluation: { interval: 1 } });
    const names = runner.hooks.map((h) => `${h.constructor.name}:${h.priority}`);
    assert.deepEqual(names, [
      'StepLrUpdaterHook:10', 'OptimizerHook:40', 'CheckpointHook:50', 'Recorder:50', 'IterTimerHook:70', 'EvalHook:70', 'TextLoggerHook:90',
    ]);
    const info = runner.getHookInfo();
    assert.match(info, /^before_run:\n\(VERY_HIGH {3}\) StepLrUpdaterHook/);
    assert.match(info, /after_train_epoch:\n\(NORMAL {6}\) CheckpointHook +\n\(NORMAL {6}\) Recorder +\n\(LOW {9}\) EvalHook +\n\(VERY_LOW {4}\) TextLoggerHook/);
    await runner.run([trainLoader], [['train', 1]]);
    assert.deepEqual(rec.events, ['custom:before_run', 'custom:before_train_epoch:0', 'custom:after_train_epoch:0', 'custom:before_train_epoch:1',
      'custom:after_train_epoch:1', 'custom:before_train_epoch:2', 'custom:after_train_epoch:2', 'custom:after_run']);
    // step [2]: lr 0.1 for epochs 0-1, 0.01 for epoch 2 (the lr hook runs before the recorder)
    assert.deepEqual(rec.lrs, [...Array(12).fill(0.1), ...Array(6).fill(0.1 * 0.1)]);
    assert.equal(runner.epoch, 3);
    assert.equal(runner.iter, 18);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('text and JSON logs in mmcv format: meta first, train lines every interval, val lines after evaluation', async () => {
  const dir = tmp();
  try {
    const { runner, trainLoader, logger } = setup(dir, { maxEpochs: 2, logInterval: 4, evaluation: { interval: 1, metrics: ['top_k_accuracy'] }, optimizerConfig: { grad_clip: { max_norm: 20, norm_type: 2 } } });
    await runner.run([trainLoader], [['train', 1]]);
    const lines = jsonLines(dir);
    assert.deepEqual(lines[0], { seed: 7, config_name: 'tiny.py', env_info: 'test', hook_msgs: {} });
    const train = lines.filter((l) => l.mode === 'train');
    const val = lines.filter((l) => l.mode === 'val');
    // 6 iterations per epoch, interval 4: one line per epoch at iter 4 (ignore_last)
    assert.deepEqual(train.map((l) => [l.epoch, l.iter]), [[1, 4], [2, 4]]);
    assert.deepEqual(Object.keys(train[0]), ['mode', 'epoch', 'iter', 'lr', 'data_time', 'loss_cls', 'top1_acc', 'loss', 'grad_norm', 'time']);
    assert.deepEqual(val.map((l) => [l.epoch, l.iter]), [[1, 3], [2, 3]]);
    assert.deepEqual(Object.keys(val[0]), ['mode', 'epoch', 'iter', 'lr', 'top1_acc', 'top2_acc']);
    assert.equal(train[0].lr, 0.1);
    const raw = readFileSync(join(dir, '20260101_000000.log.json'), 'utf8').split('\n');
    assert.match(raw[1], /^\{"mode": "train", "epoch": 1, "iter": 4, "lr": 0\.1, "data_time": [\d.e-]+, "loss_cls": [\d.]+, /);
    for (const l of train) for (const k of ['loss_cls', 'loss', 'time']) {
      const v = l[k] as number;
      assert.equal(v, Number(v.toFixed(5)), `${k} is rounded to 5 digits`);
    }
    const text = logger.history.filter((h) => h.startsWith('Epoch'));
    assert.match(text[0], /^Epoch \[1\]\[4\/6\]\tlr: 1\.000e-01, eta: 0:00:\d\d, time: \d\.\d{3}, data_time: \d\.\d{3}, loss_cls: \d\.\d{4}, top1_acc: \d\.\d{4}, loss: \d\.\d{4}, grad_norm: \d+\.\d{4}$/);
    assert.match(text[1], /^Epoch\(val\) \[1\]\[3\]\ttop1_acc: \d\.\d{4}, top2_acc: \d\.\d{4}$/);
    // the log file has the same lines with mmcv's prefix
    assert.match(readFileSync(join(dir, 'run.log'), 'utf8'), /\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3} - mmaction - INFO - Epoch \[1\]\[4\/6\]\tlr: 1\.000e-01/);
    // training works: the loss goes down and accuracy beats chance
    assert.ok((val[1].top1_acc as number) > 0.6, `top1 ${val[1].top1_acc}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('checkpoints: epoch_N.pth in mmcv format, latest.pth always whole, max_keep_ckpts', async () => {
  const dir = tmp();
  try {
    const { runner, trainLoader, model } = setup(dir, { maxEpochs: 4, checkpointConfig: { interval: 1, max_keep_ckpts: 2 } });
    await runner.run([trainLoader], [['train', 1]]);
    const files = readdirSync(dir).filter((f) => f.endsWith('.pth')).sort();
    assert.deepEqual(files, ['epoch_3.pth', 'epoch_4.pth', 'latest.pth']);
    assert.ok(!readdirSync(dir).some((f) => f.endsWith('.tmp')), 'no temporary files left');
    assert.deepEqual(readFileSync(join(dir, 'latest.pth')), readFileSync(join(dir, 'epoch_4.pth')));
    assert.ok(!statSync(join(dir, 'latest.pth')).isSymbolicLink());
    const ck = loadSync(join(dir, 'epoch_4.pth'));
    assert.deepEqual(Object.keys(ck), ['meta', 'state_dict', 'optimizer']);
    const meta = ck.meta;
    assert.equal(meta.epoch, 4);
    assert.equal(meta.iter, 24);
    assert.equal(meta.seed, 7);
    assert.match(meta.mmaction_version, /^0\.24\.1/);
    assert.match(meta.time, /^\w{3} \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4}$/);
    assert.deepEqual(meta.CLASSES, ['a', 'b', 'c']);
    assert.equal(meta.hook_msgs.last_ckpt, join(dir, 'epoch_3.pth'));
    const sd = ck.state_dict;
    assert.deepEqual(Object.keys(sd), ['bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked', 'fc_cls.weight', 'fc_cls.bias']);
    assert.ok(sd['fc_cls.weight'].equal(model.fc_cls.weight));
    assert.equal(sd['bn.num_batches_tracked'].item(), 24);
    assert.equal(sd['fc_cls.weight'].requiresGrad, false);
    const opt = ck.optimizer;
    assert.equal(opt.param_groups.length, 1);
    assert.deepEqual(opt.param_groups[0].params, [0, 1, 2, 3]);
    assert.equal(opt.param_groups[0].initial_lr, 0.1);
    assert.ok(Math.abs(opt.param_groups[0].lr - 0.01) < 1e-15);
    assert.ok(opt.state.get(3).momentum_buffer instanceof torch.Tensor);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('save_best: one best_<metric>_epoch_N.pth for the best value so far, meta.hook_msgs.best_score', async () => {
  const dir = tmp();
  try {
    const scores = [0.5, 0.75, 0.6, 0.75];
    let k = 0;
    const evaluation: EvalHookOptions = { interval: 1, save_best: 'auto', test_fn: async () => { const s = scores[k++]; return [[s, 1 - s]]; } };
    const { runner, trainLoader, valLoader } = setup(dir, { maxEpochs: 4, evaluation });
    // the fake test results evaluate to the scripted score
    (valLoader.dataset as unknown as { evaluate: (r: number[][]) => Record<string, number> }).evaluate = (r) => ({ top1_acc: r[0][0], top5_acc: 1 });
    await runner.run([trainLoader], [['train', 1]]);
    const best = readdirSync(dir).filter((f) => f.startsWith('best_'));
    assert.deepEqual(best, ['best_top1_acc_epoch_2.pth']);
    assert.equal(runner.meta!.hook_msgs!.best_score, 0.75);
    assert.equal(runner.meta!.hook_msgs!.best_ckpt, join(dir, 'best_top1_acc_epoch_2.pth'));
    const ck = loadSync(join(dir, 'best_top1_acc_epoch_2.pth'));
    assert.equal(ck.meta.epoch, 2);
    // rule 'less' on a loss-like key keeps the smallest
    const dir2 = tmp();
    try {
      k = 0;
      const s2 = setup(dir2, { maxEpochs: 4, evaluation: { ...evaluation, save_best: 'top1_acc', rule: 'less' } });
      (s2.valLoader.dataset as unknown as { evaluate: (r: number[][]) => Record<string, number> }).evaluate = (r) => ({ top1_acc: r[0][0] });
      await s2.runner.run([s2.trainLoader], [['train', 1]]);
      assert.deepEqual(readdirSync(dir2).filter((f) => f.startsWith('best_')), ['best_top1_acc_epoch_1.pth']);
    } finally {
      rmSync(dir2, { recursive: true, force: true });
    }
    void valLoader;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a NaN loss stops training before the step, names the last good checkpoint, and saves nothing after it', async () => {
  const dir = tmp();
  try {
    const { runner, trainLoader, model } = setup(dir, { maxEpochs: 4 });
    model.nanAt = 6 + 2; // epoch 2, iteration 3
    let weightsAtEpoch1: torch.Tensor | null = null;
    await assert.rejects(runner.run([trainLoader], [['train', 1]]), (e: Error) => {
      assert.ok(e instanceof NonFiniteLossError);
      assert.match(e.message, /Loss is not finite at epoch 2, iter 3\/6 \(global iter 9\): loss_cls=NaN/);
      assert.match(e.message, new RegExp(`last good checkpoint is ${join(dir, 'epoch_1.pth').replace(/[.]/g, '\\.')} \\(latest\\.pth\\)`));
      assert.match(e.message, /--resume-from latest\.pth/);
      return true;
    });
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.pth')).sort(), ['epoch_1.pth', 'latest.pth']);
    weightsAtEpoch1 = loadSync(join(dir, 'latest.pth')).state_dict['fc_cls.weight'];
    assert.ok(Number.isFinite(weightsAtEpoch1!.sum().item()));
    // the weights in memory were not touched by the NaN step either
    assert.ok(Number.isFinite(model.fc_cls.weight.sum().item()));
    assert.ok(runner.logger.history.some((l) => l.startsWith('Loss is not finite')));
    assert.ok(!existsSync(join(dir, 'epoch_2.pth')));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("workflow [['train', 1], ['val', 1]] logs val losses; bad workflows are refused", async () => {
  const dir = tmp();
  try {
    const { runner, trainLoader, valLoader } = setup(dir, { maxEpochs: 2 });
    await runner.run([trainLoader, valLoader], [['train', 1], ['val', 1]]);
    const val = jsonLines(dir).filter((l) => l.mode === 'val');
    // a val epoch logs as epoch `runner.epoch` (already counted), iter = batches
    assert.deepEqual(val.map((l) => [l.epoch, l.iter]), [[1, 3], [2, 3]]);
    // the timer hook also times val iterations, as in mmcv
    assert.deepEqual(Object.keys(val[0]), ['mode', 'epoch', 'iter', 'lr', 'data_time', 'loss_cls', 'top1_acc', 'loss', 'time']);
    const r2 = setup(tmp(), {});
    await assert.rejects(r2.runner.run([trainLoader], [['test', 1]]), /no method named "test"/);
    await assert.rejects(r2.runner.run([trainLoader], [['train', 1], ['val', 1]]), /2 phases but 1 data loaders/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('load_from loads weights only (epoch 0, fresh optimizer); rank 1 writes no files; out_dir and save_optimizer=false', async () => {
  const dir = tmp();
  const out = tmp();
  try {
    const a = setup(dir, { maxEpochs: 1, checkpointConfig: { interval: 1, save_optimizer: false, out_dir: out } });
    await a.runner.run([a.trainLoader], [['train', 1]]);
    const saved = join(out, basename(dir), 'epoch_1.pth');
    const ck = loadSync(saved);
    assert.deepEqual(Object.keys(ck), ['meta', 'state_dict']);
    assert.ok(existsSync(join(out, basename(dir), 'latest.pth')));

    const b = setup(tmp(), { maxEpochs: 1 });
    b.runner.loadCheckpoint(saved);
    assert.equal(b.runner.epoch, 0);
    assert.ok(b.model.fc_cls.weight.equal(a.model.fc_cls.weight));
    assert.equal(b.optimizer.state.size, 0);
    // resuming from it works too (like mmcv, without optimizer state when none was saved)
    b.runner.resume(saved);
    assert.equal(b.runner.epoch, 1);
    assert.equal(b.optimizer.state.size, 0);

    const rankDir = join(tmp(), 'rank1');
    torch.manualSeed(0);
    const model = new TinyRecognizer();
    const r1 = new EpochBasedRunner({ model, optimizer: buildOptimizer(model, { type: 'SGD', lr: 0.1 }), workDir: rankDir, logger: new Logger({ stream: null, rank: 1, logFile: join(rankDir, 'x.log') }), maxEpochs: 1, rank: 1, worldSize: 2 });
    r1.registerTrainingHooks({ lrConfig: { policy: 'fixed' }, optimizerConfig: {}, checkpointConfig: { interval: 1 }, logConfig: { interval: 1, hooks: [{ type: 'TextLoggerHook' }] } });
    await r1.run([new TinyLoader(new TinyDataset(8, 1), 4)], [['train', 1]]);
    assert.ok(!existsSync(rankDir), 'rank 1 creates no work dir, checkpoint or log');
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(out, { recursive: true, force: true });
  }
});

test("EvalHook: MMAction2's rule inference, legacy topk, and bad options", () => {
  const loader = new TinyLoader(new TinyDataset(3, 1), 3, false);
  const h = new EvalHook(loader, { interval: 1, metrics: ['top_k_accuracy'], topk: [1, 3] });
  assert.deepEqual(h.metricOptions, { top_k_accuracy: { topk: [1, 3] } });
  assert.equal(new EvalHook(loader, { save_best: 'mean_class_accuracy' }).rule, 'greater');
  assert.equal(new EvalHook(loader, { save_best: 'loss_cls' }).rule, 'less');
  assert.equal(new EvalHook(loader, { save_best: 'AR@100' }).rule, 'greater');
  assert.equal(new EvalHook(loader, {}).keyIndicator, 'auto');
  assert.throws(() => new EvalHook(loader, { save_best: 'f1' }), /Cannot infer the rule for key f1/);
  assert.throws(() => new EvalHook(loader, { intervall: 1 } as never), /unknown option 'intervall'/);
  assert.throws(() => new EvalHook(loader, { interval: 0 }), /interval must be a positive number/);
});

test('a failed checkpoint write (disk full, permissions...) stops training with a clear message; latest.pth stays the last good one', async () => {
  const dir = tmp();
  try {
    const { runner, trainLoader } = setup(dir, { maxEpochs: 3 });
    // epoch_2.pth cannot be created: a folder is in the way (as a full disk, the write fails)
    mkdirSync(join(dir, 'epoch_2.pth'));
    await assert.rejects(runner.run([trainLoader], [['train', 1]]), (e: Error) => {
      assert.match(e.message, /Saving the checkpoint of epoch 2 failed: .*epoch_2\.pth/);
      assert.match(e.message, /the last good checkpoint is .*epoch_1\.pth, also latest\.pth/);
      assert.match(e.message, /--resume-from latest\.pth/);
      return true;
    });
    assert.equal(loadSync(join(dir, 'latest.pth')).meta.epoch, 1);
    assert.deepEqual(readdirSync(dir).filter((f) => f.endsWith('.tmp')), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
