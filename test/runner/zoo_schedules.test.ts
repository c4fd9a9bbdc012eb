/**
 * Every translated MMAction2 config under configs/ that trains: its optimizer (with its
 * constructor and paramwise_cfg), lr_config, optimizer_config, checkpoint_config, log_config and
 * evaluation build with our runner's builders, and the lr schedule runs for the whole run.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as torch from '../../src/torch/index.ts';
import { Config } from '../../src/config/config.ts';
import { EpochBasedRunner } from '../../src/runner/epoch_runner.ts';
import { EvalHook } from '../../src/runner/hooks/evaluation.ts';
import type { LrUpdaterHook } from '../../src/runner/hooks/lr_updater.ts';
import { Logger } from '../../src/runner/logger.ts';
import { buildOptimizer } from '../../src/runner/optimizer_builder.ts';
import { TinyDataset, TinyLoader } from './tiny.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));

function walk(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) { if (n !== '_base_') walk(p, out); } else if (n.endsWith('.ts')) out.push(p);
  }
  return out;
}

/** Stand-in for any recognizer: a first conv, a BN, another conv and a last fc (what the TSM constructor groups). */
class StandIn extends torch.nn.Module {
  conv1 = this.registerModule('conv1', new torch.nn.Conv2d(3, 4, 3));
  bn1 = this.registerModule('bn1', new torch.nn.BatchNorm2d(4));
  conv2 = this.registerModule('conv2', new torch.nn.Conv3d(4, 4, 1));
  fc_cls = this.registerModule('fc_cls', new torch.nn.Linear(4, 3));
  forward(x: torch.Tensor) { return x; }
  trainStep(): never { throw new Error('not used'); }
}

const configs = walk(join(root, 'configs'));

test('every training config in configs/ builds its optimizer and hooks, and its lr schedule runs', () => {
  let checked = 0;
  const brokenInMMAction2: string[] = [];
  const policies = new Map<string, number>();
  for (const file of configs) {
    const name = relative(root, file);
    const cfg = Config.fromFile(file).toObject() as Record<string, any>;
    if (!cfg.optimizer || !cfg.lr_config) continue;
    try {
      const model = new StandIn();
      const optimizer = buildOptimizer(model, cfg.optimizer);
      const maxEpochs = cfg.total_epochs ?? cfg.runner?.max_epochs;
      assert.equal(typeof maxEpochs, 'number', 'total_epochs');
      const runner = new EpochBasedRunner({ model: model as never, optimizer, workDir: null, logger: new Logger({ stream: null }), maxEpochs });
      runner.registerTrainingHooks({
        lrConfig: cfg.lr_config, optimizerConfig: cfg.optimizer_config, checkpointConfig: cfg.checkpoint_config,
        logConfig: cfg.log_config, momentumConfig: cfg.momentum_config, customHooksConfig: cfg.custom_hooks,
      });
      if (cfg.evaluation) runner.registerHook(new EvalHook(new TinyLoader(new TinyDataset(3), 3), cfg.evaluation), 'LOW');
      const lr = runner.hooks[0] as LrUpdaterHook;
      policies.set(lr.constructor.name, (policies.get(lr.constructor.name) ?? 0) + 1);
      // the schedule over the whole run (2 iterations per epoch): finite, positive, never above the start
      const fake = { optimizer, epoch: 0, iter: 0, maxEpochs, maxIters: maxEpochs * 2, dataLoader: { length: 2 } };
      lr.beforeRun(fake as never);
      for (let e = 0; e < maxEpochs; e++, fake.epoch++) {
        lr.beforeTrainEpoch(fake as never);
        for (let i = 0; i < 2; i++, fake.iter++) {
          lr.beforeTrainIter(fake as never);
          for (const g of optimizer.paramGroups) {
            const v = g.options.lr as number;
            assert.ok(Number.isFinite(v) && v >= 0 && v <= (g.options.initial_lr as number) * (1 + 1e-12), `epoch ${e}: lr ${v}`);
          }
        }
      }
      checked++;
    } catch (e) {
      const msg = (e as Error).message;
      if (/MMAction2 fails on this config as well/.test(msg)) { brokenInMMAction2.push(name); continue; }
      throw new Error(`${name}: ${msg}`, { cause: e });
    }
  }
  assert.ok(checked > 150, `checked ${checked} configs`);
  // configs whose child lr_config keeps a key of its base's policy: a TypeError in MMAction2 too
  assert.ok(brokenInMMAction2.length < 10, brokenInMMAction2.join(', '));
  console.log(`${checked} configs built; refused like MMAction2 (lr_config keys of another policy): ${brokenInMMAction2.join(', ') || 'none'}`);
  assert.ok((policies.get('StepLrUpdaterHook') ?? 0) > 10 && (policies.get('CosineAnnealingLrUpdaterHook') ?? 0) > 10, JSON.stringify([...policies]));
});
