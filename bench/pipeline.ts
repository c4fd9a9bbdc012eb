/**
 * Data-pipeline benchmark: samples/s of MMAction2's TSN (1x1x8) and SlowFast (32x2x1) *training*
 * pipelines (decode + resize + multi-scale / random-resized crop + resize + flip + normalize +
 * format) over a folder of real videos (copies of MMAction2's demo.mp4, a Kinetics clip), ours
 * (VideoDataset + DataLoader with W worker threads) next to the Python baseline
 * (bench/py/pipeline_bench.py: OpenCV decoding + numpy/cv2 transforms, W worker processes).
 *
 * Ours and Python run in alternating rounds (ours, python, ours, ...) and each side's median over
 * the rounds is reported, so that a load change on a shared machine hits both sides alike. The
 * CPU time per sample (all threads and processes) is printed too: on a busy machine the wall-clock
 * rate also depends on how much of the CPU each side gets, the CPU time does not.
 *
 * Run: node --import tsx bench/pipeline.ts [--workers 2] [--samples 48] [--rounds 3] [--pipelines tsn,slowfast]
 *      [--python /usr/bin/python3]
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildDataloader, buildDataset } from '../src/datasets/index.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const workers = Number(arg('workers', '2'));
const samples = Number(arg('samples', '48'));
const rounds = Number(arg('rounds', '3'));
const kinds = arg('pipelines', 'tsn,slowfast').split(',');
const python = arg('python', existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');

const demo = fileURLToPath(new URL('../test/fixtures/pipelines/media/demo.mp4', import.meta.url));
const dir = join(tmpdir(), 'mmaction-ts-bench-pipeline');
mkdirSync(dir, { recursive: true });
const ann = join(dir, 'train.txt');
const lines: string[] = [];
for (let i = 0; i < 8; i++) {
  const f = join(dir, `video${i}.mp4`);
  if (!existsSync(f)) copyFileSync(demo, f);
  lines.push(`${f} ${i % 4}`);
}
writeFileSync(ann, lines.join('\n') + '\n');

const norm = { type: 'Normalize', mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false };
const PIPELINES: Record<string, Record<string, unknown>[]> = {
  tsn: [
    { type: 'DecordInit' }, { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 8 }, { type: 'DecordDecode' },
    { type: 'Resize', scale: [-1, 256] },
    { type: 'MultiScaleCrop', input_size: 224, scales: [1, 0.875, 0.75, 0.66], random_crop: false, max_wh_scale_gap: 1 },
    { type: 'Resize', scale: [224, 224], keep_ratio: false }, { type: 'Flip', flip_ratio: 0.5 }, norm,
    { type: 'FormatShape', input_format: 'NCHW' }, { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
    { type: 'ToTensor', keys: ['imgs', 'label'] },
  ],
  slowfast: [
    { type: 'DecordInit' }, { type: 'SampleFrames', clip_len: 32, frame_interval: 2, num_clips: 1 }, { type: 'DecordDecode' },
    { type: 'Resize', scale: [-1, 256] }, { type: 'RandomResizedCrop' },
    { type: 'Resize', scale: [224, 224], keep_ratio: false }, { type: 'Flip', flip_ratio: 0.5 }, norm,
    { type: 'FormatShape', input_format: 'NCTHW' }, { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
    { type: 'ToTensor', keys: ['imgs', 'label'] },
  ],
};

interface Measure {
  /** Samples per second (wall clock). */
  rate: number;
  /** CPU time of all threads/processes per sample: what the work costs, whatever the load. */
  cpuMs: number;
}

async function ours(kind: string): Promise<Measure> {
  const ds = buildDataset({ type: 'RepeatDataset', times: Math.ceil(samples / 8) + 1, dataset: { type: 'VideoDataset', ann_file: ann, pipeline: PIPELINES[kind]! } });
  const loader = buildDataloader(ds, { videos_per_gpu: 1, workers_per_gpu: workers, shuffle: true, seed: 0, persistent_workers: true, tensors: false });
  let n = 0;
  let t0 = 0;
  let c0 = process.cpuUsage();
  for await (const _ of loader) {
    if (++n === workers) { // after warm-up (worker start, first decode)
      t0 = performance.now();
      c0 = process.cpuUsage(); // the whole process: main thread, worker threads, decoding threads
    }
    if (n === samples + workers) break;
  }
  const dt = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  await loader.close();
  return { rate: samples / dt, cpuMs: (c.user + c.system) / 1000 / samples };
}

function theirs(kind: string): Measure | null {
  const r = spawnSync(python, [fileURLToPath(new URL('./py/pipeline_bench.py', import.meta.url)), ann, kind, String(workers), String(samples)], { encoding: 'utf8' });
  if (r.status !== 0) {
    process.stderr.write(`python baseline failed: ${r.stderr}\n`);
    return null;
  }
  const out = JSON.parse(r.stdout.trim().split('\n').pop()!) as { samples_per_s: number; cpu_ms_per_sample: number };
  return { rate: out.samples_per_s, cpuMs: out.cpu_ms_per_sample };
}

const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

console.log(`workers ${workers}, ${samples} samples x ${rounds} alternating rounds, videos: demo.mp4 (340x256, 280 frames) x 8`);
for (const kind of kinds) {
  if (!PIPELINES[kind]) throw new Error(`unknown pipeline '${kind}' (${Object.keys(PIPELINES).join(', ')})`);
  const a: Measure[] = [];
  const b: Measure[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(await ours(kind));
    const t = theirs(kind);
    if (t !== null) b.push(t);
  }
  const fmt = (v: Measure[]) => v.map((x) => x.rate.toFixed(2)).join(' ');
  const ra = median(a.map((x) => x.rate));
  const ca = median(a.map((x) => x.cpuMs));
  const rb = b.length ? median(b.map((x) => x.rate)) : null;
  const cb = b.length ? median(b.map((x) => x.cpuMs)) : null;
  console.log(`${kind.padEnd(9)} ours ${ra.toFixed(2)} samples/s   python (OpenCV+numpy) ${rb === null ? 'n/a' : rb.toFixed(2)} samples/s` +
    (rb ? `   ratio ${(ra / rb).toFixed(2)}x` : '') + `   (medians; rounds: ours ${fmt(a)} | python ${fmt(b)})`);
  console.log(`${''.padEnd(9)} CPU time per sample: ours ${ca.toFixed(0)} ms, python ${cb === null ? 'n/a' : cb.toFixed(0)} ms` +
    (cb ? `   (python / ours ${(cb / ca).toFixed(2)}x)` : ''));
}
