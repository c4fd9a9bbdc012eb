/**
 * Ops, nn.functional, autograd, optimizers and RNG against values computed by PyTorch 1.13
 * (test/fixtures/torch/ops.json, written by scripts/fixtures/gen_torch_ops.py).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { torch } from '../../src/index.ts';
import { assertClose, decode, type EncTensor } from '../helpers/fixture_tensors.ts';

const { F } = torch;
type T = torch.Tensor;
const fixture = JSON.parse(readFileSync(new URL('../fixtures/torch/ops.json', import.meta.url), 'utf8')) as {
  cases: Record<string, { inputs: EncTensor[]; output: EncTensor | EncTensor[] }>;
};

const optimRun = (make: (p: T) => torch.optim.Optimizer) => (p0: T, t: T, s: T): T => {
  const p = p0.clone().requiresGrad_(true);
  const opt = make(p);
  for (let i = 0; i < 5; i++) {
    opt.zeroGrad();
    torch.tidy(() => { p.sub(t).pow(2).mul(s).sum().backward(); });
    opt.step();
  }
  return p.detach();
};

const impl: Record<string, (...x: T[]) => T | T[]> = {
  add_broadcast: (x, y) => x.add(y),
  sub_alpha: (x, y) => x.sub(y, 2),
  mul_div: (x, y) => x.mul(y).div(y.add(1)),
  div_floor: (x, y) => x.div(y, 'floor'),
  remainder: (x, y) => x.remainder(y),
  pow_scalar: (x) => x.pow(2.5),
  pow_tensor: (x, y) => x.pow(y),
  unary_mix: (x) => torch.stack([x.exp(), x.abs().add(1).log(), x.abs().sqrt(), x.sigmoid(), x.tanh(), x.clamp(-0.5, 0.5),
    x.erf(), x.neg(), x.floor(), x.round(), x.sign()]),
  where_cmp: (x, y) => torch.where(x.gt(y), x, y.mul(2)),
  logical: (x, y) => torch.stack([x.gt(0).logicalAnd(y.gt(0)), x.gt(0).logicalOr(y.lt(0)), x.gt(0).logicalNot(), x.eq(y), x.ne(y), x.le(0.1)]),
  sum_dims: (x) => x.sum([0, 2]),
  mean_keepdim: (x) => x.mean(1, true),
  max_dim: (x) => x.max(2),
  min_all: (x) => x.min(),
  argmax: (x) => x.argmax(1),
  topk: (x) => x.topk(2, -1),
  sort_desc: (x) => x.sort(1, true),
  cumsum: (x) => x.cumsum(2),
  std_var: (x) => torch.stack([x.std(1), x.var(1, false)]),
  norm: (x) => torch.stack([x.norm(), x.norm(1), x.norm(2, 2).sum()]),
  logsumexp: (x) => x.logsumexp(-1),
  all_any: (x) => torch.stack([x.gt(-10).all(), x.gt(10).any(), x.gt(0).any()]),
  matmul: (x, y) => x.matmul(y),
  bmm: (x, y) => x.bmm(y),
  einsum: (x, y) => torch.einsum('bij,bjk->bik', x, y),
  linear: (x, w, b) => F.linear(x, w, b),
  shape_ops: (x) => x.permute(2, 0, 1).reshape(4, 6).transpose(0, 1).flatten().unflatten(0, [3, 8])
    .unsqueeze(1).expand(3, 2, 8).repeat(1, 1, 2).flip(0).roll(3, 2),
  squeeze: (x) => x.squeeze().unsqueeze(0).squeeze(0),
  cat_stack: (x, y) => torch.cat([torch.stack([x, y], 1).reshape(3, 8), x], 1),
  split_chunk: (x) => [...x.split([1, 3], 2), ...x.chunk(2, 1)],
  narrow_slice: (x) => x.narrow(2, 1, 2).index(':', '1:3:2', '::2'),
  index_select: (x, i) => x.indexSelect(1, i),
  gather: (x, i) => x.gather(2, i),
  scatter: (z, i, s) => z.scatter(1, i, s),
  masked_fill: (x) => x.maskedFill(x.lt(0), -7.0),
  bool_mask: (x) => x.index(x.gt(0)),
  adv_index: (x, i, j) => x.index(i, ':', j),
  pad: (x) => torch.stack([F.pad(x, [1, 2, 0, 1], 'constant', 0.5), F.pad(x, [1, 2, 0, 1], 'reflect'), F.pad(x, [1, 2, 0, 1], 'replicate')]),
  conv2d: (x, w, b) => F.conv2d(x, w, b, { stride: 2, padding: 1, dilation: 1, groups: 2 }),
  conv2d_dil: (x, w) => F.conv2d(x, w, null, { padding: 2, dilation: 2 }),
  conv1d: (x, w) => F.conv1d(x, w, null, { padding: 1 }),
  conv3d: (x, w, b) => F.conv3d(x, w, b, { stride: [1, 2, 2], padding: [1, 0, 0] }),
  conv_transpose2d: (x, w) => F.convTranspose2d(x, w, null, { stride: 2, padding: 1, outputPadding: 1 }),
  max_pool2d: (x) => F.maxPool2d(x, 3, { stride: 2, padding: 1 }),
  max_pool2d_ceil: (x) => F.maxPool2d(x, 2, { ceilMode: true }),
  avg_pool2d: (x) => F.avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }),
  max_pool3d: (x) => F.maxPool3d(x, [1, 3, 3], { stride: [1, 2, 2], padding: [0, 1, 1] }),
  avg_pool3d: (x) => F.avgPool3d(x, [2, 2, 2], { stride: [2, 2, 2], ceilMode: true }),
  adaptive_pools: (x) => torch.cat([F.adaptiveAvgPool3d(x, 1).flatten(), F.adaptiveMaxPool3d(x, [1, 2, 2]).flatten(),
    F.adaptiveAvgPool2d(x.index(':', ':', 0), [3, 2]).flatten()]),
  batch_norm_eval: (x, m, v, w, b) => F.batchNorm(x, m, v, { weight: w, bias: b, training: false, eps: 1e-3 }),
  batch_norm_train: (x, m, v, w, b) => {
    const m2 = m.clone(), v2 = v.clone();
    return [F.batchNorm(x, m2, v2, { weight: w, bias: b, training: true, momentum: 0.2 }), m2, v2];
  },
  layer_norm: (x, w, b) => F.layerNorm(x, [4], w, b, 1e-6),
  group_norm: (x, w, b) => F.groupNorm(x, 2, w, b),
  instance_norm: (x) => F.instanceNorm(x),
  activations: (x) => torch.stack([F.relu6(x.mul(4)), F.leakyRelu(x, 0.2), F.gelu(x), F.silu(x), F.hardswish(x), F.softplus(x),
    F.elu(x), F.hardsigmoid(x), F.gelu(x, 'tanh')]),
  softmax: (x) => torch.stack([F.softmax(x, -1), F.logSoftmax(x, 1)]),
  interp_nearest: (x) => F.interpolate(x, { scaleFactor: 2, mode: 'nearest' }),
  interp_bilinear: (x) => torch.stack([F.interpolate(x, { size: [5, 13], mode: 'bilinear', alignCorners: false }),
    F.interpolate(x, { size: [5, 13], mode: 'bilinear', alignCorners: true })]),
  interp_trilinear: (x) => F.interpolate(x, { scaleFactor: [2, 0.5, 0.5], mode: 'trilinear', alignCorners: false }),
  grid_sample: (x, g) => torch.stack([F.gridSample(x, g, { alignCorners: false }),
    F.gridSample(x, g, { mode: 'nearest', paddingMode: 'border', alignCorners: true })]),
  unfold: (x) => F.unfold(x, 3, { padding: 1, stride: 2 }),
  one_hot: (i) => F.oneHot(i, 5),
  cross_entropy: (l, t, w, s) => torch.stack([F.crossEntropy(l, t), F.crossEntropy(l, t, { weight: w }),
    F.crossEntropy(l, t, { labelSmoothing: 0.1 }), F.crossEntropy(l, s), F.crossEntropy(l, t, { reduction: 'sum' })]),
  cross_entropy_none: (l, t) => F.crossEntropy(l, t, { reduction: 'none' }),
  nll_loss: (l, t) => F.nllLoss(l, t),
  bce: (p, t, l, w) => torch.stack([F.binaryCrossEntropy(p, t), F.binaryCrossEntropyWithLogits(l, t),
    F.binaryCrossEntropyWithLogits(l, t, { posWeight: w })]),
  reg_losses: (x, y) => torch.stack([F.mseLoss(x, y), F.smoothL1Loss(x, y, 'mean', 0.5), F.l1Loss(x, y),
    F.klDiv(F.logSoftmax(x, 1), F.softmax(y, 1), 'batchmean'), F.cosineSimilarity(x, y).sum()]),
  autograd_conv: (x0, w0) => {
    const x = x0.clone().requiresGrad_(true), w = w0.clone().requiresGrad_(true);
    const y = F.conv2d(x, w, null, { padding: 1 }).relu().mean().add(w.pow(2).sum().mul(0.1));
    y.backward();
    return [y.detach(), x.grad!, w.grad!];
  },
  autograd_double: (x0) => {
    const x = x0.clone().requiresGrad_(true);
    const y = x.pow(3).sum();
    const [gx] = torch.autograd.grad(y, x, { createGraph: true });
    const [ggx] = torch.autograd.grad(gx!.sum(), x);
    return [gx!.detach(), ggx!];
  },
  sgd_momentum: optimRun((p) => new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9, weight_decay: 1e-2, dampening: 0.1 })),
  sgd_nesterov: optimRun((p) => new torch.optim.SGD([p], { lr: 0.1, momentum: 0.9, nesterov: true })),
  adam: optimRun((p) => new torch.optim.Adam([p], { lr: 0.05, weight_decay: 1e-2 })),
  adam_amsgrad: optimRun((p) => new torch.optim.Adam([p], { lr: 0.05, amsgrad: true })),
  adamw: optimRun((p) => new torch.optim.AdamW([p], { lr: 0.05, weight_decay: 0.1 })),
  rmsprop: optimRun((p) => new torch.optim.RMSprop([p], { lr: 0.01, momentum: 0.5, centered: true, weight_decay: 1e-3 })),
  clip_grad_norm: (g0) => {
    const p = torch.zeros([7], { requiresGrad: true });
    p.grad = g0.clone();
    const n = torch.optim.clipGradNorm_([p], 0.5);
    return [n, p.grad!];
  },
  rng_init: () => {
    torch.manualSeed(42);
    const r1 = torch.randn([5]);
    const r2 = torch.rand([5]);
    const r3 = torch.randint(0, 10, [6]).float();
    const r4 = torch.randperm(8).float();
    const conv = new torch.nn.Conv2d(3, 4, 3);
    const lin = new torch.nn.Linear(6, 2);
    const t = torch.nn.init.truncNormal_(torch.empty([20]), 0, 0.02);
    const k = torch.nn.init.kaimingNormal_(torch.empty([4, 3, 2, 2]), 0, 'fan_out', 'relu');
    const xv = torch.nn.init.xavierUniform_(torch.empty([5, 6]));
    return [r1, r2, r3, r4, conv.weight, conv.bias!, lin.weight, lin.bias!, t, k, xv].map((x) => x.detach());
  },
  multihead_attention: (q, k) => {
    torch.manualSeed(7);
    const m = new torch.nn.MultiheadAttention(8, 2).eval();
    const [out, w] = m.call(q, k, k) as [T, T];
    return [out, w, m.inProjWeight.detach(), m.outProj.weight.detach()];
  },
};

test('every fixture case has an implementation and vice versa', () => {
  assert.deepEqual(Object.keys(impl).sort(), Object.keys(fixture.cases).sort());
});

for (const [name, c] of Object.entries(fixture.cases)) {
  test(`parity with PyTorch: ${name}`, () => {
    torch.tidy(() => {
      const inputs = c.inputs.map(decode);
      const out = impl[name](...inputs);
      const outs = Array.isArray(out) ? out : [out];
      const exp = Array.isArray(c.output) ? c.output : [c.output];
      assert.equal(outs.length, exp.length, `${name}: number of outputs`);
      // Reductions and convolutions may sum in another order than PyTorch's build: allow float32 rounding.
      outs.forEach((o, i) => assertClose(o, exp[i], `${name}[${i}]`, { rtol: 1e-5, atol: 2e-6 }));
    });
  });
}
