/**
 * ActivityNetDataset (MMAction2 0.24 `activitynet_dataset.py`): temporal action localization
 * on precomputed features. The annotation file is a JSON dict keyed by video name:
 *
 *   {"v_--1DO2V4K74": {"duration_second": 211.53, "duration_frame": 6337, "feature_frame": 6336,
 *                      "annotations": [{"segment": [30.03, 205.23], "label": "Rock climbing"}], ...}, ...}
 *
 * Each sample starts as that entry plus `video_name` and `data_prefix` (the feature folder).
 * `evaluate` computes AR@AN of proposal results against the annotations, `dumpResults` writes
 * them in the ActivityNet JSON format (video ids without the `v_` prefix), atomically.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { evaluateProposals, type ProposalMetricOptions } from '../evaluation/evaluate.ts';
import type { Segment } from '../evaluation/temporal.ts';
import { pyJsonDumps } from '../runner/pyformat.ts';
import { writeAtomic } from '../torch/serialization/atomic.ts';
import { AnnotationError } from './annotations.ts';
import { BASE_DATASET_DEFAULTS, BaseDataset, type BaseDatasetOptions, type VideoInfo } from './base.ts';
import type { Cfg } from './pipelines/options.ts';
import type { Results } from './pipelines/types.ts';

/** One video's proposals, as a localizer's test mode returns them (BMN.forward_test). */
export interface ProposalResult {
  video_name: string;
  proposal_list: readonly { score: number; segment: readonly number[] }[];
}

const OPTIONS = ['ann_file', 'pipeline', 'data_prefix', 'test_mode'];

export class ActivityNetDataset extends BaseDataset {
  readonly type = 'ActivityNetDataset';

  constructor(cfg: Cfg, where = 'ActivityNetDataset') {
    for (const k of Object.keys(cfg)) {
      if (k !== 'type' && !OPTIONS.includes(k)) throw new Error(`${where}: unknown option '${k}'; ActivityNetDataset accepts ${OPTIONS.join(', ')}`);
    }
    super(cfg, BASE_DATASET_DEFAULTS as Omit<BaseDatasetOptions, 'ann_file' | 'pipeline'>, where);
    this.init();
  }

  /** load_annotations: one info per video, in the file's key order, with `video_name` added. */
  protected loadAnnotations(): VideoInfo[] {
    const file = this.opts.ann_file;
    if (extname(file).toLowerCase() !== '.json') throw new AnnotationError(file, null, 'ActivityNetDataset reads a .json annotation file');
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      throw new AnnotationError(file, null, code === 'ENOENT' ? 'annotation file not found' : (e as Error).message);
    }
    let db: unknown;
    try {
      db = JSON.parse(text);
    } catch (e) {
      throw new AnnotationError(file, null, `invalid JSON: ${(e as Error).message}`);
    }
    if (!db || typeof db !== 'object' || Array.isArray(db)) throw new AnnotationError(file, null, 'expected a JSON dict {video_name: {duration_second, duration_frame, feature_frame, annotations}}');
    return Object.entries(db as Record<string, unknown>).map(([name, info]) => {
      if (!info || typeof info !== 'object' || Array.isArray(info)) throw new AnnotationError(file, null, `'${name}': expected a dict`);
      return { ...(info as Record<string, unknown>), video_name: name };
    });
  }

  /** prepare_train_frames / prepare_test_frames: a copy of the info plus `data_prefix`. */
  protected override initialResults(idx: number): Results {
    if (!(idx >= 0 && idx < this.videoInfos.length)) throw new RangeError(`${this.type}: index ${idx} out of range (${this.length} videos)`);
    const r = structuredClone(this.videoInfos[idx]!) as Results;
    r.data_prefix = this.dataPrefix;
    return r;
  }

  override describe(idx: number): string {
    return String(this.videoInfos[idx]?.video_name ?? `#${idx}`);
  }

  /** _import_ground_truth: {video id (name without 'v_'): [[t_start, t_end], ...]}. */
  groundTruth(): Record<string, Segment[]> {
    const gt: Record<string, Segment[]> = {};
    for (const info of this.videoInfos) {
      const anns = info.annotations as { segment: [number, number] }[] | undefined;
      if (!Array.isArray(anns)) throw new AnnotationError(this.opts.ann_file, null, `'${String(info.video_name)}': 'annotations' must be a list`);
      gt[String(info.video_name).slice(2)] = anns.map((a) => [a.segment[0], a.segment[1]]);
    }
    return gt;
  }

  /**
   * evaluate(results, metrics='AR@AN', metric_options): AR@AN over the proposals of every video,
   * `{auc, AR@1, AR@5, AR@10, AR@100}`.
   */
  evaluateProposals(results: readonly ProposalResult[], metrics: string | readonly string[] = 'AR@AN', metricOptions: ProposalMetricOptions = {}): Record<string, number> {
    if (!Array.isArray(results as unknown)) throw new TypeError(`results must be a list, but got ${typeof results}`);
    if (results.length !== this.length) throw new Error(`The length of results is not equal to the dataset len: ${results.length} != ${this.length}`);
    const list = typeof metrics === 'string' ? [metrics] : [...metrics];
    for (const m of list) if (m !== 'AR@AN') throw new Error(`metric ${m} is not supported (ActivityNetDataset: AR@AN)`);
    const proposals: Record<string, Segment[]> = {};
    let num = 0;
    for (const r of results) {
      proposals[r.video_name.slice(2)] = r.proposal_list.map((p) => [p.segment[0]!, p.segment[1]!, p.score]);
      num += r.proposal_list.length;
    }
    return evaluateProposals(this.groundTruth(), proposals, list, metricOptions, num);
  }

  /** `evaluate` for the test tools: proposal results, not score rows. */
  override evaluate(results: unknown, metrics: string | string[] = 'AR@AN', metricOptions: unknown = {}): Record<string, number> {
    return this.evaluateProposals(results as ProposalResult[], metrics, (metricOptions ?? {}) as ProposalMetricOptions);
  }

  /** dump_results(results, out, output_format='json'): {version, results: {id: proposal_list}, external_data}. */
  dumpResults(results: readonly ProposalResult[], out: string, outputFormat = 'json', version = 'VERSION 1.3'): void {
    if (outputFormat !== 'json') {
      throw new Error(`output_format '${outputFormat}': ActivityNetDataset writes 'json' here ('csv' is for BSN's intermediate results, which mmaction-ts does not produce)`);
    }
    const byVideo: Record<string, unknown> = {};
    for (const r of results) byVideo[r.video_name.slice(2)] = r.proposal_list;
    const text = pyJsonDumps({ version, results: byVideo, external_data: {} });
    writeAtomic(out, (sink) => sink.write(Buffer.from(text, 'utf8')));
  }
}
