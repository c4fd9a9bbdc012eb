// Datasets and DataLoader on synthetic PNG frame folders written in the test setup: in video
// k the blue channel is 10 * k (so every batch tells which samples it holds) and red/green
// are x/y gradients (so crops and flips show in the pixels).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import sharp from 'sharp';
import { buildDataloader, buildDataset, collate, type DatasetLike } from '../../src/datasets/index.ts';
import { NDArray } from '../../src/datasets/pipelines/types.ts';

let root = '';
const N = 10;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'mmaction-loader-'));
  for (let k = 0; k < N; k++) {
    const dir = join(root, `vid${k}`);
    mkdirSync(dir);
    for (let f = 1; f <= 4; f++) {
      const px = Buffer.alloc(16 * 20 * 3);
      for (let y = 0; y < 16; y++) for (let x = 0; x < 20; x++) px.set([x * 12 + f, y * 15, 10 * k], (y * 20 + x) * 3);
      await sharp(px, { raw: { width: 20, height: 16, channels: 3 } }).png().toFile(join(dir, `img_${String(f).padStart(5, '0')}.png`));
    }
  }
  writeFileSync(join(root, 'train.txt'), Array.from({ length: N }, (_, k) => `vid${k} 4 ${k % 3}`).join('\n') + '\n');
  writeFileSync(join(root, 'broken.txt'), 'vid0 4 0\nmissing_dir 4 1\nvid2 4 2\n');
});
after(() => rmSync(root, { recursive: true, force: true }));

const pipeline = (extra: Record<string, unknown>[] = []) => [
  { type: 'SampleFrames', clip_len: 2, frame_interval: 1, num_clips: 1 },
  { type: 'RawFrameDecode' },
  { type: 'RandomCrop', size: 12 },
  { type: 'Flip', flip_ratio: 0.5 },
  ...extra,
  { type: 'Normalize', mean: [0, 0, 0], std: [1, 1, 1], to_bgr: false },
  { type: 'FormatShape', input_format: 'NCTHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs', 'label'] },
];

const dataset = (ann = 'train.txt', p = pipeline()): DatasetLike => buildDataset({
  type: 'RawframeDataset', ann_file: join(root, ann), data_prefix: root, pipeline: p, filename_tmpl: 'img_{:05}.png',
});

async function epochIds(ds: DatasetLike, workers: number, seed = 3, shuffle = true): Promise<{ ids: number[]; shapes: number[][] }> {
  const loader = buildDataloader(ds, { videos_per_gpu: 3, workers_per_gpu: workers, shuffle, seed, tensors: false });
  const ids: number[] = [];
  const shapes: number[][] = [];
  for await (const batch of loader) {
    const imgs = batch.imgs as NDArray;
    shapes.push(imgs.shape);
    const per = imgs.data.length / imgs.shape[0]!;
    for (let b = 0; b < imgs.shape[0]!; b++) ids.push(Number(imgs.data[b * per + 2 * 2 * 12 * 12]!) / 10); // blue plane
    const label = batch.label as unknown as NDArray;
    assert.deepEqual(label.shape, [imgs.shape[0], 1]);
  }
  return { ids, shapes };
}

test('RawframeDataset parses the list; prepare() gives MMAction2 keys', async () => {
  const ds = dataset();
  assert.equal(ds.length, N);
  const r = await ds.prepare(4, { seed: 1 });
  assert.deepEqual(Object.keys(r).sort(), ['imgs', 'label']);
  assert.deepEqual((r.imgs as NDArray).shape, [1, 3, 2, 12, 12]);
});

test('DataLoader: every sample exactly once per epoch, in batches, shuffled by seed', async () => {
  const a = await epochIds(dataset(), 0);
  assert.deepEqual([...a.ids].sort((x, y) => x - y), Array.from({ length: N }, (_, i) => i));
  assert.deepEqual(a.shapes.map((s) => s[0]), [3, 3, 3, 1]);
  assert.notDeepEqual(a.ids, Array.from({ length: N }, (_, i) => i));
  const plain = await epochIds(dataset(), 0, 3, false);
  assert.deepEqual(plain.ids, Array.from({ length: N }, (_, i) => i));
});

test('DataLoader with 2 worker threads: same order and same augmented pixels as in-process', async () => {
  const ds = dataset();
  const mk = (w: number) => buildDataloader(ds, { videos_per_gpu: 4, workers_per_gpu: w, shuffle: true, seed: 11, tensors: false });
  const collect = async (w: number) => {
    const out: number[][] = [];
    for await (const b of mk(w)) out.push(Array.from((b.imgs as NDArray).data as Float32Array));
    return out;
  };
  const inProcess = await collect(0);
  assert.deepEqual(await collect(2), inProcess);
  // crops and flips really vary between samples (red plane, first pixel of each sample)
  const per = 3 * 2 * 12 * 12;
  const firsts = new Set(inProcess.flatMap((b) => Array.from({ length: b.length / per }, (_, i) => b[i * per])));
  assert.ok(firsts.size > 2, `first pixels ${[...firsts]}`);
});

test('DataLoader tensors: batch imgs is a float32 Tensor [B, 1, 3, 2, 12, 12], label int64 [B, 1]', async () => {
  const loader = buildDataloader(dataset(), { videos_per_gpu: 5, workers_per_gpu: 1, shuffle: false, seed: 0 });
  let n = 0;
  for await (const batch of loader) {
    const imgs = batch.imgs as any;
    assert.deepEqual(imgs.shape, [5, 1, 3, 2, 12, 12]);
    assert.equal(imgs.dtype, 'float32');
    assert.equal((batch.label as any).dtype, 'int64');
    assert.deepEqual(Array.from((batch.label as any).toTypedArray() as BigInt64Array, Number), n === 0 ? [0, 1, 2, 0, 1] : [2, 0, 1, 2, 0]);
    n++;
  }
  assert.equal(n, 2);
});

test('a broken sample fails the epoch with its path (worker thread), or is skipped when asked', async () => {
  const ds = dataset('broken.txt');
  const strict = buildDataloader(ds, { videos_per_gpu: 3, workers_per_gpu: 1, shuffle: false, tensors: false });
  await assert.rejects(async () => {
    for await (const _ of strict) { /* consume */ }
  }, /worker 0: sample .*missing_dir: .*frame file not found: .*missing_dir\/img_0000\d\.png/);
  const logs: string[] = [];
  const lenient = buildDataloader(ds, { videos_per_gpu: 3, workers_per_gpu: 0, shuffle: false, tensors: false, skip_broken: true, log: (m) => logs.push(m) });
  const sizes: number[] = [];
  for await (const b of lenient) sizes.push((b.imgs as NDArray).shape[0]!);
  assert.deepEqual(sizes, [2]);
  assert.equal(logs.length, 1);
  assert.match(logs[0]!, /missing_dir/);
});

test('DataLoader options: cfg.data keys accepted, typos rejected', () => {
  const ds = dataset();
  const l = buildDataloader(ds, { videos_per_gpu: 2, workers_per_gpu: 0, train: {}, val: {}, test: {} } as any);
  assert.equal(l.length, 5);
  assert.throws(() => buildDataloader(ds, { videos_per_gpu: 2, worker_per_gpu: 2 } as any), /unknown option 'worker_per_gpu' \(did you mean workers_per_gpu\?\)/);
});

test('annotation errors name the file and line', () => {
  writeFileSync(join(root, 'bad.txt'), 'vid0 4 0\n\nvid1 four 1\n');
  assert.throws(() => dataset('bad.txt'), /bad\.txt:3: total_frames must be an integer, got 'four'/);
  writeFileSync(join(root, 'bad2.txt'), 'vid0 4\n');
  assert.throws(() => dataset('bad2.txt'), /bad2\.txt:1: missing label/);
  assert.throws(() => dataset('nope.txt'), /nope\.txt: annotation file not found/);
  assert.throws(() => buildDataset({ type: 'RawFrameDataset', ann_file: 'x', pipeline: [] }), /unknown dataset type 'RawFrameDataset' \(did you mean RawframeDataset\?\)/);
});

test('RepeatDataset / ConcatDataset lengths and indexing; collate stacks and lists', async () => {
  const rep = buildDataset({ type: 'RepeatDataset', times: 3, dataset: { type: 'RawframeDataset', ann_file: join(root, 'train.txt'), data_prefix: root, pipeline: pipeline(), filename_tmpl: 'img_{:05}.png' } });
  assert.equal(rep.length, 3 * N);
  assert.equal(rep.describe(N + 2), join(root, 'vid2'));
  const cat = buildDataset({ type: 'ConcatDataset', datasets: [
    { type: 'RawframeDataset', ann_file: join(root, 'broken.txt'), data_prefix: root, pipeline: pipeline(), filename_tmpl: 'img_{:05}.png' },
    { type: 'RawframeDataset', ann_file: join(root, 'train.txt'), data_prefix: root, pipeline: pipeline(), filename_tmpl: 'img_{:05}.png' },
  ] });
  assert.equal(cat.length, 3 + N);
  assert.equal(cat.describe(3), join(root, 'vid0'));
  assert.equal(cat.describe(1), join(root, 'missing_dir'));
  const b = collate([{ a: 1, m: { x: 1 }, t: new NDArray(new Float32Array([1, 2]), [2]) }, { a: 2, m: { x: 2 }, t: new NDArray(new Float32Array([3, 4]), [2]) }]);
  assert.deepEqual((b.t as NDArray).shape, [2, 2]);
  assert.deepEqual(Array.from((b.a as NDArray).data as BigInt64Array, Number), [1, 2]);
  assert.deepEqual(b.m, [{ x: 1 }, { x: 2 }]);
});

test('DataLoader rank/world_size: the shards of an epoch are disjoint, padded like DistributedSampler, and cover it', async () => {
  const whole = buildDataloader(dataset(), { videos_per_gpu: 3, seed: 5 }).order();
  const shards = [0, 1, 2].map((rank) => buildDataloader(dataset(), { videos_per_gpu: 3, seed: 5, rank, world_size: 3 }));
  const orders = shards.map((l) => l.order());
  const per = Math.ceil(N / 3);
  for (const o of orders) assert.equal(o.length, per);
  assert.deepEqual(shards.map((l) => l.length), shards.map(() => Math.ceil(per / 3)));
  // rank r takes positions r, r+3, ... of the (padded) global order
  const padded = [...whole, ...whole].slice(0, per * 3);
  orders.forEach((o, r) => assert.deepEqual(o, padded.filter((_, i) => i % 3 === r)));
  assert.deepEqual(new Set(orders.flat()), new Set(whole));
  assert.throws(() => buildDataloader(dataset(), { videos_per_gpu: 1, rank: 2, world_size: 2 }), /rank must be an int in \[0, world_size = 2\), got 2/);
});
