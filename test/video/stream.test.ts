// VideoStream: sequential chunks equal the ffmpeg CLI's frames; live (lavfi) input; real-time pacing.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { VideoStream } from '../../src/video/index.ts';
import { makeClips, cliFrames } from './media.ts';

let env: ReturnType<typeof makeClips>;
before(() => { env = makeClips(['h264_bframes.mp4', 'rotated.mp4']); });
after(() => env?.cleanup());

test('chunks of a file, in order, equal the ffmpeg CLI frames; timestamps increase', async () => {
  const c = env.clips.get('h264_bframes.mp4')!;
  const s = await VideoStream.open(c.file, { chunkSize: 7 });
  assert.deepEqual([s.width, s.height, s.fps, s.codec], [c.width, c.height, 25, 'h264']);
  const parts: Buffer[] = [];
  const ts: number[] = [];
  const sizes: number[] = [];
  for await (const { frames, timestamps } of s) {
    sizes.push(frames.shape[0]);
    parts.push(Buffer.from(frames.toTypedArray() as Uint8Array));
    ts.push(...timestamps);
    frames.dispose();
  }
  assert.deepEqual(sizes, [...Array(21).fill(7), 3]);  // 150 frames
  assert.ok(Buffer.concat(parts).equals(cliFrames(c.file)));
  ts.forEach((t, i) => assert.ok(Math.abs(t - i / 25) < 1e-9, `t[${i}] = ${t}`));
  await assert.rejects(s.read(), /closed/);
});

test('rotation and resize apply as in VideoReader', async () => {
  const c = env.clips.get('rotated.mp4')!;
  const s = await VideoStream.open(c.file, { chunkSize: 64 });
  const chunk = (await s.read())!;
  assert.deepEqual(chunk.frames.shape, [50, c.dispHeight, c.dispWidth, 3]);
  assert.ok(Buffer.from(chunk.frames.toTypedArray() as Uint8Array).equals(cliFrames(c.file)));
  chunk.frames.dispose();
  assert.equal(await s.read(), null);
  s.close();
  const r = await VideoStream.open(c.file, { resize: { width: 40, height: 30 } });
  const one = (await r.read())!;
  assert.deepEqual(one.frames.shape, [1, 30, 40, 3]);
  one.frames.dispose();
  r.close();
});

test('a live, endless input (lavfi test source, as a webcam would be) streams chunk by chunk', async () => {
  const s = await VideoStream.open('testsrc2=size=64x48:rate=30', { format: 'lavfi', chunkSize: 10 });
  for (let i = 0; i < 3; ++i) {
    const c = (await s.read())!;
    assert.deepEqual(c.frames.shape, [10, 48, 64, 3]);
    assert.ok(Math.abs(c.timestamps[0] - (i * 10) / 30) < 1e-6);
    c.frames.dispose();
  }
  s.close();
});

test('realtime: a file is delivered no faster than its frame rate', async () => {
  const c = env.clips.get('h264_bframes.mp4')!;
  const s = await VideoStream.open(c.file, { realtime: true, chunkSize: 13 });
  const t0 = performance.now();
  const chunk = (await s.read())!;  // 13 frames at 25 fps: the last is due 12/25 s after the first
  const ms = performance.now() - t0;
  chunk.frames.dispose();
  s.close();
  assert.ok(ms >= 470, `took ${ms.toFixed(0)} ms`);
});

test('bad inputs: missing device or file, unknown format', async () => {
  await assert.rejects(VideoStream.webcam('/dev/video-nonexistent'), /cannot read video \/dev\/video-nonexistent/);
  await assert.rejects(VideoStream.open(join(env.dir, 'missing.mp4')), /missing\.mp4.*(No such file|no such file)/);
  await assert.rejects(VideoStream.open('x', { format: 'no-such-format' }), /unknown input format 'no-such-format'/);
  await assert.rejects(VideoStream.open(env.dir, { chunkSize: 0 }), /chunkSize must be a positive integer/);
});
