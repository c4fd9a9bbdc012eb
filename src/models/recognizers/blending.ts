/**
 * Mini-batch blending of train_cfg.blending (mmaction/datasets/blending_utils.py): MixUp and
 * CutMix on a batch of clips with one-hot labels. Random draws follow PyTorch's order
 * (Beta via `_sample_dirichlet`, `randperm`, `randint`), so a seeded run blends like MMAction2.
 */
import * as torch from '../../torch/index.ts';

type Tensor = torch.Tensor;

export interface BlendingOptions {
  /** Required. */
  num_classes: number;
  /** Beta(alpha, alpha). Default 0.2. */
  alpha: number;
}

export const BLENDING_DEFAULTS = Object.freeze({ alpha: 0.2 });

/** One sample of Beta(alpha, alpha), drawn like torch.distributions.Beta.sample(). */
function sampleBeta(alpha: number): number {
  return torch.tidy(() => (torch.callOp('_sample_dirichlet', torch.tensor([alpha, alpha], { dtype: 'float32' }), null) as Tensor).index(0).item());
}

export abstract class BaseMiniBatchBlending {
  readonly numClasses: number;
  readonly alpha: number;

  constructor(o: Partial<BlendingOptions> & { num_classes: number }) {
    this.numClasses = o.num_classes;
    this.alpha = o.alpha ?? 0.2;
  }

  protected abstract doBlending(imgs: Tensor, label: Tensor): [Tensor, Tensor];

  /** imgs [N, ...], label [N] class indices -> blended imgs and soft labels [N, num_classes]. */
  call(imgs: Tensor, label: Tensor): [Tensor, Tensor] {
    return torch.tidy(() => {
      const oneHot = torch.F.oneHot(label.long().reshape(-1), this.numClasses);
      return this.doBlending(imgs, oneHot);
    });
  }
}

export class MixupBlending extends BaseMiniBatchBlending {
  protected doBlending(imgs: Tensor, label: Tensor): [Tensor, Tensor] {
    const lam = sampleBeta(this.alpha);
    const idx = torch.randperm(imgs.shape[0]);
    const mixed = imgs.mul(lam).add(imgs.indexSelect(0, idx).mul(1 - lam));
    const mixedLabel = label.mul(lam).add(label.indexSelect(0, idx).mul(1 - lam));
    return [mixed, mixedLabel];
  }
}

export class CutmixBlending extends BaseMiniBatchBlending {
  static randBbox(size: number[], lam: number): [number, number, number, number] {
    const w = size[size.length - 1];
    const h = size[size.length - 2];
    const cutRat = Math.fround(Math.sqrt(Math.fround(1 - lam)));
    const cutW = Math.trunc(w * cutRat);
    const cutH = Math.trunc(h * cutRat);
    const cx = torch.tidy(() => torch.randint(0, w, [1]).item());
    const cy = torch.tidy(() => torch.randint(0, h, [1]).item());
    const clamp = (v: number, hi: number) => Math.min(Math.max(v, 0), hi);
    const half = (v: number) => Math.floor(v / 2);
    return [clamp(cx - half(cutW), w), clamp(cy - half(cutH), h), clamp(cx + half(cutW), w), clamp(cy + half(cutH), h)];
  }

  protected doBlending(imgs: Tensor, label: Tensor): [Tensor, Tensor] {
    const idx = torch.randperm(imgs.shape[0]);
    const lam0 = sampleBeta(this.alpha);
    const [x1, y1, x2, y2] = CutmixBlending.randBbox(imgs.shape, lam0);
    const out = imgs.clone();
    if (x2 > x1 && y2 > y1) {
      const patch = imgs.indexSelect(0, idx).index('...', `${y1}:${y2}`, `${x1}:${x2}`);
      torch.noGrad(() => out.index('...', `${y1}:${y2}`, `${x1}:${x2}`).copy_(patch));
    }
    const [h, w] = imgs.shape.slice(-2);
    const lam = 1 - ((x2 - x1) * (y2 - y1)) / (w * h);
    const mixedLabel = label.mul(lam).add(label.indexSelect(0, idx).mul(1 - lam));
    return [out, mixedLabel];
  }
}
