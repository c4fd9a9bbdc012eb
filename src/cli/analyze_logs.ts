/**
 * `mmaction analyze-logs plot_curve|cal_train_time LOG.json ...`: MMAction2's
 * tools/analysis/analyze_logs.py on the `<timestamp>.log.json` files of training runs.
 */
import { buildCurveChart, defaultCurvePath, saveChart } from '../analysis/plot_curve.ts';
import { loadJsonLog } from '../analysis/json_log.ts';
import { calTrainTime, formatTrainTime } from '../analysis/train_time.ts';
import { CHART_STYLES } from '../analysis/svg_chart.ts';
import { parseArgs } from './args.ts';

const USAGE = `usage: mmaction analyze-logs plot_curve LOG.json [LOG.json ...] [--keys KEY ...] [--legend LABEL ...]
                            [--title TITLE] [--style STYLE] [--out FILE.png|FILE.svg]
       mmaction analyze-logs cal_train_time LOG.json [LOG.json ...] [--include-outliers]

Analyses the <timestamp>.log.json files that training writes to its work dir, as MMAction2's
tools/analysis/analyze_logs.py does.

plot_curve: one curve per log and key. Keys of train lines (loss_cls, loss, lr, time, top1_acc of
the training batches) are plotted against the iteration, (epoch - 1) * iters_per_epoch + iter;
validation metrics (top1_acc, mean_class_accuracy, ...) against the epoch, in a second panel.
  --keys KEY ...        logged keys to plot (default: top1_acc)
  --legend LABEL ...    one label per log and key, in the order log1's keys, log2's keys, ...
                        (default: <log path>_<key>)
  --title TITLE         title of the figure
  --style STYLE         ${CHART_STYLES.join(', ')} (seaborn's styles; default dark)
  --out FILE            .png (also .jpg, .webp) or .svg; without it the plot is saved next to the
                        first log as <log>_<keys>.png (MMAction2 opens a window instead)
  --backend NAME        accepted for compatibility and ignored (no matplotlib here)

cal_train_time: slowest and fastest epoch, the standard deviation of the epoch averages and the
average time per iteration, from the "time" of the train lines.
  --include-outliers    keep the first logged time of every epoch (dropped by default)`;

export async function run(argv: string[]): Promise<number> {
  const [task, ...rest] = argv;
  if (!task || task === '-h' || task === '--help') {
    console.log(USAGE);
    return task ? 0 : 1;
  }
  if (task === 'plot_curve' || task === 'plot-curve') return plotCurve(rest);
  if (task === 'cal_train_time' || task === 'cal-train-time') return calTime(rest);
  throw new Error(`unknown task '${task}': plot_curve or cal_train_time\n\n${USAGE}`);
}

async function plotCurve(argv: string[]): Promise<number> {
  const { pos, opts } = parseArgs(argv, { values: ['title', 'backend', 'style', 'out'], lists: ['keys', 'legend'], flags: [] }, USAGE, Infinity);
  if (opts.help) { console.log(USAGE); return 0; }
  if (pos.length === 0) throw new Error(`plot_curve: give at least one LOG.json\n\n${USAGE}`);
  const keys = (opts.keys as string[] | undefined) ?? ['top1_acc'];
  const logs = pos.map(loadJsonLog);
  for (const log of logs) for (const key of keys) console.log(`plot curve of ${log.path}, metric is ${key}`);
  const chart = buildCurveChart(logs, {
    keys,
    legend: (opts.legend as string[] | undefined) ?? null,
    title: (opts.title as string | undefined) ?? null,
    style: (opts.style as string | undefined) ?? 'dark',
  });
  let out = opts.out as string | undefined;
  if (out === undefined) {
    out = defaultCurvePath(pos[0], keys);
    console.log('no window to show the plot in; pass --out FILE.png or FILE.svg to choose where it goes');
  }
  await saveChart(chart, out);
  console.log(`save curve to: ${out}`);
  return 0;
}

async function calTime(argv: string[]): Promise<number> {
  const { pos, opts } = parseArgs(argv, { values: [], lists: [], flags: ['include-outliers'] }, USAGE, Infinity);
  if (opts.help) { console.log(USAGE); return 0; }
  if (pos.length === 0) throw new Error(`cal_train_time: give at least one LOG.json\n\n${USAGE}`);
  for (const path of pos) {
    const stats = calTrainTime(loadJsonLog(path), { includeOutliers: Boolean(opts['include-outliers']) });
    console.log(`${formatTrainTime(path, stats).join('\n')}\n`);
  }
  return 0;
}
