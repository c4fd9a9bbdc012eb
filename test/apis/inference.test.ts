/** initRecognizer / inferenceRecognizer on a real MMAction2 model and the demo video. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch, VideoReader } from '../../src/index.ts';
import { initRecognizer, inferenceRecognizer } from '../../src/apis/inference.ts';
import { buildPipeline } from '../../src/datasets/index.ts';

const fx = new URL('../fixtures/models/tsn_r50s2/', import.meta.url).pathname;
const video = new URL('../fixtures/pipelines/media/demo.mp4', import.meta.url).pathname;
const cfg = JSON.parse(readFileSync(`${fx}config.json`, 'utf8'));
// A light test pipeline (3 segments, centre crop 112) keeps the test fast; the adaptation rules are the same.
cfg.data.test.pipeline = [
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 3, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 128] },
  { type: 'CenterCrop', crop_size: 112 },
  { type: 'Normalize', mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];

test('a video file runs the adapted test pipeline and the model, top-5 sorted', async () => {
  const model = await initRecognizer(cfg, `${fx}checkpoint.pth`);
  const r = await inferenceRecognizer(model, video, { outputs: ['backbone', 'cls_head'] });
  assert.equal(r.top.length, 5);
  for (let i = 1; i < 5; i++) assert.ok(r.top[i - 1].score >= r.top[i].score);
  assert.equal(r.scores.length, 7);
  // The same computation by hand: OpenCVInit/OpenCVDecode replace the rawframe decoder, as MMAction2 does.
  const p = cfg.data.test.pipeline.map((t: { type: string }) => (t.type === 'RawFrameDecode' ? { type: 'OpenCVDecode' } : t));
  const sample = await buildPipeline([{ type: 'OpenCVInit' }, ...p], { seed: 0 })({ filename: video, label: -1, start_index: 0, modality: 'RGB' });
  const imgs = (sample.imgs as torch.Tensor).unsqueeze(0);
  const expected = torch.noGrad(() => model.forwardTest(imgs)).index(0).toTypedArray() as Float32Array;
  assert.deepEqual(Array.from(r.scores), Array.from(expected));
  assert.deepEqual((r.outputs!.backbone as torch.Tensor).shape, [3, 512, 14, 14]);
  assert.deepEqual((r.outputs!.cls_head as torch.Tensor).shape, [1, 7]);
  // The backbone run in chunks (test_cfg.images_per_forward: one image per call): the same scores, and
  // the backbone's outputs of the three calls joined into those of one call.
  const chunked = await initRecognizer({ ...cfg, model: { ...cfg.model, test_cfg: { ...cfg.model.test_cfg, images_per_forward: 1 } } }, `${fx}checkpoint.pth`);
  let backboneCalls = 0;
  const remove = chunked.getSubmodule('backbone').registerForwardHook(() => { backboneCalls++; });
  const rc = await inferenceRecognizer(chunked, video, { outputs: ['backbone', 'cls_head'] });
  remove();
  assert.equal(backboneCalls, 3);
  assert.ok(torch.tensor(Array.from(rc.scores)).allclose(torch.tensor(Array.from(r.scores)), 1e-6, 1e-7));
  assert.deepEqual((rc.outputs!.backbone as torch.Tensor).shape, [3, 512, 14, 14]);
  assert.ok((rc.outputs!.backbone as torch.Tensor).allclose(r.outputs!.backbone as torch.Tensor, 1e-5, 1e-6));
});

test('frames given as a tensor give the same result as the video they came from', async () => {
  const model = await initRecognizer(cfg, `${fx}checkpoint.pth`);
  const reader = await VideoReader.open(video);
  const all = await reader.getBatch([...Array(reader.numFrames).keys()]);
  const fromVideo = await inferenceRecognizer(model, video);
  const fromArray = await inferenceRecognizer(model, all);
  assert.deepEqual(Array.from(fromArray.scores), Array.from(fromVideo.scores));
  await assert.rejects(inferenceRecognizer(model, torch.zeros([2, 8, 8])), /uint8 \[T, H, W, 3\]/);
  await reader.close();
});

test('class names come from a label map; bad inputs are clear errors', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'mmts-infer-'));
  const labels = join(dir, 'labels.txt');
  writeFileSync(labels, ['a', 'b', 'c', 'd', 'e', 'f', 'g'].join('\n'));
  const model = await initRecognizer(cfg, `${fx}checkpoint.pth`, { labels });
  const r = await inferenceRecognizer(model, video, { topk: 2 });
  assert.equal(r.top.length, 2);
  assert.equal(r.top[0].label, 'abcdefg'[r.top[0].index]);
  await assert.rejects(inferenceRecognizer(model, join(dir, 'missing.mp4')), /missing.mp4 does not exist/);
  await assert.rejects(initRecognizer(cfg, `${fx}checkpoint.pth`, { labels: join(dir, 'nope.txt') }), /label map .*nope.txt does not exist/);
});
