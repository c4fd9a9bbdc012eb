/** `mmaction publish-model`: optimizer dropped, sha256-named file, weights unchanged. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as torch from '../../src/torch/index.ts';
import { saveCheckpoint } from '../../src/runner/checkpoint.ts';
import { publishModel } from '../../src/cli/publish_model.ts';

test('publish-model removes the optimizer and appends the sha256 prefix', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmts-publish-'));
  try {
    torch.manualSeed(0);
    const model = new torch.nn.Sequential(new torch.nn.Linear(4, 3), new torch.nn.BatchNorm1d(3));
    const opt = new torch.optim.AdamW(model.parameters(), { lr: 1e-3 });
    const loss = model.call(torch.randn([5, 4])).sum();
    loss.backward();
    opt.step();
    saveCheckpoint(model, join(dir, 'latest.pth'), { optimizer: opt, meta: { epoch: 3 } });
    // 'depth.pth': publish_model.py's rstrip('.pth') would make it 'de-xxxx.pth'
    const r = publishModel(join(dir, 'latest.pth'), join(dir, 'depth.pth'));
    assert.deepEqual(r.droppedKeys, ['optimizer']);
    assert.match(r.file, /depth-[0-9a-f]{8}\.pth$/);
    const bytes = readFileSync(r.file);
    assert.equal(createHash('sha256').update(bytes).digest('hex').slice(0, 8), r.file.slice(-12, -4));
    const ck = torch.loadSync(r.file);
    assert.deepEqual(Object.keys(ck), ['meta', 'state_dict']);
    assert.equal(ck.meta.epoch, 3);
    for (const [k, t] of model.stateDict()) assert.deepEqual(ck.state_dict[k].toTypedArray(), t.toTypedArray(), k);
    assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.')), [], 'no temporary file left');
    assert.throws(() => publishModel(join(dir, 'nope.pth'), join(dir, 'x.pth')), /nope\.pth does not exist/);
    torch.saveSync({ weights: torch.ones([2]) }, join(dir, 'plain.pth'));
    assert.throws(() => publishModel(join(dir, 'plain.pth'), join(dir, 'x.pth')), /has no 'state_dict' \(keys: weights\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
