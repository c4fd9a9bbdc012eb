/** nn.init: the same formulas (and random draws, in the same order) as torch.nn.init. */
import { noGrad } from '../autograd.ts';
import type { Tensor } from '../tensor.ts';

export type Nonlinearity = 'linear' | 'conv1d' | 'conv2d' | 'conv3d' | 'conv_transpose1d' | 'conv_transpose2d' |
  'conv_transpose3d' | 'sigmoid' | 'tanh' | 'relu' | 'leaky_relu' | 'selu';
export type FanMode = 'fan_in' | 'fan_out';

export function calculateGain(nonlinearity: Nonlinearity, param?: number | null): number {
  switch (nonlinearity) {
    case 'linear': case 'conv1d': case 'conv2d': case 'conv3d': case 'conv_transpose1d': case 'conv_transpose2d':
    case 'conv_transpose3d': case 'sigmoid': return 1;
    case 'tanh': return 5 / 3;
    case 'relu': return Math.sqrt(2.0);
    case 'leaky_relu': {
      const slope = param ?? 0.01;
      return Math.sqrt(2.0 / (1 + slope ** 2));
    }
    case 'selu': return 3.0 / 4;
  }
  throw new TypeError(`unsupported nonlinearity ${nonlinearity}`);
}

export function calculateFanInAndFanOut(t: Tensor): [number, number] {
  const s = t.shape;
  if (s.length < 2) throw new RangeError('fan in and fan out can not be computed for tensor with fewer than 2 dimensions');
  const rf = s.slice(2).reduce((a, b) => a * b, 1);
  return [s[1] * rf, s[0] * rf];
}

function fan(t: Tensor, mode: FanMode): number {
  const [fi, fo] = calculateFanInAndFanOut(t);
  return mode === 'fan_in' ? fi : fo;
}

export const uniform_ = (t: Tensor, a = 0, b = 1): Tensor => noGrad(() => t.uniform_(a, b));
export const normal_ = (t: Tensor, mean = 0, std = 1): Tensor => noGrad(() => t.normal_(mean, std));
export const constant_ = (t: Tensor, v: number): Tensor => noGrad(() => t.fill_(v));
export const zeros_ = (t: Tensor): Tensor => noGrad(() => t.zero_());
export const ones_ = (t: Tensor): Tensor => noGrad(() => t.fill_(1));

export function xavierUniform_(t: Tensor, gain = 1): Tensor {
  const [fi, fo] = calculateFanInAndFanOut(t);
  const std = gain * Math.sqrt(2.0 / (fi + fo));
  const a = Math.sqrt(3.0) * std;
  return uniform_(t, -a, a);
}

export function xavierNormal_(t: Tensor, gain = 1): Tensor {
  const [fi, fo] = calculateFanInAndFanOut(t);
  return normal_(t, 0, gain * Math.sqrt(2.0 / (fi + fo)));
}

/** PyTorch: initializing a zero-element tensor is a no-op (with a warning there). */
const isEmpty = (t: Tensor) => t.shape.includes(0);

export function kaimingUniform_(t: Tensor, a = 0, mode: FanMode = 'fan_in', nonlinearity: Nonlinearity = 'leaky_relu'): Tensor {
  if (isEmpty(t)) return t;
  const std = calculateGain(nonlinearity, a) / Math.sqrt(fan(t, mode));
  const bound = Math.sqrt(3.0) * std;
  return uniform_(t, -bound, bound);
}

export function kaimingNormal_(t: Tensor, a = 0, mode: FanMode = 'fan_in', nonlinearity: Nonlinearity = 'leaky_relu'): Tensor {
  if (isEmpty(t)) return t;
  return normal_(t, 0, calculateGain(nonlinearity, a) / Math.sqrt(fan(t, mode)));
}

/** erf in double precision (W. J. Cody's rational approximations, as in most libms). */
export function erf(x: number): number {
  const ax = Math.abs(x);
  if (ax < 0.5) {
    const t = x * x;
    const p = [3.16112374387056560e00, 1.13864154151050156e02, 3.77485237685302021e02, 3.20937758913846947e03, 1.85777706184603153e-1];
    const q = [2.36012909523441209e01, 2.44024637934444173e02, 1.28261652607737228e03, 2.84423683343917062e03];
    let num = p[4] * t;
    let den = t;
    for (let i = 0; i < 3; i++) { num = (num + p[i]) * t; den = (den + q[i]) * t; }
    return (x * (num + p[3])) / (den + q[3]);
  }
  return x < 0 ? -(1 - erfcPos(ax)) : 1 - erfcPos(ax);
}

function erfcPos(x: number): number {
  let r: number;
  if (x <= 4) {
    const c = [5.64188496988670089e-1, 8.88314979438837594e00, 6.61191906371416295e01, 2.98635138197400131e02,
      8.81952221241769090e02, 1.71204761263407058e03, 2.05107837782607147e03, 1.23033935479799725e03, 2.15311535474403846e-8];
    const d = [1.57449261107098347e01, 1.17693950891312499e02, 5.37181101862009858e02, 1.62138957456669019e03,
      3.29079923573345963e03, 4.36261909014324716e03, 3.43936767414372164e03, 1.23033935480374942e03];
    let num = c[8] * x;
    let den = x;
    for (let i = 0; i < 7; i++) { num = (num + c[i]) * x; den = (den + d[i]) * x; }
    r = (num + c[7]) / (den + d[7]);
  } else {
    const p = [3.05326634961232344e-1, 3.60344899949804439e-1, 1.25781726111229246e-1, 1.60837851487422766e-2,
      6.58749161529837803e-4, 1.63153871373020978e-2];
    const q = [2.56852019228982242e00, 1.87295284992346725e00, 5.27905102951428412e-1, 6.05183413124413191e-2, 2.33520497626869185e-3];
    const z = 1 / (x * x);
    let num = p[5] * z;
    let den = z;
    for (let i = 0; i < 4; i++) { num = (num + p[i]) * z; den = (den + q[i]) * z; }
    r = (z * (num + p[4])) / (den + q[4]);
    r = (1 / Math.sqrt(Math.PI) - r) / x;
  }
  const xsq = Math.trunc(x * 16) / 16;
  const del = (x - xsq) * (x + xsq);
  return Math.exp(-xsq * xsq) * Math.exp(-del) * r;
}

/** trunc_normal_ as in torch.nn.init (inverse-CDF sampling from a uniform draw). */
export function truncNormal_(t: Tensor, mean = 0, std = 1, a = -2, b = 2): Tensor {
  const normCdf = (x: number) => (1 + erf(x / Math.sqrt(2))) / 2;
  const l = normCdf((a - mean) / std);
  const u = normCdf((b - mean) / std);
  return noGrad(() => {
    t.uniform_(2 * l - 1, 2 * u - 1);
    t.erfinv_();
    t.mul_(std * Math.sqrt(2));
    t.add_(mean);
    t.clamp_(a, b);
    return t;
  });
}

// snake_case aliases, so that code ported from MMAction2/mmcv reads the same.
export { uniform_ as uniform, normal_ as normal, constant_ as constant };
export {
  xavierUniform_ as xavier_uniform_, xavierNormal_ as xavier_normal_, kaimingUniform_ as kaiming_uniform_,
  kaimingNormal_ as kaiming_normal_, truncNormal_ as trunc_normal_,
};
