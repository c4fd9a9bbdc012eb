/**
 * LR schedules against sequences computed by scripts/fixtures/gen_lr_schedules.py (mmcv 1.7.1's
 * formulas; the script also checks them against mmcv's own lr_updater.py).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { torch } from '../../src/index.ts';
import { buildLrUpdaterHook } from '../../src/runner/hooks/lr_registry.ts';
import type { LrUpdaterHook } from '../../src/runner/hooks/lr_updater.ts';

interface Case { name: string; policy: string; cfg: Record<string, unknown>; base_lrs: number[]; max_epochs: number; epoch_len: number; lrs: number[][] }
const fixture = JSON.parse(readFileSync(new URL('../fixtures/runner/lr_schedules.json', import.meta.url), 'utf8')) as { cases: Case[] };

/** The part of a runner an lr hook reads: epoch/iter counters, lengths and the optimizer. */
function fakeRunner(baseLrs: number[], maxEpochs: number, epochLen: number) {
  const params = baseLrs.map(() => torch.zeros([1]));
  const optimizer = new torch.optim.SGD(baseLrs.map((lr, i) => ({ params: [params[i]], lr })), { lr: baseLrs[0], momentum: 0.9 });
  return { optimizer, epoch: 0, iter: 0, innerIter: 0, maxEpochs, maxIters: maxEpochs * epochLen, dataLoader: { length: epochLen } };
}

/** Runs the hook's stages like EpochBasedRunner.train and records every group's lr at each iteration. */
function run(hook: LrUpdaterHook, r: ReturnType<typeof fakeRunner>, epochs: number, epochLen: number): number[][] {
  const out: number[][] = [];
  for (let e = 0; e < epochs; e++) {
    hook.beforeTrainEpoch(r as never);
    for (let i = 0; i < epochLen; i++) {
      r.innerIter = i;
      hook.beforeTrainIter(r as never);
      out.push(r.optimizer.paramGroups.map((g) => g.options.lr as number));
      r.iter++;
    }
    r.epoch++;
  }
  return out;
}

function policyConfig(c: Case): Record<string, unknown> {
  return { policy: c.policy === 'Step' ? 'step' : c.policy, ...c.cfg };
}

let maxRel = 0;
for (const c of fixture.cases) {
  test(`lr schedule: ${c.name}`, () => {
    const r = fakeRunner(c.base_lrs, c.max_epochs, c.epoch_len);
    const hook = buildLrUpdaterHook(policyConfig(c));
    hook.beforeRun(r as never);
    const got = run(hook, r, c.max_epochs, c.epoch_len);
    assert.equal(got.length, c.lrs.length);
    got.forEach((lrs, i) => lrs.forEach((lr, g) => {
      const want = c.lrs[i][g];
      const rel = Math.abs(lr - want) / Math.max(Math.abs(want), 1e-300);
      maxRel = Math.max(maxRel, rel);
      // equal up to the last bits of pow/cos (V8's vs glibc's libm)
      assert.ok(rel <= 4e-16 || lr === want, `iter ${i} group ${g}: ${lr} != ${want}`);
    }));
    // the initial lr is kept in the optimizer's param groups (and so in its state dict); OneCycle's is max_lr / div_factor
    if (c.policy !== 'OneCycle') assert.deepEqual(r.optimizer.paramGroups.map((g) => g.options.initial_lr), c.base_lrs);
  });
}

test('lr sequences are bit-identical to the Python formulas in most cases', () => {
  assert.ok(maxRel <= 4e-16, `max relative difference ${maxRel}`);
});

test('a resumed run continues the same curve from initial_lr in the optimizer state', () => {
  for (const c of fixture.cases.filter((x) => !x.cfg.warmup_by_epoch)) {
    const r1 = fakeRunner(c.base_lrs, c.max_epochs, c.epoch_len);
    const h1 = buildLrUpdaterHook(policyConfig(c));
    h1.beforeRun(r1 as never);
    const k = Math.floor(c.max_epochs / 2);
    const first = run(h1, r1, k, c.epoch_len);
    // the uninterrupted run, for a bit-exact comparison
    const r0 = fakeRunner(c.base_lrs, c.max_epochs, c.epoch_len);
    const h0 = buildLrUpdaterHook(policyConfig(c));
    h0.beforeRun(r0 as never);
    const full = run(h0, r0, c.max_epochs, c.epoch_len);
    assert.deepEqual(first, full.slice(0, k * c.epoch_len));
    // a fresh optimizer (lr from the config) loads the saved state, as runner.resume does
    const r2 = fakeRunner(c.base_lrs.map((x) => x * 3), c.max_epochs, c.epoch_len);
    r2.optimizer.loadStateDict(r1.optimizer.stateDict());
    r2.epoch = k;
    r2.iter = k * c.epoch_len;
    const h2 = buildLrUpdaterHook(policyConfig(c));
    h2.beforeRun(r2 as never);
    const rest = run(h2, r2, c.max_epochs - k, c.epoch_len);
    assert.deepEqual(rest, full.slice(k * c.epoch_len), c.name);
  }
});

test('lr_config errors name the key', () => {
  assert.throws(() => buildLrUpdaterHook({ policy: 'cosine' }), /lr_config.policy: unknown lr policy 'cosine' \(CosineLrUpdaterHook does not exist\)/);
  assert.throws(() => buildLrUpdaterHook({ step: [1] }), /lr_config: missing 'policy'/);
  assert.throws(() => buildLrUpdaterHook({ policy: 'step' }), /missing required option 'step'/);
  assert.throws(() => buildLrUpdaterHook({ policy: 'step', step: [8], warmup: 'cos', warmup_iters: 3 }), /lr_config.warmup: expected one of/);
  assert.throws(() => buildLrUpdaterHook({ policy: 'step', step: [8], warmup: 'linear' }), /"warmup_iters" must be a positive integer/);
  assert.throws(() => buildLrUpdaterHook({ policy: 'CosineAnnealing' }), /exactly one of min_lr and min_lr_ratio/);
  assert.throws(() => buildLrUpdaterHook({ policy: 'step', step: [8], gama: 0.5 }), /unknown option 'gama'.*did you mean 'gamma'/);
});
