/**
 * TimeSformer's joint space-time and space-only attention (mmcv BaseTransformerLayer with
 * norm -> self_attn -> norm -> ffn, keys `norms.0`, `attentions.0.attn.*`, `ffns.0.layers.*`)
 * and the divided layout on 4 clips, against the PyTorch twins of scripts/fixtures/gen_models_3d.py
 * (rtol 1e-4, atol 1e-5).
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { torch } from '../../src/index.ts';
import { loadSync } from '../../src/torch/serialization/load.ts';
import { BACKBONES_3D } from './parity.ts';
import { assertAllClose, FIXTURES, npyTensor } from './helpers.ts';

const root = join(FIXTURES, 'timesformer_twins');

describe('TimeSformer attention types (PyTorch twins)', () => {
  for (const name of readdirSync(root).sort()) {
    test(name, () => {
      const dir = join(root, name);
      const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
      const model = BACKBONES_3D.build(meta.backbone, `${name}.backbone`);
      try {
        assert.deepEqual([...model.stateDict().keys()], meta.keys, 'state-dict keys in order');
        model.loadStateDict(new Map(Object.entries(loadSync(join(dir, 'state_dict.pth')) as Record<string, torch.Tensor>)));
        model.eval();
        const y = torch.noGrad(() => model.call(npyTensor(join(dir, 'input.npy')))) as torch.Tensor;
        assertAllClose(y, npyTensor(join(dir, 'output.npy')), `${name} output`);
      } finally {
        model.dispose();
      }
    });
  }

  test('DropPath is the identity in eval and drops whole samples in training', async () => {
    const { DropPath } = await import('../../src/models/backbones/timesformer.ts');
    const dp = new DropPath(0.5);
    const x = torch.ones([64, 3, 2]);
    dp.eval();
    assert.equal(dp.call(x), x);
    dp.train();
    torch.manualSeed(0);
    const y = dp.call(x) as torch.Tensor;
    const perSample = (y.sum([1, 2]).toArray() as number[]).map((v) => v / 6);
    assert.ok(perSample.every((v) => v === 0 || Math.abs(v - 2) < 1e-6), 'each sample is dropped (0) or kept and scaled by 1/(1-p)');
    assert.ok(perSample.some((v) => v === 0) && perSample.some((v) => v !== 0));
  });
});
