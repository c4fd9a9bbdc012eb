/**
 * ConvAudio (mmaction/models/common/conv_audio.py): a factorised k x k conv for spectrograms,
 * a (k, 1) and a (1, k) ConvModule (`conv_1`, `conv_2`, each conv+BN+ReLU) whose outputs are
 * concatenated (`op='concat'`, 2x channels) or summed (`op='sum'`). Built by ConvModule for
 * `conv_cfg: {type: 'ConvAudio'}`; it initialises itself, so ConvModule leaves it alone.
 */
import * as torch from '../../torch/index.ts';
import { ConvModule } from './conv_module.ts';
import { constantInit, kaimingInit } from './weight_init.ts';

type Tensor = torch.Tensor;

const pair = (v: number | number[]): [number, number] => (Array.isArray(v) ? [v[0], v[1] ?? v[0]] : [v, v]);

export class ConvAudio extends torch.nn.Module {
  readonly kernelSize: [number, number];
  readonly stride: [number, number];
  readonly conv_1: ConvModule;
  readonly conv_2: ConvModule;
  /** ConvModule reads these like a conv's. */
  readonly weight = null;
  readonly bias = null;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: number | number[],
    readonly op: 'concat' | 'sum' = 'concat', { stride = 1 as number | number[], bias = false } = {}) {
    super();
    if (op !== 'concat' && op !== 'sum') throw new TypeError(`ConvAudio: op must be 'concat' or 'sum', got '${op as string}'`);
    this.kernelSize = pair(kernelSize);
    this.stride = pair(stride);
    const [k0, k1] = this.kernelSize;
    const common = { stride: this.stride, bias, conv_cfg: { type: 'Conv' as const }, norm_cfg: { type: 'BN' as const }, act_cfg: { type: 'ReLU' as const } };
    this.conv_1 = this.registerModule('conv_1', new ConvModule(inChannels, outChannels, [k0, 1], { ...common, padding: [Math.floor(k0 / 2), 0] }));
    this.conv_2 = this.registerModule('conv_2', new ConvModule(inChannels, outChannels, [1, k1], { ...common, padding: [0, Math.floor(k1 / 2)] }));
    this.initWeights();
  }

  initWeights(): void {
    kaimingInit(this.conv_1.conv);
    kaimingInit(this.conv_2.conv);
    constantInit(this.conv_1.norm!, 1, 0);
    constantInit(this.conv_2.norm!, 1, 0);
  }

  forward(x: Tensor): Tensor {
    return torch.tidy(() => {
      const a = this.conv_1.call(x);
      const b = this.conv_2.call(x);
      return this.op === 'concat' ? torch.cat([a, b], 1) : a.add(b);
    });
  }
}
