// VideoReader against the ffmpeg CLI: metadata, and every returned frame pixel for pixel.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { VideoReader } from '../../src/video/index.ts';
import { makeClips, cliFrames, cliSelect, ffmpeg, ffprobeJson, firstDifference, type Clip } from './media.ts';

let env: ReturnType<typeof makeClips>;
const refs = new Map<string, Buffer>();

before(() => {
  env = makeClips();
});
after(() => env?.cleanup());

function clip(name: string): Clip {
  const c = env.clips.get(name);
  assert.ok(c, `${name} was not generated (encoder missing?)`);
  return c;
}

function reference(c: Clip): Buffer {
  let r = refs.get(c.name);
  if (!r) {
    r = cliFrames(c.file);
    refs.set(c.name, r);
  }
  return r;
}

async function checkBatch(c: Clip, reader: VideoReader, indices: number[]): Promise<void> {
  const ref = reference(c);
  const fb = reader.width * reader.height * 3;
  assert.equal(ref.length, c.frames * fb, `${c.name}: the CLI decoded ${ref.length / fb} frames`);
  const t = await reader.getBatch(indices);
  try {
    assert.deepEqual(t.shape, [indices.length, reader.height, reader.width, 3]);
    assert.equal(t.dtype, 'uint8');
    const got = t.toTypedArray() as Uint8Array;
    const want = Buffer.concat(indices.map((k) => ref.subarray(k * fb, (k + 1) * fb)));
    const d = firstDifference(got, want, fb, indices);
    assert.equal(d, null, `${c.name}: ${d}`);
  } finally {
    t.dispose();
  }
}

// Sparse TSN-like, dense SlowFast-like, unsorted with repeats, far jumps backwards.
function patterns(n: number): number[][] {
  const tsn = Array.from({ length: 8 }, (_, i) => Math.floor((n / 8) * i + n / 16));
  const dense = Array.from({ length: Math.min(16, n) }, (_, i) => Math.floor(n / 3) + i).filter((k) => k < n);
  const messy = [n - 1, 0, Math.floor(n / 2), 3, n - 1, 1, Math.floor(n / 2), 2, n - 2];
  return [tsn, dense, messy, [n - 1], [0]];
}

const GENERAL = ['h264_bframes.mp4', 'h264_opengop.mkv', 'vp9.webm', 'mjpeg.avi', 'mpeg4.mp4', 'mpeg4_bframes.avi',
  'hevc.mkv', 'vfr.mkv', 'av1.mp4', 'vp8.webm', 'h264.mov', 'h264.ts', 'raw.h264'];

for (const name of GENERAL) {
  test(`${name}: metadata and frame count match ffprobe`, async () => {
    const c = clip(name);
    const r = await VideoReader.open(c.file);
    try {
      assert.equal(r.numFrames, c.frames);
      const probe = ffprobeJson(c.file, ['-count_frames', '-select_streams', 'v:0', '-show_streams']).streams[0];
      assert.equal(r.numFrames, Number(probe.nb_read_frames));
      assert.equal(r.width, c.width);
      assert.equal(r.height, c.height);
      assert.equal(r.codec, c.codec);
      assert.equal(r.rotation, 0);
      const [num, den] = String(probe.avg_frame_rate).split('/').map(Number);
      if (den) assert.ok(Math.abs(r.fps - num / den) < 1e-9, `fps ${r.fps} vs ${probe.avg_frame_rate}`);
      assert.ok(r.duration > 0);
      if (r.info.ptsMode) assert.equal(r.frameTimestamps.length, r.numFrames);
    } finally {
      r.close();
    }
  });

  test(`${name}: getBatch equals the ffmpeg CLI's frames pixel for pixel`, async () => {
    const c = clip(name);
    const r = await VideoReader.open(c.file);
    try {
      for (const p of patterns(c.frames)) await checkBatch(c, r, p);
      // every frame, in reverse order, in one batch
      await checkBatch(c, r, Array.from({ length: c.frames }, (_, i) => c.frames - 1 - i));
    } finally {
      r.close();
    }
  });
}

test('pts mode is used where timestamps allow it, frame counting elsewhere', async () => {
  for (const [name, mode] of [['h264_bframes.mp4', true], ['vp9.webm', true], ['mpeg4_bframes.avi', false], ['raw.h264', false]] as const) {
    const r = await VideoReader.open(clip(name).file);
    assert.equal(r.info.ptsMode, mode, name);
    r.close();
  }
});

test('frame k is what `ffmpeg -vf select=eq(n\\,k) -vsync 0` writes (literal command)', async () => {
  const c = clip('h264_bframes.mp4');
  const r = await VideoReader.open(c.file);
  try {
    const ks = [0, 59, 60, 61, 149];
    const t = await r.getBatch(ks);
    const got = t.toTypedArray() as Uint8Array;
    t.dispose();
    const fb = c.width * c.height * 3;
    ks.forEach((k, i) => assert.ok(Buffer.from(got.subarray(i * fb, (i + 1) * fb)).equals(cliSelect(c.file, k)), `frame ${k}`));
  } finally {
    r.close();
  }
});

test('keyframes are indexed and seeks use them (long GOP)', async () => {
  const r = await VideoReader.open(clip('h264_bframes.mp4').file);
  assert.deepEqual(Array.from(r.keyframes), [0, 60, 120]);
  r.close();
});

test('skipping non-reference frames never changes the result', async () => {
  const c = clip('h264_bframes.mp4');
  const a = await VideoReader.open(c.file, { skipNonRef: true });
  const b = await VideoReader.open(c.file, { skipNonRef: false });
  const idx = [7, 33, 61, 100, 149, 2];
  const ta = await a.getBatch(idx), tb = await b.getBatch(idx);
  assert.ok(Buffer.from(ta.toTypedArray() as Uint8Array).equals(Buffer.from(tb.toTypedArray() as Uint8Array)));
  ta.dispose(); tb.dispose(); a.close(); b.close();
});

test('decoder threads 1 and 0 (auto) give identical frames', async () => {
  const c = clip('hevc.mkv');
  for (const threads of [1, 0]) {
    const r = await VideoReader.open(c.file, { threads });
    await checkBatch(c, r, [5, 40, 12, 59]);
    r.close();
  }
});

test('variable frame rate: timestamps are the frames\' own presentation times', async () => {
  const c = clip('vfr.mkv');
  const r = await VideoReader.open(c.file);
  try {
    const frames = ffprobeJson(c.file, ['-select_streams', 'v:0', '-show_entries', 'frame=best_effort_timestamp_time', '-show_frames']).frames;
    assert.equal(frames.length, r.numFrames);
    frames.forEach((f: any, i: number) =>
      assert.ok(Math.abs(Number(f.best_effort_timestamp_time) - r.frameTimestamps[i]) < 1e-6, `frame ${i}: ${f.best_effort_timestamp_time} vs ${r.frameTimestamps[i]}`));
    // 25 fps, then 10 fps, then 50 fps
    assert.ok(Math.abs(r.frameTimestamps[1] - r.frameTimestamps[0] - 0.04) < 1e-3);
    assert.ok(Math.abs(r.frameTimestamps[40] - r.frameTimestamps[39] - 0.1) < 2e-3);
    assert.ok(Math.abs(r.frameTimestamps[80] - r.frameTimestamps[79] - 0.02) < 1e-3);
  } finally {
    r.close();
  }
});

test('rotated phone-style video: upright like the ffmpeg CLI (autorotate), or as coded', async () => {
  const c = clip('rotated.mp4');
  const r = await VideoReader.open(c.file);
  try {
    assert.equal(r.rotation === 90 || r.rotation === 270, true, `rotation ${r.rotation}`);
    assert.equal(r.width, c.height);
    assert.equal(r.height, c.width);
    assert.equal(r.info.codedWidth, c.width);
    await checkBatch(c, r, [0, 49, 13, 13, 30]);
  } finally {
    r.close();
  }
  const raw = await VideoReader.open(c.file, { autorotate: false });
  try {
    assert.equal(raw.width, c.width);
    assert.equal(raw.rotation, 0);
    // -autorotate 0 is an input option of the CLI
    const ref = ffmpeg(['-autorotate', '0', '-i', c.file, '-vsync', '0', '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-']);
    const fb = c.width * c.height * 3;
    const t = await raw.getBatch([3, 44]);
    const got = t.toTypedArray() as Uint8Array;
    t.dispose();
    const want = Buffer.concat([3, 44].map((k) => ref.subarray(k * fb, (k + 1) * fb)));
    assert.equal(firstDifference(got, want, fb, [3, 44]), null);
  } finally {
    raw.close();
  }
});

test('all display rotations (90, 180, 270) give the ffmpeg CLI\'s upright frames', async () => {
  const seen = new Set<number>();
  for (const name of ['rotated.mp4', 'rotated180.mp4', 'rotated270.mp4']) {
    const c = clip(name);
    const r = await VideoReader.open(c.file);
    seen.add(r.rotation);
    assert.deepEqual([r.width, r.height], [c.dispWidth, c.dispHeight], name);
    await checkBatch(c, r, [0, c.frames - 1, 7]);
    r.close();
  }
  assert.deepEqual([...seen].sort(), [180, 270, 90].sort());
});

test('BT.709-tagged video: colorMatrix auto follows the tag like the ffmpeg CLI; bt601 like OpenCV/PyAV', async () => {
  const c = clip('bt709.mp4');
  const r = await VideoReader.open(c.file);
  await checkBatch(c, r, [0, 29, 10]);
  r.close();
  const r601 = await VideoReader.open(c.file, { colorMatrix: 'bt601' });
  const fb = c.width * c.height * 3;
  const want = ffmpeg(['-i', c.file, '-vf', 'scale=in_color_matrix=bt601', '-vsync', '0', '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-']);
  const t = await r601.getBatch([0, 29]);
  const got = t.toTypedArray() as Uint8Array;
  t.dispose();
  r601.close();
  assert.equal(firstDifference(got, Buffer.concat([want.subarray(0, fb), want.subarray(29 * fb, 30 * fb)]), fb, [0, 29]), null);
  assert.ok(!Buffer.from(got.subarray(0, fb)).equals(reference(c).subarray(0, fb)), 'the two matrices must differ on this file');
});

test('resize on decode equals `ffmpeg -vf scale=W:H` (swscale bicubic)', async () => {
  const c = clip('h264_bframes.mp4');
  const r = await VideoReader.open(c.file, { resize: { shortSide: 64 } });
  try {
    // 212x120 -> short side 64: long side int(212 * 64 / 120 + 0.5) = 113
    assert.equal(r.height, 64);
    assert.equal(r.width, 113);
    const want = cliFrames(c.file, 'scale=113:64');
    const fb = 113 * 64 * 3;
    const idx = [0, 75, 149];
    const t = await r.getBatch(idx);
    const got = t.toTypedArray() as Uint8Array;
    t.dispose();
    assert.equal(firstDifference(got, Buffer.concat(idx.map((k) => want.subarray(k * fb, (k + 1) * fb))), fb, idx), null);
  } finally {
    r.close();
  }
  const e = await VideoReader.open(c.file, { resize: { width: 96, height: 80 } });
  assert.equal(e.width, 96);
  assert.equal(e.height, 80);
  const t = await e.getBatch([10]);
  assert.deepEqual(t.shape, [1, 80, 96, 3]);
  t.dispose();
  e.close();
});

// MMAction2's demo video, with the per-frame sha256 of the RGB frames that OpenCV and PyAV decode.
const MEDIA = '/work/shared/fixtures/pipelines/media';
test('demo.mp4: every frame has the sha256 of the OpenCV/PyAV frame (media.json)', { skip: !existsSync(`${MEDIA}/media.json`) }, async () => {
  const m = JSON.parse(readFileSync(`${MEDIA}/media.json`, 'utf8')).videos['demo.mp4'];
  const r = await VideoReader.open(`${MEDIA}/demo.mp4`);
  try {
    assert.equal(r.numFrames, m.total_frames_opencv);
    assert.equal(r.fps, m.fps_opencv);
    assert.equal(r.width, m.width);
    assert.equal(r.height, m.height);
    const idx = [279, 0, 140, 17, 52, 87, 122, 157, 192, 227, 262, 187, 186, 188];
    const all = [...idx, ...Array.from({ length: 280 }, (_, i) => i)];
    const t = await r.getBatch(all);
    const a = t.toTypedArray() as Uint8Array;
    t.dispose();
    const fb = m.width * m.height * 3;
    all.forEach((k, i) =>
      assert.equal(createHash('sha256').update(a.subarray(i * fb, (i + 1) * fb)).digest('hex'), m.frame_sha256[k], `frame ${k}`));
  } finally {
    r.close();
  }
});

test('getBatch runs off the JS thread, and batches on one reader are served in order', async () => {
  const c = clip('h264_bframes.mp4');
  const r = await VideoReader.open(c.file);
  let ticks = 0;
  const timer = setInterval(() => ticks++, 1);
  const all = Array.from({ length: c.frames }, (_, i) => i);
  const [a, b] = await Promise.all([r.getBatch(all), r.getBatch([149, 0])]);
  clearInterval(timer);
  assert.ok(ticks > 0, 'the event loop was blocked while decoding');
  assert.deepEqual(a.shape, [c.frames, c.height, c.width, 3]);
  assert.deepEqual(b.shape, [2, c.height, c.width, 3]);
  a.dispose(); b.dispose();
  r.close();
  assert.equal(r.closed, true);
  await assert.rejects(r.getBatch([0]), /closed/);
});

test('usable from worker threads', async () => {
  const c = clip('vp9.webm');
  const w = new Worker(new URL('./worker_entry.mjs', import.meta.url), {
    workerData: { entry: new URL('./worker_task.ts', import.meta.url).href, file: c.file, indices: [5, 80] },
  });
  const msg: any = await new Promise((res, rej) => { w.once('message', res); w.once('error', rej); });
  await w.terminate();
  assert.equal(msg.n, c.frames);
  assert.deepEqual(msg.shape, [2, c.height, c.width, 3]);
  const fb = c.width * c.height * 3;
  const ref = reference(c);
  let want = 0;
  for (const k of [5, 80]) for (let i = k * fb; i < (k + 1) * fb; ++i) want += ref[i];
  assert.equal(msg.sum, want);
});

test('sparse reads seek to the keyframe before each run and never decode the whole video', async () => {
  const file = join(env.dir, 'gop30.mp4');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=30', '-frames:v', '300', '-c:v', 'libx264', '-preset', 'veryfast',
    '-bf', '3', '-g', '30', '-keyint_min', '30', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', file]);
  const r = await VideoReader.open(file);
  try {
    assert.deepEqual(Array.from(r.keyframes), Array.from({ length: 10 }, (_, i) => i * 30));
    (await r.getBatch([290, 5])).dispose();  // two far-apart frames: two seeks, two short decodes
    assert.equal(r.stats.seeks, 2);
    assert.ok(r.stats.framesDecoded <= 2 * 30, `decoded ${r.stats.framesDecoded} frames`);
    const before = { ...r.stats };
    (await r.getBatch(Array.from({ length: 32 }, (_, i) => 100 + 2 * i))).dispose();  // SlowFast-like window
    assert.equal(r.stats.seeks - before.seeks, 3);  // keyframes 90, 120, 150
    assert.ok(r.stats.framesDecoded - before.framesDecoded <= 74 + 8, `decoded ${r.stats.framesDecoded - before.framesDecoded}`);
    const all = { ...r.stats };
    (await r.getBatch(Array.from({ length: 300 }, (_, i) => 299 - i))).dispose();  // every frame decoded once
    assert.equal(r.stats.framesDecoded - all.framesDecoded, 300);
  } finally {
    r.close();
  }
});
