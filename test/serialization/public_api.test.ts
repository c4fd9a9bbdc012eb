// The names acceptance checks use: `torch.load/save/loadNpy/saveNpy` from the torch namespace,
// awaitable, round-tripping a state dict.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { fixtures } from './helpers.ts';

test('torch.save / torch.load / torch.saveNpy / torch.loadNpy, awaited', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmts-api-'));
  try {
    const w = torch.tensor([[1, 2], [3, 4]], { dtype: 'float32' });
    await torch.save({ state_dict: torch.serialization.orderedDict([['fc.weight', w]]) }, join(dir, 'c.pth'));
    const back = await torch.load(join(dir, 'c.pth'));
    assert.deepEqual(back.state_dict['fc.weight'].shape, [2, 2]);
    assert.deepEqual(Array.from(back.state_dict['fc.weight'].toTypedArray()), [1, 2, 3, 4]);
    await torch.saveNpy(join(dir, 'w.npy'), w);
    const n = await torch.loadNpy(join(dir, 'w.npy'));
    assert.equal(n.dtype, 'float32');
    assert.deepEqual(Array.from(n.toTypedArray() as Float32Array), [1, 2, 3, 4]);
    const ck = await torch.load(join(fixtures, 'mmaction', 'bmn_t16', 'checkpoint.pth'), { mapLocation: 'cpu' });
    assert.equal(Object.keys(ck.state_dict).length, 25);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
