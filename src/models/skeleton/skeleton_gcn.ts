/**
 * SkeletonGCN (mmaction/models/skeleton_gcn/skeletongcn.py with its BaseGCN): a graph
 * convolutional backbone (STGCN) and a head (STGCNHead) over skeleton sequences
 * [N, C, T, V, M] (C channels per joint, T frames, V joints, M people). The batch key is
 * `keypoint` (FormatGCNInput + Collect(keys=['keypoint', 'label'])). Test mode returns the
 * head's raw scores [N, num_classes]: MMAction2's BaseGCN has no `average_clips`.
 */
import * as torch from '../../torch/index.ts';
import type { LossDict } from '../heads/base.ts';
import { BaseRecognizer, type RecognizerParts } from '../recognizers/base.ts';

type Tensor = torch.Tensor;

const LAYOUT_GCN = '[N, C, T, V, M]';

export class SkeletonGCN extends BaseRecognizer {
  constructor(parts: RecognizerParts) {
    if (parts.neck) throw new TypeError('SkeletonGCN: MMAction2\'s BaseGCN takes no neck');
    super(parts);
  }

  /** The loss dict (`loss_cls`, `top1_acc`, `top5_acc`) of skeletons [N, C, T, V, M] and labels [N] or [N, 1]. */
  forwardTrain(skeletons: Tensor, labels: Tensor): LossDict {
    const head = this.head();
    this.checkInput(skeletons, 5, LAYOUT_GCN);
    return torch.tidy(() => {
      const output = head.call(this.extractFeat(skeletons) as Tensor); // [N, num_classes]
      return head.loss(output, labels.squeeze(-1));
    });
  }

  private doTest(skeletons: Tensor): Tensor {
    const head = this.head();
    this.checkInput(skeletons, 5, LAYOUT_GCN);
    return torch.tidy(() => head.call(this.extractFeat(skeletons) as Tensor)); // [N, num_classes]
  }

  /** Raw head scores [N, num_classes] (MMAction2 returns them as numpy). */
  forwardTest(skeletons: Tensor): Tensor {
    return torch.noGrad(() => this.doTest(skeletons));
  }

  forwardGradcam(skeletons: Tensor): Tensor {
    return this.doTest(skeletons);
  }

  forwardDummy(skeletons: Tensor, { softmax = false }: { softmax?: boolean } = {}): [Tensor] {
    return torch.tidy(() => {
      const outs = this.doTest(skeletons);
      return [softmax ? outs.softmax(1) : outs] as [Tensor];
    });
  }

  /** BaseGCN.forward(keypoint, label=None, return_loss=True): no blending, no extra arguments. */
  override forward(skeletons: Tensor, label?: Tensor | null, { returnLoss = true }: { returnLoss?: boolean } = {}): LossDict | Tensor {
    if (returnLoss) {
      if (!label) throw new Error('Label should not be None.');
      return this.forwardTrain(skeletons, label);
    }
    return this.forwardTest(skeletons);
  }

  /** train_step: the batch's `keypoint` and `label` (squeezed on its last axis, as BaseGCN does). */
  override trainStep(data: Record<string, Tensor>): { loss: Tensor; logVars: Record<string, number>; numSamples: number } {
    if (!(data.keypoint instanceof torch.Tensor)) {
      throw new Error(`SkeletonGCN.trainStep: the batch needs 'keypoint' [N, C, T, V, M] (got keys: ${Object.keys(data).join(', ')}); ` +
        "the pipeline should end with FormatGCNInput, Collect(keys=['keypoint', 'label']) and ToTensor(keys=['keypoint'])");
    }
    if (!(data.label instanceof torch.Tensor)) throw new Error("SkeletonGCN.trainStep: the batch needs 'label'");
    const losses = torch.tidy(() => this.forward(data.keypoint!, data.label!.squeeze(-1)) as LossDict);
    const { loss, logVars } = BaseRecognizer.parseLosses(losses);
    for (const v of Object.values(losses)) if (v !== loss) v.dispose();
    return { loss, logVars, numSamples: data.keypoint.shape[0]! };
  }
}
