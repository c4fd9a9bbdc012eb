// Legacy checkpoints of older PyTorch versions could hold storage views: persistent ids with
// view_metadata (view_key, offset, view_numel). Built here byte by byte with the pickler.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadBuffer } from '../../src/torch/serialization/load.ts';
import { Persistent, pickle, Reduce } from '../../src/torch/serialization/pickle.ts';
import { LEGACY_MAGIC, LEGACY_PROTOCOL } from '../../src/torch/serialization/legacy.ts';
import { markOrderedDict, PyGlobal, pyTuple } from '../../src/torch/serialization/pytypes.ts';
import { valuesOf } from './helpers.ts';

function legacyFile(obj: unknown, storages: [string, Float32Array][]): Uint8Array {
  const parts: Uint8Array[] = [
    pickle(LEGACY_MAGIC), pickle(LEGACY_PROTOCOL),
    pickle({ protocol_version: LEGACY_PROTOCOL, little_endian: true, type_sizes: { short: 2, int: 4, long: 8 } }),
    pickle(obj), pickle(storages.map(([k]) => k)),
  ];
  for (const [, data] of storages) {
    const n = new Uint8Array(8);
    new DataView(n.buffer).setBigInt64(0, BigInt(data.length), true);
    parts.push(n, new Uint8Array(data.buffer));
  }
  return new Uint8Array(Buffer.concat(parts));
}

const rebuild = new PyGlobal('torch._utils', '_rebuild_tensor_v2');
const floatStorage = new PyGlobal('torch', 'FloatStorage');
const tensorOn = (pid: unknown[], offset: number, size: number[], stride: number[]) =>
  new Reduce(rebuild, [new Persistent(pyTuple(pid)), offset, pyTuple(size), pyTuple(stride), false, markOrderedDict(new Map())]);

test('legacy storage views (view_metadata) share the root storage at their offset', () => {
  const root = Float32Array.from([0, 1, 2, 3, 4, 5]);
  const obj = {
    whole: tensorOn(['storage', floatStorage, 'root', 'cpu', 6, null], 0, [2, 3], [3, 1]),
    view: tensorOn(['storage', floatStorage, 'root', 'cpu', 6, pyTuple(['v1', 2, 3])], 0, [3], [1]),
    view_offset: tensorOn(['storage', floatStorage, 'root', 'cpu', 6, pyTuple(['v1', 2, 3])], 1, [2], [1]),
  };
  const ckpt = loadBuffer(legacyFile(obj, [['root', root]]));
  assert.deepEqual(valuesOf(ckpt.whole), [0, 1, 2, 3, 4, 5]);
  assert.deepEqual(valuesOf(ckpt.view), [2, 3, 4]);
  assert.equal(ckpt.view.storageOffset(), 2);
  assert.deepEqual(valuesOf(ckpt.view_offset), [3, 4]);
  assert.equal(ckpt.view.storageKey(), ckpt.whole.storageKey(), 'one storage');
});

test('legacy files whose pickle and data disagree fail clearly', () => {
  const obj = { t: tensorOn(['storage', floatStorage, 'a', 'cpu', 4, null], 0, [4], [1]) };
  // the data section says 3 elements, the pickle says 4
  assert.throws(() => loadBuffer(legacyFile(obj, [['a', Float32Array.from([1, 2, 3])]]), { name: 'l.pth' }),
    /l\.pth: corrupt legacy checkpoint: storage 'a' has 3 elements, the pickle says 4/);
  // a view reaching past its storage
  const bad = { t: tensorOn(['storage', floatStorage, 'a', 'cpu', 4, null], 2, [4], [1]) };
  assert.throws(() => loadBuffer(legacyFile(bad, [['a', Float32Array.from([1, 2, 3, 4])]]), { name: 'l.pth' }),
    /l\.pth: .*reaches element 5 but the storage holds 4/);
  // a listed storage that no tensor uses
  assert.throws(() => loadBuffer(legacyFile({ x: 1 }, [['a', Float32Array.from([1])]]), { name: 'l.pth' }),
    /storage 'a' is listed but never used/);
});

test('tensors sharing a storage stay independent leaves (requires_grad on one does not make the other a non-leaf)', () => {
  const p = (rg: boolean, offset: number, size: number[]) =>
    new Reduce(rebuild, [new Persistent(pyTuple(['storage', floatStorage, 'a', 'cpu', 4, null])), offset, pyTuple(size),
      pyTuple(size.length === 1 ? [1] : [2, 1]), rg, markOrderedDict(new Map())]);
  const ckpt = loadBuffer(legacyFile({ w: p(true, 0, [2, 2]), tied: p(false, 0, [2, 2]), half: p(false, 2, [2]) },
    [['a', Float32Array.from([1, 2, 3, 4])]]));
  assert.equal(ckpt.w.requiresGrad, true);
  assert.equal(ckpt.tied.requiresGrad, false);
  assert.equal(ckpt.half.requiresGrad, false);
  assert.equal(ckpt.tied.storageKey(), ckpt.w.storageKey());
  assert.deepEqual(valuesOf(ckpt.half), [3, 4]);
  // a write through one is seen by the others, as in PyTorch
  ckpt.tied.mul_(2);
  assert.deepEqual(valuesOf(ckpt.half), [6, 8]);
  assert.deepEqual(valuesOf(ckpt.w), [2, 4, 6, 8]);
});
