/**
 * Parity with the real MMAction2 0.24.1 on the 2D fixtures (test/fixtures/models, copied from
 * ../shared/fixtures): the config builds, the state dict has MMAction2's keys/shapes/dtypes in
 * order, torch.manualSeed(0) + build reproduces MMAction2's random init of every conv/linear
 * weight exactly, the checkpoint loads strictly, and test-mode scores, raw head scores and
 * backbone features match (rtol 1e-4, atol 1e-5).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.ts';
import { buildModel, loadCheckpoint, TRNHead } from '../../src/models/index.ts';
import { assertAllClose, fixturePath, npy, readJson } from './util.ts';

const TOL = { rtol: 1e-4, atol: 1e-5 };
const NAMES = ['tsn_r50s2', 'tsm_mobilenetv2_w050', 'tanet_r50s1', 'trn_r18s1'];

function build(name: string) {
  const cfg = readJson(name, 'config.json');
  torch.manualSeed(0);
  return buildModel(cfg.model);
}

/** Norm layers were re-drawn after init by the fixture script; everything else is MMAction2's init. */
function isNormKey(key: string, model: torch.nn.Module): boolean {
  const owner = model.getSubmodule(key.split('.').slice(0, -1).join('.'));
  return owner instanceof torch.nn.BatchNorm || owner instanceof torch.nn.LayerNorm || owner instanceof torch.nn.GroupNorm;
}

for (const name of NAMES) {
  describe(name, () => {
    const meta = readJson(name, 'meta.json');
    const model = build(name);

    test('state dict: MMAction2 keys, shapes and dtypes, in order', () => {
      const expected: [string, number[], string][] = readJson(name, 'state_dict.json');
      const got = [...model.stateDict()].map(([k, t]) => [k, t.shape, t.dtype]);
      assert.deepEqual(got, expected);
      const numParams = model.parameters().reduce((n, p) => n + p.numel(), 0);
      assert.equal(numParams, meta.num_params);
    });

    test('random init with seed 0 equals MMAction2\'s (every conv/linear weight, bit for bit)', async () => {
      const { stateDict } = await import('../../src/models/checkpoint.ts').then((m) => m.readCheckpoint(fixturePath(name, 'checkpoint.pth')));
      let compared = 0;
      for (const [k, t] of model.stateDict()) {
        if (isNormKey(k, model)) continue;
        assert.ok(stateDict.get(k)!.equal(t), `${k} differs from MMAction2's init`);
        compared++;
      }
      assert.ok(compared > 0);
    });

    test('checkpoint loads strictly and the test-mode output matches output.npy', async () => {
      const { report, meta: ckMeta } = await loadCheckpoint(model, fixturePath(name, 'checkpoint.pth'), { strict: true });
      assert.deepEqual([report.missingKeys, report.unexpectedKeys, report.shapeMismatch], [[], [], []]);
      assert.equal(ckMeta?.mmaction_version, '0.24.1');
      model.eval();
      const input = npy(name, 'input.npy');
      if (model.clsHead instanceof TRNHead) model.clsHead.seedRelations(meta.np_random.seed);
      const out = model.forwardTest(input);
      const maxAbs = assertAllClose(out, npy(name, 'output.npy'), `${name} output`, TOL);
      assert.ok(maxAbs < 1e-4, `max abs diff ${maxAbs}`);
      if (model.clsHead instanceof TRNHead) {
        const draws = meta.np_random.choice_calls.map((c: { result: number[] }) => c.result);
        const head = model.clsHead.consensus as unknown as { lastDraws: number[][] };
        assert.deepEqual(head.lastDraws, draws, 'TRN relation draws = numpy\'s');
        model.clsHead.seedRelations(meta.np_random.seed);
      }
      const [logits] = model.forwardDummy(input);
      assertAllClose(logits, npy(name, 'logits.npy'), `${name} logits`, TOL);
      if (meta.files.includes('feat.npy')) {
        const feat = torch.noGrad(() => model.extractFeat(input)) as torch.Tensor;
        assertAllClose(feat, npy(name, 'feat.npy'), `${name} backbone features`, TOL);
      }
    });
  });
}

test('repeated test-mode forwards run in flat native memory', () => {
  const model = build('tsm_mobilenetv2_w050').eval();
  const input = npy('tsm_mobilenetv2_w050', 'input.npy');
  model.forwardTest(input).dispose();
  const before = torch.memory().liveHandles;
  for (let i = 0; i < 5; i++) model.forwardTest(input).dispose();
  assert.equal(torch.memory().liveHandles, before);
});
