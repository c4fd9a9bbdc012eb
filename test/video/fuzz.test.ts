// Fuzzing: truncations and random byte flips of small videos of every container/codec family.
// No crash, no hang: each variant either opens and reads (possibly substituting undecodable
// frames, with a warning) or fails with an error naming the file. The cases run in a child
// process so that a segfault or a hang is reported as a failure with the case that caused it.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ffmpeg, hasEncoder } from './media.ts';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let dir: string;
const bases: string[] = [];

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mmts-fuzz-'));
  const src = ['-f', 'lavfi', '-i', 'testsrc2=size=96x64:rate=25', '-frames:v', '40'];
  const add = (name: string, args: string[], needs?: string) => {
    if (needs && !hasEncoder(needs)) return;
    ffmpeg([...src, ...args, join(dir, name)]);
    bases.push(name);
  };
  add('h264.mp4', ['-c:v', 'libx264', '-preset', 'veryfast', '-bf', '3', '-g', '15', '-pix_fmt', 'yuv420p'], 'libx264');
  add('h264.mkv', ['-c:v', 'libx264', '-preset', 'veryfast', '-bf', '2', '-g', '12', '-pix_fmt', 'yuv420p'], 'libx264');
  add('vp9.webm', ['-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8', '-g', '10', '-b:v', '200k'], 'libvpx-vp9');
  add('mjpeg.avi', ['-c:v', 'mjpeg', '-q:v', '5']);
  add('mpeg4.avi', ['-c:v', 'mpeg4', '-bf', '2', '-g', '10']);
  add('hevc.mp4', ['-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params', 'log-level=none:keyint=10', '-pix_fmt', 'yuv420p'], 'libx265');
});
after(() => rmSync(dir, { recursive: true, force: true }));

test('a few hundred truncated and byte-flipped videos: no crash, no hang, clear errors', () => {
  const perBase = Math.ceil(360 / bases.length);
  const child = fileURLToPath(new URL('./fuzz_child.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--import', 'tsx', child, dir, '20261125', String(perBase), ...bases], {
    encoding: 'utf8', timeout: 150_000, maxBuffer: 1 << 26,
  });
  const lines = r.stdout.trim().split('\n');
  const last = lines.filter((l) => l.startsWith('case ')).at(-1);
  assert.equal(r.error, undefined, `child failed (${r.error?.message}) at: ${last}`);
  assert.equal(r.signal, null, `child killed by ${r.signal} (crash or hang) at: ${last}\n${r.stderr.slice(-2000)}`);
  assert.equal(r.status, 0, `child exited ${r.status} at: ${last}\n${r.stderr.slice(-2000)}`);
  const sum = JSON.parse(lines.at(-1)!.replace(/^SUMMARY /, ''));
  assert.ok(sum.cases >= 300, `only ${sum.cases} cases`);
  assert.deepEqual(sum.badMessages, []);
  // The fuzzing reaches decoding, not only the open: many variants open and read.
  assert.ok(sum.opened > sum.cases / 3, JSON.stringify(sum));
  assert.ok(sum.batches > sum.cases / 3, JSON.stringify(sum));
  console.log(`fuzz: ${JSON.stringify(sum)}`);
});
