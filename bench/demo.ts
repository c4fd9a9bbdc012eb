/**
 * End-to-end demo benchmark: `mmaction demo CONFIG CHECKPOINT VIDEO LABELS` next to the equivalent PyTorch + OpenCV
 * script (bench/py/demo_bench.py), from the video's path to the top-5 labels, on the same machine.
 *   - config: configs/recognition/tsn/tsn_r50_video_inference_1x1x3_100e_kinetics400_rgb.ts (the one MMAction2's
 *     demo README uses): OpenCVInit, SampleFrames(1, 1, 25, test_mode), OpenCVDecode, Resize(-1, 256), TenCrop(224),
 *     Normalize, FormatShape NCHW, so TSN-R50 runs on 25 x 10 = 250 crops; labels: tools/data/kinetics/label_map_k400.txt.
 *   - video: 10 s, 640x360, 30 fps H.264 (libx264 crf 23, yuv420p, 300 frames, keyframe every 250 frames: x264's
 *     default), ffmpeg's lavfi testsrc2 pattern (moving shapes, colour bars, a running counter) with light temporal noise
 *     (alls=3) so that every frame has fresh texture like a camera's, about 0.8 Mb/s (a typical 360p bitrate);
 *     encoded once by the ffmpeg CLI into os.tmpdir()/mmaction-ts-bench-demo/.
 *   - checkpoint: TSN-R50 built from the config after torch.manualSeed(0) with randomised BatchNorm statistics and
 *     affines, saved once by us; PyTorch (bench/py/mm_models.py, MMAction2's module names) loads it strictly, and the
 *     max |diff| of the 400 scores between the two sides is printed as a check.
 * Ours is exactly what the CLI does (src/cli/demo.ts): initRecognizer (timed apart: model construction + checkpoint
 * load) then inferenceRecognizer(model, VIDEO), timed from the call to the top-5 labels; the model's share is
 * measured by wrapping forwardTest, the rest is decode + pipeline. The Python side times the same steps
 * (mmcv.VideoReader-style seek-and-read of the 25 frames, or with --py-decode sequential a read-through).
 * One warm-up run per side (--warmup 0 to skip), then --rounds alternating rounds (ours, python, ours, ...), each
 * side's median reported, with the CPU time (user + system) each side spent, which a busy machine does not change
 * much; both pinned to --num-threads intra-op threads (our decoder uses 1 thread as the demo's
 * OpenCVInit does; OpenCV's FFmpeg decoder keeps its default of one thread per core).
 * Run: node --import tsx bench/demo.ts [--num-threads 2] [--rounds 3] [--warmup 1] [--clips 25] [--py-decode mmcv|sequential]
 *      [--python /usr/bin/python3]
 * --clips N shrinks SampleFrames' num_clips on both sides (quick checks; 25 is the config's).
 */
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { torch } from '../src/index.ts';
import { inferenceRecognizer, initRecognizer, type InferenceRecognizer } from '../src/apis/inference.ts';
import { Config } from '../src/config/config.ts';
import { buildModel } from '../src/models/builder.ts';
import { saveCheckpoint } from '../src/runner/checkpoint.ts';
import { randomiseNorms } from './util.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const threads = Number(arg('num-threads', arg('threads', '2')));
const rounds = Number(arg('rounds', '3'));
const warmup = Number(arg('warmup', '1'));
const clips = Number(arg('clips', '25'));
const pyDecode = arg('py-decode', 'mmcv');
const python = arg('python', existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3');
if (!['mmcv', 'sequential'].includes(pyDecode)) throw new Error(`--py-decode must be mmcv or sequential, got ${pyDecode}`);
for (const [k, v] of [['num-threads', threads], ['rounds', rounds], ['clips', clips]] as const)
  if (!(Number.isInteger(v) && v >= 1)) throw new Error(`--${k} must be a positive integer, got ${v}`);

const root = fileURLToPath(new URL('..', import.meta.url));
const CONFIG = join(root, 'configs/recognition/tsn/tsn_r50_video_inference_1x1x3_100e_kinetics400_rgb.ts');
const LABELS = join(root, 'tools/data/kinetics/label_map_k400.txt');
const dir = join(tmpdir(), 'mmaction-ts-bench-demo');
mkdirSync(dir, { recursive: true });

/** The 10 s 640x360 30 fps H.264 input, encoded once. */
function makeVideo(): string {
  const out = join(dir, 'testsrc2_noise3_640x360_30fps_10s_crf23.mp4');
  if (existsSync(out)) return out;
  const tmp = `${out}.part.mp4`;
  const r = spawnSync('ffmpeg', ['-v', 'error', '-y', '-f', 'lavfi', '-i', 'testsrc2=size=640x360:rate=30:duration=10',
    '-vf', 'noise=alls=3:allf=t', '-c:v', 'libx264', '-preset', 'medium', '-crf', '23', '-pix_fmt', 'yuv420p', '-an', tmp], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`ffmpeg could not encode the benchmark video (needs the ffmpeg CLI with libx264): ${r.error?.message ?? r.stderr}`);
  renameSync(tmp, out);
  return out;
}

/** A random-initialised TSN-R50 checkpoint (the config's model), written for this run. */
function makeCheckpoint(cfg: Record<string, any>): string {
  const out = join(dir, 'tsn_r50_random_seed0.pth');
  torch.manualSeed(0);
  const model = buildModel({ ...cfg.model, backbone: { ...cfg.model.backbone, pretrained: null } });
  randomiseNorms(model);
  saveCheckpoint(model, out);
  model.dispose();
  return out;
}

interface Run {
  total: number; data: number; model: number;
  /** CPU seconds of the side's process (user, system) during the run: what it costs whatever the load. */
  user: number; sys: number;
  top: [string, number][]; scores: number[];
}

/** Our demo: inferenceRecognizer on the video path, with forwardTest timed from inside. */
async function oursOnce(model: InferenceRecognizer, video: string, forwardMs: { last: number }): Promise<Run> {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await inferenceRecognizer(model, video);
  const total = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  const m = forwardMs.last / 1000;
  return { total, data: total - m, model: m, user: c.user / 1e6, sys: c.system / 1e6, top: result.top.map((t) => [String(t.label), t.score]), scores: [...result.scores] };
}

/** The Python worker: one JSON line per "run". */
class PythonSide {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly lines: AsyncIterator<string>;
  private stderr = '';

  constructor(ckpt: string, video: string) {
    const script = fileURLToPath(new URL('./py/demo_bench.py', import.meta.url));
    this.proc = spawn(python, [script, ckpt, video, LABELS, String(threads), String(clips), pyDecode]);
    this.proc.stderr.on('data', (d) => { this.stderr += String(d); });
    this.lines = createInterface({ input: this.proc.stdout })[Symbol.asyncIterator]();
  }

  async next(): Promise<Record<string, any>> {
    const r = await this.lines.next();
    if (r.done) {
      const hint = /No module named/.test(this.stderr) ? ' (needs /usr/bin/python3 with torch, numpy and cv2: bash scripts/setup.sh --bench)' : '';
      throw new Error(`PyTorch side (bench/py/demo_bench.py) exited${hint}:\n${this.stderr}`);
    }
    return JSON.parse(r.value) as Record<string, any>;
  }

  async run(): Promise<Run> {
    this.proc.stdin.write('run\n');
    const o = await this.next();
    return { total: o.total_s, data: o.data_s, model: o.model_s, user: o.user_s, sys: o.sys_s, top: o.top, scores: o.scores };
  }

  close(): void { this.proc.stdin.end(); }
}

const cpu = (r: Run): string => `${r.user.toFixed(1)}+${r.sys.toFixed(1)} s`;
const median = (a: number[]): number => {
  const s = [...a].sort((x, y) => x - y);
  return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

torch.setNumThreads(threads);
const video = makeVideo();
const cfgObj = Config.fromFile(CONFIG).toObject() as Record<string, any>;
const ckpt = makeCheckpoint(cfgObj);
// The config as the CLI reads it (a path); with --clips, the same config with SampleFrames' num_clips changed.
let config: string | Record<string, any> = CONFIG;
if (clips !== 25) {
  config = structuredClone(cfgObj);
  const sf = (config.data.test.pipeline as Record<string, unknown>[]).find((t) => t.type === 'SampleFrames')!;
  sf.num_clips = clips;
}
console.log(`demo bench: ${CONFIG.slice(root.length)}, ${clips} clips x 10 crops, ${threads} threads, ${rounds} alternating rounds` +
  ` (+${warmup} warm-up), libtorch ${torch.version()}\nvideo: ${video} (testsrc2 + noise, 640x360, 30 fps, 10 s, H.264); python decode: ${pyDecode}`);

let t0 = performance.now();
const model = await initRecognizer(config, ckpt, { labels: LABELS });
const oursInit = (performance.now() - t0) / 1000;
const forwardMs = { last: 0 };
const forwardTest = model.forwardTest.bind(model);
model.forwardTest = (imgs: torch.Tensor): torch.Tensor => {
  const t = performance.now();
  try { return forwardTest(imgs); } finally { forwardMs.last = performance.now() - t; }
};
const py = new PythonSide(ckpt, video);
const pyInit = (await py.next()).init_s as number;

const a: Run[] = [];
const b: Run[] = [];
try {
  for (let w = 0; w < warmup; w++) { await oursOnce(model, video, forwardMs); await py.run(); }
  for (let r = 0; r < rounds; r++) {
    a.push(await oursOnce(model, video, forwardMs));
    b.push(await py.run());
    console.log(`round ${r + 1}: ours ${a[r]!.total.toFixed(2)} s (data ${a[r]!.data.toFixed(2)}, model ${a[r]!.model.toFixed(2)}), ` +
      `python ${b[r]!.total.toFixed(2)} s (data ${b[r]!.data.toFixed(2)}, model ${b[r]!.model.toFixed(2)}); ` +
      `CPU user+sys ours ${cpu(a[r]!)}, python ${cpu(b[r]!)}`);
  }
} finally {
  py.close();
  model.dispose();
}

const diff = Math.max(...a[0]!.scores.map((s, i) => Math.abs(s - b[0]!.scores[i]!)));
const scale = Math.max(...b[0]!.scores.map(Math.abs));
const sameTop = a[0]!.top.every((t, i) => t[0] === b[0]!.top[i]![0]);
console.log(`\ntop-5 ours:   ${a[0]!.top.map(([l, s]) => `${l} ${s.toFixed(4)}`).join(', ')}`);
console.log(`top-5 python: ${b[0]!.top.map(([l, s]) => `${l} ${s.toFixed(4)}`).join(', ')}`);
console.log(`scores: max |diff| ${diff.toExponential(2)} (max |score| ${scale.toExponential(2)}), same top-5 labels: ${sameTop ? 'yes' : 'NO'}`);

const row = (name: string, v: Run[], init: number) =>
  `| ${name} | ${median(v.map((x) => x.total)).toFixed(2)} | ${median(v.map((x) => x.data)).toFixed(2)} | ${median(v.map((x) => x.model)).toFixed(2)} | ` +
  `${median(v.map((x) => x.user + x.sys)).toFixed(1)} | ${init.toFixed(2)} |`;
console.log('\n| side | end-to-end s | decode + pipeline s | model s | CPU s (user + sys) | init s (build + load, once) |');
console.log('| --- | --- | --- | --- | --- | --- |');
console.log(row('mmaction-ts (mmaction demo)', a, oursInit));
console.log(row(`PyTorch + OpenCV (${pyDecode} decode)`, b, pyInit));
const ratio = median(b.map((x) => x.total)) / median(a.map((x) => x.total));
console.log(`\nspeed ratio (python / ours, medians of end-to-end): ${ratio.toFixed(3)} (> 1: we are faster)`);
if (!sameTop || !(diff <= 1e-3 * Math.max(scale, 1))) {
  console.error('the two sides disagree on the scores: check the pipelines before reading the timings');
  process.exitCode = 1;
}
