/**
 * One parity suite per MMAction2 fixture: build from the fixture's config.json, compare the
 * state-dict layout with state_dict.json (keys, order, shapes, dtypes), load checkpoint.pth
 * strictly, then compare backbone features, neck output, head logits and the recognizer's
 * test-mode scores with MMAction2's: logits and scores to rtol 1e-4 / atol 1e-5, feature maps
 * to rtol 1e-4 / atol 1e-5 * max|expected| (see FEATURE_ATOL).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { torch } from '../../src/index.ts';
import { Registry } from '../../src/config/registry.ts';
import { RESNET3D_ENTRY } from '../../src/models/backbones/resnet3d.ts';
import { RESNET3D_SLOWONLY_ENTRY } from '../../src/models/backbones/resnet3d_slowonly.ts';
import { RESNET3D_SLOWFAST_ENTRY } from '../../src/models/backbones/resnet3d_slowfast.ts';
import { RESNET2PLUS1D_ENTRY } from '../../src/models/backbones/resnet2plus1d.ts';
import { RESNET3D_CSN_ENTRY } from '../../src/models/backbones/resnet3d_csn.ts';
import { X3D_ENTRY } from '../../src/models/backbones/x3d.ts';
import { TIMESFORMER_ENTRY } from '../../src/models/backbones/timesformer.ts';
import { C3D_ENTRY } from '../../src/models/backbones/c3d.ts';
import { I3D_HEAD_ENTRY } from '../../src/models/heads/i3d_head.ts';
import { SLOWFAST_HEAD_ENTRY } from '../../src/models/heads/slowfast_head.ts';
import { X3D_HEAD_ENTRY } from '../../src/models/heads/x3d_head.ts';
import { TIMESFORMER_HEAD_ENTRY } from '../../src/models/heads/timesformer_head.ts';
import { TPN_HEAD_ENTRY } from '../../src/models/heads/tpn_head.ts';
import { TPN_ENTRY } from '../../src/models/necks/tpn.ts';
import { Recognizer3D } from '../../src/models/recognizers/recognizer3d.ts';
import type { Backbone, Head, Neck } from '../../src/models/recognizers/base.ts';
import { FEATURE_ATOL, assertAllClose, assertStateDictLayout, backboneFeatures, flattenClips, loadFixture, subStateDict, type Fixture } from './helpers.ts';

type Tensor = torch.Tensor;
type Module = torch.nn.Module;

/** The 3D family's entries, so these tests do not depend on the shared builder's tables. */
export const BACKBONES_3D = new Registry<Module>('backbone', [
  RESNET3D_ENTRY, RESNET3D_SLOWONLY_ENTRY, RESNET3D_SLOWFAST_ENTRY, RESNET2PLUS1D_ENTRY, RESNET3D_CSN_ENTRY, X3D_ENTRY, TIMESFORMER_ENTRY, C3D_ENTRY,
]);
export const HEADS_3D = new Registry<Module>('head', [I3D_HEAD_ENTRY, SLOWFAST_HEAD_ENTRY, X3D_HEAD_ENTRY, TIMESFORMER_HEAD_ENTRY, TPN_HEAD_ENTRY]);
export const NECKS_3D = new Registry<Module>('neck', [TPN_ENTRY]);

export interface ParityOptions {
  /** Extra checks on the built backbone (e.g. the module tree of a family). */
  extra?: (ctx: { fx: Fixture; backbone: Module; head: Module; neck: Module | null }) => void;
}

const asList = (x: Tensor | Tensor[]): Tensor[] => (Array.isArray(x) ? x : [x]);

export function describeParity(name: string, o: ParityOptions = {}): void {
  describe(`${name} (MMAction2 0.24.1 fixture)`, () => {
    const fx = loadFixture(name);
    const m = fx.config.model;
    let backbone: Module, head: Module, neck: Module | null = null;
    let sd: Map<string, Tensor>;
    let input: Tensor;
    let feats: Tensor[] = [];

    before(() => {
      backbone = BACKBONES_3D.build(m.backbone, 'model.backbone');
      head = HEADS_3D.build(m.cls_head, 'model.cls_head');
      if (m.neck) neck = NECKS_3D.build(m.neck, 'model.neck');
      sd = fx.stateDict();
      input = flattenClips(fx.npy('input.npy')); // [N*num_clips, C, T, H, W]
    });
    after(() => {
      backbone.dispose(); head.dispose(); neck?.dispose();
      for (const t of sd.values()) t.dispose();
    });

    test('builds from config.json with the state-dict layout of state_dict.json and MMAction2\'s parameter count', () => {
      assertStateDictLayout(backbone, fx, 'backbone');
      assertStateDictLayout(head, fx, 'cls_head');
      if (neck) assertStateDictLayout(neck, fx, 'neck');
      const count = [backbone, head, neck].reduce((n, mod) => n + (mod ? mod.parameters().reduce((a, p) => a + p.numel(), 0) : 0), 0);
      assert.equal(count, fx.meta.num_params, 'number of parameters');
      o.extra?.({ fx, backbone, head, neck });
    });

    test('loads checkpoint.pth strictly; backbone features match feat*.npy', () => {
      backbone.loadStateDict(subStateDict(sd, 'backbone'));
      head.loadStateDict(subStateDict(sd, 'cls_head'));
      if (neck) neck.loadStateDict(subStateDict(sd, 'neck'));
      backbone.eval(); head.eval(); neck?.eval();
      feats = torch.noGrad(() => asList(backbone.call(input)));
      for (const f of feats) torch.keep(f);
      const expected = backboneFeatures(fx);
      const shapes = fx.meta.backbone_feature_shapes;
      const expShapes: number[][] = Array.isArray(shapes[0]) ? shapes : [shapes];
      assert.deepEqual(feats.map((f) => f.shape), expShapes, 'backbone feature shapes');
      assert.equal(expected.length, feats.length, 'feat*.npy files');
      expected.forEach((e, i) => assertAllClose(feats[i], e, `backbone feature ${i}`, { atol: FEATURE_ATOL, scaled: true }));
    });

    test('head (after the neck, if any) matches logits.npy', () => {
      assert.ok(feats.length, 'features from the previous test');
      torch.noGrad(() => {
        let x: Tensor | Tensor[] = feats.length === 1 ? feats[0] : feats;
        if (neck) {
          const [y] = neck.call(x) as [Tensor, unknown];
          if (fx.has('neck.npy')) assertAllClose(y, fx.npy('neck.npy'), 'neck output', { atol: FEATURE_ATOL, scaled: true });
          x = y;
        }
        assertAllClose(head.call(x) as Tensor, fx.npy('logits.npy'), 'logits');
      });
    });

    test('Recognizer3D.forwardTest matches output.npy', () => {
      // The parts built above (their init is redone by the recognizer, so the checkpoint is loaded again).
      const rec = new Recognizer3D({
        backbone: backbone as Backbone, cls_head: head as Head, neck: neck as Neck | null,
        train_cfg: m.train_cfg ?? null, test_cfg: m.test_cfg ?? null,
      });
      try {
        const report = rec.loadStateDict(sd, { strict: true });
        assert.deepEqual([report.missingKeys, report.unexpectedKeys], [[], []]);
        rec.eval();
        const input = fx.npy('input.npy');
        const out = torch.noGrad(() => rec.forwardTest(input));
        assertAllClose(out, fx.npy('output.npy'), 'forwardTest scores');
        // flat memory: a second forward leaves no native tensor behind but its result
        const live = torch.memory().liveHandles;
        torch.noGrad(() => rec.forwardTest(input)).dispose();
        assert.equal(torch.memory().liveHandles, live, 'live tensors after a second forwardTest');
      } finally {
        rec.dispose();
      }
    });
  });
}
