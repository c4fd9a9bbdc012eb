/**
 * TAM, the Temporal Adaptive Module of TANet (Liu et al., 2020), mirroring
 * mmaction/models/common/tam.py: a global branch G that predicts a per-channel temporal kernel
 * and a local branch L that predicts a per-channel, per-frame gate.
 */
import * as torch from '../../torch/index.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;

export interface TAMOptions {
  /** Default 2. */
  alpha?: number;
  /** Default 3. */
  adaptive_kernel_size?: number;
  /** Default 4. */
  beta?: number;
  /** Default 3. */
  conv1d_kernel_size?: number;
  /** Default 1. */
  adaptive_convolution_stride?: number;
  /** Default 1. */
  adaptive_convolution_padding?: number;
  /** Default 0.001 (unused by MMAction2's TAM as well). */
  init_std?: number;
}

export const TAM_DEFAULTS = Object.freeze({
  alpha: 2, adaptive_kernel_size: 3, beta: 4, conv1d_kernel_size: 3,
  adaptive_convolution_stride: 1, adaptive_convolution_padding: 1, init_std: 0.001,
});

const TAM_KEYS = new Set(Object.keys(TAM_DEFAULTS));

export class TAM extends torch.nn.Module {
  readonly o: Required<TAMOptions>;
  readonly G: torch.nn.Sequential;
  readonly L: torch.nn.Sequential;

  constructor(readonly inChannels: number, readonly numSegments: number, options: TAMOptions = {}) {
    super();
    for (const k of Object.keys(options)) if (!TAM_KEYS.has(k)) throw new TypeError(`tam_cfg: unknown option '${k}' (valid: ${[...TAM_KEYS].join(', ')})`);
    const o = { ...TAM_DEFAULTS, ...options };
    if (!(o.alpha > 0 && o.beta > 0)) throw new RangeError('TAM: alpha and beta must be positive');
    this.o = o;
    this.G = this.registerModule('G', new nn.Sequential(
      new nn.Linear(numSegments, numSegments * o.alpha, { bias: false }),
      new nn.BatchNorm1d(numSegments * o.alpha), new nn.ReLU(true),
      new nn.Linear(numSegments * o.alpha, o.adaptive_kernel_size, { bias: false }),
      new nn.Softmax(-1)));
    this.L = this.registerModule('L', new nn.Sequential(
      new nn.Conv1d(inChannels, Math.floor(inChannels / o.beta), o.conv1d_kernel_size,
        { stride: 1, padding: Math.floor(o.conv1d_kernel_size / 2), bias: false }),
      new nn.BatchNorm1d(Math.floor(inChannels / o.beta)), new nn.ReLU(true),
      new nn.Conv1d(Math.floor(inChannels / o.beta), inChannels, 1, { bias: false }),
      new nn.Sigmoid()));
  }

  forward(input: Tensor): Tensor {
    return torch.tidy(() => {
      const [n, c, h, w] = input.shape;
      const t = this.numSegments;
      const b = Math.floor(n / t);
      if (c !== this.inChannels) throw new RangeError(`TAM: expected ${this.inChannels} channels, got ${c}`);
      const x = input.view(b, t, c, h, w).permute(0, 2, 1, 3, 4).contiguous(); // [B, C, T, H, W]
      const theta = torch.F.adaptiveAvgPool2d(x.view(-1, t, h, w), [1, 1]); // [B*C, T, 1, 1]
      const kernel = this.G.call(theta.view(-1, t)).view(b * c, 1, -1, 1); // [B*C, 1, K, 1]
      const local = this.L.call(theta.view(-1, c, t)).view(b, c, t, 1, 1); // [B, C, T, 1, 1]
      const newX = x.mul(local);
      const y = torch.F.conv2d(newX.view(1, b * c, t, h * w), kernel, null, {
        stride: [this.o.adaptive_convolution_stride, 1], padding: [this.o.adaptive_convolution_padding, 0], groups: b * c,
      }); // [1, B*C, T, H*W]
      return y.view(b, c, t, h, w).permute(0, 2, 1, 3, 4).contiguous().view(n, c, h, w);
    });
  }
}
