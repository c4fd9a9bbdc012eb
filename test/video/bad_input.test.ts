// Bad input: each case gives a clear error naming the file (or a documented clean substitute).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { readFileSync, writeFileSync, openSync, writeSync, closeSync, statSync, createReadStream } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { VideoReader } from '../../src/video/index.ts';
import { makeClips, ffmpeg, ffprobeJson, cliFrames } from './media.ts';

let env: ReturnType<typeof makeClips>;
let dir: string;
let server: Server;
let base: string;

before(async () => {
  env = makeClips(['h264_bframes.mp4', 'mjpeg.avi']);
  dir = env.dir;
  // A tiny HTTP server with Range support (FFmpeg's http protocol seeks with Range requests).
  server = createServer((req, res) => {
    if (req.url === '/page.html') {
      res.writeHead(200, { 'content-type': 'text/html' });
      res.end('<html><body>' + 'not a video '.repeat(200) + '</body></html>');
      return;
    }
    if (req.url === '/missing.mp4') {
      res.writeHead(404);
      res.end('not found');
      return;
    }
    const file = join(dir, 'h264_bframes.mp4');
    const size = statSync(file).size;
    const m = /bytes=(\d+)-(\d*)/.exec(req.headers.range ?? '');
    if (m) {
      const start = Number(m[1]);
      const end = m[2] ? Number(m[2]) : size - 1;
      res.writeHead(206, { 'content-type': 'video/mp4', 'accept-ranges': 'bytes', 'content-length': end - start + 1,
        'content-range': `bytes ${start}-${end}/${size}` });
      createReadStream(file, { start, end }).pipe(res);
    } else {
      res.writeHead(200, { 'content-type': 'video/mp4', 'accept-ranges': 'bytes', 'content-length': size });
      createReadStream(file).pipe(res);
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(() => {
  server?.close();
  env?.cleanup();
});

async function openFails(file: string, re: RegExp): Promise<void> {
  await assert.rejects(VideoReader.open(file), (e: Error) => {
    assert.ok(e.message.includes(file), `message should name ${file}: ${e.message}`);
    assert.match(e.message, re);
    return true;
  });
}

test('missing file', async () => {
  await openFails(join(dir, 'nope.mp4'), /no such file/);
});

test('a directory, an empty file', async () => {
  await openFails(dir, /is a directory/);
  const empty = join(dir, 'empty.mp4');
  writeFileSync(empty, '');
  await openFails(empty, /empty \(0 bytes\)/);
});

test('random bytes', async () => {
  const f = join(dir, 'random.mp4');
  writeFileSync(f, randomBytes(20000));
  await openFails(f, /not a video file FFmpeg can read/);
});

test('truncated MP4 without its index (moov at the end)', async () => {
  const f = join(dir, 'trunc_head.mp4');
  writeFileSync(f, readFileSync(join(dir, 'h264_bframes.mp4')).subarray(0, 20000));
  await openFails(f, /truncated, corrupt/);
});

test('truncated MP4 with its index first (faststart): opens with the frames that are there', async () => {
  const fs = join(dir, 'fs.mp4');
  ffmpeg(['-i', join(dir, 'h264_bframes.mp4'), '-c', 'copy', '-movflags', '+faststart', fs]);
  const cut = join(dir, 'fs_cut.mp4');
  const bytes = readFileSync(fs);
  writeFileSync(cut, bytes.subarray(0, Math.floor(bytes.length * 0.6)));
  const r = await VideoReader.open(cut);
  try {
    assert.ok(r.numFrames > 10 && r.numFrames < 150, `numFrames ${r.numFrames}`);
    // Frames keep their packet-based numbers (like decord); a frame that does not decode is
    // substituted and reported, while the ffmpeg CLI just leaves it out of its numbering. So the
    // frames we did decode, in order, are exactly the CLI's frames.
    const ref = cliFrames(cut);
    const fb = r.width * r.height * 3;
    const all = Array.from({ length: r.numFrames }, (_, i) => i);
    const t = await r.getBatch(all);
    const got = t.toTypedArray() as Uint8Array;
    t.dispose();
    const substituted = new Set(r.warnings.map((w) => Number(/^frame (\d+) cannot be decoded/.exec(w)?.[1])));
    assert.ok(substituted.size <= 3, `substituted ${[...substituted]}`);
    const kept = all.filter((k) => !substituted.has(k));
    assert.equal(kept.length * fb, ref.length, 'decoded frames = the CLI\'s frames');
    kept.forEach((k, n) => assert.ok(Buffer.from(got.subarray(k * fb, (k + 1) * fb)).equals(ref.subarray(n * fb, (n + 1) * fb)), `frame ${k}`));
    const strict = await VideoReader.open(cut, { onCorrupt: 'error' });
    if (substituted.size) await assert.rejects(strict.getBatch([...substituted]), /cannot be decoded/);
    strict.close();
  } finally {
    r.close();
  }
});

test('audio-only file', async () => {
  const f = join(dir, 'audio.m4a');
  ffmpeg(['-f', 'lavfi', '-i', 'sine=d=1', '-c:a', 'aac', f]);
  await openFails(f, /has no video stream \(it has: audio \(aac\)\)/);
});

test('zero-length video stream', async () => {
  const f = join(dir, 'zero.mkv');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x48', '-frames:v', '0', '-c:v', 'mjpeg', f]);
  await openFails(f, /truncated or empty|no frames|no streams/);
  const g = join(dir, 'zero.mp4');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x48', '-frames:v', '0', '-c:v', 'mjpeg', g]);
  await openFails(g, /no streams|no frames|no video stream/);
});

test('index out of range, non-integer index, bad options', async () => {
  const f = join(dir, 'h264_bframes.mp4');
  const r = await VideoReader.open(f);
  try {
    for (const bad of [[150], [-1], [0, 1.5], [NaN]]) {
      await assert.rejects(r.getBatch(bad), (e: Error) => {
        assert.ok(e instanceof RangeError);
        assert.ok(e.message.includes(f));
        assert.match(e.message, /out of range: the video has 150 frames/);
        return true;
      });
    }
    // the reader still works afterwards
    (await r.getBatch([149])).dispose();
  } finally {
    r.close();
  }
  await assert.rejects(VideoReader.open(f, { resize: { shortSide: 0 } }), /shortSide must be a positive integer/);
  await assert.rejects(VideoReader.open(f, { threads: -2 }), /threads must be an integer/);
});

test('a corrupt frame in the middle: substituted with a warning like OpenCVDecode, or an error on request', async () => {
  const f = join(dir, 'mjpeg.avi');
  const pk = ffprobeJson(f, ['-select_streams', 'v:0', '-show_entries', 'packet=pos,size', '-show_packets']).packets;
  const bad = join(dir, 'mjpeg_bad.avi');
  writeFileSync(bad, readFileSync(f));
  const fd = openSync(bad, 'r+');
  writeSync(fd, Buffer.alloc(Number(pk[10].size)), 0, Number(pk[10].size), Number(pk[10].pos));  // frame 10: zeros
  closeSync(fd);
  const r = await VideoReader.open(bad);
  try {
    assert.equal(r.numFrames, 40);
    const t = await r.getBatch([9, 10, 11]);
    const a = t.toTypedArray() as Uint8Array;
    t.dispose();
    const fb = r.width * r.height * 3;
    const ref = cliFrames(f);
    assert.ok(Buffer.from(a.subarray(0, fb)).equals(ref.subarray(9 * fb, 10 * fb)));
    assert.ok(Buffer.from(a.subarray(fb, 2 * fb)).equals(ref.subarray(9 * fb, 10 * fb)), 'frame 10 := frame 9');
    assert.ok(Buffer.from(a.subarray(2 * fb)).equals(ref.subarray(11 * fb, 12 * fb)), 'frame 11 intact');
    assert.equal(r.warnings.length, 1);
    assert.match(r.warnings[0], /frame 10 cannot be decoded .*nearest earlier decodable frame/);
  } finally {
    r.close();
  }
  const strict = await VideoReader.open(bad, { onCorrupt: 'error' });
  await assert.rejects(strict.getBatch([12, 10]), (e: Error) => e.message.includes(bad) && /frame 10 cannot be decoded/.test(e.message));
  (await strict.getBatch([11])).dispose();  // still usable
  strict.close();
});

test('http(s) URLs: a video over HTTP reads like the file; a web page or a 404 is a clear error', async () => {
  const url = `${base}/video.mp4`;
  const r = await VideoReader.open(url);
  try {
    assert.equal(r.numFrames, 150);
    const t = await r.getBatch([140, 3, 70]);
    const got = t.toTypedArray() as Uint8Array;
    t.dispose();
    const ref = cliFrames(join(dir, 'h264_bframes.mp4'));
    const fb = r.width * r.height * 3;
    assert.ok(Buffer.from(got).equals(Buffer.concat([140, 3, 70].map((k) => ref.subarray(k * fb, (k + 1) * fb)))));
  } finally {
    r.close();
  }
  await openFails(`${base}/page.html`, /not a video file|no video stream/);
  await openFails(`${base}/missing.mp4`, /404|Not Found/i);
});
