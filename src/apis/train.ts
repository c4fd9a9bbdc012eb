/**
 * Training (MMAction2 0.24's tools/train.py + mmaction/apis/train.py):
 * - `trainModel(cfg, options)` does what `tools/train.py CONFIG` does: work dir, config copy,
 *   `<timestamp>.log`, environment and seed in the meta, model and datasets from the config, then
 *   `runTraining`.
 * - `runTraining(model, datasets, cfg, options)` is `train_model`: loaders, optimizer, runner,
 *   the config's hooks, validation (EvalHook), resume/load, the workflow, then --test-last/--test-best.
 * Single process for now; rank/world size are threaded through for the distributed launcher.
 */
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { basename, extname, join, resolve } from 'node:path';
import * as torch from '../torch/index.ts';
import { Config } from '../config/config.ts';
import { buildDataset, buildDataloader, type DataLoaderOptions, type DatasetLike } from '../datasets/index.ts';
import { buildModel } from '../models/builder.ts';
import type { BaseRecognizer } from '../models/recognizers/base.ts';
import { EpochBasedRunner } from '../runner/epoch_runner.ts';
import { IterBasedRunner } from '../runner/iter_runner.ts';
import { MMACTION_VERSION } from '../runner/checkpoint.ts';
import { singleGpuTest, singleGpuTestLocalizer, type TestableLocalizer, type TestableModel } from '../runner/engine.ts';
import { BaseTAPGenerator } from '../models/localizers/base.ts';
import { EvalHook, withLegacyTopk } from '../runner/hooks/evaluation.ts';
import { PreciseBNHook } from '../runner/hooks/precise_bn.ts';
import { Logger, timeStr } from '../runner/logger.ts';
import { buildOptimizer } from '../runner/optimizer_builder.ts';
import { dumpResults } from '../runner/results.ts';
import type { LoaderLike, Meta, TrainableModel } from '../runner/types.ts';

export interface TrainModelOptions {
  /** --work-dir; default cfg.work_dir, else ./work_dirs/<config name>. */
  workDir?: string | null;
  resumeFrom?: string | null;
  loadFrom?: string | null;
  /** --validate: evaluate during training (EvalHook from cfg.evaluation). */
  validate?: boolean;
  testLast?: boolean;
  testBest?: boolean;
  /** --seed; default random (logged and saved in the meta). */
  seed?: number | null;
  /** --deterministic: libtorch deterministic algorithms where the engine offers them. */
  deterministic?: boolean;
  /** --cfg-options. */
  cfgOptions?: readonly string[] | Record<string, unknown> | null;
  /** Console output (default stderr; null: silent). */
  stream?: ((line: string) => void) | null;
  rank?: number;
  worldSize?: number;
  /** 'cpu', 'cuda' or 'cuda:N'; default cuda when available. */
  device?: string | null;
}

export interface RunTrainingOptions {
  device?: string;
  validate?: boolean;
  testLast?: boolean;
  testBest?: boolean;
  timestamp?: string;
  meta?: Meta;
  logger: Logger;
  rank?: number;
  worldSize?: number;
}

const LOADER_KEYS = ['videos_per_gpu', 'workers_per_gpu', 'shuffle', 'seed', 'drop_last', 'persistent_workers', 'prefetch_factor', 'skip_broken', 'rank', 'world_size'];

/**
 * MMAction2's dataloader settings: `data.videos_per_gpu`/`workers_per_gpu`/`persistent_workers`
 * overridden by `data.<which>` (train_dataloader, val_dataloader, test_dataloader). Options of
 * PyTorch's DataLoader that have no meaning here (pin_memory, num_gpus, dist) are dropped.
 */
export function dataloaderOptions(data: Record<string, any>, which: string, extra: Partial<DataLoaderOptions> = {}): DataLoaderOptions {
  const base: Record<string, unknown> = {
    videos_per_gpu: data.videos_per_gpu ?? 1,
    workers_per_gpu: data.workers_per_gpu ?? 1,
    persistent_workers: data.persistent_workers ?? false,
    ...extra,
    ...(data[which] ?? {}),
  };
  for (const k of ['pin_memory', 'num_gpus', 'dist']) delete base[k];
  for (const k of Object.keys(base)) {
    if (!LOADER_KEYS.includes(k)) throw new Error(`data.${which}.${k}: unknown dataloader option (valid: ${LOADER_KEYS.join(', ')})`);
  }
  if (base.seed === null || base.seed === undefined) delete base.seed;
  return base as unknown as DataLoaderOptions;
}

/** init_random_seed: the given seed, else a random one. */
export function initRandomSeed(seed?: number | null): number {
  if (seed !== null && seed !== undefined) return seed;
  return Math.floor(Math.random() * 2 ** 31);
}

/** `train_model(model, datasets, cfg, validate, test, timestamp, meta)`. */
export async function runTraining(model: BaseRecognizer, datasets: DatasetLike[], cfg: Config, o: RunTrainingOptions): Promise<EpochBasedRunner | IterBasedRunner> {
  const logger = o.logger;
  const data = cfg.get<Record<string, any>>('data') ?? {};
  const seed = cfg.get<number | null>('seed') ?? null;
  const workDir = cfg.get<string>('work_dir')!;
  // Each process reads its own shard of every epoch (MMAction2's DistributedSampler when dist=True).
  const shard = { rank: o.rank ?? 0, world_size: o.worldSize ?? 1 };
  const trainSetting = dataloaderOptions(data, 'train_dataloader', seed === null ? shard : { seed, ...shard });
  const loaders = datasets.map((ds) => buildDataloader(ds, trainSetting));

  for (const key of ['fp16', 'multigrid'] as const) {
    if (cfg.get(key)) throw new Error(`${key} is set in the config but mmaction-ts does not support it yet; remove it (--cfg-options ${key}=None)`);
  }
  if (cfg.get('omnisource')) throw new Error('omnisource training is not supported yet');

  const device = o.device ?? 'cpu';
  if (device !== 'cpu') model.to(device);
  const optimizer = buildOptimizer(model, cfg.get('optimizer') as never);
  const runnerType = cfg.get<string>('runner.type') ?? 'EpochBasedRunner';
  const common = {
    model: model as unknown as TrainableModel, optimizer, workDir, logger, meta: o.meta ?? {},
    rank: o.rank ?? 0, worldSize: o.worldSize ?? 1, device,
  };
  let runner: EpochBasedRunner | IterBasedRunner;
  if (runnerType === 'IterBasedRunner') {
    const maxIters = cfg.get<number>('runner.max_iters');
    if (typeof maxIters !== 'number') throw new Error(`${cfg.filename ?? 'config'}: runner.max_iters is missing (IterBasedRunner)`);
    runner = new IterBasedRunner({ ...common, maxIters });
  } else if (runnerType === 'EpochBasedRunner') {
    const maxEpochs = cfg.get<number>('runner.max_epochs') ?? cfg.get<number>('total_epochs');
    if (typeof maxEpochs !== 'number') throw new Error(`${cfg.filename ?? 'config'}: total_epochs is missing (the number of training epochs)`);
    runner = new EpochBasedRunner({ ...common, maxEpochs, seed });
  } else throw new Error(`runner.type: unknown runner '${runnerType}' (EpochBasedRunner or IterBasedRunner)`);
  if (o.timestamp) runner.timestamp = o.timestamp;
  runner.registerTrainingHooks({
    lrConfig: cfg.get('lr_config') as never,
    optimizerConfig: cfg.get('optimizer_config') as never,
    checkpointConfig: cfg.get('checkpoint_config') as never,
    logConfig: cfg.get('log_config') as never,
    momentumConfig: cfg.get('momentum_config') as never,
    customHooksConfig: cfg.get('custom_hooks') as never,
  });
  const preciseBn = cfg.get<Record<string, number>>('precise_bn');
  if (preciseBn) {
    const pbDataset = buildDataset(data.train, 'data.train');
    const pbLoader = buildDataloader(pbDataset, { ...trainSetting, workers_per_gpu: Math.min(1, trainSetting.workers_per_gpu ?? 1) });
    runner.registerHook(new PreciseBNHook(pbLoader as unknown as LoaderLike, preciseBn), 'HIGHEST');
    logger.info('Finish register precisebn hook');
  }
  if (o.validate) {
    const evalCfg = { ...(cfg.get<Record<string, any>>('evaluation') ?? {}) };
    const valDataset = buildDataset({ ...data.val, test_mode: true }, 'data.val');
    const valLoader = buildDataloader(valDataset, dataloaderOptions(data, 'val_dataloader', { shuffle: false }));
    const testFn = (m: TestableModel, l: LoaderLike): Promise<unknown[]> => (m instanceof BaseTAPGenerator
      ? singleGpuTestLocalizer(m as unknown as TestableLocalizer<unknown>, l, { device })
      : singleGpuTest(m, l, { device }));
    runner.registerHook(new EvalHook(valLoader as unknown as LoaderLike, { test_fn: testFn, ...evalCfg }), 'LOW');
  }
  const resumeFrom = cfg.get<string | null>('resume_from');
  const loadFrom = cfg.get<string | null>('load_from');
  if (resumeFrom) runner.resume(resumeFrom);
  else if (loadFrom) runner.loadCheckpoint(loadFrom);

  const workflow = (cfg.get<[string, number][]>('workflow') ?? [['train', 1]]).map(([m, n]) => [m, n] as [string, number]);
  try {
    await runner.run(loaders as unknown as LoaderLike[], workflow);
  } finally {
    for (const l of loaders) await l.close();
  }

  if (o.testLast || o.testBest) await testAfterTraining(runner, cfg, o);
  return runner;
}

async function testAfterTraining(runner: EpochBasedRunner | IterBasedRunner, cfg: Config, o: RunTrainingOptions): Promise<void> {
  const logger = o.logger;
  const workDir = cfg.get<string>('work_dir')!;
  let testBest = Boolean(o.testBest);
  let bestCkpt: string | null = null;
  if (testBest) {
    const ckpts = readdirSync(workDir).filter((x) => x.includes('best') && x.endsWith('.pth'));
    if (ckpts.length === 0) {
      logger.info('Warning: test_best set, but no ckpt found');
      testBest = false;
      if (!o.testLast) return;
    } else if (ckpts.length > 1) {
      const ids = ckpts.map((x) => Number(x.split('epoch_').pop()!.slice(0, -4)));
      bestCkpt = ckpts[ids.indexOf(Math.max(...ids))];
    } else bestCkpt = ckpts[0];
    if (bestCkpt) bestCkpt = join(workDir, bestCkpt);
  }
  if (runner.model instanceof BaseTAPGenerator) {
    throw new Error('--test-last/--test-best: testing a localizer after training is not supported (MMAction2 0.24 fails there too: ActivityNetDataset.dump_results needs an output_format); run `mmaction test CONFIG CHECKPOINT --eval AR@AN`');
  }
  const data = cfg.get<Record<string, any>>('data') ?? {};
  const testDataset = buildDataset({ ...data.test, test_mode: true }, 'data.test');
  const loader = buildDataloader(testDataset, dataloaderOptions(data, 'test_dataloader', { shuffle: false }));
  const runs: [string, string | null][] = [];
  if (o.testLast) runs.push(['last', null]);
  if (testBest && bestCkpt) runs.push(['best', bestCkpt]);
  for (const [name, ckpt] of runs) {
    if (ckpt) runner.loadCheckpoint(ckpt);
    const outputs = await singleGpuTest(runner.model as never, loader as unknown as LoaderLike, { device: runner.device });
    if (runner.rank !== 0) continue;
    await dumpResults(outputs, join(workDir, `${name}_pred.pkl`));
    const evalCfg = { ...(cfg.get<Record<string, any>>('evaluation') ?? {}) };
    for (const k of ['interval', 'tmpdir', 'start', 'gpu_collect', 'save_best', 'rule', 'by_epoch', 'broadcast_bn_buffers', 'broadcast_bn_buffer']) delete evalCfg[k];
    const res = (testDataset as unknown as { evaluate: (...a: unknown[]) => Record<string, number> })
      .evaluate(outputs, evalCfg.metrics, withLegacyTopk(evalCfg.metric_options, evalCfg.topk), logger);
    logger.info(`Testing results of the ${name} checkpoint`);
    for (const [k, v] of Object.entries(res)) logger.info(`${k}: ${v.toFixed(4)}`);
  }
  await loader.close();
}

/** `tools/train.py CONFIG [...]` as a function. Returns the runner (its model is the trained model). */
export async function trainModel(cfgOrPath: Config | string, o: TrainModelOptions = {}): Promise<EpochBasedRunner | IterBasedRunner> {
  const cfg = typeof cfgOrPath === 'string' ? Config.fromFile(cfgOrPath) : cfgOrPath;
  if (o.cfgOptions) cfg.merge(o.cfgOptions as never);
  const configPath = cfg.filename ?? 'config.py';
  const workDir = resolve(o.workDir ?? cfg.get<string>('work_dir') ?? join('work_dirs', basename(configPath, extname(configPath))));
  cfg.set('work_dir', workDir);
  if (o.resumeFrom) cfg.set('resume_from', o.resumeFrom);
  if (o.loadFrom) cfg.set('load_from', o.loadFrom);
  cfg.set('gpu_ids', [0]);
  if (!cfg.has('omnisource')) cfg.set('omnisource', false);
  const rank = o.rank ?? 0;
  if (rank === 0) {
    mkdirSync(workDir, { recursive: true });
    cfg.dump(join(workDir, basename(configPath)));
  }
  // MMAction2 names the logs by the second the run starts; a run restarted within the same second
  // (e.g. --resume-from right after a crash) would overwrite the first run's logs, so take a suffix.
  let timestamp = timeStr();
  for (let n = 1; existsSync(join(workDir, `${timestamp}.log`)) || existsSync(join(workDir, `${timestamp}.log.json`)); n++) timestamp = `${timeStr().slice(0, 15)}_${n}`;
  const logger = new Logger({ logFile: join(workDir, `${timestamp}.log`), logLevel: (cfg.get<string>('log_level') ?? 'INFO') as never, rank, stream: o.stream });

  const meta: Meta = {};
  const { collectEnv } = await import('../cli/env.ts');
  const env = { ...collectEnv(), libtorch: torch.version(), 'CUDA available': String(torch.cuda.isAvailable()) };
  const envInfo = Object.entries(env).map(([k, v]) => `${k}: ${v}`).join('\n');
  const dash = `${'-'.repeat(60)}\n`;
  logger.info(`Environment info:\n${dash}${envInfo}\n${dash}`);
  meta.env_info = envInfo;
  logger.info('Distributed training: false');
  logger.info(`Config: ${cfg.prettyText}`);

  const seed = initRandomSeed(o.seed);
  logger.info(`Set random seed to ${seed}, deterministic: ${Boolean(o.deterministic)}`);
  torch.manualSeed(seed);
  cfg.set('seed', seed);
  meta.seed = seed;
  meta.config_name = basename(configPath);
  meta.work_dir = basename(workDir.replace(/[\\/]+$/, ''));

  const model = buildModel(cfg.get('model') as never, { train_cfg: cfg.get('train_cfg') ?? null, test_cfg: cfg.get('test_cfg') ?? null });
  const data = cfg.get<Record<string, any>>('data') ?? {};
  if (!data.train) throw new Error(`${configPath}: data.train is missing`);
  const datasets: DatasetLike[] = [buildDataset(data.train, 'data.train')];
  const workflow = cfg.get<unknown[]>('workflow') ?? [['train', 1]];
  if (workflow.length === 2) {
    if (o.validate) logger.warning('val workflow is duplicated with `--validate`, it is recommended to use `--validate`.');
    datasets.push(buildDataset(data.val, 'data.val'));
  }
  if (cfg.get('checkpoint_config')) {
    cfg.set('checkpoint_config.meta', { mmaction_version: MMACTION_VERSION, config: cfg.prettyText });
  }
  const device = o.device ?? (torch.cuda.isAvailable() ? 'cuda' : 'cpu');
  if (!/^(cpu|cuda(:\d+)?)$/.test(device)) throw new Error(`device must be cpu or cuda[:N], got '${device}'`);
  if (device !== 'cpu' && !torch.cuda.isAvailable()) throw new Error(`device ${device}: CUDA is not available in this build of libtorch; use --device cpu`);
  logger.info(`Device: ${device}`);
  return runTraining(model, datasets, cfg, { device, validate: o.validate, testLast: o.testLast, testBest: o.testBest, timestamp, meta, logger, rank, worldSize: o.worldSize ?? 1 });
}
