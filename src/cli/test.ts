/**
 * `mmaction test CONFIG CHECKPOINT [options]`: MMAction2's tools/test.py (single process).
 */
import { testModel } from '../apis/test.ts';
import { parseArgs } from './train.ts';

const USAGE = `usage: mmaction test CONFIG CHECKPOINT [--out FILE] [--eval METRIC ...] [--average-clips score|prob]
                     [--cfg-options KEY=VALUE ...] [--eval-options KEY=VALUE ...]

Tests a checkpoint on data.test as MMAction2's tools/test.py does.

  CONFIG                    test config file
  CHECKPOINT                checkpoint file (.pth, MMAction2's or ours)
  --out FILE                dump the scores: .pkl (as MMAction2), .json or .yaml
                            (localizers: the proposals as ActivityNet .json; default output_config.out)
  --eval METRIC ...         top_k_accuracy mean_class_accuracy mean_average_precision
                            mmit_mean_average_precision ...; AR@AN for localizers (BMN)
  --average-clips MODE      score or prob: how clip scores are averaged (test_cfg.average_clips)
  --cfg-options K=V ...     override config settings
  --eval-options K=V ...    options for the metrics, e.g. metric_options.top_k_accuracy.topk=[1,3]
  --onnx / --tensorrt       not supported here yet (see mmaction deploy tools when available)`;

function parseKv(items: string[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const it of items) {
    const eq = it.indexOf('=');
    if (eq <= 0) throw new Error(`expected KEY=VALUE, got '${it}'`);
    const key = it.slice(0, eq);
    const raw = it.slice(eq + 1);
    let v: unknown;
    try { v = JSON.parse(raw.replace(/\(/g, '[').replace(/\)/g, ']').replace(/\bNone\b/g, 'null').replace(/\bTrue\b/g, 'true').replace(/\bFalse\b/g, 'false')); } catch { v = raw; }
    let d = out;
    const parts = key.split('.');
    for (const p of parts.slice(0, -1)) d = (d[p] ??= {}) as Record<string, unknown>;
    d[parts[parts.length - 1]] = v;
  }
  return out;
}

/**
 * mmcv's ProgressBar line: `[>>>>>>      ] 30/60, 12.3 task/s, elapsed: 2s, ETA:     2s`
 * (redrawn in place on a terminal, a line per 10% otherwise).
 */
export function progressBar(out: NodeJS.WriteStream, width = 40): (done: number, total: number) => void {
  const start = performance.now();
  let lastDecile = -1;
  return (done, total) => {
    const elapsed = (performance.now() - start) / 1000;
    const fps = done / Math.max(elapsed, 1e-9);
    const pct = done / Math.max(total, 1);
    const eta = Math.trunc(elapsed * (1 - pct) / Math.max(pct, 1e-9) + 0.5);
    const filled = Math.trunc(width * pct);
    const line = `[${'>'.repeat(filled)}${' '.repeat(width - filled)}] ${done}/${total}, ${fps.toFixed(1)} task/s, elapsed: ${Math.trunc(elapsed)}s, ETA: ${String(eta).padStart(5)}s`;
    if (out.isTTY) out.write(`\r${line}`);
    else if (Math.floor(pct * 10) !== lastDecile) { lastDecile = Math.floor(pct * 10); out.write(`${line}\n`); }
  };
}

export async function run(argv: string[]): Promise<number> {
  const { pos, opts } = parseArgs(argv, {
    values: ['out', 'average-clips', 'tmpdir', 'launcher', 'local-rank', 'device'],
    lists: ['eval', 'cfg-options', 'options', 'eval-options'],
    flags: ['gpu-collect', 'fuse-conv-bn', 'onnx', 'tensorrt'],
  }, USAGE, 2);
  if (opts.help) { console.log(USAGE); return 0; }
  if (pos.length !== 2) throw new Error(`CONFIG and CHECKPOINT are required\n\n${USAGE}`);
  if (opts.onnx || opts.tensorrt) throw new Error('--onnx/--tensorrt testing is not supported yet');
  if (opts['fuse-conv-bn']) throw new Error('--fuse-conv-bn is not supported yet');
  if (opts.launcher !== undefined && opts.launcher !== 'none') throw new Error('distributed testing is not supported yet; run without --launcher');
  const out = opts.out as string | undefined;
  const evalMetrics = opts.eval as string[] | undefined;
  if (!out && !evalMetrics) throw new Error('Please specify at least one operation (save or eval the results) with the argument "--out" or "--eval"');
  if (out && !/\.(pkl|pickle|json|ya?ml)$/i.test(out)) throw new Error('The output file must be a pkl, json or yaml file.');
  const avg = opts['average-clips'] as string | undefined;
  if (avg !== undefined && avg !== 'score' && avg !== 'prob') throw new Error(`--average-clips must be score or prob, got '${avg}'`);
  const { Config } = await import('../config/config.ts');
  const cfgOptions = [...((opts['cfg-options'] as string[]) ?? []), ...((opts.options as string[]) ?? [])];
  const cfg = Config.fromFile(pos[0], cfgOptions.length ? { cfgOptions } : {});
  const bar = progressBar(process.stderr);
  const { metrics } = await testModel(cfg, pos[1], {
    out: out ?? null,
    eval: evalMetrics ?? null,
    evalOptions: opts['eval-options'] ? parseKv(opts['eval-options'] as string[]) : null,
    averageClips: (avg as 'score' | 'prob' | undefined) ?? null,
    device: (opts.device as string | undefined) ?? null,
    onProgress: bar,
  });
  process.stderr.write('\n');
  void metrics;
  return 0;
}
