// What mmaction-ts saves (zip, zip64 and legacy formats), mmaction-ts and PyTorch 1.13 load identically: values, dtypes, views
// (offsets, strides), shared storages, and the Python types of plain values. The PyTorch half
// runs test/serialization/check_torch_load.py when a python3 with torch is importable.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { arange, fromTypedArray, scalarTensor, tensor } from '../../src/torch/creation.ts';
import { Tensor } from '../../src/torch/tensor.ts';
import { load, loadBuffer } from '../../src/torch/serialization/load.ts';
import { save, saveToBuffer } from '../../src/torch/serialization/save.ts';
import { ZipReader, BufferSource } from '../../src/torch/serialization/zip.ts';
import { isOrderedDict, orderedDict, pyFloat, pyTuple, PyObject } from '../../src/torch/serialization/pytypes.ts';
import { assertTensor, fixtures, torchPython, valuesOf, type TensorDesc } from './helpers.ts';

const checker = fileURLToPath(new URL('./check_torch_load.py', import.meta.url));

function describe(t: Tensor): TensorDesc {
  return {
    dtype: t.dtype, shape: t.shape, stride: t.stride() as number[], offset: t.storageOffset(),
    requires_grad: t.requiresGrad, values: valuesOf(t),
  };
}

/** An object with every dtype, views, shared storages and nested plain values. */
async function sample(): Promise<{ obj: Record<string, unknown>; tensors: Record<string, Tensor> }> {
  const base = arange(24, undefined, 1, { dtype: 'float32' }).view(4, 6);
  const shared = tensor([0.25, -1.5, 3], { dtype: 'float32' });
  const col = tensor([[1], [2], [3]], { dtype: 'float32' });
  const grad = tensor([1, 2, 3], { dtype: 'float32' }).requiresGrad_(true);
  const halfBase = tensor([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12], [13, 14, 15, 16]], { dtype: 'float16' });
  const tensors: Record<string, Tensor> = orderedDict<Tensor>([
    ['f32', tensor([[0.1, -2.5e-8, 3e38], [1, 2, 3]], { dtype: 'float32' })],
    ['f64', tensor([Math.PI, -0, 1e-300], { dtype: 'float64' })],
    ['f16', tensor([0.1, -65504, 6e-8, 1], { dtype: 'float16' })],
    ['bf16', tensor([0.1, -3e38, 1], { dtype: 'bfloat16' })],
    ['i8', tensor([-128, 0, 127], { dtype: 'int8' })],
    ['i16', tensor([-32768, 0, 32767], { dtype: 'int16' })],
    ['i32', tensor([-(2 ** 31), 0, 2 ** 31 - 1], { dtype: 'int32' })],
    ['i64', fromTypedArray(BigInt64Array.from([-(2n ** 63n), 2n ** 53n + 1n, 2n ** 63n - 1n]))],
    ['u8', tensor([0, 128, 255], { dtype: 'uint8' })],
    ['bool', tensor([true, false, true], { dtype: 'bool' })],
    ['scalar', scalarTensor(3.5, { dtype: 'float32' })],
    ['empty', Tensor.fromBytes(new Uint8Array(0), 'float32', [0, 3])],
    ['base', base],
    ['row', base.select(0, 1)],
    ['col', base.select(1, 2)],
    ['transposed', base.t()],
    ['slice', base.slice(0, 1, 3).slice(1, null, null, 2)],
    ['shared_a', shared],
    ['shared_b', shared],
    ['shared_view', shared.slice(0, 1)],
    ['expanded', col.expand(3, 4)],
    ['col_base', col],
    ['grad', grad],
    ['half_view', halfBase.slice(0, null, null, 2).slice(1, 1)],
  ]) as Record<string, Tensor>;
  const mixed = await load(join(fixtures, 'mixed.pth'));
  const obj = {
    tensors,
    nested: {
      list: [1, 2.5, 'three', null, true, pyTuple([4, 5])],
      int_keys: new Map<number, string>([[0, 'a'], [1, 'b']]),
      tuple_keys: new Map<unknown, string>([[[1, 2], 'x']]),
      bytes: new Uint8Array([0, 1, 255]),
      big: 2n ** 70n,
      neg: -7,
      float_int: pyFloat(2),
      negzero: -0,
      nan: NaN,
      unicode: 'h\u00e9llo \u2713 \u{1F600}',
      set: new Set([3]),
      od: orderedDict([['z', 1], ['a', 2]]),
    },
    // placeholders and numpy values loaded from a PyTorch checkpoint go back as they came
    meta: { config: mixed.meta.config, np_arr: mixed.meta.np_arr, np_dtype: mixed.meta.np_dtype },
    optimizer: { state: new Map([[0, { momentum_buffer: tensor([0.5, 0.5], { dtype: 'float32' }) }]]), param_groups: [{ lr: 0.1, params: [0] }] },
  };
  return { obj, tensors };
}

function sharedGroups(tensors: Record<string, Tensor>): string[][] {
  const groups = new Map<bigint, string[]>();
  for (const [k, t] of Object.entries(tensors)) {
    const key = t.storageNbytes() === 0 ? BigInt(-groups.size - 1) : t.storageKey();
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(k);
  }
  return [...groups.values()];
}

test('save then load in mmaction-ts: identical tensors, layouts and sharing', async () => {
  const { obj, tensors } = await sample();
  const dir = mkdtempSync(join(tmpdir(), 'mmts-ser-'));
  try {
    const path = join(dir, 'out.pth');
    await save(obj, path);
    assert.deepEqual(readdirSync(dir), ['out.pth'], 'no temporary file left behind');
    const back = await load(path);
    assert.ok(isOrderedDict(back.tensors));
    assert.deepEqual(Object.keys(back.tensors), Object.keys(tensors));
    for (const [k, t] of Object.entries(tensors)) assertTensor(back.tensors[k], describe(t), k);
    const groupsOut = sharedGroups(back.tensors);
    assert.deepEqual(groupsOut, sharedGroups(tensors));
    assert.equal(back.tensors.shared_a, back.tensors.shared_b);
    assert.equal(back.nested.float_int, 2);
    assert.ok(back.nested.int_keys instanceof Map);
    assert.equal(back.nested.big, 2n ** 70n);
    assert.ok(back.meta.config instanceof PyObject);
    assert.deepEqual([...back.meta.config.dictItems], [['type', 'I3DHead'], ['num_classes', 400]]);
    assert.deepEqual(back.meta.np_arr.toArray(), [0, 1, 2, 3, 4, 5]);

    // one storage record per storage, data aligned to 64 bytes like PyTorch
    const zip = new ZipReader(new BufferSource(readFileSync(path)));
    const records = zip.names.filter((n) => n.startsWith('archive/data/'));
    assert.equal(records.length, sharedGroups(tensors).length + 1 /* momentum_buffer */);
    for (const n of zip.names) assert.equal(zip.dataOffset(zip.entries.get(n)!) % 64, 0, `${n} aligned`);
    assert.ok(zip.has('archive/version') && zip.has('archive/data.pkl'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the legacy format (legacyFormat: true) round-trips too', async () => {
  const { obj, tensors } = await sample();
  const back = loadBuffer(saveToBuffer(obj, { legacyFormat: true }));
  for (const [k, t] of Object.entries(tensors)) assertTensor(back.tensors[k], describe(t), `legacy ${k}`);
  assert.deepEqual(sharedGroups(back.tensors), sharedGroups(tensors));
  assert.ok(isOrderedDict(back.tensors));
});

test('saveToBuffer / loadBuffer, and zip64 records read back', async () => {
  const t = tensor([[1, 2], [3, 4]], { dtype: 'float32' });
  const b = saveToBuffer({ w: t });
  const back = loadBuffer(b);
  assert.deepEqual(back.w.toArray(), [[1, 2], [3, 4]]);
  const z = saveToBuffer({ w: t.t() }, { forceZip64: true });
  assert.deepEqual(loadBuffer(z).w.toArray(), [[1, 3], [2, 4]]);
});

test('saving values with no Python equivalent fails with the path', async () => {
  await assert.rejects(save({ a: { b: () => 1 } }, join(tmpdir(), 'never.pth')), /a\.b.*function/);
  assert.throws(() => saveToBuffer({ when: new Date() }), /when: a Date has no Python equivalent/);
  const t = tensor([1, 2, 3, 4], { dtype: 'float32' });
  t.dispose();
  assert.throws(() => saveToBuffer({ w: { t } }), /cannot save w\.t: cannot save a disposed tensor/);
  assert.ok(!existsSync(join(tmpdir(), 'never.pth')));
});

test('PyTorch 1.13 torch.load reads what mmaction-ts saved, identically', async (t) => {
  const py = torchPython();
  if (!py) {
    t.skip('no python3 with torch importable (set PYTHON=...); the PyTorch side of the round trip was not checked');
    return;
  }
  const { obj, tensors } = await sample();
  const dir = mkdtempSync(join(tmpdir(), 'mmts-ser-py-'));
  try {
    const path = join(dir, 'from_ts.pth');
    const path64 = join(dir, 'from_ts_zip64.pth');
    const pathLegacy = join(dir, 'from_ts_legacy.pth');
    await save(obj, path);
    writeFileSync(path64, saveToBuffer(obj, { forceZip64: true }));
    await save(obj, pathLegacy, { legacyFormat: true });
    const expected = {
      tensors: Object.fromEntries(Object.entries(tensors).map(([k, v]) => [k, describe(v)])),
      shared_groups: sharedGroups(tensors),
    };
    const exp = join(dir, 'expected.json');
    writeFileSync(exp, JSON.stringify(expected));
    for (const p of [path, path64, pathLegacy]) {
      const r: SpawnSyncReturns<string> = spawnSync(py, [checker, p, exp], { encoding: 'utf8' });
      assert.equal(r.status, 0, `torch.load check of ${p} failed:\n${r.stdout}\n${r.stderr}`);
      assert.match(r.stdout, /^OK/m);
    }
    // an MMAction2 checkpoint loaded and saved again is the same checkpoint to PyTorch
    // (meta, key order, values, and the state dict's _metadata module versions)
    const original = join(fixtures, 'mmaction', 'bmn_t16', 'checkpoint.pth');
    const resaved = join(dir, 'resaved.pth');
    await save(await load(original), resaved);
    const script = [
      'import sys, torch',
      'a, b = torch.load(sys.argv[1]), torch.load(sys.argv[2])',
      "sa, sb = a['state_dict'], b['state_dict']",
      "assert type(sb).__name__ == 'OrderedDict' and list(sa) == list(sb)",
      'assert all(torch.equal(sa[k], sb[k]) and sa[k].dtype == sb[k].dtype for k in sa)',
      "assert sa._metadata == sb._metadata and a['meta'] == b['meta']",
      "print('OK')",
    ].join('\n');
    const r = spawnSync(py, ['-c', script, original, resaved], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
