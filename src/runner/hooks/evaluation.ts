/**
 * EvalHook (mmcv 1.7's hooks/evaluation.py as MMAction2 0.24 uses it, with save_best='auto'):
 * every `interval` epochs (or iterations) tests the model on the val loader, evaluates with the
 * dataset's `evaluate(results, metrics, metric_options)`, puts the metrics into the log buffer
 * (so the logger writes a `mode: "val"` line), and keeps `best_<key>_epoch_N.pth` for the best
 * value of `save_best` (the first metric with 'auto') by `rule` ('greater' / 'less').
 */
import { existsSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import { singleGpuTest, type TestableModel } from '../engine.ts';
import type { LoaderLike, RunnerLike } from '../types.ts';
import { Hook } from './hook.ts';
import { LoggerHook } from './text_logger.ts';

export type Rule = 'greater' | 'less';
const RULES: Record<Rule, (a: number, b: number) => boolean> = { greater: (a, b) => a > b, less: (a, b) => a < b };
const INIT: Record<Rule, number> = { greater: -Infinity, less: Infinity };

/** The `evaluation` section of a config (MMAction2 0.24). */
export interface EvalHookOptions {
  start?: number | null;
  interval?: number;
  by_epoch?: boolean;
  /** Metric whose best value is kept as best_*.pth; 'auto': the first metric; null: none. Default 'auto'. */
  save_best?: string | null;
  rule?: Rule | null;
  greater_keys?: string[] | null;
  less_keys?: string[] | null;
  out_dir?: string | null;
  /** Passed to dataset.evaluate. */
  metrics?: string | string[];
  metric_options?: Record<string, Record<string, unknown>>;
  /** Deprecated in MMAction2 (still in some configs): top_k_accuracy's topk, moved into metric_options. */
  topk?: number | number[];
  /** Test function; default singleGpuTest. Its results go to dataset.evaluate (score rows, or a localizer's proposal dicts). */
  test_fn?: (model: TestableModel, loader: LoaderLike) => Promise<unknown[]>;
  /** Distributed evaluation settings, accepted for config compatibility. */
  gpu_collect?: boolean;
  tmpdir?: string | null;
  broadcast_bn_buffer?: boolean;
}

export const DEFAULT_GREATER_KEYS = ['acc', 'top', 'AR@', 'auc', 'precision', 'mAP', 'mDice', 'mIoU', 'mAcc', 'aAcc'];
export const DEFAULT_LESS_KEYS = ['loss'];
const KNOWN = ['start', 'interval', 'by_epoch', 'save_best', 'rule', 'greater_keys', 'less_keys', 'out_dir', 'metrics', 'metric_options',
  'test_fn', 'gpu_collect', 'tmpdir', 'broadcast_bn_buffer', 'file_client_args', 'topk'];

/**
 * MMAction2's dataset.evaluate(**deprecated_kwargs): a top-level `topk` goes into
 * metric_options.top_k_accuracy (MMAction2 warns; configs such as tsn_*_hmdb51 still use it).
 */
export function withLegacyTopk(metricOptions: Record<string, Record<string, unknown>> | undefined, topk: unknown): Record<string, Record<string, unknown>> | undefined {
  if (topk === undefined) return metricOptions;
  const base = metricOptions ?? { top_k_accuracy: { topk: [1, 5] } };
  return { ...base, top_k_accuracy: { ...(base.top_k_accuracy ?? {}), topk } };
}

export class EvalHook extends Hook {
  readonly start: number | null;
  readonly interval: number;
  readonly byEpoch: boolean;
  readonly saveBest: string | null;
  rule: Rule | null = null;
  keyIndicator: string | null = null;
  readonly greaterKeys: string[];
  readonly lessKeys: string[];
  outDir: string | null;
  bestCkptPath: string | null = null;
  initialFlag = true;
  readonly metrics: string | string[] | undefined;
  readonly metricOptions: Record<string, Record<string, unknown>> | undefined;
  readonly testFn: ((model: TestableModel, loader: LoaderLike) => Promise<unknown[]>) | null;

  constructor(readonly dataloader: LoaderLike, o: EvalHookOptions = {}) {
    super();
    for (const k of Object.keys(o)) if (!KNOWN.includes(k)) throw new TypeError(`evaluation: unknown option '${k}' (valid: ${KNOWN.join(', ')})`);
    if ('key_indicator' in o) throw new Error('"key_indicator" is deprecated, you need to use "save_best" instead.');
    const interval = o.interval ?? 1;
    if (!(interval > 0)) throw new RangeError(`evaluation.interval must be a positive number, but got ${interval}`);
    if (o.start !== undefined && o.start !== null && o.start < 0) throw new RangeError(`The evaluation start epoch ${o.start} is smaller than 0`);
    this.start = o.start ?? null;
    this.interval = interval;
    this.byEpoch = o.by_epoch ?? true;
    this.saveBest = o.save_best === undefined ? 'auto' : o.save_best;
    this.greaterKeys = o.greater_keys ?? DEFAULT_GREATER_KEYS;
    this.lessKeys = o.less_keys ?? DEFAULT_LESS_KEYS;
    this.outDir = o.out_dir ?? null;
    this.metrics = o.metrics;
    this.metricOptions = withLegacyTopk(o.metric_options, o.topk);
    this.testFn = o.test_fn ?? null;
    if (this.saveBest !== null) this.initRule(o.rule ?? null, this.saveBest);
  }

  private initRule(rule: Rule | null, key: string): void {
    if (rule !== null && !(rule in RULES)) throw new RangeError(`rule must be greater, less or None, but got ${String(rule)}.`);
    if (rule === null && key !== 'auto') {
      const lc = key.toLowerCase();
      const g = this.greaterKeys.map((k) => k.toLowerCase());
      const l = this.lessKeys.map((k) => k.toLowerCase());
      if (g.includes(lc)) rule = 'greater';
      else if (l.includes(lc)) rule = 'less';
      else if (g.some((k) => lc.includes(k))) rule = 'greater';
      else if (l.some((k) => lc.includes(k))) rule = 'less';
      else throw new Error(`Cannot infer the rule for key ${key}, thus a specific rule must be specified (evaluation.rule='greater' or 'less').`);
    }
    this.rule = rule;
    this.keyIndicator = key;
  }

  override beforeRun(r: RunnerLike): void {
    if (!this.outDir) this.outDir = r.workDir;
    else if (r.workDir && this.outDir !== r.workDir) {
      this.outDir = join(this.outDir, basename(r.workDir.replace(/[\\/]+$/, '')));
      r.logger.info(`The best checkpoint will be saved to ${this.outDir} by HardDiskBackend`);
    }
    if (this.saveBest !== null) {
      r.meta ??= {};
      r.meta.hook_msgs ??= {};
      this.bestCkptPath = (r.meta.hook_msgs.best_ckpt as string | undefined) ?? null;
    }
  }

  override async beforeTrainIter(r: RunnerLike): Promise<void> {
    if (this.byEpoch || !this.initialFlag) return;
    if (this.start !== null && r.iter >= this.start) await this.afterTrainIter(r);
    this.initialFlag = false;
  }

  override async beforeTrainEpoch(r: RunnerLike): Promise<void> {
    if (!(this.byEpoch && this.initialFlag)) return;
    if (this.start !== null && r.epoch >= this.start) await this.afterTrainEpoch(r);
    this.initialFlag = false;
  }

  override async afterTrainIter(r: RunnerLike): Promise<void> {
    if (this.byEpoch || !this.shouldEvaluate(r)) return;
    for (const h of r.hooks) if (h instanceof LoggerHook) h.afterTrainIter(r);
    r.logBuffer.clear();
    await this.doEvaluate(r);
  }

  override async afterTrainEpoch(r: RunnerLike): Promise<void> {
    if (this.byEpoch && this.shouldEvaluate(r)) await this.doEvaluate(r);
  }

  private shouldEvaluate(r: RunnerLike): boolean {
    const current = this.byEpoch ? r.epoch : r.iter;
    const check = this.byEpoch ? this.everyNEpochs(r, this.interval) : this.everyNIters(r, this.interval);
    if (this.start === null) return check;
    if (current + 1 < this.start) return false;
    return (current + 1 - this.start) % this.interval === 0;
  }

  protected async doEvaluate(r: RunnerLike): Promise<void> {
    const model = r.model as unknown as TestableModel;
    const results = this.testFn ? await this.testFn(model, this.dataloader)
      : await singleGpuTest(model, this.dataloader, { device: (r as { device?: string }).device ?? 'cpu' });
    r.model.train();
    r.logBuffer.output.eval_iter_num = this.dataloader.length;
    const keyScore = this.evaluate(r, results);
    // mmcv skips a score of 0 here (`if self.save_best and key_score`); kept for compatibility
    if (this.saveBest !== null && keyScore) this.saveCkpt(r, keyScore);
  }

  private saveCkpt(r: RunnerLike, keyScore: number): void {
    const [cur, curType, curTime] = this.byEpoch ? [`epoch_${r.epoch + 1}`, 'epoch', r.epoch + 1] : [`iter_${r.iter + 1}`, 'iter', r.iter + 1];
    const msgs = r.meta!.hook_msgs!;
    let best = (msgs.best_score as number | undefined) ?? INIT[this.rule!];
    if (!RULES[this.rule!](keyScore, best)) return;
    best = keyScore;
    msgs.best_score = best;
    if (r.rank !== 0) return;
    const name = `best_${this.keyIndicator}_${cur}.pth`;
    const previous = this.bestCkptPath;
    this.bestCkptPath = join(this.outDir!, name);
    msgs.best_ckpt = this.bestCkptPath;
    r.saveCheckpoint(this.outDir!, { filenameTmpl: name, createSymlink: false });
    // the old best goes only once the new one is safely written
    if (previous && previous !== this.bestCkptPath && existsSync(previous)) {
      unlinkSync(previous);
      r.logger.info(`The previous best checkpoint ${previous} was removed`);
    }
    r.logger.info(`Now best checkpoint is saved as ${name}.`);
    r.logger.info(`Best ${this.keyIndicator} is ${best.toFixed(4)} at ${curTime} ${curType}.`);
  }

  /** dataset.evaluate, metrics into the log buffer; returns the score of the key indicator. */
  evaluate(r: RunnerLike, results: unknown[]): number | null {
    const ds = this.dataloader.dataset;
    if (!ds || typeof ds.evaluate !== 'function') throw new Error('EvalHook: the val loader\'s dataset has no evaluate()');
    const res = ds.evaluate(results, this.metrics, this.metricOptions, r.logger) as Record<string, number>;
    for (const [k, v] of Object.entries(res)) r.logBuffer.output[k] = v;
    r.logBuffer.ready = true;
    if (this.saveBest === null) return null;
    const keys = Object.keys(res);
    if (keys.length === 0) {
      r.logger.warning('Since `eval_res` is an empty dict, the behavior to save the best checkpoint will be skipped in this evaluation.');
      return null;
    }
    if (this.keyIndicator === 'auto') this.initRule(this.rule, keys[0]);
    if (!(this.keyIndicator! in res)) throw new Error(`evaluation.save_best: '${this.keyIndicator}' is not among the metrics (${keys.join(', ')})`);
    return res[this.keyIndicator!];
  }
}
