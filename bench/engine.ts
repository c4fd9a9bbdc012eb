/**
 * Engine benchmark: mmaction-ts vs PyTorch on the same machine, same thread count.
 *   - ResNet-50 forward, eval, no grad, input (3, 3, 224, 224)
 *   - ResNet-18 training step (forward + backward + SGD momentum), input (8, 3, 112, 112)
 * Run: node --import tsx bench/engine.ts [--threads N] [--reps N] [--rounds N]
 * Prints each side's median ms per round and the speed ratio (PyTorch time / ours; > 1 means we are faster).
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { torch } from '../src/index.ts';
import { ResNet } from './resnet.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const threads = arg('threads', 2);
const reps = arg('reps', 5);
const rounds = arg('rounds', 2);

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

function ours(): { resnet50_forward_ms: number; resnet18_train_step_ms: number } {
  torch.setNumThreads(threads);
  torch.manualSeed(0);
  const r50 = new ResNet(50).eval();
  const x = torch.randn([3, 3, 224, 224]);
  const fwd = () => torch.tidy(() => { torch.noGrad(() => r50.call(x)); });
  fwd(); fwd();
  const r50ms = median(fwd, reps);
  r50.dispose();
  const r18 = new ResNet(18).train();
  const opt = new torch.optim.SGD(r18.parameters(), { lr: 0.01, momentum: 0.9, weight_decay: 1e-4 });
  const xb = torch.randn([8, 3, 112, 112]);
  const yb = torch.randint(0, 1000, [8]);
  const step = () => torch.tidy(() => {
    opt.zeroGrad();
    torch.F.crossEntropy(r18.call(xb), yb).backward();
    opt.step();
  });
  step(); step();
  const r18ms = median(step, reps);
  r18.dispose(); opt.dispose();
  return { resnet50_forward_ms: r50ms, resnet18_train_step_ms: r18ms };
}

function python(): { resnet50_forward_ms: number; resnet18_train_step_ms: number } | null {
  const script = fileURLToPath(new URL('./py/engine_bench.py', import.meta.url));
  const r = spawnSync('/usr/bin/python3', [script, String(threads), String(reps)], { encoding: 'utf8' });
  if (r.status !== 0) {
    console.error(`PyTorch side failed (install python3-torch: bash scripts/setup.sh --bench):\n${r.stderr}`);
    return null;
  }
  return JSON.parse(r.stdout.trim().split('\n').pop()!);
}

console.log(`engine bench: ${threads} threads, median of ${reps} runs, ${rounds} rounds (alternating), libtorch ${torch.version()}`);
const rows: Record<string, { ours: number[]; torch: number[] }> = {
  resnet50_forward_ms: { ours: [], torch: [] },
  resnet18_train_step_ms: { ours: [], torch: [] },
};
for (let r = 0; r < rounds; r++) {
  const o = ours();
  const p = python();
  for (const k of Object.keys(rows) as (keyof typeof o)[]) {
    rows[k].ours.push(o[k]);
    if (p) rows[k].torch.push(p[k]);
  }
}
const min = (a: number[]) => Math.min(...a);
console.log('\n| benchmark | mmaction-ts ms | PyTorch ms | speed ratio (PyTorch/ours) |');
console.log('| --- | --- | --- | --- |');
for (const [k, v] of Object.entries(rows)) {
  const o = min(v.ours), p = v.torch.length ? min(v.torch) : NaN;
  console.log(`| ${k.replace(/_ms$/, '')} | ${o.toFixed(1)} | ${p.toFixed(1)} | ${(p / o).toFixed(3)} |`);
}
console.log('\n(best median over rounds on each side; ratio >= 0.95 is the target, > 1 means mmaction-ts is faster)');
