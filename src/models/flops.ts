/**
 * FLOPs and parameters like mmcv's get_model_complexity_info (mmcv/cnn/utils/flops_counter.py),
 * which MMAction2's tools/analysis/get_flops.py runs on `forward_dummy`: forward hooks on the
 * module types mmcv knows (exact types: convs count multiply-accumulates + bias, norms 1 or 2 per
 * input element, activations and pools 1 per element, linear in*out), summed and divided by the
 * batch size. Functional ops (additions, reshapes, attention matmuls) are not counted, as in mmcv.
 */
import * as torch from '../torch/index.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;
type Module = torch.nn.Module;

const prod = (s: number[]) => s.reduce((a, b) => a * b, 1);
const first = (inputs: unknown[]) => inputs[0] as Tensor;

function convFlops(m: Module, inputs: unknown[], out: Tensor): number {
  const c = m as unknown as { kernelSize: number[]; inChannels: number; outChannels: number; groups: number; bias: Tensor | null };
  const active = first(inputs).shape[0] * prod(out.shape.slice(2));
  const perPosition = prod(c.kernelSize) * c.inChannels * Math.floor(c.outChannels / c.groups);
  return perPosition * active + (c.bias ? c.outChannels * active : 0);
}
const elementwise = (_m: Module, _i: unknown[], out: Tensor) => out.numel();
const pool = (_m: Module, inputs: unknown[]) => first(inputs).numel();
const norm = (m: Module, inputs: unknown[]) => {
  const affine = (m as unknown as { affine?: boolean; elementwiseAffine?: boolean });
  const w = m.getParameter('weight');
  return first(inputs).numel() * ((affine.affine ?? affine.elementwiseAffine ?? Boolean(w)) && w ? 2 : 1);
};
const linear = (_m: Module, inputs: unknown[], out: Tensor) => first(inputs).numel() * out.shape[out.ndim - 1];

type Counter = (m: Module, inputs: unknown[], out: Tensor) => number;

/** mmcv's get_modules_mapping, by exact class. */
export const FLOPS_COUNTERS: ReadonlyMap<Function, Counter> = new Map<Function, Counter>([
  [nn.Conv1d, convFlops], [nn.Conv2d, convFlops], [nn.Conv3d, convFlops],
  [nn.ReLU, elementwise], [nn.ELU, elementwise], [nn.LeakyReLU, elementwise], [nn.ReLU6, elementwise],
  [nn.MaxPool1d, pool], [nn.AvgPool1d, pool], [nn.AvgPool2d, pool], [nn.MaxPool2d, pool], [nn.MaxPool3d, pool], [nn.AvgPool3d, pool],
  [nn.AdaptiveAvgPool1d, pool], [nn.AdaptiveAvgPool2d, pool], [nn.AdaptiveMaxPool2d, pool], [nn.AdaptiveAvgPool3d, pool], [nn.AdaptiveMaxPool3d, pool],
  [nn.BatchNorm1d, norm], [nn.BatchNorm2d, norm], [nn.BatchNorm3d, norm], [nn.GroupNorm, norm], [nn.LayerNorm, norm],
  [nn.Linear, linear],
]);

export interface ComplexityInfo {
  /** Multiply-accumulates etc. as mmcv counts them ("FLOPs" in MMAction2's model zoo). */
  flops: number;
  /** Trainable parameters. */
  params: number;
  /** FLOPs per module path (counted modules only). */
  perModule: Map<string, number>;
}

/**
 * Runs `forward(model, input)` once on zeros of `inputShape` (default: the model's forwardDummy
 * when it has one, like get_flops) under noGrad and returns FLOPs per sample and parameters.
 */
export function getModelComplexityInfo(model: Module, inputShape: number[],
  forward: (m: Module, x: Tensor) => unknown = (m, x) => ('forwardDummy' in m ? (m as unknown as { forwardDummy(x: Tensor): unknown }).forwardDummy(x) : m.call(x))): ComplexityInfo {
  const perModule = new Map<string, number>();
  const removers: (() => void)[] = [];
  for (const [name, m] of model.namedModules()) {
    const counter = FLOPS_COUNTERS.get(m.constructor);
    if (!counter) continue;
    removers.push(m.registerForwardHook((mod, inputs, out) => {
      perModule.set(name, (perModule.get(name) ?? 0) + counter(mod, inputs, out as Tensor));
    }));
  }
  try {
    torch.noGrad(() => torch.tidy(() => { forward(model, torch.zeros(inputShape)); }));
  } finally {
    for (const r of removers) r();
  }
  const total = [...perModule.values()].reduce((a, b) => a + b, 0);
  const params = model.parameters().filter((p) => p.requiresGrad).reduce((n, p) => n + p.numel(), 0);
  return { flops: Math.trunc(total / inputShape[0]), params, perModule };
}

/** mmcv's flops_to_string / params_to_string ('32.97 GFLOPs', '24.33 M'). */
export function formatComplexity(info: ComplexityInfo, precision = 2): { flops: string; params: string } {
  const f = info.flops;
  const flops = f >= 1e9 ? `${(f / 1e9).toFixed(precision)} GFLOPs` : f >= 1e6 ? `${(f / 1e6).toFixed(precision)} MFLOPs` : `${f} FLOPs`;
  const p = info.params;
  const params = p >= 1e6 ? `${(p / 1e6).toFixed(precision)} M` : p >= 1e3 ? `${(p / 1e3).toFixed(precision)} k` : String(p);
  return { flops, params };
}
