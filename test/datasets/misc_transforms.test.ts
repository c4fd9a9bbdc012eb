// LoadHVULabel, SampleProposalFrames, LoadProposals, ArrayDecode, BuildPseudoClip and the
// library wrappers (TorchvisionTrans, PytorchVideoTrans, Imgaug) against numpy/torch
// re-implementations of MMAction2 0.24.1's code (scripts/fixtures/gen_misc_transforms.py), plus
// their errors on bad input.
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { buildPipeline, buildTransform, NOT_YET_PORTED, TRANSFORMS } from '../../src/datasets/pipelines/index.ts';
import { ImageBatch, NDArray, type Results } from '../../src/datasets/pipelines/types.ts';
import { PipelineRandom } from '../../src/datasets/rng.ts';
import { parseNpy } from '../../src/torch/serialization/npy.ts';
import { readMotionVectors } from '../../src/video/motion_vectors.ts';
import { readJson } from './fixtures.ts';

const DIR = fileURLToPath(new URL('../fixtures/misc_transforms/', import.meta.url));
const fx = readJson('misc_transforms.json', DIR);
const ctx = (seed = 0) => ({ rng: new PipelineRandom(seed) });

test('the ported types are registered and no longer listed as missing', () => {
  for (const t of ['PyAVDecodeMotionVector', 'LoadHVULabel', 'LoadProposals', 'SampleProposalFrames', 'BuildPseudoClip', 'ArrayDecode', 'TorchvisionTrans', 'PytorchVideoTrans', 'Imgaug']) {
    assert.ok(t in TRANSFORMS, t);
    assert.ok(!NOT_YET_PORTED.has(t), t);
  }
});

test('LoadHVULabel: one-hot over all categories\' tags, tag mask and category mask equal MMAction2\'s', () => {
  const { categories, category_nums, cases } = fx.hvu;
  const t = buildTransform({ type: 'LoadHVULabel' });
  let nonEmpty = 0;
  for (const c of cases) {
    const r = t.call({ label: structuredClone(c.label), categories, category_nums }, ctx()) as Results;
    assert.ok(r.label instanceof Float32Array);
    assert.deepEqual(Array.from(r.label as Float32Array), c.want.label, JSON.stringify(c.label));
    assert.deepEqual(Array.from(r.mask as Float32Array), c.want.mask);
    assert.deepEqual(Array.from(r.category_mask as Float32Array), c.want.category_mask);
    if (c.want.label.some((x: number) => x === 1)) nonEmpty++;
  }
  assert.ok(nonEmpty >= 6);
  assert.throws(() => t.call({ label: { action: [7] }, categories, category_nums }, ctx()), /label\['action'\] has tag 7, but the category has 7 tags/);
  assert.throws(() => buildTransform({ type: 'LoadHVULabel' }).call({ label: {}, categories: ['a', 'b'], category_nums: [1] }, ctx()), /2 categories but 1 category_nums/);
  assert.throws(() => t.call({ label: [1, 2], categories, category_nums }, ctx()), /results.label must be a dict/);
});

test(`SampleProposalFrames: ${fx.proposal_frames.length} seeded cases (train/val/test, jitter) equal MMAction2's frame_inds`, () => {
  for (const c of fx.proposal_frames) {
    const t = buildTransform(c.cfg);
    const r: Results = { total_frames: c.total_frames, start_index: c.start_index, out_proposals: structuredClone(c.out_proposals) };
    t.call(r, ctx(c.seed));
    const at = `${JSON.stringify(c.cfg)} seed ${c.seed}`;
    assert.deepEqual(r.frame_inds, c.want.frame_inds, at);
    for (const k of ['clip_len', 'frame_interval', 'num_clips', 'num_proposals']) assert.equal(r[k], c.want[k], `${at} ${k}`);
  }
});

test('SampleProposalFrames: bad options and results are named', () => {
  const base = { type: 'SampleProposalFrames', clip_len: 1, body_segments: 5, aug_segments: [2, 2], aug_ratio: 0.5 };
  assert.throws(() => buildTransform({ ...base, mode: 'eval' }), /mode must be one of 'train', 'val', 'test'/);
  assert.throws(() => buildTransform({ ...base, aug_ratio: [0.5] }), /aug_ratio must be a number or a pair/);
  assert.throws(() => buildTransform({ ...base, aug_segments: 2 }), /aug_segments must be \[starting, ending\]/);
  const { body_segments: _b, ...noBody } = base;
  assert.throws(() => buildTransform(noBody), /missing required option 'body_segments'/);
  const t = buildTransform(base);
  assert.throws(() => t.call({ total_frames: 50, start_index: 0 }, ctx()), /out_proposals must be the list/);
  assert.throws(() => t.call({ total_frames: 50, start_index: 0, out_proposals: [[{ start_frame: 1, end_frame: 3 }, 0]] }, ctx()), /out_proposals\[0\] must be/);
  assert.throws(() => t.call({ total_frames: 50, start_index: 0, out_proposals: [[['v', { start_frame: 4, end_frame: 4 }], 0]] }, ctx()), /no frames/);
  assert.throws(() => buildTransform({ ...base, mode: 'test', clip_len: 10 }).call({ total_frames: 10, start_index: 0 }, ctx()), /no room for a clip/);
});

function bsnDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mmts-bsn-'));
  for (const sub of ['proposals', 'features']) mkdirSync(join(d, sub));
  copyFileSync(join(DIR, 'bsn/proposals/v_bsn.csv'), join(d, 'proposals/v_bsn.csv'));
  copyFileSync(join(DIR, 'bsn/features/v_bsn.npy'), join(d, 'features/v_bsn.npy'));
  return d;
}

test('LoadProposals: top_k rows of the PGM csv and BSP features, float32, as MMAction2 loads them', async () => {
  const c = fx.load_proposals;
  const cfg = { type: 'LoadProposals', top_k: c.top_k, pgm_proposals_dir: join(DIR, 'bsn/proposals'), pgm_features_dir: join(DIR, 'bsn/features') };
  const r = await buildTransform(cfg).call({ video_name: c.video_name }, ctx());
  for (const k of ['tmin', 'tmax', 'tmin_score', 'tmax_score', 'reference_temporal_iou']) {
    const a = r[k] as NDArray;
    assert.ok(a instanceof NDArray && a.data instanceof Float32Array, k);
    assert.deepEqual(a.shape, [c.top_k]);
    assert.deepEqual(Array.from(a.data as Float32Array), c.want[k], k);
  }
  const f = r.bsp_feature as NDArray;
  assert.ok(f.data instanceof Float32Array);
  assert.deepEqual(f.shape, c.want.bsp_shape);
  assert.deepEqual(Array.from(f.data as Float32Array), c.want.bsp_feature);
  // the BSN PEM train pipeline's Collect (meta_keys=[]: no meta dict, as in MMAction2)
  const out = await buildPipeline([cfg, { type: 'Collect', keys: ['bsp_feature', 'reference_temporal_iou'], meta_name: 'video_meta', meta_keys: [] }], { tensors: false })({ video_name: c.video_name });
  assert.deepEqual(Object.keys(out!).sort(), ['bsp_feature', 'reference_temporal_iou']);
});

test('LoadProposals: a missing file and a malformed line are errors naming the file (and line)', async () => {
  const d = bsnDir();
  try {
    const cfg = { type: 'LoadProposals', top_k: 3, pgm_proposals_dir: join(d, 'proposals'), pgm_features_dir: join(d, 'features') };
    const t = buildTransform(cfg);
    await assert.rejects(async () => t.call({ video_name: 'v_missing' }, ctx()), (e: Error) => e.message.includes(join(d, 'proposals', 'v_missing.csv')) && /cannot read the proposals of v_missing/.test(e.message));
    writeFileSync(join(d, 'proposals', 'v_bad.csv'), 'tmin,tmax,a,b,c,d,e\n0.1,0.2,0.3,0.4,0.5,0.6,0.7\n0.1,0.2,oops,0.4,0.5,0.6,0.7\n');
    await assert.rejects(async () => t.call({ video_name: 'v_bad' }, ctx()), new RegExp(`${join(d, 'proposals', 'v_bad.csv').replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:3: could not convert 'oops'`));
    writeFileSync(join(d, 'proposals', 'v_short.csv'), 'tmin,tmax\n0.1,0.2,0.3\n0.1,0.2\n');
    await assert.rejects(async () => t.call({ video_name: 'v_short' }, ctx()), /v_short\.csv:3: 2 columns, but the first data row has 3/);
    writeFileSync(join(d, 'proposals', 'v_narrow.csv'), 'tmin,tmax\n0.1,0.2,0.3\n');
    await assert.rejects(async () => t.call({ video_name: 'v_narrow' }, ctx()), /v_narrow\.csv: 3 columns, but proposal rows need at least 6/);
    copyFileSync(join(d, 'proposals', 'v_bsn.csv'), join(d, 'proposals', 'v_nofeat.csv'));
    await assert.rejects(async () => t.call({ video_name: 'v_nofeat' }, ctx()), /v_nofeat\.npy: cannot read/);
    assert.throws(() => buildTransform({ ...cfg, proposal_ext: '.json' }), /proposal_ext must be one of '.csv'/);
    assert.throws(() => buildTransform({ type: 'LoadProposals', top_k: 3, pgm_proposals_dir: d }), /missing required option 'pgm_features_dir'/);
  } finally {
    rmSync(d, { recursive: true, force: true });
  }
});

test('ArrayDecode: RGB frames and Flow x/y images picked from results.array (offset, negative index) as MMAction2 does', () => {
  for (const c of fx.array_decode) {
    const array = new NDArray(Uint8Array.from(c.array), c.shape);
    const r = buildTransform({ type: 'ArrayDecode' }).call({ array, modality: c.modality, frame_inds: c.frame_inds, offset: c.offset }, ctx()) as Results;
    const imgs = r.imgs as ImageBatch;
    const [n, h, w, ch = 1] = c.want_shape;
    assert.deepEqual([imgs.n, imgs.h, imgs.w, imgs.c], [n, h, w, ch]);
    assert.deepEqual(Array.from(imgs.data), c.want, `${c.modality} ${c.frame_inds}`);
    assert.deepEqual(r.img_shape, [h, w]);
    assert.deepEqual(r.original_shape, [h, w]);
  }
  const array = new NDArray(new Uint8Array(2 * 2 * 2 * 3), [2, 2, 2, 3]);
  const t = buildTransform({ type: 'ArrayDecode' });
  assert.throws(() => t.call({ array, modality: 'RGB', frame_inds: [2] }, ctx()), /frame index 2 is out of range for an array of 2 frames/);
  assert.throws(() => t.call({ array, modality: 'Audio', frame_inds: [0] }, ctx()), /modality 'Audio' is not supported/);
  assert.throws(() => t.call({ array: new NDArray(new Float32Array(24), [2, 2, 2, 3]), modality: 'RGB', frame_inds: [0] }, ctx()), /must be a uint8 array.*Float32Array \[2,2,2,3\]/);
  assert.throws(() => t.call({ modality: 'RGB', frame_inds: [0] }, ctx()), /results.array must be a uint8 array .* got missing/);
});

test('BuildPseudoClip: one image becomes clip_len copies; clip_len and num_clips set', () => {
  const img = ImageBatch.alloc(1, 3, 2, 3);
  img.data.forEach((_, i) => (img.data[i] = (i * 37) % 256));
  const r = buildTransform({ type: 'BuildPseudoClip', clip_len: 4 }).call({ imgs: img }, ctx()) as Results;
  const out = r.imgs as ImageBatch;
  assert.deepEqual([out.n, out.h, out.w, out.c], [4, 3, 2, 3]);
  for (let i = 0; i < 4; i++) assert.deepEqual(out.frame(i), img.data);
  assert.equal(r.clip_len, 4);
  assert.equal(r.num_clips, 1);
  assert.throws(() => buildTransform({ type: 'BuildPseudoClip' }), /missing required option 'clip_len'/);
  assert.throws(() => buildTransform({ type: 'BuildPseudoClip', clip_len: 2 }).call({ imgs: ImageBatch.alloc(2, 1, 1, 3) }, ctx()), /expects one image in results.imgs, got 2/);
});

test(`TorchvisionTrans: ${fx.torchvision.cases.length} seeded cases of the implemented transforms equal torchvision's tensor ops`, () => {
  const { input, input_shape, cases } = fx.torchvision;
  const [n, h, w, c] = input_shape;
  let changed = 0;
  for (const cs of cases) {
    const r: Results = { imgs: new ImageBatch(Uint8Array.from(input), n, h, w, c), modality: 'RGB', img_shape: [h, w] };
    buildTransform(cs.cfg).call(r, ctx(cs.seed));
    const out = r.imgs as ImageBatch;
    assert.deepEqual([out.n, out.h, out.w, out.c], cs.want_shape, JSON.stringify(cs.cfg));
    assert.deepEqual(Array.from(out.data), cs.want, `${JSON.stringify(cs.cfg)} seed ${cs.seed}`);
    assert.deepEqual(r.img_shape, [h, w], 'img_shape is left as it was, as in MMAction2');
    if (cs.want.some((v: number, i: number) => v !== input[i])) changed++;
  }
  assert.ok(changed > cases.length / 2);
});

test('library wrappers: what is not reproduced fails at build time naming the transform and the native replacement', () => {
  const fails = (cfg: Record<string, unknown>, re: RegExp) => assert.throws(() => buildPipeline([cfg]), re);
  fails({ type: 'torchvision.ColorJitter', brightness: 0.4 }, /torchvision\.ColorJitter is not available in mmaction-ts .*closest mmaction-ts transform: 'ColorJitter'/);
  fails({ type: 'torchvision.Resize', size: 224 }, /torchvision\.Resize is not available.*'Resize'/);
  fails({ type: 'torchvision.RandomResizedCrop', size: 224 }, /closest mmaction-ts transform: 'RandomResizedCrop' followed by 'Resize'/);
  fails({ type: 'torchvision.RandomRotation', degrees: 10 }, /torchvision\.RandomRotation is not available.*none: remove it/);
  fails({ type: 'torchvision.Blur' }, /transform 'Blur' is not in torchvision.transforms/);
  fails({ type: 'TorchvisionTrans' }, /builds TorchvisionTrans from type='torchvision.<Name>'/);
  fails({ type: 'torchvision.Grayscale', num_output_channel: 3 }, /unknown option 'num_output_channel' \(did you mean num_output_channels\?\)/);
  fails({ type: 'torchvision.RandomHorizontalFlip', p: 2 }, /p must be a probability/);
  fails({ type: 'pytorchvideo.ShortSideScale', size: 256 }, /pytorchvideo\.ShortSideScale is not available in mmaction-ts.*'Resize' with scale=\(-1, size\)/);
  fails({ type: 'pytorchvideo.RandomShortSideScale', min_size: 256, max_size: 320 }, /'RandomRescale' with scale_range=\(min_size, max_size\)/);
  fails({ type: 'pytorchvideo.RandAugment' }, /pytorchvideo\.RandAugment is not available.*'ColorJitter' and 'Flip'/);
  fails({ type: 'pytorchvideo.MixUp' }, /PytorchVideo transform 'MixUp' is not supported in MMAction2/);
  fails({ type: 'PytorchVideoTrans' }, /type='pytorchvideo.<Name>'/);
  fails({ type: 'Imgaug', transforms: 'default' }, /imgaug is not available in mmaction-ts.*transforms='default' \(RandAugment.*'ColorJitter' and 'Flip'/);
  fails({ type: 'Imgaug', transforms: [{ type: 'Fliplr', p: 0.5 }, { type: 'Rotate', rotate: [-20, 20] }] }, /Fliplr \(closest mmaction-ts transform: 'Flip'\); Rotate \(closest mmaction-ts transform: none\)/);
  fails({ type: 'Imgaug', transforms: 3 }, /transforms must be 'default' or a list of dicts/);
  fails({ type: 'Imgaug' }, /missing required option 'transforms'/);
  assert.throws(() => buildTransform({ type: 'torchvision.Grayscale' }).call({ imgs: ImageBatch.alloc(1, 2, 2, 2), modality: 'RGB' }, ctx()), /images must have 1 or 3 channels, got 2/);
  assert.throws(() => buildTransform({ type: 'torchvision.CenterCrop', size: 3 }).call({ imgs: ImageBatch.alloc(2, 4, 4, 1), modality: 'Flow' }, ctx()), /not Flow/);
});

interface RawFrame { width: number; height: number; key_frame: boolean; vectors: number[] | null }

test('readMotionVectors: the native export (flags2=+export_mvs) equals PyAV\'s MOTION_VECTORS side data, frame by frame', async () => {
  const raw = readJson<Record<string, RawFrame[]>>('mv_raw.json', DIR);
  for (const [name, want] of Object.entries(raw)) {
    const { frames } = await readMotionVectors(join(DIR, name));
    assert.equal(frames.length, want.length, name);
    let vectors = 0;
    frames.forEach((f, i) => {
      const w = want[i]!;
      const at = `${name} frame ${i}`;
      assert.deepEqual([f.width, f.height, f.keyFrame], [w.width, w.height, w.key_frame], at);
      assert.equal(f.vectors === null, w.vectors === null, at);
      if (f.vectors) assert.deepEqual(Array.from(f.vectors), w.vectors, at);
      vectors += f.vectors ? f.vectors.length / 10 : 0;
    });
    assert.ok(vectors > 500, `${name}: ${vectors} vectors`);
    assert.ok(frames.some((f) => f.keyFrame) && frames.some((f) => f.vectors?.some((v, k) => k % 10 === 0 && v > 0)), `${name}: key frames and backward (B-frame) vectors`);
  }
  const first = await readMotionVectors(join(DIR, 'mv_h264.mp4'), { maxFrames: 5 });
  assert.equal(first.frames.length, 5);
  await assert.rejects(readMotionVectors(join(DIR, 'nope.mp4')), /cannot read video .*nope\.mp4: no such file/);
  await assert.rejects(readMotionVectors(join(DIR, 'bsn/proposals/v_bsn.csv')), /cannot read the motion vectors of .*v_bsn\.csv: /);
  await assert.rejects(readMotionVectors(join(DIR, 'mv_h264.mp4'), { maxFrames: 0 }), /maxFrames must be a positive integer/);
});

test('PyAVDecodeMotionVector: [T, H, W, 2] int8 fields equal MMAction2\'s on PyAV (H.264 with B-frames, MPEG-4; wrapped index)', async () => {
  for (const c of fx.motion_vectors) {
    const p = buildPipeline([{ type: 'PyAVInit' }, { type: 'PyAVDecodeMotionVector' }], { tensors: false });
    const r = (await p({ filename: join(DIR, c.video), frame_inds: c.frame_inds }))!;
    const want = parseNpy(gunzipSync(readFileSync(join(DIR, c.want))), c.want);
    const got = r.motion_vectors as NDArray;
    const at = `${c.video} ${c.frame_inds}`;
    assert.ok(got.data instanceof Int8Array, at);
    assert.deepEqual(got.shape, want.shape, at);
    const w = new Int8Array(want.data.buffer, want.data.byteOffset, want.data.byteLength);
    assert.ok(Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength).equals(Buffer.from(w.buffer, w.byteOffset, w.byteLength)), at);
    assert.equal(got.data.reduce((n, v) => n + (v !== 0 ? 1 : 0), 0), c.nonzero, at);
    assert.equal(r.video_reader, null);
  }
  // with tensors (the default) the field becomes an int8 torch Tensor, as MMAction2's array would after ToTensor
  const withTensors = await buildPipeline([{ type: 'PyAVInit' }, { type: 'PyAVDecodeMotionVector' }])({ filename: join(DIR, 'mv_h264.mp4'), frame_inds: [4, 5] });
  const mvT = withTensors!.motion_vectors as { dtype: string; shape: number[]; dispose(): void };
  assert.deepEqual([mvT.dtype, mvT.shape], ['int8', [2, 96, 128, 2]]);
  mvT.dispose();
  const t = buildTransform({ type: 'PyAVDecodeMotionVector' });
  await assert.rejects(async () => t.call({ frame_inds: [0] }, ctx()), /video_reader is missing \(put PyAVInit before PyAVDecodeMotionVector\)/);
  assert.throws(() => buildTransform({ type: 'PyAVDecodeMotionVector', mode: 'fast' }), /mode must be one of 'accurate', 'efficient'/);
});
