/**
 * Seeded init parity: after torch.manualSeed(0), building ResNet3d (I3D with non-local blocks),
 * a BasicBlock3d ResNet3d and CSN 'ip' plus an I3DHead inside Recognizer3D draws the same random
 * numbers as MMAction2 (mmcv ConvModule's constructor init, NonLocal3d's init, downsample
 * before blocks, CSN's dense conv2 built then replaced, ResNet3d.init_weights, head init),
 * against the twin in scripts/fixtures/gen_models_3d.py (weight sums and first values).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { torch } from '../../src/index.ts';
import { I3DHead } from '../../src/models/heads/i3d_head.ts';
import { Recognizer3D } from '../../src/models/recognizers/recognizer3d.ts';
import type { Backbone } from '../../src/models/recognizers/base.ts';
import { BACKBONES_3D } from './parity.ts';
import { FIXTURES } from './helpers.ts';

type Stats = { sum: number; abs_sum: number; first: number[] };
const twins = JSON.parse(readFileSync(join(FIXTURES, 'init_twins.json'), 'utf8')) as Record<string, { backbone: Record<string, unknown>; num_classes: number; stats: Record<string, Stats> }>;

describe('seeded init equals MMAction2\'s (ResNet3d family)', () => {
  for (const [name, twin] of Object.entries(twins)) {
    test(name, () => {
      torch.manualSeed(0);
      const backbone = BACKBONES_3D.build(twin.backbone, `${name}.backbone`) as Backbone & { featDim: number };
      const head = new I3DHead({ num_classes: twin.num_classes, in_channels: backbone.featDim });
      const rec = new Recognizer3D({ backbone, cls_head: head, test_cfg: { average_clips: 'prob' } });
      try {
        const sd = [...rec.stateDict()].filter(([, t]) => t.dtype === 'float32');
        assert.deepEqual(sd.map(([k]) => k), Object.keys(twin.stats));
        for (const [k, t] of sd) {
          const e = twin.stats[k];
          const a = t.double();
          const sum = a.sum().item(), absSum = a.abs().sum().item();
          const first = Array.from(a.flatten().index(`0:${e.first.length}`).toTypedArray() as Float64Array);
          a.dispose();
          assert.ok(Math.abs(absSum - e.abs_sum) <= 1e-6 * Math.max(1, e.abs_sum), `${k}: sum |w| ${absSum} vs ${e.abs_sum}`);
          assert.ok(Math.abs(sum - e.sum) <= 1e-6 * Math.max(1, e.abs_sum), `${k}: sum ${sum} vs ${e.sum}`);
          first.forEach((v, i) => assert.ok(Math.abs(v - e.first[i]) <= 1e-7, `${k}[${i}]: ${v} vs ${e.first[i]}`));
        }
      } finally {
        rec.dispose();
      }
    });
  }
});
