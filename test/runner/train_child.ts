/**
 * Child process for the kill tests (not a test file itself):
 *   train <workDir> <maxEpochs> <iterDelayMs>   trains the tiny model like resume.test.ts does
 *   save-loop <workDir>                         saves a large checkpoint + latest.pth over and over
 */
import { setTimeout as sleep } from 'node:timers/promises';
import * as torch from '../../src/torch/index.ts';
import { Hook } from '../../src/runner/hooks/hook.ts';
import { EpochBasedRunner } from '../../src/runner/epoch_runner.ts';
import { Logger } from '../../src/runner/logger.ts';
import { buildOptimizer } from '../../src/runner/optimizer_builder.ts';
import { TinyDataset, TinyLoader, TinyRecognizer } from './tiny.ts';

export function makeRunner(workDir: string, maxEpochs: number, timestamp: string) {
  torch.manualSeed(0);
  const model = new TinyRecognizer();
  const optimizer = buildOptimizer(model, { type: 'SGD', lr: 0.1, momentum: 0.9, weight_decay: 1e-4 });
  const runner = new EpochBasedRunner({ model, optimizer, workDir, logger: new Logger({ stream: null }), maxEpochs, seed: 11, meta: { seed: 11 } });
  runner.timestamp = timestamp;
  runner.registerTrainingHooks({
    lrConfig: { policy: 'CosineAnnealing', min_lr: 0, warmup: 'linear', warmup_iters: 4, warmup_ratio: 0.1 },
    optimizerConfig: { grad_clip: { max_norm: 1, norm_type: 2 } },
    checkpointConfig: { interval: 1 },
    logConfig: { interval: 2, hooks: [{ type: 'TextLoggerHook' }] },
  });
  const loader = new TinyLoader(new TinyDataset(24, 1), 4, true, 5);
  return { model, optimizer, runner, loader };
}

class Slow extends Hook {
  constructor(readonly ms: number) { super(); }
  override async afterTrainIter(): Promise<void> { await sleep(this.ms); }
}

const [mode, workDir, a, b] = process.argv.slice(2);
if (mode === 'train') {
  const { runner, loader } = makeRunner(workDir, Number(a), 'child');
  runner.registerHook(new Slow(Number(b)), 'LOWEST');
  await runner.run([loader], [['train', 1]]);
} else if (mode === 'save-loop') {
  const { join } = await import('node:path');
  const { saveCheckpoint, linkOrCopyAtomic } = await import('../../src/runner/checkpoint.ts');
  class Big extends torch.nn.Module {
    w = this.registerParameter('w', torch.zeros([4 * 1024 * 1024]));
    forward() { return null; }
  }
  const m = new Big();
  for (let i = 1; ; i++) {
    torch.noGrad(() => m.w!.fill_(i));
    const p = join(workDir, `epoch_${i}.pth`);
    saveCheckpoint(m, p, { meta: { epoch: i } });
    linkOrCopyAtomic(p, join(workDir, 'latest.pth'));
    process.stdout.write(`saved ${i}\n`);
  }
}
