/** `mmaction synth-motion` and `mmaction demo` end to end, as a user runs them (real processes, real files). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VideoReader } from '../../src/index.ts';
import { SYNTH_MOTION_CLASSES } from '../../src/datasets/synth_motion.ts';

const root = new URL('../../', import.meta.url).pathname;
const mmaction = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/mmaction.js'), ...args], { encoding: 'utf8', cwd: root });
const dir = mkdtempSync(join(tmpdir(), 'mmts-demo-'));

test('synth-motion writes videos, lists and a label map that MMAction2 datasets read', async () => {
  const r = mmaction('synth-motion', join(dir, 'sm'), '--videos-per-class', '1', '--size', '48', '--frames', '8', '--seed', '3');
  assert.equal(r.status, 0, r.stderr);
  const lines = readFileSync(join(dir, 'sm/list_videos.txt'), 'utf8').trim().split('\n');
  assert.equal(lines.length, SYNTH_MOTION_CLASSES.length);
  assert.deepEqual(lines.map((l) => Number(l.split(' ')[1])), [...SYNTH_MOTION_CLASSES.keys()]);
  assert.deepEqual(readFileSync(join(dir, 'sm/label_map.txt'), 'utf8').trim().split('\n'), [...SYNTH_MOTION_CLASSES]);
  const reader = await VideoReader.open(join(dir, 'sm', lines[0].split(' ')[0]));
  assert.deepEqual([reader.numFrames, reader.width, reader.height], [8, 48, 48]);
  await reader.close();
  const bad = mmaction('synth-motion', join(dir, 'x'));
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--videos-per-class is required/);
});

test('demo prints the top-5 and writes an mp4 with the label drawn', async () => {
  const fx = join(root, 'test/fixtures/models/tsn_r50s2');
  const cfg = JSON.parse(readFileSync(join(fx, 'config.json'), 'utf8'));
  cfg.data.test.pipeline = [
    { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 3, test_mode: true }, { type: 'RawFrameDecode' },
    { type: 'Resize', scale: [-1, 64] }, { type: 'CenterCrop', crop_size: 64 },
    { type: 'Normalize', mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false },
    { type: 'FormatShape', input_format: 'NCHW' }, { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] }, { type: 'ToTensor', keys: ['imgs'] },
  ];
  writeFileSync(join(dir, 'tsn.json'), JSON.stringify(cfg));
  writeFileSync(join(dir, 'labels.txt'), 'alpha\nbeta\ngamma\ndelta\nepsilon\nzeta\neta\n');
  const video = join(dir, 'sm/videos/zoom_in/zoom_in_0000.mp4');
  const out = join(dir, 'out.mp4');
  const r = mmaction('demo', join(dir, 'tsn.json'), join(fx, 'checkpoint.pth'), video, join(dir, 'labels.txt'), '--out-filename', out, '--font-scale', '0.4');
  assert.equal(r.status, 0, r.stderr);
  const printed = r.stdout.split('\n');
  assert.equal(printed[0], 'The top-5 labels with corresponding scores are:');
  const scores = printed.slice(1, 6).map((l) => Number(l.split(':').pop()));
  assert.ok(scores.every(Number.isFinite) && scores.every((s, i) => i === 0 || scores[i - 1] >= s), r.stdout);
  assert.ok(existsSync(out));
  const [orig, drawn] = await Promise.all([VideoReader.open(video), VideoReader.open(out)]);
  assert.equal(drawn.numFrames, orig.numFrames);
  const a = (await orig.getBatch([0])).toTypedArray() as Uint8Array;
  const b = (await drawn.getBatch([0])).toTypedArray() as Uint8Array;
  // The label is drawn near the top-left corner: that region changes far more than the rest (codec noise).
  const diff = (y0: number, y1: number, x0: number, x1: number) => {
    let s = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) s += Math.abs(a[(y * 48 + x) * 3 + c] - b[(y * 48 + x) * 3 + c]);
    return s / ((y1 - y0) * (x1 - x0) * 3);
  };
  assert.ok(diff(8, 22, 8, 40) > 4 * diff(30, 48, 0, 48) + 5, `label region diff ${diff(8, 22, 8, 40)} vs rest ${diff(30, 48, 0, 48)}`);
  await orig.close(); await drawn.close();
  const bad = mmaction('demo', join(dir, 'tsn.json'), join(fx, 'checkpoint.pth'), join(dir, 'nope.mp4'), join(dir, 'labels.txt'));
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /nope.mp4 does not exist/);
});
