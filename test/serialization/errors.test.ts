// Bad checkpoint files give a CheckpointError naming the file and the problem, never a crash:
// missing, empty, a directory, not a checkpoint, truncated zip or legacy data, corrupt records,
// TorchScript archives. Also: big-endian archives are byte-swapped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { tensor } from '../../src/torch/creation.ts';
import { load, loadBuffer } from '../../src/torch/serialization/load.ts';
import { saveToBuffer } from '../../src/torch/serialization/save.ts';
import { CheckpointError } from '../../src/torch/serialization/reader.ts';
import { BufferSource, ChunkSink, ZipReader, ZipWriter } from '../../src/torch/serialization/zip.ts';
import { fixtures, valuesOf } from './helpers.ts';

const zipBytes = readFileSync(join(fixtures, 'mixed.pth'));
const legacyBytes = readFileSync(join(fixtures, 'mixed_legacy.pth'));

function rejects(bytes: Uint8Array, re: RegExp): void {
  assert.throws(() => loadBuffer(bytes, { name: 'bad.pth' }), (e: unknown) => {
    assert.ok(e instanceof CheckpointError, `a CheckpointError, got ${(e as Error)?.name}: ${(e as Error)?.message}`);
    assert.match(e.message, /^bad\.pth: /);
    assert.match(e.message, re);
    return true;
  });
}

/** Rewrites an archive, changing records with `edit` (name -> new bytes, or undefined to drop). */
function rewrite(src: Uint8Array, edit: (name: string, data: Uint8Array) => Uint8Array | undefined, extra: [string, Uint8Array][] = []): Uint8Array {
  const r = new ZipReader(new BufferSource(src));
  const sink = new ChunkSink();
  const w = new ZipWriter(sink);
  for (const n of r.names) {
    const d = edit(n, r.read(n));
    if (d) w.add(n, d);
  }
  for (const [n, d] of extra) w.add(n, d);
  w.finish();
  return sink.result();
}

test('files that are missing, empty, folders or not checkpoints', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmts-bad-'));
  try {
    await assert.rejects(load(join(dir, 'nope.pth')), /nope\.pth: no such file/);
    mkdirSync(join(dir, 'folder.pth'));
    await assert.rejects(load(join(dir, 'folder.pth')), /folder\.pth: is a directory/);
    writeFileSync(join(dir, 'empty.pth'), '');
    await assert.rejects(load(join(dir, 'empty.pth')), /empty\.pth: empty file/);
    writeFileSync(join(dir, 'text.pth'), 'hello world, not a checkpoint');
    await assert.rejects(load(join(dir, 'text.pth')), /text\.pth: not a PyTorch checkpoint/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  rejects(readFileSync(join(fixtures, 'npy', 'f4.npy')), /a \.npy file; use loadNpy/);
});

test('truncated zip checkpoints', () => {
  for (const cut of [10, 100, zipBytes.length / 2, zipBytes.length - 30, zipBytes.length - 1]) {
    rejects(zipBytes.subarray(0, Math.floor(cut)), /truncated|not a zip archive|corrupt/);
  }
});

test('corrupt zip records and archives that are not torch.save checkpoints', () => {
  // one flipped byte in a storage record: CRC mismatch
  const flipped = new Uint8Array(zipBytes);
  const r = new ZipReader(new BufferSource(flipped));
  const e = r.entries.get('mixed/data/0')!;
  flipped[r.dataOffset(e)] ^= 0xff;
  rejects(flipped, /record 'mixed\/data\/0' is corrupt \(CRC mismatch\)/);
  // a storage record missing
  rejects(rewrite(zipBytes, (n, d) => (n === 'mixed/data/3' ? undefined : d)), /storage '3' but the archive has no record mixed\/data\/3/);
  // a storage record too short for its elements
  rejects(rewrite(zipBytes, (n, d) => (n === 'mixed/data/0' ? d.subarray(0, 3) : d)), /record mixed\/data\/0 has 3 bytes/);
  // a corrupt pickle
  rejects(rewrite(zipBytes, (n, d) => (n === 'mixed/data.pkl' ? Uint8Array.from([0x80, 0x02, 0x7d, 0xfe]) : d)), /unsupported pickle opcode 0xfe at offset 3/);
  // TorchScript and other zips
  rejects(rewrite(zipBytes, (n, d) => (n === 'mixed/data.pkl' ? undefined : d), [['mixed/constants.pkl', new Uint8Array([0x80, 2, 0x29, 0x2e])]]), /TorchScript archive/);
  rejects(rewrite(zipBytes, (n, d) => (n === 'mixed/data.pkl' ? undefined : d)), /without mixed\/data\.pkl/);
});

test('truncated and corrupt legacy checkpoints', () => {
  rejects(legacyBytes.subarray(0, legacyBytes.length - 5), /truncated legacy checkpoint: storage '\d+' needs bytes up to/);
  rejects(legacyBytes.subarray(0, 40), /not a PyTorch checkpoint: cannot read the sys_info|truncated/);
  const badMagic = new Uint8Array(legacyBytes);
  badMagic[5] ^= 0x01;
  rejects(badMagic, /invalid magic number/);
});

test('a big-endian archive (byteorder record) is byte-swapped on load', () => {
  const t = tensor([1.5, -2, 1e-3], { dtype: 'float32' });
  const little = saveToBuffer({ t, i: tensor([1, 2], { dtype: 'int16' }) });
  const swap = (d: Uint8Array, size: number) => {
    const o = new Uint8Array(d.length);
    for (let i = 0; i < d.length; i += size) for (let j = 0; j < size; j++) o[i + j] = d[i + size - 1 - j];
    return o;
  };
  const big = rewrite(little, (n, d) => {
    if (n === 'archive/byteorder') return new TextEncoder().encode('big');
    if (n === 'archive/data/0') return swap(d, 4);
    if (n === 'archive/data/1') return swap(d, 2);
    return d;
  });
  const back = loadBuffer(big);
  assert.deepEqual(valuesOf(back.t), valuesOf(t));
  assert.deepEqual(valuesOf(back.i), [1, 2]);
});
