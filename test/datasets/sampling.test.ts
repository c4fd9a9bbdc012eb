// SampleFrames / DenseSampleFrames / UntrimmedSampleFrames against MMAction2 0.24's indices
// (fixtures: test/fixtures/pipelines/sampling, produced by the real MMAction2).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PipelineRandom, RandomState } from '../../src/datasets/rng.ts';
import { DenseSampleFrames, SampleAVAFrames, SampleFrames, UntrimmedSampleFrames } from '../../src/datasets/pipelines/sampling.ts';
import type { Results, Transform } from '../../src/datasets/pipelines/types.ts';
import { readJson } from './fixtures.ts';

interface Entry {
  params: Record<string, unknown>;
  total_frames: number;
  start_index: number;
  frame_inds: number[] | null;
  out_num_clips?: number;
  error?: string;
  numpy_seed?: number;
}

function check(file: string, make: (p: Record<string, unknown>) => Transform, minCount: number): void {
  const entries = readJson<Entry[]>(`sampling/${file}`);
  assert.ok(entries.length >= minCount, `${file}: ${entries.length} entries`);
  let failures = 0;
  const msgs: string[] = [];
  for (const e of entries) {
    const rng = new PipelineRandom(e.numpy_seed ?? 0);
    const t = make(e.params);
    const r: Results = { total_frames: e.total_frames, start_index: e.start_index };
    if (e.frame_inds === null) {
      assert.throws(() => t.call(r, { rng }), /no clip centre/, JSON.stringify(e));
      continue;
    }
    t.call(r, { rng });
    const ok = JSON.stringify(r.frame_inds) === JSON.stringify(e.frame_inds) &&
      (e.out_num_clips === undefined || r.num_clips === e.out_num_clips);
    if (!ok) {
      failures++;
      if (msgs.length < 5) msgs.push(`${JSON.stringify(e.params)} T=${e.total_frames} s=${e.start_index}: got ${JSON.stringify(r.frame_inds)} (${r.num_clips}) want ${JSON.stringify(e.frame_inds)} (${e.out_num_clips})`);
    }
  }
  assert.equal(failures, 0, `${file}: ${failures}/${entries.length} differ\n${msgs.join('\n')}`);
}

test('SampleFrames test mode: every fixture entry exact', () => {
  check('sample_frames_test.json', (p) => new SampleFrames(p), 2000);
});

test('SampleFrames test mode: config sweeps exact', () => {
  check('sample_frames_test_sweeps.json', (p) => new SampleFrames(p), 1900);
});

test('DenseSampleFrames test mode exact', () => {
  check('dense_sample_frames_test.json', (p) => new DenseSampleFrames(p), 600);
});

test('UntrimmedSampleFrames exact, ValueError inputs throw', () => {
  check('untrimmed_sample_frames.json', (p) => new UntrimmedSampleFrames(p), 150);
});

test('SampleFrames train mode after np.random.seed: exact (numpy legacy MT19937)', () => {
  check('sample_frames_train_seeded.json', (p) => new SampleFrames(p), 90);
});

test('RandomState reproduces numpy legacy streams', () => {
  // np.random.seed(0); np.random.rand(3); np.random.seed(42); np.random.randint(10, size=5)
  const r = new RandomState(0);
  assert.deepEqual([r.rand(), r.rand(), r.rand()], [0.5488135039273248, 0.7151893663724195, 0.6027633760716439]);
  r.seed(42);
  assert.deepEqual(r.randints(0, 10, 5), [6, 3, 7, 4, 6]);
  r.seed(1);
  assert.equal(r.uniform(0, 5), 5 * 0.417022004702574);
});

test('SampleFrames options are validated', () => {
  assert.throws(() => new SampleFrames({ clip_len: 1, num_clip: 3 }), /unknown option 'num_clip' \(did you mean num_clips\?\)/);
  assert.throws(() => new SampleFrames({}), /missing required option 'clip_len'/);
  assert.throws(() => new SampleFrames({ clip_len: 1, out_of_bound_opt: 'wrap' }), /out_of_bound_opt must be one of/);
  assert.throws(() => new SampleFrames({ clip_len: 1 }).call({ start_index: 0 }, { rng: new PipelineRandom() }), /total_frames/);
});

test('SampleAVAFrames: test mode centred clip clipped to the shot', () => {
  const t = new SampleAVAFrames({ clip_len: 4, frame_interval: 2, test_mode: true });
  const r = t.call({ fps: 30, timestamp: 902, timestamp_start: 900, shot_info: [0, 63], start_index: 0 } as Results,
    { rng: new PipelineRandom(0) });
  // centre 61: range(57, 65, 2) = 57, 59, 61, 63 -> clipped to 62
  assert.deepEqual(r.frame_inds, [57, 59, 61, 62]);
  assert.equal(r.num_clips, 1);
  assert.deepEqual(Array.from(r.crop_quadruple!), [0, 0, 1, 1]);
});

test('Python random emulation (random.seed / randint / choice)', () => {
  // random.seed(0); [random.random() for _ in range(2)]; random.seed(1); [random.randint(0, 100) for _ in range(3)]
  const r = new RandomState();
  r.seedPython(0);
  assert.deepEqual([r.rand(), r.rand()], [0.8444218515250481, 0.7579544029403025]);
  r.seedPython(1);
  assert.deepEqual([r.pyRandint(0, 100), r.pyRandint(0, 100), r.pyRandint(0, 100)], [17, 72, 97]);
});
