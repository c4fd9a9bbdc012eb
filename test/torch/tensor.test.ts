/** Tensor API: dtypes, data in/out, views, indexing, errors, scopes and memory. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { torch } from '../../src/index.ts';

/** A full GC (what --expose-gc gives), so that RSS shows leaks, not garbage waiting for collection. */
function fullGc(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

test('every dtype round-trips through typed arrays', () => {
  const cases: [torch.DType, number[]][] = [
    ['float32', [1.5, -2, 3.25]], ['float64', [1e-300, -2, 3.5]], ['int32', [1, -2, 2147483647]],
    ['int16', [1, -2, 32767]], ['int8', [1, -2, 127]], ['uint8', [0, 200, 255]], ['bool', [1, 0, 1]],
    ['float16', [1.5, -2, 0.0999755859375]], ['bfloat16', [1.5, -2, 3]],
  ];
  for (const [dt, vals] of cases) {
    const t = torch.tensor(vals, { dtype: dt });
    assert.equal(t.dtype, dt);
    assert.deepEqual(t.shape, [3]);
    const back = Array.from(t.toTypedArray() as ArrayLike<number>);
    assert.deepEqual(back, vals, dt);
  }
  const l = torch.tensor([1, 2, 3]);
  assert.equal(l.dtype, 'int64');
  assert.deepEqual(Array.from(l.toTypedArray() as BigInt64Array), [1n, 2n, 3n]);
  assert.equal(torch.tensor([true, false]).dtype, 'bool');
  assert.equal(torch.tensor([0.5, 1]).dtype, 'float32');
});

test('nested arrays, scalars and item()', () => {
  const t = torch.tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float32' });
  assert.deepEqual(t.shape, [2, 3]);
  assert.deepEqual(t.toArray(), [[1, 2, 3], [4, 5, 6]]);
  assert.equal(t.sum().item(), 21);
  assert.equal(torch.tensor(7).item(), 7);
  assert.deepEqual(torch.tensor(7).shape, []);
  assert.throws(() => torch.tensor([[1, 2], [3]]), /ragged/);
  assert.throws(() => t.item(), /cannot be converted to Scalar/);
});

test('fromTypedArray copies; dataView aliases', () => {
  const src = new Float32Array([1, 2, 3, 4]);
  const t = torch.fromTypedArray(src, [2, 2]);
  src[0] = 100;
  assert.equal(t.toArray()[0][0], 1, 'fromTypedArray copies');
  const view = t.dataView() as Float32Array;
  view[3] = 42;
  assert.equal(t.toArray()[1][1], 42, 'dataView writes through');
  assert.throws(() => torch.fromTypedArray(new Float32Array(3), [2, 2]), /needs 16 bytes, buffer has 12/);
  assert.throws(() => t.transpose(0, 1).dataView(), /contiguous/);
});

test('views share storage; strides and offsets are PyTorch\'s', () => {
  const base = torch.arange(12).reshape(3, 4);
  const v = base.index('1:', '::2');
  assert.deepEqual(v.shape, [2, 2]);
  assert.deepEqual(v.stride(), [4, 2]);
  assert.equal(v.storageOffset(), 4);
  assert.equal(v.storageKey(), base.storageKey());
  assert.deepEqual(v.toArray(), [[4, 6], [8, 10]]);
  v.fill_(-1);
  assert.deepEqual(base.toArray()[1], [-1, 5, -1, 7]);
  assert.equal(base.transpose(0, 1).isContiguous(), false);
  assert.equal(base.transpose(0, 1).contiguous().isContiguous(), true);
  const s = torch.Tensor.fromBytes(new Uint8Array(new Float32Array([0, 1, 2, 3, 4, 5]).buffer), 'float32', [6]);
  assert.deepEqual(s.asStrided([2, 2], [1, 2], 1).toArray(), [[1, 3], [2, 4]]);
});

test('indexing like Python', () => {
  const x = torch.arange(24).reshape(2, 3, 4);
  assert.deepEqual(x.index(1, 2).toArray(), [20, 21, 22, 23]);
  assert.deepEqual(x.index('...', 0).toArray(), [[0, 4, 8], [12, 16, 20]]);
  assert.deepEqual(x.index(0, null, 0).shape, [1, 4]);
  assert.deepEqual(x.index(':', -1, '-2:').toArray(), [[10, 11], [22, 23]]);
  assert.deepEqual(x.index(torch.tensor([1, 0]), 0, 0).toArray(), [12, 0]);
  assert.deepEqual(x.index(0).index(x.index(0).gt(9)).toArray(), [10, 11]);
  assert.throws(() => x.index('1:2:0'), /step must be positive/);
});

test('libtorch errors become JS exceptions with libtorch\'s message', () => {
  const a = torch.zeros([2, 3]);
  assert.throws(() => a.add(torch.zeros([4])), /size of tensor a \(3\) must match the size of tensor b \(4\)/);
  assert.throws(() => a.matmul(torch.zeros([2, 3])), /cannot be multiplied/);
  assert.throws(() => a.view(7), /invalid for input of size 6/);
  assert.throws(() => torch.F.conv2d(a, torch.zeros([1, 1, 3, 3])), /Expected 3D \(unbatched\) or 4D \(batched\) input|expected.*4/i);
  assert.throws(() => a.to('float128' as torch.DType), /unknown dtype 'float128'/);
  assert.throws(() => torch.zeros([-1]), /negative dimension|Trying to create tensor with negative dimension/);
});

test('disposed tensors throw on use; dispose is idempotent', () => {
  const t = torch.ones([3]);
  t.dispose();
  t.dispose();
  assert.equal(t.isDisposed, true);
  assert.throws(() => t.sum(), /disposed tensor/);
});

test('tidy frees intermediates and keeps results; keep() escapes', () => {
  const before = torch.memory().liveHandles;
  let kept!: torch.Tensor;
  const out = torch.tidy(() => {
    const a = torch.ones([100]);
    const b = a.mul(2).add(1);
    kept = torch.keep(a.sub(1));
    return { sum: b.sum(), list: [b] };
  });
  assert.equal(out.sum.item(), 300);
  assert.equal(out.list[0].isDisposed, false);
  assert.equal(kept.isDisposed, false);
  out.sum.dispose(); out.list[0].dispose(); kept.dispose();
  assert.equal(torch.memory().liveHandles, before);
  assert.throws(() => torch.tidy((async () => torch.ones([1])) as unknown as () => torch.Tensor), /async/);
});

test('memory told to V8: tensors count once they leave every tidy scope, not while a scope will free them', () => {
  const counted = () => torch.memory().countedBytes;
  const c0 = counted();
  const outside = torch.zeros([1000]); // 4000 bytes, no scope: only the GC or dispose() frees it
  assert.equal(counted() - c0, 4000);
  let inner = -1, kept!: torch.Tensor;
  const out = torch.tidy(() => {
    const a = torch.zeros([2000]);
    const b = torch.tidy(() => a.add(1)); // returned to the outer scope: still scope-managed
    kept = torch.keep(torch.zeros([500])); // keep(): leaves the scopes now
    inner = counted() - c0;
    return b.add(a);
  });
  assert.equal(inner, 4000 + 2000, 'a, b and the sum are not counted inside the scopes; the kept one is');
  assert.equal(counted() - c0, 4000 + 2000 + 8000, 'the result escapes the outermost tidy');
  out.dispose(); kept.dispose(); outside.dispose();
  assert.equal(counted(), c0);
  // A tensor that fills the slack is told to V8 beyond it.
  const m0 = torch.memory();
  const big = torch.zeros([80 * 2 ** 20]); // 320 MB
  const m1 = torch.memory();
  assert.equal(m1.countedBytes - m0.countedBytes, 320 * 2 ** 20);
  assert.equal(m1.toV8Bytes, Math.max(0, m1.countedBytes - 256 * 2 ** 20));
  big.dispose();
  assert.equal(torch.memory().toV8Bytes, m0.toV8Bytes);
});

test('`using` disposes at the end of the block', () => {
  let ref: torch.Tensor;
  {
    using t = torch.ones([2]);
    ref = t;
    assert.equal(ref.isDisposed, false);
  }
  assert.equal(ref.isDisposed, true);
});

test('autograd: grad accumulation, noGrad, requiresGrad_, retainGraph, detach', () => {
  const w = torch.tensor([1, 2, 3], { dtype: 'float32', requiresGrad: true });
  const y = w.mul(w).sum();
  y.backward(undefined, { retainGraph: true });
  y.backward();
  assert.deepEqual(w.grad!.toArray(), [4, 8, 12], 'gradients accumulate over two backward calls');
  const z = torch.noGrad(() => w.mul(2));
  assert.equal(z.requiresGrad, false);
  assert.equal(torch.isGradEnabled(), true);
  assert.match(w.mul(2).gradFn ?? '', /^MulBackward/);
  assert.equal(w.mul(2).detach().requiresGrad, false);
  assert.throws(() => y.backward(), /backward through the graph a second time/);
});

test('to() converts dtype and device names; cuda is reported', () => {
  const t = torch.tensor([1.7, -1.2]);
  assert.deepEqual(t.to('int32').toArray(), [1, -1]);
  assert.equal(t.to('float64').dtype, 'float64');
  assert.equal(t.to('cpu').device, 'cpu');
  assert.equal(typeof torch.cuda.isAvailable(), 'boolean');
  if (!torch.cuda.isAvailable()) assert.throws(() => t.to('cuda'), /CUDA|cuda/);
});

test('threads can be set and read', () => {
  const n = torch.getNumThreads();
  torch.setNumThreads(2);
  assert.equal(torch.getNumThreads(), 2);
  torch.setNumThreads(n);
  assert.throws(() => torch.setNumThreads(0), /at least 1/);
});

test('a training loop runs in flat memory (native handles and RSS)', async () => {
  const net = new torch.nn.Sequential(new torch.nn.Conv2d(3, 8, 3, { padding: 1 }), new torch.nn.BatchNorm2d(8),
    new torch.nn.ReLU(), new torch.nn.AdaptiveAvgPool2d(1), new torch.nn.Flatten(), new torch.nn.Linear(8, 4));
  const opt = new torch.optim.SGD(net.parameters(), { lr: 0.01, momentum: 0.9 });
  const x = torch.randn([4, 3, 16, 16]);
  const y = torch.tensor([0, 1, 2, 3]);
  const step = () => torch.tidy(() => {
    opt.zeroGrad();
    const loss = torch.F.crossEntropy(net.call(x), y);
    loss.backward();
    opt.step();
  });
  // Like a real training loop, which awaits its data loader: N-API runs the finalizers of collected
  // handles between event-loop turns, so a loop that never yields would hold their small records.
  const run = async (n: number) => {
    for (let i = 0; i < n; i++) {
      step();
      if (i % 100 === 99) await new Promise((r) => setImmediate(r));
    }
  };
  const settle = async () => { fullGc(); await new Promise((r) => setImmediate(r)); await new Promise((r) => setImmediate(r)); };
  // The first pass sets the allocator's high-water mark (collected handles are freed in batches).
  await run(3000);
  await settle();
  const handles = torch.memory().liveHandles;
  const rss0 = process.memoryUsage().rss;
  await run(6000);
  await settle();
  assert.equal(torch.memory().liveHandles, handles, 'no native handle leaks per iteration');
  const grownMB = (process.memoryUsage().rss - rss0) / 2 ** 20;
  assert.ok(grownMB < 10, `RSS grew by ${grownMB.toFixed(1)} MB over 6000 iterations`); // a 2 KB/iteration leak would add 12 MB
});
