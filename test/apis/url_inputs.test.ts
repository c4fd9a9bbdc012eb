/**
 * initRecognizer with an http checkpoint URL and inferenceRecognizer with an http video URL, from
 * a local server (no internet): the same scores as with the local files.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inferenceRecognizer, initRecognizer } from '../../src/apis/inference.ts';
import { ffmpeg } from '../video/media.ts';
import { startServer, type TestServer } from '../helpers/http_server.ts';

const fx = new URL('../fixtures/models/tsn_r50s2/', import.meta.url).pathname;
const ckpt = readFileSync(`${fx}checkpoint.pth`);
const ckptName = `tsn_r50s2-${createHash('sha256').update(ckpt).digest('hex').slice(0, 8)}.pth`;
const cfg = JSON.parse(readFileSync(`${fx}config.json`, 'utf8'));
// A light test pipeline (3 segments, centre crop 64) keeps the test fast.
cfg.data.test.pipeline = [
  { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 3, test_mode: true },
  { type: 'RawFrameDecode' },
  { type: 'Resize', scale: [-1, 64] },
  { type: 'CenterCrop', crop_size: 64 },
  { type: 'Normalize', mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false },
  { type: 'FormatShape', input_format: 'NCHW' },
  { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['imgs'] },
];

const dir = mkdtempSync(join(tmpdir(), 'mmts-url-'));
const video = join(dir, 'clip.mp4');
let srv: TestServer;

before(async () => {
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=90x70:rate=10', '-frames:v', '40', '-c:v', 'mpeg4', '-q:v', '4', '-pix_fmt', 'yuv420p', video]);
  srv = await startServer({
    [`/ckpt/${ckptName}`]: { body: ckpt },
    '/media/clip.mp4': { body: readFileSync(video), contentType: 'video/mp4' },
  });
});
after(async () => {
  await srv?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('a checkpoint URL and a video URL give the same scores as the local files', async () => {
  const cacheDir = join(dir, 'cache');
  const local = await initRecognizer(cfg, `${fx}checkpoint.pth`);
  const remote = await initRecognizer(cfg, `${srv.base}/ckpt/${ckptName}`, { cacheDir, progress: false });
  assert.deepEqual(readdirSync(cacheDir), [ckptName]);
  assert.equal(srv.hits.get(`/ckpt/${ckptName}`), 1);

  const a = await inferenceRecognizer(local, video);
  const b = await inferenceRecognizer(remote, `${srv.base}/media/clip.mp4`);
  assert.ok((srv.hits.get('/media/clip.mp4') ?? 0) >= 1, 'the video was read over HTTP');
  assert.equal(a.scores.length, 7);
  assert.deepEqual(Array.from(b.scores), Array.from(a.scores));
  assert.deepEqual(b.top, a.top);

  // A second model from the same URL is a cache hit.
  (await initRecognizer(cfg, `${srv.base}/ckpt/${ckptName}`, { cacheDir, progress: false })).dispose();
  assert.equal(srv.hits.get(`/ckpt/${ckptName}`), 1);
  local.dispose();
  remote.dispose();
});

test('a missing video URL is a clear error naming it', async () => {
  const model = await initRecognizer(cfg, `${fx}checkpoint.pth`);
  const url = `${srv.base}/media/missing.mp4`;
  await assert.rejects(inferenceRecognizer(model, url), (e: Error) => e.message.includes(url) && /404|Not Found/i.test(e.message));
  model.dispose();
});
