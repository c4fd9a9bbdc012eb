// cv2.resize (via mmcv.imresize) bit-exactness on a real frame: up/down-scaling, exact 2x,
// odd and tiny sizes, nearest (fixtures: test/fixtures/pipelines/ops).
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { imresize } from '../../src/datasets/pipelines/imresize.ts';
import { ImageBatch } from '../../src/datasets/pipelines/types.ts';
import { FIXTURES, readJson, readNpy, sha256 } from './fixtures.ts';

const ops = readJson('ops/ops.json');
const hashes = readJson<Record<string, string>>('ops/resize_sha256.json');
const input = readNpy(join(FIXTURES, 'ops/resize_input.npy'));
const [h, w, c] = input.shape as [number, number, number];
const src = new ImageBatch(new Uint8Array(input.bytes), 1, h, w, c);

for (const rc of ops.resize_cases as { file: string; size_wh: [number, number]; interpolation: 'bilinear' | 'nearest' }[]) {
  test(`imresize ${rc.interpolation} ${w}x${h} -> ${rc.size_wh.join('x')} is bit-exact`, () => {
    const out = imresize(src, rc.size_wh[0], rc.size_wh[1], rc.interpolation);
    assert.deepEqual([out.h, out.w, out.c], [rc.size_wh[1], rc.size_wh[0], 3]);
    assert.equal(sha256(out.data), hashes[rc.file]);
  });
}

test('imresize: same size is a copy; batches resize each image alike', () => {
  const two = new ImageBatch(new Uint8Array([...src.data, ...src.data]), 2, h, w, c);
  const out = imresize(two, 97, 131);
  assert.deepEqual(out.frame(0), out.frame(1));
  assert.equal(sha256(out.frame(0)), hashes['resize_bilinear_97x131.npy']);
  assert.deepEqual(imresize(src, w, h).data, src.data);
  assert.throws(() => imresize(src, 10, 10, 'bicubic'), /not implemented/);
});
