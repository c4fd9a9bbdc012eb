/**
 * Building blocks and behaviours: builder errors with config paths, ConvModule naming, ResNet
 * train-mode rules (frozen_stages, partial_bn, norm_eval), recognizers' average_clip,
 * feature_extraction, max_testing_views, blending, and the standard configs' parameter counts.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { torch } from '../../src/index.ts';
import { Config } from '../../src/config/config.ts';
import {
  buildModel, buildBackbone, buildHead, ConvModule, ResNet, Recognizer3D, MixupBlending, CutmixBlending, TRNHead,
  type Backbone, type Head,
} from '../../src/models/index.ts';
import { combinations } from '../../src/models/heads/trn_head.ts';

const count = (m: torch.nn.Module) => m.parameters().reduce((n, p) => n + p.numel(), 0);

describe('builder', () => {
  const base = () => ({
    type: 'Recognizer2D' as const,
    backbone: { type: 'ResNet', depth: 18, num_stages: 1, out_indices: [0], strides: [1], dilations: [1] } as Record<string, unknown>,
    cls_head: { type: 'TSNHead', num_classes: 3, in_channels: 64 } as Record<string, unknown>,
  });

  test('unknown types and options name the config path and suggest the right name', () => {
    assert.throws(() => buildModel({ ...base(), type: 'Recognizer2d' }), /^ConfigBuildError: model: unknown type 'Recognizer2d' in registry 'recognizer' \(did you mean 'Recognizer2D'\?\)/);
    const b = base();
    b.backbone.depht = 18;
    assert.throws(() => buildModel(b), /model\.backbone: unknown option 'depht' for ResNet \(did you mean 'depth'\?\)/);
    const h = base();
    h.cls_head.dropout_rate = 0.5;
    assert.throws(() => buildModel(h), /model\.cls_head: unknown option 'dropout_rate' for TSNHead \(did you mean 'dropout_ratio'\?\)/);
    const l = base();
    l.cls_head.loss_cls = { type: 'CrossEntropyLoss', class_weights: [1, 2, 3] };
    assert.throws(() => buildModel(l), /model\.cls_head\.loss_cls: unknown option 'class_weights' for CrossEntropyLoss \(did you mean 'class_weight'\?\)/);
    const k = base();
    k.backbone.depth = '18';
    assert.throws(() => buildModel(k), /model\.backbone\.depth: expected an integer, got string '18'/);
    const s = base();
    s.backbone.style = 'torch';
    assert.throws(() => buildModel(s), /model\.backbone\.style: expected one of 'pytorch', 'caffe', got 'torch'/);
    const d = base();
    d.backbone.depth = 20;
    assert.throws(() => buildModel(d), /model\.backbone: building ResNet failed: invalid depth 20/);
  });

  test("torchvision./timm./mmcls. backbones are refused with the reason", () => {
    assert.throws(() => buildModel({ ...base(), backbone: { type: 'torchvision.resnet50' } }),
      /model\.backbone: 'torchvision\.resnet50' names a torchvision model, which MMAction2 imports from Python/);
  });

  test('train_cfg/test_cfg outside the model dict are accepted, as by build_model', () => {
    const m = buildModel(base(), { test_cfg: { average_clips: 'prob' } });
    assert.equal(m.testCfg?.average_clips, 'prob');
  });

  test('standard configs: parameter counts of MMAction2\'s model zoo', () => {
    const cfgPath = (p: string) => fileURLToPath(new URL(`../../configs/recognition/${p}`, import.meta.url));
    const tsn = Config.fromFile(cfgPath('tsn/tsn_r50_1x1x3_100e_kinetics400_rgb.ts'), { cfgOptions: { 'model.backbone.pretrained': null } });
    // torchvision ResNet-50 without fc (23,508,032) + fc_cls 2048x400+400.
    const tsnModel = buildModel(tsn.get('model') as { type: string });
    assert.equal(count(tsnModel), 24_327_632);
    tsnModel.dispose();
    const tsm = Config.fromFile(cfgPath('tsm/tsm_mobilenetv2_dense_1x1x8_100e_kinetics400_rgb.ts'), { cfgOptions: { 'model.backbone.pretrained': null } });
    // torchvision MobileNetV2 features (2,223,872) + fc_cls 1280x400+400.
    const tsmModel = buildModel(tsm.get('model') as { type: string });
    assert.equal(count(tsmModel), 2_736_272);
    assert.ok([...tsmModel.stateDict().keys()].includes('backbone.layer2.1.conv.0.net.conv.weight'));
    tsmModel.dispose();
  });
});

describe('ConvModule', () => {
  test("mmcv's names, bias='auto', norm abbreviations, requires_grad", () => {
    const a = new ConvModule(4, 8, 3, { padding: 1, norm_cfg: { type: 'BN' } });
    assert.deepEqual([...a.stateDict().keys()], ['conv.weight', 'bn.weight', 'bn.bias', 'bn.running_mean', 'bn.running_var', 'bn.num_batches_tracked']);
    const b = new ConvModule(4, 8, 1, { act_cfg: null });
    assert.deepEqual([...b.stateDict().keys()], ['conv.weight', 'conv.bias']);
    const g = new ConvModule(4, 8, [1, 3, 3], { conv_cfg: { type: 'Conv3d' }, norm_cfg: { type: 'GN', num_groups: 2, requires_grad: false } });
    assert.deepEqual([...g.stateDict().keys()], ['conv.weight', 'gn.weight', 'gn.bias']);
    assert.equal(g.norm!.getParameter('weight')!.requiresGrad, false);
    assert.throws(() => new ConvModule(4, 8, 1, { norm_cfg: { type: 'BN', requires_grd: false } as never }), /norm_cfg \(BN\): unknown key 'requires_grd'/);
    assert.throws(() => new ConvModule(4, 8, 1, { norm_cfg: { type: 'BatchNorm' } as never }), /unrecognized norm type 'BatchNorm'/);
  });

  test("order ('norm', 'conv', 'act') normalises the input channels", () => {
    const m = new ConvModule(4, 8, 1, { norm_cfg: { type: 'BN' }, order: ['norm', 'conv', 'act'] });
    assert.deepEqual(m.norm!.getParameter('weight')!.shape, [4]);
    const y = torch.noGrad(() => m.eval().call(torch.randn([2, 4, 5, 5])));
    assert.deepEqual(y.shape, [2, 8, 5, 5]);
    assert.ok(y.min().item() >= 0);
  });
});

describe('ResNet train modes', () => {
  test('partial_bn: only the first BatchNorm2d keeps training and its affine parameters', () => {
    const r = buildBackbone({ type: 'ResNet', depth: 18, num_stages: 1, out_indices: [0], strides: [1], dilations: [1], partial_bn: true }) as ResNet;
    r.train();
    const bns = [...r.modules()].filter((m) => m instanceof torch.nn.BatchNorm2d) as torch.nn.BatchNorm2d[];
    assert.equal(bns[0].training, true);
    assert.equal(bns[0].weight!.requiresGrad, true);
    for (const bn of bns.slice(1)) {
      assert.equal(bn.training, false);
      assert.equal(bn.weight!.requiresGrad, false);
    }
  });

  test('frozen_stages=1 freezes the stem and layer1; norm_eval keeps every BN in eval', () => {
    const r = buildBackbone({ type: 'ResNet', depth: 18, num_stages: 2, out_indices: [1], strides: [1, 2], dilations: [1, 1], frozen_stages: 1, norm_eval: true }) as ResNet;
    r.train();
    for (const [k, p] of r.namedParameters()) assert.equal(p.requiresGrad, !(k.startsWith('conv1.') || k.startsWith('layer1.')), k);
    for (const m of r.modules()) if (m instanceof torch.nn.BatchNorm2d) assert.equal(m.training, false);
    assert.equal(r.getModule('layer2')!.training, true);
  });

  test('caffe style puts the stride on the first 1x1 conv', () => {
    const r = buildBackbone({ type: 'ResNet', depth: 50, num_stages: 2, out_indices: [1], strides: [1, 2], dilations: [1, 1], style: 'caffe' }) as ResNet;
    const blk = r.getSubmodule('layer2.0') as unknown as { conv1: ConvModule; conv2: ConvModule };
    assert.deepEqual((blk.conv1.conv as unknown as { stride: number[] }).stride, [2, 2]);
    assert.deepEqual((blk.conv2.conv as unknown as { stride: number[] }).stride, [1, 1]);
  });
});

/** A tiny 3D backbone and head for recognizer mechanics. */
class TinyBackbone3D extends torch.nn.Module implements Backbone {
  conv = this.registerModule('conv', new torch.nn.Conv3d(3, 4, 1));
  initWeights(): void {}
  forward(x: torch.Tensor): torch.Tensor { return this.conv.call(x); }
}
class TinyHead3D extends torch.nn.Module implements Head {
  fc = this.registerModule('fc_cls', new torch.nn.Linear(4, 5));
  initWeights(): void {}
  forward(x: torch.Tensor | torch.Tensor[]): torch.Tensor { return this.fc.call(torch.F.adaptiveAvgPool3d(x as torch.Tensor, 1).flatten(1)); }
  loss(): Record<string, torch.Tensor> { return {}; }
}

describe('recognizers', () => {
  const make3d = (test_cfg: Record<string, unknown>) => {
    torch.manualSeed(3);
    return new Recognizer3D({ backbone: new TinyBackbone3D(), cls_head: new TinyHead3D(), test_cfg }).eval();
  };
  const x = () => { torch.manualSeed(4); return torch.randn([1, 4, 3, 2, 4, 4]); };

  test("average_clips: null keeps every clip, 'score' means, 'prob' means softmaxes", () => {
    const raw = make3d({ average_clips: null }).forwardTest(x());
    assert.deepEqual(raw.shape, [4, 5]);
    const score = make3d({ average_clips: 'score' }).forwardTest(x());
    assert.ok(score.allclose(raw.mean(0, true), 1e-6, 1e-7));
    const prob = make3d({ average_clips: 'prob' }).forwardTest(x());
    assert.ok(prob.allclose(raw.softmax(1).mean(0, true), 1e-6, 1e-7));
    assert.throws(() => make3d({ average_clips: 'max' }).forwardTest(x()), /max is not supported/);
    assert.throws(() => make3d({}).forwardTest(x()), /"average_clips" must defined in test_cfg/);
  });

  test('max_testing_views gives the same scores in chunks; feature_extraction pools [N, C]', () => {
    const full = make3d({ average_clips: 'prob' }).forwardTest(x());
    const chunked = make3d({ average_clips: 'prob', max_testing_views: 3 }).forwardTest(x());
    assert.ok(chunked.allclose(full, 1e-6, 1e-7));
    const feat = make3d({ average_clips: 'prob', feature_extraction: true }).forwardTest(x());
    assert.deepEqual(feat.shape, [1, 4]);
  });

  test('Recognizer2D images_per_forward: backbone calls in chunks of whole temporal groups give the scores of one call', () => {
    const make2d = (backbone: Record<string, unknown>, inCh: number, ipf: unknown) => {
      torch.manualSeed(11);
      return buildModel({
        type: 'Recognizer2D', backbone, cls_head: { type: 'TSNHead', num_classes: 5, in_channels: inCh },
        test_cfg: { average_clips: 'prob', images_per_forward: ipf },
      }).eval();
    };
    const sizes = (m: ReturnType<typeof make2d>, imgs: torch.Tensor) => {
      const seen: number[] = [];
      const remove = (m as unknown as { backbone: torch.nn.Module }).backbone.registerForwardHook((_m, args) => { seen.push((args[0] as torch.Tensor).shape[0]); });
      const y = m.forwardTest(imgs);
      remove();
      return { y, seen };
    };
    const r18 = { type: 'ResNet', depth: 18, num_stages: 2, out_indices: [1], strides: [2, 2], dilations: [1, 1] };
    torch.manualSeed(12);
    const imgs = torch.randn([2, 5, 3, 24, 24]);
    const whole = sizes(make2d(r18, 128, null), imgs);
    assert.deepEqual(whole.seen, [10]);
    const chunked = sizes(make2d(r18, 128, 3), imgs);
    assert.deepEqual(chunked.seen, [3, 3, 3, 1]);
    assert.ok(chunked.y.allclose(whole.y, 1e-6, 1e-7), 'chunked scores equal one call');
    // TSM shifts channels across the num_segments images of a clip: chunks are whole clips (4 images).
    const tsm = { type: 'ResNetTSM', depth: 18, num_segments: 4 };
    const clips = torch.randn([3, 4, 3, 32, 32]);
    const tsmWhole = sizes(make2d(tsm, 512, 0), clips);
    const tsmChunked = sizes(make2d(tsm, 512, 6), clips);
    assert.deepEqual([tsmWhole.seen, tsmChunked.seen], [[12], [4, 4, 4]]);
    assert.ok(tsmChunked.y.allclose(tsmWhole.y, 1e-6, 1e-7), 'TSM chunked scores equal one call');
    // 'auto' (the default): ~4.5 MiB of input per call, here 24 images of 3x128x128.
    const big = torch.randn([1, 30, 3, 128, 128]);
    const stem = { type: 'ResNet', depth: 18, num_stages: 1, out_indices: [0], strides: [1], dilations: [1] };
    assert.deepEqual(sizes(make2d(stem, 64, undefined), big).seen, [24, 6]);
    assert.throws(() => make2d(stem, 64, 'half'), /test_cfg.images_per_forward must be 'auto', null or an integer >= 0, got "half"/);
  });

  test('Recognizer2D feature_extraction and forward(returnLoss)', () => {
    torch.manualSeed(5);
    const m = buildModel({
      type: 'Recognizer2D', backbone: { type: 'ResNet', depth: 18, num_stages: 1, out_indices: [0], strides: [1], dilations: [1] },
      cls_head: { type: 'TSNHead', num_classes: 6, in_channels: 64, topk: [1, 3] }, test_cfg: { average_clips: 'score', feature_extraction: true },
    }).eval();
    const imgs = torch.randn([2, 3, 3, 16, 16]);
    assert.deepEqual(m.forwardTest(imgs).shape, [2, 64]);
    const losses = m.forward(imgs, torch.tensor([[1], [4]], { dtype: 'int64' })) as Record<string, torch.Tensor>;
    assert.deepEqual(Object.keys(losses).sort(), ['loss_cls', 'top1_acc', 'top3_acc']);
    assert.throws(() => m.forward(imgs), /Label should not be None/);
  });

  test('train_cfg.blending (MixupBlending) trains on soft labels', () => {
    torch.manualSeed(6);
    const m = buildModel({
      type: 'Recognizer2D', backbone: { type: 'ResNet', depth: 18, num_stages: 1, out_indices: [0], strides: [1], dilations: [1] },
      cls_head: { type: 'TSNHead', num_classes: 4, in_channels: 64 }, train_cfg: { blending: { type: 'MixupBlending', num_classes: 4, alpha: 0.2 } },
    });
    const losses = m.forward(torch.randn([2, 2, 3, 8, 8]), torch.tensor([1, 2], { dtype: 'int64' })) as Record<string, torch.Tensor>;
    assert.deepEqual(Object.keys(losses), ['loss_cls'], 'soft labels: no top-k accuracy, like MMAction2');
    assert.ok(Number.isFinite(losses.loss_cls.item()));
  });
});

describe('blending', () => {
  test('MixupBlending mixes images and one-hot labels with the same lambda', () => {
    torch.manualSeed(7);
    const imgs = torch.randn([4, 3, 2, 5, 5]);
    const [mi, ml] = new MixupBlending({ num_classes: 3 }).call(imgs, torch.tensor([0, 1, 2, 1], { dtype: 'int64' }));
    assert.deepEqual(ml.shape, [4, 3]);
    assert.ok(ml.sum(1).allclose(torch.ones([4]), 1e-6, 1e-6));
    assert.deepEqual(mi.shape, imgs.shape);
  });

  test('CutmixBlending pastes a box and weighs labels by its area', () => {
    torch.manualSeed(8);
    const imgs = torch.arange(0, 4).view(4, 1, 1, 1).expand(4, 1, 8, 8).contiguous().float();
    const [mi, ml] = new CutmixBlending({ num_classes: 4, alpha: 1 }).call(imgs, torch.tensor([0, 1, 2, 3], { dtype: 'int64' }));
    for (let i = 0; i < 4; i++) {
      const own = mi.index(i).eq(i).float().mean().item();
      assert.ok(Math.abs(ml.index(i, i).item() - own) < 1e-6 || ml.index(i, i).item() === 1, `sample ${i}`);
    }
  });
});

describe('TRN', () => {
  test('relations are itertools.combinations; TRN (single scale) is deterministic', () => {
    assert.deepEqual(combinations(4, 2), [[0, 1], [0, 2], [0, 3], [1, 2], [1, 3], [2, 3]]);
    assert.equal(combinations(8, 3).length, 56);
    torch.manualSeed(9);
    const h = buildHead({ type: 'TRNHead', num_classes: 5, in_channels: 16, num_segments: 4, relation_type: 'TRN', hidden_dim: 8 }) as unknown as TRNHead;
    h.initWeights();
    h.eval();
    const x = torch.randn([8, 16, 2, 2]);
    const a = torch.noGrad(() => h.call(x, 4));
    assert.deepEqual(a.shape, [2, 5]);
    assert.ok(a.equal(torch.noGrad(() => h.call(x, 4))));
    assert.deepEqual([...h.stateDict().keys()].slice(0, 2), ['consensus.classifier.1.weight', 'consensus.classifier.1.bias']);
  });
});

describe('training', () => {
  test('forwardTrain + backward reach every trainable parameter (ResNetTIN-18 + TSMHead)', () => {
    torch.manualSeed(10);
    const m = buildModel({
      type: 'Recognizer2D', backbone: { type: 'ResNetTIN', depth: 18, num_segments: 4 },
      cls_head: { type: 'TSMHead', num_classes: 5, in_channels: 512, num_segments: 4, is_shift: false },
    });
    m.train();
    const { loss, logVars } = m.trainStep({ imgs: torch.randn([2, 4, 3, 16, 16]), label: torch.tensor([[1], [3]], { dtype: 'int64' }) });
    loss.backward();
    assert.ok(Number.isFinite(logVars.loss) && 'top1_acc' in logVars);
    const noGrad = [...m.namedParameters()].filter(([, p]) => p.requiresGrad && !p.grad).map(([k]) => k);
    assert.deepEqual(noGrad, []);
    const g = m.getSubmodule('backbone.layer1.0.conv1.conv.net1.offset_net.fc2').getParameter('weight')!.grad!;
    assert.ok(g.abs().sum().item() > 0, 'the learned offsets get gradients through the linear sampler');
  });
});

describe('ResNetTSM non-local', () => {
  test("MMAction2's TSM-NL layout; zero-initialised non-local blocks leave the features unchanged", () => {
    const cfg = {
      type: 'ResNetTSM', depth: 50, norm_eval: false, shift_div: 8,
      non_local: [[0, 0, 0], [1, 0, 1, 0], [1, 0, 1, 0, 1, 0], [0, 0, 0]],
      non_local_cfg: { sub_sample: true, use_scale: false, norm_cfg: { type: 'BN3d', requires_grad: true }, mode: 'dot_product' },
    };
    torch.manualSeed(13);
    const nl = buildBackbone(cfg);
    nl.initWeights();
    torch.manualSeed(13);
    const plain = buildBackbone({ type: 'ResNetTSM', depth: 50, norm_eval: false, shift_div: 8 });
    plain.initWeights();
    const keys = [...nl.stateDict().keys()];
    for (const k of ['layer2.0.block.conv1.conv.net.weight', 'layer2.0.non_local_block.g.0.conv.weight', 'layer2.0.non_local_block.conv_out.bn.weight',
      'layer3.4.non_local_block.phi.0.conv.weight', 'layer2.1.conv1.conv.net.weight']) assert.ok(keys.includes(k), k);
    assert.equal(keys.filter((k) => k.endsWith('non_local_block.conv_out.conv.weight')).length, 5);
    nl.eval();
    plain.eval();
    torch.manualSeed(14);
    const x = torch.randn([8, 3, 32, 32]);
    const a = torch.noGrad(() => nl.call(x)) as torch.Tensor;
    const b = torch.noGrad(() => plain.call(x)) as torch.Tensor;
    assert.ok(a.allclose(b, 1e-5, 1e-6));
    assert.throws(() => buildBackbone({ ...cfg, depth: 18 }).initWeights(), /non-local blocks need Bottleneck/);
  });
});

describe('training memory', () => {
  test('train steps (with MixUp) run in flat native memory', () => {
    torch.manualSeed(16);
    const m = buildModel({
      type: 'Recognizer2D', backbone: { type: 'ResNet', depth: 18, num_stages: 1, out_indices: [0], strides: [1], dilations: [1] },
      cls_head: { type: 'TSNHead', num_classes: 4, in_channels: 64 }, train_cfg: { blending: { type: 'MixupBlending', num_classes: 4 } },
    }).train();
    const imgs = torch.randn([2, 2, 3, 8, 8]);
    const label = torch.tensor([[1], [2]], { dtype: 'int64' });
    const step = () => {
      const { loss } = m.trainStep({ imgs, label });
      loss.backward();
      loss.dispose();
      m.zeroGrad();
    };
    step();
    const before = torch.memory().liveHandles;
    for (let i = 0; i < 3; i++) step();
    assert.equal(torch.memory().liveHandles, before);
  });
});

describe('TPN-TSM (Recognizer2D with the TPN neck)', () => {
  test('the standard config builds; fcn_test gives probabilities; training adds loss_aux', () => {
    const cfg = Config.fromFile(fileURLToPath(new URL('../../configs/recognition/tpn/tpn_tsm_r50_1x1x8_150e_sthv1_rgb.ts', import.meta.url)),
      { cfgOptions: { 'model.backbone.pretrained': null } });
    assert.equal(cfg.get('model.test_cfg.fcn_test'), true);
    torch.manualSeed(17);
    const m = buildModel(cfg.get('model') as { type: 'Recognizer2D' }).eval();
    const x = torch.randn([1, 8, 3, 32, 32]);
    const p = m.forwardTest(x);
    assert.deepEqual(p.shape, [1, 174]);
    assert.ok(p.sum().allclose(torch.tensor(1, { dtype: 'float32' }), 1e-5, 1e-5));
    m.train();
    const { logVars } = m.trainStep({ imgs: x, label: torch.tensor([[3]], { dtype: 'int64' }) });
    assert.deepEqual(Object.keys(logVars).sort(), ['loss', 'loss_aux', 'loss_cls', 'top1_acc', 'top5_acc']);
    assert.ok(Math.abs(logVars.loss - logVars.loss_aux - logVars.loss_cls) < 1e-5);
    m.dispose();
  });
});

test('a second initWeights() re-initialises but does not wrap the TSM shift (or non-local) again', () => {
  const build = (backbone: Record<string, unknown>) => buildModel({
    type: 'Recognizer2D', backbone, cls_head: { type: 'TSMHead', num_classes: 4, in_channels: backbone.type === 'MobileNetV2TSM' ? 1280 : 2048, num_segments: 4 },
  }) as unknown as torch.nn.Module & { initWeights(): void };
  for (const backbone of [
    { type: 'MobileNetV2TSM', widen_factor: 0.5, num_segments: 4 },
    { type: 'ResNetTSM', depth: 50, num_segments: 4, non_local: [[0, 0], [1, 0], [0, 0], [0, 0]], non_local_cfg: { sub_sample: true, use_scale: false, norm_cfg: { type: 'BN3d', requires_grad: true }, mode: 'embedded_gaussian' } },
  ]) {
    const model = build(backbone);
    const keys = [...model.stateDict().keys()];
    assert.ok(keys.some((k) => k.includes('.net.')), `${backbone.type}: the shift wraps convs (.net.)`);
    model.initWeights();
    assert.deepEqual([...model.stateDict().keys()], keys, backbone.type);
    assert.ok(!keys.some((k) => k.includes('.net.net.')));
  }
});
