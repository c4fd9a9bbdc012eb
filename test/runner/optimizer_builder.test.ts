/**
 * Optimizer builder: parameter groups and their lr / weight_decay, derived by hand from mmcv 1.7's
 * DefaultOptimizerConstructor.add_params and MMAction2 0.24's TSMOptimizerConstructor rules.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.ts';
import { buildOptimizer } from '../../src/runner/optimizer_builder.ts';
import { Config } from '../../src/config/config.ts';

const { nn } = torch;
type Optimizer = InstanceType<typeof torch.optim.Optimizer>;

class Head extends nn.Module {
  fc_cls = this.registerModule('fc_cls', new nn.Linear(8, 5));
  forward(x: torch.Tensor) { return this.fc_cls.call(x); }
}

class Net extends nn.Module {
  scale = this.registerParameter('scale', torch.ones([1]));
  conv1 = this.registerModule('conv1', new nn.Conv2d(3, 4, 3));
  bn1 = this.registerModule('bn1', new nn.BatchNorm2d(4));
  dw = this.registerModule('dw', new nn.Conv2d(4, 4, 3, { groups: 4 }));
  backbone = this.registerModule('backbone', new nn.Sequential(new nn.Conv3d(4, 8, 1, { bias: false }), new nn.GroupNorm(2, 8), new nn.LayerNorm(8)));
  cls_head = this.registerModule('cls_head', new Head());
  frozen = this.registerModule('frozen', new nn.Linear(2, 2));
  constructor() {
    super();
    this.frozen.requiresGrad_(false);
  }
  forward(x: torch.Tensor) { return x; }
}

/** [names, lr, weight_decay] per group, names resolved from the model. */
function groups(model: InstanceType<typeof nn.Module>, opt: Optimizer): [string[], number, number][] {
  const names = new Map([...model.namedParameters()].map(([k, p]) => [p, k]));
  return opt.paramGroups.map((g) => [g.params.map((p) => names.get(p)!), g.options.lr as number, g.options.weight_decay as number]);
}

function assertGroups(actual: [string[], number, number][], expected: [string[], number, number][]): void {
  assert.deepEqual(actual.map((g) => g[0]), expected.map((g) => g[0]));
  actual.forEach((g, i) => {
    assert.ok(Math.abs(g[1] - expected[i][1]) < 1e-15, `group ${i} (${g[0]}): lr ${g[1]} != ${expected[i][1]}`);
    assert.ok(Math.abs(g[2] - expected[i][2]) < 1e-15, `group ${i} (${g[0]}): weight_decay ${g[2]} != ${expected[i][2]}`);
  });
}

test('no paramwise_cfg: one group with every parameter, frozen ones included (model.parameters())', () => {
  const net = new Net();
  const opt = buildOptimizer(net, { type: 'SGD', lr: 0.01, momentum: 0.9, weight_decay: 1e-4 });
  assert.equal(opt.paramGroups.length, 1);
  assert.equal(opt.paramGroups[0].params.length, net.parameters().length);
  assert.equal(opt.paramGroups[0].options.momentum, 0.9);
  assert.ok(opt instanceof torch.optim.SGD);
});

test('bias_lr_mult, bias_decay_mult, norm_decay_mult, dwconv_decay_mult: one group per parameter', () => {
  const net = new Net();
  const opt = buildOptimizer(net, {
    type: 'SGD', lr: 0.01, momentum: 0.9, weight_decay: 1e-4,
    paramwise_cfg: { bias_lr_mult: 2, bias_decay_mult: 0, norm_decay_mult: 0, dwconv_decay_mult: 0.5 },
  });
  assertGroups(groups(net, opt), [
    [['scale'], 0.01, 1e-4],
    [['conv1.weight'], 0.01, 1e-4],
    [['conv1.bias'], 0.02, 0],
    [['bn1.weight'], 0.01, 0],
    [['bn1.bias'], 0.01, 0], // norm biases keep the base lr
    [['dw.weight'], 0.01, 5e-5],
    [['dw.bias'], 0.02, 5e-5], // depthwise decay wins over bias decay; bias lr still applies
    [['backbone.0.weight'], 0.01, 1e-4], // Conv3d is never "depthwise" (mmcv tests Conv2d only)
    [['backbone.1.weight'], 0.01, 0],
    [['backbone.1.bias'], 0.01, 0],
    [['backbone.2.weight'], 0.01, 0],
    [['backbone.2.bias'], 0.01, 0],
    [['cls_head.fc_cls.weight'], 0.01, 1e-4],
    [['cls_head.fc_cls.bias'], 0.02, 0],
    [['frozen.weight'], 0.01, 1e-4], // requires_grad=False: its own group, optimizer defaults
    [['frozen.bias'], 0.01, 1e-4],
  ]);
});

test('custom_keys: longest matching key wins, ties alphabetical, and it overrides the other rules', () => {
  const net = new Net();
  const opt = buildOptimizer(net, {
    type: 'SGD', lr: 0.01, weight_decay: 1e-4,
    paramwise_cfg: {
      bias_lr_mult: 2, norm_decay_mult: 0,
      custom_keys: {
        backbone: { lr_mult: 0.1, decay_mult: 0.9 }, 'backbone.1': { lr_mult: 0.5 },
        fc: { lr_mult: 10 }, cls: { lr_mult: 3 }, onv1: { lr_mult: 9 }, conv: { lr_mult: 7, decay_mult: 0 }, '.sca': { decay_mult: 2 },
      },
    },
  });
  assertGroups(groups(net, opt), [
    [['scale'], 0.01, 2e-4], // top-level names are matched as '.scale'
    [['conv1.weight'], 0.07, 0], // 'conv' and 'onv1' tie on length: 'conv' sorts first
    [['conv1.bias'], 0.07, 0],
    [['bn1.weight'], 0.01, 0],
    [['bn1.bias'], 0.01, 0],
    [['dw.weight'], 0.01, 1e-4],
    [['dw.bias'], 0.02, 1e-4],
    [['backbone.0.weight'], 0.001, 9e-5],
    [['backbone.1.weight'], 0.005, 1e-4], // custom key: norm_decay_mult no longer applies
    [['backbone.1.bias'], 0.005, 1e-4],
    [['backbone.2.weight'], 0.001, 9e-5],
    [['backbone.2.bias'], 0.001, 9e-5],
    [['cls_head.fc_cls.weight'], 0.03, 1e-4], // 'cls' (3) is longer than 'fc' (2)
    [['cls_head.fc_cls.bias'], 0.03, 1e-4],
    [['frozen.weight'], 0.01, 1e-4],
    [['frozen.bias'], 0.01, 1e-4],
  ]);
});

test('bypass_duplicate: a module shared by two parents is added once; without it the build fails', () => {
  class Shared extends nn.Module {
    lin = new nn.Linear(2, 2);
    a = this.registerModule('a', new nn.Sequential(this.lin));
    b = this.registerModule('b', this.lin);
    forward(x: torch.Tensor) { return x; }
  }
  const net = new Shared();
  assert.throws(() => buildOptimizer(net, { type: 'SGD', lr: 0.1, paramwise_cfg: { bias_lr_mult: 2 } }), /more than one parameter group/);
  const opt = buildOptimizer(net, { type: 'SGD', lr: 0.1, paramwise_cfg: { bias_lr_mult: 2, bypass_duplicate: true } });
  assertGroups(groups(net, opt), [[['a.0.weight'], 0.1, 0], [['a.0.bias'], 0.2, 0]]);
});

class TsmNet extends nn.Module {
  conv1 = this.registerModule('conv1', new nn.Conv2d(3, 4, 3));
  bn1 = this.registerModule('bn1', new nn.BatchNorm2d(4));
  layer = this.registerModule('layer', new nn.Sequential(new nn.Conv2d(4, 4, 1, { bias: false }), new nn.ReLU(), new nn.Conv3d(4, 8, 1)));
  gn = this.registerModule('gn', new nn.GroupNorm(2, 8));
  cls_head = this.registerModule('cls_head', new Head());
  forward(x: torch.Tensor) { return x; }
}

const TSM_CFG = { type: 'SGD', constructor: 'TSMOptimizerConstructor', lr: 0.01, momentum: 0.9, weight_decay: 1e-4 };

test('TSMOptimizerConstructor with fc_lr5: seven groups in MMAction2 order', () => {
  const net = new TsmNet();
  const opt = buildOptimizer(net, { ...TSM_CFG, paramwise_cfg: { fc_lr5: true } });
  assertGroups(groups(net, opt), [
    [['conv1.weight'], 0.01, 1e-4],
    [['conv1.bias'], 0.02, 0],
    [['layer.0.weight', 'layer.2.weight'], 0.01, 1e-4],
    [['layer.2.bias'], 0.02, 0],
    [['bn1.weight', 'bn1.bias', 'gn.weight', 'gn.bias'], 0.01, 0],
    [['cls_head.fc_cls.weight'], 0.05, 1e-4],
    [['cls_head.fc_cls.bias'], 0.1, 0],
  ]);
  // the PyTorch state-dict layout: parameters numbered in group order
  const sd = opt.stateDict();
  assert.deepEqual(sd.param_groups.map((g) => g.params), [[0], [1], [2, 3], [4], [5, 6, 7, 8], [9], [10]]);
});

test('TSMOptimizerConstructor with fc_lr5=false: fc joins the normal groups; frozen BN params are left out', () => {
  const net = new TsmNet();
  net.bn1.requiresGrad_(false);
  const opt = buildOptimizer(net, { ...TSM_CFG, paramwise_cfg: { fc_lr5: false } });
  assertGroups(groups(net, opt), [
    [['conv1.weight'], 0.01, 1e-4],
    [['conv1.bias'], 0.02, 0],
    [['layer.0.weight', 'layer.2.weight', 'cls_head.fc_cls.weight'], 0.01, 1e-4],
    [['layer.2.bias', 'cls_head.fc_cls.bias'], 0.02, 0],
    [['gn.weight', 'gn.bias'], 0.01, 0],
    [[], 0.05, 1e-4],
    [[], 0.1, 0],
  ]);
});

test('TSMOptimizerConstructor refuses leaf modules it has no rule for, and a missing fc_lr5', () => {
  assert.throws(() => buildOptimizer(new Net(), { ...TSM_CFG, paramwise_cfg: { fc_lr5: true } }), /New atomic module type: LayerNorm/);
  assert.throws(() => buildOptimizer(new TsmNet(), { ...TSM_CFG, paramwise_cfg: { bias_lr_mult: 2 } }), /needs 'fc_lr5'/);
});

test('bad configs name the key', () => {
  const net = new TsmNet();
  assert.throws(() => buildOptimizer(net, { type: 'SDG', lr: 0.1 }), /optimizer: unknown type 'SDG'.*did you mean 'SGD'/);
  assert.throws(() => buildOptimizer(net, { type: 'SGD', lr: 0.1, momentun: 0.9 }), /unknown option 'momentun'.*did you mean 'momentum'/);
  assert.throws(() => buildOptimizer(net, { type: 'SGD' }), /missing required option 'lr'/);
  assert.throws(() => buildOptimizer(net, { type: 'SGD', lr: 0.1, paramwise_cfg: { norm_decay_mult: 0 } }), /norm_decay_mult: needs optimizer.weight_decay/);
  assert.throws(() => buildOptimizer(net, { type: 'SGD', lr: 0.1, paramwise_cfg: { bias_lr: 2 } as never }), /unknown option 'bias_lr'/);
  assert.throws(() => buildOptimizer(net, { type: 'SGD', lr: 0.1, constructor: 'Nope' }), /unknown optimizer constructor 'Nope'/);
});

test('Adam/AdamW/RMSprop with their PyTorch defaults', () => {
  const net = new TsmNet();
  const adamw = buildOptimizer(net, { type: 'AdamW', lr: 1e-3, betas: [0.9, 0.98] });
  assert.ok(adamw instanceof torch.optim.AdamW);
  assert.equal(adamw.paramGroups[0].options.weight_decay, 1e-2);
  assert.deepEqual(adamw.paramGroups[0].options.betas, [0.9, 0.98]);
  const rms = buildOptimizer(net, { type: 'RMSprop', lr: 1e-3, paramwise_cfg: { bias_lr_mult: 2 } });
  assert.equal(rms.paramGroups[1].options.lr, 2e-3);
  assert.equal(rms.paramGroups[1].options.alpha, 0.99);
});

test("the TSM schedule config (configs/_base_/schedules/sgd_tsm_50e.ts) builds MMAction2's groups", () => {
  const cfg = Config.fromFile(new URL('../../configs/_base_/schedules/sgd_tsm_50e.ts', import.meta.url).pathname);
  const net = new TsmNet();
  const opt = buildOptimizer(net, cfg.toObject().optimizer as never);
  assert.equal(opt.paramGroups.length, 7);
  assert.deepEqual(opt.paramGroups.map((g) => g.options.lr), [0.01, 0.02, 0.01, 0.02, 0.01, 0.05, 0.1]);
});
