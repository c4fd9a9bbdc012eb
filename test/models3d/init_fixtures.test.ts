/**
 * The fixtures' weights are MMAction2's own seeded init (torch.manual_seed(0); build_model),
 * with only the norm layers perturbed afterwards. So buildModel after torch.manualSeed(0) must
 * give every other tensor of checkpoint.pth exactly: construction order, default inits, mmcv's
 * ConvModule init and each model's init_weights all draw the same random numbers.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { torch } from '../../src/index.ts';
import { buildModel } from '../../src/models/builder.ts';
import { loadFixture } from './helpers.ts';

const nn = torch.nn;

const FIXTURES_3D = ['i3d_r50_c8', 'slowonly_r50_c8', 'slowfast_r50_c16', 'r2plus1d_r34_c8', 'csn_ir_r50_c8', 'x3d_s_d1', 'timesformer_divst_tiny', 'tpn_slowonly_r50_c4', 'posec3d_c8'];

describe('seeded buildModel reproduces MMAction2\'s init (fixture checkpoints, norm layers aside)', () => {
  for (const name of FIXTURES_3D) {
    test(name, () => {
      const fx = loadFixture(name);
      torch.manualSeed(fx.meta.seed ?? 0);
      const model = buildModel(fx.config.model as never);
      const sd = fx.stateDict();
      try {
        const normPrefixes = [...model.namedModules()]
          .filter(([, m]) => m instanceof nn.BatchNorm || m instanceof nn.LayerNorm || m instanceof nn.GroupNorm)
          .map(([n]) => `${n}.`);
        let checked = 0;
        for (const [k, t] of model.stateDict()) {
          if (normPrefixes.some((p) => k.startsWith(p))) continue;
          const e = sd.get(k);
          assert.ok(e, `${k} in checkpoint`);
          assert.ok(t.equal(e), `${k}: seeded init differs from MMAction2's (max |diff| ${t.sub(e).abs().max().item()})`);
          checked++;
        }
        assert.ok(checked > 0);
      } finally {
        model.dispose();
        for (const t of sd.values()) t.dispose();
      }
    });
  }
});
