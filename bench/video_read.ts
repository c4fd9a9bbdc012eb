/**
 * Video reading benchmark: the frames that TSN (8 segments, test mode), TSM (8 segments, train-mode
 * random offsets) and SlowFast (32x2, test mode) sample, from a 10 s 1080p and a 10 s 360p H.264
 * file (30 fps, x264 defaults: B-frames, keyframe every 250 frames, generated once into a cache).
 * Readers: ours (VideoReader.open + getBatch), the ffmpeg CLI (select filter to rawvideo), and,
 * when importable, MMAction2's OpenCV (mmcv-style seek + read) and PyAV (accurate mode) decoding.
 * Each repetition opens the file anew, as a dataset's __getitem__ does; medians are reported.
 *
 * Run: node --import tsx bench/video_read.ts [--reps N] [--py-reps N] [--threads N] [--python /usr/bin/python3]
 * Prints ms per sample for each reader and the ratio (their time / ours; > 1 means we are faster).
 */
import { spawnSync, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { tmpdir, cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VideoReader } from '../src/video/index.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const reps = Number(arg('reps', '3'));
// OpenCV's seek decodes from the keyframe for every non-consecutive index: SlowFast on 1080p
// costs minutes per repetition, so the Python readers get one timed run by default.
const pyReps = Number(arg('py-reps', '1'));
const threads = Number(arg('threads', '0'));
// Debian's python3-opencv/python3-av live in the system interpreter, not in a pyenv one.
const python = arg('python', existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
const cache = join(tmpdir(), 'mmaction-ts-bench');
mkdirSync(cache, { recursive: true });

function makeVideo(name: string, size: string): string {
  const file = join(cache, name);
  if (!existsSync(file)) {
    process.stderr.write(`generating ${file} ...\n`);
    execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', '-f', 'lavfi', '-i',
      `testsrc2=size=${size}:rate=30`, '-f', 'lavfi', '-i', `mandelbrot=size=${size}:rate=30`,
      '-filter_complex', '[0][1]blend=all_mode=average', '-t', '10', '-c:v', 'libx264', '-preset', 'fast',
      '-pix_fmt', 'yuv420p', `${file}.tmp.mp4`]);
    execFileSync('mv', [`${file}.tmp.mp4`, file]);
  }
  return file;
}

// MMAction2's SampleFrames (mmaction/datasets/pipelines/loading.py) on a 300-frame video.
function tsnTest(total: number, segments: number): number[] {
  const avg = total / segments;
  return Array.from({ length: segments }, (_, i) => Math.floor(avg * i + avg / 2));
}
function tsmTrain(total: number, segments: number, seed: number): number[] {
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) >>> 0) / 2 ** 32);
  const avg = Math.floor(total / segments);
  return Array.from({ length: segments }, (_, i) => i * avg + Math.floor(rnd() * avg));
}
function slowfastTest(total: number, clipLen: number, interval: number): number[] {
  const start = Math.floor((total - clipLen * interval) / 2);
  return Array.from({ length: clipLen }, (_, i) => start + i * interval);
}

const mid = (ts: number[]): number => [...ts].sort((a, b) => a - b)[Math.floor(ts.length / 2)];

async function samples(fn: () => Promise<void> | void): Promise<number[]> {
  const ts: number[] = [];
  for (let i = 0; i < reps; ++i) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  return ts;
}

async function median(fn: () => Promise<void> | void): Promise<number> {
  const ts: number[] = [];
  await fn();  // warm-up (file cache, lazy initialisation)
  for (let i = 0; i < reps; ++i) {
    const t0 = performance.now();
    await fn();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}

async function ours(file: string, idx: number[]): Promise<number[]> {
  return samples(async () => {
    const r = await VideoReader.open(file, { threads });
    const t = await r.getBatch(idx);
    t.dispose();
    r.close();
  });
}

function cli(file: string, idx: number[]): Promise<number> {
  const sel = idx.map((k) => `eq(n\\,${k})`).join('+');
  return median(() => {
    const r = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-i', file, '-vf', `select=${sel}`,
      '-vsync', '0', '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-'], { maxBuffer: 1 << 30 });
    if (r.status !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
  });
}

function py(file: string, patterns: number[][]): { opencv: number[] | null; pyav: number[] | null; versions: Record<string, string> } {
  const script = fileURLToPath(new URL('./py/video_read.py', import.meta.url));
  const r = spawnSync(python, [script, file, String(pyReps), ...patterns.map((p) => JSON.stringify(p))], { encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`python readers unavailable: ${r.error?.message ?? r.stderr.slice(-300)}\n`);
    return { opencv: null, pyav: null, versions: {} };
  }
  return JSON.parse(r.stdout.trim().split('\n').at(-1)!);
}

const files = [
  { label: '1080p', file: makeVideo('h264_1080p_10s.mp4', '1920x1080') },
  { label: '360p', file: makeVideo('h264_360p_10s.mp4', '640x360') },
];
console.log(`video_read bench: ${cpus().length} cores (${cpus()[0]?.model}), load ${loadavg()[0].toFixed(1)}, reps ${reps} (Python ${pyReps}), our decoder threads ${threads || 'auto'}`);
let versions: Record<string, string> = {};
const rows: string[][] = [['video', 'pattern', 'ours ms', 'ffmpeg CLI ms', 'OpenCV ms', 'PyAV ms', 'CLI/ours', 'OpenCV/ours', 'PyAV/ours']];
for (const { label, file } of files) {
  const probe = await VideoReader.open(file);
  const n = probe.numFrames;
  probe.close();
  const patterns: Array<[string, number[]]> = [
    ['TSN 1x1x8 test', tsnTest(n, 8)],
    ['TSM 1x1x8 train', tsmTrain(n, 8, 7)],
    ['SlowFast 32x2x1', slowfastTest(n, 32, 2)],
  ];
  for (const [name, idx] of patterns) {
    // Measured back to back per pattern, so that all readers see the same machine load.
    const o = await ours(file, idx);
    const c = await cli(file, idx);
    const pyRes = py(file, [idx]);
    o.push(...(await ours(file, idx)));  // ours before and after the others: the median of both
    const best = mid(o);
    const cv = pyRes.opencv?.[0];
    const av = pyRes.pyav?.[0];
    const f = (x?: number) => (x === undefined ? '-' : x.toFixed(1));
    const ratio = (x?: number) => (x === undefined ? '-' : `${(x / best).toFixed(2)}x`);
    rows.push([label, name, f(best), f(c), f(cv), f(av), ratio(c), ratio(cv), ratio(av)]);
    if (Object.keys(pyRes.versions).length) versions = pyRes.versions;
  }
}
if (Object.keys(versions).length) console.log(`python readers: ${JSON.stringify(versions)}`);
const widths = rows[0].map((_, j) => Math.max(...rows.map((r) => r[j].length)));
for (const r of rows) console.log(r.map((c, j) => c.padStart(widths[j])).join('  '));
