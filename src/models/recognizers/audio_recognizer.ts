/**
 * AudioRecognizer (mmaction/models/recognizers/audio_recognizer.py): audio clips
 * [N, num_clips, C, H, W] (spectrograms) through a 2D backbone, one score per clip,
 * averaged over the clips at test time.
 */
import * as torch from '../../torch/index.ts';
import type { LossDict } from '../heads/base.ts';
import { BaseRecognizer } from './base.ts';

type Tensor = torch.Tensor;

export class AudioRecognizer extends BaseRecognizer {
  forwardTrain(audios: Tensor, labels: Tensor): LossDict {
    const head = this.head();
    this.checkInput(audios, 5, '[N, num_clips, C, H, W]');
    return torch.tidy(() => {
      const x = this.extractFeat(audios.reshape([-1, ...audios.shape.slice(2)]));
      return head.loss(head.call(x), labels.squeeze());
    });
  }

  private doTest(audios: Tensor): Tensor {
    this.checkInput(audios, 5, '[N, num_clips, C, H, W]');
    return torch.tidy(() => {
      const numSegs = audios.shape[1];
      const x = this.extractFeat(audios.reshape([-1, ...audios.shape.slice(2)])); // [N*clips, C, H, W]
      return this.averageClip(this.head().call(x), numSegs);
    });
  }

  forwardTest(audios: Tensor): Tensor {
    return torch.noGrad(() => this.doTest(audios));
  }

  forwardGradcam(): Tensor {
    throw new Error('AudioRecognizer does not support Grad-CAM (neither does MMAction2)');
  }

  forwardDummy(audios: Tensor, { softmax = false }: { softmax?: boolean } = {}): [Tensor] {
    const head = this.head();
    return torch.tidy(() => {
      const outs = head.call(this.extractFeat(audios.reshape([-1, ...audios.shape.slice(2)])));
      return [softmax ? outs.softmax(1) : outs] as [Tensor];
    });
  }

  /** MMAction2's AudioRecognizer.forward has no blending and no extra arguments. */
  override forward(audios: Tensor, label?: Tensor | null, { returnLoss = true }: { returnLoss?: boolean } = {}): LossDict | Tensor {
    if (returnLoss) {
      if (!label) throw new Error('Label should not be None.');
      return this.forwardTrain(audios, label);
    }
    return this.forwardTest(audios);
  }

  override trainStep(data: Record<string, Tensor>): { loss: Tensor; logVars: Record<string, number>; numSamples: number } {
    if (!data.audios) throw new Error("AudioRecognizer.trainStep: the batch needs 'audios'");
    const losses = this.forward(data.audios, data.label) as LossDict;
    const { loss, logVars } = BaseRecognizer.parseLosses(losses);
    for (const v of Object.values(losses)) if (v !== loss) v.dispose();
    return { loss, logVars, numSamples: data.audios.shape[0] };
  }
}
