/**
 * TANet (Liu et al., 2020), mirroring mmaction/models/backbones/tanet.py: a ResNet whose
 * initWeights() wraps every Bottleneck in a TABlock (`layer1.0.block.*` + `layer1.0.tam.*`),
 * applying the Temporal Adaptive Module after the block's first conv.
 */
import * as torch from '../../torch/index.ts';
import { TAM, type TAMOptions } from '../common/tam.ts';
import { Bottleneck, ResNet, type ResNetOptions } from './resnet.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;

export class TABlock extends nn.Module {
  readonly block: Bottleneck;
  readonly tam: TAM;

  constructor(block: torch.nn.Module, readonly numSegments: number, tamCfg: TAMOptions = {}) {
    super();
    if (!(block instanceof Bottleneck)) throw new Error('TA-Blocks have not been fully implemented except the pattern based on Bottleneck block.');
    this.block = this.registerModule('block', block);
    this.tam = this.registerModule('tam', new TAM(block.conv1.outChannels, numSegments, structuredClone(tamCfg)));
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      const b = this.block;
      let out = b.conv1.call(x);
      out = this.tam.call(out);
      out = b.conv2.call(out);
      out = b.conv3.call(out);
      const identity = b.downsample ? b.downsample.call(x) : x;
      return b.getModule('relu')!.call(out.add(identity));
    });
  }
}

export interface TANetOptions extends ResNetOptions {
  /** Frames per clip (>= 3, required). */
  num_segments: number;
  /** TAM options. Default {}. */
  tam_cfg: TAMOptions;
}

export class TANet extends ResNet {
  readonly numSegments: number;
  readonly tamCfg: TAMOptions;

  constructor(options: Partial<TANetOptions> & { depth: number; num_segments: number }) {
    const { num_segments, tam_cfg = {}, ...rest } = options;
    super(rest);
    if (!(num_segments >= 3)) throw new RangeError(`TANet: num_segments must be >= 3, got ${num_segments}`);
    this.numSegments = num_segments;
    this.tamCfg = structuredClone(tam_cfg);
  }

  override initWeights(): void {
    super.initWeights();
    this.makeTamModeling();
  }

  makeTamModeling(): void {
    for (let i = 0; i < this.numStages; i++) {
      const name = `layer${i + 1}`;
      const blocks = [...this.getModule(name)!.children()].map((b) => new TABlock(b, this.numSegments, this.tamCfg));
      this.registerModule(name, new nn.Sequential(...blocks));
    }
  }
}
