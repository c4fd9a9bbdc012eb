/**
 * torch.nn.functional: the same functions and defaults as PyTorch's, each one ATen call.
 * Options that PyTorch takes as keyword arguments are an options object here.
 */
import { callOp, Tensor, type Scalar } from './tensor.ts';
import { cat } from './creation.ts';

type IntOrTuple = number | number[];
export type Reduction = 'none' | 'mean' | 'sum';

const reductionCode = (r: Reduction = 'mean'): number => {
  const c = { none: 0, mean: 1, sum: 2 }[r];
  if (c === undefined) throw new TypeError(`reduction must be 'none', 'mean' or 'sum', got '${r}'`);
  return c;
};

// ---------------------------------------------------------------------------------------------
// Convolution and linear

export interface ConvOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple | 'same' | 'valid';
  dilation?: IntOrTuple;
  groups?: number;
}

function conv(name: 'conv1d' | 'conv2d' | 'conv3d', x: Tensor, w: Tensor, b: Tensor | null | undefined, o: ConvOptions): Tensor {
  const { stride = 1, padding = 0, dilation = 1, groups = 1 } = o;
  if (typeof padding === 'string') return callOp(`${name}.padding`, x, w, b ?? null, stride, padding, dilation, groups);
  return callOp(name, x, w, b ?? null, stride, padding, dilation, groups);
}

export const conv1d = (x: Tensor, w: Tensor, b?: Tensor | null, o: ConvOptions = {}): Tensor => conv('conv1d', x, w, b, o);
export const conv2d = (x: Tensor, w: Tensor, b?: Tensor | null, o: ConvOptions = {}): Tensor => conv('conv2d', x, w, b, o);
export const conv3d = (x: Tensor, w: Tensor, b?: Tensor | null, o: ConvOptions = {}): Tensor => conv('conv3d', x, w, b, o);

export interface ConvTransposeOptions {
  stride?: IntOrTuple;
  padding?: IntOrTuple;
  outputPadding?: IntOrTuple;
  groups?: number;
  dilation?: IntOrTuple;
}

function convT(n: 1 | 2 | 3, x: Tensor, w: Tensor, b: Tensor | null | undefined, o: ConvTransposeOptions): Tensor {
  const { stride = 1, padding = 0, outputPadding = 0, groups = 1, dilation = 1 } = o;
  return callOp(`conv_transpose${n}d.input`, x, w, b ?? null, stride, padding, outputPadding, groups, dilation);
}

export const convTranspose1d = (x: Tensor, w: Tensor, b?: Tensor | null, o: ConvTransposeOptions = {}) => convT(1, x, w, b, o);
export const convTranspose2d = (x: Tensor, w: Tensor, b?: Tensor | null, o: ConvTransposeOptions = {}) => convT(2, x, w, b, o);
export const convTranspose3d = (x: Tensor, w: Tensor, b?: Tensor | null, o: ConvTransposeOptions = {}) => convT(3, x, w, b, o);

export const linear = (x: Tensor, w: Tensor, b?: Tensor | null): Tensor => callOp('linear', x, w, b ?? null);
export const bilinear = (x1: Tensor, x2: Tensor, w: Tensor, b?: Tensor | null): Tensor => callOp('bilinear', x1, x2, w, b ?? null);

// ---------------------------------------------------------------------------------------------
// Pooling

export interface PoolOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  dilation?: IntOrTuple;
  ceilMode?: boolean;
}

function maxPool(n: 1 | 2 | 3, x: Tensor, k: IntOrTuple, o: PoolOptions): Tensor {
  const { stride = null, padding = 0, dilation = 1, ceilMode = false } = o;
  // PyTorch: stride defaults to kernel_size (an empty list tells ATen the same).
  return callOp(`max_pool${n}d`, x, k, stride ?? [], padding, dilation, ceilMode);
}

export const maxPool1d = (x: Tensor, k: IntOrTuple, o: PoolOptions = {}) => maxPool(1, x, k, o);
export const maxPool2d = (x: Tensor, k: IntOrTuple, o: PoolOptions = {}) => maxPool(2, x, k, o);
export const maxPool3d = (x: Tensor, k: IntOrTuple, o: PoolOptions = {}) => maxPool(3, x, k, o);
export function maxPool2dWithIndices(x: Tensor, k: IntOrTuple, o: PoolOptions = {}): [Tensor, Tensor] {
  const { stride = null, padding = 0, dilation = 1, ceilMode = false } = o;
  return callOp('max_pool2d_with_indices', x, k, stride ?? [], padding, dilation, ceilMode);
}
export function maxPool3dWithIndices(x: Tensor, k: IntOrTuple, o: PoolOptions = {}): [Tensor, Tensor] {
  const { stride = null, padding = 0, dilation = 1, ceilMode = false } = o;
  return callOp('max_pool3d_with_indices', x, k, stride ?? [], padding, dilation, ceilMode);
}

export interface AvgPoolOptions {
  stride?: IntOrTuple | null;
  padding?: IntOrTuple;
  ceilMode?: boolean;
  countIncludePad?: boolean;
  divisorOverride?: number | null;
}

export function avgPool1d(x: Tensor, k: IntOrTuple, o: AvgPoolOptions = {}): Tensor {
  const { stride = null, padding = 0, ceilMode = false, countIncludePad = true } = o;
  return callOp('avg_pool1d', x, k, stride ?? [], padding, ceilMode, countIncludePad);
}
export function avgPool2d(x: Tensor, k: IntOrTuple, o: AvgPoolOptions = {}): Tensor {
  const { stride = null, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride = null } = o;
  return callOp('avg_pool2d', x, k, stride ?? [], padding, ceilMode, countIncludePad, divisorOverride);
}
export function avgPool3d(x: Tensor, k: IntOrTuple, o: AvgPoolOptions = {}): Tensor {
  const { stride = null, padding = 0, ceilMode = false, countIncludePad = true, divisorOverride = null } = o;
  return callOp('avg_pool3d', x, k, stride ?? [], padding, ceilMode, countIncludePad, divisorOverride);
}

/** Adaptive pools; a null entry in outputSize keeps that input size, like PyTorch. */
function adaptiveSize(x: Tensor, out: IntOrTuple | (number | null)[], n: number): number[] {
  const arr = Array.isArray(out) ? out : Array(n).fill(out);
  const shape = x.shape;
  return arr.map((v, i) => (v === null ? shape[shape.length - n + i] : v));
}
export const adaptiveAvgPool1d = (x: Tensor, out: number): Tensor => callOp('adaptive_avg_pool1d', x, [out]);
export const adaptiveAvgPool2d = (x: Tensor, out: IntOrTuple | (number | null)[]): Tensor =>
  callOp('adaptive_avg_pool2d', x, adaptiveSize(x, out, 2));
export const adaptiveAvgPool3d = (x: Tensor, out: IntOrTuple | (number | null)[]): Tensor =>
  callOp('adaptive_avg_pool3d', x, adaptiveSize(x, out, 3));
export const adaptiveMaxPool2d = (x: Tensor, out: IntOrTuple | (number | null)[]): Tensor => {
  const [v, i] = callOp('adaptive_max_pool2d', x, adaptiveSize(x, out, 2)) as [Tensor, Tensor];
  i.dispose();
  return v;
};
export const adaptiveMaxPool3d = (x: Tensor, out: IntOrTuple | (number | null)[]): Tensor => {
  const [v, i] = callOp('adaptive_max_pool3d', x, adaptiveSize(x, out, 3)) as [Tensor, Tensor];
  i.dispose();
  return v;
};

// ---------------------------------------------------------------------------------------------
// Normalization

export interface BatchNormOptions {
  weight?: Tensor | null;
  bias?: Tensor | null;
  training?: boolean;
  momentum?: number;
  eps?: number;
}

/** F.batch_norm: in training with running stats given, ATen updates them in place. */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, o: BatchNormOptions = {}): Tensor {
  const { weight = null, bias = null, training = false, momentum = 0.1, eps = 1e-5 } = o;
  return callOp('batch_norm', x, weight, bias, runningMean, runningVar, training, momentum, eps, true);
}

export const layerNorm = (x: Tensor, normalizedShape: number[], weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor =>
  callOp('layer_norm', x, normalizedShape, weight ?? null, bias ?? null, eps, true);

export const groupNorm = (x: Tensor, numGroups: number, weight?: Tensor | null, bias?: Tensor | null, eps = 1e-5): Tensor =>
  callOp('group_norm', x, numGroups, weight ?? null, bias ?? null, eps, true);

export function instanceNorm(x: Tensor, o: BatchNormOptions & { runningMean?: Tensor | null; runningVar?: Tensor | null; useInputStats?: boolean } = {}): Tensor {
  const { weight = null, bias = null, runningMean = null, runningVar = null, useInputStats = true, momentum = 0.1, eps = 1e-5 } = o;
  return callOp('instance_norm', x, weight, bias, runningMean, runningVar, useInputStats, momentum, eps, true);
}

export function normalize(x: Tensor, p = 2, dim = 1, eps = 1e-12): Tensor {
  const n = x.norm(p, dim, true);
  const d = n.clamp(eps);
  const r = x.div(d.expandAs(x));
  n.dispose(); d.dispose();
  return r;
}

// ---------------------------------------------------------------------------------------------
// Dropout

export const dropout = (x: Tensor, p = 0.5, training = true): Tensor => callOp('dropout', x, p, training);
/** Channel-wise dropout (Dropout2d/Dropout3d): zeroes whole feature maps. */
export const dropout2d = (x: Tensor, p = 0.5, training = true): Tensor => callOp('feature_dropout', x, p, training);
export const dropout3d = dropout2d;
export const alphaDropout = (x: Tensor, p = 0.5, training = true): Tensor => callOp('alpha_dropout', x, p, training);

// ---------------------------------------------------------------------------------------------
// Activations

export const relu = (x: Tensor): Tensor => callOp('relu', x);
export const relu_ = (x: Tensor): Tensor => { const r = callOp('relu_', x) as Tensor; r.dispose(); return x; };
export const relu6 = (x: Tensor): Tensor => callOp('hardtanh', x, 0, 6);
export const relu6_ = (x: Tensor): Tensor => { const r = callOp('hardtanh_', x, 0, 6) as Tensor; r.dispose(); return x; };
export const hardtanh = (x: Tensor, minVal = -1, maxVal = 1): Tensor => callOp('hardtanh', x, minVal, maxVal);
export const leakyRelu = (x: Tensor, negativeSlope = 0.01): Tensor => callOp('leaky_relu', x, { f: negativeSlope });
export const elu = (x: Tensor, alpha = 1.0): Tensor => callOp('elu', x, { f: alpha }, 1, 1);
export const selu = (x: Tensor): Tensor => callOp('selu', x);
export const gelu = (x: Tensor, approximate: 'none' | 'tanh' = 'none'): Tensor => callOp('gelu', x, approximate);
export const silu = (x: Tensor): Tensor => callOp('silu', x);
export const swish = silu;
export const mish = (x: Tensor): Tensor => callOp('mish', x);
export const hardswish = (x: Tensor): Tensor => callOp('hardswish', x);
export const hardsigmoid = (x: Tensor): Tensor => callOp('hardsigmoid', x);
export const sigmoid = (x: Tensor): Tensor => callOp('sigmoid', x);
export const tanh = (x: Tensor): Tensor => callOp('tanh', x);
export const softplus = (x: Tensor, beta = 1, threshold = 20): Tensor => callOp('softplus', x, beta, threshold);
export const softmax = (x: Tensor, dim: number): Tensor => callOp('softmax.int', x, dim);
export const logSoftmax = (x: Tensor, dim: number): Tensor => callOp('log_softmax.int', x, dim);
export const glu = (x: Tensor, dim = -1): Tensor => callOp('glu', x, dim);

// ---------------------------------------------------------------------------------------------
// Resampling, padding, misc

export interface InterpolateOptions {
  size?: number | number[];
  scaleFactor?: number | number[];
  mode?: 'nearest' | 'linear' | 'bilinear' | 'bicubic' | 'trilinear' | 'area' | 'nearest-exact';
  alignCorners?: boolean | null;
}

/** F.interpolate for 3-D (N,C,L), 4-D (N,C,H,W) and 5-D (N,C,T,H,W) inputs. */
export function interpolate(x: Tensor, o: InterpolateOptions): Tensor {
  const { size, scaleFactor, mode = 'nearest' } = o;
  const sd = x.ndim - 2;
  if (sd < 1 || sd > 3) throw new RangeError(`interpolate: expected a 3-D, 4-D or 5-D input, got ${x.ndim}-D`);
  if ((size === undefined) === (scaleFactor === undefined)) throw new TypeError('interpolate: give exactly one of size and scaleFactor');
  const outSize = size === undefined ? null : Array.isArray(size) ? size : Array(sd).fill(size);
  const scales = scaleFactor === undefined ? null : Array.isArray(scaleFactor) ? scaleFactor : Array(sd).fill(scaleFactor);
  const linearModes = { linear: 1, bilinear: 2, bicubic: 2, trilinear: 3 } as Record<string, number>;
  let alignCorners = o.alignCorners ?? null;
  if (mode in linearModes) {
    if (linearModes[mode] !== sd) throw new RangeError(`interpolate: mode '${mode}' needs a ${linearModes[mode] + 2}-D input, got ${x.ndim}-D`);
    alignCorners = alignCorners ?? false;
  } else if (alignCorners !== null) {
    throw new TypeError(`interpolate: alignCorners only applies to linear modes, not '${mode}'`);
  }
  switch (mode) {
    case 'nearest': return callOp(`upsample_nearest${sd}d.vec`, x, outSize, scales);
    case 'nearest-exact': return callOp(`_upsample_nearest_exact${sd}d.vec`, x, outSize, scales);
    case 'linear': return callOp('upsample_linear1d.vec', x, outSize, alignCorners, scales);
    case 'bilinear': return callOp('upsample_bilinear2d.vec', x, outSize, alignCorners, scales);
    case 'bicubic': return callOp('upsample_bicubic2d.vec', x, outSize, alignCorners, scales);
    case 'trilinear': return callOp('upsample_trilinear3d.vec', x, outSize, alignCorners, scales);
    case 'area': {
      const inSize = x.shape.slice(2);
      const target = outSize ?? inSize.map((s, i) => Math.floor(s * scales![i]));
      return sd === 1 ? adaptiveAvgPool1d(x, target[0]) : sd === 2 ? adaptiveAvgPool2d(x, target) : adaptiveAvgPool3d(x, target);
    }
  }
  throw new TypeError(`interpolate: unknown mode '${mode}'`);
}

export function gridSample(x: Tensor, grid: Tensor, o: { mode?: 'bilinear' | 'nearest' | 'bicubic'; paddingMode?: 'zeros' | 'border' | 'reflection'; alignCorners?: boolean } = {}): Tensor {
  const modes = { bilinear: 0, nearest: 1, bicubic: 2 };
  const pads = { zeros: 0, border: 1, reflection: 2 };
  return callOp('grid_sampler', x, grid, modes[o.mode ?? 'bilinear'], pads[o.paddingMode ?? 'zeros'], o.alignCorners ?? false);
}

/** F.pad: pad is given from the last dimension backwards, like PyTorch. */
export function pad(x: Tensor, padding: number[], mode: 'constant' | 'reflect' | 'replicate' | 'circular' = 'constant', value = 0): Tensor {
  return callOp('pad', x, padding, mode, mode === 'constant' ? value : null);
}

/** F.unfold (im2col) on (N, C, H, W). */
export function unfold(x: Tensor, kernelSize: IntOrTuple, o: { dilation?: IntOrTuple; padding?: IntOrTuple; stride?: IntOrTuple } = {}): Tensor {
  return callOp('im2col', x, kernelSize, o.dilation ?? 1, o.padding ?? 0, o.stride ?? 1);
}

export const oneHot = (x: Tensor, numClasses = -1): Tensor => callOp('one_hot', x, numClasses);
export const embedding = (indices: Tensor, weight: Tensor, paddingIdx = -1): Tensor => callOp('embedding', weight, indices, paddingIdx, false, false);
export const cosineSimilarity = (a: Tensor, b: Tensor, dim = 1, eps = 1e-8): Tensor => callOp('cosine_similarity', a, b, dim, eps);
export const pairwiseDistance = (a: Tensor, b: Tensor, p = 2, eps = 1e-6, keepdim = false): Tensor => callOp('pairwise_distance', a, b, p, eps, keepdim);

// ---------------------------------------------------------------------------------------------
// Losses

export interface CrossEntropyOptions {
  weight?: Tensor | null;
  ignoreIndex?: number;
  reduction?: Reduction;
  labelSmoothing?: number;
}

/** F.cross_entropy: class-index targets (int64) or class-probability targets (float, same shape as input). */
export function crossEntropy(input: Tensor, target: Tensor, o: CrossEntropyOptions = {}): Tensor {
  return callOp('cross_entropy_loss', input, target, o.weight ?? null, reductionCode(o.reduction), o.ignoreIndex ?? -100, o.labelSmoothing ?? 0);
}

export function nllLoss(input: Tensor, target: Tensor, o: { weight?: Tensor | null; ignoreIndex?: number; reduction?: Reduction } = {}): Tensor {
  return callOp('nll_loss_nd', input, target, o.weight ?? null, reductionCode(o.reduction), o.ignoreIndex ?? -100);
}

export function binaryCrossEntropy(input: Tensor, target: Tensor, o: { weight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  return callOp('binary_cross_entropy', input, target, o.weight ?? null, reductionCode(o.reduction));
}

export function binaryCrossEntropyWithLogits(input: Tensor, target: Tensor, o: { weight?: Tensor | null; posWeight?: Tensor | null; reduction?: Reduction } = {}): Tensor {
  return callOp('binary_cross_entropy_with_logits', input, target, o.weight ?? null, o.posWeight ?? null, reductionCode(o.reduction));
}

export const mseLoss = (input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor => callOp('mse_loss', input, target, reductionCode(reduction));
export const l1Loss = (input: Tensor, target: Tensor, reduction: Reduction = 'mean'): Tensor => callOp('l1_loss', input, target, reductionCode(reduction));
export const smoothL1Loss = (input: Tensor, target: Tensor, reduction: Reduction = 'mean', beta = 1.0): Tensor =>
  callOp('smooth_l1_loss', input, target, reductionCode(reduction), beta);
export const huberLoss = (input: Tensor, target: Tensor, reduction: Reduction = 'mean', delta = 1.0): Tensor =>
  callOp('huber_loss', input, target, reductionCode(reduction), delta);

/** F.kl_div; 'batchmean' divides the summed loss by the batch size, as PyTorch does. */
export function klDiv(input: Tensor, target: Tensor, reduction: Reduction | 'batchmean' = 'mean', logTarget = false): Tensor {
  if (reduction === 'batchmean') {
    const s = callOp('kl_div', input, target, 2, logTarget) as Tensor;
    const r = s.div(input.shape[0]);
    s.dispose();
    return r;
  }
  return callOp('kl_div', input, target, reductionCode(reduction), logTarget);
}

export const marginRankingLoss = (a: Tensor, b: Tensor, target: Tensor, margin = 0, reduction: Reduction = 'mean'): Tensor =>
  callOp('margin_ranking_loss', a, b, target, margin, reductionCode(reduction));

// Re-exported so that `F.cat`-style helpers are at hand in model code.
export { cat };
export type { Scalar };
