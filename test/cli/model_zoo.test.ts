/**
 * `mmaction model-zoo` and `mmaction demo --model NAME VIDEO` as a user runs them. No internet:
 * the zoo model's checkpoint is placed in the cache beforehand (random weights with the zoo's file
 * name), which is also how a user installs a checkpoint by hand; demo must then use the cached
 * file, the zoo's config and the Kinetics-400 label map, and print what the API computes.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch } from '../../src/index.ts';
import { Config } from '../../src/config/config.ts';
import { buildModel } from '../../src/models/builder.ts';
import { cachePathOf } from '../../src/models/download.ts';
import { inferenceRecognizer, initRecognizer } from '../../src/apis/inference.ts';
import { MODEL_ZOO, resolveModel } from '../../src/apis/model_zoo.ts';
import { ffmpeg } from '../video/media.ts';

const root = new URL('../../', import.meta.url).pathname;
const dir = mkdtempSync(join(tmpdir(), 'mmts-zoo-cli-'));
const cache = join(dir, 'cache');
const env = { ...process.env, MMACTION_TS_CACHE: cache };
const mmaction = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/mmaction.js'), ...args], { encoding: 'utf8', cwd: root, env });
const NAME = 'tsm_mobilenetv2_dense_1x1x8_100e_kinetics400_rgb';
const video = join(dir, 'clip.mp4');
// A light test pipeline: one dense clip of 8 frames, three 64x64 crops.
const cfgOptions = ['data.test.pipeline.0.num_sample_positions=1', 'data.test.pipeline.2.scale=[-1,64]', 'data.test.pipeline.3.crop_size=64'];

before(() => {
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=90x70:rate=10', '-frames:v', '30', '-c:v', 'mpeg4', '-q:v', '4', '-pix_fmt', 'yuv420p', video]);
  const m = resolveModel(NAME);
  const cfg = Config.fromFile(m.config).toObject() as { model: { type: string; backbone: Record<string, unknown> } };
  cfg.model.backbone.pretrained = null;
  torch.manualSeed(7);
  const model = buildModel(cfg.model);
  mkdirSync(cache, { recursive: true });
  torch.saveSync({ meta: {}, state_dict: Object.fromEntries(model.stateDict()) }, cachePathOf(m.checkpoint, cache));
  model.dispose();
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('model-zoo list, info and errors', () => {
  const list = mmaction('model-zoo', 'list');
  assert.equal(list.status, 0, list.stderr);
  const lines = list.stdout.trim().split('\n');
  assert.equal(lines.length, MODEL_ZOO.length + 2);
  assert.match(lines[0], /^name +dataset +top1 +top5$/);
  assert.match(list.stdout, /\ntsn_r50_1x1x3_100e_kinetics400_rgb +Kinetics-400 +70\.60 +89\.26\n/);
  const json = mmaction('model-zoo', 'list', '--collection', 'tpn', '--json');
  assert.deepEqual(JSON.parse(json.stdout).map((e: { name: string }) => e.name),
    ['tpn_slowonly_r50_8x8x1_150e_kinetics_rgb', 'tpn_imagenet_pretrained_slowonly_r50_8x8x1_150e_kinetics_rgb', 'tpn_tsm_r50_1x1x8_150e_sthv1_rgb']);
  const info = mmaction('model-zoo', 'info', NAME);
  assert.equal(info.status, 0, info.stderr);
  const m = resolveModel(NAME);
  assert.ok(info.stdout.includes(`checkpoint:   ${m.checkpoint}\n`), info.stdout);
  assert.ok(info.stdout.includes(`cache:        ${cachePathOf(m.checkpoint, cache)} (downloaded)\n`), info.stdout);
  assert.ok(info.stdout.includes(`label map:    ${m.labelMap}\n`), info.stdout);
  const bad = mmaction('model-zoo', 'info', 'tsm_mobilenetv2_dense_1x1x8_100e_kinetics400');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /no model named 'tsm_mobilenetv2_dense_1x1x8_100e_kinetics400' in the model zoo \(did you mean 'tsm_mobilenetv2_dense_1x1x8_100e_kinetics400_rgb'\?\)/);
});

test('demo --model NAME VIDEO uses the zoo config, the cached checkpoint and the Kinetics-400 labels', async () => {
  const r = mmaction('demo', '--model', NAME, video, '--cfg-options', ...cfgOptions);
  assert.equal(r.status, 0, r.stderr);
  const printed = r.stdout.trim().split('\n');
  assert.equal(printed[0], 'The top-5 labels with corresponding scores are:');
  const m = resolveModel(NAME);
  const model = await initRecognizer(m.config, cachePathOf(m.checkpoint, cache), { labels: m.labelMap, cfgOptions });
  const { top } = await inferenceRecognizer(model, video);
  model.dispose();
  assert.deepEqual(printed.slice(1, 6), top.map((t) => `${t.label}:  ${t.score}`));
  assert.ok(top.every((t) => typeof t.label === 'string' && t.label.length > 1), 'Kinetics-400 class names');

  const usage = mmaction('demo', '--model', NAME, video, 'extra.txt');
  assert.equal(usage.status, 1);
  assert.match(usage.stderr, /with --model, expected only VIDEO, got 2 positional argument\(s\)/);
});
