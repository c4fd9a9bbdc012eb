// Runs one parity case of test/fixtures/pipelines/cases (MMAction2's own pipeline on the
// same input): checks every step's result keys and uint8 image hashes, then the final
// float32 tensor against imgs_digest.json (sha256: bit-exact).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { Compose } from '../../src/datasets/pipelines/compose.ts';
import { PendingTensor } from '../../src/datasets/pipelines/format.ts';
import { ImageBatch, NDArray, type Results } from '../../src/datasets/pipelines/types.ts';
import { FIXTURES, npyInt64, readJson, sha256 } from './fixtures.ts';

const SKIP_KEYS = new Set(['video_reader', 'img_metas', 'new_path', 'lazy']);

function plain(v: unknown): unknown {
  if (v instanceof PendingTensor) return plain(v.value);
  if (ArrayBuffer.isView(v)) return Array.from(v as unknown as ArrayLike<number>);
  if (Array.isArray(v)) return v.map(plain);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) {
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, plain(x)]));
  }
  return v;
}

function imgsRecord(imgs: unknown): { shape: number[]; dtype: string; sha256: string; sum: number } {
  if (imgs instanceof PendingTensor) imgs = imgs.value;
  if (imgs instanceof ImageBatch) {
    let sum = 0;
    for (const x of imgs.data) sum += x;
    return { shape: imgs.c === 1 ? [imgs.n, imgs.h, imgs.w] : [imgs.n, imgs.h, imgs.w, imgs.c], dtype: 'uint8', sha256: sha256(imgs.data), sum };
  }
  if (imgs instanceof NDArray) {
    let sum = 0;
    for (const x of imgs.data as Float32Array) sum += x;
    return { shape: imgs.shape, dtype: imgs.data instanceof Float32Array ? 'float32' : 'other', sha256: sha256(imgs.data), sum };
  }
  throw new Error(`unexpected imgs ${Object.prototype.toString.call(imgs)}`);
}

export interface CaseReport {
  steps: number;
  numel: number;
}

/** `base` holds media/ (the copied subset, or the shared full set). */
export async function runCase(name: string, base = FIXTURES): Promise<CaseReport> {
  const dir = `cases/${name}`;
  const { pipeline } = readJson(`${dir}/pipeline.json`);
  const input = readJson(`${dir}/input.json`);
  const steps = readJson<any[]>(`${dir}/steps.json`);
  const digest = readJson(`${dir}/imgs_digest.json`);
  let results: Results;
  if (input.kind === 'video') {
    results = { filename: join(base, input.file), label: 0, modality: 'RGB', start_index: 0 };
  } else {
    results = {
      frame_dir: join(base, input.frame_dir), total_frames: input.total_frames, label: 0,
      filename_tmpl: input.filename_tmpl, modality: input.modality, start_index: input.start_index,
    };
  }
  const compose = new Compose(pipeline, { seed: 0, tensors: false, where: name });
  let r: Results = results;
  for (let i = 0; i < compose.transforms.length; i++) {
    const t = compose.transforms[i]!;
    r = await t.call(r, compose.ctx);
    const rec = steps.find((s) => s.index === i);
    assert.ok(rec, `${name}: no record for step ${i}`);
    assert.equal(rec.type, t.type);
    const at = `${name} step ${i} (${t.type})`;
    for (const [k, want] of Object.entries({ ...rec.added, ...rec.changed })) {
      if (SKIP_KEYS.has(k)) continue;
      assert.ok(k in r, `${at}: result key '${k}' missing`);
      assert.deepEqual(plain(r[k]), want, `${at}: ${k}`);
    }
    for (const k of rec.removed as string[]) assert.ok(!(k in r), `${at}: key '${k}' should be removed`);
    if (rec.imgs && 'imgs' in r) {
      const got = imgsRecord(r.imgs);
      const wantShape = rec.imgs.shape ?? [rec.imgs.len, ...rec.imgs.item_shape];
      assert.deepEqual(got.shape, wantShape, `${at}: imgs shape`);
      assert.equal(got.dtype, rec.imgs.dtype, `${at}: imgs dtype`);
      if (got.dtype === 'uint8') assert.equal(got.sum, rec.imgs.sum, `${at}: uint8 sum`);
      assert.equal(got.sha256, rec.imgs.sha256, `${at}: imgs sha256`);
    }
  }
  // frame indices and the final tensor
  assert.deepEqual(npyInt64(join(FIXTURES, dir, 'frame_inds.npy')), steps.find((s) => s.added?.frame_inds)?.added.frame_inds);
  const fin = imgsRecord(r.imgs);
  assert.deepEqual(fin.shape, digest.shape);
  assert.equal(fin.sha256, digest.sha256, `${name}: final imgs sha256`);
  return { steps: compose.transforms.length, numel: digest.numel };
}

/**
 * The same case through `Compose.run` (what datasets and workers call: steps fused where
 * exact, see pipelines/fused.ts): the final tensor must still match the digest bit for bit.
 * Returns the names of the steps that ran.
 */
export async function runCaseComposed(name: string, base = FIXTURES): Promise<string[]> {
  const dir = `cases/${name}`;
  const { pipeline } = readJson(`${dir}/pipeline.json`);
  const input = readJson(`${dir}/input.json`);
  const digest = readJson(`${dir}/imgs_digest.json`);
  const results: Results = input.kind === 'video'
    ? { filename: join(base, input.file), label: 0, modality: 'RGB', start_index: 0 }
    : {
      frame_dir: join(base, input.frame_dir), total_frames: input.total_frames, label: 0,
      filename_tmpl: input.filename_tmpl, modality: input.modality, start_index: input.start_index,
    };
  const compose = new Compose(pipeline, { seed: 0, tensors: false, where: name });
  const r = await compose.run(results);
  assert.ok(r, `${name}: the pipeline dropped the sample`);
  const fin = imgsRecord(r.imgs);
  assert.deepEqual(fin.shape, digest.shape, `${name}: final shape`);
  assert.equal(fin.sha256, digest.sha256, `${name}: final imgs sha256 through Compose.run`);
  return compose.steps.map((s) => s.type);
}
