/**
 * Dataset-level evaluation the MMAction2 0.24 way: `BaseDataset.evaluate` (recognition metrics),
 * `ActivityNetDataset.evaluate` (AR@AN) and `SSNDataset.evaluate`'s mAP@IoU, as functions of
 * the predictions and ground truth, so a dataset's `evaluate(results, metrics, metric_options)`
 * is a thin call. Result keys, defaults, error cases and log lines follow MMAction2 (values are
 * not rounded; the log prints them with 4 decimals like MMAction2's `{acc:.4f}`).
 */
import { meanClassAccuracy, topKAccuracy } from './accuracy.ts';
import type { ScoreRows } from './accuracy.ts';
import { labelToArray, meanAveragePrecision, mmitMeanAveragePrecision } from './average_precision.ts';
import { arange, formatFixed, mean } from './numpy_compat.ts';
import { DEFAULT_TEMPORAL_IOU_THRESHOLDS, averageRecallAtAvgProposals, evalAp } from './temporal.ts';
import type { Segment, TemporalPrediction } from './temporal.ts';

/**
 * Where evaluation messages go (mmcv's `print_log`): a logger with `info`, `'silent'`, or
 * undefined for the console (then, as in MMAction2, each "Evaluating ..." line starts with a
 * blank line).
 */
export type EvalLogger = { info(message: string): void } | 'silent' | undefined;

function printLog(message: string, logger: EvalLogger): void {
  if (logger === 'silent') return;
  if (logger === undefined) console.log(message);
  else logger.info(message);
}

/** What a recognition metric sees: predictions and the dataset's `label` of each sample. */
export interface RecognitionInputs {
  scores: ScoreRows;
  /** `video_infos[i].label`: a class index, or a list of class indices (multi-label). */
  labels: ReadonlyArray<number | readonly number[]>;
  /** The dataset's `num_classes` (for multi-label one-hot rows). */
  numClasses: number;
}

export interface RecognitionMetricOutput {
  /** Result keys and values, in MMAction2's order. */
  results: Array<[string, number]>;
  /** The log text MMAction2 prints after computing the metric. */
  log: string;
}

/** `metric_options` of BaseDataset.evaluate (MMAction2's snake_case keys). */
export interface RecognitionMetricOptions {
  top_k_accuracy?: { topk?: number | readonly number[] };
  [metric: string]: Record<string, unknown> | undefined;
}

export type RecognitionMetric = (inputs: RecognitionInputs, options: Record<string, unknown>) => RecognitionMetricOutput;

function singleLabels(labels: RecognitionInputs['labels'], metric: string): number[] {
  return labels.map((l, i) => {
    if (typeof l !== 'number') {
      throw new Error(`${metric}: sample ${i} has a multi-label label [${l}]; use mean_average_precision or mmit_mean_average_precision`);
    }
    return l;
  });
}

function manyHot(inputs: RecognitionInputs): Float32Array[] {
  return inputs.labels.map((l) => labelToArray(inputs.numClasses, l));
}

/** MMAction2 metric names -> evaluators (BaseDataset.evaluate's `allowed_metrics`). */
export const RECOGNITION_METRICS = {
  top_k_accuracy: (inputs, options) => {
    const topk = options.topk ?? [1, 5];
    const ks = typeof topk === 'number' ? [topk] : topk;
    if (!Array.isArray(ks) || !ks.every((k) => typeof k === 'number')) {
      throw new TypeError(`metric_options.top_k_accuracy.topk must be an int or a list of ints, got ${JSON.stringify(topk)}`);
    }
    const accs = topKAccuracy(inputs.scores, singleLabels(inputs.labels, 'top_k_accuracy'), ks as number[]);
    return {
      results: ks.map((k, i) => [`top${k}_acc`, accs[i]] as [string, number]),
      log: ks.map((k, i) => `\ntop${k}_acc\t${formatFixed(accs[i], 4)}`).join(''),
    };
  },
  mean_class_accuracy: (inputs) => {
    const acc = meanClassAccuracy(inputs.scores, singleLabels(inputs.labels, 'mean_class_accuracy'));
    return { results: [['mean_class_accuracy', acc]], log: `\nmean_acc\t${formatFixed(acc, 4)}` };
  },
  mean_average_precision: (inputs) => {
    const mAP = meanAveragePrecision(inputs.scores, manyHot(inputs));
    return { results: [['mean_average_precision', mAP]], log: `\nmean_average_precision\t${formatFixed(mAP, 4)}` };
  },
  mmit_mean_average_precision: (inputs) => {
    const mAP = mmitMeanAveragePrecision(inputs.scores, manyHot(inputs));
    return { results: [['mmit_mean_average_precision', mAP]], log: `\nmmit_mean_average_precision\t${formatFixed(mAP, 4)}` };
  },
} satisfies Record<string, RecognitionMetric>;

export type RecognitionMetricName = keyof typeof RECOGNITION_METRICS;

export interface EvaluateRecognitionExtra {
  /** The dataset's `num_classes`; default: the length of a score row. */
  numClasses?: number;
}

/**
 * `BaseDataset.evaluate(results, metrics='top_k_accuracy',
 * metric_options=dict(top_k_accuracy=dict(topk=(1, 5))), logger=None)`: runs each metric in
 * order and returns `{top1_acc, top5_acc, mean_class_accuracy, mean_average_precision,
 * mmit_mean_average_precision}` as requested (unrounded values).
 */
export function evaluateRecognition(
  scores: ScoreRows,
  labels: ReadonlyArray<number | readonly number[]>,
  metrics: string | readonly string[] = 'top_k_accuracy',
  metricOptions: RecognitionMetricOptions = { top_k_accuracy: { topk: [1, 5] } },
  logger?: EvalLogger,
  extra: EvaluateRecognitionExtra = {},
): Record<string, number> {
  if (scores.length !== labels.length) {
    throw new Error(`The length of results is not equal to the dataset len: ${scores.length} != ${labels.length}`);
  }
  const list = typeof metrics === 'string' ? [metrics] : [...metrics];
  for (const m of list) {
    if (!Object.hasOwn(RECOGNITION_METRICS, m)) {
      throw new Error(`metric ${m} is not supported (supported: ${Object.keys(RECOGNITION_METRICS).join(', ')})`);
    }
  }
  const numClasses = extra.numClasses ?? (scores.length > 0 ? scores[0].length : 0);
  const inputs: RecognitionInputs = { scores, labels, numClasses };
  const out: Record<string, number> = {};
  for (const metric of list) {
    printLog(`${logger === undefined ? '\n' : ''}Evaluating ${metric} ...`, logger);
    const evaluator: RecognitionMetric = RECOGNITION_METRICS[metric as RecognitionMetricName];
    const { results, log } = evaluator(inputs, { ...(metricOptions[metric] ?? {}) });
    for (const [k, v] of results) out[k] = v;
    printLog(log, logger);
  }
  return out;
}

/** `metric_options` of ActivityNetDataset.evaluate. */
export interface ProposalMetricOptions {
  'AR@AN'?: { max_avg_proposals?: number | null; temporal_iou_thresholds?: readonly number[] };
}

/**
 * `ActivityNetDataset.evaluate(results, metrics='AR@AN', metric_options=...)` on imported
 * ground truth and proposals: `{auc, AR@1, AR@5, AR@10, AR@100}`. Defaults:
 * `max_avg_proposals=100`, `temporal_iou_thresholds=np.linspace(0.5, 0.95, 10)`;
 * `numProposals` defaults to the number of proposals given.
 */
export function evaluateProposals(
  groundTruth: Readonly<Record<string, readonly Segment[]>>,
  proposals: Readonly<Record<string, readonly Segment[]>>,
  metrics: string | readonly string[] = 'AR@AN',
  metricOptions: ProposalMetricOptions = {},
  numProposals?: number,
): Record<string, number> {
  const list = typeof metrics === 'string' ? [metrics] : [...metrics];
  for (const m of list) if (m !== 'AR@AN') throw new Error(`metric ${m} is not supported (supported: AR@AN)`);
  const total = numProposals ?? Object.values(proposals).reduce((a, p) => a + p.length, 0);
  const out: Record<string, number> = {};
  for (const _ of list) {
    const opts = metricOptions['AR@AN'] ?? {};
    const { recall, auc } = averageRecallAtAvgProposals(groundTruth, proposals, total,
      opts.max_avg_proposals === undefined ? 100 : opts.max_avg_proposals,
      opts.temporal_iou_thresholds ?? DEFAULT_TEMPORAL_IOU_THRESHOLDS);
    const column = (j: number) => recall.map((row) => row[j]);
    out.auc = auc;
    out['AR@1'] = mean(column(0));
    out['AR@5'] = mean(column(4));
    out['AR@10'] = mean(column(9));
    out['AR@100'] = mean(column(99));
  }
  return out;
}

/**
 * SSNDataset.evaluate's `mAP` with `eval_dataset='thumos14'` after regression and NMS:
 * `eval_ap` over `np.arange(0.1, 1.0, .1)`, averaged over classes, keyed `mAP@0.10` ... `mAP@0.90`.
 * `detections[c]` are class c's rows `[video, c, t_start, t_end, score]`.
 */
export function evaluateTemporalDetection(
  detections: readonly (readonly TemporalPrediction[])[],
  gtByClass: Readonly<Record<number, Readonly<Record<string, readonly Segment[]>>>>,
  iouRange: readonly number[] = arange(0.1, 1.0, 0.1),
): Record<string, number> {
  if (detections.length === 0) throw new Error('mAP: no classes in detections');
  const ap = evalAp(detections, gtByClass, iouRange); // [num_classes][num_ious]
  const out: Record<string, number> = {};
  iouRange.forEach((iou, j) => {
    // ap_values.mean(axis=0): numpy adds the class rows one after another
    let acc = 0;
    for (const row of ap) acc += row[j];
    out[`mAP@${formatFixed(iou, 2)}`] = acc / ap.length;
  });
  return out;
}

/** The tag layout of an HVU dataset (HVUDataset's `tag_categories`, `category2startidx`, `category2num`). */
export interface HvuTagLayout {
  tag_categories: readonly string[];
  category2startidx: Readonly<Record<string, number>>;
  category2num: Readonly<Record<string, number>>;
}

/**
 * `HVUDataset.evaluate(results, metrics='mean_average_precision')`: mAP per tag category over
 * the videos annotated with that category, keyed `<category>_mAP`. `labels[i]` is the video's
 * `{category: [tag indices within the category]}`.
 */
export function evaluateHvu(
  scores: ScoreRows,
  labels: ReadonlyArray<Readonly<Record<string, readonly number[]>>>,
  layout: HvuTagLayout,
  metrics: string | readonly string[] = 'mean_average_precision',
  logger?: EvalLogger,
): Record<string, number> {
  if (scores.length !== labels.length) {
    throw new Error(`The length of results is not equal to the dataset len: ${scores.length} != ${labels.length}`);
  }
  const list = typeof metrics === 'string' ? [metrics] : [...metrics];
  if (list.length !== 1 || list[0] !== 'mean_average_precision') {
    throw new Error(`HVU evaluation supports exactly one metric, 'mean_average_precision' (got ${JSON.stringify(list)})`);
  }
  const out: Record<string, number> = {};
  for (const category of layout.tag_categories) {
    const start = layout.category2startidx[category];
    const num = layout.category2num[category];
    if (start === undefined || num === undefined) throw new Error(`HVU tag category '${category}' has no start index / size in the layout`);
    const preds: ArrayLike<number>[] = [];
    const gts: Float32Array[] = [];
    labels.forEach((l, i) => {
      if (!Object.hasOwn(l, category)) return;
      const row = scores[i];
      preds.push(ArrayBuffer.isView(row) ? (row as unknown as Float32Array).subarray(start, start + num) : Array.from(row).slice(start, start + num));
      gts.push(labelToArray(num, l[category]));
    });
    const mAP = preds.length === 0 ? NaN : meanAveragePrecision(preds, gts);
    out[`${category}_mAP`] = mAP;
    printLog(`\n${category}_mAP\t${formatFixed(mAP, 4)}`, logger);
  }
  return out;
}
