// buildPipeline: config list -> async function; final imgs is a float32 torch Tensor equal to
// MMAction2's (TSN val pipeline on real frames); config errors name the step and option.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { buildPipeline } from '../../src/datasets/pipelines/index.ts';
import { FIXTURES, readJson, sha256 } from './fixtures.ts';

test('TSN val pipeline gives MMAction2\'s tensor (torch, float32, bit-exact)', async () => {
  const name = 'tsn_r50_1x1x3_k400__val__rawframes';
  const { pipeline } = readJson(`cases/${name}/pipeline.json`);
  const input = readJson(`cases/${name}/input.json`);
  const digest = readJson(`cases/${name}/imgs_digest.json`);
  const run = buildPipeline(pipeline);
  const out = await run({
    frame_dir: join(FIXTURES, input.frame_dir), total_frames: input.total_frames, label: 0,
    filename_tmpl: input.filename_tmpl, modality: input.modality, start_index: input.start_index,
  });
  assert.ok(out);
  const imgs = out.imgs as any;
  assert.deepEqual(imgs.shape, digest.shape);
  assert.equal(imgs.dtype, 'float32');
  assert.equal(sha256(imgs.toTypedArray() as Float32Array), digest.sha256);
  assert.deepEqual(Object.keys(out).sort(), ['imgs', 'label']);
  imgs.dispose?.();
});

test('pipeline config errors name the step and suggest the option', () => {
  assert.throws(() => buildPipeline([{ type: 'SampleFrames', clip_len: 1 }, { type: 'Resise', scale: [-1, 256] }]),
    /pipeline\[1\]: unknown transform type 'Resise' \(did you mean Resize\?\)/);
  assert.throws(() => buildPipeline([{ type: 'CenterCrop', crop_size: 224, lazzy: true }]),
    /pipeline\[0\] \(CenterCrop\): unknown option 'lazzy' \(did you mean lazy\?\)/);
  assert.throws(() => buildPipeline([{ type: 'FormatShape', input_format: 'NTCHW' }]), /input_format must be one of/);
});

test('a missing frame file is an error naming the file and the sample', async () => {
  const run = buildPipeline([
    { type: 'SampleFrames', clip_len: 1, num_clips: 1, test_mode: true }, { type: 'RawFrameDecode' },
  ], { tensors: false });
  await assert.rejects(run({ frame_dir: '/nonexistent/dir', total_frames: 5, filename_tmpl: 'img_{:05}.jpg', modality: 'RGB', start_index: 1, label: 0 }),
    /RawFrameDecode: frame file not found: \/nonexistent\/dir\/img_00003.jpg/);
});
