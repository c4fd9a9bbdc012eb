/**
 * `mmaction long-video-demo` end to end on videos made by ffmpeg (lavfi testsrc), with the TSN
 * fixture model: the labelled video decodes (VideoReader and the ffmpeg CLI) with every frame,
 * the JSON has MMAction2's layout and each prediction equals inferenceRecognizer on the window's
 * frames; stride/input-step sampling; memory stays flat on a video far larger than it.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VideoReader, VideoStream } from '../../src/index.ts';
import { inferenceRecognizer, initRecognizer } from '../../src/apis/inference.ts';
import { LongVideoRecognizer, PREPARING_MSG, recognizeLongVideo } from '../../src/apis/long_video.ts';
import { buildWindowPipeline, formatScore, topLabels } from '../../src/apis/window_inference.ts';

const root = new URL('../../', import.meta.url).pathname;
const mmaction = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/mmaction.js'), ...args], { encoding: 'utf8', cwd: root });
const dir = mkdtempSync(join(tmpdir(), 'mmts-longvideo-'));
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
const cfgPath = join(dir, 'tsn.json');
writeFileSync(cfgPath, JSON.stringify(cfg));
const labelsPath = join(dir, 'labels.txt');
writeFileSync(labelsPath, `${LABELS.join('\n')}\n`);

/** The lines MMAction2 shows for one prediction. */
const linesOf = (scores: ArrayLike<number>, thr = 0.01) => {
  const out: string[] = [];
  for (const [l, s] of topLabels(LABELS, scores)) {
    if (s < thr) break;
    out.push(`${l}: ${formatScore(s)}`);
  }
  return out;
};

test('numpy-style score text and stable top-5', () => {
  // str(round(np.float32(v), 2)) with numpy 1.24
  assert.deepEqual([0.834, 0.835, 0.125, 1, 0, 0.004999, 12.3456, 0.1, 0.845, 0.005, 0.015, 0.025, 2.675].map(formatScore),
    ['0.83', '0.84', '0.12', '1.0', '0.0', '0.0', '12.35', '0.1', '0.84', '0.0', '0.02', '0.02', '2.68']);
  assert.deepEqual(topLabels(['a', 'b', 'c'], [0.2, 0.5, 0.2, 0.9]), [['b', 0.5], ['a', 0.2], ['c', 0.2]]);
});

test('long-video-demo: labelled video with every frame, JSON equal to per-window inference', async () => {
  const video = join(dir, 'long.mp4');
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=25:duration=6', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', video);
  const out = join(dir, 'out.mp4');
  const outJson = join(dir, 'out.json');
  const r = mmaction('long-video-demo', cfgPath, ckpt, video, labelsPath, out, '--out-json', outJson, '--threshold', '0.05');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote .*out\.mp4 and .*out\.json: 150 frames, 148 predictions on 3-frame windows/);

  const drawn = await VideoReader.open(out);
  assert.deepEqual([drawn.numFrames, drawn.width, drawn.height], [150, 64, 48]);
  const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,width,height', '-of', 'csv=p=0', out], { encoding: 'utf8' });
  assert.equal(probe.stdout.trim(), '64,48,150');

  // MMAction2's JSON: every frame number, the message before the first full window, then the labels.
  const text = readFileSync(outJson, 'utf8');
  assert.ok(text.startsWith(`{"1": "${PREPARING_MSG}", "2": "${PREPARING_MSG}", "3": {"1": "`), text.slice(0, 120));
  const json = JSON.parse(text);
  assert.deepEqual(Object.keys(json), Array.from({ length: 150 }, (_, i) => String(i + 1)));
  const model = await initRecognizer(cfg, ckpt);
  const src = await VideoReader.open(video);
  for (const k of [3, 4, 77, 150]) {
    // stride 0, input step 1: the window of frame k is frames k-2..k (1-based)
    const frames = await src.getBatch([k - 3, k - 2, k - 1]);
    const { scores } = await inferenceRecognizer(model, frames, { topk: 7 });
    frames.dispose();
    const lines = linesOf(scores, 0.05);
    assert.deepEqual(json[String(k)], Object.fromEntries(lines.map((l, i) => [String(i + 1), l])), `frame ${k}`);
  }
  // The labels are drawn at the top left (baselines at y = 40, 60, ...), the rest is the input.
  const [a, b] = [(await src.getBatch([100])).toTypedArray() as Uint8Array, (await drawn.getBatch([100])).toTypedArray() as Uint8Array];
  const diff = (y0: number, y1: number, x0: number, x1: number) => {
    let s = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++) s += Math.abs(a[(y * 64 + x) * 3 + c] - b[(y * 64 + x) * 3 + c]);
    return s / ((y1 - y0) * (x1 - x0) * 3);
  };
  assert.ok(diff(28, 42, 0, 40) > 3 * diff(0, 20, 0, 64) + 5, `label region ${diff(28, 42, 0, 40)} vs above ${diff(0, 20, 0, 64)}`);
  src.close();
  drawn.close();
});

test('long-video-demo --stride 1 --input-step 2: a prediction every 6 frames on sampled frames', async () => {
  const video = join(dir, 'short.mp4');
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=64x48:rate=25:duration=1', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', video);
  const outJson = join(dir, 'stride.json');
  const r = mmaction('long-video-demo', cfgPath, ckpt, video, labelsPath, outJson, '--stride', '1', '--input-step', '2', '--threshold', '-1000');
  assert.equal(r.status, 0, r.stderr);
  // frames 1-3 fill the window; then the window is emptied and refilled by one frame of each
  // pair (4,5), (6,7), (8,9): predictions at frames 3, 9, 15, 21; 25 frames in all
  assert.match(r.stdout, /25 frames, 4 predictions/);
  const json = JSON.parse(readFileSync(outJson, 'utf8'));
  assert.equal(Object.keys(json).length, 25);
  for (let k = 4; k <= 25; k++) if (![9, 15, 21].includes(k)) assert.deepEqual(json[k], json[k - 1], `frame ${k} repeats the last prediction`);
  // Frame 9's window is one frame of each pair: equal to one of the 8 possible windows.
  const model = await initRecognizer(cfg, ckpt);
  const src = await VideoReader.open(video);
  const candidates: string[] = [];
  for (const a of [3, 4]) for (const b of [5, 6]) for (const c of [7, 8]) {
    const frames = await src.getBatch([a, b, c]);
    const { scores } = await inferenceRecognizer(model, frames, { topk: 7 });
    frames.dispose();
    candidates.push(JSON.stringify(Object.fromEntries(linesOf(scores, -1000).map((l, i) => [String(i + 1), l]))));
  }
  assert.ok(candidates.includes(JSON.stringify(json['9'])), `frame 9: ${JSON.stringify(json['9'])}`);
  assert.deepEqual(Object.keys(json['9']), ['1', '2', '3', '4', '5'], 'no threshold: the top-5');
  src.close();

  // Batches of windows give the frames of batches of one, in order.
  const run = async (batchSize: number) => {
    const rec = new LongVideoRecognizer(model, buildWindowPipeline(model.cfg), { labels: LABELS, inputStep: 2, batchSize });
    const got = [];
    for await (const f of recognizeLongVideo(await VideoStream.open(video, { chunkSize: 4 }), rec)) got.push(f);
    return got;
  };
  const [one, four] = [await run(1), await run(4)];
  assert.deepEqual(four.map((f) => f.index), Array.from({ length: 25 }, (_, i) => i + 1));
  assert.deepEqual(four.map((f) => f.labels), one.map((f) => f.labels));
  assert.deepEqual(four.map((f) => f.updated), one.map((f) => f.updated));
  assert.equal(one.filter((f) => f.updated).length, 23);
  for (let i = 0; i < 25; i++) {
    assert.deepEqual(four[i].frame, one[i].frame);
    if (one[i].scores) for (let k = 0; k < 7; k++) assert.ok(Math.abs(four[i].scores![k] - one[i].scores![k]) < 1e-5);
  }

  const bad = mmaction('long-video-demo', cfgPath, ckpt, video, labelsPath, outJson, '--stride', '2');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--stride must be in \[0, 1\]/);
});

test('long-video streaming keeps memory flat: RSS grows far less than the decoded video', async () => {
  const video = join(dir, 'big.mp4');
  // 600 frames of 640x360: 415 MB decoded
  ffmpeg('-f', 'lavfi', '-i', 'testsrc=size=640x360:rate=30:duration=20', '-c:v', 'mpeg4', '-q:v', '8', video);
  const model = await initRecognizer(cfg, ckpt);
  const recognizer = new LongVideoRecognizer(model, buildWindowPipeline(model.cfg), { labels: LABELS, stride: 1, inputStep: 10 });
  const stream = await VideoStream.open(video, { chunkSize: 16 });
  let frames = 0, base = 0, peak = 0;
  for await (const f of recognizeLongVideo(stream, recognizer)) {
    frames++;
    assert.equal(f.frame.length, 640 * 360 * 3);
    const rss = process.memoryUsage().rss;
    if (frames === 50) base = rss;
    if (frames > 50) peak = Math.max(peak, rss);
  }
  assert.equal(frames, 600);
  assert.ok(recognizer.predictions >= 19, `${recognizer.predictions} predictions`);
  const grown = (peak - base) / 2 ** 20;
  assert.ok(grown < 200, `RSS grew by ${grown.toFixed(0)} MB over 550 frames (${(550 * 640 * 360 * 3 / 2 ** 20).toFixed(0)} MB decoded)`);
});
