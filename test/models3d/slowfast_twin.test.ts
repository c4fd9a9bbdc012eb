/**
 * SlowFast with non-default ratios (resample_rate 4, speed_ratio 4, channel_ratio 4), a 7-frame
 * fusion kernel and lateral_norm (BN + ReLU on the lateral convs: `conv1_lateral.bn.*`),
 * against the PyTorch twin of scripts/fixtures/gen_models_3d.py.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { torch } from '../../src/index.ts';
import { loadSync } from '../../src/torch/serialization/load.ts';
import { BACKBONES_3D } from './parity.ts';
import { assertAllClose, FEATURE_ATOL, FIXTURES, npyTensor } from './helpers.ts';

const dir = join(FIXTURES, 'slowfast_twin');

test('ResNet3dSlowFast (ratios 4/4/4, fusion_kernel 7, lateral_norm) matches its PyTorch twin', () => {
  const meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8'));
  const model = BACKBONES_3D.build(meta.backbone, 'model.backbone');
  try {
    const keys = [...model.stateDict().keys()];
    assert.deepEqual(keys, meta.keys);
    assert.ok(keys.includes('slow_path.conv1_lateral.bn.running_var'));
    model.loadStateDict(new Map(Object.entries(loadSync(join(dir, 'state_dict.pth')) as Record<string, torch.Tensor>)));
    model.eval();
    const [slow, fast] = torch.noGrad(() => model.call(npyTensor(join(dir, 'input.npy')))) as [torch.Tensor, torch.Tensor];
    assertAllClose(slow, npyTensor(join(dir, 'slow.npy')), 'slow pathway', { atol: FEATURE_ATOL, scaled: true });
    assertAllClose(fast, npyTensor(join(dir, 'fast.npy')), 'fast pathway', { atol: FEATURE_ATOL, scaled: true });
  } finally {
    model.dispose();
  }
});
