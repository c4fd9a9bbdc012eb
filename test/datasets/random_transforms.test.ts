// Seeded random transforms against MMAction2's draw sequences (numpy legacy RandomState +
// Python random after `np.random.seed(s); random.seed(s)`): crop boxes, float32 quadruples,
// flips, rescale sizes. Goldens: test/fixtures/pipelines/gen_random.py.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildTransform } from '../../src/datasets/pipelines/index.ts';
import { ImageBatch, type Results } from '../../src/datasets/pipelines/types.ts';
import { PipelineRandom } from '../../src/datasets/rng.ts';
import { readJson } from './fixtures.ts';

interface Case { name: string; chain: Record<string, unknown>[]; input_wh: [number, number]; seed: number; steps: Record<string, unknown>[] }
const cases = readJson<Case[]>('random_transforms.json');

test(`random transforms: ${cases.length} seeded chains equal MMAction2's draws`, () => {
  assert.ok(cases.length >= 200);
  let flips = 0;
  for (const c of cases) {
    const ctx = { rng: new PipelineRandom(c.seed) };
    const r: Results = { img_shape: [c.input_wh[1], c.input_wh[0]], modality: 'RGB' };
    c.chain.forEach((cfg, i) => {
      buildTransform(cfg).call(r, ctx);
      const want = c.steps[i]!;
      const at = `${c.name} ${c.input_wh} seed ${c.seed} step ${i}`;
      if ('crop_bbox' in want) {
        assert.deepEqual(r.crop_bbox, want.crop_bbox, at);
        assert.deepEqual(Array.from(r.crop_quadruple!), want.crop_quadruple, at);
      }
      if ('flip' in want) {
        assert.equal(r.flip, want.flip, at);
        if (r.flip) flips++;
      }
      if ('short_edge' in want) {
        assert.equal(r.short_edge, want.short_edge, at);
        assert.deepEqual(r.img_shape, want.img_shape, at);
      }
    });
  }
  assert.ok(flips > 20 && flips < cases.length);
});

test('random crops on pixels: the crop box selects those pixels; Flip mirrors and Flow x is inverted', () => {
  const b = ImageBatch.alloc(2, 8, 10, 1);
  b.data.forEach((_, i) => (b.data[i] = i % 80));
  const r: Results = { imgs: b, modality: 'Flow' };
  const ctx = { rng: new PipelineRandom(5) };
  buildTransform({ type: 'RandomCrop', size: 4 }).call(r, ctx);
  const [x, y] = r.crop_bbox as number[];
  const out = r.imgs as ImageBatch;
  assert.equal(out.frame(0)[0], y! * 10 + x!);
  buildTransform({ type: 'Flip', flip_ratio: 1 }).call(r, ctx);
  const f = r.imgs as ImageBatch;
  assert.equal(f.frame(0)[0], 255 - (y! * 10 + x! + 3)); // x-flow: mirrored then inverted
  assert.equal(f.frame(1)[0], y! * 10 + x! + 3); // y-flow: mirrored only
  assert.throws(() => buildTransform({ type: 'Flip', direction: 'vertical' }).call({ imgs: b, modality: 'Flow' }, ctx), /only horizontal/);
});

test('lazy crop + resize + flip then Fuse equals the eager chain', () => {
  const mk = () => {
    const b = ImageBatch.alloc(1, 32, 40, 3);
    b.data.forEach((_, i) => (b.data[i] = (i * 7) % 251));
    return b;
  };
  const chain = (lazy: boolean) => [
    { type: 'MultiScaleCrop', input_size: 24, scales: [1, 0.875, 0.75], lazy },
    { type: 'Resize', scale: [24, 24], keep_ratio: false, lazy },
    { type: 'Flip', flip_ratio: 1, lazy },
    ...(lazy ? [{ type: 'Fuse' }] : []),
  ];
  for (const seed of [0, 1, 2, 3]) {
    const run = (lazy: boolean) => {
      const ctx = { rng: new PipelineRandom(seed) };
      const r: Results = { imgs: mk(), modality: 'RGB' };
      for (const c of chain(lazy)) buildTransform(c).call(r, ctx);
      return r;
    };
    const eager = run(false);
    const lazy = run(true);
    assert.deepEqual(lazy.img_shape, eager.img_shape);
    assert.deepEqual((lazy.imgs as ImageBatch).data, (eager.imgs as ImageBatch).data, `seed ${seed}`);
    assert.ok(!('lazy' in lazy));
  }
});
