/** nn.Module naming, state dicts, modes and optimizer state: the contracts that checkpoints rely on. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.ts';

const { nn } = torch;

class Block extends nn.Module {
  conv1 = this.registerModule('conv1', new nn.Conv2d(3, 4, 3, { bias: false }));
  bn = this.registerModule('bn', new nn.BatchNorm2d(4));
  forward(x: torch.Tensor) { return this.bn.call(this.conv1.call(x)); }
}

class Net extends nn.Module {
  stem = this.registerModule('stem', new Block());
  layers = this.registerModule('layer1', new nn.Sequential(new nn.Conv2d(4, 4, 1), new nn.ReLU(), new nn.Conv2d(4, 2, 1)));
  heads = this.registerModule('heads', new nn.ModuleList([new nn.Linear(2, 3), new nn.Linear(2, 5)]));
  buf = this.registerBuffer('scale', torch.ones([2]));
  tmp = this.registerBuffer('cache', torch.zeros([1]), false);
  forward(x: torch.Tensor) { return this.heads.at(0).call(this.layers.call(this.stem.call(x)).mean([2, 3])); }
}

test('parameter and buffer names follow PyTorch, in registration order', () => {
  const net = new Net();
  assert.deepEqual([...net.stateDict().keys()], [
    'scale', 'stem.conv1.weight', 'stem.bn.weight', 'stem.bn.bias', 'stem.bn.running_mean', 'stem.bn.running_var',
    'stem.bn.num_batches_tracked', 'layer1.0.weight', 'layer1.0.bias', 'layer1.2.weight', 'layer1.2.bias',
    'heads.0.weight', 'heads.0.bias', 'heads.1.weight', 'heads.1.bias',
  ]);
  assert.deepEqual([...net.namedParameters()].map(([k]) => k).slice(0, 3), ['stem.conv1.weight', 'stem.bn.weight', 'stem.bn.bias']);
  assert.equal(net.stateDict().get('stem.bn.num_batches_tracked')!.dtype, 'int64');
  assert.ok(!net.stateDict().has('cache'), 'non-persistent buffers are not in the state dict');
  assert.deepEqual([...net.namedModules()].map(([k]) => k),
    ['', 'stem', 'stem.conv1', 'stem.bn', 'layer1', 'layer1.0', 'layer1.1', 'layer1.2', 'heads', 'heads.0', 'heads.1']);
  assert.equal(net.getSubmodule('layer1.2'), net.layers.at(2));
  assert.throws(() => net.getSubmodule('layer1.7'), /no submodule '7'/);
});

test('loadStateDict copies values and reports missing, unexpected and mismatched keys', () => {
  const a = new Net();
  const b = new Net();
  b.loadStateDict(a.stateDict());
  for (const [k, t] of a.stateDict()) assert.ok(t.equal(b.stateDict().get(k)!), k);
  const sd = new Map(a.stateDict());
  sd.delete('heads.1.bias');
  sd.set('extra.weight', torch.zeros([1]));
  sd.set('layer1.0.weight', torch.zeros([4, 4, 3, 3]));
  const report = b.loadStateDict(sd, { strict: false });
  assert.deepEqual(report.missingKeys, ['heads.1.bias']);
  assert.deepEqual(report.unexpectedKeys, ['extra.weight']);
  assert.deepEqual(report.shapeMismatch, [{ key: 'layer1.0.weight', expected: [4, 4, 1, 1], got: [4, 4, 3, 3] }]);
  assert.throws(() => b.loadStateDict(sd), (e: Error) => e instanceof nn.StateDictError &&
    /Missing key\(s\): "heads.1.bias"/.test(e.message) && /Unexpected key\(s\): "extra.weight"/.test(e.message) &&
    /size mismatch for layer1.0.weight/.test(e.message));
});

test('train/eval switch BatchNorm and Dropout behaviour; num_batches_tracked counts', () => {
  const bn = new nn.BatchNorm2d(2);
  const x = torch.randn([4, 2, 3, 3]).mul(3).add(1);
  bn.call(x);
  bn.call(x);
  assert.equal(bn.getBuffer('num_batches_tracked')!.item(), 2);
  assert.notDeepEqual(bn.runningMean!.toArray(), [0, 0]);
  bn.eval();
  const y1 = bn.call(x), y2 = bn.call(x);
  assert.ok(y1.equal(y2));
  assert.equal(bn.getBuffer('num_batches_tracked')!.item(), 2, 'eval mode does not count');
  const d = new nn.Dropout(0.5).eval();
  assert.ok(d.call(x).equal(x));
});

test('module.to(dtype) casts floating parameters and keeps integer buffers', () => {
  const net = new Net().to('float64');
  assert.equal(net.stateDict().get('stem.conv1.weight')!.dtype, 'float64');
  assert.equal(net.stateDict().get('stem.bn.num_batches_tracked')!.dtype, 'int64');
  assert.equal(net.stem.conv1.weight.requiresGrad, true);
  const out = net.call(torch.randn([1, 3, 5, 5], { dtype: 'float64' }));
  assert.equal(out.dtype, 'float64');
});

test('forward hooks see outputs and can replace them', () => {
  const net = new Net();
  const seen: number[][] = [];
  const remove = net.layers.registerForwardHook((_m, _in, out) => { seen.push((out as torch.Tensor).shape); });
  net.call(torch.randn([1, 3, 6, 6]));
  remove();
  net.call(torch.randn([1, 3, 6, 6]));
  assert.deepEqual(seen, [[1, 2, 4, 4]]);
});

test('optimizer state dict has PyTorch\'s layout and resumes identically', () => {
  const make = () => { torch.manualSeed(3); return new nn.Linear(4, 2); };
  const x = torch.randn([8, 4]);
  const run = (m: torch.nn.Linear, opt: torch.optim.Optimizer, steps: number) => {
    for (let i = 0; i < steps; i++) torch.tidy(() => { opt.zeroGrad(); m.call(x).pow(2).mean().backward(); opt.step(); });
  };
  const m1 = make();
  const o1 = new torch.optim.Adam(m1.parameters(), { lr: 0.1 });
  run(m1, o1, 6);
  const m2 = make();
  const o2 = new torch.optim.Adam(m2.parameters(), { lr: 0.1 });
  run(m2, o2, 3);
  const sd = o2.stateDict();
  assert.deepEqual(sd.param_groups[0].params, [0, 1]);
  assert.deepEqual(Object.keys(sd.state.get(0)!).sort(), ['exp_avg', 'exp_avg_sq', 'step']);
  assert.equal((sd.state.get(0)!.step as torch.Tensor).item(), 3);
  const m3 = make();
  m3.loadStateDict(m2.stateDict());
  const o3 = new torch.optim.Adam(m3.parameters(), { lr: 0.5 });
  o3.loadStateDict(sd);
  assert.equal(o3.paramGroups[0].options.lr, 0.1, 'group options come from the state dict');
  run(m3, o3, 3);
  assert.ok(m3.weight.equal(m1.weight), 'resumed run equals the uninterrupted one bit for bit');
  assert.throws(() => new torch.optim.SGD(m1.parameters(), { lr: 0.1, nesterov: true }), /Nesterov/);
  assert.throws(() => new torch.optim.SGD([{ params: m1.parameters(), lr_typo: 1 }] as never, { lr: 0.1 }), /unknown parameter group option 'lr_typo'/);
});

test('init of a zero-element tensor is a no-op, as in PyTorch', () => {
  const w = torch.empty([0, 3, 3, 3]);
  assert.equal(torch.nn.init.kaimingUniform_(w, Math.sqrt(5)), w);
  assert.equal(torch.nn.init.kaimingNormal_(w), w);
  const conv = new torch.nn.Conv2d(3, 0, 3);
  assert.deepEqual(conv.weight.shape, [0, 3, 3, 3]);
});

test('without autograd, a module call frees its intermediates when it returns, and Sequential each output once used', () => {
  const live = () => torch.memory().liveHandles;
  const seen: number[] = [];
  class Probe extends nn.Module {
    forward(x: torch.Tensor) { seen.push(live()); return x.mul(1); }
  }
  const net = new nn.Sequential(new nn.Conv2d(4, 4, 3, { padding: 1 }), new Probe(), new nn.ReLU(), new Probe(),
    new nn.Conv2d(4, 4, 1), new Probe(), new nn.Sigmoid(), new Probe());
  net.eval();
  const x = torch.randn([2, 4, 16, 16]);
  torch.tidy(() => {
    const before = live();
    const y = torch.noGrad(() => net.call(x));
    assert.equal(live() - before, 1, 'only the output is alive');
    // One activation at a time inside the Sequential, not one more per step.
    assert.deepEqual(seen.map((n) => n - seen[0]), [0, 0, 0, 0]);
    const ref = torch.noGrad(() => {
      let h = x;
      for (const m of net.children()) h = m.forward(h);
      return h;
    });
    assert.ok(y.equal(ref));
  });
  // With autograd the intermediates stay until the enclosing tidy ends (the graph holds them anyway).
  seen.length = 0;
  torch.tidy(() => {
    const before = live();
    net.call(x);
    assert.ok(live() - before > 1);
    assert.ok(seen[3] > seen[0]);
  });
  x.dispose();
});
