/**
 * Testing a recognizer (MMAction2's mmaction/apis/test.py and tools/test.py's flow):
 * `singleGpuTest(model, loader)` gives the score rows; `testModel(cfg, checkpoint, ...)` builds
 * the test set and the model, loads the checkpoint, tests, evaluates and dumps.
 */
import { Config } from '../config/config.ts';
import { buildDataset, buildDataloader } from '../datasets/index.ts';
import { buildModel, type ModelCfg } from '../models/builder.ts';
import { loadCheckpoint } from '../models/checkpoint.ts';
import { dumpResults } from '../runner/results.ts';
import { withLegacyTopk } from '../runner/hooks/evaluation.ts';
import { singleGpuTest, singleGpuTestLocalizer, type TestableLocalizer, type TestOptions } from '../runner/engine.ts';
import { ActivityNetDataset, type ProposalResult } from '../datasets/activitynet_dataset.ts';
import { BaseTAPGenerator } from '../models/localizers/base.ts';
import { mkdirSync } from 'node:fs';
import { dirname, extname } from 'node:path';
import type { LoaderLike } from '../runner/types.ts';
import { dataloaderOptions } from './train.ts';

export { singleGpuTest, type TestOptions };

export interface TestModelOptions {
  /** Where to dump the results (.pkl/.json/.yaml). */
  out?: string | null;
  /** Metrics to evaluate (`--eval top_k_accuracy mean_class_accuracy`); default none. */
  eval?: string[] | null;
  /** `--eval-options`: metric_options merged over the config's evaluation. */
  evalOptions?: Record<string, unknown> | null;
  /** `--average-clips score|prob`: overrides test_cfg.average_clips. */
  averageClips?: 'score' | 'prob' | null;
  /** 'cpu', 'cuda' or 'cuda:N'; default cuda when available. */
  device?: string | null;
  /** Progress callback (done, total). */
  onProgress?: (done: number, total: number) => void;
  log?: (msg: string) => void;
}

/**
 * tools/test.py's single-process flow. Returns the metrics (empty without `eval`) and the
 * results: score rows for recognizers, one proposal dict per video for localizers (BMN).
 */
export async function testModel(cfgOrPath: Config | string, checkpoint: string, o: TestModelOptions = {}): Promise<{ metrics: Record<string, number>; results: number[][] | ProposalResult[] }> {
  const cfg = typeof cfgOrPath === 'string' ? Config.fromFile(cfgOrPath) : cfgOrPath;
  const log = o.log ?? ((m: string) => console.log(m));
  if (o.averageClips) {
    if (cfg.has('model.test_cfg')) cfg.set('model.test_cfg.average_clips', o.averageClips);
    else if (cfg.has('test_cfg')) cfg.set('test_cfg.average_clips', o.averageClips);
    else cfg.set('model.test_cfg', { average_clips: o.averageClips });
  }
  const data = cfg.get<Record<string, any>>('data') ?? {};
  if (!data.test) throw new Error(`${cfg.filename ?? 'config'}: data.test is missing`);
  const dataset = buildDataset({ ...data.test, test_mode: true }, 'data.test');
  const loader = buildDataloader(dataset, dataloaderOptions(data, 'test_dataloader', { shuffle: false, seed: 0 }));
  const model = buildModel(cfg.get('model') as ModelCfg, { train_cfg: null, test_cfg: cfg.get('test_cfg') ?? null });
  const { report } = await loadCheckpoint(model, checkpoint, { logger: null });
  if (report.missingKeys.length || report.shapeMismatch.length) {
    const { formatLoadReport } = await import('../models/checkpoint.ts');
    throw new Error(`${checkpoint} does not fit the model of ${cfg.filename ?? 'the config'} (was it trained with another config?):\n${formatLoadReport(report, checkpoint)}`);
  }
  if (report.unexpectedKeys.length) log(`unexpected keys in ${checkpoint}: ${report.unexpectedKeys.join(', ')}`);
  const torch = await import('../torch/index.ts');
  const device = o.device ?? (torch.cuda.isAvailable() ? 'cuda' : 'cpu');
  if (device !== 'cpu') model.to(device);
  if (model instanceof BaseTAPGenerator) {
    try {
      return await testLocalizer(model, dataset, loader as unknown as LoaderLike, cfg, o, device, log);
    } finally {
      model.dispose();
    }
  }
  const results = await singleGpuTest(model, loader as unknown as LoaderLike, { onProgress: o.onProgress, device });
  if (o.out) {
    log(`\nwriting results to ${o.out}`);
    await dumpResults(results, o.out);
  }
  let metrics: Record<string, number> = {};
  if (o.eval && o.eval.length) {
    metrics = (dataset as unknown as { evaluate: (...a: unknown[]) => Record<string, number> })
      .evaluate(results, o.eval, metricOptionsOf(cfg, o), { info: log });
    for (const [k, v] of Object.entries(metrics)) log(`${k}: ${v.toFixed(4)}`);
  }
  model.dispose();
  return { metrics, results };
}

/** `metric_options` from the config's `evaluation` dict merged with --eval-options (tools/test.py). */
function metricOptionsOf(cfg: Config, o: TestModelOptions): Record<string, unknown> | undefined {
  const evalCfg = { ...(cfg.get<Record<string, any>>('evaluation') ?? {}), ...(o.evalOptions ?? {}) };
  for (const k of ['interval', 'tmpdir', 'start', 'gpu_collect', 'save_best', 'rule', 'by_epoch', 'broadcast_bn_buffers', 'broadcast_bn_buffer', 'metrics']) delete evalCfg[k];
  const { metric_options: mo, topk, ...rest } = evalCfg;
  if (Object.keys(rest).length) throw new Error(`evaluation: unknown option(s) ${Object.keys(rest).join(', ')} for testing (valid: metric_options)`);
  return withLegacyTopk(mo, topk) ?? undefined;
}

/**
 * The localizer branch of tools/test.py: proposals of every video; `output_config` (out,
 * output_format; --out overrides `out`) dumps them with the dataset's dump_results; --eval
 * evaluates them (AR@AN).
 */
async function testLocalizer(model: BaseTAPGenerator, dataset: unknown, loader: LoaderLike, cfg: Config, o: TestModelOptions, device: string, log: (m: string) => void): Promise<{ metrics: Record<string, number>; results: ProposalResult[] }> {
  if (!(dataset instanceof ActivityNetDataset)) throw new Error(`${model.constructor.name} is tested on an ActivityNetDataset (data.test.type), got ${(dataset as { type?: string }).type}`);
  const results = await singleGpuTestLocalizer(model as unknown as TestableLocalizer<ProposalResult>, loader, { onProgress: o.onProgress, device });
  const outputConfig: Record<string, unknown> = { ...(cfg.get<Record<string, unknown>>('output_config') ?? {}), ...(o.out ? { out: o.out } : {}) };
  const { out, output_format: format = 'json', ...rest } = outputConfig;
  if (Object.keys(rest).length) throw new Error(`output_config: unknown option(s) ${Object.keys(rest).join(', ')} (valid: out, output_format)`);
  if (out) {
    if (extname(String(out)).toLowerCase() !== '.json') throw new Error(`${String(out)}: ActivityNet results are dumped as .json`);
    mkdirSync(dirname(String(out)), { recursive: true });
    log(`\nwriting results to ${String(out)}`);
    dataset.dumpResults(results, String(out), String(format));
  }
  let metrics: Record<string, number> = {};
  if (o.eval && o.eval.length) {
    metrics = dataset.evaluateProposals(results, o.eval, metricOptionsOf(cfg, o) as never);
    for (const [k, v] of Object.entries(metrics)) log(`${k}: ${v.toFixed(4)}`);
  }
  return { metrics, results };
}
