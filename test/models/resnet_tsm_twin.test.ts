/**
 * ResNetTSM (4 stages, which the shared fixtures cannot ship) against the PyTorch twin of
 * MMAction2's code in scripts/fixtures/gen_models_2d_tsm.py: ResNet-50 with 'blockres' shifts and
 * ResNet-18 with 'block' shifts + temporal_pool. Weights come from the same seeds on both sides
 * (torch.manualSeed(0) before building, BN re-drawn after torch.manualSeed(1)); outputs must
 * match to rtol 1e-4, atol 1e-5. Also the loss dict of forwardTrain and the losses' numbers.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.ts';
import { buildModel, buildLoss } from '../../src/models/index.ts';
import { assertAllClose, npy, readJson } from './util.ts';

const NAME = 'tsm_twin';
const meta = readJson(NAME, 'meta.json');

function perturbNorms(model: torch.nn.Module, seed: number): void {
  torch.manualSeed(seed);
  torch.noGrad(() => {
    for (const m of model.modules()) {
      if (m instanceof torch.nn.BatchNorm2d) {
        m.weight!.uniform_(0.5, 1.5);
        m.bias!.normal_(0, 0.1);
        m.runningMean!.normal_(0, 0.1);
        m.runningVar!.uniform_(0.5, 1.5);
      }
    }
  });
}

for (const c of meta.cases) {
  describe(`ResNetTSM twin ${c.name}`, () => {
    torch.manualSeed(0);
    const model = buildModel({
      type: 'Recognizer2D',
      backbone: { type: 'ResNetTSM', depth: c.depth, num_segments: c.num_segments, shift_place: c.shift_place, temporal_pool: c.temporal_pool, pretrained: null },
      cls_head: { type: 'TSMHead', num_classes: 7, in_channels: c.depth === 50 ? 2048 : 512, num_segments: c.num_segments, dropout_ratio: 0.5, temporal_pool: c.temporal_pool },
      test_cfg: { average_clips: c.average_clips },
    });

    test('keys, shapes and the seeded init match the twin', () => {
      const got = [...model.stateDict()].map(([k, t]) => [k, t.shape, t.dtype]);
      assert.deepEqual(got, c.state_dict);
      for (const [k, t] of model.stateDict()) {
        const s = torch.tidy(() => t.double().sum().item());
        const e = c.init_sums[k];
        assert.ok(Math.abs(s - e) <= 1e-6 * Math.max(1, Math.abs(e)), `${k}: init sum ${s}, twin ${e}`);
      }
    });

    test('test-mode scores, head scores and the loss dict match the twin', () => {
      perturbNorms(model, 1);
      model.eval();
      const x = npy(NAME, `${c.name}_input.npy`);
      assertAllClose(model.forwardTest(x), npy(NAME, `${c.name}_output.npy`), 'output', { rtol: 1e-4, atol: 1e-5 });
      const [logits] = model.forwardDummy(x);
      assertAllClose(logits, npy(NAME, `${c.name}_logits.npy`), 'logits', { rtol: 1e-4, atol: 1e-5 });
      const losses = torch.noGrad(() => model.forwardTrain(x, torch.tensor(c.labels, { dtype: 'int64' }).view(-1, 1)));
      assert.deepEqual(Object.keys(losses).sort(), ['loss_cls', 'top1_acc', 'top5_acc']);
      assert.ok(Math.abs(losses.loss_cls.item() - c.loss_cls) < 1e-5 * Math.max(1, c.loss_cls));
      assert.equal(losses.top1_acc.item(), c.top1_acc);
      assert.equal(losses.top5_acc.item(), c.top5_acc);
    });
  });
}

describe('losses against PyTorch', () => {
  const L = meta.losses;
  const score = torch.tensor(L.score, { dtype: 'float32' });
  const hard = torch.tensor(L.hard, { dtype: 'int64' });
  const soft = torch.tensor(L.soft, { dtype: 'float32' });
  const multi = torch.tensor(L.multi, { dtype: 'float32' });
  const close = (t: torch.Tensor, e: number, what: string) => assert.ok(Math.abs(t.item() - e) <= 1e-5 * Math.max(1, Math.abs(e)), `${what}: ${t.item()} vs ${e}`);
  const call = (cfg: Record<string, unknown>, s: torch.Tensor, l: torch.Tensor, extra: Record<string, unknown> = {}) =>
    buildLoss({ type: 'CrossEntropyLoss', ...cfg }).call(s, l, extra);

  test('CrossEntropyLoss: hard/soft labels, class_weight, loss_weight', () => {
    close(call({ loss_weight: 0.5 }, score, hard), L.expected.ce_hard, 'ce hard x0.5');
    close(call({ class_weight: L.class_weight }, score, hard), L.expected.ce_hard_cw, 'ce hard class_weight');
    close(call({}, score, soft), L.expected.ce_soft, 'ce soft');
    close(call({ class_weight: L.class_weight }, score, soft), L.expected.ce_soft_cw, 'ce soft class_weight');
  });

  test('BCELossWithLogits and NLLLoss', () => {
    close(buildLoss({ type: 'BCELossWithLogits' }).call(score, multi), L.expected.bce, 'bce');
    close(buildLoss({ type: 'BCELossWithLogits', class_weight: L.class_weight }).call(score, multi), L.expected.bce_cw, 'bce class_weight');
    close(buildLoss({ type: 'NLLLoss' }).call(score.logSoftmax(1), hard), L.expected.nll, 'nll');
  });

  test('HVULoss: individual categories with masks, and all tags with a mask', () => {
    const mask = torch.tensor(L.mask, { dtype: 'float32' });
    const categoryMask = torch.tensor(L.category_mask, { dtype: 'float32' });
    const ind = buildLoss({ type: 'HVULoss', categories: ['a', 'b'], category_nums: [2, 3], category_loss_weights: [1, 3], loss_type: 'individual', with_mask: true })
      .call(score, multi, { mask, category_mask: categoryMask }) as Record<string, torch.Tensor>;
    for (const [k, v] of Object.entries(L.hvu_individual as Record<string, number>)) close(ind[k], v, `hvu ${k}`);
    close(ind.a_LOSS_weight, 0.25, 'a weight');
    const all = buildLoss({ type: 'HVULoss', categories: ['a', 'b'], category_nums: [2, 3], category_loss_weights: [1, 1], with_mask: true })
      .call(score, multi, { mask, category_mask: categoryMask }) as Record<string, torch.Tensor>;
    close(all.loss_cls, L.hvu_all_masked, 'hvu all masked');
  });
});
