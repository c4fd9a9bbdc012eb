// Checkpoints written by PyTorch 1.13 (scripts/fixtures/gen_serialization.py) load with the same
// values, dtypes, strides, storage offsets and storage sharing; containers and plain values keep
// their Python meaning; unknown classes become placeholders.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { load, loadBuffer } from '../../src/torch/serialization/load.ts';
import { inspectCheckpoint } from '../../src/torch/serialization/reader.ts';
import { TensorInfo } from '../../src/torch/serialization/checkpoint.ts';
import { isOrderedDict, NdArray, NpDType, PyObject } from '../../src/torch/serialization/pytypes.ts';
import type { Tensor } from '../../src/torch/tensor.ts';
import { assertTensor, fixtures, valuesOf as valuesOfTensor, type TensorDesc } from './helpers.ts';

const expected = JSON.parse(readFileSync(join(fixtures, 'mixed.json'), 'utf8')) as {
  tensors: Record<string, TensorDesc>;
  shared_groups: string[][];
  optimizer_momentum_buffer: TensorDesc;
  od_a: TensorDesc;
};

for (const file of ['mixed.pth', 'mixed_legacy.pth', 'mixed_proto4.pth', 'mixed_deflated.pth']) {
  test(`${file}: every dtype, views, strides, offsets and shared storages`, async () => {
    const ckpt = await load(join(fixtures, file));
    const tensors = ckpt.tensors as Record<string, Tensor>;
    assert.ok(isOrderedDict(tensors), 'the OrderedDict is marked');
    assert.deepEqual(Object.keys(tensors), Object.keys(expected.tensors), 'keys in order');
    for (const [k, d] of Object.entries(expected.tensors)) assertTensor(tensors[k], d, `${file} ${k}`);

    // storage sharing: same key inside a group, different keys across groups
    const keyOf = (k: string) => tensors[k].storageKey();
    const groupKeys = expected.shared_groups.map((g) => keyOf(g[0]));
    for (const g of expected.shared_groups) for (const k of g) assert.equal(keyOf(k), keyOf(g[0]), `${k} shares ${g[0]}'s storage`);
    assert.equal(new Set(groupKeys).size, groupKeys.length, 'distinct storages stay distinct');
    assert.ok(expected.shared_groups.some((g) => g.includes('row') && g.includes('col') && g.includes('base')));
    // the same tensor object pickled twice is one object (the pickle memo)
    assert.equal(tensors.shared_a, tensors.shared_b);

    assertTensor(ckpt.optimizer.state.get(0).momentum_buffer, expected.optimizer_momentum_buffer, 'momentum_buffer');
    assertTensor(ckpt.nested.od.a, expected.od_a, 'nested.od.a');
  });
}

test('plain values and containers keep their Python meaning', async () => {
  const ckpt = await load(join(fixtures, 'mixed.pth'));
  const n = ckpt.nested;
  assert.deepEqual(n.list, [1, 2.5, 'three', null, true, false, [4, 5]]);
  assert.equal(n.again, n.list, 'a memoized reference stays shared');
  assert.deepEqual(n.tuple, [1, [2, 3], []]);
  assert.ok(isOrderedDict(n.od));
  assert.deepEqual(Object.keys(n.od), ['z', 'a', 'm']);
  assert.deepEqual(n.od.m, { k: 'v' });
  assert.ok(n.int_keys instanceof Map, 'int keys give a Map');
  assert.deepEqual([...n.int_keys], [[0, 'a'], [1, 'b'], [10, 'c']]);
  assert.ok(n.index_like instanceof Map, "index-like string keys give a Map (a JS object would reorder '1', '0')");
  assert.deepEqual([...n.index_like.keys()], ['1', '0']);
  assert.deepEqual(n.bytes, new Uint8Array([0, 1, 255]));
  assert.deepEqual(n.empty_bytes, new Uint8Array(0));
  assert.equal(n.big, 2n ** 70n);
  assert.equal(n.neg_big, -(2n ** 65n));
  assert.equal(n.neg, -5);
  assert.equal(n.float_int, 2);
  assert.ok(Number.isNaN(n.nan));
  assert.equal(n.inf, -Infinity);
  assert.equal(n.unicode, 'h\u00e9llo \u2713 \u{1F600}');
  assert.deepEqual(n.set, new Set([3]));
  const opt = ckpt.optimizer;
  assert.deepEqual(opt.param_groups, [{ lr: 0.1, momentum: 0.9, betas: [0.9, 0.999], params: [0] }]);
});

test('meta: numpy scalars decoded, numpy arrays and unknown classes as inspectable objects', async () => {
  const ckpt = await load(join(fixtures, 'mixed.pth'));
  const m = ckpt.meta;
  assert.equal(m.np_float, 1.25);
  assert.equal(m.np_f32, 0.5);
  assert.equal(m.np_int, 42);
  assert.equal(m.np_bool, true);
  assert.ok(m.np_arr instanceof NdArray);
  assert.equal(m.np_arr.dtype.descr, '<i4');
  assert.deepEqual(m.np_arr.shape, [2, 3]);
  assert.deepEqual(m.np_arr.toArray(), [0, 1, 2, 3, 4, 5]);
  assert.ok(m.np_dtype instanceof NpDType);
  assert.equal(m.np_dtype.descr, '<f4');
  assert.deepEqual(m.size, [2, 3]);
  assert.equal(m.device, 'cpu');
  assert.equal(m.dtype, 'float16');
  // mmcv's ConfigDict, which mmaction-ts does not model: class name, items and state kept
  assert.ok(m.config instanceof PyObject);
  assert.equal(m.config.__class__, 'mmcv.utils.config.ConfigDict');
  assert.deepEqual([...m.config.dictItems], [['type', 'I3DHead'], ['num_classes', 400]]);
  assert.deepEqual(m.config.state, { filename: 'configs/i3d.py' });
  assert.ok(m.slice instanceof PyObject);
  assert.equal(m.slice.__class__, 'builtins.slice');
  assert.deepEqual(m.slice.args, [1, 5, 2]);
  // placeholders serialize to JSON for `checkpoint-info --json`
  assert.deepEqual(JSON.parse(JSON.stringify(m.config)), {
    __class__: 'mmcv.utils.config.ConfigDict', args: [], state: { filename: 'configs/i3d.py' },
    dictItems: { type: 'I3DHead', num_classes: 400 },
  });
});

test("dicts: 'map' gives every dict as a Map, in order", async () => {
  const ckpt = await load(join(fixtures, 'mixed.pth'), { dicts: 'map' });
  assert.ok(ckpt instanceof Map);
  assert.deepEqual([...ckpt.keys()], ['tensors', 'nested', 'meta', 'optimizer']);
  assert.ok(isOrderedDict(ckpt.get('tensors')));
  assert.equal(ckpt.get('tensors').get('f32').dtype, 'float32');
});

test('loadBuffer and mapLocation', () => {
  const bytes = readFileSync(join(fixtures, 'mixed.pth'));
  const viaFn: string[] = [];
  const ckpt = loadBuffer(bytes, { mapLocation: (loc) => { viaFn.push(loc); return 'cpu'; } });
  assert.equal(ckpt.tensors.f32.device, 'cpu');
  assert.ok(viaFn.length > 0 && viaFn.every((l) => l === 'cpu'));
  const ck2 = loadBuffer(bytes, { mapLocation: { cpu: 'cpu' } });
  assert.deepEqual(ck2.tensors.base.shape, [4, 6]);
});

test('mapLocation to a device: moved there, or a clear error naming the way out', () => {
  const bytes = readFileSync(join(fixtures, 'mixed.pth'));
  let ckpt: any;
  try {
    ckpt = loadBuffer(bytes, { mapLocation: 'cuda:0', name: 'm.pth' });
  } catch (e) {
    assert.match((e as Error).message, /^m\.pth: a storage saved on 'cpu' cannot be restored on 'cuda:0' \(.*\); .*pass \{ mapLocation: 'cpu' \}$/);
    return;
  }
  assert.equal(ckpt.tensors.f32.device, 'cuda:0'); // a CUDA build of libtorch
});

test('inspectCheckpoint lists structure without reading tensor data', () => {
  for (const [file, format] of [['mixed.pth', 'zip'], ['mixed_legacy.pth', 'legacy']] as const) {
    const info = inspectCheckpoint(join(fixtures, file));
    assert.equal(info.format, format);
    const t = info.value.tensors;
    assert.ok(t.slice instanceof TensorInfo);
    assert.deepEqual(t.slice.shape, expected.tensors.slice.shape);
    assert.deepEqual(t.slice.stride, expected.tensors.slice.stride);
    assert.equal(t.slice.storageOffset, expected.tensors.slice.offset);
    assert.equal(t.bf16.dtype, 'bfloat16');
  }
});

test('tensors of dtypes the engine lacks (complex, quantized) load as placeholders, the rest loads', async () => {
  for (const file of ['foreign.pth', 'foreign_legacy.pth']) {
    const ckpt = await load(join(fixtures, file));
    assert.deepEqual(valuesOfTensor(ckpt.f), [1, 1], file);
    assert.ok(ckpt.c instanceof PyObject, file);
    assert.equal(ckpt.c.__class__, 'torch.Tensor');
    assert.equal(ckpt.c.state.dtype, 'complex64');
    assert.deepEqual(ckpt.c.state.shape, [2]);
    assert.ok(ckpt.q instanceof PyObject, file);
    assert.equal(ckpt.q.__class__, 'torch._utils._rebuild_qtensor');
  }
});

test('a whole pickled nn.Module (torch.save(model)) loads as an inspectable placeholder with real tensors', async () => {
  const m = await load(join(fixtures, 'module.pth'));
  assert.ok(m instanceof PyObject);
  assert.equal(m.__class__, 'torch.nn.modules.container.Sequential');
  const linear = (m.state as any)._modules.get('0'); // key '0' would reorder in a JS object: a Map
  assert.equal(linear.__class__, 'torch.nn.modules.linear.Linear');
  const w = linear.state._parameters.weight as Tensor;
  assert.deepEqual(w.shape, [3, 2]);
  assert.equal(w.requiresGrad, true, 'nn.Parameter keeps requires_grad');
  assert.equal(linear.state.in_features, 2);
});
