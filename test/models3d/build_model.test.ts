/**
 * The public path an MMAction2 user takes: buildModel(cfg.model) from config.json, then
 * `await loadCheckpoint(model, 'checkpoint.pth', {strict: true})` (MMAction2's checkpoint file:
 * {meta, state_dict}), then model.forwardTest(imgs) against output.npy (rtol 1e-4, atol 1e-5).
 * A cheap subset of the fixtures keeps this light; parity.ts covers each one in depth.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { torch } from '../../src/index.ts';
import { buildModel } from '../../src/models/builder.ts';
import { loadCheckpoint } from '../../src/models/checkpoint.ts';
import { assertAllClose, FIXTURES, loadFixture } from './helpers.ts';

describe('buildModel + loadCheckpoint + forwardTest on 3D fixtures', () => {
  for (const name of ['slowonly_r50_c8', 'x3d_s_d1', 'timesformer_divst_tiny', 'tpn_slowonly_r50_c4']) {
    test(name, async () => {
      const fx = loadFixture(name);
      const model = buildModel(fx.config.model as never);
      try {
        const { report } = await loadCheckpoint(model, join(FIXTURES, name, 'checkpoint.pth'), { strict: true });
        assert.deepEqual([report.missingKeys, report.unexpectedKeys], [[], []]);
        model.eval();
        const input = fx.npy('input.npy');
        const out = torch.noGrad(() => model.forwardTest(input));
        assertAllClose(out, fx.npy('output.npy'), `${name}: forwardTest`);
        input.dispose(); out.dispose();
      } finally {
        model.dispose();
      }
    });
  }

  test('config mistakes name the config path', () => {
    const fx = loadFixture('i3d_r50_c8');
    const m = structuredClone(fx.config.model);
    m.backbone.spatial_stride = [1, 2, 2, 2];
    assert.throws(() => buildModel(m as never), /model\.backbone: unknown option 'spatial_stride' for ResNet3d \(did you mean 'spatial_strides'\?\)/);
    const m2 = structuredClone(fx.config.model);
    m2.backbone.inflate_style = '3x3';
    assert.throws(() => buildModel(m2 as never), /model\.backbone\.inflate_style: expected one of '3x1x1', '3x3x3'/);
    const m3 = structuredClone(fx.config.model);
    m3.backbone.inflate = [1, 1, 1];
    assert.throws(() => buildModel(m3 as never), /model\.backbone: building ResNet3d failed: ResNet3d: inflate needs 4 entries \(one per stage\), got 3/);
  });
});
