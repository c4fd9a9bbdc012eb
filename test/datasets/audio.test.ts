// AudioFeatureDataset + LoadAudioFeature + AudioFeatureSelector + FormatAudioShape on a
// spectrogram written in the test setup (MMAction2's audio test pipeline).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { buildDataset } from '../../src/datasets/index.ts';
import { NDArray } from '../../src/datasets/pipelines/types.ts';

let root = '';
function saveNpy(path: string, data: Float32Array, shape: number[]): void {
  let hdr = `{'descr': '<f4', 'fortran_order': False, 'shape': (${shape.join(', ')},), }`;
  hdr += ' '.repeat(64 - ((10 + hdr.length + 1) % 64)) + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head.writeUInt16LE(hdr.length, 8);
  writeFileSync(path, Buffer.concat([head, Buffer.from(hdr, 'latin1'), Buffer.from(data.buffer)]));
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'mmaction-audio-'));
  const f = new Float32Array(100 * 4).map((_, i) => Math.floor(i / 4)); // row r holds r
  saveNpy(join(root, 'a.npy'), f, [100, 4]);
  writeFileSync(join(root, 'ann.txt'), 'a 50 3\nmissing 50 1\n');
});
after(() => rmSync(root, { recursive: true, force: true }));

const pipeline = [
  { type: 'LoadAudioFeature' },
  { type: 'SampleFrames', clip_len: 16, frame_interval: 1, num_clips: 2, test_mode: true },
  { type: 'AudioFeatureSelector', fixed_length: 24 },
  { type: 'FormatAudioShape', input_format: 'NCTF' },
  { type: 'Collect', keys: ['audios', 'label'], meta_keys: [] },
  { type: 'ToTensor', keys: ['audios'] },
];

test('audio test pipeline: clips cut at round((ind + 1) / total * length), zero-padded to fixed_length', async () => {
  const ds = buildDataset({ type: 'AudioFeatureDataset', ann_file: join(root, 'ann.txt'), data_prefix: root, pipeline });
  assert.equal(ds.length, 2);
  const r = await ds.prepare(0);
  const a = r.audios as NDArray;
  assert.deepEqual(a.shape, [2, 1, 24, 4]);
  // total 50, start_index 1: clip offsets int(k * 17.5 + 8.75) = 8, 26 -> inds 9..24, 27..42
  // clip 0 rows round(10 / 50 * 100) = 20 .. round(25 / 50 * 100) = 50 -> 30 rows, first 24 kept
  const d = a.data as Float32Array;
  assert.equal(d[0], 20);
  assert.equal(d[23 * 4], 43);
  // clip 1 rows 56 .. 86, truncated to 24
  assert.equal(d[24 * 4], 56);
  assert.equal(r.label, 3);
  const missing = await ds.prepare(1);
  assert.ok(Array.from((missing.audios as NDArray).data as Float32Array).every((v) => v === 0)); // MMAction2 pads absent features
});
