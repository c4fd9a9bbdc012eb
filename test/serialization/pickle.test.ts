// The pickle layer: Python-written pickles of every protocol, the protocol-2 pickler read back by
// the unpickler, clear errors on bad input, and plain .pkl files with numpy arrays (annotations).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pickle, unpickle, PickleError, decodeLong, encodeLong } from '../../src/torch/serialization/pickle.ts';
import { isOrderedDict, NdArray, orderedDict, pyFloat, pyTuple, PyObject } from '../../src/torch/serialization/pytypes.ts';
import { loadPickle } from '../../src/torch/serialization/reader.ts';
import { ndarrayToTensor } from '../../src/torch/serialization/npy.ts';
import { fixtures } from './helpers.ts';

function checkPlain(v: any, proto: number): void {
  const at = `protocol ${proto}`;
  assert.equal(v.int, 1, at);
  assert.equal(v.neg, -300, at);
  assert.equal(v.int32, -(2 ** 31), at);
  assert.equal(v.big, 2n ** 100n, at);
  assert.equal(v.neg_big, -(2n ** 64n), at);
  assert.equal(v.float, 1.5, at);
  assert.ok(Object.is(v.neg_float, -0), at);
  assert.equal(v.str, 'h\u00e9llo \u{1F600}', at);
  assert.deepEqual(v.bytes, new Uint8Array([0, 255]), at);
  assert.deepEqual(v.bytearray, new Uint8Array([97, 98]), at);
  assert.deepEqual(v.list, [1, [2]], at);
  assert.deepEqual(v.tuple, [1, 2], at);
  assert.deepEqual(v.tuple5, [1, 2, 3, 4, 5], at);
  assert.equal(v.none, null, at);
  assert.deepEqual(v.bool, [true, false], at);
  assert.ok(isOrderedDict(v.od), at);
  assert.deepEqual(Object.entries(v.od), [['b', 1], ['a', 2]], at);
  assert.deepEqual(v.set, new Set([1]), at);
  assert.deepEqual(v.frozenset, new Set([2]), at);
  assert.equal(v.long_list.length, 1500, at);
  assert.equal(v.long_list[1499], 1499, at);
  assert.equal(Object.keys(v.many_keys).length, 1100, at);
  assert.equal(v.many_keys.k1099, 1099, at);
  assert.equal(v.shared[0], v.shared[1], `${at}: shared reference`);
  assert.ok(v.int_keys instanceof Map, at);
  assert.equal(v.int_keys.get(1), 'x', at);
}

for (let proto = 0; proto <= 5; proto++) {
  test(`unpickles Python's protocol ${proto}`, () => {
    const bytes = readFileSync(join(fixtures, 'pickles', `proto${proto}.pkl`));
    const r = unpickle(bytes);
    assert.equal(r.end, bytes.length);
    checkPlain(r.value, proto);
  });
}

test('pickle() round-trips through unpickle()', () => {
  const shared = [7, 8];
  const value = {
    int: 1, neg: -300, big: 2n ** 100n, neg_big: -(2n ** 64n), f: 1.5, fi: pyFloat(2), s: 'h\u00e9llo',
    bytes: new Uint8Array([0, 255]), empty: new Uint8Array(0), list: [1, [2]], tuple: pyTuple([1, 2, 3, 4]),
    none: null, bool: [true, false], od: orderedDict([['b', 1], ['a', 2]]), set: new Set([1]),
    long_list: Array.from({ length: 2500 }, (_, i) => i), shared: [shared, shared],
    map: new Map<unknown, unknown>([[1, 'x'], ['1', 'y']]),
  };
  // `__proto__` as a real key (JSON.parse-like object)
  const withProto = JSON.parse('{"__proto__": 5}');
  (value as Record<string, unknown>).proto = withProto;
  const v = unpickle(pickle(value)).value as any;
  assert.equal(v.big, 2n ** 100n);
  assert.equal(v.fi, 2);
  assert.deepEqual(v.tuple, [1, 2, 3, 4]);
  assert.deepEqual(v.empty, new Uint8Array(0));
  assert.ok(isOrderedDict(v.od));
  assert.deepEqual(Object.entries(v.od), [['b', 1], ['a', 2]]);
  assert.equal(v.long_list.length, 2500);
  assert.equal(v.shared[0], v.shared[1]);
  assert.deepEqual([...v.map], [[1, 'x'], ['1', 'y']]);
  assert.ok(Object.hasOwn(v.proto, '__proto__'));
  assert.equal(v.proto.__proto__, 5);
  const obj = new PyObject('mmcv.utils.config.ConfigDict', [], 'newobj');
  obj.dictItems = new Map([['a', 1]]);
  obj.state = { filename: 'x.py' };
  const o = unpickle(pickle({ o: obj })).value as any;
  assert.ok(o.o instanceof PyObject);
  assert.equal(o.o.__class__, 'mmcv.utils.config.ConfigDict');
  assert.deepEqual([...o.o.dictItems], [['a', 1]]);
  assert.deepEqual(o.o.state, { filename: 'x.py' });
});

test('int encoding matches Python (encode_long / decode_long)', () => {
  for (const v of [0n, 1n, -1n, 127n, 128n, -128n, -129n, 255n, 256n, 2n ** 63n, -(2n ** 63n), 2n ** 100n]) {
    const b = encodeLong(v);
    assert.equal(BigInt(decodeLong(b)), v);
  }
  assert.deepEqual(encodeLong(255n), new Uint8Array([255, 0]));
  assert.deepEqual(encodeLong(-128n), new Uint8Array([128]));
});

test('bad pickles fail with the offset and the problem', () => {
  const good = pickle({ a: [1, 2, 3] });
  assert.throws(() => unpickle(good.subarray(0, good.length - 4)), (e: unknown) =>
    e instanceof PickleError && e.truncated && /truncated pickle/.test(e.message));
  assert.throws(() => unpickle(new Uint8Array([0x80, 0x02, 0xff])), /unsupported pickle opcode 0xff at offset 2/);
  assert.throws(() => unpickle(new Uint8Array([0x80, 0x09])), /unsupported pickle protocol 9/);
  assert.throws(() => unpickle(new Uint8Array([0x80, 0x02, 0x68, 0x05, 0x2e])), /memo key 5 not found at offset 2/);
  assert.throws(() => unpickle(new Uint8Array([0x80, 0x02, 0x2e])), /stack underflow at offset 2/);
  assert.throws(() => unpickle(new Uint8Array([0x80, 0x02, 0x4e, 0x51, 0x2e])), /persistent id at offset 3 but no persistent_load/);
  assert.throws(() => unpickle(new Uint8Array([])), /truncated pickle: ended at offset 0/);
  assert.throws(() => pickle({ f: () => 1 }), /cannot save f: a function/);
  assert.throws(() => pickle({ a: [{ d: new Date() }] }), /cannot save a\[0\]\.d: a Date/);
  assert.throws(() => pickle({ n: Symbol('x') }), /cannot save n: a symbol/);
});

for (const proto of [2, 4, 5]) {
  test(`loadPickle: a skeleton annotation file (numpy arrays, protocol ${proto}) and ndarrayToTensor`, () => {
    const expected = JSON.parse(readFileSync(join(fixtures, 'pickles', 'annotations.json'), 'utf8'));
    const anno = loadPickle(join(fixtures, 'pickles', `annotations_proto${proto}.pkl`));
    assert.equal(anno.length, 1);
    const a = anno[0];
    assert.equal(a.frame_dir, 'S001C001P001R001A001');
    assert.deepEqual(a.img_shape, [1080, 1920]);
    assert.ok(a.keypoint instanceof NdArray);
    assert.equal(a.keypoint.dtype.descr, '<f2');
    const kp = ndarrayToTensor(a.keypoint);
    assert.equal(kp.dtype, 'float16');
    assert.deepEqual(kp.shape, [1, 3, 17, 2]);
    assert.deepEqual(Array.from(kp.toTypedArray() as Float32Array), expected.keypoint);
    const score = ndarrayToTensor(a.keypoint_score);
    assert.deepEqual(score.shape, [1, 3, 17]);
    assert.deepEqual(Array.from(score.toTypedArray() as Float32Array), expected.keypoint_score, 'Fortran order reordered');
    assert.deepEqual(Array.from(ndarrayToTensor(a.ids).toTypedArray() as Int32Array), expected.ids, 'big-endian swapped');
  });
}

test('loadPickle names the file in errors', () => {
  assert.throws(() => loadPickle('/nonexistent/x.pkl'), /\/nonexistent\/x\.pkl: no such file/);
  assert.throws(() => loadPickle(join(fixtures, 'npy', 'f4.npy')), /f4\.npy: a \.npy file, not a pickle; use loadNpy/);
  assert.throws(() => loadPickle(join(fixtures, 'mixed.pth')), /mixed\.pth: a zip archive, not a plain pickle/);
  assert.throws(() => loadPickle(join(fixtures, 'safetensors.json')), /safetensors\.json: .*pickle/);
});
