/** TensorBoard event files: CRC32C, TFRecord framing and Event protos, decoded independently here. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32c, maskedCrc32c, tfRecord } from '../../src/runner/hooks/tensorboard.ts';
import { makeRunner } from './train_child.ts';

/** Bitwise CRC32C (no table), for an independent check. */
function crcBitwise(data: Uint8Array): number {
  let c = ~0 >>> 0;
  for (const b of data) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0x82f63b78 & -(c & 1));
  }
  return ~c >>> 0;
}

function readVarint(b: Uint8Array, p: { i: number }): number {
  let v = 0, s = 0;
  for (;;) { const x = b[p.i++]; v += (x & 0x7f) * 2 ** s; s += 7; if (x < 0x80) return v; }
}

/** Decodes a protobuf message into field -> values (numbers for varints, Uint8Array for bytes, DataView for fixed). */
function decode(b: Uint8Array): Map<number, unknown[]> {
  const out = new Map<number, unknown[]>();
  const p = { i: 0 };
  while (p.i < b.length) {
    const k = readVarint(b, p);
    const field = Math.floor(k / 8), wire = k & 7;
    let v: unknown;
    if (wire === 0) v = readVarint(b, p);
    else if (wire === 1) { v = new DataView(b.buffer, b.byteOffset + p.i, 8).getFloat64(0, true); p.i += 8; }
    else if (wire === 5) { v = new DataView(b.buffer, b.byteOffset + p.i, 4).getFloat32(0, true); p.i += 4; }
    else if (wire === 2) { const n = readVarint(b, p); v = b.subarray(p.i, p.i + n); p.i += n; }
    else throw new Error(`wire type ${wire}`);
    if (!out.has(field)) out.set(field, []);
    out.get(field)!.push(v);
  }
  return out;
}

function records(file: Uint8Array): Uint8Array[] {
  const out: Uint8Array[] = [];
  const dv = new DataView(file.buffer, file.byteOffset, file.byteLength);
  let i = 0;
  while (i < file.length) {
    const n = Number(dv.getBigUint64(i, true));
    const lenCrc = dv.getUint32(i + 8, true);
    const mask = (c: number) => ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
    assert.equal(lenCrc, mask(crcBitwise(file.subarray(i, i + 8))));
    const data = file.subarray(i + 12, i + 12 + n);
    assert.equal(dv.getUint32(i + 12 + n, true), mask(crcBitwise(data)));
    out.push(data);
    i += 16 + n;
  }
  return out;
}

test('CRC32C matches the standard check value and a bitwise implementation', () => {
  assert.equal(crc32c(new TextEncoder().encode('123456789')), 0xe3069283);
  const data = Uint8Array.from({ length: 1000 }, (_, i) => (i * 37 + 11) & 0xff);
  assert.equal(crc32c(data), crcBitwise(data));
  assert.equal(maskedCrc32c(new Uint8Array(0)), ((0 >>> 15 | 0 << 17) + 0xa282ead8) >>> 0);
  assert.equal(tfRecord(new Uint8Array([1, 2, 3])).length, 19);
});

test('TensorboardLoggerHook writes scalars readable as TensorBoard events', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmaction-tb-'));
  try {
    const { runner, loader } = makeRunner(dir, 2, 'tb');
    // the same interval as the text logger (log_config.interval), as in a config
    runner.registerLoggerHooks({ interval: 2, hooks: [{ type: 'TensorboardLoggerHook' }] });
    await runner.run([loader], [['train', 1]]);
    const files = readdirSync(join(dir, 'tf_logs'));
    assert.equal(files.length, 1);
    assert.match(files[0], /^events\.out\.tfevents\.\d{10}\./);
    const recs = records(new Uint8Array(readFileSync(join(dir, 'tf_logs', files[0]))));
    const first = decode(recs[0]);
    assert.equal(new TextDecoder().decode(first.get(3)![0] as Uint8Array), 'brain.Event:2');
    const events = recs.slice(1).map(decode);
    // 6 iterations per epoch, interval 2: steps 2, 4, ..., 12
    assert.deepEqual(events.map((e) => e.get(2)![0]), [2, 4, 6, 8, 10, 12]);
    const tags = (e: Map<number, unknown[]>) => decode(e.get(5)![0] as Uint8Array).get(1)!.map((v) => {
      const m = decode(v as Uint8Array);
      return [new TextDecoder().decode(m.get(1)![0] as Uint8Array), m.get(2)![0] as number] as const;
    });
    const t0 = Object.fromEntries(tags(events[0]));
    assert.deepEqual(Object.keys(t0), ['train/loss_cls', 'train/top1_acc', 'train/loss', 'train/grad_norm', 'learning_rate', 'momentum']);
    assert.ok(Math.abs(t0.momentum - 0.9) < 1e-7);
    // the same values as the text logger's JSON lines (float32 in the event file)
    const json = readFileSync(join(dir, 'tb.log.json'), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.mode === 'train');
    assert.ok(Math.abs(t0['train/loss'] - json[0].loss) < 1e-4);
    assert.ok(Math.abs(t0.learning_rate - json[0].lr) < 1e-6);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
