/**
 * ResNetTIN against the PyTorch twin of MMAction2's code (scripts/fixtures/gen_models_2d_tin.py;
 * MMAction2's TIN needs mmcv's CUDA-only tin_shift, so the shared fixtures have none):
 * tin_shift itself, the state-dict layout, the seeded init, and test-mode scores (rtol 1e-4, atol 1e-5).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.ts';
import { buildModel, tinShift } from '../../src/models/index.ts';
import { assertAllClose, npy, readJson } from './util.ts';

const NAME = 'tin_twin';
const meta = readJson(NAME, 'meta.json');

describe('ResNetTIN twin', () => {
  test('tin_shift equals the loop of mmcv\'s kernel (shifts beyond the clip give zeros)', () => {
    const out = tinShift(npy(NAME, 'tin_shift_x.npy'), torch.tensor(meta.shifts, { dtype: 'int32' }));
    assertAllClose(out, npy(NAME, 'tin_shift_out.npy'), 'tin_shift', { rtol: 0, atol: 0 });
  });

  test('keys, seeded init and test-mode scores match the twin', () => {
    torch.manualSeed(0);
    const model = buildModel({
      type: 'Recognizer2D',
      backbone: { type: 'ResNetTIN', depth: 50, num_segments: 8, shift_div: 4, norm_eval: false, pretrained: null },
      cls_head: { type: 'TSMHead', num_classes: 7, in_channels: 2048, num_segments: 8, is_shift: false, dropout_ratio: 0.5 },
      test_cfg: { average_clips: 'prob' },
    });
    assert.deepEqual([...model.stateDict()].map(([k, t]) => [k, t.shape, t.dtype]), meta.state_dict);
    for (const [k, t] of model.stateDict()) {
      const s = torch.tidy(() => t.double().sum().item());
      assert.ok(Math.abs(s - meta.init_sums[k]) <= 1e-6 * Math.max(1, Math.abs(meta.init_sums[k])), `${k}: init sum ${s}, twin ${meta.init_sums[k]}`);
    }
    torch.manualSeed(1);
    torch.noGrad(() => {
      for (const m of model.modules()) {
        if (!(m instanceof torch.nn.BatchNorm2d)) continue;
        m.weight!.uniform_(0.5, 1.5);
        m.bias!.normal_(0, 0.1);
        m.runningMean!.normal_(0, 0.1);
        m.runningVar!.uniform_(0.5, 1.5);
      }
    });
    model.eval();
    assertAllClose(model.forwardTest(npy(NAME, 'input.npy')), npy(NAME, 'output.npy'), 'output', { rtol: 1e-4, atol: 1e-5 });
  });
});
