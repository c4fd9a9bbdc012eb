// The registry: typed options with MMAction2's defaults, and errors that name the config path.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigBuildError, defineEntry, didYouMean, Registry } from '../../src/config/registry.ts';
import { Config } from '../../src/config/config.ts';
import { fileURLToPath } from 'node:url';

interface ResNet3dOptions {
  depth: number;
  pretrained: string | null;
  spatial_strides: number[];
  temporal_strides: number[];
  inflate: number[];
  norm_eval: boolean;
  style: 'pytorch' | 'caffe';
  norm_cfg: { type: string; requires_grad?: boolean };
}

const RESNET3D_DEFAULTS = Object.freeze({
  pretrained: null,
  spatial_strides: [1, 2, 2, 2],
  temporal_strides: [1, 1, 1, 1],
  inflate: [1, 1, 1, 1],
  norm_eval: false,
  style: 'pytorch',
  norm_cfg: { type: 'BN3d', requires_grad: true },
} satisfies Partial<ResNet3dOptions>);

interface Built { type: string; options: object; path: string }

function makeRegistry(): Registry<Built> {
  return new Registry<Built>('backbone', [
    defineEntry<ResNet3dOptions, Built>({
      type: 'ResNet3d',
      defaults: RESNET3D_DEFAULTS,
      required: ['depth'],
      kinds: { pretrained: ['string', 'null'], depth: 'integer' },
      choices: { style: ['pytorch', 'caffe'], depth: [18, 34, 50, 101, 152] },
      build: (o, ctx) => ({ type: 'ResNet3d', options: o, path: ctx.path }),
    }),
    defineEntry<{ depth: number; pretrained: string | null; norm_eval: boolean; out_indices: number[] }, Built>({
      type: 'ResNet',
      defaults: { depth: 50, pretrained: null, norm_eval: false, out_indices: [3] },
      kinds: { pretrained: ['string', 'null'] },
      build: (o, ctx) => ({ type: 'ResNet', options: o, path: ctx.path }),
    }),
    defineEntry<{ x: number }, Built>({
      type: 'Broken',
      defaults: { x: 1 },
      build: () => { throw new Error('x must be positive'); },
    }),
  ]);
}

test('build fills MMAction2 defaults and passes a typed options object', () => {
  const reg = makeRegistry();
  const b = reg.build({ type: 'ResNet3d', depth: 50, spatial_strides: [1, 2, 2, 1] }, 'model.backbone');
  assert.equal(b.path, 'model.backbone');
  assert.deepStrictEqual(b.options, {
    pretrained: null, spatial_strides: [1, 2, 2, 1], temporal_strides: [1, 1, 1, 1], inflate: [1, 1, 1, 1],
    norm_eval: false, style: 'pytorch', norm_cfg: { type: 'BN3d', requires_grad: true }, depth: 50,
  });
  // defaults are frozen and each build gets its own copy
  assert.ok(Object.isFrozen(reg.get('ResNet3d')!.defaults));
  (b.options as { norm_cfg: { type: string } }).norm_cfg.type = 'SyncBN';
  assert.equal((reg.build({ type: 'ResNet3d', depth: 50 }).options as ResNet3dOptions).norm_cfg.type, 'BN3d');
  assert.deepStrictEqual(reg.types(), ['ResNet3d', 'ResNet', 'Broken']);
  assert.deepStrictEqual(reg.optionNames('ResNet'), ['depth', 'pretrained', 'norm_eval', 'out_indices']);
});

test('a config loaded from a file builds (ints from Python are numbers)', () => {
  const cfg = Config.fromFile(fileURLToPath(new URL('../fixtures/config/chain/recognition/tsn_child.py', import.meta.url)));
  const b = makeRegistry().build(cfg.get('model.backbone'), 'model.backbone', {});
  assert.equal(b.type, 'ResNet');
  assert.deepStrictEqual(b.options, { depth: 101, pretrained: 'torchvision://resnet50', norm_eval: true, out_indices: [3] });
});

test('mmcv default_args fill missing options only', () => {
  const b = makeRegistry().build({ type: 'ResNet' }, 'model.backbone', { depth: 18 });
  assert.equal((b.options as { depth: number }).depth, 18);
  const c = makeRegistry().build({ type: 'ResNet', depth: 34 }, 'model.backbone', { depth: 18 });
  assert.equal((c.options as { depth: number }).depth, 34);
});

const errors: [string, unknown, RegExp][] = [
  ['unknown type with a did-you-mean', { type: 'ResNet3D', depth: 50 },
    /^model\.backbone: unknown type 'ResNet3D' in registry 'backbone' \(did you mean 'ResNet3d'\?\); registered: ResNet3d, ResNet, Broken$/],
  ['unknown type without a close match', { type: 'Totally' }, /^model\.backbone: unknown type 'Totally' in registry 'backbone'; registered: ResNet3d, ResNet, Broken$/],
  ['missing type', { depth: 50 }, /^model\.backbone: missing 'type' \(registry 'backbone' has: ResNet3d, ResNet, Broken\)$/],
  ['not a dict', [1, 2], /^model\.backbone: expected a dict with a 'type' key, got \[1,2\]$/],
  ['unknown option', { type: 'ResNet3d', depth: 50, spatial_stride: [1, 2, 2, 2] },
    /^model\.backbone: unknown option 'spatial_stride' for ResNet3d \(did you mean 'spatial_strides'\?\); valid options: pretrained, spatial_strides, temporal_strides, inflate, norm_eval, style, norm_cfg, depth$/],
  ['string for a number', { type: 'ResNet3d', depth: '50' }, /^model\.backbone\.depth: expected an integer, got string '50'$/],
  ['float for an integer', { type: 'ResNet3d', depth: 50.5 }, /^model\.backbone\.depth: expected an integer, got number 50\.5$/],
  ['number for a boolean', { type: 'ResNet3d', depth: 50, norm_eval: 1 }, /^model\.backbone\.norm_eval: expected a boolean \(true\/false\) \(like the default false\), got number 1$/],
  ['number for a list', { type: 'ResNet3d', depth: 50, inflate: 1 }, /^model\.backbone\.inflate: expected a list \(like the default \[1,1,1,1\]\), got number 1$/],
  ['list for a string-or-null', { type: 'ResNet3d', depth: 50, pretrained: ['x'] }, /^model\.backbone\.pretrained: expected a string or None\/null, got array \["x"\]$/],
  ['value outside the choices', { type: 'ResNet3d', depth: 50, style: 'tf' }, /^model\.backbone\.style: expected one of 'pytorch', 'caffe', got 'tf'$/],
  ['depth outside the choices', { type: 'ResNet3d', depth: 51 }, /^model\.backbone\.depth: expected one of 18, 34, 50, 101, 152, got 51$/],
  ['missing required option', { type: 'ResNet3d' }, /^model\.backbone: missing required option 'depth' for ResNet3d$/],
  ['builder failure', { type: 'Broken' }, /^model\.backbone: building Broken failed: x must be positive$/],
];

for (const [name, cfg, re] of errors) {
  test(`error: ${name}`, () => {
    assert.throws(() => makeRegistry().build(cfg, 'model.backbone'), (e: Error) => {
      assert.ok(e instanceof ConfigBuildError, `${e.name}: ${e.message}`);
      assert.match(e.message, re);
      return true;
    });
  });
}

test('registration mistakes are caught', () => {
  const reg = makeRegistry();
  assert.throws(() => reg.register({ type: 'ResNet', defaults: {}, build: () => ({ type: '', options: {}, path: '' }) }),
    /registry 'backbone': type 'ResNet' is already registered/);
  assert.throws(() => reg.register(defineEntry<{ a: number }, Built>({ type: 'A', defaults: { a: 1 }, required: ['a'], build: () => ({ type: '', options: {}, path: '' }) })),
    /A option 'a' is both required and defaulted/);
  assert.throws(() => reg.register(defineEntry<{ a: number; b: number }, Built>({ type: 'B', defaults: { a: 1 }, kinds: { b: 'number' }, build: () => ({ type: '', options: {}, path: '' }) })),
    /B gives kinds\/choices for 'b', which is neither a default nor required/);
});

test('didYouMean', () => {
  assert.equal(didYouMean('spatial_stride', ['spatial_strides', 'temporal_strides']), 'spatial_strides');
  assert.equal(didYouMean('tsnhead', ['TSNHead', 'I3DHead']), 'TSNHead');
  assert.equal(didYouMean('zzz', ['TSNHead', 'I3DHead']), undefined);
});
