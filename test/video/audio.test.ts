// Audio extraction: the same samples as `ffmpeg -i VIDEO -map 0:a OUT.wav` (MMAction2's extract_audio.py).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { extractAudio, readAudio } from '../../src/video/index.ts';
import { ffmpeg } from './media.ts';

let dir: string;
let video: string;
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mmts-audio-'));
  video = join(dir, 'av.mp4');
  // 2 s of video with a stereo AAC track (different tones left/right) at 44.1 kHz
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=25', '-f', 'lavfi', '-i',
    'sine=frequency=440:sample_rate=44100:duration=2', '-f', 'lavfi', '-i', 'sine=frequency=660:sample_rate=44100:duration=2',
    '-filter_complex', '[1][2]amerge=inputs=2[a]', '-map', '0:v', '-map', '[a]', '-t', '2', '-c:v', 'mpeg4', '-c:a', 'aac', video]);
});
after(() => rmSync(dir, { recursive: true, force: true }));

// The PCM payload of a WAV file (the 'data' chunk).
function pcm(file: string): Buffer {
  const b = readFileSync(file);
  let off = 12;
  while (off + 8 <= b.length) {
    const id = b.toString('ascii', off, off + 4);
    const size = b.readUInt32LE(off + 4);
    if (id === 'data') return b.subarray(off + 8, off + 8 + size);
    off += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

test('extractAudio equals `ffmpeg -i VIDEO -map 0:a OUT.wav` sample for sample', async () => {
  const ours = join(dir, 'ours.wav');
  const info = await extractAudio(video, ours);
  assert.deepEqual([info.sampleRate, info.channels, info.codec], [44100, 2, 'aac']);
  const cli = join(dir, 'cli.wav');
  ffmpeg(['-i', video, '-map', '0:a', cli]);
  const a = pcm(ours), b = pcm(cli);
  assert.equal(a.length, b.length);
  assert.ok(a.equals(b));
  assert.equal(info.frames, a.length / 4);
  assert.deepEqual(readdirSync(dir).filter((f) => f.includes('.tmp-')), []);
});

test('resampled mono 16 kHz equals `ffmpeg -ac 1 -ar 16000` within 1 LSB', async () => {
  const ours = join(dir, 'ours16k.wav');
  const info = await extractAudio(video, ours, { sampleRate: 16000, channels: 1 });
  assert.deepEqual([info.sampleRate, info.channels], [16000, 1]);
  const cli = join(dir, 'cli16k.wav');
  ffmpeg(['-i', video, '-map', '0:a', '-ac', '1', '-ar', '16000', cli]);
  const a = pcm(ours), b = pcm(cli);
  assert.equal(a.length, b.length);
  let maxd = 0;
  for (let i = 0; i < a.length; i += 2) maxd = Math.max(maxd, Math.abs(a.readInt16LE(i) - b.readInt16LE(i)));
  assert.ok(maxd <= 1, `max |diff| ${maxd}`);
});

test('readAudio: float samples; a 440 Hz left and 660 Hz right channel', async () => {
  const r = await readAudio(video, { sampleRate: 16000 });
  assert.equal(r.channels, 2);
  assert.ok(Math.abs(r.frames - 32000) < 2048, `${r.frames} frames`);
  assert.equal(r.samples.length, r.frames * 2);
  // zero crossings per second of each channel ~ 2 x frequency
  const crossings = (ch: number) => {
    let n = 0;
    for (let i = 2 * 4000 + ch; i < 2 * 20000; i += 2) if ((r.samples[i] >= 0) !== (r.samples[i + 2] >= 0)) n++;
    return n / 1.0;  // over 16000 samples = 1 s
  };
  assert.ok(Math.abs(crossings(0) - 880) < 10, `left ${crossings(0)}`);
  assert.ok(Math.abs(crossings(1) - 1320) < 10, `right ${crossings(1)}`);
  const peak = r.samples.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  assert.ok(peak > 0.05 && peak <= 1);
});

test('bad input: a video without audio, a missing file, bad options', async () => {
  const silent = join(dir, 'silent.mp4');
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=25', '-t', '1', '-c:v', 'mpeg4', silent]);
  await assert.rejects(extractAudio(silent, join(dir, 'x.wav')), /silent\.mp4: has no audio stream/);
  assert.equal(existsSync(join(dir, 'x.wav')), false);
  await assert.rejects(readAudio(join(dir, 'nope.mp4')), /nope\.mp4: no such file/);
  await assert.rejects(readAudio(video, { sampleRate: -5 }), /sampleRate must be a positive integer/);
});
