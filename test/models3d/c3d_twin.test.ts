/**
 * C3D has no MMAction2 fixture (fc6 is 8192 x 4096 whatever the config's size), so it is checked
 * against the PyTorch twin in scripts/fixtures/gen_models_3d.py on 16 x 32 x 32 clips
 * (out_dim 2048). Weights are not stored: both sides make them from seed 0 with MMAction2's
 * construction and init order, so this also checks init parity.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { torch } from '../../src/index.ts';
import { C3D, C3D_DEFAULTS } from '../../src/models/backbones/c3d.ts';
import { I3DHead } from '../../src/models/heads/i3d_head.ts';
import { Recognizer3D } from '../../src/models/recognizers/recognizer3d.ts';
import { BACKBONES_3D, HEADS_3D } from './parity.ts';
import { FEATURE_ATOL, FIXTURES, assertAllClose, npyTensor } from './helpers.ts';

const dir = join(FIXTURES, 'c3d_twin');
const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
type Stats = { sum: number; abs_sum: number; first: number[] };

describe('C3D (PyTorch twin of MMAction2 0.24.1)', () => {
  let rec: Recognizer3D;

  before(() => {
    torch.manualSeed(0);
    const backbone = BACKBONES_3D.build(meta.model.backbone, 'model.backbone') as C3D;
    const head = HEADS_3D.build(meta.model.cls_head, 'model.cls_head') as I3DHead;
    rec = new Recognizer3D({ backbone, cls_head: head, test_cfg: meta.model.test_cfg });
    rec.eval();
  });
  after(() => rec.dispose());

  test('state-dict layout of MMAction2 (conv1a.conv.weight ... fc7.bias, cls_head.fc_cls)', () => {
    const actual = [...rec.stateDict()].map(([k, t]) => [k, t.shape, t.dtype]);
    assert.deepEqual(actual, meta.state_dict);
  });

  test('seeded init equals MMAction2\'s (ConvModule + C3D.init_weights + I3DHead.init_weights draw order)', () => {
    for (const [k, t] of rec.stateDict()) {
      const e = meta.weight_stats[k] as Stats;
      const a = t.double();
      const sum = a.sum().item(), absSum = a.abs().sum().item();
      const first = Array.from(a.flatten().index('0:4').toTypedArray() as Float64Array);
      a.dispose();
      assert.ok(Math.abs(absSum - e.abs_sum) <= 1e-6 * Math.max(1, e.abs_sum), `${k}: sum |w| ${absSum} vs ${e.abs_sum}`);
      assert.ok(Math.abs(sum - e.sum) <= 1e-6 * Math.max(1, e.abs_sum), `${k}: sum ${sum} vs ${e.sum}`);
      first.forEach((v, i) => assert.ok(Math.abs(v - e.first[i]) <= 1e-7, `${k}[${i}]: ${v} vs ${e.first[i]}`));
    }
  });

  test('features, logits and forwardTest match the twin', () => {
    const input = npyTensor(join(dir, 'input.npy'));
    // One forward: the backbone's and head's outputs are caught by hooks during forwardTest.
    const caught: torch.Tensor[] = [];
    const catchOut = (_m: unknown, _i: unknown[], out: unknown) => { caught.push(torch.keep((out as torch.Tensor).clone())); };
    const removers = [rec.backbone.registerForwardHook(catchOut), rec.clsHead!.registerForwardHook(catchOut)];
    try {
      const scores = torch.noGrad(() => rec.forwardTest(input));
      assert.equal(caught.length, 2);
      assertAllClose(caught[0], npyTensor(join(dir, 'feat.npy')), 'fc7 features', { atol: FEATURE_ATOL, scaled: true });
      assertAllClose(caught[1], npyTensor(join(dir, 'logits.npy')), 'logits', { atol: FEATURE_ATOL, scaled: true });
      assertAllClose(scores, npyTensor(join(dir, 'output.npy')), 'forwardTest scores');
    } finally {
      for (const r of removers) r();
      for (const t of caught) t.dispose();
    }
    input.dispose();
  });

  test('a clip size that does not give out_dim features is rejected with a clear error', () => {
    assert.equal(C3D_DEFAULTS.out_dim, 8192); // 512 x 1 x 4 x 4 for MMAction2's 16 x 112 x 112 clips
    const c3d = new C3D({ out_dim: 512 });
    try {
      assert.deepEqual(c3d.fc6.weight.shape, [4096, 512]);
      const x = torch.zeros([1, 3, 16, 32, 32]);
      assert.throws(() => torch.noGrad(() => c3d.eval().call(x)), /pool5 gives 2048 features but out_dim is 512/);
      x.dispose();
    } finally {
      c3d.dispose();
    }
  });
});
