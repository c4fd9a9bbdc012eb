// Each TypeScript config under configs/ is a translation of MMAction2 0.24.1's Python config of
// the same path (kept in test/fixtures/config/mmaction2/): both chains must merge to the same config.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Config } from '../../src/config/config.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pyRoot = join(root, 'test/fixtures/config/mmaction2');

function walk(dir: string, out: string[] = []): string[] {
  for (const n of readdirSync(dir).sort()) {
    const p = join(dir, n);
    if (statSync(p).isDirectory()) walk(p, out);
    else if (n.endsWith('.ts')) out.push(p);
  }
  return out;
}

const tsConfigs = walk(join(root, 'configs'));

test('configs/ holds the translated model zoo', () => {
  const rel = tsConfigs.map((f) => relative(root, f));
  for (const want of [
    'configs/_base_/default_runtime.ts',
    'configs/_base_/models/tsn_r50.ts',
    'configs/_base_/schedules/sgd_100e.ts',
    'configs/recognition/tsn/tsn_r50_1x1x3_100e_kinetics400_rgb.ts',
    'configs/recognition/tsn/tsn_r50_video_1x1x8_100e_kinetics400_rgb.ts',
    'configs/recognition/tsm/tsm_r50_1x1x8_50e_kinetics400_rgb.ts',
    'configs/recognition/tsm/tsm_mobilenetv2_dense_1x1x8_100e_kinetics400_rgb.ts',
    'configs/recognition/i3d/i3d_r50_32x2x1_100e_kinetics400_rgb.ts',
    'configs/recognition/slowfast/slowfast_r50_4x16x1_256e_kinetics400_rgb.ts',
    'configs/recognition/slowonly/slowonly_r50_4x16x1_256e_kinetics400_rgb.ts',
    'configs/recognition/r2plus1d/r2plus1d_r34_8x8x1_180e_kinetics400_rgb.ts',
    'configs/recognition/csn/ircsn_bnfrozen_r50_32x2x1_180e_kinetics400_rgb.ts',
    'configs/recognition/x3d/x3d_s_13x6x1_facebook_kinetics400_rgb.ts',
    'configs/recognition/timesformer/timesformer_divST_8x32x1_15e_kinetics400_rgb.ts',
    'configs/recognition/tanet/tanet_r50_dense_1x1x8_100e_kinetics400_rgb.ts',
    'configs/recognition/tpn/tpn_slowonly_r50_8x8x1_150e_kinetics_rgb.ts',
    'configs/recognition/trn/trn_r50_1x1x8_50e_sthv1_rgb.ts',
  ]) assert.ok(rel.includes(want), `missing ${want}`);
});

for (const file of tsConfigs) {
  const rel = relative(root, file);
  test(`${rel} equals its MMAction2 original`, () => {
    const py = join(pyRoot, rel.replace(/\.ts$/, '.py'));
    assert.ok(existsSync(py), `no Python original at ${relative(root, py)}`);
    const fromTs = Config.fromFile(file).toObject();
    const fromPy = Config.fromFile(py).toObject();
    assert.deepStrictEqual(fromTs, fromPy);
    assert.deepStrictEqual(Object.keys(fromTs), Object.keys(fromPy));
    assert.ok(Object.keys(fromTs).length > 0);
  });
}
