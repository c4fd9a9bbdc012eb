/**
 * GradCAM against a PyTorch reference with MMAction2's semantics (scripts/fixtures/gen_gradcam.py):
 * a Recognizer2D (TSN, ResNet-50 cut to 2 stages) and a Recognizer3D (I3D ResNet3d-50, base 8) from
 * the shared fixtures, on saved uint8 frames; predictions, normalised localization maps and the
 * demo's uint8 blended frames (matplotlib's viridis) are compared.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { torch } from '../../src/index.ts';
import { initRecognizer } from '../../src/apis/inference.ts';
import { GradCAM, blendedToFrames } from '../../src/apis/gradcam.ts';
import { applyColormap } from '../../src/apis/colormap.ts';
import { loadNpy } from '../../src/torch/serialization/index.ts';
import { assertAllClose } from '../models/util.ts';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FX = join(ROOT, 'test/fixtures/gradcam');
const meta = JSON.parse(readFileSync(join(FX, 'meta.json'), 'utf8'));

async function loadCase(c: any) {
  const dir = join(ROOT, c.fixture);
  const model = await initRecognizer(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')), join(dir, 'checkpoint.pth'));
  const frames = loadNpy(join(FX, c.frames)); // uint8 [n, h, w, 3]
  const imgs = torch.tidy(() => {
    const x = frames.to('float32').sub(torch.tensor(meta.mean, { dtype: 'float32' })).div(torch.tensor(meta.std, { dtype: 'float32' }));
    return c.input_shape.length === 5
      ? x.permute([0, 3, 1, 2]).unsqueeze(0).contiguous() // [1, n, 3, h, w]
      : x.permute([3, 0, 1, 2]).unsqueeze(0).unsqueeze(0).contiguous(); // [1, 1, 3, n, h, w]
  });
  frames.dispose();
  assert.deepEqual(imgs.shape, c.input_shape);
  return { model, imgs };
}

for (const c of meta.cases) {
  test(`GradCAM ${c.name} (${c.target_layer_name}) matches the PyTorch reference`, async () => {
    const { model, imgs } = await loadCase(c);
    const cam = new GradCAM(model, c.target_layer_name);
    const r = cam.call(imgs);
    assertAllClose(r.preds, torch.tensor(c.preds, { dtype: 'float32' }), 'preds', { rtol: 1e-4, atol: 1e-5 });
    const loc = loadNpy(join(FX, `${c.name}_loc.npy`));
    assertAllClose(r.localizationMap, loc, 'localization map', { rtol: 0, atol: 2e-5 });
    assert.deepEqual(r.blendedImgs.shape, [...c.loc_shape, 3]);
    assert.equal(r.blendedImgs.dtype, 'float64');
    // The demo's frames: equal up to a colour-map bin where the map sits on a bin edge. A neighbouring
    // bin moves a channel by a few levels, halved by the 0.5 blend (at most 2 seen). How many values sit on
    // an edge depends on the BLAS behind the matrix products (reference BLAS: 0.1%, max 1; OpenBLAS: 0.7%).
    const ours = blendedToFrames(r.blendedImgs).toTypedArray() as Uint8Array;
    const ref = loadNpy(join(FX, `${c.name}_frames_out.npy`));
    assert.deepEqual(ref.shape, c.frames_out_shape);
    const theirs = ref.toTypedArray() as Uint8Array;
    let off = 0, maxDiff = 0;
    for (let i = 0; i < theirs.length; i++) {
      const d = Math.abs(ours[i] - theirs[i]);
      if (d) off++;
      maxDiff = Math.max(maxDiff, d);
    }
    assert.ok(maxDiff <= 2 && off <= theirs.length * 0.01, `${off} of ${theirs.length} frame values differ (max ${maxDiff})`);
    // The parameters' gradients are left alone (autograd.grad, not backward).
    for (const [, p] of model.namedParameters()) assert.equal(p.grad, null);
    imgs.dispose();
  });
}

test('GradCAM: the localization maps explain a chosen class; errors name the layer and the model type', async () => {
  const c = meta.cases[0];
  const { model, imgs } = await loadCase(c);
  const cam = new GradCAM(model, c.target_layer_name.replaceAll('/', '.'));
  const top = cam.call(imgs);
  const argmax = (top.preds.toTypedArray() as Float32Array).reduce((b, v, i, a) => (v > a[b] ? i : b), 0);
  const same = cam.call(imgs, { labels: [argmax] });
  assertAllClose(same.localizationMap, top.localizationMap, 'labels=[argmax] = default', { rtol: 0, atol: 0 });
  const other = cam.call(imgs, { labels: [(argmax + 1) % 7] });
  const diff = torch.tidy(() => other.localizationMap.sub(top.localizationMap).abs().max().item());
  assert.ok(diff > 1e-3, 'another class gives another map');
  // Heat map colours are matplotlib's viridis: 0 -> first entry, 1 -> last, floor(x * 256) between.
  assert.deepEqual(Array.from(applyColormap([0, 1, 0.5, -1, 2])), [
    0.267004, 0.004874, 0.329415, 0.993248, 0.906157, 0.143936, 0.127568, 0.566949, 0.550556,
    0.267004, 0.004874, 0.329415, 0.993248, 0.906157, 0.143936]);
  assert.throws(() => new GradCAM(model, 'backbone/layer9/1/relu'), /target layer 'backbone\/layer9\/1\/relu' not found: backbone has no submodule 'layer9' \(it has: conv1, maxpool, layer1, layer2\)/);
  assert.throws(() => cam.call(imgs.index(0)), /expected a 5-D input/);
  assert.throws(() => cam.call(imgs, { labels: [9] }), /label 9 is not a class index/);
  assert.throws(() => new GradCAM(model.backbone as never), /supports Recognizer2D and Recognizer3D only/);
});
