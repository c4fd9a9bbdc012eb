/** Parameter-free layers: activations, pooling, dropout, identity, flatten, softmax; and Embedding. */
import { empty } from '../creation.ts';
import * as F from '../functional.ts';
import type { Tensor } from '../tensor.ts';
import { normal_ } from './init.ts';
import { Module } from './module.ts';

type IntOrTuple = number | number[];

export class Identity extends Module {
  forward(x: Tensor): Tensor { return x; }
}

/** Activation layers; `inplace` is accepted for config compatibility (results are the same). */
/** `inplace` as in PyTorch: the input is overwritten and returned (no new activation-sized tensor). */
export class ReLU extends Module {
  constructor(readonly inplace = false) { super(); }
  forward(x: Tensor): Tensor { return this.inplace ? F.relu_(x) : F.relu(x); }
}
export class ReLU6 extends Module {
  constructor(readonly inplace = false) { super(); }
  forward(x: Tensor): Tensor { return this.inplace ? F.relu6_(x) : F.relu6(x); }
}
export class LeakyReLU extends Module {
  constructor(readonly negativeSlope = 0.01, readonly inplace = false) { super(); }
  forward(x: Tensor): Tensor { return F.leakyRelu(x, this.negativeSlope); }
}
export class ELU extends Module {
  constructor(readonly alpha = 1.0) { super(); }
  forward(x: Tensor): Tensor { return F.elu(x, this.alpha); }
}
export class GELU extends Module {
  constructor(readonly approximate: 'none' | 'tanh' = 'none') { super(); }
  forward(x: Tensor): Tensor { return F.gelu(x, this.approximate); }
}
export class SiLU extends Module {
  forward(x: Tensor): Tensor { return F.silu(x); }
}
export class Swish extends SiLU {}
export class Mish extends Module {
  forward(x: Tensor): Tensor { return F.mish(x); }
}
export class Hardswish extends Module {
  forward(x: Tensor): Tensor { return F.hardswish(x); }
}
export class Hardsigmoid extends Module {
  forward(x: Tensor): Tensor { return F.hardsigmoid(x); }
}
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor { return F.sigmoid(x); }
}
export class Tanh extends Module {
  forward(x: Tensor): Tensor { return F.tanh(x); }
}
export class Softplus extends Module {
  constructor(readonly beta = 1, readonly threshold = 20) { super(); }
  forward(x: Tensor): Tensor { return F.softplus(x, this.beta, this.threshold); }
}
export class Softmax extends Module {
  constructor(readonly dim: number) { super(); }
  forward(x: Tensor): Tensor { return F.softmax(x, this.dim); }
}
export class LogSoftmax extends Module {
  constructor(readonly dim: number) { super(); }
  forward(x: Tensor): Tensor { return F.logSoftmax(x, this.dim); }
}

export class Flatten extends Module {
  constructor(readonly startDim = 1, readonly endDim = -1) { super(); }
  forward(x: Tensor): Tensor { return x.flatten(this.startDim, this.endDim); }
}

export class Dropout extends Module {
  constructor(readonly p = 0.5, readonly inplace = false) {
    super();
    if (p < 0 || p > 1) throw new RangeError(`dropout probability has to be between 0 and 1, but got ${p}`);
  }
  forward(x: Tensor): Tensor { return F.dropout(x, this.p, this.training); }
  override extraRepr(): string { return `p=${this.p}, inplace=${this.inplace ? 'True' : 'False'}`; }
}
export class Dropout2d extends Dropout {
  override forward(x: Tensor): Tensor { return F.dropout2d(x, this.p, this.training); }
}
export class Dropout3d extends Dropout {
  override forward(x: Tensor): Tensor { return F.dropout3d(x, this.p, this.training); }
}

export interface PoolOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  ceilMode?: boolean;
}

export class MaxPool1d extends Module {
  constructor(readonly kernelSize: IntOrTuple, readonly o: PoolOptions = {}) { super(); }
  forward(x: Tensor): Tensor { return F.maxPool1d(x, this.kernelSize, this.o); }
}
export class MaxPool2d extends Module {
  constructor(readonly kernelSize: IntOrTuple, readonly o: PoolOptions = {}) { super(); }
  forward(x: Tensor): Tensor { return F.maxPool2d(x, this.kernelSize, this.o); }
}
export class MaxPool3d extends Module {
  constructor(readonly kernelSize: IntOrTuple, readonly o: PoolOptions = {}) { super(); }
  forward(x: Tensor): Tensor { return F.maxPool3d(x, this.kernelSize, this.o); }
}

export interface AvgPoolOptions extends Omit<PoolOptions, 'dilation'> {
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

export class AvgPool1d extends Module {
  constructor(readonly kernelSize: IntOrTuple, readonly o: AvgPoolOptions = {}) { super(); }
  forward(x: Tensor): Tensor { return F.avgPool1d(x, this.kernelSize, this.o); }
}
export class AvgPool2d extends Module {
  constructor(readonly kernelSize: IntOrTuple, readonly o: AvgPoolOptions = {}) { super(); }
  forward(x: Tensor): Tensor { return F.avgPool2d(x, this.kernelSize, this.o); }
}
export class AvgPool3d extends Module {
  constructor(readonly kernelSize: IntOrTuple, readonly o: AvgPoolOptions = {}) { super(); }
  forward(x: Tensor): Tensor { return F.avgPool3d(x, this.kernelSize, this.o); }
}
export class AdaptiveAvgPool1d extends Module {
  constructor(readonly outputSize: number) { super(); }
  forward(x: Tensor): Tensor { return F.adaptiveAvgPool1d(x, this.outputSize); }
}
export class AdaptiveAvgPool2d extends Module {
  constructor(readonly outputSize: IntOrTuple | (number | null)[]) { super(); }
  forward(x: Tensor): Tensor { return F.adaptiveAvgPool2d(x, this.outputSize); }
}
export class AdaptiveAvgPool3d extends Module {
  constructor(readonly outputSize: IntOrTuple | (number | null)[]) { super(); }
  forward(x: Tensor): Tensor { return F.adaptiveAvgPool3d(x, this.outputSize); }
}
export class AdaptiveMaxPool2d extends Module {
  constructor(readonly outputSize: IntOrTuple | (number | null)[]) { super(); }
  forward(x: Tensor): Tensor { return F.adaptiveMaxPool2d(x, this.outputSize); }
}
export class AdaptiveMaxPool3d extends Module {
  constructor(readonly outputSize: IntOrTuple | (number | null)[]) { super(); }
  forward(x: Tensor): Tensor { return F.adaptiveMaxPool3d(x, this.outputSize); }
}

export class Upsample extends Module {
  constructor(readonly o: F.InterpolateOptions) { super(); }
  forward(x: Tensor): Tensor { return F.interpolate(x, this.o); }
}

export class Embedding extends Module {
  weight: Tensor;
  constructor(readonly numEmbeddings: number, readonly embeddingDim: number, readonly paddingIdx: number | null = null) {
    super();
    this.weight = this.registerParameter('weight', empty([numEmbeddings, embeddingDim]))!;
    normal_(this.weight);
    if (paddingIdx !== null) {
      const row = this.weight.select(0, paddingIdx);
      row.detach().zero_();
      row.dispose();
    }
  }
  forward(indices: Tensor): Tensor { return F.embedding(indices, this.weight, this.paddingIdx ?? -1); }
}
