/**
 * Recognizer3D (mmaction/models/recognizers/recognizer3d.py): each clip is one sample of a 3D
 * backbone. Input: [N, num_clips, C, T, H, W]; test scores are averaged over the clips.
 */
import * as torch from '../../torch/index.ts';
import type { LossDict } from '../heads/base.ts';
import { BaseRecognizer, catViews } from './base.ts';

type Tensor = torch.Tensor;

const LAYOUT_3D = '[N, num_clips, C, T, H, W]';

export class Recognizer3D extends BaseRecognizer {
  forwardTrain(imgs: Tensor, labels: Tensor, extra: Record<string, unknown> = {}): LossDict {
    const head = this.head();
    this.checkInput(imgs, 6, LAYOUT_3D);
    return torch.tidy(() => {
      const flat = imgs.reshape([-1, ...imgs.shape.slice(2)]); // [N*clips, C, T, H, W]
      const losses: LossDict = {};
      let x: Tensor | Tensor[] = this.extractFeat(flat);
      if (this.neck) {
        const [y, aux] = this.neck.call(x, labels.squeeze());
        x = y;
        Object.assign(losses, aux);
      }
      const clsScore = head.call(x);
      Object.assign(losses, head.loss(clsScore, labels.squeeze(), extra));
      return losses;
    });
  }

  private doTest(imgs: Tensor): Tensor {
    this.checkInput(imgs, 6, LAYOUT_3D);
    return torch.tidy(() => {
      const batches = imgs.shape[0];
      const numSegs = imgs.shape[1];
      const flat = imgs.reshape([-1, ...imgs.shape.slice(2)]); // [N*clips, C, T, H, W]
      let feat: Tensor | Tensor[];
      if (this.maxTestingViews !== null) {
        const total = flat.shape[0];
        if (numSegs !== total) throw new Error('max_testing_views is only compatible with batch_size == 1');
        const feats: (Tensor | Tensor[])[] = [];
        for (let p = 0; p < total; p += this.maxTestingViews) {
          let x = this.extractFeat(flat.index(`${p}:${p + this.maxTestingViews}`));
          if (this.neck) [x] = this.neck.call(x);
          feats.push(x);
        }
        feat = catViews(feats);
      } else {
        feat = this.extractFeat(flat);
        if (this.neck) [feat] = this.neck.call(feat);
      }
      if (this.featureExtraction) {
        const dim = Array.isArray(feat) ? feat[0].ndim : feat.ndim;
        if (dim !== 5 && dim !== 2) throw new Error('Got feature of unknown architecture, only 3D-CNN-like ([N, in_channels, T, H, W]), and transformer-like ([N, in_channels]) features are supported.');
        if (dim === 5) {
          const pooled = Array.isArray(feat)
            ? torch.cat(feat.map((f) => torch.F.adaptiveAvgPool3d(f, 1)), 1)
            : torch.F.adaptiveAvgPool3d(feat, 1);
          return pooled.reshape(batches, numSegs, -1).mean(1); // [N, C]
        }
        return Array.isArray(feat) ? torch.cat(feat, 1) : feat; // transformer features [N, C]
      }
      const clsScore = this.head().call(feat);
      return this.averageClip(clsScore, numSegs);
    });
  }

  forwardTest(imgs: Tensor): Tensor {
    return torch.noGrad(() => this.doTest(imgs));
  }

  forwardGradcam(imgs: Tensor): Tensor {
    this.head();
    return this.doTest(imgs);
  }

  forwardDummy(imgs: Tensor, { softmax = false }: { softmax?: boolean } = {}): [Tensor] {
    const head = this.head();
    return torch.tidy(() => {
      let x = this.extractFeat(imgs.reshape([-1, ...imgs.shape.slice(2)]));
      if (this.neck) [x] = this.neck.call(x);
      const outs = head.call(x);
      return [softmax ? outs.softmax(outs.ndim <= 1 ? 0 : 1) : outs] as [Tensor];
    });
  }
}
