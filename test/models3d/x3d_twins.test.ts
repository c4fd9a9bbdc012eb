/**
 * X3D knobs the shared fixture leaves at their defaults: SE on every block (se_style 'all'),
 * another SE ratio and 3 stages with a stride-1 stage, and no SE at all (se_ratio None) with
 * deeper stages, against the PyTorch twins of scripts/fixtures/gen_models_3d.py.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { torch } from '../../src/index.ts';
import { loadSync } from '../../src/torch/serialization/load.ts';
import { BACKBONES_3D } from './parity.ts';
import { assertAllClose, FEATURE_ATOL, FIXTURES, npyTensor } from './helpers.ts';

const root = join(FIXTURES, 'x3d_twins');

describe('X3D variants (PyTorch twins)', () => {
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
        assertAllClose(y, npyTensor(join(dir, 'output.npy')), `${name} output`, { atol: FEATURE_ATOL, scaled: true });
      } finally {
        model.dispose();
      }
    });
  }
});
