/**
 * Recognizer2D (mmaction/models/recognizers/recognizer2d.py): frames of a clip go through a 2D
 * backbone as a batch; the head fuses the `num_segs` frames of each sample.
 * Input: [N, num_crops*num_segs, C, H, W].
 */
import * as torch from '../../torch/index.ts';
import type { LossDict } from '../heads/base.ts';
import { BaseRecognizer } from './base.ts';

type Tensor = torch.Tensor;

const LAYOUT_2D = '[N, num_crops*num_segs, C, H, W]';

function toList(x: Tensor | Tensor[]): Tensor[] {
  return Array.isArray(x) ? x : [x];
}

export class Recognizer2D extends BaseRecognizer {
  /** Accepts [N*T, C, H, W] (MMAction2's extract_feat input) or [N, T, C, H, W] (flattened first). */
  override extractFeat(imgs: Tensor): Tensor | Tensor[] {
    if (imgs.ndim === 5) return torch.tidy(() => super.extractFeat(imgs.reshape([-1, ...imgs.shape.slice(2)])));
    return super.extractFeat(imgs);
  }

  /** [N*T, ...] features -> [N, C, T, H, W] for the neck. */
  private neckInput(x: Tensor | Tensor[], numSegs: number): Tensor[] {
    return toList(x).map((e) => e.reshape([-1, numSegs, ...e.shape.slice(1)]).transpose(1, 2).contiguous());
  }

  forwardTrain(imgs: Tensor, labels: Tensor, extra: Record<string, unknown> = {}): LossDict {
    const head = this.head();
    this.checkInput(imgs, 5, LAYOUT_2D);
    return torch.tidy(() => {
      const batches = imgs.shape[0];
      const flat = imgs.reshape([-1, ...imgs.shape.slice(2)]); // [N*T, C, H, W]
      let numSegs = Math.floor(flat.shape[0] / batches);
      const losses: LossDict = {};
      let x = this.extractFeat(flat);
      if (this.neck) {
        const [y, aux] = this.neck.call(this.neckInput(x, numSegs), labels.squeeze());
        x = y.squeeze(2);
        numSegs = 1;
        Object.assign(losses, aux);
      }
      const clsScore = head.call(x, numSegs);
      Object.assign(losses, head.loss(clsScore, labels.squeeze(), extra));
      return losses;
    });
  }

  private doTest(imgs: Tensor): Tensor {
    this.checkInput(imgs, 5, LAYOUT_2D);
    return torch.tidy(() => {
      const batches = imgs.shape[0];
      const flat = imgs.reshape([-1, ...imgs.shape.slice(2)]); // [N*T, C, H, W]
      let numSegs = Math.floor(flat.shape[0] / batches);
      let x = this.extractFeatInChunks(flat);
      if (this.neck) {
        const [y] = this.neck.call(this.neckInput(x, numSegs));
        x = y.squeeze(2);
        numSegs = 1;
      }
      if (this.featureExtraction) {
        if (Array.isArray(x)) throw new Error('feature_extraction: the backbone returned several feature maps; set out_indices to one stage');
        const pooled = torch.F.adaptiveAvgPool2d(x, 1); // [N*T, C, 1, 1]
        return pooled.reshape(batches, numSegs, -1).mean(1); // [N, C]
      }
      const clsScore = this.head().call(x, numSegs);
      if (clsScore.shape[0] % batches !== 0) throw new Error(`cls_head returned ${clsScore.shape[0]} rows for a batch of ${batches}`);
      return this.averageClip(clsScore, clsScore.shape[0] / batches);
    });
  }

  private doFcnTest(imgs: Tensor): Tensor {
    this.checkInput(imgs, 5, LAYOUT_2D);
    const cfg = this.testCfg ?? {};
    return torch.tidy(() => {
      const batches = imgs.shape[0];
      let flat = imgs.reshape([-1, ...imgs.shape.slice(2)]);
      const numSegs = cfg.num_segs ?? this.backbone.numSegments;
      if (numSegs === undefined) throw new Error('fcn_test: set test_cfg.num_segs (the backbone has no num_segments)');
      if (cfg.flip) flat = flat.flip([-1]);
      const x = this.extractFeat(flat);
      let feat: Tensor | Tensor[];
      if (this.neck) [feat] = this.neck.call(this.neckInput(x, numSegs));
      else feat = this.neckInput(x, numSegs)[0]; // [N, C, T, H, W]
      const clsScore = this.head().call(feat, undefined, { fcn_test: true });
      if (clsScore.shape[0] % batches !== 0) throw new Error(`cls_head returned ${clsScore.shape[0]} rows for a batch of ${batches}`);
      return this.averageClip(clsScore, clsScore.shape[0] / batches);
    });
  }

  forwardTest(imgs: Tensor): Tensor {
    return torch.noGrad(() => {
      if (this.testCfg?.fcn_test) {
        if (this.featureExtraction) throw new Error('fcn_test and feature_extraction cannot be combined');
        this.head();
        return this.doFcnTest(imgs);
      }
      return this.doTest(imgs);
    });
  }

  forwardGradcam(imgs: Tensor): Tensor {
    this.head();
    return this.doTest(imgs);
  }

  forwardDummy(imgs: Tensor, { softmax = false }: { softmax?: boolean } = {}): [Tensor] {
    const head = this.head();
    return torch.tidy(() => {
      const batches = imgs.shape[0];
      const flat = imgs.reshape([-1, ...imgs.shape.slice(2)]);
      let numSegs = Math.floor(flat.shape[0] / batches);
      let x = this.extractFeatInChunks(flat);
      if (this.neck) {
        const [y] = this.neck.call(this.neckInput(x, numSegs));
        x = y.squeeze(2);
        numSegs = 1;
      }
      const outs = head.call(x, numSegs);
      return [softmax ? outs.softmax(outs.ndim <= 1 ? 0 : 1) : outs] as [Tensor];
    });
  }
}
