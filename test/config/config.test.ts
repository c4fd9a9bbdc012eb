// Config chains like MMAction2's (model + dataset + schedule + runtime bases, a child and a
// grandchild), checked field by field; dumping; and the errors of bad config files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Config } from '../../src/config/config.ts';

const fx = fileURLToPath(new URL('../fixtures/config/', import.meta.url));
const chain = join(fx, 'chain');
const bad = join(fx, 'bad');

const IMG_NORM = { mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false };

test('child config over model, dataset, schedule and runtime bases (py, yaml, json)', async () => {
  const cfg = await Config.fromFile(join(chain, 'recognition/tsn_child.py'));
  const o = cfg.toObject() as Record<string, any>;
  // nested overrides merge key by key
  assert.deepStrictEqual(o.model, {
    type: 'Recognizer2D',
    backbone: { type: 'ResNet', pretrained: 'torchvision://resnet50', depth: 101, norm_eval: true, out_indices: [3] },
    cls_head: {
      type: 'TSNHead', num_classes: 101, in_channels: 2048, spatial_type: 'avg',
      consensus: { type: 'AvgConsensus', dim: 2 }, dropout_ratio: 0.4, init_std: 0.01,
    },
    train_cfg: null,
    test_cfg: { average_clips: null },
  });
  // _delete_ replaces: no momentum left from the base
  assert.deepStrictEqual(o.optimizer, { type: 'Adam', lr: 0.001, weight_decay: 0 });
  assert.deepStrictEqual(o.optimizer_config, { grad_clip: { max_norm: 40, norm_type: 2 } });
  // lists replace
  assert.deepStrictEqual(o.lr_config, { policy: 'step', step: [10] });
  assert.equal(o.total_epochs, 50);
  // the base's own variables were used inside the base (num_clips=3), the child's later value stays at the top level
  assert.equal(o.data.train.pipeline[0].num_clips, 3);
  assert.equal(o.num_segments, 8);
  assert.equal(o.clip, 3);
  assert.deepStrictEqual(o.norm, IMG_NORM);
  assert.deepStrictEqual(o.data.train.pipeline[3], { type: 'Normalize', ...IMG_NORM });
  const childNorm = { mean: [128, 128, 128], std: [1, 1, 1], to_bgr: true };
  assert.deepStrictEqual(o.img_norm_cfg, childNorm);
  assert.equal(o.ann_file_train, 'data/kinetics400/rawframes_train/../kinetics400_train_list_rawframes.txt');
  // data merges: new test split, train/val from the base, videos_per_gpu overridden
  assert.equal(o.data.videos_per_gpu, 8);
  assert.equal(o.data.workers_per_gpu, 2);
  assert.equal(o.data.val.data_prefix, 'data/kinetics400/rawframes_val');
  assert.deepStrictEqual(o.data.test.pipeline, [
    { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 8, test_mode: true },
    { type: 'CenterCrop', crop_size: 224 },
    { type: 'Normalize', ...childNorm },
  ]);
  assert.deepStrictEqual(o.scales, [1, 0.5, 0.25]);
  // yaml and json bases
  assert.deepStrictEqual(o.log_config, { interval: 20, hooks: [{ type: 'TextLoggerHook' }] });
  assert.deepStrictEqual(o.workflow, [['train', 1]]);
  assert.deepStrictEqual(o.evaluation, { interval: 5, metrics: ['top_k_accuracy', 'mean_class_accuracy'] });
  // predefined variables
  assert.equal(o.work_dir, './work_dirs/tsn_child_50e/');
  // _base_ is gone; key order is mmcv's (bases in order, then the child's new names)
  assert.deepStrictEqual(Object.keys(o), [
    'model', 'dataset_type', 'data_root', 'data_root_val', 'ann_file_train', 'img_norm_cfg', 'num_segments',
    'train_pipeline', 'data', 'optimizer', 'optimizer_config', 'lr_config', 'total_epochs', 'checkpoint_config',
    'log_config', 'dist_params', 'log_level', 'load_from', 'workflow', 'evaluation', 'opencv_num_threads',
    'norm', 'clip', 'scales', 'test_pipeline', 'work_dir',
  ]);
  // get() with dotted paths and list indexes
  assert.equal(cfg.get('model.backbone.depth'), 101);
  assert.equal(cfg.get('data.test.pipeline.1.crop_size'), 224);
  assert.equal(cfg.get('model.neck'), undefined);
  assert.equal(cfg.get('model.neck', 'none'), 'none');
  // text: every file of the chain, bases first, each headed by its path
  const heads = cfg.text.split('\n').filter((l) => l.startsWith('/'));
  assert.deepStrictEqual(heads.map((h) => h.slice(chain.length + 1)), [
    '_base_/models/tsn_r50.py', '_base_/datasets/kinetics400_rawframes.py', '_base_/schedules/sgd_100e.py',
    '_base_/runtime.yaml', '_base_/extra.json', 'recognition/tsn_child.py',
  ]);
  assert.equal(cfg.filename, join(chain, 'recognition/tsn_child.py'));
});

test('the TypeScript twin of the child gives the same config', () => {
  const py = Config.fromFile(join(chain, 'recognition/tsn_child.py')).toObject();
  const ts = Config.fromFile(join(chain, 'recognition/tsn_child.ts')).toObject();
  assert.deepStrictEqual(ts, py);
});

test('grandchild: _delete_ on a nested dict, list replaced inside a merged dict', () => {
  const o = Config.fromFile(join(chain, 'recognition/grandchild.py')).toObject() as Record<string, any>;
  assert.deepStrictEqual(o.model.cls_head, { type: 'I3DHead', num_classes: 5, in_channels: 2048 });
  assert.equal(o.model.backbone.depth, 101);
  assert.deepStrictEqual(o.data.train.pipeline, [{ type: 'DecordInit' }]);
  assert.equal(o.data.train.ann_file, 'data/kinetics400/rawframes_train/../kinetics400_train_list_rawframes.txt');
  assert.equal(o.work_dir, './work_dirs/tsn_child_50e/');
});

test('cfgOptions override like --cfg-options (typed values, list indexes)', () => {
  const cfg = Config.fromFile(join(chain, 'recognition/tsn_child.py'), {
    cfgOptions: [
      'model.cls_head.num_classes=7', 'model.backbone.pretrained=None', 'optimizer.lr=0.1',
      'data.train.pipeline.0.num_clips=5', 'data.train.pipeline.1.type=DecordDecode',
      'lr_config.step=[3,6]', 'model.backbone.out_indices=(0,1)', 'evaluation.save_best=auto',
      'model.backbone.norm_eval=false', 'new.key=1,2',
    ],
  });
  const o = cfg.toObject() as Record<string, any>;
  assert.equal(o.model.cls_head.num_classes, 7);
  assert.equal(o.model.cls_head.in_channels, 2048);
  assert.equal(o.model.backbone.pretrained, null);
  assert.equal(o.optimizer.lr, 0.1);
  assert.deepStrictEqual(o.data.train.pipeline[0], { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 5 });
  assert.deepStrictEqual(o.data.train.pipeline[1], { type: 'DecordDecode' });
  assert.equal(o.data.train.pipeline.length, 5);
  assert.deepStrictEqual(o.lr_config.step, [3, 6]);
  assert.deepStrictEqual(o.model.backbone.out_indices, [0, 1]);
  assert.equal(o.evaluation.save_best, 'auto');
  assert.equal(o.model.backbone.norm_eval, false);
  assert.deepStrictEqual(o.new, { key: [1, 2] });
  // tuples stay tuples and ints stay ints in the Python dump
  assert.match(cfg.prettyText, /out_indices=\(0, 1\)/);
  assert.match(cfg.prettyText, /lr=0\.1,/);
  // already parsed values work too
  const c2 = Config.fromFile(join(chain, 'recognition/tsn_child.py'), { cfgOptions: { 'model.backbone.depth': 18, 'data.videos_per_gpu': 2 } });
  assert.equal(c2.get('model.backbone.depth'), 18);
  assert.equal(c2.get('data.videos_per_gpu'), 2);
});

test('cfgOptions errors name the key', () => {
  const f = join(chain, 'recognition/tsn_child.py');
  assert.throws(() => Config.fromFile(f, { cfgOptions: ['data.train.pipeline.9.type=X'] }),
    /data\.train\.pipeline\.9: index 9 exceeds the length of the list \(5 items\)/);
  assert.throws(() => Config.fromFile(f, { cfgOptions: ['model.backbone.depth.x=1'] }),
    /model\.backbone\.depth\.x: .*cannot set key|depth=\{'x': 1\} in child config cannot inherit from base because depth is a dict in the child config but is of type int in base config/);
  assert.throws(() => Config.fromFile(f, { cfgOptions: ['model.backbone.depth'] }), /bad --cfg-options item 'model\.backbone\.depth': expected KEY=VALUE/);
  assert.throws(() => Config.fromFile(f, { cfgOptions: ['a=[1,(2,3]'] }), /imbalanced brackets in 'a=\[1,\(2,3\]'/);
});

test('prettyText is Python that reads back to the same config, with ints, floats and tuples kept', () => {
  const cfg = Config.fromFile(join(chain, 'recognition/tsn_child.py'));
  const text = cfg.prettyText;
  assert.deepStrictEqual(Config.fromString(text, '.py').toObject(), cfg.toObject());
  assert.deepStrictEqual(Config.fromString(text, '.py').toPyValue(), cfg.toPyValue());
  assert.match(text, /^optimizer = dict\(type='Adam', lr=0\.001, weight_decay=0\.0\)$/m);
  assert.match(text, /^scales = \[1\.0, 0\.5, 0\.25\]$/m);
  assert.match(text, /out_indices=\(3, \)/);
  // within 79 columns, except lines that hold one long string (Python cannot break those either)
  const long = text.split('\n').filter((l) => l.length > 79);
  assert.ok(long.length > 0 && long.every((l) => /^\s*\w+ ?= ?'[^']*',?$/.test(l)), long.join('\n'));
  const small = new Config({ a: 1, b: { 'x-y': [1.5, 'q'], c: null, d: true } });
  assert.equal(small.prettyText, "a = 1\nb = dict({'x-y': [1.5, 'q'], 'c': None, 'd': True})\n");
});

test('dump to .py/.json/.yaml/.ts writes atomically and each reads back', () => {
  const cfg = Config.fromFile(join(chain, 'recognition/tsn_child.py'));
  const dir = mkdtempSync(join(tmpdir(), 'cfg-dump-'));
  try {
    for (const ext of ['py', 'json', 'yaml', 'ts']) {
      const out = join(dir, `out.${ext}`);
      const text = cfg.dump(out);
      assert.equal(readFileSync(out, 'utf8'), text);
      assert.deepStrictEqual(Config.fromFile(out).toObject(), cfg.toObject(), ext);
    }
    assert.deepStrictEqual(readdirSync(dir).sort(), ['out.json', 'out.py', 'out.ts', 'out.yaml'], 'no temp files left');
    assert.equal(cfg.dump(), cfg.prettyText);
    assert.deepStrictEqual(JSON.parse(JSON.stringify(cfg)), cfg.toObject());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('toObject returns a copy', () => {
  const cfg = Config.fromFile(join(chain, 'recognition/tsn_child.py'));
  const o = cfg.toObject() as Record<string, any>;
  o.model.backbone.depth = 1;
  assert.equal(cfg.get('model.backbone.depth'), 101);
});

const badCases: [string, RegExp][] = [
  ['syntax.py', /syntax\.py:1:9: '\(' was never closed/],
  ['import.py', /import\.py:1:1: import statement is not supported in config files/],
  ['missing_base.py', /config file not found: .*bad\/nope\.py \(a _base_ of .*bad\/missing_base\.py\)/],
  ['circular_a.py', /circular _base_ chain: .*circular_a\.py -> .*circular_b\.py -> .*circular_a\.py/],
  ['name_from_base.py', /name_from_base\.py:2:5: NameError: name 'x' is not defined\n[^]*'x' is defined in the base file \.\/base_vars\.py, but as in mmcv a config cannot use the variables of its bases by name: write \{\{_base_\.x\}\}/],
  ['dict_over_int.py', /x=\{'a': 1\} in child config cannot inherit from base because x is a dict in the child config but is of type int in base config\. You may set `_delete_=True` to ignore the base config\./],
  ['dup_bases.py', /duplicate key is not allowed among bases\. Duplicate keys: 'x' \(in \.\/base_vars\.py and \.\/base_vars2\.py\)/],
  ['broken.yaml', /broken\.yaml: invalid YAML/],
  ['broken.json', /broken\.json: invalid JSON/],
  ['config.txt', /unsupported config file type '\.txt'/],
  ['reserved.py', /'filename' is reserved for config file/],
  ['bad_base_ref.py', /\{\{_base_\.y\.q\}\} refers to 'q', which the base configs do not define/],
  // as in mmcv, where {{_base_.y}} is still a placeholder string when the file runs
  ['expand_base_ref.py', /expand_base_ref\.py:2:5: TypeError: dict\(\) argument after \*\* must be a mapping, not str/],
  ['not_object.ts', /must export a plain object as default/],
];

for (const [file, re] of badCases) {
  test(`bad config: ${file}`, () => {
    assert.throws(() => Config.fromFile(join(bad, file)), re);
  });
}

test('a missing top-level file is reported plainly', () => {
  assert.throws(() => Config.fromFile(join(bad, 'does_not_exist.py')), /^Error: config file not found: .*does_not_exist\.py$|config file not found: .*does_not_exist\.py$/);
  assert.ok(!existsSync(join(bad, 'does_not_exist.py')));
});

test('a NameError is not the base variable hint when the base lacks the name', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-ne-'));
  try {
    writeFileSync(join(dir, 'b.py'), 'q = 1\n');
    writeFileSync(join(dir, 'c.py'), "_base_ = './b.py'\nw = zz\n");
    assert.throws(() => Config.fromFile(join(dir, 'c.py')), (e: Error) => /NameError: name 'zz' is not defined/.test(e.message) && !/defined in the base/.test(e.message));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('JavaScript configs (.js ESM, .mjs, .cjs) with _base_', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-js-'));
  try {
    writeFileSync(join(dir, 'a.js'), "export default { _base_: './b.mjs', a: { x: 1 } };\n");
    writeFileSync(join(dir, 'b.mjs'), 'export default { a: { y: 2 }, z: [1.5] };\n');
    writeFileSync(join(dir, 'c.cjs'), "module.exports = { _base_: ['./a.js'], q: 'cjs' };\n");
    const o = Config.fromFile(join(dir, 'c.cjs')).toObject();
    assert.deepStrictEqual(o, { a: { y: 2, x: 1 }, z: [1.5], q: 'cjs' });
    assert.deepStrictEqual(Object.keys(o), ['a', 'z', 'q']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a TypeScript config edited while the process runs is read again', () => {
  const dir = mkdtempSync(join(tmpdir(), 'cfg-reload-'));
  try {
    const f = join(dir, 'x.ts');
    writeFileSync(f, 'export default { a: 1 };\n');
    assert.equal(Config.fromFile(f).get('a'), 1);
    writeFileSync(f, 'export default { a: 2 };\n');
    assert.equal(Config.fromFile(f).get('a'), 2);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
