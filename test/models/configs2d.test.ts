/**
 * Every 2D recognition config of the model zoo (configs/recognition/{tsn,tsm,tanet,trn,tin} and
 * tpn_tsm) passes the builder's option checks: each backbone/head/loss option MMAction2's configs
 * use is declared with a value of the right kind; the three TSN configs with torchvision/timm/mmcls
 * backbones are refused with a clear error (nothing is built: full-size models are heavy;
 * fixtures_2d, the twins and registry_smoke build and run them).
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { Config, toPlain } from '../../src/config/index.ts';
import { BACKBONES, HEADS, LOSSES, NECKS, RECOGNIZERS, buildModel } from '../../src/models/builder.ts';

const root = fileURLToPath(new URL('../../configs/', import.meta.url));
const dirs = ['recognition/tsn', 'recognition/tsm', 'recognition/tanet', 'recognition/trn', 'recognition/tin'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : n.endsWith('.ts') ? [p] : [];
  });
}

describe('2D model-zoo configs pass the builder checks', () => {
  const all = [...dirs.flatMap((d) => files(join(root, d))), ...files(join(root, 'recognition/tpn')).filter((f) => f.includes('tpn_tsm'))];
  test('found the configs', () => assert.ok(all.length >= 8, `${all.length} configs`));
  for (const file of all) {
    const rel = file.slice(root.length);
    test(rel, () => {
      const model = toPlain(Config.fromFile(file).get('model') as Parameters<typeof toPlain>[0]) as Record<string, any>;
      RECOGNIZERS.check(model, 'model');
      if (/^(torchvision|timm|mmcls)\./.test(model.backbone.type)) {
        // Python-library backbones (TSN with torchvision/timm/mmcls models) are refused up front, with the reason.
        assert.throws(() => buildModel(model as { type: string }), /names a (torchvision|timm|mmcls) model, which MMAction2 imports from Python/);
        return;
      }
      BACKBONES.check(model.backbone, 'model.backbone');
      if (model.cls_head) {
        HEADS.check(model.cls_head, 'model.cls_head');
        if (model.cls_head.loss_cls) LOSSES.check(model.cls_head.loss_cls, 'model.cls_head.loss_cls');
      }
      if (model.neck) NECKS.check(model.neck, 'model.neck');
    });
  }
});
