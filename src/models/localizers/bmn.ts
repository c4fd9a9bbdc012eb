/**
 * BMN, the Boundary-Matching Network for temporal action proposal generation ("BMN:
 * Boundary-Matching Network for Temporal Action Proposal Generation", Lin et al., ICCV 2019).
 * Mirrors mmaction/models/localizers/bmn.py: module names (`x_1d_b`, `x_1d_s`, `x_1d_e`,
 * `x_1d_p`, `x_3d_p`, `x_2d_p`), the boundary-matching `sample_mask` stored as a frozen
 * top-level parameter (so it is in the state dict), PyTorch's default init, the label
 * generation from `gt_bbox`, BMNLoss, and the soft-NMS post-processing of test mode.
 *
 *   raw_feature [N, C, T] -> x_1d_b -> base [N, H1, T] -+-> x_1d_s -> start [N, T]
 *                                                      +-> x_1d_e -> end   [N, T]
 *                                                      +-> x_1d_p -> @ sample_mask -> [N, H1, S, D, T]
 *                                                             -> x_3d_p -> [N, H3, D, T] -> x_2d_p -> [N, 2, D, T]
 *
 * The confidence map is indexed [duration, start]: entry (d, s) scores the proposal from
 * s/T to (s + d + 1)/T; channel 0 regresses its IoU, channel 1 classifies it.
 */
import * as torch from '../../torch/index.ts';
import { defineEntry } from '../../config/registry.ts';
import { LOSSES, type LossCfg } from '../losses/index.ts';
import { BMNLoss } from '../losses/bmn_loss.ts';
import { BaseTAPGenerator, type LocalizationBatch, type LocalizerLossDict } from './base.ts';
import { postProcessing, temporalIop, temporalIou, type Proposal, type ProposalVideoInfo } from './proposal_utils.ts';

const { nn } = torch;
type Tensor = torch.Tensor;

export interface BMNOptions {
  /** Required: number of feature steps T per video. */
  temporal_dim: number;
  /** Required: how far (in proposal lengths) sampling extends past each end. */
  boundary_ratio: number;
  /** Required: sample points S per proposal. */
  num_samples: number;
  /** Required: interpolated points averaged into one sample. */
  num_samples_per_bin: number;
  /** Required: input feature channels. */
  feat_dim: number;
  /** Required. */
  soft_nms_alpha: number;
  /** Required. */
  soft_nms_low_threshold: number;
  /** Required. */
  soft_nms_high_threshold: number;
  /** Required: proposals kept per video. */
  post_process_top_k: number;
  /** Frames per feature step in feature extraction. Default 16. */
  feature_extraction_interval: number;
  /** Default {type: 'BMNLoss'}. */
  loss_cls: LossCfg;
  /** Default 256. */
  hidden_dim_1d: number;
  /** Default 128. */
  hidden_dim_2d: number;
  /** Default 512. */
  hidden_dim_3d: number;
}

export const BMN_DEFAULTS = Object.freeze({
  feature_extraction_interval: 16, loss_cls: Object.freeze({ type: 'BMNLoss' }), hidden_dim_1d: 256, hidden_dim_2d: 128, hidden_dim_3d: 512,
} as const);

const BMN_REQUIRED = [
  'temporal_dim', 'boundary_ratio', 'num_samples', 'num_samples_per_bin', 'feat_dim',
  'soft_nms_alpha', 'soft_nms_low_threshold', 'soft_nms_high_threshold', 'post_process_top_k',
] as const;

/** What test mode reads of a video's meta. */
export interface BMNVideoMeta extends ProposalVideoInfo {
  video_name: string;
  [key: string]: unknown;
}

/** One video's test result, as MMAction2's BMN.forward_test returns it. */
export interface BMNResult {
  video_name: string;
  proposal_list: Proposal[];
}

/** A ground-truth box list: Tensor [K, 2] or [[start, end], ...], normalised to [0, 1]. */
export type GtBoxes = Tensor | readonly (readonly number[])[];

/**
 * Interpolation weights of one proposal's samples (`_get_interp1d_bin_mask`): [tscale, numSamples]
 * row-major, float64. Each sample averages `perBin` points spread evenly over [segTmin, segTmax],
 * each split linearly between its two neighbouring steps (numpy's math.modf/ceil semantics).
 */
function interp1dBinMask(segTmin: number, segTmax: number, tscale: number, numSamples: number, perBin: number): Float64Array {
  const plenSample = (segTmax - segTmin) / (numSamples * perBin - 1.0);
  const mask = new Float64Array(tscale * numSamples);
  const bin = new Float64Array(tscale);
  for (let idx = 0; idx < numSamples; idx++) {
    bin.fill(0);
    for (let k = idx * perBin; k < (idx + 1) * perBin; k++) {
      const sample = segTmin + plenSample * k;
      const upper = Math.ceil(sample);
      const down = Math.trunc(sample);
      const decimal = sample - down; // math.modf: the fraction keeps the sign of sample
      if (down >= 0 && down <= tscale - 1) bin[down] += 1 - decimal;
      if (upper >= 0 && upper <= tscale - 1) bin[upper] += decimal;
    }
    const scale = 1.0 / perBin;
    for (let t = 0; t < tscale; t++) mask[t * numSamples + idx] = scale * bin[t];
  }
  return mask;
}

/**
 * The boundary-matching sample mask (`_get_interp1d_mask`): float32 [T, S * D * T] with
 * column (s * T + d) * T + start, D = T durations; zero where start + d >= T.
 */
export function bmSampleMask(tscale: number, numSamples: number, perBin: number, boundaryRatio: number): Float32Array {
  const out = new Float32Array(tscale * numSamples * tscale * tscale);
  const cols = numSamples * tscale * tscale;
  for (let start = 0; start < tscale; start++) {
    for (let dur = 0; start + dur < tscale; dur++) {
      const pTmin = start;
      const pTmax = start + dur;
      const centerLen = (pTmax - pTmin) + 1;
      const pMask = interp1dBinMask(pTmin - centerLen * boundaryRatio, pTmax + centerLen * boundaryRatio, tscale, numSamples, perBin);
      for (let t = 0; t < tscale; t++) {
        for (let s = 0; s < numSamples; s++) out[t * cols + (s * tscale + dur) * tscale + start] = pMask[t * numSamples + s];
      }
    }
  }
  return out;
}

export class BMN extends BaseTAPGenerator {
  readonly o: BMNOptions;
  readonly tscale: number;
  readonly lossCls: BMNLoss;
  /** [T, S * D * T], frozen (requires_grad false) but a parameter, as in MMAction2. */
  readonly sampleMask: Tensor;
  readonly x1dB: torch.nn.Sequential;
  readonly x1dS: torch.nn.Sequential;
  readonly x1dE: torch.nn.Sequential;
  readonly x1dP: torch.nn.Sequential;
  readonly x3dP: torch.nn.Sequential;
  readonly x2dP: torch.nn.Sequential;
  /** Anchors of the start/end labels: [i - 0.5, i + 1.5] / T. */
  readonly anchorsTmins: number[];
  readonly anchorsTmaxs: number[];
  /** [D * T, 2] proposal [tmin, tmax] per map entry, row d * T + start (`_match_map`). */
  readonly matchMap: Float64Array;
  /** [D, T] 1 where start + d < T (`_get_bm_mask`); a non-persistent buffer, not in the state dict. */
  readonly bmMask: Tensor;

  constructor(options: Partial<BMNOptions> & Pick<BMNOptions, (typeof BMN_REQUIRED)[number]>) {
    super();
    const o = { ...BMN_DEFAULTS, ...options } as BMNOptions;
    for (const k of BMN_REQUIRED) if (typeof o[k] !== 'number') throw new TypeError(`BMN: option '${k}' is required (a number)`);
    for (const k of ['temporal_dim', 'num_samples', 'num_samples_per_bin', 'feat_dim', 'post_process_top_k', 'feature_extraction_interval', 'hidden_dim_1d', 'hidden_dim_2d', 'hidden_dim_3d'] as const) {
      if (!Number.isInteger(o[k]) || o[k] < 1) throw new RangeError(`BMN: ${k} must be a positive integer, got ${o[k]}`);
    }
    for (const k of ['feat_dim', 'hidden_dim_1d'] as const) {
      if (o[k] % 4 !== 0) throw new RangeError(`BMN: ${k} (${o[k]}) must be divisible by 4 (the 1D convs use groups=4)`);
    }
    this.o = o;
    const T = o.temporal_dim;
    this.tscale = T;
    const loss = LOSSES.build(o.loss_cls, 'loss_cls');
    if (!(loss instanceof BMNLoss)) throw new TypeError(`BMN: loss_cls must be a BMNLoss (BMN calls it with its maps and labels), got ${o.loss_cls.type}`);
    this.lossCls = this.registerModule('loss_cls', loss);

    const mask = torch.fromTypedArray(bmSampleMask(T, o.num_samples, o.num_samples_per_bin, o.boundary_ratio), [T, o.num_samples * T * T]);
    this.sampleMask = this.registerParameter('sample_mask', mask)!;
    this.sampleMask.requiresGrad_(false);

    const h1 = o.hidden_dim_1d;
    const h2 = o.hidden_dim_2d;
    const h3 = o.hidden_dim_3d;
    const conv1d = (i: number, out: number, k: number, groups = 1) => new nn.Conv1d(i, out, k, { padding: (k - 1) / 2, groups });
    // Construction order is MMAction2's: it is also the order of the default init's random draws.
    this.x1dB = this.registerModule('x_1d_b', new nn.Sequential(conv1d(o.feat_dim, h1, 3, 4), new nn.ReLU(), conv1d(h1, h1, 3, 4), new nn.ReLU()));
    this.x1dS = this.registerModule('x_1d_s', new nn.Sequential(conv1d(h1, h1, 3, 4), new nn.ReLU(), conv1d(h1, 1, 1), new nn.Sigmoid()));
    this.x1dE = this.registerModule('x_1d_e', new nn.Sequential(conv1d(h1, h1, 3, 4), new nn.ReLU(), conv1d(h1, 1, 1), new nn.Sigmoid()));
    this.x1dP = this.registerModule('x_1d_p', new nn.Sequential(conv1d(h1, h1, 3), new nn.ReLU()));
    this.x3dP = this.registerModule('x_3d_p', new nn.Sequential(new nn.Conv3d(h1, h3, [o.num_samples, 1, 1]), new nn.ReLU()));
    this.x2dP = this.registerModule('x_2d_p', new nn.Sequential(
      new nn.Conv2d(h3, h2, 1), new nn.ReLU(),
      new nn.Conv2d(h2, h2, 3, { padding: 1 }), new nn.ReLU(),
      new nn.Conv2d(h2, h2, 3, { padding: 1 }), new nn.ReLU(),
      new nn.Conv2d(h2, 2, 1), new nn.Sigmoid()));

    const gap = 1 / T;
    this.anchorsTmins = Array.from({ length: T }, (_, i) => gap * (i + -0.5));
    this.anchorsTmaxs = Array.from({ length: T }, (_, i) => gap * (i + 1.5));
    this.matchMap = new Float64Array(T * T * 2);
    for (let s = 0; s < T; s++) {
      const tmin = gap * s;
      for (let j = 1; j <= T; j++) {
        const row = (j - 1) * T + s;
        this.matchMap[2 * row] = tmin;
        this.matchMap[2 * row + 1] = tmin + gap * j;
      }
    }
    const bm = new Float32Array(T * T);
    for (let d = 0; d < T; d++) for (let s = 0; s < T - d; s++) bm[d * T + s] = 1;
    this.bmMask = this.registerBuffer('bm_mask', torch.fromTypedArray(bm, [T, T]), false)!;
  }

  /** BMN has no init_weights: the layers keep PyTorch's default init. */
  initWeights(): void {}

  /**
   * MMAction2's `_forward`: raw_feature [N, feat_dim, T] -> [confidence_map [N, 2, D, T] (reg,
   * cls), start [N, T], end [N, T]].
   */
  forwardMaps(rawFeature: Tensor): [Tensor, Tensor, Tensor] {
    const T = this.tscale;
    if (!(rawFeature instanceof torch.Tensor) || rawFeature.ndim !== 3 || rawFeature.shape[1] !== this.o.feat_dim || rawFeature.shape[2] !== T) {
      const got = rawFeature instanceof torch.Tensor ? `[${rawFeature.shape.join(', ')}]` : typeof rawFeature;
      throw new RangeError(`BMN: expected raw_feature [N, feat_dim=${this.o.feat_dim}, temporal_dim=${T}], got ${got}`);
    }
    return torch.tidy(() => {
      const base = this.x1dB.call(rawFeature) as Tensor; // [N, H1, T]
      const start = (this.x1dS.call(base) as Tensor).squeeze(1); // [N, T]
      const end = (this.x1dE.call(base) as Tensor).squeeze(1); // [N, T]
      let conf = this.x1dP.call(base) as Tensor; // [N, H1, T]
      conf = this.boundaryMatchingLayer(conf); // [N, H1, S, D, T]
      conf = (this.x3dP.call(conf) as Tensor).squeeze(2); // [N, H3, D, T]
      conf = this.x2dP.call(conf) as Tensor; // [N, 2, D, T]
      return [conf, start, end] as [Tensor, Tensor, Tensor];
    });
  }

  /** `_boundary_matching_layer`: [N, C, T] @ sample_mask [T, S*D*T] -> [N, C, S, D, T]. */
  boundaryMatchingLayer(x: Tensor): Tensor {
    const [n, c] = x.shape;
    return torch.tidy(() => x.matmul(this.sampleMask).reshape(n, c, this.o.num_samples, this.tscale, this.tscale));
  }

  /**
   * forward_test: proposals of the batch's single video (MMAction2 reads only the first), after
   * soft-NMS post-processing, scaled to seconds with its video_meta.
   */
  forwardTest(rawFeature: Tensor, videoMeta: readonly Record<string, unknown>[]): BMNResult[] {
    if (rawFeature?.shape?.[0] !== 1) {
      throw new RangeError(`BMN.forwardTest: one video per batch (MMAction2's BMN reads only the first), got raw_feature [${rawFeature?.shape?.join(', ')}]; set data.test_dataloader.videos_per_gpu=1`);
    }
    const meta = videoMeta?.[0];
    if (!meta || typeof meta !== 'object') throw new TypeError('BMN.forwardTest: video_meta[0] is missing (Collect must keep meta_name=\'video_meta\' with duration_second, duration_frame)');
    const [startS, endS, cls, reg] = torch.noGrad(() => torch.tidy(() => {
      const [conf, start, end] = this.forwardMaps(rawFeature);
      const read = (t: Tensor) => Float32Array.from(t.to({ dtype: 'float32', device: 'cpu' }).contiguous().toTypedArray() as Float32Array);
      return [read(start.select(0, 0)), read(end.select(0, 0)), read(conf.select(0, 0).select(0, 1)), read(conf.select(0, 0).select(0, 0))];
    }));
    const proposals = this.proposalsFromScores(startS, endS, cls, reg);
    const info = meta as unknown as BMNVideoMeta;
    const proposalList = postProcessing(proposals, info, this.o);
    return [{ video_name: String(info.video_name), proposal_list: proposalList }];
  }

  /**
   * Candidate proposals of one video: every (start, end) pair with start a boundary peak or
   * above half the best start score (likewise end), rows [tmin, tmax, start score, end score,
   * cls, reg, score] with score the float32 product as numpy computes it.
   */
  proposalsFromScores(start: Float32Array, end: Float32Array, cls: Float32Array, reg: Float32Array): number[][] {
    const T = this.tscale;
    const maxStart = Math.max(...start);
    const maxEnd = Math.max(...end);
    const startBins = new Uint8Array(T);
    const endBins = new Uint8Array(T);
    startBins[0] = 1;
    endBins[T - 1] = 1;
    for (let i = 1; i < T - 1; i++) {
      if (start[i] > start[i + 1] && start[i] > start[i - 1]) startBins[i] = 1;
      else if (start[i] > 0.5 * maxStart) startBins[i] = 1;
      if (end[i] > end[i + 1] && end[i] > end[i - 1]) endBins[i] = 1;
      else if (end[i] > 0.5 * maxEnd) endBins[i] = 1;
    }
    const f = Math.fround;
    const rows: number[][] = [];
    for (let d = 0; d < T; d++) {
      for (let s = 0; s < T; s++) {
        const e = s + d + 1;
        if (e < T && startBins[s] === 1 && endBins[e] === 1) {
          const c = cls[d * T + s];
          const r = reg[d * T + s];
          const score = f(f(f(start[s] * end[e]) * c) * r);
          rows.push([s / T, e / T, start[s], end[e], c, r, score]);
        }
      }
    }
    if (!rows.length) throw new Error(`BMN: no candidate proposal (temporal_dim ${T} must be at least 2)`);
    return rows;
  }

  /**
   * generate_labels: per video, the IoU of each map entry with its best ground truth [D, T], and
   * the start/end scores of each anchor: the best overlap (over the anchor's length) with a
   * ground-truth boundary padded to 3 steps. Returns float32 [N, D, T], [N, T], [N, T].
   */
  generateLabels(gtBbox: readonly GtBoxes[]): [Tensor, Tensor, Tensor] {
    const T = this.tscale;
    const n = gtBbox.length;
    const conf = new Float32Array(n * T * T);
    const starts = new Float32Array(n * T);
    const ends = new Float32Array(n * T);
    gtBbox.forEach((boxes, v) => {
      const gts = gtRows(boxes, v);
      const iou = conf.subarray(v * T * T, (v + 1) * T * T);
      iou.fill(-Infinity);
      for (const [gs, ge] of gts) {
        for (let k = 0; k < T * T; k++) {
          const x = Math.fround(temporalIou(this.matchMap[2 * k], this.matchMap[2 * k + 1], gs, ge));
          if (x > iou[k] || Number.isNaN(x)) iou[k] = x;
        }
      }
      const pad = 3 * (1 / T);
      for (let i = 0; i < T; i++) {
        let bestS = -Infinity;
        let bestE = -Infinity;
        for (const [gs, ge] of gts) {
          const a = temporalIop(this.anchorsTmins[i], this.anchorsTmaxs[i], gs - pad / 2, gs + pad / 2);
          const b = temporalIop(this.anchorsTmins[i], this.anchorsTmaxs[i], ge - pad / 2, ge + pad / 2);
          if (a > bestS || Number.isNaN(a)) bestS = a;
          if (b > bestE || Number.isNaN(b)) bestE = b;
        }
        starts[v * T + i] = bestS;
        ends[v * T + i] = bestE;
      }
    });
    return [torch.fromTypedArray(conf, [n, T, T]), torch.fromTypedArray(starts, [n, T]), torch.fromTypedArray(ends, [n, T])];
  }

  /** forward_train: BMNLoss of the maps against the labels; MMAction2 reports only the total as `loss`. */
  forwardTrain(rawFeature: Tensor, labelConfidence: Tensor, labelStart: Tensor, labelEnd: Tensor): LocalizerLossDict {
    return torch.tidy(() => {
      const [conf, start, end] = this.forwardMaps(rawFeature);
      const dev = { device: rawFeature.device };
      const [loss] = this.lossCls.call(conf, start, end, labelConfidence.to(dev), labelStart.to(dev), labelEnd.to(dev), this.bmMask.to(dev)) as Tensor[];
      return { loss };
    });
  }

  /** MMAction2's `forward(raw_feature, gt_bbox=None, video_meta=None, return_loss=True)`. */
  override forward(rawFeature: Tensor, { gt_bbox, video_meta, returnLoss = true }: { gt_bbox?: readonly GtBoxes[] | null; video_meta?: readonly Record<string, unknown>[] | null; returnLoss?: boolean } = {}): LocalizerLossDict | BMNResult[] {
    if (!returnLoss) return this.forwardTest(rawFeature, video_meta ?? []);
    if (!gt_bbox) throw new Error('BMN: training needs gt_bbox (the GenerateLocalizationLabels pipeline step gives it)');
    if (gt_bbox.length !== rawFeature.shape[0]) throw new RangeError(`BMN: ${gt_bbox.length} gt_bbox lists for a batch of ${rawFeature.shape[0]} videos`);
    return torch.tidy(() => {
      const [conf, start, end] = this.generateLabels(gt_bbox);
      return this.forwardTrain(rawFeature, conf, start, end);
    });
  }

  protected lossesOf(batch: LocalizationBatch): LocalizerLossDict {
    return this.forward(batch.raw_feature, { gt_bbox: batch.gt_bbox, video_meta: batch.video_meta, returnLoss: true }) as LocalizerLossDict;
  }

  /** One video's test result from a batch (MMAction2's `model(return_loss=False, **data)`). */
  testStep(batch: LocalizationBatch): BMNResult[] {
    return this.forwardTest(batch.raw_feature, batch.video_meta ?? []);
  }
}

/** Ground-truth rows of one video as float64 [start, end] pairs, checked. */
function gtRows(boxes: GtBoxes, v: number): [number, number][] {
  let rows: readonly (readonly number[])[];
  if (boxes instanceof torch.Tensor) {
    if (boxes.ndim !== 2 || boxes.shape[1] !== 2) throw new RangeError(`BMN: gt_bbox[${v}] must be [K, 2], got [${boxes.shape.join(', ')}]`);
    rows = torch.tidy(() => boxes.to({ dtype: 'float64', device: 'cpu' }).toArray() as number[][]);
  } else {
    rows = boxes;
  }
  if (!rows.length) throw new RangeError(`BMN: gt_bbox[${v}] is empty; every training video needs at least one annotated segment`);
  return rows.map((r, k) => {
    if (r.length !== 2 || typeof r[0] !== 'number' || typeof r[1] !== 'number') throw new TypeError(`BMN: gt_bbox[${v}][${k}] must be [start, end], got ${JSON.stringify(r)}`);
    return [r[0], r[1]];
  });
}

/** Registry entry (type 'BMN'). */
export const BMN_ENTRY = defineEntry<BMNOptions, BMN>({
  type: 'BMN',
  doc: 'Boundary-Matching Network, temporal action proposals (mmaction/models/localizers/bmn.py)',
  defaults: BMN_DEFAULTS as unknown as Partial<BMNOptions>,
  required: [...BMN_REQUIRED],
  kinds: {
    temporal_dim: 'integer', num_samples: 'integer', num_samples_per_bin: 'integer', feat_dim: 'integer', post_process_top_k: 'integer',
    boundary_ratio: 'number', soft_nms_alpha: 'number', soft_nms_low_threshold: 'number', soft_nms_high_threshold: 'number',
    feature_extraction_interval: 'integer', hidden_dim_1d: 'integer', hidden_dim_2d: 'integer', hidden_dim_3d: 'integer',
  },
  build: (o) => new BMN(o),
});
