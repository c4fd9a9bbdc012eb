/**
 * `cal_train_time` of MMAction2's tools/analysis/analyze_logs.py: the average time per training
 * iteration of each epoch (the logged `time`, itself an average over the logging interval),
 * dropping each epoch's first logged value (warm-up, data-loader start) unless outliers are
 * included; then the slowest and fastest epoch, the standard deviation of the epoch averages
 * and the average over every value kept.
 *
 * Where MMAction2 differs: it numbers epochs by position in the log (a resumed run's log that
 * starts at epoch 6 reports "epoch 1"); we report the epoch as logged. It fails on epochs of
 * different lengths (numpy cannot stack them); we average each epoch on its own and the overall
 * figure over all values kept, which is MMAction2's figure whenever epochs have equal lengths.
 * Epochs with no value left (one logged line and outliers dropped) are left out, and said so.
 */
import { formatFixed, mean, sum } from '../evaluation/numpy_compat.ts';
import type { JsonLog } from './json_log.ts';

export interface TrainTimeStats {
  /** Epoch numbers as logged, with their average iteration time (s). */
  epochs: Array<{ epoch: number; averageTime: number; count: number }>;
  slowest: { epoch: number; averageTime: number };
  fastest: { epoch: number; averageTime: number };
  /** Population standard deviation (numpy's default) of the epoch averages. */
  stdOverEpochs: number;
  /** Mean of every iteration time kept, s/iter. */
  averageIterTime: number;
  /** Epochs left out because no time value remained. */
  skippedEpochs: number[];
}

export function calTrainTime(log: JsonLog, { includeOutliers = false }: { includeOutliers?: boolean } = {}): TrainTimeStats {
  const epochs: TrainTimeStats['epochs'] = [];
  const skippedEpochs: number[] = [];
  const all: number[] = [];
  for (const e of log.epochs) {
    const times: number[] = [];
    for (const r of e.train) {
      const t = r.values.time;
      if (t === undefined) continue;
      if (typeof t !== 'number') throw new Error(`${log.path}:${r.line}: "time" must be a number, got ${JSON.stringify(t)}`);
      times.push(t);
    }
    if (times.length === 0 && e.train.length === 0) continue; // an epoch seen only in val lines
    const kept = includeOutliers ? times : times.slice(1);
    if (kept.length === 0) { skippedEpochs.push(e.epoch); continue; }
    epochs.push({ epoch: e.epoch, averageTime: mean(kept), count: kept.length });
    all.push(...kept);
  }
  if (epochs.length === 0) {
    const hint = skippedEpochs.length
      ? ` (each epoch has a single logged "time"; pass --include-outliers to use it, or log more often with log_config.interval)`
      : ' (no train line has a "time" key: is this the log of a training run?)';
    throw new Error(`${log.path}: no iteration times to analyse${hint}`);
  }
  let slow = 0;
  let fast = 0;
  for (let i = 1; i < epochs.length; i++) {
    // numpy's argmax/argmin: the first extreme wins
    if (epochs[i].averageTime > epochs[slow].averageTime) slow = i;
    if (epochs[i].averageTime < epochs[fast].averageTime) fast = i;
  }
  const avgs = epochs.map((e) => e.averageTime);
  const m = mean(avgs);
  const stdOverEpochs = Math.sqrt(sum(avgs.map((a) => (a - m) ** 2)) / avgs.length);
  return {
    epochs,
    slowest: { epoch: epochs[slow].epoch, averageTime: epochs[slow].averageTime },
    fastest: { epoch: epochs[fast].epoch, averageTime: epochs[fast].averageTime },
    stdOverEpochs,
    averageIterTime: mean(all),
    skippedEpochs,
  };
}

/** The lines MMAction2 prints for one log (without the trailing blank line). */
export function formatTrainTime(path: string, s: TrainTimeStats): string[] {
  const lines = [
    `${'-'.repeat(5)}Analyze train time of ${path}${'-'.repeat(5)}`,
    `slowest epoch ${s.slowest.epoch}, average time is ${formatFixed(s.slowest.averageTime, 4)}`,
    `fastest epoch ${s.fastest.epoch}, average time is ${formatFixed(s.fastest.averageTime, 4)}`,
    `time std over epochs is ${formatFixed(s.stdOverEpochs, 4)}`,
    `average iter time: ${formatFixed(s.averageIterTime, 4)} s/iter`,
  ];
  if (s.skippedEpochs.length) {
    lines.push(`(left out epoch${s.skippedEpochs.length > 1 ? 's' : ''} ${s.skippedEpochs.join(', ')}: a single logged time, dropped as the warm-up; --include-outliers keeps it)`);
  }
  return lines;
}
