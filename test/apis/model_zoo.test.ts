/**
 * The model-zoo table: every entry's config exists and loads, its model types are implemented,
 * its head has as many classes as its label map has lines, its checkpoint URL has MMAction2's
 * form (with the sha256 prefix the download checks), and names and cache files are unique.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Config } from '../../src/config/config.ts';
import { BACKBONES, HEADS, NECKS, RECOGNIZERS } from '../../src/models/builder.ts';
import { hashPrefixOf } from '../../src/models/download.ts';
import { MODEL_ZOO, PACKAGE_ROOT, getModelInfo, listModels, resolveModel } from '../../src/apis/model_zoo.ts';

const lines = (file: string) => readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.trim().length > 0);

test('the zoo covers the implemented families on Kinetics-400, Something-Something and UCF101/HMDB51', () => {
  assert.ok(MODEL_ZOO.length >= 20, `${MODEL_ZOO.length} entries`);
  const collections = new Set(MODEL_ZOO.map((e) => e.collection));
  for (const c of ['TSN', 'TSM', 'TIN', 'TANet', 'TRN', 'TPN', 'I3D', 'SlowOnly', 'SlowFast', 'R2Plus1D', 'CSN', 'X3D', 'C3D', 'TimeSformer'])
    assert.ok(collections.has(c), `no ${c} entry (have ${[...collections].join(', ')})`);
  const datasets = new Set(MODEL_ZOO.map((e) => e.dataset));
  for (const d of ['Kinetics-400', 'SthV1', 'SthV2', 'UCF101', 'HMDB51']) assert.ok(datasets.has(d), `no ${d} entry`);
});

test('names and checkpoint files are unique; URLs are MMAction2 download URLs with a sha256 prefix', () => {
  const names = MODEL_ZOO.map((e) => e.name);
  assert.equal(new Set(names).size, names.length, 'duplicate names');
  const files = MODEL_ZOO.map((e) => e.checkpoint.split('/').pop()!);
  assert.equal(new Set(files).size, files.length, 'two entries would share one cache file');
  for (const e of MODEL_ZOO) {
    assert.match(e.name, /^[A-Za-z0-9_]+$/, e.name);
    const u = new URL(e.checkpoint);
    assert.equal(u.protocol, 'https:', e.name);
    assert.equal(u.host, 'download.openmmlab.com', e.name);
    assert.ok(u.pathname.startsWith('/mmaction/recognition/'), `${e.name}: ${e.checkpoint}`);
    assert.match(u.pathname, /-[0-9a-f]{8}\.pth$/, `${e.name}: no sha256 prefix in ${e.checkpoint}`);
    assert.equal(hashPrefixOf(u.pathname.split('/').pop()!), u.pathname.slice(-12, -4), `${e.name}: hashPrefixOf reads the prefix`);
    assert.equal(u.search + u.hash, '');
    for (const m of [e.top1, e.top5, e.mAP]) assert.ok(m === null || (m > 0 && m <= 100), `${e.name}: metric ${m}`);
    assert.ok(e.top1 !== null || e.mAP !== null, `${e.name}: no reported accuracy`);
  }
});

test('every entry\'s config exists, loads, uses implemented model types and matches its label map', () => {
  const registered = (t: string, reg: { types(): string[] }) => reg.types().includes(t);
  const labelCounts = new Map<string, number>();
  for (const e of MODEL_ZOO) {
    const m = resolveModel(e.name);
    assert.equal(m.config, join(PACKAGE_ROOT, e.config));
    assert.ok(existsSync(m.config), `${e.name}: ${e.config} is missing`);
    assert.ok(existsSync(m.labelMap), `${e.name}: ${e.labelMap} is missing`);
    const model = (Config.fromFile(m.config).toObject() as { model: Record<string, any> }).model;
    assert.ok(registered(model.type, RECOGNIZERS), `${e.name}: recognizer ${model.type}`);
    assert.ok(registered(model.backbone.type, BACKBONES), `${e.name}: backbone ${model.backbone.type}`);
    if (model.neck) for (const n of [model.neck].flat()) assert.ok(registered(n.type, NECKS), `${e.name}: neck ${n.type}`);
    assert.ok(registered(model.cls_head.type, HEADS), `${e.name}: head ${model.cls_head.type}`);
    if (!labelCounts.has(m.labelMap)) labelCounts.set(m.labelMap, lines(m.labelMap).length);
    assert.equal(model.cls_head.num_classes, labelCounts.get(m.labelMap), `${e.name}: num_classes vs ${e.labelMap}`);
  }
});

test('the Kinetics-400 label map is MMAction2\'s', () => {
  const k400 = lines(join(PACKAGE_ROOT, 'tools/data/kinetics/label_map_k400.txt'));
  assert.equal(k400.length, 400);
  assert.deepEqual([k400[0], k400[1], k400[399]], ['abseiling', 'air drumming', 'zumba']);
  assert.equal(new Set(k400).size, 400);
});

test('entries as MMAction2 publishes them; lookups and filters', () => {
  // Spot checks against MMAction2 v0.24.1 configs/recognition/*/metafile.yml.
  assert.deepEqual(getModelInfo('tsn_r50_1x1x3_100e_kinetics400_rgb'), {
    name: 'tsn_r50_1x1x3_100e_kinetics400_rgb', mmaction2Name: 'tsn_r50_1x1x3_100e_kinetics400_rgb', collection: 'TSN',
    config: 'configs/recognition/tsn/tsn_r50_1x1x3_100e_kinetics400_rgb.ts',
    checkpoint: 'https://download.openmmlab.com/mmaction/recognition/tsn/tsn_r50_1x1x3_100e_kinetics400_rgb/tsn_r50_1x1x3_100e_kinetics400_rgb_20200614-e508be42.pth',
    dataset: 'Kinetics-400', labelMap: 'tools/data/kinetics/label_map_k400.txt', resolution: '340x256', pretrained: 'ImageNet',
    architecture: 'ResNet50', top1: 70.6, top5: 89.26, mAP: null,
  });
  const sf = getModelInfo('slowfast_r50_4x16x1_256e_kinetics400_rgb_320p');
  assert.equal(sf.mmaction2Name, 'slowfast_r50_4x16x1_256e_kinetics400_rgb');
  assert.equal(sf.checkpoint, 'https://download.openmmlab.com/mmaction/recognition/slowfast/slowfast_r50_4x16x1_256e_kinetics400_rgb/slowfast_r50_4x16x1_256e_kinetics400_rgb_20200704-bcde7ed7.pth');
  assert.deepEqual([sf.top1, sf.top5], [75.64, 92.3]);
  assert.throws(() => getModelInfo('tsn_r50_1x1x3_100e_kinetic400_rgb'), /no model named 'tsn_r50_1x1x3_100e_kinetic400_rgb' in the model zoo \(did you mean 'tsn_r50_1x1x3_100e_kinetics400_rgb'\?\); `mmaction model-zoo list` lists them/);
  const x3d = listModels({ collection: 'x3d' });
  assert.deepEqual(x3d.map((e) => e.name), ['x3d_s_13x6x1_facebook_kinetics400_rgb', 'x3d_m_16x5x1_facebook_kinetics400_rgb']);
  assert.ok(listModels({ dataset: 'sthv2' }).every((e) => e.dataset === 'SthV2'));
});
