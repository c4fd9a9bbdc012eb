/**
 * Training-iteration benchmark: mmaction-ts vs PyTorch on the same machine, same thread count.
 * One iteration is what the training loop does per batch: forward with the loss (cross entropy
 * plus the batch's top-1/top-5 accuracy the logger records), the loss read back, backward, and the
 * configs' SGD step (lr 0.01, momentum 0.9, weight decay 1e-4); gradient clipping and data
 * loading are left out on both sides. Batch 2, random inputs:
 *   - TSN-R50 (configs/recognition/tsn/tsn_r50_video_1x1x8_100e_kinetics400_rgb): 8 segments of
 *     224x224, input [2, 8, 3, 224, 224], our Recognizer2D built from the MMAction2 config
 *   - I3D-R50 (configs/recognition/i3d/i3d_r50_32x2x1_100e_kinetics400_rgb): a 32-frame clip of
 *     224x224, input [2, 1, 3, 32, 224, 224], our Recognizer3D from the config
 * The PyTorch side (bench/py/train_bench.py) runs twins of the same layers written in plain
 * PyTorch (bench/py/video_models.py); the parameter counts are compared before timing.
 *
 * Run: node --import tsx bench/train.ts [--threads 2] [--reps 5] [--warmup 2] [--rounds 2]
 *        [--models tsn,i3d] [--i3d-frames 32] [--tsn-segments 8] [--size 224] [--batch 2]
 * Prints each side's median ms per iteration (best over the alternating rounds) and the ratio
 * PyTorch / ours (> 1: mmaction-ts is faster). On a 2-core CPU an I3D iteration at 32 frames takes
 * seconds; `--i3d-frames 8` gives a quicker (and then differently shaped) measurement.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { torch, Config, buildModel } from '../src/index.ts';
import { buildOptimizer } from '../src/runner/optimizer_builder.ts';

const arg = (name: string, dflt: string): string => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1]! : dflt;
};
const threads = Number(arg('threads', '2'));
const reps = Number(arg('reps', '5'));
const warmup = Number(arg('warmup', '2'));
const rounds = Number(arg('rounds', '2'));
const batch = Number(arg('batch', '2'));
const size = Number(arg('size', '224'));
const models = arg('models', 'tsn,i3d').split(',');

interface Bench { name: string; config: string; frames: number; shape: number[] }
const BENCHES: Record<string, Bench> = {
  tsn: {
    name: 'TSN-R50', config: 'configs/recognition/tsn/tsn_r50_video_1x1x8_100e_kinetics400_rgb.ts',
    frames: Number(arg('tsn-segments', '8')), shape: [],
  },
  i3d: {
    name: 'I3D-R50', config: 'configs/recognition/i3d/i3d_r50_32x2x1_100e_kinetics400_rgb.ts',
    frames: Number(arg('i3d-frames', '32')), shape: [],
  },
};
BENCHES.tsn.shape = [batch, BENCHES.tsn.frames, 3, size, size]; // [N, segments, C, H, W]
BENCHES.i3d.shape = [batch, 1, 3, BENCHES.i3d.frames, size, size]; // [N, clips, C, T, H, W]
for (const m of models) if (!BENCHES[m]) throw new Error(`--models: unknown '${m}' (tsn, i3d)`);

function ours(b: Bench): { ms: number; params: number } {
  torch.setNumThreads(threads);
  torch.manualSeed(0);
  const root = fileURLToPath(new URL('../', import.meta.url));
  const cfg = Config.fromFile(root + b.config, { cfgOptions: ['model.backbone.pretrained=None'] });
  const model = buildModel(cfg.get('model') as never);
  model.train();
  const opt = buildOptimizer(model, cfg.get('optimizer') as never);
  const imgs = torch.randn(b.shape);
  const label = torch.randint(0, 400, [batch, 1]);
  const step = () => torch.tidy(() => {
    opt.zeroGrad();
    const { loss } = model.trainStep({ imgs, label });
    loss.backward();
    opt.step();
  });
  for (let i = 0; i < warmup; i++) step();
  const ts: number[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    step();
    ts.push(performance.now() - t0);
  }
  ts.sort((x, y) => x - y);
  let params = 0;
  for (const p of model.parameters()) params += p.numel();
  imgs.dispose(); label.dispose(); opt.dispose(); model.dispose();
  return { ms: ts[Math.floor(ts.length / 2)], params };
}

function python(key: string, b: Bench): { ms: number; params: number } | null {
  const script = fileURLToPath(new URL('./py/train_bench.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script, key, ...[threads, reps, warmup, batch, b.frames, size].map(String)], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`PyTorch side failed (install python3-torch: bash scripts/setup.sh --bench):\n${r.stderr}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

console.log(`train bench: batch ${batch}, ${size}px, ${threads} threads, median of ${reps} iterations after ${warmup} warm-up, ` +
  `${rounds} rounds (alternating), libtorch ${torch.version()}`);
const rows: Array<{ name: string; input: string; ours: number[]; torch: number[] }> = [];
for (const key of models) {
  const b = BENCHES[key];
  const row = { name: b.name, input: `[${b.shape.join(', ')}]`, ours: [] as number[], torch: [] as number[] };
  rows.push(row);
  for (let r = 0; r < rounds; r++) {
    const o = ours(b);
    const p = python(key, b);
    if (p && p.params !== o.params) console.error(`warning: ${b.name} has ${o.params} parameters here but ${p.params} in the PyTorch twin`);
    row.ours.push(o.ms);
    if (p) row.torch.push(p.ms);
    console.log(`  ${b.name} round ${r + 1}: ours ${o.ms.toFixed(1)} ms, PyTorch ${p ? p.ms.toFixed(1) : 'n/a'} ms (${o.params} parameters)`);
  }
}
const min = (a: number[]) => (a.length ? Math.min(...a) : NaN);
console.log('\n| model | input | mmaction-ts ms/iter | PyTorch ms/iter | speed ratio (PyTorch/ours) |');
console.log('| --- | --- | --- | --- | --- |');
for (const r of rows) {
  const o = min(r.ours), p = min(r.torch);
  console.log(`| ${r.name} | ${r.input} | ${o.toFixed(1)} | ${p.toFixed(1)} | ${(p / o).toFixed(3)} |`);
}
console.log('\n(best median over rounds on each side; > 1 means mmaction-ts is faster)');
