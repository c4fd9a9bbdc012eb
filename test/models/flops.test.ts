/**
 * FLOPs and parameters counted like mmcv's get_model_complexity_info on forward_dummy
 * (MMAction2's tools/analysis/get_flops.py), against MMAction2 0.24.1's model-zoo metafiles.
 * The full zoo inputs (8 frames at 224 or 256) take ~20 s each on this machine's CPU, so they run
 * with MMACTION_SLOW_TESTS=1; the default run checks one 224x224 frame of TSN-R50, whose count
 * follows from the zoo's 8-frame number (below).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { Config } from '../../src/config/config.ts';
import { buildModel, type ModelCfg } from '../../src/models/index.ts';
import { formatComplexity, getModelComplexityInfo } from '../../src/models/flops.ts';
import { flopsInputShape } from '../../src/models/flops_cli.ts';

const model = (p: string) => {
  const cfg = Config.fromFile(fileURLToPath(new URL(`../../configs/recognition/${p}`, import.meta.url)), { cfgOptions: { 'model.backbone.pretrained': null } });
  return buildModel(cfg.get('model') as ModelCfg).eval();
};

describe('FLOPs (mmcv counting rules)', () => {
  test('TSN-R50, one 224x224 frame: the per-frame share of the zoo count', () => {
    // Zoo (tsn_r50_dense_1x1x5_100e_kinetics400_rgb, input 1x8x3x224x224): 32,959,827,968. The head
    // adds avg_pool (8 frames x 2048x7x7 = 802,816) and fc_cls (2048x400 = 819,200, once after the
    // consensus), so one frame of backbone is (32,959,827,968 - 802,816 - 819,200) / 8 = 4,119,775,744,
    // and one frame in all 4,119,775,744 + 100,352 + 819,200.
    const m = model('tsn/tsn_r50_1x1x3_100e_kinetics400_rgb.ts');
    const info = getModelComplexityInfo(m, [1, 1, 3, 224, 224]);
    assert.equal(info.flops, 4_120_695_296);
    assert.equal(info.params, 24_327_632);
    assert.equal(info.perModule.get('cls_head.fc_cls'), 819_200);
    assert.deepEqual(formatComplexity(info), { flops: '4.12 GFLOPs', params: '24.33 M' });
    m.dispose();
  });

  test("get_flops.py's --shape forms", () => {
    assert.deepEqual(flopsInputShape([224]), [1, 3, 224, 224]);
    assert.deepEqual(flopsInputShape([340, 256]), [1, 3, 340, 256]);
    assert.deepEqual(flopsInputShape([1, 8, 3, 224, 224]), [1, 8, 3, 224, 224]);
    assert.throws(() => flopsInputShape([1, 2, 3]), /invalid input shape/);
  });

  const slow = process.env.MMACTION_SLOW_TESTS === '1';
  // [config, input, zoo FLOPs, zoo parameters] from configs/recognition/*/metafile.yml.
  const ZOO: [string, number[], number, number][] = [
    ['tsn/tsn_r50_1x1x3_100e_kinetics400_rgb.ts', [1, 8, 3, 224, 224], 32_959_827_968, 24_327_632],
    ['tsm/tsm_r50_1x1x8_50e_kinetics400_rgb.ts', [1, 8, 3, 224, 224], 32_965_562_368, 24_327_632],
    ['tin/tin_r50_1x1x8_40e_sthv1_rgb.ts', [1, 8, 3, 224, 224], 32_962_097_536, 23_895_566],
    ['tsm/tsm_mobilenetv2_dense_1x1x8_100e_kinetics400_rgb.ts', [1, 8, 3, 256, 256], 3_337_519_104, 2_736_272],
    ['tanet/tanet_r50_dense_1x1x8_100e_kinetics400_rgb.ts', [1, 8, 3, 256, 256], 43_065_983_104, 25_590_320],
  ];
  for (const [cfg, shape, flops, params] of ZOO) {
    test(`zoo: ${cfg} ${shape.join('x')}`, { skip: slow ? false : 'set MMACTION_SLOW_TESTS=1 (about 20 s each)' }, () => {
      const m = model(cfg);
      const info = getModelComplexityInfo(m, shape);
      assert.deepEqual([info.flops, info.params], [flops, params]);
      m.dispose();
    });
  }
});
