/** `mmaction gradcam` end to end: a real process on a real video, the gif decoded back. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { VideoReader } from '../../src/index.ts';
import { GradCAM, blendedToFrames } from '../../src/apis/gradcam.ts';
import { buildInputs, initRecognizer } from '../../src/apis/inference.ts';
import { gradcamOutputSize } from '../../src/cli/gradcam.ts';
import { imresize } from '../../src/datasets/pipelines/imresize.ts';
import { ImageBatch } from '../../src/datasets/pipelines/types.ts';

const root = new URL('../../', import.meta.url).pathname;
const mmaction = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/mmaction.js'), ...args], { encoding: 'utf8', cwd: root });
const dir = mkdtempSync(join(tmpdir(), 'mmts-gradcam-'));
const fx = join(root, 'test/fixtures/models/tsn_r50s2');
const video = join(root, 'test/fixtures/pipelines/media/demo.mp4'); // 340x256, 28 frames

test('MMAction2 _resize_frames sizes (mmcv.rescale_size)', () => {
  assert.equal(gradcamOutputSize(64, 48, null), null);
  assert.equal(gradcamOutputSize(64, 48, [-1, -1]), null);
  assert.deepEqual(gradcamOutputSize(64, 48, [96, -1]), [128, 96]); // -1: the other value is the short edge
  assert.deepEqual(gradcamOutputSize(64, 48, [-1, 24]), [32, 24]);
  assert.deepEqual(gradcamOutputSize(64, 48, [200, 100]), [133, 100]); // fits within long 200, short 100
  assert.deepEqual(gradcamOutputSize(340, 256, [340, 340]), [340, 256]);
});

test('gradcam writes the blended heat maps of every input image as a gif', async () => {
  const cfg = JSON.parse(readFileSync(join(fx, 'config.json'), 'utf8'));
  cfg.data.test.pipeline = [
    { type: 'SampleFrames', clip_len: 1, frame_interval: 1, num_clips: 3, test_mode: true }, { type: 'RawFrameDecode' },
    { type: 'Resize', scale: [-1, 64] }, { type: 'CenterCrop', crop_size: 64 },
    { type: 'Normalize', mean: [123.675, 116.28, 103.53], std: [58.395, 57.12, 57.375], to_bgr: false },
    { type: 'FormatShape', input_format: 'NCHW' }, { type: 'Collect', keys: ['imgs', 'label'], meta_keys: [] }, { type: 'ToTensor', keys: ['imgs'] },
  ];
  const cfgPath = join(dir, 'tsn.json');
  writeFileSync(cfgPath, JSON.stringify(cfg));
  const out = join(dir, 'cam.gif');
  const r = mmaction('gradcam', cfgPath, join(fx, 'checkpoint.pth'), video, '--target-layer-name', 'backbone/layer2/3/relu',
    '--out-filename', out, '--target-resolution', '96', '-1', '--fps', '4');
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /Grad-CAM of class \d+, score .* at backbone\/layer2\/3\/relu: 1 x 3 images of 64x64/);
  assert.match(r.stdout, /wrote .*cam\.gif \(3 frames, 96x96, 4 fps\)/);
  const gif = await VideoReader.open(out);
  assert.deepEqual([gif.numFrames, gif.width, gif.height, gif.codec], [3, 96, 96, 'gif']);
  // The same computation in-process; the gif's 256-colour palette changes pixels a little.
  const model = await initRecognizer(cfg, join(fx, 'checkpoint.pth'));
  const imgs = await buildInputs(model, video);
  const frames = blendedToFrames(new GradCAM(model, 'backbone/layer2/3/relu').call(imgs).blendedImgs);
  const expected = imresize(new ImageBatch(frames.toTypedArray() as Uint8Array, 3, 64, 64, 3), 96, 96, 'bilinear');
  const got = (await gif.getBatch([0, 1, 2])).toTypedArray() as Uint8Array;
  let err = 0;
  for (let i = 0; i < got.length; i++) err += Math.abs(got[i] - expected.data[i]);
  assert.ok(err / got.length < 6, `mean abs difference to the in-process result ${err / got.length}`);
  gif.close();

  const bad = mmaction('gradcam', cfgPath, join(fx, 'checkpoint.pth'), video, '--target-layer-name', 'backbone/layer4/1/relu');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /target layer 'backbone\/layer4\/1\/relu' not found: backbone has no submodule 'layer4'/);
  const frames2 = mmaction('gradcam', cfgPath, join(fx, 'checkpoint.pth'), video, '--use-frames');
  assert.equal(frames2.status, 1);
  assert.match(frames2.stderr, /is a video file, not a rawframe directory/);
});
