/**
 * LoggerHook and TextLoggerHook (mmcv/runner/hooks/logger/{base,text}.py): every `interval`
 * iterations the averaged log buffer becomes a text line
 *   Epoch [1][20/300]	lr: 1.000e-02, eta: 0:12:34, time: 0.512, data_time: 0.101, loss_cls: 2.3021, top1_acc: 0.1250, loss: 2.3021
 * and a JSON line in `<work_dir>/<timestamp>.log.json` (first line: runner.meta), e.g.
 *   {"mode": "train", "epoch": 1, "iter": 20, "lr": 0.01, "data_time": 0.10082, "loss_cls": 2.30215, ..., "time": 0.51234}
 * After validation: `Epoch(val) [1][30]	top1_acc: 0.5000, ...` / {"mode": "val", ...}.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import * as torch from '../../torch/index.ts';
import type { RunnerLike } from '../types.ts';
import { formatExp, formatFixed, formatTimedelta, pyJsonDumps, round5 } from '../pyformat.ts';
import { Hook } from './hook.ts';

export interface LoggerHookOptions {
  interval?: number;
  /** Skip the last iterations of an epoch that do not fill an interval. Default true. */
  ignore_last?: boolean;
  /** Clear the output after logging (set on the last logger hook by before_run). */
  reset_flag?: boolean;
  by_epoch?: boolean;
}

export abstract class LoggerHook extends Hook {
  readonly interval: number;
  readonly ignoreLast: boolean;
  resetFlag: boolean;
  readonly byEpoch: boolean;

  constructor({ interval = 10, ignore_last = true, reset_flag = false, by_epoch = true }: LoggerHookOptions = {}) {
    super();
    this.interval = interval;
    this.ignoreLast = ignore_last;
    this.resetFlag = reset_flag;
    this.byEpoch = by_epoch;
  }

  abstract log(r: RunnerLike): void;

  getMode(r: RunnerLike): 'train' | 'val' {
    if (r.mode === 'train') return 'time' in r.logBuffer.output ? 'train' : 'val';
    if (r.mode === 'val') return 'val';
    throw new Error(`runner mode should be 'train' or 'val', but got ${String(r.mode)}`);
  }

  getEpoch(r: RunnerLike): number {
    if (r.mode === 'train') return r.epoch + 1;
    if (r.mode === 'val') return r.epoch;
    throw new Error(`runner mode should be 'train' or 'val', but got ${String(r.mode)}`);
  }

  getIter(r: RunnerLike, innerIter = false): number {
    return this.byEpoch && innerIter ? r.innerIter + 1 : r.iter + 1;
  }

  override beforeRun(r: RunnerLike): void {
    for (let i = r.hooks.length - 1; i >= 0; i--) {
      const h = r.hooks[i];
      if (h instanceof LoggerHook) { h.resetFlag = true; break; }
    }
  }

  override beforeEpoch(r: RunnerLike): void {
    r.logBuffer.clear();
  }

  override afterTrainIter(r: RunnerLike): void {
    if (this.byEpoch && this.everyNInnerIters(r, this.interval)) r.logBuffer.average(this.interval);
    else if (!this.byEpoch && this.everyNIters(r, this.interval)) r.logBuffer.average(this.interval);
    else if (this.endOfEpoch(r) && !this.ignoreLast) r.logBuffer.average(this.interval);
    if (r.logBuffer.ready) {
      this.log(r);
      if (this.resetFlag) r.logBuffer.clearOutput();
    }
  }

  override afterTrainEpoch(r: RunnerLike): void {
    if (r.logBuffer.ready) {
      this.log(r);
      if (this.resetFlag) r.logBuffer.clearOutput();
    }
  }

  override afterValEpoch(r: RunnerLike): void {
    r.logBuffer.average();
    this.log(r);
    if (this.resetFlag) r.logBuffer.clearOutput();
  }
}

export interface TextLoggerHookOptions extends LoggerHookOptions {
  interval_exp_name?: number;
  out_dir?: string | null;
  out_suffix?: string | string[];
  keep_local?: boolean;
}

/** Keys logged as ints in the JSON lines; every other number is a Python float there. */
const INT_KEYS = new Set(['epoch', 'iter', 'memory', 'seed', 'eval_iter_num']);

export class TextLoggerHook extends LoggerHook {
  timeSecTot = 0;
  startIter = 0;
  jsonLogPath = '';
  readonly intervalExpName: number;

  constructor({ interval_exp_name = 1000, out_dir = null, out_suffix: _s, keep_local: _k, ...rest }: TextLoggerHookOptions = {}) {
    super(rest);
    if (out_dir !== null) throw new Error('TextLoggerHook: out_dir (uploading logs elsewhere) is not supported; the logs stay in the work dir');
    this.intervalExpName = interval_exp_name;
  }

  override beforeRun(r: RunnerLike): void {
    super.beforeRun(r);
    this.startIter = r.iter;
    if (!r.workDir) throw new Error('TextLoggerHook: the runner has no work_dir');
    this.jsonLogPath = join(r.workDir, `${r.timestamp}.log.json`);
    if (r.meta) this.dumpLog(r.meta, r);
  }

  private logInfo(d: Record<string, unknown>, r: RunnerLike): void {
    if (r.meta && 'exp_name' in r.meta) {
      if (this.everyNIters(r, this.intervalExpName) || (this.byEpoch && this.endOfEpoch(r))) r.logger.info(`Exp name: ${String(r.meta.exp_name)}`);
    }
    let s: string;
    if (d.mode === 'train') {
      const lrStr = `lr: ${formatExp(d.lr as number)}`;
      s = this.byEpoch ? `Epoch [${d.epoch}][${d.iter}/${r.dataLoader!.length}]\t` : `Iter [${d.iter}/${r.maxIters}]\t`;
      s += `${lrStr}, `;
      if ('time' in d) {
        this.timeSecTot += (d.time as number) * this.interval;
        const avg = this.timeSecTot / (r.iter - this.startIter + 1);
        const eta = avg * (r.maxIters! - r.iter - 1);
        s += `eta: ${formatTimedelta(eta)}, `;
        s += `time: ${formatFixed(d.time as number, 3)}, data_time: ${formatFixed(d.data_time as number, 3)}, `;
        if ('memory' in d) s += `memory: ${d.memory}, `;
      }
    } else {
      s = this.byEpoch ? `Epoch(${d.mode}) [${d.epoch}][${d.iter}]\t` : `Iter(${d.mode}) [${d.iter}]\t`;
    }
    const items: string[] = [];
    for (const [k, v] of Object.entries(d)) {
      if (['mode', 'Epoch', 'iter', 'lr', 'time', 'data_time', 'memory', 'epoch'].includes(k)) continue;
      items.push(`${k}: ${typeof v === 'number' ? formatFixed(v, 4) : String(v)}`);
    }
    s += items.join(', ');
    r.logger.info(s);
  }

  private dumpLog(d: Record<string, unknown>, r: RunnerLike): void {
    if (r.rank !== 0) return;
    const rounded: Record<string, unknown> = {};
    const round = (v: unknown): unknown => (Array.isArray(v) ? v.map(round) : typeof v === 'number' && !Number.isInteger(v) ? round5(v) : v);
    for (const [k, v] of Object.entries(d)) rounded[k] = round(v);
    appendFileSync(this.jsonLogPath, `${pyJsonDumps(rounded, INT_KEYS)}\n`);
  }

  log(r: RunnerLike): Record<string, unknown> {
    const out = r.logBuffer.output;
    let curIter: number;
    if ('eval_iter_num' in out) {
      curIter = out.eval_iter_num as number;
      delete out.eval_iter_num;
    } else curIter = this.getIter(r, true);
    const d: Record<string, unknown> = { mode: this.getMode(r), epoch: this.getEpoch(r), iter: curIter };
    d.lr = r.currentLr()[0];
    if ('time' in out && torch.cuda.isAvailable()) {
      const mem = cudaMaxMemoryMb();
      if (mem !== null) d.memory = mem;
    }
    Object.assign(d, out);
    this.logInfo(d, r);
    this.dumpLog(d, r);
    return d;
  }
}

/** torch.cuda.max_memory_allocated in MB, where the engine reports it. */
function cudaMaxMemoryMb(): number | null {
  const f = (torch.cuda as { maxMemoryAllocated?: () => number }).maxMemoryAllocated;
  return f ? Math.floor(f() / (1024 * 1024)) : null;
}
