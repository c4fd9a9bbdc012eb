/**
 * Model forward benchmark: mmaction-ts vs PyTorch, inference (eval mode, no grad), batch 1.
 *   - tsn:      TSN-R50, 8 segments x 3 x 224 x 224            (configs/recognition/tsn/tsn_r50_1x1x3_100e_kinetics400_rgb.ts)
 *   - tsm:      TSM-R50, 8 segments x 3 x 224 x 224            (configs/recognition/tsm/tsm_r50_1x1x8_50e_kinetics400_rgb.ts)
 *   - i3d:      I3D-R50, 1 clip 3 x T x 224 x 224 (T = --i3d-frames, default 32)
 *   - slowfast: SlowFast-R50 4x16, 1 clip 3 x 32 x 224 x 224 (alpha 8, beta 1/8)
 *   - x3d:      X3D-S, 1 clip 3 x 13 x 160 x 160
 * Our side builds each model from its MMAction2 config (random init after torch.manualSeed(0), BN statistics and
 * affine parameters randomised so the check exercises them), saves the checkpoint, the input and our output; the
 * PyTorch side (bench/py/models_bench.py, same state-dict keys) loads the checkpoint strictly, checks its output
 * against ours (relative max-abs error <= 1e-4, else it fails and so does this bench), then times its forward.
 * Rounds alternate between the two sides; each round reports the median of --reps runs.
 * Run: node --import tsx bench/models.ts [--threads N] [--reps N] [--rounds N] [--models tsn,tsm,i3d,slowfast,x3d] [--i3d-frames 32]
 * Prints each side's best per-round median and the speed ratio (PyTorch time / ours; > 1 means we are faster).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { torch } from '../src/index.ts';
import { Config } from '../src/config/config.ts';
import { buildRecognizer } from '../src/models/builder.ts';
import { saveCheckpoint } from '../src/runner/checkpoint.ts';
import { saveNpy } from '../src/torch/serialization/npy.ts';
import { randomiseNorms } from './util.ts';

const arg = (name: string, dflt: string) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const threads = Number(arg('threads', '2'));
const reps = Number(arg('reps', '5'));
const rounds = Number(arg('rounds', '2'));
const i3dFrames = Number(arg('i3d-frames', '32'));
const selected = arg('models', 'tsn,tsm,i3d,slowfast,x3d').split(',');

const root = fileURLToPath(new URL('..', import.meta.url));
interface Spec { name: string; label: string; config: string; input: number[] }
const SPECS: Spec[] = [
  { name: 'tsn', label: 'TSN-R50 8x3x224x224', config: 'configs/recognition/tsn/tsn_r50_1x1x3_100e_kinetics400_rgb.ts', input: [1, 8, 3, 224, 224] },
  { name: 'tsm', label: 'TSM-R50 8x3x224x224', config: 'configs/recognition/tsm/tsm_r50_1x1x8_50e_kinetics400_rgb.ts', input: [1, 8, 3, 224, 224] },
  { name: 'i3d', label: `I3D-R50 3x${i3dFrames}x224x224`, config: 'configs/recognition/i3d/i3d_r50_32x2x1_100e_kinetics400_rgb.ts', input: [1, 1, 3, i3dFrames, 224, 224] },
  { name: 'slowfast', label: 'SlowFast-R50 4x16 3x32x224x224', config: 'configs/recognition/slowfast/slowfast_r50_4x16x1_256e_kinetics400_rgb.ts', input: [1, 1, 3, 32, 224, 224] },
  { name: 'x3d', label: 'X3D-S 3x13x160x160', config: 'configs/recognition/x3d/x3d_s_13x6x1_facebook_kinetics400_rgb.ts', input: [1, 1, 3, 13, 160, 160] },
];
for (const s of selected) {
  if (!SPECS.some((p) => p.name === s)) throw new Error(`--models: unknown model '${s}' (known: ${SPECS.map((p) => p.name).join(', ')})`);
}

function median(f: () => void, n: number): number {
  const ts: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    f();
    ts.push(performance.now() - t0);
  }
  ts.sort((a, b) => a - b);
  return ts[Math.floor(ts.length / 2)];
}


interface Prepared { spec: Spec; model: ReturnType<typeof buildRecognizer>; x: torch.Tensor; ckpt: string; inNpy: string; outNpy: string }

function prepare(spec: Spec, dir: string): Prepared {
  const cfg = Config.fromFile(join(root, spec.config));
  cfg.set('model.backbone.pretrained', null);
  torch.manualSeed(0);
  const model = buildRecognizer(cfg.toObject().model as Parameters<typeof buildRecognizer>[0]);
  randomiseNorms(model);
  model.eval();
  const x = torch.randn(spec.input);
  const [y] = torch.noGrad(() => model.forwardDummy(x));
  const p = { spec, model, x, ckpt: join(dir, `${spec.name}.pth`), inNpy: join(dir, `${spec.name}_in.npy`), outNpy: join(dir, `${spec.name}_out.npy`) };
  saveCheckpoint(model, p.ckpt);
  saveNpy(p.inNpy, x);
  saveNpy(p.outNpy, y);
  y.dispose();
  return p;
}

function ours(p: Prepared): number {
  const fwd = () => torch.tidy(() => { torch.noGrad(() => p.model.forwardDummy(p.x)); });
  fwd();
  return median(fwd, reps);
}

function python(p: Prepared): { ms: number; relErr: number } {
  const script = fileURLToPath(new URL('./py/models_bench.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script, p.spec.name, p.ckpt, p.inNpy, p.outNpy, String(threads), String(reps)], { encoding: 'utf8' });
  if (r.status !== 0) {
    const hint = r.error || /No module named/.test(r.stderr) ? ' (needs /usr/bin/python3 with torch: bash scripts/setup.sh --bench)' : '';
    throw new Error(`PyTorch side failed for ${p.spec.name}${hint}:\n${r.error?.message ?? ''}${r.stderr}${r.stdout}`);
  }
  const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as { ms: number; rel_err: number };
  if (!(res.rel_err <= 1e-4)) throw new Error(`${p.spec.name}: outputs disagree (relative error ${res.rel_err})`);
  return { ms: res.ms, relErr: res.rel_err };
}

torch.setNumThreads(threads);
console.log(`model bench: ${threads} threads, median of ${reps} runs, ${rounds} rounds (alternating), libtorch ${torch.version()}`);
const dir = mkdtempSync(join(tmpdir(), 'mmaction-models-bench-'));
const rows: { label: string; ours: number[]; torch: number[] }[] = [];
try {
  for (const spec of SPECS.filter((s) => selected.includes(s.name))) {
    const p = prepare(spec, dir);
    const row = { label: spec.label, ours: [] as number[], torch: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      row.ours.push(ours(p));
      const { ms, relErr } = python(p);
      row.torch.push(ms);
      console.log(`${spec.name} round ${r + 1}: ours ${row.ours[r].toFixed(1)} ms, PyTorch ${row.torch[r].toFixed(1)} ms (outputs agree: rel err ${relErr.toExponential(2)})`);
    }
    rows.push(row);
    p.model.dispose();
    p.x.dispose();
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const min = (a: number[]) => Math.min(...a);
console.log('\n| model (batch 1, eval, no grad) | mmaction-ts ms | PyTorch ms | speed ratio (PyTorch/ours) |');
console.log('| --- | --- | --- | --- |');
for (const r of rows) {
  const o = min(r.ours), p = min(r.torch);
  console.log(`| ${r.label} | ${o.toFixed(1)} | ${p.toFixed(1)} | ${(p / o).toFixed(3)} |`);
}
console.log('\n(best median over rounds on each side; outputs checked to 1e-4 relative; ratio >= 0.95 is the target)');
