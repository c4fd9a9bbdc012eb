/**
 * Real kill -9 tests: a training process killed mid-epoch resumes to the same result as an
 * uninterrupted run, and latest.pth survives kills during checkpoint writes.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSync } from '../../src/torch/serialization/load.ts';
import { makeRunner } from './train_child.ts';
import { assertSameState, trainLines } from './tiny.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'mmaction-kill-'));
const CHILD = fileURLToPath(new URL('./train_child.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** Spawns the child and SIGKILLs it once `ready(dir)` holds. */
function runAndKill(args: string[], dir: string, ready: () => boolean): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    const timer = setInterval(() => {
      if (ready()) { clearInterval(timer); child.kill('SIGKILL'); }
    }, 5);
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`child exited (${code}) before it was killed: ${err}`));
    });
    void dir;
  });
}

test('kill -9 in the middle of epoch 3, resume from latest.pth: identical to the uninterrupted run', async () => {
  const dirA = tmp();
  const dirB = tmp();
  try {
    const a = makeRunner(dirA, 4, 'a');
    await a.runner.run([a.loader], [['train', 1]]);
    // the child logs every 2 iterations; kill once epoch 3 has logged its first line
    await runAndKill(['train', dirB, '4', '20'], dirB, () => {
      if (!existsSync(join(dirB, 'child.log.json'))) return false;
      return readFileSync(join(dirB, 'child.log.json'), 'utf8').includes('"epoch": 3, "iter": 2,');
    });
    assert.ok(existsSync(join(dirB, 'epoch_2.pth')) && !existsSync(join(dirB, 'epoch_3.pth')));
    const b = makeRunner(dirB, 4, 'b');
    b.runner.resume(join(dirB, 'latest.pth'));
    await b.runner.run([b.loader], [['train', 1]]);
    assertSameState(a.runner, b.runner);
    assert.deepEqual(trainLines(dirB, 'b'), trainLines(dirA, 'a').slice(6));
  } finally {
    rmSync(dirA, { recursive: true, force: true });
    rmSync(dirB, { recursive: true, force: true });
  }
});

test('kill -9 while checkpoints are being written: latest.pth is always a whole checkpoint', async () => {
  const dir = tmp();
  try {
    const t0 = Date.now();
    // kill at a moment inside some later save (the files are 16 MB)
    await runAndKill(['save-loop', dir], dir, () => existsSync(join(dir, 'epoch_2.pth')) && Date.now() - t0 > 20);
    const ck = loadSync(join(dir, 'latest.pth'));
    const n = ck.meta.epoch as number;
    assert.ok(n >= 1, `latest is epoch ${n}`);
    assert.equal(ck.state_dict.w.shape[0], 4 * 1024 * 1024);
    assert.equal(ck.state_dict.w.min().item(), n);
    assert.equal(ck.state_dict.w.max().item(), n);
    // every finished epoch file is whole too; an unfinished one only exists as a hidden temporary
    for (const f of readdirSync(dir).filter((x) => /^epoch_\d+\.pth$/.test(x))) assert.equal(loadSync(join(dir, f)).meta.epoch, Number(/\d+/.exec(f)![0]));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

