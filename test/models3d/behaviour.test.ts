/**
 * MMAction2 behaviours of the 3D family beyond the forward pass: frozen stages, norm_eval,
 * CSN's bn_frozen, 2D-to-3D weight inflation (ResNet3d and the SlowFast pathway's zero-padded
 * lateral channels), TPNHead's lazily created modules, X3D's width/depth rounding, and a
 * training step through Recognizer3D.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { torch } from '../../src/index.ts';
import { ResNet3d } from '../../src/models/backbones/resnet3d.ts';
import { ResNet3dCSN } from '../../src/models/backbones/resnet3d_csn.ts';
import { ResNet3dPathway } from '../../src/models/backbones/resnet3d_slowfast.ts';
import { X3D, roundRepeats, roundWidth } from '../../src/models/backbones/x3d.ts';
import { I3DHead } from '../../src/models/heads/i3d_head.ts';
import { TPNHead } from '../../src/models/heads/tpn_head.ts';
import { Recognizer3D } from '../../src/models/recognizers/recognizer3d.ts';
import { timesformerCheckpointFilter } from '../../src/models/backbones/timesformer.ts';
import { saveSync } from '../../src/torch/serialization/index.ts';

const nn = torch.nn;
type Tensor = torch.Tensor;

const isBN = (m: torch.nn.Module) => m instanceof nn.BatchNorm;

describe('ResNet3d training-mode switches', () => {
  test('frozen_stages freezes conv1 and the first stages (eval mode, no grad); norm_eval keeps every BN in eval', () => {
    const m = new ResNet3d({ depth: 18, base_channels: 4, frozen_stages: 2, norm_eval: true });
    try {
      m.train();
      for (const name of ['conv1', 'layer1', 'layer2']) {
        const sub = m.getSubmodule(name);
        assert.ok([...sub.modules()].every((x) => !x.training), `${name} in eval mode`);
        assert.ok(sub.parameters().every((p) => !p.requiresGrad), `${name} frozen`);
      }
      for (const name of ['layer3', 'layer4']) {
        assert.ok(m.getSubmodule(name).parameters().every((p) => p.requiresGrad), `${name} trainable`);
        assert.ok([...m.getSubmodule(name).modules()].filter((x) => !isBN(x)).every((x) => x.training), `${name} convs in train mode`);
      }
      assert.ok([...m.modules()].filter(isBN).every((x) => !x.training), 'norm_eval: all BN in eval');
    } finally {
      m.dispose();
    }
  });

  test('ResNet3dCSN with norm_eval and bn_frozen stops BN gradients; without bn_frozen they train', () => {
    for (const bnFrozen of [true, false]) {
      const m = new ResNet3dCSN({ depth: 50, base_channels: 4, num_stages: 1, out_indices: [0], spatial_strides: [1], temporal_strides: [1], dilations: [1], norm_eval: true, bn_frozen: bnFrozen });
      try {
        m.train();
        const bnParams = [...m.modules()].filter(isBN).flatMap((x) => x.parameters());
        assert.ok(bnParams.length > 0);
        assert.ok(bnParams.every((p) => p.requiresGrad === !bnFrozen), `bn_frozen=${bnFrozen}`);
        assert.equal((m.getSubmodule('layer1.0.conv2.0.conv') as torch.nn.Conv3d).groups, 4, "'ir' conv2 is depthwise");
      } finally {
        m.dispose();
      }
    }
  });

  test('zero_init_residual zeroes the last BN of every block; initWeights is kaiming (fan_out) for convs', () => {
    torch.manualSeed(0);
    const m = new ResNet3d({ depth: 50, base_channels: 4, num_stages: 2, out_indices: [1], spatial_strides: [1, 2], temporal_strides: [1, 1], dilations: [1, 1] });
    try {
      m.initWeights();
      for (const [k, t] of m.stateDict()) {
        if (/conv3\.bn\.weight$/.test(k)) assert.equal(t.abs().sum().item(), 0, k);
        if (/conv[12]\.bn\.weight$/.test(k)) assert.equal(t.sum().item(), t.numel(), k);
      }
      const w = m.getSubmodule('layer2.0.conv2.conv') as torch.nn.Conv3d; // [8, 8, 1, 3, 3]: fan_out = 8 * 9
      const std = w.weight.std().item();
      assert.ok(Math.abs(std - Math.sqrt(2 / 72)) < 0.05, `kaiming fan_out std ${std}`);
    } finally {
      m.dispose();
    }
  });
});

/** A torchvision-layout 2D ResNet state dict matching a ResNet3d's convs and BNs. */
function stateDict2d(m: torch.nn.Module, skip: (name: string) => boolean = () => false): Map<string, Tensor> {
  const sd = new Map<string, Tensor>();
  for (const [name, mod] of m.namedModules()) {
    if (!(mod instanceof nn.Conv3d) || skip(name)) continue;
    const base = name.replace(/\.conv$/, '');
    const [conv2d, bn2d] = base.includes('downsample') ? [`${base}.0`, `${base}.1`] : [base, base.replace(/conv/g, 'bn')];
    const [o, i, , kh, kw] = mod.weight.shape;
    sd.set(`${conv2d}.weight`, torch.randn([o, i, kh, kw]));
    for (const k of ['weight', 'bias', 'running_mean']) sd.set(`${bn2d}.${k}`, torch.randn([o]));
    sd.set(`${bn2d}.running_var`, torch.rand([o]).add(0.5));
    sd.set(`${bn2d}.num_batches_tracked`, torch.tensor(7, { dtype: 'int64' }));
  }
  return sd;
}

describe('2D-to-3D weight inflation (pretrained2d)', () => {
  test('ResNet3d: each kernel repeated over time and divided by its length; BN copied; unused keys reported', () => {
    const m = new ResNet3d({ depth: 18, base_channels: 4, inflate: [1, [0, 1], 0, 1] });
    try {
      const sd = stateDict2d(m);
      sd.set('fc.weight', torch.zeros([10, 32]));
      const logs: string[] = [];
      const left = m.inflateWeights(sd, (s) => logs.push(s));
      assert.deepEqual(left, ['fc.weight']);
      const w3 = (m.getSubmodule('layer1.0.conv1.conv') as torch.nn.Conv3d).weight; // inflated: [4, 4, 3, 3, 3]
      assert.equal(w3.shape[2], 3);
      const w2 = sd.get('layer1.0.conv1.weight')!;
      assert.ok(w3.index(':', ':', 1).allclose(w2.div(3)), 'w3d[:, :, t] = w2d / T');
      assert.ok(w3.index(':', ':', 0).equal(w3.index(':', ':', 2)));
      assert.ok((m.getSubmodule('conv1.conv') as torch.nn.Conv3d).weight.index(':', ':', 0).allclose(sd.get('conv1.weight')!.div(3)));
      const bn = m.getSubmodule('layer2.0.downsample.bn');
      assert.ok(bn.getParameter('weight')!.equal(sd.get('layer2.0.downsample.1.weight')!));
      assert.ok(bn.getBuffer('running_var')!.equal(sd.get('layer2.0.downsample.1.running_var')!));
      assert.equal(bn.getBuffer('num_batches_tracked')!.item(), 7);
      assert.ok(logs.some((s) => s.includes('fc.weight')));
    } finally {
      m.dispose();
    }
  });

  test('ResNet3dPathway: lateral convs skipped, extra (lateral) input channels zero-filled', () => {
    const m = new ResNet3dPathway({ depth: 50, base_channels: 8, lateral: true, channel_ratio: 8, conv1_kernel: [1, 7, 7], inflate: [0, 0, 1, 1] });
    try {
      // 2D first blocks lack the lateral input channels: the 2D network has no fast pathway.
      const sd = stateDict2d(m, (n) => n.includes('lateral'));
      for (const k of ['layer2.0.conv1.weight', 'layer2.0.downsample.0.weight']) {
        const w = sd.get(k)!;
        sd.set(k, w.index(':', [0, 32]).contiguous()); // 32 = the slow input channels; 8 more come from the lateral conv
      }
      m.inflateWeights(sd);
      const w3 = (m.getSubmodule('layer2.0.conv1.conv') as torch.nn.Conv3d).weight; // [16, 40, 1, 1, 1]
      assert.deepEqual(w3.shape, [16, 40, 1, 1, 1]);
      assert.ok(w3.index(':', [0, 32], 0).allclose(sd.get('layer2.0.conv1.weight')!));
      assert.equal(w3.index(':', [32, 40]).abs().sum().item(), 0);
    } finally {
      m.dispose();
    }
  });
});

describe('TPNHead', () => {
  test('3D input pools with avg_pool3d; num_segs path creates avg_pool2d with the first input\'s kernel; fcn_test adds new_cls = fc_cls', () => {
    torch.manualSeed(1);
    const head = new TPNHead({ num_classes: 5, in_channels: 8, dropout_ratio: 0 });
    try {
      head.initWeights();
      head.eval();
      torch.noGrad(() => {
        const x = torch.randn([4, 8, 2, 3, 3]);
        const ref = head.fcCls.call(x.mean([2, 3, 4])) as Tensor;
        assert.ok((head.call(x) as Tensor).allclose(ref, 1e-5, 1e-6), '3D: avg_pool3d + fc_cls');
        assert.ok(head.avgPool2d, 'avg_pool2d made at the first forward');
        assert.deepEqual(head.avgPool2d!.kernelSize, [1, 3, 3]);
        // 2 clips x 2 segments of T = 1 (the 2D-recognizer layout): (1, H, W) pool, mean over segments
        const x1 = torch.randn([4, 8, 1, 3, 3]);
        const seg = head.call(x1, 2) as Tensor;
        const segRef = head.fcCls.call(x1.mean([2, 3, 4]).reshape([2, 2, 8]).mean(1)) as Tensor;
        assert.ok(seg.allclose(segRef, 1e-5, 1e-6), 'num_segs: pool2d, consensus, fc');
        // MMAction2's trap: the kernel stays 3x3 for a 4x4 input (2x2 positions reach fc, which fails)
        assert.throws(() => head.call(torch.randn([2, 8, 1, 4, 4]), 2), /shapes cannot be multiplied/);
        const fcn = head.call(x, null, { fcn_test: true }) as Tensor;
        assert.deepEqual(fcn.shape, [4, 5, 1, 1, 1]);
        assert.ok(fcn.flatten(1).allclose(ref, 1e-5, 1e-6));
        assert.deepEqual([...head.stateDict().keys()].filter((k) => k.startsWith('new_cls')), ['new_cls.weight', 'new_cls.bias']);
      });
      const adaptive = new TPNHead({ num_classes: 5, in_channels: 8, dropout_ratio: 0, fixed_pool2d: false });
      torch.noGrad(() => {
        adaptive.eval();
        adaptive.call(torch.randn([2, 8, 1, 3, 3]), 2);
        assert.deepEqual((adaptive.call(torch.randn([2, 8, 1, 4, 4]), 2) as Tensor).shape, [1, 5]);
      });
      adaptive.dispose();
    } finally {
      head.dispose();
    }
  });
});

describe('X3D', () => {
  test('width and depth rounding of the model zoo variants', () => {
    // X3D-S/M (gamma_w 1, gamma_b 2.25, gamma_d 2.2), X3D-L (gamma_d 5), X3D-XL (gamma_w 2, gamma_d 5)
    assert.equal(roundWidth(24, 1), 24);
    assert.equal(roundWidth(24, 2), 48);
    assert.equal(roundWidth(24, 0.5), 16);
    assert.deepEqual([1, 2, 5, 3].map((b) => roundRepeats(b, 2.2)), [3, 5, 11, 7]);
    assert.deepEqual([1, 2, 5, 3].map((b) => roundRepeats(b, 5)), [5, 10, 25, 15]);
    assert.equal(roundWidth(54, 1 / 16), 8); // SE bottleneck of 54 channels
    assert.equal(roundWidth(432, 1 / 16), 32);
    const m = new X3D({ gamma_w: 1, gamma_b: 2.25, gamma_d: 2.2 });
    try {
      assert.equal(m.featDim, 432);
      assert.deepEqual(m.stageBlocks, [3, 5, 11, 7]);
      const n = m.parameters().reduce((a, p) => a + p.numel(), 0);
      // X3D-S: 2.09M in the backbone, 3.79M with the 432 -> 2048 -> 400 head (the paper rounds to 3.76M)
      assert.equal(n, 2089986);
    } finally {
      m.dispose();
    }
  });
});

describe('Recognizer3D training step', () => {
  test('forwardTrain gives loss_cls and top-k accuracy; gradients reach the stem', () => {
    torch.manualSeed(0);
    const rec = new Recognizer3D({
      backbone: new ResNet3d({ depth: 18, base_channels: 4, num_stages: 2, out_indices: [1], spatial_strides: [1, 2], temporal_strides: [1, 1], dilations: [1, 1], inflate: [1, 1] }),
      cls_head: new I3DHead({ num_classes: 3, in_channels: 8, topk: [1, 2] }),
      test_cfg: { average_clips: 'prob' },
    });
    try {
      rec.train();
      const imgs = torch.randn([2, 1, 3, 4, 16, 16]);
      const labels = torch.tensor([[0], [2]], { dtype: 'int64' });
      const losses = rec.forwardTrain(imgs, labels);
      assert.deepEqual(Object.keys(losses).sort(), ['loss_cls', 'top1_acc', 'top2_acc']);
      losses.loss_cls.backward();
      const g = (rec.getSubmodule('backbone.conv1.conv') as torch.nn.Conv3d).weight.grad;
      assert.ok(g && g.abs().sum().item() > 0, 'stem gradient');
    } finally {
      rec.dispose();
    }
  });
});

describe('pretrained= in backbone configs', () => {
  test('a 2D torchvision file is inflated (pretrained2d); a 3D file loads as is (pretrained2d: false)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mmts-3d-'));
    const cfg = { depth: 18 as const, base_channels: 4, inflate: [1, 0, 1, 0] };
    const a = new ResNet3d(cfg);
    const sd2 = stateDict2d(a);
    try {
      const file2d = join(dir, 'r18_2d.pth');
      saveSync({ state_dict: Object.fromEntries(sd2) }, file2d);
      const b = new ResNet3d({ ...cfg, pretrained: file2d });
      b.initWeights();
      const w = (b.getSubmodule('layer1.0.conv1.conv') as torch.nn.Conv3d).weight;
      assert.ok(w.index(':', ':', 1).allclose(sd2.get('layer1.0.conv1.weight')!.div(3)));
      const file3d = join(dir, 'r18_3d.pth');
      saveSync({ state_dict: Object.fromEntries(b.stateDict()) }, file3d);
      const c = new ResNet3d({ ...cfg, pretrained: file3d, pretrained2d: false });
      c.initWeights();
      for (const [k, t] of c.stateDict()) assert.ok(t.equal(b.stateDict().get(k)!), k);
      b.dispose(); c.dispose();
    } finally {
      a.dispose();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('timesformerCheckpointFilter renames norms and copies the temporal attention to the spatial one', () => {
    const t = (v: number) => torch.tensor([v], { dtype: 'float32' });
    const sd = new Map([
      ['transformer_layers.layers.0.norms.0.weight', t(1)], ['transformer_layers.layers.0.norms.1.weight', t(2)],
      ['transformer_layers.layers.0.attentions.0.attn.in_proj_weight', t(3)], ['cls_token', t(4)],
    ]);
    const out = timesformerCheckpointFilter(sd);
    assert.deepEqual([...out.keys()].sort(), [
      'cls_token', 'transformer_layers.layers.0.attentions.0.attn.in_proj_weight', 'transformer_layers.layers.0.attentions.0.norm.weight',
      'transformer_layers.layers.0.attentions.1.attn.in_proj_weight', 'transformer_layers.layers.0.attentions.1.norm.weight',
      'transformer_layers.layers.0.ffns.0.norm.weight',
    ]);
    assert.equal(out.get('transformer_layers.layers.0.attentions.1.norm.weight')!.item(), 1);
    assert.equal(out.get('transformer_layers.layers.0.ffns.0.norm.weight')!.item(), 2);
  });
});
