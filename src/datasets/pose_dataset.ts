/**
 * PoseDataset (MMAction2 0.24 `pose_dataset.py`): skeleton sequences from a pickle file
 * (`mmcv.dump(list_of_dicts, 'x.pkl')`), one dict per sample with `frame_dir` (or `filename`),
 * `label`, `total_frames`, `keypoint` [M, T, V, C] and optionally `keypoint_score` [M, T, V],
 * `img_shape`, `original_shape`, ... numpy arrays become `NDArray`s (float16 is widened to
 * float32, which PoseDecode would do anyway). With `split`, the file holds
 * `{split: {name: [frame_dir, ...]}, annotations: [...]}`.
 */
import { AnnotationError } from './annotations.ts';
import { BASE_DATASET_DEFAULTS, BaseDataset, type BaseDatasetOptions, type VideoInfo } from './base.ts';
import type { Cfg } from './pipelines/options.ts';
import { NDArray, type Results } from './pipelines/types.ts';
import { ndarrayToND } from './pickle_arrays.ts';
import { loadPickle } from '../torch/serialization/reader.ts';
import { NdArray } from '../torch/serialization/pytypes.ts';

export interface PoseDatasetOptions extends BaseDatasetOptions {
  /** Name of the split to keep (the file then holds {split, annotations}). Default null. */
  split: string | null;
  /** Keep samples whose valid frames are at least this fraction of total_frames (Kinetics pose). Default null. */
  valid_ratio: number | null;
  /** Box score threshold, one of '0.5' ... '0.9' (Kinetics pose). Default null. */
  box_thr: '0.5' | '0.6' | '0.7' | '0.8' | '0.9' | null;
  /** Per-class sampling probability {label: p}, overriding the one sample_by_class computes. Default null. */
  class_prob: Record<string, number> | null;
}

const BOX_THRS = ['0.5', '0.6', '0.7', '0.8', '0.9'];


export class PoseDataset extends BaseDataset<PoseDatasetOptions> {
  readonly type = 'PoseDataset';

  constructor(cfg: Cfg, where = 'PoseDataset') {
    for (const k of ['start_index', 'modality']) {
      if (k in cfg) throw new Error(`${where}: '${k}' is fixed by PoseDataset (${k === 'start_index' ? 0 : "'Pose'"}); remove it from the config`);
    }
    super(cfg, { ...BASE_DATASET_DEFAULTS, start_index: 0, modality: 'Pose', split: null, valid_ratio: null, box_thr: null, class_prob: null }, where);
    const o = this.opts;
    if (o.box_thr !== null && !BOX_THRS.includes(o.box_thr)) throw new Error(`${where}: box_thr must be one of ${BOX_THRS.map((b) => `'${b}'`).join(', ')} (a string), got ${JSON.stringify(o.box_thr)}`);
    if (o.valid_ratio !== null && typeof o.valid_ratio !== 'number') throw new Error(`${where}: valid_ratio must be a float or None, got ${JSON.stringify(o.valid_ratio)}`);
    this.init();
    if (o.class_prob !== null) this.classProb = new Map(Object.entries(o.class_prob).map(([k, p]) => [Number(k), p]));
  }

  protected loadAnnotations(): VideoInfo[] {
    const file = this.opts.ann_file;
    if (!file.endsWith('.pkl')) throw new AnnotationError(file, null, 'PoseDataset reads a pickle annotation file (.pkl)');
    let data: unknown;
    try {
      data = loadPickle(file);
    } catch (e) {
      throw new AnnotationError(file, null, (e as Error).message.replace(`${file}: `, ''));
    }
    if (this.opts.split !== null) {
      const d = data as { split?: Record<string, unknown>; annotations?: unknown };
      if (!d || typeof d !== 'object' || !d.split || !Array.isArray(d.annotations)) {
        throw new AnnotationError(file, null, `split='${this.opts.split}' needs a dict {split: {...}, annotations: [...]} in the file`);
      }
      const names = d.split[this.opts.split];
      if (!Array.isArray(names)) throw new AnnotationError(file, null, `no split '${this.opts.split}' (splits: ${Object.keys(d.split).join(', ')})`);
      const keep = new Set(names as string[]);
      const anns = d.annotations as Record<string, unknown>[];
      const id = anns.length && 'filename' in anns[0]! ? 'filename' : 'frame_dir';
      data = anns.filter((x) => keep.has(x[id] as string));
    }
    if (!Array.isArray(data)) throw new AnnotationError(file, null, `expected a list of sample dicts${this.opts.split === null ? ' (or set split= for a {split, annotations} file)' : ''}`);
    const infos = data.map((item, i) => this.toInfo(item, i));
    // Thresholded here, before sample_by_class groups the samples (MMAction2 filters after
    // grouping, so its class sampler can still draw the samples it dropped).
    return this.opts.valid_ratio !== null ? this.filterValid(infos, this.opts.valid_ratio, this.opts.box_thr) : infos;
  }

  /** structuredClone would turn the NDArrays into plain objects: copy them as arrays. */
  protected override cloneInfo(info: VideoInfo): Results {
    const out: Results = {};
    for (const [k, v] of Object.entries(info)) {
      out[k] = v instanceof NDArray ? new NDArray(v.data.slice(), [...v.shape]) : structuredClone(v);
    }
    return out;
  }

  private toInfo(item: unknown, i: number): VideoInfo {
    const file = this.opts.ann_file;
    if (!item || typeof item !== 'object' || Array.isArray(item) || item instanceof Map) {
      throw new AnnotationError(file, null, `sample ${i}: expected a dict with string keys, got ${item instanceof Map ? 'a dict with non-string keys' : typeof item}`);
    }
    const info: VideoInfo = {};
    for (const [k, v] of Object.entries(item as Record<string, unknown>)) {
      info[k] = v instanceof NdArray ? ndarrayToND(v, `${file}: sample ${i} '${k}'`) : v;
    }
    for (const k of ['filename', 'frame_dir']) if (typeof info[k] === 'string') info[k] = this.joinPrefix(info[k] as string);
    const total = info.total_frames;
    if (typeof total !== 'number' || !Number.isInteger(total)) throw new AnnotationError(file, null, `sample ${i}: 'total_frames' must be an integer, got ${JSON.stringify(total)}`);
    const kp = info.keypoint;
    if (kp !== undefined && !(kp instanceof NDArray && kp.shape.length === 4)) {
      throw new AnnotationError(file, null, `sample ${i}: 'keypoint' must be a numpy array [M, T, V, C]${kp instanceof NDArray ? `, got shape (${kp.shape.join(', ')})` : ''}`);
    }
    const label = info.label;
    if (this.opts.multi_class ? !Array.isArray(label) : !(typeof label === 'number' && Number.isInteger(label))) {
      throw new AnnotationError(file, null, `sample ${i}: 'label' must be ${this.opts.multi_class ? 'a list of class indices (multi_class=True)' : 'an integer'}, got ${JSON.stringify(label)}`);
    }
    return info;
  }

  /** valid_ratio / box_thr thresholding (Kinetics pose): `valid_frames` or `valid@<box_thr>` per sample. */
  private filterValid(all: VideoInfo[], ratio: number, boxThr: string | null): VideoInfo[] {
    const key = boxThr === null ? 'valid_frames' : `valid@${boxThr}`;
    const infos = all.filter((x, i) => {
      if (typeof x[key] !== 'number') throw new AnnotationError(this.opts.ann_file, null, `sample ${i}: valid_ratio needs '${key}'`);
      return (x[key] as number) / (x.total_frames as number) >= ratio;
    });
    if (boxThr !== null && boxThr !== '0.5') {
      const thr = Number(boxThr);
      for (const item of infos) {
        const scores = item.box_score instanceof NDArray ? Array.from(item.box_score.data as ArrayLike<number>) : item.box_score as number[];
        const inds = scores.flatMap((s, j) => (s >= thr ? [j] : []));
        item.anno_inds = new NDArray(BigInt64Array.from(inds, BigInt), [inds.length]);
      }
    }
    return infos;
  }
}
