/**
 * `mmaction train CONFIG [options]`: MMAction2's tools/train.py (single process).
 */
import { trainModel } from '../apis/train.ts';
import { parseArgs, parseIntOpt } from './args.ts';

/** Re-exported for the commands that import them from here. */
export { parseArgs, parseIntOpt };

export const USAGE = `usage: mmaction train CONFIG [--work-dir DIR] [--resume-from CKPT] [--load-from CKPT] [--validate]
                      [--test-last] [--test-best] [--seed N] [--deterministic]
                      [--cfg-options KEY=VALUE ...] [--gpus N | --gpu-ids ID ...] [--device cpu|cuda]

Trains a recognizer as MMAction2's tools/train.py does: checkpoints epoch_N.pth and latest.pth,
<timestamp>.log and <timestamp>.log.json in the work dir.

  CONFIG                  train config file (.py as in MMAction2, .ts, .json, .yaml)
  --work-dir DIR          where logs and checkpoints go (default: work_dirs/<config name>)
  --resume-from CKPT      continue a run: weights, optimizer state, epoch, lr schedule
  --load-from CKPT        start from these weights (a fresh run from epoch 0)
  --validate              evaluate on data.val during training (config's \`evaluation\`)
  --test-last             test the final model on data.test after training
  --test-best             test the best checkpoint (best_*.pth) after training
  --seed N                random seed (default: random, logged and saved in checkpoints)
  --diff-seed             different seeds for different ranks (single process: no effect)
  --deterministic         deterministic algorithms where available
  --cfg-options K=V ...   override config settings, e.g. total_epochs=10 data.videos_per_gpu=4
  --gpus N / --gpu-ids .. only one device is used (as in MMAction2's non-distributed mode)
  --device D              cpu or cuda (default: cuda when available)
  --launcher none         distributed launchers are not supported yet`;

export async function run(argv: string[]): Promise<number> {
  const { pos, opts } = parseArgs(argv, {
    values: ['work-dir', 'resume-from', 'load-from', 'seed', 'gpus', 'launcher', 'local-rank', 'device'],
    lists: ['cfg-options', 'options', 'gpu-ids'],
    flags: ['validate', 'test-last', 'test-best', 'diff-seed', 'deterministic'],
  }, USAGE, 1);
  if (opts.help) { console.log(USAGE); return 0; }
  if (pos.length !== 1) throw new Error(`a CONFIG file is required\n\n${USAGE}`);
  if (opts.gpus !== undefined && opts['gpu-ids'] !== undefined) throw new Error('argument --gpu-ids: not allowed with argument --gpus');
  if (opts.launcher !== undefined && opts.launcher !== 'none') throw new Error(`--launcher ${String(opts.launcher)}: distributed training is not supported yet; run without --launcher`);
  const device = opts.device as string | undefined;
  if (device !== undefined && !/^(cpu|cuda(:\d+)?)$/.test(device)) throw new Error(`--device must be cpu or cuda[:N], got '${device}'`);
  const cfgOptions = [...((opts['cfg-options'] as string[]) ?? []), ...((opts.options as string[]) ?? [])];
  await trainModel(pos[0], {
    workDir: (opts['work-dir'] as string) ?? null,
    resumeFrom: (opts['resume-from'] as string) ?? null,
    loadFrom: (opts['load-from'] as string) ?? null,
    validate: Boolean(opts.validate),
    testLast: Boolean(opts['test-last']),
    testBest: Boolean(opts['test-best']),
    seed: parseIntOpt(opts.seed, 'seed'),
    deterministic: Boolean(opts.deterministic),
    cfgOptions: cfgOptions.length ? cfgOptions : null,
    device: device ?? null,
  });
  return 0;
}
