/**
 * BaseDataset (MMAction2 0.24 `mmaction/datasets/base.py`): a list of sample infos from an
 * annotation file plus a pipeline. `prepare(idx)` returns the pipeline's results with plain
 * arrays (what worker threads hand back); `get(idx)` the same with torch Tensors.
 */
import { existsSync, realpathSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { evaluateRecognition, type EvalLogger, type RecognitionMetricOptions } from '../evaluation/evaluate.ts';
import { AnnotationError, readJsonList } from './annotations.ts';
import { Compose, materialize } from './pipelines/compose.ts';
import { parseOptions, type Cfg } from './pipelines/options.ts';
import { NDArray, type Results } from './pipelines/types.ts';

export interface BaseDatasetOptions {
  /** Annotation file: a .txt list or a .json list (required). */
  ann_file: string;
  /** Transform configs (required). */
  pipeline: Cfg[];
  /** Prefix joined to every path in the annotations. Default null. */
  data_prefix: string | null;
  test_mode: boolean;
  /** Labels are lists of classes, given to the pipeline as a one-hot float32 vector. */
  multi_class: boolean;
  num_classes: number | null;
  /** Index of the first frame (1 for img_00001.jpg; VideoDataset 0). */
  start_index: number;
  modality: 'RGB' | 'Flow' | 'Audio' | 'Pose';
  /** Class-balanced sampling (weights |class|^power) in the DataLoader. */
  sample_by_class: boolean;
  power: number;
  dynamic_length: boolean;
}

export const BASE_DATASET_DEFAULTS: Omit<BaseDatasetOptions, 'ann_file' | 'pipeline'> = Object.freeze({
  data_prefix: null,
  test_mode: false,
  multi_class: false,
  num_classes: null,
  start_index: 1,
  modality: 'RGB',
  sample_by_class: false,
  power: 0,
  dynamic_length: false,
});

export type VideoInfo = Record<string, unknown> & { label?: number | number[] };

export interface PrepareOptions {
  /** Seed of the pipeline's generators for this sample. */
  seed?: number;
}

export abstract class BaseDataset<O extends BaseDatasetOptions = BaseDatasetOptions> {
  abstract readonly type: string;
  readonly opts: O;
  readonly dataPrefix: string | null;
  readonly pipeline: Compose;
  videoInfos: VideoInfo[] = [];
  /** The config this dataset was built from (lets worker threads rebuild it). */
  cfg?: Cfg;
  classProb?: Map<number, number>;
  byClass?: Map<number, number[]>;

  constructor(cfg: Cfg, defaults: Omit<O, 'ann_file' | 'pipeline'>, where: string) {
    this.opts = parseOptions(where, cfg, defaults as O, ['ann_file', 'pipeline']);
    const p = this.opts.data_prefix;
    this.dataPrefix = p !== null && existsSync(p) && statSync(p).isDirectory() ? realpathSync(p) : p;
    if (this.opts.multi_class && this.opts.sample_by_class) throw new Error(`${where}: multi_class and sample_by_class exclude each other`);
    if (this.opts.multi_class && !(Number.isInteger(this.opts.num_classes) && this.opts.num_classes! > 0)) {
      throw new Error(`${where}: multi_class needs num_classes`);
    }
    this.pipeline = new Compose(this.opts.pipeline, { tensors: false, where: `${where}.pipeline` });
  }

  /** Load `videoInfos` (subclasses call this at the end of their constructor). */
  protected init(): void {
    this.videoInfos = this.loadAnnotations();
    if (this.opts.sample_by_class) {
      this.byClass = new Map();
      this.videoInfos.forEach((v, i) => {
        const l = v.label as number;
        if (!this.byClass!.has(l)) this.byClass!.set(l, []);
        this.byClass!.get(l)!.push(i);
      });
      const probs = [...this.byClass.entries()].map(([l, s]) => [l, (s.length / this.videoInfos.length) ** this.opts.power] as const);
      const sum = probs.reduce((a, [, p]) => a + p, 0);
      this.classProb = new Map(probs.map(([l, p]) => [l, p / sum]));
    }
  }

  protected abstract loadAnnotations(): VideoInfo[];

  protected joinPrefix(p: string): string {
    return this.dataPrefix !== null ? join(this.dataPrefix, p) : p;
  }

  /** `load_json_annotations`: [{frame_dir|filename, label: [..], ...}]. */
  protected loadJsonAnnotations(): VideoInfo[] {
    const file = this.opts.ann_file;
    const infos = readJsonList(file) as VideoInfo[];
    if (infos.length === 0) return infos;
    const key = 'frame_dir' in infos[0]! ? 'frame_dir' : 'filename';
    infos.forEach((info, i) => {
      if (typeof info[key] !== 'string') throw new AnnotationError(file, null, `sample ${i}: '${key}' must be a string`);
      info[key] = this.joinPrefix(info[key] as string);
      const label = info.label;
      if (!this.opts.multi_class) {
        if (!Array.isArray(label) || label.length !== 1) {
          throw new AnnotationError(file, null, `sample ${i}: 'label' must be a one-element list (or set multi_class=True)`);
        }
        info.label = label[0] as number;
      }
    });
    return infos;
  }

  get length(): number {
    return this.videoInfos.length;
  }

  /** A deep copy of one sample's info (MMAction2's `copy.deepcopy`), which the pipeline may modify. */
  protected cloneInfo(info: VideoInfo): Results {
    return structuredClone(info) as Results;
  }

  /** The dict handed to the first transform (`prepare_train_frames` / `prepare_test_frames`). */
  protected initialResults(idx: number): Results {
    if (!(idx >= 0 && idx < this.videoInfos.length)) throw new RangeError(`${this.type}: index ${idx} out of range (${this.length} samples)`);
    const r = this.cloneInfo(this.videoInfos[idx]!);
    r.modality = this.opts.modality;
    r.start_index = this.opts.start_index;
    if (this.opts.multi_class && Array.isArray(r.label)) {
      const onehot = new Float32Array(this.opts.num_classes!);
      for (const l of r.label as number[]) onehot[l] = 1;
      r.label = onehot as unknown as number;
    }
    return r;
  }

  /** Run the pipeline on sample idx; arrays stay arrays (transferable). */
  async prepare(idx: number, opts: PrepareOptions = {}): Promise<Results> {
    const r = await this.pipeline.run(this.initialResults(idx), { seed: opts.seed });
    if (r === null) throw new Error(`${this.type}: the pipeline dropped sample ${idx}`);
    return r;
  }

  /** `dataset[idx]`: the pipeline's results with torch Tensors. */
  async get(idx: number, opts: PrepareOptions = {}): Promise<Results> {
    return materialize(await this.prepare(idx, opts));
  }

  /** Path of sample idx for messages. */
  describe(idx: number): string {
    const v = this.videoInfos[idx];
    return String(v?.filename ?? v?.frame_dir ?? `#${idx}`);
  }

  /** `evaluate(results, metrics, metric_options)` with MMAction2's recognition metrics. */
  evaluate(scores: ArrayLike<ArrayLike<number>>, metrics: string | string[] = 'top_k_accuracy',
    metricOptions: RecognitionMetricOptions = { top_k_accuracy: { topk: [1, 5] } }, logger?: EvalLogger): Record<string, number> {
    const labels = this.videoInfos.map((v) => v.label as number | number[]);
    return evaluateRecognition(scores, labels, metrics, metricOptions, logger, { numClasses: this.opts.num_classes ?? undefined });
  }
}

export { NDArray };
