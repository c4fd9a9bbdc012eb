/**
 * TPN options the shared fixture leaves out — 'parallel' flow, a different temporal rate per
 * level (upsample (2, 1, 1), strided bottom-up downsample, pooled level fusion) and the
 * auxiliary head's loss — against the PyTorch twin of scripts/fixtures/gen_models_3d.py.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { torch } from '../../src/index.ts';
import { loadSync } from '../../src/torch/serialization/load.ts';
import { NECKS_3D } from './parity.ts';
import { assertAllClose, FEATURE_ATOL, FIXTURES, npyTensor } from './helpers.ts';

const dir = join(FIXTURES, 'tpn_twin');

test('TPN (parallel flow, multi-rate levels, aux loss) matches its PyTorch twin', () => {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  const neck = NECKS_3D.build(meta.neck, 'model.neck');
  try {
    assert.deepEqual([...neck.stateDict().keys()], meta.keys);
    neck.loadStateDict(new Map(Object.entries(loadSync(join(dir, 'state_dict.pth')) as Record<string, torch.Tensor>)));
    neck.eval();
    const x = [npyTensor(join(dir, 'x0.npy')), npyTensor(join(dir, 'x1.npy'))];
    const target = torch.tensor(meta.target, { dtype: 'int64' });
    const [y, losses] = torch.noGrad(() => neck.call(x, target)) as [torch.Tensor, Record<string, torch.Tensor>];
    assertAllClose(y, npyTensor(join(dir, 'output.npy')), 'neck output', { atol: FEATURE_ATOL, scaled: true });
    assert.deepEqual(Object.keys(losses), ['loss_aux']);
    const l = losses.loss_aux.item();
    assert.ok(Math.abs(l - meta.loss_aux) <= 1e-4 * Math.abs(meta.loss_aux), `loss_aux ${l} vs ${meta.loss_aux}`);
    const [, none] = torch.noGrad(() => neck.call(x)) as [torch.Tensor, Record<string, torch.Tensor>];
    assert.deepEqual(none, {}, 'no target, no aux loss');
  } finally {
    neck.dispose();
  }
});
