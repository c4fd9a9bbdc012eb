/**
 * `mmaction webcam-demo` on a file played in real time (--realtime), the live path of a camera or
 * stream without the device: frame counts, the drawing-rate limit, predictions printed, the
 * annotated video decoding back, and flat memory on an input far larger than it. No timing
 * thresholds: real-time playback is only checked to take at least the input's duration.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VideoReader } from '../../src/index.ts';
import { runWebcamDemo } from '../../src/apis/webcam.ts';

const root = new URL('../../', import.meta.url).pathname;
const mmaction = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/mmaction.js'), ...args], { encoding: 'utf8', cwd: root });
const dir = mkdtempSync(join(tmpdir(), 'mmts-webcam-'));
const fx = join(root, 'test/fixtures/models/tsn_r50s2');
const ckpt = join(fx, 'checkpoint.pth');
const LABELS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta', 'eta'];

function ffmpeg(...args: string[]): void {
  const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
}

const cfg = JSON.parse(readFileSync(join(fx, 'config.json'), 'utf8'));
cfg.data.test.pipeline = [
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 3, test_mode: true }, { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 48] }, { type: 'CenterCrop', crop_size: 48 },
  { type: 'Normalize', mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false },
  { type: 'FormatShape', input_format: 'NCHW' }, { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] }, { type: 'ToTensor', keys: ['imgs'] },
];
cfg.model.test_cfg.average_clips = 'prob';
const cfgPath = join(dir, 'tsn.json');
writeFileSync(cfgPath, JSON.stringify(cfg));
const labelsPath = join(dir, 'labels.txt');
writeFileSync(labelsPath, `${LABELS.join('\n')}\n`);

test('webcam-demo plays a file in real time, prints predictions and writes every frame', async () => {
  const video = join(dir, 'live.mp4');
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=100:duration=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', video);
  const out = join(dir, 'annotated.mp4');
  const r = mmaction('webcam-demo', cfgPath, ckpt, labelsPath, '--input', video, '--realtime', '--max-frames', '150',
    '--drawing-fps', '0', '--inference-fps', '0', '--threshold', '0', '--out-filename', out);
  assert.equal(r.status, 0, r.stderr);
  const m = /stopped by max frames: 150 frames read \((\d+\.\d+) s of input in (\d+\.\d+) s\), 150 shown, (\d+) inferences, (\d+) predictions/.exec(r.stdout);
  assert.ok(m, r.stdout);
  const [inputSeconds, seconds, inferences, predictions] = m.slice(1).map(Number);
  assert.equal(inputSeconds, 1.49);
  assert.ok(seconds >= inputSeconds * 0.9, `real-time playback took ${seconds} s for ${inputSeconds} s of input`);
  assert.ok(predictions >= 1 && predictions === inferences, r.stdout);
  // One line per prediction: the top-5 (threshold 0), probabilities ('prob') summing to about 1.
  const lines = r.stdout.split('\n').filter((l) => l.startsWith('frame '));
  assert.equal(lines.length, predictions);
  const labels = /^frame \d+ \(\d+\.\d\d s\): (.*)$/.exec(lines[0])![1].split(', ');
  assert.equal(labels.length, 5);
  for (const l of labels) assert.match(l, /^(alpha|beta|gamma|delta|epsilon|zeta|eta): \d\.\d+$/);
  const v = await VideoReader.open(out);
  assert.deepEqual([v.numFrames, v.width, v.height], [150, 64, 48]);
  v.close();
});

test('webcam-demo --drawing-fps passes at most that many frames a second', async () => {
  const video = join(dir, 'live.mp4');
  const out = join(dir, 'decimated.mp4');
  const r = mmaction('webcam-demo', cfgPath, ckpt, labelsPath, '--input', video, '--max-frames', '100', '--drawing-fps', '25', '--out-filename', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /stopped by max frames: 100 frames read .* 25 shown/);
  const v = await VideoReader.open(out);
  assert.deepEqual([v.numFrames, Math.round(v.fps)], [25, 25]);
  v.close();
  const bad = mmaction('webcam-demo', cfgPath, ckpt, labelsPath, '--camera-id', '0', '--input', video);
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /either --camera-id or --input/);
  const noCam = mmaction('webcam-demo', cfgPath, ckpt, labelsPath, '--camera-id', '97');
  assert.equal(noCam.status, 1);
  assert.match(noCam.stderr, /cannot read video \/dev\/video97/);
});

test('webcam loop memory stays flat on a long real-time input', async () => {
  const video = join(dir, 'big.mp4');
  // 900 frames of 640x360 at 300 fps: 622 MB decoded, 3 s of real time
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=300:duration=3', '-c:v', 'mpeg4', '-q:v', '8', video);
  let base = 0, peak = 0;
  const s = await runWebcamDemo({
    config: cfg, checkpoint: ckpt, labels: LABELS, source: { url: video, realtime: true }, drawingFps: 0, inferenceFps: 0,
    onFrame: (n) => {
      const rss = process.memoryUsage().rss;
      if (n === 50) base = rss;
      if (n > 50) peak = Math.max(peak, rss);
    },
  });
  assert.equal(s.framesRead, 900);
  assert.equal(s.framesShown, 900);
  assert.equal(s.stoppedBy, 'end of input');
  assert.ok(s.predictions >= 1);
  const grown = (peak - base) / 2 ** 20;
  assert.ok(grown < 200, `RSS grew by ${grown.toFixed(0)} MB over 850 frames (${(850 * 640 * 360 * 3 / 2 ** 20).toFixed(0)} MB decoded)`);
});

test('webcam-demo stops on SIGINT and still finishes its output file', async () => {
  const video = join(dir, 'long_live.mp4');
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=25:duration=20', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', video);
  const out = join(dir, 'interrupted.mp4');
  const child = spawn(process.execPath, [join(root, 'bin/mmaction.js'), 'webcam-demo', cfgPath, ckpt, labelsPath, '--input', video, '--realtime',
    '--inference-fps', '0', '--out-filename', out], { cwd: root });
  let stdout = '', stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  child.stdout.on('data', (d) => {
    stdout += d;
    if (/^frame \d+/m.test(stdout) && !child.killed) child.kill('SIGINT'); // after the first prediction
  });
  const code = await new Promise((resolve) => child.on('exit', resolve));
  assert.equal(code, 0, stderr);
  const m = /stopped by signal: (\d+) frames read .* (\d+) shown/.exec(stdout);
  assert.ok(m, stdout);
  const shown = Number(m[2]);
  assert.ok(Number(m[1]) < 500);
  const v = await VideoReader.open(out);
  assert.deepEqual([v.numFrames, v.width, v.height], [shown, 64, 48]);
  v.close();
});
