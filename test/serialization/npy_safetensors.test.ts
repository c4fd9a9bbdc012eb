// .npy (numpy-written files of every dtype, C and Fortran order, big-endian, v2 header) and
// .safetensors (a file written to the format by gen_serialization.py) load exactly; what
// mmaction-ts writes reads back identically, and numpy's np.load reads our .npy files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { arange, fromTypedArray, scalarTensor, tensor } from '../../src/torch/creation.ts';
import type { Tensor } from '../../src/torch/tensor.ts';
import {
  loadNpy, loadNpyBuffer, npyBuffer, saveNpy, loadSafetensors, loadSafetensorsBuffer, safetensorsBuffer, saveSafetensors,
} from '../../src/torch/serialization/index.ts';
import { assertTensor, fixtures, torchPython, valuesOf, type TensorDesc } from './helpers.ts';

const npyDir = join(fixtures, 'npy');
const npyExpected = JSON.parse(readFileSync(join(npyDir, 'expected.json'), 'utf8')) as
  Record<string, { shape: number[]; values: (number | string)[]; dtype: string }>;

test('loadNpy reads numpy files of every dtype, C/Fortran order, both byte orders', () => {
  assert.ok(Object.keys(npyExpected).length >= 16);
  for (const [name, e] of Object.entries(npyExpected)) {
    const t = loadNpy(join(npyDir, `${name}.npy`));
    assert.equal(t.dtype, e.dtype, `${name} dtype`);
    assert.deepEqual(t.shape, e.shape, `${name} shape`);
    assert.deepEqual(valuesOf(t), e.values, `${name} values`);
  }
});

function samples(): Record<string, Tensor> {
  const base = arange(12, undefined, 1, { dtype: 'float32' }).view(3, 4);
  return {
    f32: tensor([[0.1, -2], [3e38, 1e-40]], { dtype: 'float32' }),
    f64: tensor([Math.PI, -0], { dtype: 'float64' }),
    f16: tensor([0.1, -65504, 6e-8], { dtype: 'float16' }),
    i8: tensor([-128, 127], { dtype: 'int8' }),
    i16: tensor([-32768, 32767], { dtype: 'int16' }),
    i32: tensor([[-(2 ** 31)], [2 ** 31 - 1]], { dtype: 'int32' }),
    i64: fromTypedArray(BigInt64Array.from([-(2n ** 63n), 2n ** 63n - 1n])),
    u8: tensor([0, 255], { dtype: 'uint8' }),
    bool: tensor([true, false], { dtype: 'bool' }),
    scalar: scalarTensor(2.5, { dtype: 'float64' }),
    transposed: base.t(),
    row_view: base.select(0, 2),
  };
}

test('saveNpy then loadNpy: identical, views written in C order', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmts-npy-'));
  try {
    for (const [name, t] of Object.entries(samples())) {
      const p = join(dir, `${name}.npy`);
      saveNpy(p, t);
      const back = loadNpy(p);
      assert.equal(back.dtype, t.dtype, name);
      assert.deepEqual(back.shape, t.shape, name);
      assert.deepEqual(valuesOf(back), valuesOf(t), name);
      assert.equal(readFileSync(p).indexOf(0x0a) + 1, 128, `${name}: data aligned to 64 like np.save`);
    }
    assert.ok(readdirSync(dir).every((f) => f.endsWith('.npy')), 'no temporary files left');
    assert.throws(() => npyBuffer(tensor([1], { dtype: 'bfloat16' })), /numpy has no bfloat16/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('np.load reads what saveNpy wrote', (t) => {
  const py = torchPython();
  if (!py) {
    t.skip('no python3 with numpy and torch importable (set PYTHON=...)');
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), 'mmts-npy-py-'));
  try {
    const expected: Record<string, { shape: number[]; values: (number | string)[] }> = {};
    for (const [name, ten] of Object.entries(samples())) {
      saveNpy(join(dir, `${name}.npy`), ten);
      expected[name] = { shape: ten.shape, values: valuesOf(ten) };
    }
    writeFileSync(join(dir, 'expected.json'), JSON.stringify(expected));
    const script = `
import json, sys, os, numpy as np
d = sys.argv[1]
exp = json.load(open(os.path.join(d, 'expected.json')))
for name, e in exp.items():
    a = np.load(os.path.join(d, name + '.npy'))
    assert list(a.shape) == e['shape'], (name, a.shape)
    vals = a.flatten().tolist()
    if a.dtype == np.int64: vals = [str(v) for v in vals]
    if a.dtype == np.bool_: vals = [int(v) for v in vals]
    if a.dtype == np.float16: vals = [float(v) for v in vals]
    assert vals == e['values'], (name, vals, e['values'])
print('OK')`;
    const r = spawnSync(py, ['-c', script, dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /OK/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('loadSafetensors reads every dtype with metadata, in header order', () => {
  const expected = JSON.parse(readFileSync(join(fixtures, 'safetensors.json'), 'utf8')) as Record<string, TensorDesc>;
  const f = loadSafetensors(join(fixtures, 'tensors.safetensors'));
  assert.deepEqual(f.metadata, { format: 'pt', source: 'gen_serialization.py' });
  assert.deepEqual(Object.keys(f.tensors), Object.keys(expected));
  for (const [k, d] of Object.entries(expected)) assertTensor(f.tensors[k], d, k, { layout: false });
});

test('saveSafetensors then loadSafetensors: identical, views as their own data', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmts-st-'));
  try {
    const s = samples();
    const p = join(dir, 'w.safetensors');
    saveSafetensors(p, s, { note: 'hi' });
    const back = loadSafetensors(p);
    assert.deepEqual(back.metadata, { note: 'hi' });
    assert.deepEqual(new Set(Object.keys(back.tensors)), new Set(Object.keys(s)));
    for (const [k, t] of Object.entries(s)) {
      assert.equal(back.tensors[k].dtype, t.dtype, k);
      assert.deepEqual(back.tensors[k].shape, t.shape, k);
      assert.deepEqual(valuesOf(back.tensors[k]), valuesOf(t), k);
    }
    // header length and data start are 8-byte aligned
    const bytes = readFileSync(p);
    assert.equal(Number(bytes.readBigUInt64LE(0)) % 8, 0);
    const m = loadSafetensorsBuffer(safetensorsBuffer(new Map([['b', tensor([true], { dtype: 'bool' })]])));
    assert.equal(m.metadata, null);
    assert.deepEqual(valuesOf(m.tensors.b), [1]);
    assert.throws(() => safetensorsBuffer({ x: tensor([1], { dtype: 'float32' }) }, { n: 1 as unknown as string }), /strings only/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('npy and safetensors errors name the file and the problem', () => {
  const npy = readFileSync(join(npyDir, 'f4.npy'));
  assert.throws(() => loadNpyBuffer(npy.subarray(0, npy.length - 3), 'x.npy'), /x\.npy: truncated data/);
  assert.throws(() => loadNpyBuffer(new Uint8Array([1, 2, 3]), 'x.npy'), /x\.npy: not a \.npy file/);
  const u2 = new Uint8Array(npy);
  const text = Buffer.from(u2).toString('latin1').replace("'<f4'", "'<u2'");
  assert.throws(() => loadNpyBuffer(Buffer.from(text, 'latin1'), 'u.npy'), /u\.npy: dtype '<u2' \(uint16\)/);
  assert.throws(() => loadNpy('/nonexistent/a.npy'), /\/nonexistent\/a\.npy: no such file/);
  const st = readFileSync(join(fixtures, 'tensors.safetensors'));
  assert.throws(() => loadSafetensorsBuffer(st.subarray(0, st.length - 1), 'w.st'), /w\.st: truncated: tensor/);
  assert.throws(() => loadSafetensorsBuffer(new Uint8Array(20), 'z.st'), /z\.st: not a safetensors file/);
  assert.throws(() => loadSafetensors('/nonexistent/w.safetensors'), /no such file/);
});
