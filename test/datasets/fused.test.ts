// Normalize + FormatShape fused into one pass (src/datasets/pipelines/fused.ts): the same
// float32 values, shapes and result keys as the two transforms one after the other, on
// random images for every layout it covers, and on every parity case through Compose.run.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Compose } from '../../src/datasets/pipelines/compose.ts';
import { FormatShape } from '../../src/datasets/pipelines/format.ts';
import { fuseSteps, NormalizeFormatShape } from '../../src/datasets/pipelines/fused.ts';
import { Normalize } from '../../src/datasets/pipelines/normalize.ts';
import { FloatBatch, ImageBatch, type Results } from '../../src/datasets/pipelines/types.ts';
import { runCaseComposed } from './cases.ts';
import { FIXTURES, hasShared, readJson, SHARED } from './fixtures.ts';

function randomImages(n: number, h: number, w: number, seed: number): ImageBatch {
  const b = ImageBatch.alloc(n, h, w, 3);
  let s = seed >>> 0;
  for (let i = 0; i < b.data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    b.data[i] = s >>> 24;
  }
  return b;
}

const NORM = { type: 'Normalize', mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375] };

const layouts: { name: string; fmt: Record<string, unknown>; n: number; clips: number; len: number; toBgr: boolean }[] = [
  { name: 'NCHW, 8 segments', fmt: { input_format: 'NCHW' }, n: 8, clips: 8, len: 1, toBgr: false },
  { name: 'NCHW, to_bgr', fmt: { input_format: 'NCHW' }, n: 3, clips: 3, len: 1, toBgr: true },
  { name: 'NCTHW, 2 clips x 4 frames x 3 crops', fmt: { input_format: 'NCTHW' }, n: 24, clips: 2, len: 4, toBgr: false },
  { name: 'NCTHW, to_bgr', fmt: { input_format: 'NCTHW' }, n: 8, clips: 1, len: 8, toBgr: true },
  { name: 'NCTHW, collapse', fmt: { input_format: 'NCTHW', collapse: true }, n: 5, clips: 1, len: 5, toBgr: false },
  { name: 'NCHW, collapse', fmt: { input_format: 'NCHW', collapse: true }, n: 1, clips: 1, len: 1, toBgr: false },
];

for (const l of layouts) {
  test(`fused Normalize + FormatShape equals the two steps: ${l.name}`, () => {
    const norm = new Normalize({ ...NORM, to_bgr: l.toBgr });
    const fmt = new FormatShape({ type: 'FormatShape', ...l.fmt });
    const input = (): Results => ({ imgs: randomImages(l.n, 7, 5, l.n), modality: 'RGB', num_clips: l.clips, clip_len: l.len });
    const want = fmt.call(norm.call(input()));
    const got = new NormalizeFormatShape(norm, fmt).call(input());
    assert.ok(got.imgs instanceof FloatBatch && want.imgs instanceof FloatBatch);
    assert.deepEqual(got.imgs.shape, want.imgs.shape);
    assert.deepEqual(got.input_shape, want.input_shape);
    assert.deepEqual(got.img_norm_cfg, want.img_norm_cfg);
    assert.deepEqual(new Uint32Array(got.imgs.data.buffer), new Uint32Array(want.imgs.data.buffer)); // bit-identical
  });
}

test('Compose fuses Normalize + FormatShape (NCHW/NCTHW) and keeps the other steps', () => {
  const c = new Compose([{ ...NORM }, { type: 'FormatShape', input_format: 'NCHW' }, { type: 'Collect', keys: ['imgs'], meta_keys: [] }]);
  assert.deepEqual(c.steps.map((s) => s.type), ['Normalize+FormatShape', 'Collect']);
  assert.equal(c.transforms.length, 3);
  const flow = new Compose([{ ...NORM }, { type: 'FormatShape', input_format: 'NCHW_Flow' }]);
  assert.deepEqual(flow.steps.map((s) => s.type), ['Normalize', 'FormatShape']);
  const apart = fuseSteps([new Normalize(NORM), new Normalize(NORM), new FormatShape({ input_format: 'NCTHW' })]);
  assert.deepEqual(apart.map((s) => s.type), ['Normalize', 'Normalize+FormatShape']);
});

test('fused step falls back to the two transforms and their errors', async () => {
  const c = new Compose([{ ...NORM }, { type: 'FormatShape', input_format: 'NCTHW', collapse: true }], { tensors: false });
  const r = () => ({ imgs: randomImages(8, 4, 4, 1), modality: 'RGB', num_clips: 2, clip_len: 4 } as Results);
  await assert.rejects(c.run(r()), /^Error: FormatShape: collapse needs num_clips == 1/);
  const grey = new Compose([{ ...NORM }, { type: 'FormatShape', input_format: 'NCHW' }], { tensors: false });
  const g = { imgs: ImageBatch.alloc(2, 4, 4, 1), modality: 'RGB', num_clips: 2, clip_len: 1 } as Results;
  await assert.rejects(grey.run(g), /Normalize: RGB needs 3-channel images/);
});

const localOnly = readJson<{ cases: string[] }>('LOCAL_ONLY.json').cases;
const cases = readdirSync(join(FIXTURES, 'cases')).sort();
let fusedCases = 0;
for (const name of cases) {
  const needsShared = localOnly.includes(name);
  test(`case ${name} through Compose.run`, { skip: needsShared && !hasShared ? 'frames not copied; set MMACTION_PIPELINE_FIXTURES' : false }, async () => {
    const steps = await runCaseComposed(name, needsShared ? SHARED : FIXTURES);
    if (steps.includes('Normalize+FormatShape')) fusedCases++;
  });
}

test('the parity cases exercise the fused step', () => {
  assert.ok(fusedCases >= 10, `${fusedCases} cases ran fused`);
});
