/**
 * `mmaction report-accuracy --scores A B ... --datalist LIST`: MMAction2's
 * tools/analysis/report_accuracy.py (fusing the test scores of several models).
 */
import { reportAccuracy } from '../analysis/report_accuracy.ts';
import { formatFixed } from '../evaluation/numpy_compat.ts';
import { parseArgs } from './args.ts';

const USAGE = `usage: mmaction report-accuracy --scores FILE [FILE ...] --datalist LIST [--coefficients C ...]
                               [--apply-softmax] [--top-k K ...]

Fuses the class scores of several models on the same test list (e.g. RGB and flow), as MMAction2's
tools/analysis/report_accuracy.py does: sum of coefficient x scores (each softmaxed first with
--apply-softmax), then Mean Class Accuracy and Top-k accuracy.

  --scores FILE ...       score files written by mmaction test --out (.pkl, .json, .yaml)
  --coefficients C ...    one weight per score file (default: 1 each)
  --datalist LIST         the test annotation list; the last field of each line is the label
  --apply-softmax         softmax each sample's scores before fusing
  --top-k K ...           which top-k accuracies to print (default: 1 5)`;

function numbers(v: string[] | undefined, name: string, integer: boolean): number[] | null {
  if (v === undefined) return null;
  return v.map((s) => {
    const x = Number(s);
    if (s.trim() === '' || !Number.isFinite(x) || (integer && !Number.isInteger(x))) throw new Error(`--${name}: '${s}' is not ${integer ? 'an integer' : 'a number'}`);
    return x;
  });
}

export async function run(argv: string[]): Promise<number> {
  const { pos, opts } = parseArgs(argv, { values: ['datalist'], lists: ['scores', 'coefficients', 'top-k'], flags: ['apply-softmax'] }, USAGE, 0);
  if (opts.help) { console.log(USAGE); return 0; }
  void pos;
  const scores = opts.scores as string[] | undefined;
  if (!scores) throw new Error(`--scores is required (the result files of mmaction test --out)\n\n${USAGE}`);
  const datalist = opts.datalist as string | undefined;
  if (!datalist) throw new Error(`--datalist is required (the test list whose last field is the label)\n\n${USAGE}`);
  const report = await reportAccuracy({
    scores,
    coefficients: numbers(opts.coefficients as string[] | undefined, 'coefficients', false),
    datalist,
    applySoftmax: Boolean(opts['apply-softmax']),
    topk: numbers(opts['top-k'] as string[] | undefined, 'top-k', true) ?? [1, 5],
  });
  console.log(`Mean Class Accuracy: ${formatFixed(report.meanClassAccuracy, 4)}`);
  for (const { k, accuracy } of report.topk) console.log(`Top ${k} Accuracy: ${formatFixed(accuracy, 4)}`);
  return 0;
}
