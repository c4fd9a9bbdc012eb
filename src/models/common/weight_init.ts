/**
 * mmcv's weight-init helpers (mmcv/cnn/utils/weight_init.py, mmcv 1.7): the same defaults and
 * the same order of random draws (weight first, then bias), so that a model built after
 * `torch.manualSeed(s)` holds the numbers MMAction2 would hold.
 */
import * as torch from '../../torch/index.ts';

type Module = torch.nn.Module;
type Tensor = torch.Tensor;
const init = torch.nn.init;

function weightOf(m: Module): Tensor | null {
  return m.getParameter('weight') ?? null;
}
function biasOf(m: Module): Tensor | null {
  return m.getParameter('bias') ?? null;
}

/** constant_init(module, val, bias=0). */
export function constantInit(m: Module, val: number, bias = 0): void {
  const w = weightOf(m);
  if (w) init.constant_(w, val);
  const b = biasOf(m);
  if (b) init.constant_(b, bias);
}

/** normal_init(module, mean=0, std=1, bias=0). */
export function normalInit(m: Module, { mean = 0, std = 1, bias = 0 }: { mean?: number; std?: number; bias?: number } = {}): void {
  const w = weightOf(m);
  if (w) init.normal_(w, mean, std);
  const b = biasOf(m);
  if (b) init.constant_(b, bias);
}

/** uniform_init(module, a=0, b=1, bias=0). */
export function uniformInit(m: Module, { a = 0, b = 1, bias = 0 }: { a?: number; b?: number; bias?: number } = {}): void {
  const w = weightOf(m);
  if (w) init.uniform_(w, a, b);
  const bb = biasOf(m);
  if (bb) init.constant_(bb, bias);
}

/** xavier_init(module, gain=1, bias=0, distribution='normal'). */
export function xavierInit(m: Module, { gain = 1, bias = 0, distribution = 'normal' }: { gain?: number; bias?: number; distribution?: 'normal' | 'uniform' } = {}): void {
  const w = weightOf(m);
  if (w) (distribution === 'uniform' ? init.xavierUniform_ : init.xavierNormal_)(w, gain);
  const b = biasOf(m);
  if (b) init.constant_(b, bias);
}

/** trunc_normal_init(module, mean=0, std=1, a=-2, b=2, bias=0). */
export function truncNormalInit(m: Module, { mean = 0, std = 1, a = -2, b = 2, bias = 0 }: { mean?: number; std?: number; a?: number; b?: number; bias?: number } = {}): void {
  const w = weightOf(m);
  if (w) init.truncNormal_(w, mean, std, a, b);
  const bb = biasOf(m);
  if (bb) init.constant_(bb, bias);
}

export interface KaimingInitOptions {
  /** Negative slope of the rectifier (leaky_relu). Default 0. */
  a?: number;
  /** mmcv's default is 'fan_out' (PyTorch's is 'fan_in'). */
  mode?: 'fan_in' | 'fan_out';
  /** Default 'relu'. */
  nonlinearity?: torch.nn.init.Nonlinearity;
  bias?: number;
  /** Default 'normal'. */
  distribution?: 'normal' | 'uniform';
}

/** kaiming_init(module, a=0, mode='fan_out', nonlinearity='relu', bias=0, distribution='normal'). */
export function kaimingInit(m: Module, { a = 0, mode = 'fan_out', nonlinearity = 'relu', bias = 0, distribution = 'normal' }: KaimingInitOptions = {}): void {
  const w = weightOf(m);
  if (w) (distribution === 'uniform' ? init.kaimingUniform_ : init.kaimingNormal_)(w, a, mode, nonlinearity);
  const b = biasOf(m);
  if (b) init.constant_(b, bias);
}

/** caffe2_xavier_init: kaiming uniform with a=1, fan_in, leaky_relu. */
export function caffe2XavierInit(m: Module, bias = 0): void {
  kaimingInit(m, { a: 1, mode: 'fan_in', nonlinearity: 'leaky_relu', bias, distribution: 'uniform' });
}
