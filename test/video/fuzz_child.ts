// Child process of fuzz.test.ts: opens and reads a few hundred truncated or byte-flipped variants
// of small test videos. A crash (segfault, abort) or a hang kills only this process; the parent
// reports the last case printed. Prints `case <n> <how>` before each case and a JSON summary last.
import { readFileSync, writeFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { VideoReader } from '../../src/video/index.ts';

const [dir, seedArg, perBaseArg, ...bases] = process.argv.slice(2);
let seed = Number(seedArg) >>> 0;
const rand = (): number => {  // mulberry32: reproducible from the seed
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const randInt = (n: number): number => Math.floor(rand() * n);

const summary = { cases: 0, opened: 0, openErrors: 0, batches: 0, batchErrors: 0, substituted: 0, badMessages: [] as string[] };
let n = 0;
for (const base of bases) {
  const bytes = readFileSync(join(dir, base));
  for (let i = 0; i < Number(perBaseArg); ++i, ++n) {
    let data: Buffer;
    let how: string;
    if (i % 2 === 0) {
      const len = 1 + randInt(bytes.length - 1);
      data = bytes.subarray(0, len);
      how = `truncate ${base} to ${len} bytes`;
    } else {
      data = Buffer.from(bytes);
      const flips = 1 + randInt(i % 4 === 1 ? 3 : 40);
      const at: number[] = [];
      for (let f = 0; f < flips; ++f) {
        const p = randInt(data.length);
        data[p] ^= 1 + randInt(255);
        at.push(p);
      }
      how = `flip ${flips} bytes of ${base} at ${at.slice(0, 5).join(',')}${flips > 5 ? ',...' : ''}`;
    }
    const file = join(dir, `fuzz_${n}${base.slice(base.lastIndexOf('.'))}`);
    writeFileSync(file, data);
    process.stdout.write(`case ${n} ${how}\n`);
    summary.cases++;
    let r: VideoReader | null = null;
    try {
      r = await VideoReader.open(file, { threads: 1 });
      summary.opened++;
    } catch (e) {
      summary.openErrors++;
      if (!(e as Error).message.includes(file)) summary.badMessages.push(`${how}: ${(e as Error).message}`);
    }
    if (r) {
      const k = r.numFrames;
      const idx = [0, k - 1, randInt(k), randInt(k), Math.floor(k / 2)];
      for (const batch of [idx, [randInt(k)]]) {
        try {
          const before = r.warnings.length;
          const t = await r.getBatch(batch);
          if (t.shape[0] !== batch.length) throw new Error(`wrong batch shape ${t.shape}`);
          t.dispose();
          summary.batches++;
          summary.substituted += r.warnings.length - before;
        } catch (e) {
          summary.batchErrors++;
          if (!(e as Error).message.includes(file)) summary.badMessages.push(`${how}: ${(e as Error).message}`);
        }
      }
      r.close();
    }
    rmSync(file, { force: true });
  }
}
process.stdout.write(`SUMMARY ${JSON.stringify(summary)}\n`);
