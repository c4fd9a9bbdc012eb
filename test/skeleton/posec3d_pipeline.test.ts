/**
 * The PoseC3D pipelines (UniformSampleFrames, PoseDecode, PoseCompact, Resize / RandomResizedCrop /
 * CenterCrop / Flip on keypoints, GeneratePoseTarget, FormatShape) against MMAction2 0.24.1's
 * transforms re-implemented in numpy (test/fixtures/posec3d, written by
 * scripts/fixtures/gen_posec3d_pipeline.py) on a synthetic 2-person, 17-joint, 40-frame sample.
 *
 * LoadKineticsPose reads raw Kinetics pose pickles (float16 and float32) into the same float16
 * keypoints and person ranking. Sampling indices, boxes, flags and keypoints must match exactly (same dtype, every value bit
 * for bit). Heatmaps must have the same non-zero support and agree within 1e-6: numpy's float32
 * `np.exp` (a SIMD kernel) is up to 2 ulp off the correctly rounded value we compute, the rest of
 * the float32 expression is rounded step by step as numpy does.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { torch } from '../../src/index.ts';
import { Config } from '../../src/config/index.ts';
import { buildDataloader, buildDataset, buildTransform, NDArray, PipelineRandom, PoseDataset, type Results } from '../../src/datasets/index.ts';
import { loadNpy } from '../../src/datasets/npy.ts';
import { buildModel, type BaseRecognizer } from '../../src/models/index.ts';

const DIR = fileURLToPath(new URL('../fixtures/posec3d/', import.meta.url));
const ANN = join(DIR, 'ann.pkl');
const CONFIG = fileURLToPath(new URL('../../configs/skeleton/posec3d/slowonly_r50_u48_240e_ntu60_xsub_keypoint.ts', import.meta.url));
const LEFT_KP = [1, 3, 5, 7, 9, 11, 13, 15];
const RIGHT_KP = [2, 4, 6, 8, 10, 12, 14, 16];
/** Heatmap tolerance (absolute; the values are in [0, 1]). */
const HM_ATOL = 1e-6;

interface Sparse { name: string; shape: number[]; nnz: number; sum: number }
/* eslint-disable @typescript-eslint/no-explicit-any */
const C = JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as Record<string, any>;

const npy = (f: string) => loadNpy(join(DIR, f));
const sampleCfg = (clip_len: number, num_clips = 1, test_mode = true) => ({ type: 'UniformSampleFrames', clip_len, num_clips, test_mode });
const COMPACT = { type: 'PoseCompact', hw_ratio: 1.0, allow_imgpad: true };

async function prepare(pipeline: Record<string, unknown>[], seed?: number): Promise<Results> {
  const ds = new PoseDataset({ ann_file: ANN, pipeline });
  return ds.prepare(0, { seed });
}

/** Same dtype, same shape, every value identical (Object.is: NaN vs 0 and -0 vs 0 count). */
function assertSameArray(actual: unknown, expected: NDArray, what: string): void {
  assert.ok(actual instanceof NDArray, `${what}: not an array`);
  assert.equal(actual.data.constructor.name, expected.data.constructor.name, `${what}: dtype`);
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = actual.data as Float32Array, e = expected.data as Float32Array;
  const bad = a.findIndex((x, i) => !Object.is(x, e[i]));
  assert.equal(bad, -1, `${what}: element ${bad} is ${a[bad]}, numpy has ${e[bad]}`);
}

function denseHeatmap(h: Sparse): Float32Array {
  const idx = npy(`${h.name}_idx.npy`).data as Int32Array;
  const val = npy(`${h.name}_val.npy`).data as Float32Array;
  assert.equal(idx.length, h.nnz);
  const out = new Float32Array(h.shape.reduce((a, b) => a * b, 1));
  idx.forEach((i, k) => { out[i] = val[k]!; });
  return out;
}

/** Same shape and non-zero support; |a - e| <= HM_ATOL. Returns the largest difference. */
function assertHeatmap(data: ArrayLike<number>, shape: readonly number[], h: Sparse, what: string): number {
  assert.deepEqual([...shape], h.shape, `${what}: shape`);
  const e = denseHeatmap(h);
  assert.equal(data.length, e.length);
  let worst = 0, nnz = 0;
  for (let i = 0; i < e.length; i++) {
    const a = data[i]!;
    if (a !== 0) nnz++;
    if ((a !== 0) !== (e[i] !== 0)) assert.fail(`${what}: element ${i} is ${a}, numpy has ${e[i]} (support differs)`);
    const d = Math.abs(a - e[i]!);
    if (!(d <= worst)) worst = d;
  }
  assert.equal(nnz, h.nnz, `${what}: non-zeros`);
  assert.ok(worst <= HM_ATOL, `${what}: max |diff| ${worst} > ${HM_ATOL}`);
  return worst;
}

describe('UniformSampleFrames', () => {
  for (const c of C.sampling) {
    test(`${c.test_mode ? 'test' : 'train'}: ${c.total_frames} frames, clip_len ${c.clip_len} x ${c.num_clips}`, () => {
      const t = buildTransform({ type: 'UniformSampleFrames', clip_len: c.clip_len, num_clips: c.num_clips, test_mode: c.test_mode, seed: c.seed });
      const ctx = { rng: new PipelineRandom(c.rng_seed) };
      const r = t.call({ total_frames: c.total_frames, start_index: c.start_index }, ctx) as Results;
      assert.deepEqual(r.frame_inds, c.frame_inds);
      assert.deepEqual([r.clip_len, r.num_clips, r.frame_interval], [c.clip_len, c.num_clips, null]);
      // test mode re-seeds numpy's generator (MMAction2: np.random.seed on the global one)
      assert.equal(ctx.rng.np.rand(), c.next_rand, 'the next numpy draw');
    });
  }

  test('options and inputs are checked', () => {
    assert.throws(() => buildTransform({ type: 'UniformSampleFrames' }, 'data.train.pipeline[0]'), /data\.train\.pipeline\[0\] \(UniformSampleFrames\): missing required option 'clip_len'/);
    assert.throws(() => buildTransform({ type: 'UniformSampleFrames', clip_len: 8, num_clips: 2 }), /num_clips must be 1 when test_mode is False/);
    assert.throws(() => buildTransform({ type: 'UniformSampleFrames', clip_len: 8, seeds: 1 }), /unknown option 'seeds' \(did you mean seed\?\)/);
    const t = buildTransform(sampleCfg(8));
    const ctx = { rng: new PipelineRandom(0) };
    assert.throws(() => t.call({ total_frames: 0, start_index: 0 }, ctx), /total_frames must be a positive integer/);
    assert.throws(() => t.call({ total_frames: 10 }, ctx), /start_index must be an integer/);
  });
});

describe('PoseCompact', () => {
  for (const [i, c] of (C.compact as any[]).entries()) {
    test(`case ${i}: ${JSON.stringify(c.options)}`, async () => {
      const r = await prepare([sampleCfg(40), { type: 'PoseDecode' }, { type: 'PoseCompact', ...c.options }]);
      assertSameArray(r.keypoint, npy(c.keypoint), 'keypoint');
      assert.deepEqual(r.img_shape, c.img_shape);
      if (c.crop_quadruple === null) assert.equal(r.crop_quadruple, undefined);
      else assert.deepEqual(Array.from(r.crop_quadruple!), c.crop_quadruple);
    });
  }

  test('options and inputs are checked', () => {
    assert.throws(() => buildTransform({ type: 'PoseCompact', padding: -1 }), /padding must be a number >= 0/);
    assert.throws(() => buildTransform({ type: 'PoseCompact', hw_ratio: [1, 2, 3] }), /hw_ratio must be a positive float, a \(min, max\) pair or None/);
    const t = buildTransform(COMPACT);
    assert.throws(() => t.call({ keypoint: new NDArray(new Float32Array(4), [1, 1, 2, 2]) }, { rng: new PipelineRandom(0) }), /PoseCompact: results\.img_shape must be \(h, w\)/);
    assert.throws(() => t.call({ img_shape: [10, 10] }, { rng: new PipelineRandom(0) }), /PoseCompact: results\.keypoint must be a float array \[M, T, V, C\] \(run PoseDecode first\)/);
  });
});

describe('GeneratePoseTarget', () => {
  for (const [i, c] of (C.heatmap as any[]).entries()) {
    test(`case ${i}: ${c.crop ? 'float64 keypoints (after a crop)' : 'float32 keypoints'}, ${JSON.stringify(c.options)}`, async (t) => {
      const geo: Record<string, unknown>[] = [sampleCfg(4), { type: 'PoseDecode' }, COMPACT, { type: 'Resize', scale: [-1, 48] }];
      if (c.crop) geo.push({ type: 'CenterCrop', crop_size: 40 });
      const r = await prepare(geo);
      assert.equal((r.keypoint as NDArray).data.constructor.name, c.keypoint_dtype === 'float64' ? 'Float64Array' : 'Float32Array');
      assert.deepEqual(r.img_shape, c.img_shape);
      const ctx = { rng: new PipelineRandom(i) };
      const out = buildTransform({ type: 'GeneratePoseTarget', ...c.options }).call(r, ctx) as Results;
      const imgs = out.imgs as NDArray;
      assert.ok(imgs.data instanceof Float32Array);
      t.diagnostic(`max |diff| ${assertHeatmap(imgs.data, imgs.shape, c.heatmap, 'imgs')}`);
      assert.equal(ctx.rng.np.rand(), c.next_rand, 'double=True draws np.random.rand() for its Flip, as MMAction2 does');
    });
  }

  test('options and inputs are checked', () => {
    assert.throws(() => buildTransform({ type: 'GeneratePoseTarget', with_kp: false }), /At least one of "with_limb" and "with_kp" should be set as True/);
    assert.throws(() => buildTransform({ type: 'GeneratePoseTarget', skeletons: [[0, 1, 2]] }), /skeletons must be a list of \(joint, joint\) pairs/);
    const t = buildTransform({ type: 'GeneratePoseTarget' });
    const ctx = { rng: new PipelineRandom(0) };
    const kp = new NDArray(new Float32Array([NaN, 3]), [1, 1, 1, 2]);
    assert.throws(() => t.call({ keypoint: kp, img_shape: [8, 8] }, ctx), /keypoint coordinate x = NaN cannot be drawn .*PoseCompact/);
    assert.throws(() => t.call({ keypoint: kp, img_shape: [8.5, 8] }, ctx), /img_shape must be a positive \(h, w\)/);
    const lim = buildTransform({ type: 'GeneratePoseTarget', with_limb: true });
    assert.throws(() => lim.call({ keypoint: new NDArray(new Float32Array(10), [1, 1, 5, 2]), img_shape: [8, 8] }, ctx), /limb \[0,5\] refers to a joint >= 5/);
  });
});

describe('geometric transforms move keypoints', () => {
  test('the test pipeline of the config (10 clips of 48) up to CenterCrop(64): indices, box, keypoints (float64)', async () => {
    const g = C.test_geometry;
    const r = await prepare([sampleCfg(48, 10), { type: 'PoseDecode' }, COMPACT, { type: 'Resize', scale: [-1, 64] }, { type: 'CenterCrop', crop_size: 64 }]);
    assert.deepEqual(r.frame_inds, g.frame_inds);
    assert.deepEqual([r.img_shape, r.crop_bbox, Array.from(r.crop_quadruple!), Array.from(r.scale_factor!)], [g.img_shape, g.crop_bbox, g.crop_quadruple, g.scale_factor]);
    const kp = r.keypoint as NDArray<Float64Array>;
    assert.deepEqual(kp.shape, g.keypoint_shape);
    const first = new Float64Array(2 * 96 * 17 * 2);
    for (let p = 0; p < 2; p++) first.set(kp.data.subarray(p * 480 * 34, p * 480 * 34 + 96 * 34), p * 96 * 34);
    assertSameArray(new NDArray(first, [2, 96, 17, 2]), npy(g.keypoint), 'keypoint (first two clips)');
  });

  for (const c of C.train_geometry as any[]) {
    test(`the train pipeline of the config up to Flip, seed ${c.seed}: RandomResizedCrop box ${JSON.stringify(c.crop_bbox)}, flip ${c.flip}`, async () => {
      const r = await prepare([sampleCfg(48, 1, false), { type: 'PoseDecode' }, COMPACT, { type: 'Resize', scale: [-1, 64] },
        { type: 'RandomResizedCrop', area_range: [0.56, 1.0] }, { type: 'Resize', scale: [56, 56], keep_ratio: false },
        { type: 'Flip', flip_ratio: 0.5, left_kp: LEFT_KP, right_kp: RIGHT_KP }], c.seed);
      assert.deepEqual(r.frame_inds, c.frame_inds);
      assert.deepEqual([r.crop_bbox, r.flip, r.img_shape], [c.crop_bbox, c.flip, c.img_shape]);
      assert.deepEqual([Array.from(r.crop_quadruple!), Array.from(r.scale_factor!)], [c.crop_quadruple, c.scale_factor]);
      assertSameArray(r.keypoint, npy(c.keypoint), 'keypoint');
      assertSameArray(r.keypoint_score, npy(c.keypoint_score), 'keypoint_score (joints reordered by the flip)');
    });
  }
  test('the seeds above cover both flip outcomes', () => {
    assert.deepEqual(new Set(C.train_geometry.map((c: any) => c.flip)), new Set([true, false]));
  });

  test('RandomCrop and MultiScaleCrop shift keypoints by their box; lazy transforms refuse keypoints', async () => {
    const base = [sampleCfg(4), { type: 'PoseDecode' }, COMPACT, { type: 'Resize', scale: [-1, 64] }];
    const before = (await prepare(base)).keypoint as NDArray<Float32Array>;
    for (const crop of [{ type: 'RandomCrop', size: 48 }, { type: 'MultiScaleCrop', input_size: 40, scales: [1, 0.8], random_crop: true }]) {
      const r = await prepare([...base, crop], 3);
      const [x, y] = r.crop_bbox as number[];
      const kp = r.keypoint as NDArray;
      assert.ok(kp.data instanceof Float64Array, `${crop.type}: float64 like numpy's float32 - int64`);
      assert.deepEqual(Array.from(kp.data), Array.from(before.data, (v, i) => v - (i % 2 === 0 ? x! : y!)));
    }
    await assert.rejects(prepare([...base, { type: 'Resize', scale: [-1, 32], lazy: true }]), /Resize: Keypoint Augmentations are not compatible with lazy == True/);
    await assert.rejects(prepare([...base, { type: 'Flip', direction: 'vertical' }]), /Flip: Only horizontal flips are supported for human keypoints/);
    await assert.rejects(prepare([...base, { type: 'Flip', flip_ratio: 1, left_kp: [1], right_kp: [17] }]), /Flip: left_kp\/right_kp index 17 is out of range for 17 keypoints/);
  });
});

describe('LoadKineticsPose', () => {
  for (const [i, c] of (C.kinetics as any[]).entries()) {
    test(`case ${i}: ${c.file}, ${JSON.stringify(c.options)}${Object.keys(c.extra).length ? ` with ${Object.keys(c.extra).join(', ')}` : ''}`, () => {
      const extra = Object.fromEntries(Object.entries(c.extra as Record<string, number[]>).map(([k, v]) =>
        [k, k === 'anno_inds' ? new NDArray(BigInt64Array.from(v, BigInt), [v.length]) : new NDArray(Float64Array.from(v), [v.length])]));
      const results: Results = {
        filename: join(DIR, c.file), total_frames: 30, img_shape: [240, 340], label: 3,
        frame_inds: new NDArray(BigInt64Array.from(c.frame_inds as number[], BigInt), [c.frame_inds.length]) as unknown as number[], ...extra,
      };
      const r = buildTransform({ type: 'LoadKineticsPose', ...c.options }).call(results, { rng: new PipelineRandom(0) }) as Results;
      assert.deepEqual(Object.keys(r).sort(), ['img_shape', 'keypoint', 'keypoint_score', 'label', 'num_person', 'total_frames']);
      assert.deepEqual([r.total_frames, r.num_person], [c.total_frames, c.num_person]);
      assertSameArray(r.keypoint, npy(c.keypoint), 'keypoint (float16 values)');
      assertSameArray(r.keypoint_score, npy(c.keypoint_score), 'keypoint_score (float16 values)');
    });
  }

  test('options and inputs are checked', () => {
    assert.throws(() => buildTransform({ type: 'LoadKineticsPose', source: 'openpose-25' }), /Unknown source of Kinetics Pose 'openpose-25'/);
    assert.throws(() => buildTransform({ type: 'LoadKineticsPose', io_backend: 'petrel' }), /io_backend must be one of 'disk'/);
    const t = buildTransform({ type: 'LoadKineticsPose' });
    const ctx = { rng: new PipelineRandom(0) };
    const base = (): Results => ({ total_frames: 30, img_shape: [240, 340], frame_inds: [0, 1] });
    assert.throws(() => t.call({ ...base(), filename: join(DIR, 'missing.pkl') }, ctx), /missing\.pkl: no such file/);
    assert.throws(() => t.call({ ...base(), filename: join(DIR, 'ann.pkl') }, ctx), /ann\.pkl must hold a numpy array \[N, V, 3\]/);
    assert.throws(() => t.call({ ...base(), filename: join(DIR, 'kinetics_openpose.pkl') }, ctx), /7 poses in .*kinetics_openpose\.pkl but 2 frame_inds/);
  });
});

describe('whole PoseC3D pipelines', () => {
  test(`test pipeline (2 clips of 16, double heatmaps) through FormatShape, Collect and ToTensor: imgs ${JSON.stringify(C.test_pipeline.imgs.shape)}`, async (t) => {
    const ds = new PoseDataset({
      ann_file: ANN, test_mode: true, pipeline: [sampleCfg(16, 2), { type: 'PoseDecode' }, COMPACT, { type: 'Resize', scale: [-1, 64] },
        { type: 'CenterCrop', crop_size: 64 },
        { type: 'GeneratePoseTarget', sigma: 0.6, use_score: true, with_kp: true, with_limb: false, double: true, left_kp: LEFT_KP, right_kp: RIGHT_KP },
        { type: 'FormatShape', input_format: 'NCTHW' }, { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] }, { type: 'ToTensor', keys: ['imgs'] }],
    });
    const r = await ds.get(0);
    const imgs = r.imgs as torch.Tensor;
    assert.deepEqual(Object.keys(r).sort(), ['imgs', 'label']);
    assert.equal(imgs.dtype, 'float32');
    t.diagnostic(`max |diff| ${assertHeatmap(imgs.toTypedArray() as Float32Array, imgs.shape, C.test_pipeline.imgs, 'imgs')}`);
    imgs.dispose();
  });

  test(`train pipeline (clip_len 16), seed ${C.train_pipeline.seed}: imgs ${JSON.stringify(C.train_pipeline.imgs.shape)}, flip ${C.train_pipeline.flip}`, async (t) => {
    const r = await prepare([sampleCfg(16, 1, false), { type: 'PoseDecode' }, COMPACT, { type: 'Resize', scale: [-1, 64] },
      { type: 'RandomResizedCrop', area_range: [0.56, 1.0] }, { type: 'Resize', scale: [56, 56], keep_ratio: false },
      { type: 'Flip', flip_ratio: 0.5, left_kp: LEFT_KP, right_kp: RIGHT_KP },
      { type: 'GeneratePoseTarget', sigma: 0.6, use_score: true, with_kp: true, with_limb: false }, { type: 'FormatShape', input_format: 'NCTHW' }],
    C.train_pipeline.seed);
    assert.equal(r.flip, C.train_pipeline.flip);
    const imgs = r.imgs as NDArray;
    t.diagnostic(`max |diff| ${assertHeatmap(imgs.data as Float32Array, imgs.shape, C.train_pipeline.imgs, 'imgs')}`);
  });

  test('the config\'s train pipeline through a DataLoader worker thread: the same batch as in the main thread', async () => {
    const cfg = Config.fromFile(CONFIG).toObject() as Record<string, any>;
    const data = { ...cfg.data.train, ann_file: ANN };
    const batches: Record<string, torch.Tensor>[] = [];
    for (const workers_per_gpu of [0, 1]) {
      const loader = buildDataloader(buildDataset(data), { videos_per_gpu: 1, workers_per_gpu, shuffle: false, seed: 5 });
      for await (const b of loader) batches.push(b as Record<string, torch.Tensor>);
    }
    assert.equal(batches.length, 2);
    const [a, b] = batches as [Record<string, torch.Tensor>, Record<string, torch.Tensor>];
    assert.deepEqual([a.imgs!.shape, a.imgs!.dtype, a.label!.dtype], [[1, 1, 17, 48, 56, 56], 'float32', 'int64']);
    const total = a.imgs!.sum();
    assert.ok(total.item() > 0, 'heatmaps drawn');
    total.dispose();
    assert.ok(a.imgs!.equal(b.imgs!), 'worker and main thread agree');
    for (const t of [a.imgs!, a.label!, b.imgs!, b.label!]) t.dispose();
  });

  test('the model zoo\'s PoseC3D configs: every pipeline step builds', () => {
    const dir = dirname(CONFIG);
    const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));
    assert.ok(files.length >= 8, `${files.length} configs`);
    for (const f of files) {
      const cfg = Config.fromFile(join(dir, f)).toObject() as Record<string, any>;
      for (const split of ['train', 'val', 'test']) {
        let d = cfg.data[split];
        if (d.type === 'RepeatDataset') d = d.dataset;
        d.pipeline.forEach((t: Record<string, unknown>, i: number) => buildTransform(t, `${f}: data.${split}.pipeline[${i}]`));
      }
    }
  });

  test('the PoseC3D model (ResNet3dSlowOnly, 17 heatmap channels, I3DHead) runs forwardTest on the test pipeline\'s clips', async () => {
    const cfg = Config.fromFile(CONFIG).toObject() as Record<string, any>;
    // the config's test pipeline, made tiny: 2 clips of 4 frames at 32 x 32 (x2 with the flipped heatmaps)
    const pipeline = (cfg.data.test.pipeline as Record<string, any>[]).map((t) => {
      if (t.type === 'UniformSampleFrames') return { ...t, clip_len: 4, num_clips: 2 };
      if (t.type === 'Resize') return { ...t, scale: [-1, 32] };
      if (t.type === 'CenterCrop') return { ...t, crop_size: 32 };
      return t;
    });
    const ds = new PoseDataset({ ann_file: ANN, pipeline, test_mode: true });
    const imgs = (await ds.get(0)).imgs as torch.Tensor;
    assert.deepEqual(imgs.shape, [4, 17, 4, 32, 32]);
    torch.manualSeed(0);
    const model = buildModel(cfg.model) as BaseRecognizer;
    model.eval();
    try {
      const batch = imgs.unsqueeze(0); // [1, views, C, T, H, W]
      const prob = model.forwardTest(batch);
      assert.deepEqual(prob.shape, [1, 60]);
      // average_clips='prob': the mean of the four views' softmax scores
      const views = Array.from({ length: 4 }, (_, v) => model.forwardTest(batch.index(':', `${v}:${v + 1}`)));
      const mean = torch.stack(views).mean(0);
      const p = prob.toTypedArray() as Float32Array;
      const m = mean.toTypedArray() as Float32Array;
      assert.ok(Math.abs(p.reduce((a, b) => a + b, 0) - 1) < 1e-5, 'probabilities');
      const worst = p.reduce((w, x, i) => Math.max(w, Math.abs(x - m[i]!)), 0);
      assert.ok(worst < 1e-6, `batched views vs one by one: ${worst}`);
      for (const t of [prob, mean, batch, ...views]) t.dispose();
    } finally {
      imgs.dispose();
      model.dispose?.();
    }
  });
});
