/**
 * BaseRecognizer (mmaction/models/recognizers/base.py): a backbone, an optional neck and an
 * optional classification head, with MMAction2's train/test behaviour. Each mode has its own
 * method (`forwardTrain`, `forwardTest`, `forwardDummy`, `extractFeat`); `forward(imgs, label,
 * {returnLoss})` is the thin MMAction2-compatible entry.
 */
import * as torch from '../../torch/index.ts';
import type { LossDict } from '../heads/base.ts';
import { CutmixBlending, MixupBlending, type BaseMiniBatchBlending } from './blending.ts';

type Tensor = torch.Tensor;
type Module = torch.nn.Module;

/** What a recognizer needs from a backbone. */
export interface Backbone extends Module {
  initWeights(): void;
  /** TSM-style backbones know their clip length (used by fcn_test). */
  readonly numSegments?: number;
}

/** What a recognizer needs from a neck (TPN): features in, [features, auxiliary losses] out. */
export interface Neck extends Module {
  initWeights(): void;
  forward(x: Tensor | Tensor[], target?: Tensor): [Tensor, LossDict];
}

/** What a recognizer needs from a head. 2D heads take num_segs; fcn_test heads take {fcn_test}. */
export interface Head extends Module {
  initWeights(): void;
  forward(x: Tensor | Tensor[], numSegs?: number, opts?: { fcn_test?: boolean }): Tensor;
  loss(clsScore: Tensor, labels: Tensor, extra?: Record<string, unknown>): LossDict;
}

export interface BlendingCfg {
  type: 'MixupBlending' | 'CutmixBlending';
  num_classes: number;
  alpha?: number;
}

/** images_per_forward 'auto': input bytes per backbone call (7 RGB images of 224x224 in float32). */
const AUTO_CHUNK_INPUT_BYTES = 4.5 * 2 ** 20;

/** Features of consecutive chunks of views (a tensor, or one per stage) joined on the batch dim. */
export function catViews(parts: (Tensor | Tensor[])[]): Tensor | Tensor[] {
  if (!Array.isArray(parts[0])) return torch.cat(parts as Tensor[]);
  return (parts[0] as Tensor[]).map((_, i) => torch.cat(parts.map((f) => (f as Tensor[])[i])));
}

/** train_cfg: MMAction2 reads `aux_info` and `blending` from it. */
export interface RecognizerTrainCfg {
  aux_info?: string[];
  blending?: BlendingCfg;
  [key: string]: unknown;
}

/** test_cfg: `average_clips` is required at test time ('score' | 'prob' | null). */
export interface RecognizerTestCfg {
  average_clips?: 'score' | 'prob' | null;
  max_testing_views?: number;
  feature_extraction?: boolean;
  fcn_test?: boolean;
  num_segs?: number;
  flip?: boolean;
  /**
   * mmaction-ts (Recognizer2D, test mode): the backbone sees at most this many images per call, whole
   * temporal groups (TSM/TIN/TANet `num_segments`) kept together; the features are concatenated, so
   * the scores are those of one call. 'auto' (the default): about 4.5 MiB of input per call (7 images at
   * 224 px). Big activations are mmap'd and page-faulted afresh by glibc on every allocation; smaller
   * ones are reused, so a 250-image TenCrop test batch runs about twice as fast in a fifth of the
   * memory. null or 0: the whole batch in one call, as MMAction2 does.
   */
  images_per_forward?: number | 'auto' | null;
  [key: string]: unknown;
}

export interface RecognizerParts {
  backbone: Backbone;
  cls_head?: Head | null;
  neck?: Neck | null;
  train_cfg?: RecognizerTrainCfg | null;
  test_cfg?: RecognizerTestCfg | null;
}

export function buildBlending(cfg: BlendingCfg): BaseMiniBatchBlending {
  const { type, ...o } = cfg;
  for (const k of Object.keys(o)) if (k !== 'num_classes' && k !== 'alpha') throw new TypeError(`train_cfg.blending: unknown option '${k}' for ${type} (valid: num_classes, alpha)`);
  if (typeof o.num_classes !== 'number') throw new TypeError(`train_cfg.blending: ${type} needs 'num_classes'`);
  if (type === 'MixupBlending') return new MixupBlending(o);
  if (type === 'CutmixBlending') return new CutmixBlending(o);
  throw new TypeError(`train_cfg.blending: unknown type '${type as string}' (expected MixupBlending or CutmixBlending)`);
}

export abstract class BaseRecognizer extends torch.nn.Module {
  readonly backbone: Backbone;
  readonly neck: Neck | null;
  readonly clsHead: Head | null;
  readonly trainCfg: RecognizerTrainCfg | null;
  readonly testCfg: RecognizerTestCfg | null;
  readonly auxInfo: string[];
  readonly maxTestingViews: number | null;
  /** test_cfg.images_per_forward: 'auto', a number, or null (whole batch). */
  readonly imagesPerForward: number | 'auto' | null;
  readonly featureExtraction: boolean;
  readonly blending: BaseMiniBatchBlending | null;
  /** MMAction2 also loads mmcls/torchvision/timm backbones; mmaction-ts builds its own. */
  readonly backboneFrom = 'mmaction2';

  /** Takes built parts (see buildRecognizer) and initialises their weights, as MMAction2's constructor does. */
  constructor(parts: RecognizerParts) {
    super();
    this.backbone = this.registerModule('backbone', parts.backbone);
    this.neck = parts.neck ? this.registerModule('neck', parts.neck) : null;
    this.clsHead = parts.cls_head ? this.registerModule('cls_head', parts.cls_head) : null;
    this.trainCfg = parts.train_cfg ?? null;
    this.testCfg = parts.test_cfg ?? null;
    this.auxInfo = this.trainCfg?.aux_info ?? [];
    const mtv = this.testCfg?.max_testing_views;
    if (mtv !== undefined && mtv !== null && !Number.isInteger(mtv)) throw new TypeError(`test_cfg.max_testing_views must be an integer, got ${mtv}`);
    this.maxTestingViews = mtv ?? null;
    const ipf = this.testCfg?.images_per_forward;
    if (ipf !== undefined && ipf !== null && ipf !== 'auto' && !(Number.isInteger(ipf) && ipf >= 0)) {
      throw new TypeError(`test_cfg.images_per_forward must be 'auto', null or an integer >= 0, got ${JSON.stringify(ipf)}`);
    }
    this.imagesPerForward = ipf === undefined ? 'auto' : ipf || null;
    this.featureExtraction = Boolean(this.testCfg?.feature_extraction);
    this.blending = this.trainCfg?.blending ? buildBlending(this.trainCfg.blending) : null;
    this.initWeights();
  }

  get withNeck(): boolean { return this.neck !== null; }
  get withClsHead(): boolean { return this.clsHead !== null; }

  initWeights(): void {
    const part = (name: string, m: { initWeights(): void } | null) => {
      if (!m) return;
      try {
        m.initWeights();
      } catch (e) {
        const pretrained = (m as { o?: { pretrained?: unknown } }).o?.pretrained;
        throw new Error(`${name} (${m.constructor.name}${typeof pretrained === 'string' ? `, pretrained='${pretrained}'` : ''}) init_weights: ${(e as Error).message}`, { cause: e });
      }
    };
    part('backbone', this.backbone);
    part('cls_head', this.clsHead);
    part('neck', this.neck);
  }

  /** Backbone features of already-flattened inputs ([N*T, C, H, W] for 2D, [N*clips, C, T, H, W] for 3D). */
  extractFeat(imgs: Tensor): Tensor | Tensor[] {
    return this.backbone.call(imgs);
  }

  /**
   * Test-mode backbone features of [N*T, C, H, W] images in chunks of whole temporal groups
   * (test_cfg.images_per_forward); equal to extractFeat(imgs) in one call.
   */
  protected extractFeatInChunks(imgs: Tensor): Tensor | Tensor[] {
    const total = imgs.shape[0];
    const segs = (this.backbone as { numSegments?: unknown }).numSegments;
    const unit = typeof segs === 'number' && segs > 0 ? segs : 1;
    let chunk = this.imagesPerForward;
    if (chunk === 'auto') {
      const perImage = imgs.shape.slice(1).reduce((a, b) => a * b, 1) * 4;
      chunk = Math.max(1, Math.floor(AUTO_CHUNK_INPUT_BYTES / perImage));
    }
    if (chunk === null || total % unit !== 0) return this.extractFeat(imgs);
    chunk = Math.max(unit, chunk - (chunk % unit));
    if (chunk >= total) return this.extractFeat(imgs);
    const parts: (Tensor | Tensor[])[] = [];
    for (let p = 0; p < total; p += chunk) parts.push(this.extractFeat(imgs.index(`${p}:${Math.min(p + chunk, total)}`)));
    return catViews(parts);
  }

  protected head(): Head {
    if (!this.clsHead) throw new Error(`${this.constructor.name}: this model has no cls_head`);
    return this.clsHead;
  }

  /**
   * average_clip: `null` keeps the scores; 'prob' averages softmax over the `numSegs` views of
   * each sample; 'score' averages raw scores. [N*numSegs, K] -> [N, K].
   */
  averageClip(clsScore: Tensor, numSegs = 1): Tensor {
    if (!this.testCfg || !('average_clips' in this.testCfg)) throw new Error('"average_clips" must defined in test_cfg\'s keys');
    const mode = this.testCfg.average_clips;
    if (mode !== 'score' && mode !== 'prob' && mode !== null) throw new Error(`${String(mode)} is not supported. Currently supported ones are ["score", "prob", None]`);
    if (mode === null) return clsScore;
    return torch.tidy(() => {
      const b = clsScore.shape[0];
      const s = clsScore.view(Math.floor(b / numSegs), numSegs, -1); // [N, views, K]
      return mode === 'prob' ? s.softmax(2).mean(1) : s.mean(1);
    });
  }

  /** Checks the input rank before anything reshapes it, with the layout MMAction2 expects. */
  protected checkInput(imgs: Tensor, ndim: number, layout: string): void {
    if (!(imgs instanceof torch.Tensor)) throw new TypeError(`${this.constructor.name}: expected a Tensor ${layout}, got ${typeof imgs}`);
    if (imgs.ndim !== ndim) {
      throw new RangeError(`${this.constructor.name}: expected a ${ndim}-D input ${layout}, got shape [${imgs.shape.join(', ')}]`);
    }
  }

  abstract forwardTrain(imgs: Tensor, labels: Tensor, extra?: Record<string, unknown>): LossDict;
  /** Test-mode scores exactly as MMAction2's `model(imgs, return_loss=False)` (a Tensor instead of numpy). */
  abstract forwardTest(imgs: Tensor): Tensor;
  abstract forwardDummy(imgs: Tensor, opts?: { softmax?: boolean }): [Tensor];
  /** Like forwardTest but keeps the autograd graph (Grad-CAM). */
  abstract forwardGradcam(imgs: Tensor): Tensor;

  /** MMAction2's `forward(imgs, label=None, return_loss=True, **kwargs)`. */
  override forward(imgs: Tensor, label?: Tensor | null, { returnLoss = true, gradcam = false, ...extra }: { returnLoss?: boolean; gradcam?: boolean; [k: string]: unknown } = {}): LossDict | Tensor {
    if (gradcam) return this.forwardGradcam(imgs);
    if (returnLoss) {
      if (!label) throw new Error('Label should not be None.');
      const blending = this.blending;
      if (blending) {
        return torch.tidy(() => {
          const [bi, bl] = blending.call(imgs, label);
          return this.forwardTrain(bi, bl, extra);
        });
      }
      return this.forwardTrain(imgs, label, extra);
    }
    return this.forwardTest(imgs);
  }

  /** _parse_losses: means every entry, sums those whose name contains 'loss'; log values as numbers. */
  static parseLosses(losses: LossDict): { loss: Tensor; logVars: Record<string, number> } {
    const logVars: Record<string, number> = {};
    const loss = torch.tidy(() => {
      let total: Tensor | null = null;
      for (const [k, v] of Object.entries(losses)) {
        const m = v.mean();
        logVars[k] = m.item();
        if (k.includes('loss')) total = total ? total.add(m) : m;
      }
      if (!total) throw new Error('parseLosses: no entry named *loss* in the loss dict');
      return total;
    });
    logVars.loss = loss.item();
    return { loss, logVars };
  }

  /** train_step: forward with loss, parsed. `data` holds `imgs`, `label` and the aux_info keys. */
  trainStep(data: Record<string, Tensor>): { loss: Tensor; logVars: Record<string, number>; numSamples: number } {
    const extra: Record<string, unknown> = {};
    for (const k of this.auxInfo) {
      if (!(k in data)) throw new Error(`trainStep: train_cfg.aux_info names '${k}', which the batch lacks`);
      extra[k] = data[k];
    }
    const losses = this.forward(data.imgs, data.label, { returnLoss: true, ...extra }) as LossDict;
    const { loss, logVars } = BaseRecognizer.parseLosses(losses);
    for (const v of Object.values(losses)) if (v !== loss) v.dispose();
    return { loss, logVars, numSamples: data.imgs.shape[0] };
  }
}
