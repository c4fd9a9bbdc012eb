/**
 * Flat-memory check: N forward passes of a ResNet-18 (default 10,000, input (1, 3, 64, 64)) in
 * torch.tidy scopes, printing RSS, V8 heap and live native handles every N/10 iterations.
 * Run: node --import tsx bench/memory.ts [--iters N] [--size S]
 * (the loop yields to the event loop every 100 iterations, as a real service or training loop does)
 */
import { torch } from '../src/index.ts';
import { ResNet } from './resnet.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const iters = arg('iters', 10000);
const size = arg('size', 64);
torch.setNumThreads(2);
const net = new ResNet(18).eval();
const x = torch.randn([1, 3, size, size]);
const mb = (b: number) => (b / 2 ** 20).toFixed(1);
console.log(`ResNet-18 forward x ${iters}, input [1, 3, ${size}, ${size}]`);
console.log('iter\trss MB\theap MB\texternal MB\tlive handles');
const t0 = performance.now();
let first = 0;
for (let i = 0; i <= iters; i++) {
  if (i % Math.max(1, Math.floor(iters / 10)) === 0) {
    const m = process.memoryUsage();
    if (i === iters / 10) first = m.rss;
    console.log(`${i}\t${mb(m.rss)}\t${mb(m.heapUsed)}\t${mb(m.external)}\t${torch.memory().liveHandles}`);
  }
  if (i < iters) torch.tidy(() => { torch.noGrad(() => net.call(x)); });
  // As in a real service or training loop, the event loop turns (N-API frees collected handles' records then).
  if (i % 100 === 99) await new Promise((r) => setImmediate(r));
}
const end = process.memoryUsage().rss;
console.log(`${((performance.now() - t0) / iters).toFixed(2)} ms/iter; RSS change from iteration ${iters / 10} to the end: ${mb(end - first)} MB`);
