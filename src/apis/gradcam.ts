/**
 * GradCAM (Selvaraju et al., "Grad-CAM: Visual Explanations from Deep Networks via Gradient-based
 * Localization", https://arxiv.org/abs/1610.02391) for Recognizer2D and Recognizer3D, as
 * MMAction2's mmaction/utils/gradcam_utils.py (itself from SlowFast's gradcam_utils):
 *
 *   act  = output of the target layer (e.g. 'backbone/layer4/1/relu'), grad = d sum(max(preds)) / d act
 *   w    = spatial mean of grad per (sample, time, channel)
 *   map  = relu(sum_c w * act), resized trilinearly to the input's (T, H, W), min-max normalised
 *   out  = alpha * viridis(map) + (1 - alpha) * un-normalised input / 255
 *
 * MMAction2 reads the gradient with a module backward hook; here the forward hook keeps its own
 * handle on the layer's output and torch.autograd.grad asks for the gradient of that tensor (the
 * same number: the hook's grad_output[0]) without touching the parameters' .grad.
 */
import * as torch from '../torch/index.ts';
import type { BaseRecognizer } from '../models/recognizers/base.ts';
import { Recognizer2D } from '../models/recognizers/recognizer2d.ts';
import { Recognizer3D } from '../models/recognizers/recognizer3d.ts';
import { applyColormap, type ColormapName } from './colormap.ts';

type Tensor = torch.Tensor;
type Cfg = Record<string, any>;

export interface ImgNormCfg { mean: number[]; std: number[]; to_bgr?: boolean }

export interface GradCAMOptions {
  /** Colour map of the heat map (MMAction2: matplotlib's 'viridis'). */
  colormap?: ColormapName;
  /**
   * The normalisation to undo on the inputs before blending. Default: the model config's
   * `img_norm_cfg` (as MMAction2), else the Normalize step of its test pipeline.
   */
  imgNormCfg?: ImgNormCfg;
}

export interface GradCAMCallOptions {
  /** Class index per sample to explain (MMAction2's use_labels with inputs['label']); default: the top-scoring class. */
  labels?: number[];
  /** Weight of the heat map in the blend, in [0, 1] (MMAction2: 0.5). */
  alpha?: number;
}

export interface GradCAMResult {
  /**
   * Heat maps blended on the inputs: float64 [B, T, H, W, 3], RGB in [0, 1]. 2D models: B = batch,
   * T = crops*segments; 3D models: B = batch*crops*clips, T = clip_len.
   */
  blendedImgs: Tensor;
  /** The normalised localization maps, float32 [B, T, H, W] in [0, 1]. */
  localizationMap: Tensor;
  /** The recognizer's test-mode scores [batch, num_classes] (after average_clips). */
  preds: Tensor;
}

/** 'backbone/layer4/1/relu' (MMAction2's spelling) or 'backbone.layer4.1.relu'. */
function findLayer(model: torch.nn.Module, name: string): torch.nn.Module {
  const parts = name.split(/[/.]/).filter((p) => p.length > 0);
  if (!parts.length) throw new Error('GradCAM: the target layer name is empty (e.g. backbone/layer4/1/relu)');
  let m = model;
  for (let i = 0; i < parts.length; i++) {
    const next = m.getModule(parts[i]);
    if (!next) {
      const have = [...m.namedChildren()].map(([k]) => k);
      const at = parts.slice(0, i).join('/') || 'the model';
      throw new Error(`GradCAM: target layer '${name}' not found: ${at} has no submodule '${parts[i]}'` +
        (have.length ? ` (it has: ${have.join(', ')})` : ' (it has no submodules)'));
    }
    m = next;
  }
  return m;
}

/** The normalisation of a model config: img_norm_cfg, else the test pipeline's Normalize. */
export function imgNormCfgOf(cfg: Cfg | undefined): ImgNormCfg | null {
  if (!cfg) return null;
  const pick = (c: Cfg | undefined): ImgNormCfg | null =>
    c && Array.isArray(c.mean) && Array.isArray(c.std) ? { mean: c.mean.map(Number), std: c.std.map(Number), to_bgr: Boolean(c.to_bgr) } : null;
  const fromCfg = pick(cfg.img_norm_cfg);
  if (fromCfg) return fromCfg;
  const pipeline: Cfg[] | undefined = cfg.data?.test?.pipeline ?? cfg.test_pipeline;
  return pick(pipeline?.find((t) => t?.type === 'Normalize'));
}

/**
 * A second owned handle on the very tensor `t` (the same autograd node), so that the model code
 * disposing its intermediates cannot invalidate ours. `requires_grad_(True)` returns self and
 * changes nothing on a tensor that is already part of the graph.
 */
function shareHandle(t: Tensor): Tensor {
  return torch.keep(torch.callOp('requires_grad_', t, true) as Tensor);
}

export class GradCAM {
  readonly model: BaseRecognizer;
  readonly targetLayerName: string;
  readonly isRecognizer2d: boolean;
  readonly colormap: ColormapName;
  readonly imgNormCfg: ImgNormCfg;
  readonly #layer: torch.nn.Module;

  constructor(model: BaseRecognizer & { cfg?: Cfg }, targetLayerName = 'backbone/layer4/1/relu', o: GradCAMOptions = {}) {
    if (model instanceof Recognizer2D) this.isRecognizer2d = true;
    else if (model instanceof Recognizer3D) this.isRecognizer2d = false;
    else throw new Error(`GradCAM supports Recognizer2D and Recognizer3D only, got ${model?.constructor?.name}`);
    this.model = model;
    this.targetLayerName = targetLayerName;
    this.#layer = findLayer(model, targetLayerName);
    this.colormap = o.colormap ?? 'viridis';
    const norm = o.imgNormCfg ?? imgNormCfgOf((model as { cfg?: Cfg }).cfg);
    if (!norm) throw new Error('GradCAM: cannot undo the input normalisation: the config has no img_norm_cfg and its test pipeline no Normalize (pass imgNormCfg)');
    if (norm.mean.length !== 3 || norm.std.length !== 3) throw new Error(`GradCAM: img_norm_cfg must have 3 means and 3 stds, got ${norm.mean.length} and ${norm.std.length}`);
    this.imgNormCfg = norm;
    model.eval();
  }

  /** Grad-CAM of every input image: MMAction2's `GradCAM(model, layer)(inputs, use_labels, alpha)`. */
  call(imgs: Tensor, { labels, alpha = 0.5 }: GradCAMCallOptions = {}): GradCAMResult {
    if (!(alpha >= 0 && alpha <= 1)) throw new RangeError(`GradCAM: alpha must be in [0, 1], got ${alpha}`);
    const { map, preds } = this.localizationMap(imgs, labels);
    try {
      return { blendedImgs: this.blend(map, imgs, alpha), localizationMap: map, preds };
    } catch (e) {
      map.dispose();
      preds.dispose();
      throw e;
    }
  }

  /** Forward, backward and the normalised maps [B, T, H, W] with the predictions. */
  localizationMap(imgs: Tensor, labels?: number[], delta = 1e-20): { map: Tensor; preds: Tensor } {
    const want = this.isRecognizer2d ? 5 : 6;
    if (imgs.ndim !== want) {
      throw new RangeError(`GradCAM: expected a ${want}-D input ${this.isRecognizer2d ? '[N, segments, C, H, W]' : '[N, clips, C, T, H, W]'}, got [${imgs.shape.join(', ')}]`);
    }
    let act: Tensor | null = null;
    const remove = this.#layer.registerForwardHook((_m, _in, out) => {
      if (!(out instanceof torch.Tensor)) throw new Error(`GradCAM: the output of '${this.targetLayerName}' is not a tensor; pick a layer with one output`);
      act?.dispose();
      act = shareHandle(out);
    });
    try {
      return torch.tidy(() => {
        // The input requires grad so that the layer's output is in the graph even when frozen
        // stages precede it; the numbers are those of MMAction2's clone without grad.
        const x = imgs.detach().clone().requiresGrad_(true);
        const preds = torch.enableGrad(() => this.model.forwardGradcam(x)) as Tensor; // [N, K]
        if (!act) throw new Error(`GradCAM: the layer '${this.targetLayerName}' did not run in the forward pass`);
        const a0: Tensor = act;
        let score: Tensor;
        if (labels) {
          if (labels.length !== preds.shape[0]) throw new RangeError(`GradCAM: ${labels.length} labels for a batch of ${preds.shape[0]}`);
          for (const l of labels) if (!(Number.isInteger(l) && l >= 0 && l < preds.shape[1])) throw new RangeError(`GradCAM: label ${l} is not a class index (0..${preds.shape[1] - 1})`);
          score = preds.gather(1, torch.tensor(labels, { dtype: 'int64', device: preds.device }).unsqueeze(-1));
        } else {
          score = preds.max(-1)[0];
        }
        const [g0] = torch.autograd.grad(score.sum(), [a0]);
        if (!g0) throw new Error(`GradCAM: no gradient reached '${this.targetLayerName}'`);
        let b: number, t: number, h: number, w: number;
        if (this.isRecognizer2d) [b, t, , h, w] = imgs.shape; // [B, T, 3, H, W]
        else {
          const [b1, b2, , tt, hh, ww] = imgs.shape; // [B, clips, 3, T, H, W]
          [b, t, h, w] = [b1 * b2, tt, hh, ww];
        }
        let grads = g0.detach();
        let acts = a0.detach();
        let tg: number, c: number;
        if (this.isRecognizer2d) {
          [, c] = grads.shape; // [B*Tg, C', H', W']
          tg = Math.floor(grads.shape[0] / b);
        } else {
          [, c, tg] = grads.shape; // [B, C', Tg, H', W']
          grads = grads.permute([0, 2, 1, 3, 4]); // [B, Tg, C', H', W']
          acts = acts.permute([0, 2, 1, 3, 4]);
        }
        const [hp, wp] = acts.shape.slice(-2);
        const weights = grads.reshape([b, tg, c, -1]).mean(3).reshape([b, tg, c, 1, 1]);
        const a = acts.reshape([b, tg, c, hp, wp]);
        let loc = torch.F.relu(weights.mul(a).sum(2, true)).permute([0, 2, 1, 3, 4]); // [B, 1, Tg, H', W']
        loc = torch.F.interpolate(loc, { size: [t, h, w], mode: 'trilinear', alignCorners: false }); // [B, 1, T, H, W]
        const flat = loc.reshape([b, -1]);
        const lo = flat.min(-1, true)[0].reshape([b, 1, 1, 1, 1]);
        const hi = flat.max(-1, true)[0].reshape([b, 1, 1, 1, 1]);
        const map = loc.sub(lo).div(hi.sub(lo).add(delta)).squeeze(1).detach(); // [B, T, H, W]
        return { map, preds: preds.detach() };
      });
    } finally {
      remove();
      (act as Tensor | null)?.dispose();
    }
  }

  /**
   * alpha * colormap(map) + (1 - alpha) * input / 255 with the normalisation undone, float64
   * [B, T, H, W, 3], computed in MMAction2's precisions (a float64 heat map, float32 images).
   */
  blend(map: Tensor, imgs: Tensor, alpha = 0.5): Tensor {
    const { mean, std, to_bgr: toBgr } = this.imgNormCfg;
    const inp = torch.tidy(() => {
      let x: Tensor;
      if (this.isRecognizer2d) x = imgs.permute([0, 1, 3, 4, 2]); // [B, T, C, H, W] -> [B, T, H, W, C]
      else x = imgs.reshape([-1, ...imgs.shape.slice(2)]).permute([0, 2, 3, 4, 1]); // -> [B, T, H, W, C]
      x = x.detach().to('cpu').to('float32').mul(torch.tensor(std, { dtype: 'float32' })).add(torch.tensor(mean, { dtype: 'float32' })).div(255);
      // MMAction2 blends BGR inputs (to_bgr=True) as if RGB; show them in their true colours.
      if (toBgr) x = x.flip([-1]);
      return x.contiguous();
    });
    const m = map.detach().to('cpu').to('float32').contiguous();
    try {
      if (inp.numel() !== m.numel() * 3) throw new RangeError(`GradCAM.blend: map [${map.shape}] does not fit the inputs [${imgs.shape}]`);
      const heat = applyColormap(m.toTypedArray() as Float32Array, this.colormap);
      const x = inp.toTypedArray() as Float32Array;
      const out = new Float64Array(x.length);
      // PyTorch: (1 - alpha) * input in float32 (the scalar cast to float32), then promoted to
      // float64 for the sum with alpha * heat map (float64)
      const beta = Math.fround(1 - alpha);
      for (let i = 0; i < x.length; i++) out[i] = alpha * heat[i] + Math.fround(beta * x[i]);
      return torch.fromTypedArray(out, [...m.shape, 3]);
    } finally {
      inp.dispose();
      m.dispose();
    }
  }
}

/**
 * Video frames from blended images, as demo_gradcam.py writes them: (x * 255) cast to uint8 (values
 * outside [0, 1] are clamped here; numpy's cast would wrap them). [B, T, H, W, 3] -> [B*T, H, W, 3].
 */
export function blendedToFrames(blended: Tensor): Tensor {
  const [h, w] = blended.shape.slice(-3, -1);
  const v = blended.contiguous();
  try {
    const src = v.toTypedArray() as Float64Array;
    const out = new Uint8Array(src.length);
    for (let i = 0; i < src.length; i++) {
      const y = Math.trunc(src[i] * 255);
      out[i] = y < 0 ? 0 : y > 255 ? 255 : y;
    }
    return torch.fromTypedArray(out, [src.length / (h * w * 3), h, w, 3]);
  } finally {
    if (v !== blended) v.dispose();
  }
}
