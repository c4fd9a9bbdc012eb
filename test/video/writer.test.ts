// VideoWriter: encode frames, read them back (our reader and ffprobe), check quality and metadata.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VideoReader, VideoWriter, writeVideo } from '../../src/video/index.ts';
import { Tensor } from '../../src/torch/tensor.ts';
import { cliFrames, ffprobeJson, hasEncoder } from './media.ts';

let dir: string;
before(() => { dir = mkdtempSync(join(tmpdir(), 'mmts-writer-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

// A moving colour pattern: smooth enough for lossy codecs, varied enough to catch mix-ups.
function pattern(t: number, w: number, h: number): Uint8Array {
  const a = new Uint8Array(t * h * w * 3);
  for (let f = 0; f < t; ++f)
    for (let y = 0; y < h; ++y)
      for (let x = 0; x < w; ++x) {
        const i = ((f * h + y) * w + x) * 3;
        a[i] = (x * 2 + f * 6) & 255;
        a[i + 1] = (y * 3 + f * 2) & 255;
        a[i + 2] = ((x + y) * 2 + 40 * (f & 1)) & 255;
      }
  return a;
}

function psnr(a: Uint8Array, b: Uint8Array): number {
  assert.equal(a.length, b.length);
  let se = 0;
  for (let i = 0; i < a.length; ++i) se += (a[i] - b[i]) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length || 1e-12));
}

async function readAll(file: string): Promise<{ data: Uint8Array; r: VideoReader }> {
  const r = await VideoReader.open(file);
  const t = await r.getBatch(Array.from({ length: r.numFrames }, (_, i) => i));
  const data = t.toTypedArray() as Uint8Array;
  t.dispose();
  r.close();
  return { data, r };
}

const CASES: Array<{ ext: string; codec: string; minPsnr: number; needs?: string; opts?: object }> = [
  // (the pattern's fine colour detail caps 4:2:0 at ~30 dB)
  { ext: 'mp4', codec: 'h264', minPsnr: 27, needs: 'libx264' },
  { ext: 'mkv', codec: 'h264', minPsnr: 27, needs: 'libx264', opts: { preset: 'ultrafast', crf: 18 } },
  { ext: 'webm', codec: 'vp9', minPsnr: 28, needs: 'libvpx-vp9' },
  { ext: 'avi', codec: 'mpeg4', minPsnr: 26 },
  { ext: 'mp4', codec: 'mpeg4', minPsnr: 26, opts: { codec: 'mpeg4' } },  // the fallback without libx264
];

for (const c of CASES) {
  test(`writes ${c.codec} .${c.ext}: frame count, fps, size, and quality when read back`, { skip: c.needs && !hasEncoder(c.needs) }, async () => {
    const [T, W, H] = [24, 96, 64];
    const src = pattern(T, W, H);
    const file = join(dir, `out_${c.codec}.${c.ext}`);
    const w = new VideoWriter(file, { fps: 12, ...(c.opts ?? {}) });
    await w.write(Tensor.fromBytes(src.subarray(0, 10 * W * H * 3), 'uint8', [10, H, W, 3]));
    for (let f = 10; f < T; ++f)  // single frames [H, W, 3] too
      await w.write(Tensor.fromBytes(src.subarray(f * W * H * 3, (f + 1) * W * H * 3), 'uint8', [H, W, 3]));
    assert.equal(existsSync(file), false, 'the file appears only on close');
    await w.close();
    assert.equal(w.frames, T);
    const { data, r } = await readAll(file);
    assert.equal(r.numFrames, T);
    assert.equal(r.codec, c.codec);
    assert.equal(r.fps, 12);
    assert.deepEqual([r.width, r.height], [W, H]);
    const p = psnr(data, src);
    assert.ok(p > c.minPsnr, `PSNR ${p.toFixed(1)} dB`);
    // the ffmpeg CLI reads the same frames
    assert.ok(Buffer.from(data).equals(cliFrames(file)));
    assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), []);
  });
}

test('default codec for .mp4 is H.264 (libx264) and the file is faststart', { skip: !hasEncoder('libx264') }, async () => {
  const file = join(dir, 'default.mp4');
  await writeVideo(file, { data: pattern(5, 64, 48), width: 64, height: 48 }, { fps: 29.97 });
  const s = ffprobeJson(file, ['-show_streams', '-show_format']);
  assert.equal(s.streams[0].codec_name, 'h264');
  assert.equal(s.streams[0].pix_fmt, 'yuv420p');
  assert.equal(s.streams[0].avg_frame_rate, '30000/1001');
});

test('animated GIF through palettegen/paletteuse', async () => {
  const [T, W, H] = [12, 80, 60];
  const src = pattern(T, W, H);
  const file = join(dir, 'anim.gif');
  const w = new VideoWriter(file, { fps: 10 });
  await w.write({ data: src, width: W, height: H });
  await w.close();
  assert.equal(w.codec, 'gif');
  const { data, r } = await readAll(file);
  assert.equal(r.numFrames, T);
  assert.deepEqual([r.width, r.height], [W, H]);
  assert.ok(Math.abs(r.fps - 10) < 0.01, `fps ${r.fps}`);
  const p = psnr(data, src);
  assert.ok(p > 20, `PSNR ${p.toFixed(1)} dB`);
  const colors = new Set<number>();
  for (let i = 0; i < W * H * 3 * T; i += 3) colors.add((data[i] << 16) | (data[i + 1] << 8) | data[i + 2]);
  assert.ok(colors.size <= 256 && colors.size > 16, `${colors.size} colours`);
});

test('odd frame sizes are padded to even for 4:2:0 encoders', { skip: !hasEncoder('libx264') }, async () => {
  const file = join(dir, 'odd.mp4');
  const src = pattern(4, 63, 45);
  await writeVideo(file, { data: src, width: 63, height: 45 }, { fps: 5 });
  const r = await VideoReader.open(file);
  assert.deepEqual([r.width, r.height], [64, 46]);
  const t = await r.getBatch([0]);
  const got = t.toTypedArray() as Uint8Array;
  t.dispose();
  r.close();
  const crop = new Uint8Array(63 * 45 * 3);
  for (let y = 0; y < 45; ++y) crop.set(got.subarray(y * 64 * 3, y * 64 * 3 + 63 * 3), y * 63 * 3);
  assert.ok(psnr(crop, src.subarray(0, 63 * 45 * 3)) > 28);
});

test('bad input: wrong dtype/shape, size change, nothing written, abort leaves no file, bad extension', async () => {
  const file = join(dir, 'bad.mp4');
  const w = new VideoWriter(file);
  await assert.rejects(w.write(Tensor.fromBytes(new Uint8Array(8 * 8 * 4), 'uint8', [8, 8, 4])), /shape \[T, H, W, 3\]/);
  await assert.rejects(w.write(Tensor.fromBytes(new Uint8Array(8 * 8 * 3 * 4), 'float32', [8, 8, 3])), /must be uint8/);
  await w.write({ data: pattern(2, 32, 32), width: 32, height: 32 });
  await assert.rejects(w.write({ data: pattern(1, 16, 16), width: 16, height: 16 }), /differs from the first frames/);
  w.abort();
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(existsSync(file), false);
  assert.deepEqual(readdirSync(dir).filter((f) => f.startsWith('.bad')), []);
  await assert.rejects(new VideoWriter(join(dir, 'none.mp4')).close(), /no frames were written/);
  await assert.rejects(writeVideo(join(dir, 'x.unknownext'), { data: pattern(1, 16, 16), width: 16, height: 16 }),
    /cannot tell the container/);
  assert.throws(() => new VideoWriter(join(dir, 'y.mp4'), { fps: 0 }), /fps must be/);
  await assert.rejects(writeVideo(join(dir, 'z.mp4'), { data: pattern(1, 16, 16), width: 16, height: 16 }, { codec: 'nonesuch' }),
    /no encoder 'nonesuch'/);
});
