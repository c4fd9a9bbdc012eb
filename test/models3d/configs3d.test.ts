/**
 * Every 3D recognition config of the model zoo (configs/recognition/{c3d,csn,i3d,r2plus1d,
 * slowfast,slowonly,timesformer,tpn,x3d}, configs/skeleton/posec3d) passes the builder's option
 * checks: each backbone/neck/head option MMAction2's configs use is declared with a value of
 * the right kind (nothing is built: full-size models are heavy).
 */
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { Config, toPlain } from '../../src/config/index.ts';
import { BACKBONES, HEADS, NECKS, RECOGNIZERS } from '../../src/models/builder.ts';

const root = fileURLToPath(new URL('../../configs/', import.meta.url));
const dirs = ['recognition/c3d', 'recognition/csn', 'recognition/i3d', 'recognition/r2plus1d', 'recognition/slowfast', 'recognition/slowonly',
  'recognition/timesformer', 'recognition/tpn', 'recognition/x3d', 'skeleton/posec3d'];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((n) => {
    const p = join(dir, n);
    return statSync(p).isDirectory() ? files(p) : n.endsWith('.ts') ? [p] : [];
  });
}

describe('3D model-zoo configs pass the builder checks', () => {
  const all = dirs.flatMap((d) => files(join(root, d)));
  test('found the configs', () => assert.ok(all.length > 60, `${all.length} configs`));
  for (const file of all) {
    const rel = file.slice(root.length);
    test(rel, () => {
      const model = toPlain(Config.fromFile(file).get('model') as Parameters<typeof toPlain>[0]) as Record<string, any>;
      if (rel.startsWith('recognition/tpn/tpn_tsm')) return; // 2D (ResNetTSM) backbone: the 2D family's tables
      RECOGNIZERS.check(model, 'model');
      BACKBONES.check(model.backbone, 'model.backbone');
      if (model.cls_head) HEADS.check(model.cls_head, 'model.cls_head');
      if (model.neck) NECKS.check(model.neck, 'model.neck');
    });
  }
});
