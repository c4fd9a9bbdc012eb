/**
 * The skeleton GCN configs of the model zoo (configs/skeleton/stgcn, configs/skeleton/2s-agcn):
 * every pipeline step builds, and every ST-GCN model passes the builder's option checks. Models
 * that need parts not ported yet (2s-AGCN's AGCN backbone, BABEL's CBFocalLoss) fail with a clear
 * error naming them.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { Config } from '../../src/config/index.ts';
import { buildTransform } from '../../src/datasets/index.ts';
import { BACKBONES, HEADS, RECOGNIZERS } from '../../src/models/builder.ts';

const root = fileURLToPath(new URL('../../configs/skeleton/', import.meta.url));
const files = ['stgcn', '2s-agcn'].flatMap((d) => readdirSync(join(root, d)).filter((f) => f.endsWith('.ts')).map((f) => `${d}/${f}`));

describe('skeleton GCN configs', () => {
  test('found them', () => assert.ok(files.length >= 8, `${files.length} configs`));
  for (const rel of files) {
    test(rel, () => {
      const cfg = Config.fromFile(join(root, rel)).toObject() as Record<string, any>;
      for (const split of ['train', 'val', 'test']) {
        let d = cfg.data[split];
        if (d.type === 'RepeatDataset') d = d.dataset;
        assert.equal(d.type, 'PoseDataset');
        d.pipeline.forEach((t: Record<string, unknown>, i: number) => buildTransform(t, `data.${split}.pipeline[${i}]`));
      }
      const model = cfg.model;
      RECOGNIZERS.check(model, 'model');
      if (model.backbone.type === 'AGCN') {
        assert.throws(() => BACKBONES.check(model.backbone, 'model.backbone'), /model\.backbone: unknown type 'AGCN'/);
        return;
      }
      BACKBONES.check(model.backbone, 'model.backbone');
      if (model.cls_head.loss_cls.type === 'CBFocalLoss') {
        assert.throws(() => HEADS.build(model.cls_head, 'model.cls_head'), /model\.cls_head\.loss_cls: unknown type 'CBFocalLoss'/);
        return;
      }
      HEADS.check(model.cls_head, 'model.cls_head');
    });
  }
});
