// Resize / crop geometry against MMAction2 (ops.json: resize_geometry, crop_geometry):
// img_shape, float32 scale_factor, crop_bbox, float32 crop_quadruple, Ten/ThreeCrop boxes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CenterCrop, TenCrop, ThreeCrop } from '../../src/datasets/pipelines/crop.ts';
import { Resize } from '../../src/datasets/pipelines/resize.ts';
import { ImageBatch, type Results } from '../../src/datasets/pipelines/types.ts';
import { PipelineRandom } from '../../src/datasets/rng.ts';
import { readJson } from './fixtures.ts';

const ops = readJson('ops/ops.json');
const ctx = { rng: new PipelineRandom(0) };

test(`Resize geometry: ${ops.resize_geometry.length} (size, scale, keep_ratio) cases exact`, () => {
  assert.ok(ops.resize_geometry.length > 100);
  for (const g of ops.resize_geometry) {
    const [w, h] = g.input_wh;
    const r: Results = { img_shape: [h, w] };
    new Resize({ scale: g.scale, keep_ratio: g.keep_ratio }).call(r);
    const at = JSON.stringify(g);
    assert.deepEqual(r.img_shape, g.img_shape_hw, at);
    assert.deepEqual(Array.from(r.scale_factor!), g.scale_factor, at);
    assert.equal(r.keep_ratio, g.keep_ratio);
  }
});

test(`CenterCrop / TenCrop / ThreeCrop geometry: ${ops.crop_geometry.length} cases exact`, () => {
  let three = 0;
  for (const g of ops.crop_geometry) {
    const [w, h] = g.input_wh;
    const at = JSON.stringify({ input: g.input_wh, crop: g.crop_size });
    const r: Results = { img_shape: [h, w] };
    new CenterCrop({ crop_size: g.crop_size }).call(r);
    assert.deepEqual(r.crop_bbox, g.center_crop_bbox, at);
    assert.deepEqual(Array.from(r.crop_quadruple!), g.center_crop_quadruple, at);
    const img = () => ({ imgs: ImageBatch.alloc(1, h, w, 3) }) as Results;
    const ten = new TenCrop({ crop_size: g.crop_size }).call(img());
    assert.deepEqual(ten.crop_bbox, g.ten_crop_bboxes, at);
    if (g.three_crop_bboxes) {
      three++;
      const t = new ThreeCrop({ crop_size: g.crop_size }).call(img());
      assert.deepEqual(t.crop_bbox, g.three_crop_bboxes, at);
    }
  }
  assert.ok(three > 0);
});

test('crop pixels: TenCrop is crop then mirrored crop; crops larger than the image are errors', () => {
  const b = ImageBatch.alloc(1, 4, 6, 1);
  b.data.forEach((_, i) => (b.data[i] = i));
  const r = new TenCrop({ crop_size: [2, 2] }).call({ imgs: b });
  const imgs = r.imgs as ImageBatch;
  assert.equal(imgs.n, 10);
  assert.deepEqual(Array.from(imgs.frame(0)), [0, 1, 6, 7]);
  assert.deepEqual(Array.from(imgs.frame(1)), [1, 0, 7, 6]);
  assert.deepEqual(Array.from(imgs.frame(2)), [4, 5, 10, 11]); // x = 4 * ((6 - 2) // 4)
  assert.throws(() => new CenterCrop({ crop_size: 8 }).call({ imgs: ImageBatch.alloc(1, 4, 6, 1) }), /does not fit/);
  assert.throws(() => new ThreeCrop({ crop_size: [3, 3] }).call({ imgs: ImageBatch.alloc(1, 4, 6, 1) }), /full height or width/);
  void ctx;
});
