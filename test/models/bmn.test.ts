/**
 * BMN against the real MMAction2 0.24.1 (fixture bmn_t16: checkpoint, confidence map, start/end
 * and soft-NMS proposals) and against a PyTorch twin of MMAction2's training side and
 * post-processing (scripts/fixtures/gen_localizers_bmn.py -> fixture bmn_twin: labels from
 * gt_bbox, BMNLoss terms under a fixed seed, gradients, another sample-mask configuration,
 * soft_nms / post_processing with tied scores).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.ts';
import {
  BMN, BMNLoss, binaryLogisticRegressionLoss, bmSampleMask, buildLoss, buildModel, buildLossFromCfg, loadCheckpoint, postProcessing, readCheckpoint, softNms,
} from '../../src/models/index.ts';
import { assertAllClose, fixturePath, npy, readJson } from './util.ts';

const FIX = 'bmn_t16';
const TWIN = 'bmn_twin';
const ref = readJson(TWIN, 'reference.json');

function fixtureModel(): BMN {
  torch.manualSeed(0);
  return buildModel(readJson(FIX, 'config.json').model as { type: 'BMN' });
}

function close(actual: number, expected: number, what: string, rtol = 1e-5, atol = 1e-7): void {
  assert.ok(Math.abs(actual - expected) <= atol + rtol * Math.abs(expected), `${what}: ${actual}, expected ${expected}`);
}

test('BMN state dict is MMAction2\'s, and seed 0 reproduces its default init and sample_mask exactly', () => {
  const model = fixtureModel();
  assert.deepEqual([...model.stateDict()].map(([k, t]) => [k, t.shape, t.dtype]), readJson(FIX, 'state_dict.json'));
  assert.equal(model.sampleMask.requiresGrad, false);
  const ck = readCheckpoint(fixturePath(FIX, 'checkpoint.pth'));
  for (const [k, t] of model.stateDict()) {
    const d = torch.tidy(() => t.sub(ck.stateDict.get(k)!).abs().max().item());
    assert.equal(d, 0, `${k}: differs from the checkpoint MMAction2 built with torch.manual_seed(0) by ${d}`);
  }
  model.dispose();
});

test('BMN fixture: confidence map, start, end and proposals match MMAction2', async () => {
  const model = fixtureModel();
  const { report } = await loadCheckpoint(model, fixturePath(FIX, 'checkpoint.pth'), { logger: null });
  assert.deepEqual([report.missingKeys, report.unexpectedKeys, report.shapeMismatch], [[], [], []]);
  model.eval();
  const x = npy(FIX, 'input.npy');
  const [conf, start, end] = torch.noGrad(() => model.forwardMaps(x));
  // Measured: max abs difference 6e-8 (map), 3e-8 (start), 0 (end).
  assertAllClose(conf, npy(FIX, 'output.npy'), 'confidence_map', { rtol: 1e-4, atol: 1e-6 });
  assertAllClose(start, npy(FIX, 'start.npy'), 'start', { rtol: 1e-4, atol: 1e-6 });
  assertAllClose(end, npy(FIX, 'end.npy'), 'end', { rtol: 1e-4, atol: 1e-6 });

  const expected = readJson(FIX, 'proposals.json');
  const out = model.forward(x, { returnLoss: false, video_meta: readJson(FIX, 'meta.json').video_meta }) as ReturnType<BMN['forwardTest']>;
  assert.equal(out.length, 1);
  assert.equal(out[0].video_name, expected[0].video_name);
  assert.equal(out[0].proposal_list.length, expected[0].proposal_list.length);
  out[0].proposal_list.forEach((p, i) => {
    const e = expected[0].proposal_list[i];
    close(p.score, e.score, `proposal ${i} score`, 1e-4, 0);
    close(p.segment[0], e.segment[0], `proposal ${i} start`, 0, 1e-9);
    close(p.segment[1], e.segment[1], `proposal ${i} end`, 0, 1e-9);
  });
  assert.throws(() => model.forwardTest(torch.cat([x, x]), []), /one video per batch/);
  assert.throws(() => model.forwardMaps(x.index(':', ':', ':8')), /expected raw_feature \[N, feat_dim=32, temporal_dim=16\], got \[1, 32, 8\]/);
  model.dispose();
});

test('BMN training: labels from gt_bbox, BMNLoss terms and gradients match the PyTorch twin', async () => {
  const model = fixtureModel();
  await loadCheckpoint(model, fixturePath(FIX, 'checkpoint.pth'), { logger: null });
  model.train();
  const gt = ref.train.gt_bbox as number[][][];
  const [lc, ls, le] = model.generateLabels([gt[0], torch.tensor(gt[1], { dtype: 'float64' })]);
  assertAllClose(lc, npy(TWIN, 'label_confidence.npy'), 'label_confidence', { rtol: 0, atol: 1e-7 });
  assertAllClose(ls, npy(TWIN, 'label_start.npy'), 'label_start', { rtol: 0, atol: 1e-7 });
  assertAllClose(le, npy(TWIN, 'label_end.npy'), 'label_end', { rtol: 0, atol: 1e-7 });

  const x = npy(TWIN, 'train_input.npy');
  torch.manualSeed(ref.train.loss_seed);
  const [conf, start, end] = model.forwardMaps(x);
  const [loss, tem, reg, cls] = model.lossCls.call(conf, start, end, lc, ls, le, model.bmMask) as torch.Tensor[];
  close(tem.item(), ref.train.tem_loss, 'tem_loss');
  close(reg.item(), ref.train.pem_reg_loss, 'pem_reg_loss');
  close(cls.item(), ref.train.pem_cls_loss, 'pem_cls_loss');
  close(loss.item(), ref.train.loss, 'loss');

  // The whole step: forward(raw_feature, gt_bbox) under the same seed gives the same loss; backward reaches every layer but the mask.
  torch.manualSeed(ref.train.loss_seed);
  const { loss: total, logVars, numSamples } = model.trainStep({ raw_feature: x, gt_bbox: gt });
  assert.deepEqual(Object.keys(logVars), ['loss']);
  assert.equal(numSamples, 2);
  close(total.item(), ref.train.loss, 'trainStep loss');
  total.backward();
  const params = new Map(model.namedParameters());
  for (const [k, s] of Object.entries(ref.train.grad_sums as Record<string, number>)) {
    close(torch.tidy(() => params.get(k)!.grad!.double().sum().item()), s, `grad sum of ${k}`, 1e-4, 1e-7);
  }
  assert.equal(model.sampleMask.grad, null);
  assert.throws(() => model.forward(x, { gt_bbox: [gt[0]] }), /1 gt_bbox lists for a batch of 2 videos/);
  assert.throws(() => model.generateLabels([[]]), /gt_bbox\[0\] is empty/);
  model.dispose();
});

test('BMNLoss branches: no positive, ratio clipped to 21 and to 1.05', () => {
  const b = ref.branch;
  const loss = buildLoss({ type: 'BMNLoss' });
  assert.ok(loss instanceof BMNLoss);
  const mask = fixtureModel().bmMask;
  torch.manualSeed(b.seed);
  const start = npy(TWIN, 'branch_pred_start.npy');
  const end = npy(TWIN, 'branch_pred_end.npy');
  const zeros = torch.zeros([1, 16]);
  const onePos = torch.tensor([[0, 0, 0, 0.9, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]], { dtype: 'float32' });
  const [total, tem, reg, cls] = loss.call(npy(TWIN, 'branch_pred_bm.npy'), start, end, npy(TWIN, 'branch_gt_iou.npy'), zeros, onePos, mask) as torch.Tensor[];
  close(tem.item(), b.tem_loss, 'tem_loss');
  close(reg.item(), b.pem_reg_loss, 'pem_reg_loss');
  close(cls.item(), b.pem_cls_loss, 'pem_cls_loss');
  close(total.item(), b.loss, 'loss');
  close(binaryLogisticRegressionLoss(start, zeros).item(), b.blr_no_positive, 'blr, no positive');
  close(binaryLogisticRegressionLoss(end, onePos).item(), b.blr_one_positive, 'blr, one positive');
  close(binaryLogisticRegressionLoss(start, torch.ones([1, 16])).item(), b.blr_all_positive, 'blr, all positive');
});

test('BMN sample mask of another configuration (negative sample points, 2 per bin) matches the twin', () => {
  const mask = bmSampleMask(10, 4, 2, 0.3);
  const expected = npy(TWIN, 'sample_mask_t10_s4_b2_r03.npy');
  assertAllClose(torch.fromTypedArray(mask, [10, 40 * 10]), expected, 'sample_mask', { rtol: 0, atol: 0 });
});

test('soft_nms and post_processing: tied scores, top_k, a duration that is not a multiple of the interval', () => {
  const p = ref.post;
  const kept = softNms(p.proposals, 0.4, 0.5, 0.9, 5);
  assert.equal(kept.length, p.soft_nms.length);
  kept.forEach((r, i) => r.forEach((v, j) => close(v, p.soft_nms[i][j], `soft_nms[${i}][${j}]`, 1e-12, 1e-15)));
  const o = { soft_nms_alpha: 0.4, soft_nms_low_threshold: 0.5, soft_nms_high_threshold: 0.9, post_process_top_k: 5, feature_extraction_interval: 16 };
  for (const [got, want] of [[postProcessing(p.proposals, p.video_info, o), p.post_processing], [postProcessing(p.proposals.slice(0, 1), p.video_info, o), p.single]]) {
    assert.equal(got.length, want.length);
    got.forEach((g: { score: number; segment: number[] }, i: number) => {
      close(g.score, want[i].score, `score ${i}`, 1e-12, 1e-15);
      close(g.segment[0], want[i].segment[0], `start ${i}`, 1e-12, 1e-15);
      close(g.segment[1], want[i].segment[1], `end ${i}`, 1e-12, 1e-15);
    });
  }
  assert.throws(() => postProcessing(p.proposals, { duration_frame: 10 } as never, o), /video_meta\.duration_second must be a number/);
});

test('BMN config errors name the option; heads refuse the localizer loss', () => {
  const cfg = readJson(FIX, 'config.json').model;
  assert.throws(() => buildModel({ ...cfg, temporal_dim: undefined }), /model: missing required option 'temporal_dim' for BMN|temporal_dim/);
  assert.throws(() => buildModel({ ...cfg, hidden_dim_1d: 30 }), /hidden_dim_1d \(30\) must be divisible by 4/);
  assert.throws(() => buildModel({ ...cfg, loss_cls: { type: 'CrossEntropyLoss' } }), /loss_cls must be a BMNLoss/);
  assert.throws(() => buildModel({ ...cfg, tscale: 16 }), /unknown option 'tscale' for BMN/);
  assert.throws(() => buildModel(cfg, { test_cfg: { average_clips: 'prob' } }), /BMN takes no train_cfg\/test_cfg/);
  assert.throws(() => buildLossFromCfg({ type: 'BMNLoss' }, 'cls_head.loss_cls'), /cls_head\.loss_cls: BMNLoss is a localizer loss/);
});

test('BMN trains: an Adam step with weight decay lowers the loss and leaves the frozen sample_mask alone', () => {
  const model = fixtureModel().train();
  const opt = new torch.optim.Adam(model.parameters(), { lr: 1e-3, weight_decay: 1e-4 });
  const mask0 = model.sampleMask.clone();
  const x = npy(TWIN, 'train_input.npy');
  const gt = ref.train.gt_bbox as number[][][];
  const losses: number[] = [];
  for (let i = 0; i < 5; i++) {
    torch.manualSeed(1);
    const { loss } = model.trainStep({ raw_feature: x, gt_bbox: gt });
    losses.push(loss.item());
    opt.zeroGrad();
    loss.backward();
    opt.step();
    loss.dispose();
  }
  assert.ok(losses[4] < losses[0], `loss ${losses.join(' -> ')}`);
  assert.ok(model.sampleMask.equal(mask0), 'sample_mask changed');
  model.dispose();
});
