/**
 * ResNet3d options no MMAction2 fixture covers, against the PyTorch twins of
 * scripts/fixtures/gen_models_3d.py: BasicBlock3d (depth 18) with per-block inflation, caffe
 * style with 3x3x3 inflation, dilations and temporal strides, NonLocal3d in its four modes
 * (sub-sampled or not), and CSN's interaction-preserved ('ip') bottleneck. Each twin's state
 * dict (MMAction2's key names) loads strictly; outputs agree to rtol 1e-4, atol 1e-5.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { torch } from '../../src/index.ts';
import { loadSync } from '../../src/torch/serialization/load.ts';
import { BACKBONES_3D } from './parity.ts';
import { assertAllClose, FIXTURES, npyTensor } from './helpers.ts';

const root = join(FIXTURES, 'resnet3d_twins');

describe('ResNet3d variants (PyTorch twins)', () => {
  for (const name of readdirSync(root).sort()) {
    test(name, () => {
      const dir = join(root, name);
      const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
      const model = BACKBONES_3D.build(meta.backbone, `${name}.backbone`);
      try {
        assert.deepEqual([...model.stateDict().keys()], meta.keys, 'state-dict keys in order');
        const sd = loadSync(join(dir, 'state_dict.pth')) as Record<string, torch.Tensor>;
        model.loadStateDict(new Map(Object.entries(sd)));
        model.eval();
        const x = npyTensor(join(dir, 'input.npy'));
        const y = torch.noGrad(() => model.call(x)) as torch.Tensor;
        assertAllClose(y, npyTensor(join(dir, 'output.npy')), `${name} output`);
      } finally {
        model.dispose();
      }
    });
  }
});
