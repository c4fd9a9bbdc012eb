// mmaction build-rawframes: folder layout, frame count, resizing, JPEG content, resume, errors.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { run, parseArgs, targetSize } from '../../src/cli/build_rawframes.ts';
import { ffmpeg, cliFrames } from './media.ts';

let dir: string;
let src: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mmts-rawframes-'));
  src = join(dir, 'videos');
  mkdirSync(join(src, 'jump'), { recursive: true });
  mkdirSync(join(src, 'run'), { recursive: true });
  const enc = (out: string, size: string, n: number, codec: string[]) =>
    ffmpeg(['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=25`, '-frames:v', String(n), ...codec, out]);
  enc(join(src, 'jump', 'a.mp4'), '160x120', 20, ['-c:v', 'mpeg4', '-q:v', '3']);
  enc(join(src, 'jump', 'b.avi'), '160x120', 12, ['-c:v', 'mjpeg']);
  enc(join(src, 'run', 'c.x.mp4'), '120x160', 15, ['-c:v', 'mpeg4', '-q:v', '3']);  // portrait, a dot in the name
});
after(() => rmSync(dir, { recursive: true, force: true }));

const quiet = async (argv: string[]) => {
  const write = process.stderr.write;
  process.stderr.write = (() => true) as typeof process.stderr.write;
  try {
    return await run(argv);
  } finally {
    process.stderr.write = write;
  }
};

test('level 2, --ext mp4: OUT/class/video/img_00001.jpg.., every frame, JPEG of the exact decoded frame', async () => {
  const out = join(dir, 'out1');
  const report = join(dir, 'report1.txt');
  assert.equal(await quiet([src, out, '--ext', 'mp4', '--level', '2', '--report-file', report]), 0);
  assert.deepEqual(readdirSync(out).sort(), ['jump', 'run']);
  assert.deepEqual(readdirSync(join(out, 'jump')), ['a']);  // b.avi has another extension
  assert.deepEqual(readdirSync(join(out, 'run')), ['c']);  // name up to the first dot, as MMAction2
  const files = readdirSync(join(out, 'jump', 'a')).sort();
  assert.equal(files.length, 20);
  assert.equal(files[0], 'img_00001.jpg');
  assert.equal(files[19], 'img_00020.jpg');
  const ref = cliFrames(join(src, 'jump', 'a.mp4'));
  const fb = 160 * 120 * 3;
  for (const k of [0, 19]) {
    // The file is exactly the JPEG (quality 95, 4:2:0) of the frame the ffmpeg CLI decodes.
    const jpg = readFileSync(join(out, 'jump', 'a', files[k]));
    const want = await sharp(ref.subarray(k * fb, (k + 1) * fb), { raw: { width: 160, height: 120, channels: 3 } })
      .jpeg({ quality: 95, chromaSubsampling: '4:2:0' }).toBuffer();
    assert.ok(jpg.equals(want), `frame ${k}`);
    const { info } = await sharp(jpg).raw().toBuffer({ resolveWithObject: true });
    assert.deepEqual([info.width, info.height, info.channels], [160, 120, 3]);
  }
  assert.equal(readFileSync(report, 'utf8').trim().split('\n').length, 2);
});

test('--new-short and --new-width/--new-height, --mixed-ext, level 1', async () => {
  const out = join(dir, 'out2');
  assert.equal(await quiet([src, out, '--mixed-ext', '--new-short', '64', '--num-workers', '2', '--report-file', '']), 0);
  const meta = async (p: string) => sharp(join(out, p, readdirSync(join(out, p))[0])).metadata();
  const a = await meta('jump/a');
  assert.deepEqual([a.width, a.height], [85, 64]);  // int(160 * 64 / 120) = 85 (truncated, as MMAction2)
  const c = await meta('run/c');
  assert.deepEqual([c.width, c.height], [64, 85]);
  assert.equal(readdirSync(join(out, 'jump', 'b')).length, 12);
  const out3 = join(dir, 'out3');
  assert.equal(await quiet([join(src, 'jump'), out3, '--level', '1', '--ext', 'avi', '--new-width', '40', '--new-height', '30', '--report-file', '']), 0);
  assert.deepEqual(readdirSync(out3), ['b']);
  const b = await sharp(join(out3, 'b', 'img_00001.jpg')).metadata();
  assert.deepEqual([b.width, b.height], [40, 30]);
  assert.deepEqual(targetSize(340, 256, { ...parseArgs(['a', 'b', '--new-short', '256']).opts }), { width: 340, height: 256 });
});

test('--resume skips finished videos; no temporary folders are left', async () => {
  const out = join(dir, 'out4');
  assert.equal(await quiet([src, out, '--ext', 'mp4', '--report-file', '']), 0);
  rmSync(join(out, 'run', 'c'), { recursive: true });
  const before = readdirSync(join(out, 'jump', 'a')).length;
  const report = join(dir, 'report4.txt');
  assert.equal(await quiet([src, out, '--ext', 'mp4', '--resume', '--report-file', report]), 0);
  assert.deepEqual(readFileSync(report, 'utf8').trim().split('\n').map((l) => l.split('/').at(-1)), ['c.x.mp4']);
  assert.equal(readdirSync(join(out, 'jump', 'a')).length, before);
  assert.equal(readdirSync(join(out, 'run', 'c')).length, 15);
  for (const d of ['jump', 'run']) assert.deepEqual(readdirSync(join(out, d)).filter((f) => f.includes('.tmp-')), []);
});

test('bad arguments and unreadable videos', async () => {
  assert.throws(() => parseArgs([src, 'o', '--task', 'flow']), /only RGB frames are supported/);
  assert.throws(() => parseArgs([src, 'o', '--level', '3']), /--level expects 1 or 2/);
  assert.throws(() => parseArgs([src, 'o', '--new-short', '64', '--new-width', '10', '--new-height', '10']), /either --new-short/);
  assert.throws(() => parseArgs([src]), /usage/);
  assert.throws(() => parseArgs([src, 'o', '--bogus']), /unknown option --bogus/);
  await assert.rejects(run([join(dir, 'nope'), join(dir, 'o')]), /does not exist/);
  const bad = join(dir, 'bad');
  mkdirSync(join(bad, 'cls'), { recursive: true });
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x48', '-frames:v', '3', '-c:v', 'mpeg4', join(bad, 'cls', 'ok.mp4')]);
  readFileSync(join(bad, 'cls', 'ok.mp4'));
  const { writeFileSync } = await import('node:fs');
  writeFileSync(join(bad, 'cls', 'broken.mp4'), 'not a video');
  const out = join(dir, 'out5');
  assert.equal(await quiet([bad, out, '--ext', 'mp4', '--report-file', '']), 1);  // one failure -> exit 1
  assert.deepEqual(readdirSync(join(out, 'cls')), ['ok']);
  assert.equal(existsSync(join(out, 'cls', 'broken')), false);
});
