/** Convolution and linear layers (torch.nn.Conv1d/2d/3d, ConvTranspose, Linear), PyTorch's init. */
import { empty } from '../creation.ts';
import * as F from '../functional.ts';
import type { Tensor } from '../tensor.ts';
import { kaimingUniform_, uniform_, calculateFanInAndFanOut } from './init.ts';
import { Module } from './module.ts';

type IntOrTuple = number | number[];

export interface ConvOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple | 'same' | 'valid';
  dilation?: IntOrTuple;
  groups?: number;
  bias?: boolean;
  paddingMode?: 'zeros' | 'reflect' | 'replicate' | 'circular';
}

const tuple = (v: IntOrTuple, n: number): number[] => (Array.isArray(v) ? v : Array(n).fill(v));

function resetConvLike(weight: Tensor, bias: Tensor | null): void {
  // PyTorch: kaiming_uniform_(w, a=sqrt(5)); bias ~ U(-1/sqrt(fan_in), 1/sqrt(fan_in)).
  kaimingUniform_(weight, Math.sqrt(5));
  if (bias) {
    const [fanIn] = calculateFanInAndFanOut(weight);
    const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
    uniform_(bias, -bound, bound);
  }
}

abstract class ConvNd extends Module {
  readonly kernelSize: number[];
  readonly stride: number[];
  readonly padding: number[] | 'same' | 'valid';
  readonly dilation: number[];
  readonly groups: number;
  readonly paddingMode: string;
  weight!: Tensor;
  bias: Tensor | null = null;

  constructor(readonly inChannels: number, readonly outChannels: number, kernelSize: IntOrTuple,
    o: ConvOptions, readonly nd: 1 | 2 | 3, transposed: boolean, outputPadding: IntOrTuple = 0) {
    super();
    const groups = o.groups ?? 1;
    if (inChannels % groups !== 0) throw new RangeError('in_channels must be divisible by groups');
    if (outChannels % groups !== 0) throw new RangeError('out_channels must be divisible by groups');
    this.kernelSize = tuple(kernelSize, nd);
    this.stride = tuple(o.stride ?? 1, nd);
    this.padding = typeof o.padding === 'string' ? o.padding : tuple(o.padding ?? 0, nd);
    this.dilation = tuple(o.dilation ?? 1, nd);
    this.groups = groups;
    this.paddingMode = o.paddingMode ?? 'zeros';
    this.outputPadding = tuple(outputPadding, nd);
    const wShape = transposed
      ? [inChannels, outChannels / groups, ...this.kernelSize]
      : [outChannels, inChannels / groups, ...this.kernelSize];
    this.weight = this.registerParameter('weight', empty(wShape))!;
    this.bias = this.registerParameter('bias', (o.bias ?? true) ? empty([outChannels]) : null);
    resetConvLike(this.weight, this.bias);
  }

  readonly outputPadding: number[];

  resetParameters(): void {
    resetConvLike(this.weight, this.bias);
  }

  override extraRepr(): string {
    const p = typeof this.padding === 'string' ? `'${this.padding}'` : `(${this.padding.join(', ')})`;
    return `${this.inChannels}, ${this.outChannels}, kernel_size=(${this.kernelSize.join(', ')}), stride=(${this.stride.join(', ')})` +
      `, padding=${p}${this.groups !== 1 ? `, groups=${this.groups}` : ''}${this.bias ? '' : ', bias=False'}`;
  }

  protected padInput(x: Tensor): [Tensor, boolean] {
    if (this.paddingMode === 'zeros' || typeof this.padding === 'string') return [x, false];
    const pads: number[] = [];
    for (let i = this.nd - 1; i >= 0; i--) pads.push(this.padding[i], this.padding[i]);
    return [F.pad(x, pads, this.paddingMode as 'reflect'), true];
  }
}

function convForward(m: ConvNd, x: Tensor, fn: typeof F.conv2d): Tensor {
  const [xi, padded] = m['padInput'](x);
  const pad = padded ? 0 : m.padding;
  const y = fn(xi, m.weight, m.bias, { stride: m.stride, padding: pad, dilation: m.dilation, groups: m.groups });
  if (padded) xi.dispose();
  return y;
}

export class Conv1d extends ConvNd {
  constructor(inC: number, outC: number, k: IntOrTuple, o: ConvOptions = {}) { super(inC, outC, k, o, 1, false); }
  forward(x: Tensor): Tensor { return convForward(this, x, F.conv1d); }
}

export class Conv2d extends ConvNd {
  constructor(inC: number, outC: number, k: IntOrTuple, o: ConvOptions = {}) { super(inC, outC, k, o, 2, false); }
  forward(x: Tensor): Tensor { return convForward(this, x, F.conv2d); }
}

export class Conv3d extends ConvNd {
  constructor(inC: number, outC: number, k: IntOrTuple, o: ConvOptions = {}) { super(inC, outC, k, o, 3, false); }
  forward(x: Tensor): Tensor { return convForward(this, x, F.conv3d); }
}

export interface ConvTransposeOptions extends Omit<ConvOptions, 'padding'> {
  padding?: IntOrTuple;
  outputPadding?: IntOrTuple;
}

abstract class ConvTransposeNd extends ConvNd {
  constructor(inC: number, outC: number, k: IntOrTuple, o: ConvTransposeOptions, nd: 1 | 2 | 3) {
    super(inC, outC, k, o, nd, true, o.outputPadding ?? 0);
  }

  forward(x: Tensor): Tensor {
    const fn = [F.convTranspose1d, F.convTranspose2d, F.convTranspose3d][this.nd - 1];
    return fn(x, this.weight, this.bias, {
      stride: this.stride, padding: this.padding as number[], outputPadding: this.outputPadding, groups: this.groups, dilation: this.dilation,
    });
  }
}

export class ConvTranspose1d extends ConvTransposeNd {
  constructor(inC: number, outC: number, k: IntOrTuple, o: ConvTransposeOptions = {}) { super(inC, outC, k, o, 1); }
}
export class ConvTranspose2d extends ConvTransposeNd {
  constructor(inC: number, outC: number, k: IntOrTuple, o: ConvTransposeOptions = {}) { super(inC, outC, k, o, 2); }
}
export class ConvTranspose3d extends ConvTransposeNd {
  constructor(inC: number, outC: number, k: IntOrTuple, o: ConvTransposeOptions = {}) { super(inC, outC, k, o, 3); }
}

export class Linear extends Module {
  weight: Tensor;
  bias: Tensor | null;

  constructor(readonly inFeatures: number, readonly outFeatures: number, { bias = true } = {}) {
    super();
    this.weight = this.registerParameter('weight', empty([outFeatures, inFeatures]))!;
    this.bias = this.registerParameter('bias', bias ? empty([outFeatures]) : null);
    resetConvLike(this.weight, this.bias);
  }

  forward(x: Tensor): Tensor {
    return F.linear(x, this.weight, this.bias);
  }

  override extraRepr(): string {
    return `in_features=${this.inFeatures}, out_features=${this.outFeatures}, bias=${this.bias ? 'True' : 'False'}`;
  }
}
