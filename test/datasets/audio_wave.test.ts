// AudioDataset with AudioDecodeInit / SampleFrames / AudioDecode / AudioAmplify / MelSpectrogram
// on a sine the ffmpeg CLI writes here, against MMAction2 0.24's math in numpy
// (scripts/fixtures/gen_audio_features.py: librosa 0.9's melspectrogram, checked bit for bit
// against librosa 0.11). Also extract-audio and build-audio-features on an mp4's AAC track.
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadAudio } from '../../src/audio/load.ts';
import { run as buildAudioFeatures } from '../../src/cli/build_audio_features.ts';
import { run as extractAudioCli } from '../../src/cli/extract_audio.ts';
import { buildDataset, buildPipeline } from '../../src/datasets/index.ts';
import { loadNpy } from '../../src/datasets/npy.ts';
import { NDArray } from '../../src/datasets/pipelines/types.ts';
import { ffmpeg } from '../video/media.ts';

const FX = join(import.meta.dirname, '..', 'fixtures', 'audio');
const meta = JSON.parse(readFileSync(join(FX, 'sine_pipeline.json'), 'utf8')) as {
  ffmpeg: string[]; pcm_sha256: string; length: number; total_frames: number; num_clips: number; frame_inds: number[];
  decode_fixed_length: number; amplify: number; clip_sums: number[]; random_pad_seed0: number[];
  cases: { cfg: Record<string, number>; shape: number[] }[]; lws_shape: [number, number];
};
const ref = loadNpy(join(FX, 'sine_pipeline.npy')).data as Float32Array;
const LWS = ref.subarray(0, meta.lws_shape[0] * meta.lws_shape[1]);

let dir = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'mmts-audiowave-'));
  ffmpeg([...meta.ffmpeg, join(dir, 'sine.wav')]);
  // the same sine at 44.1 kHz as the AAC track of a video (256 kb/s: ~48 dB SNR away from the beep)
  mkdirSync(join(dir, 'videos', 'cls'), { recursive: true });
  ffmpeg(['-f', 'lavfi', '-i', 'testsrc2=size=64x48:rate=25', '-f', 'lavfi', '-i',
    'sine=frequency=440:beep_factor=4:sample_rate=44100:duration=2', '-t', '2', '-c:v', 'mpeg4', '-c:a', 'aac', '-b:a', '256k',
    join(dir, 'videos', 'cls', 'sine.mp4')]);
  writeFileSync(join(dir, 'ann.txt'), `sine ${meta.total_frames} 3\nvideos/cls/sine.mp4 ${meta.total_frames} 1\n`);
});
after(() => rmSync(dir, { recursive: true, force: true }));

function pipeline(mel: Record<string, number>) {
  return [
    { type: 'AudioDecodeInit' },
    { type: 'SampleFrames', clip_len: 16, frame_interval: 1, num_clips: meta.num_clips, test_mode: true },
    { type: 'AudioDecode', fixed_length: meta.decode_fixed_length },
    { type: 'AudioAmplify', ratio: meta.amplify },
    { type: 'MelSpectrogram', ...mel },
  ];
}

/** max over elements of |ours - ref| / (rtol |ref| + atol). */
function worst(ours: Float32Array, expected: Float32Array, rtol: number, atol: number): number {
  assert.equal(ours.length, expected.length);
  let w = 0;
  for (let i = 0; i < ours.length; i++) w = Math.max(w, Math.abs(ours[i]! - expected[i]!) / (rtol * Math.abs(expected[i]!) + atol));
  return w;
}

function snrDb(a: Float32Array, b: Float32Array, lo: number, hi: number): number {
  let e = 0, s = 0;
  for (let i = lo; i < hi; i++) {
    e += (a[i]! - b[i]!) ** 2;
    s += a[i]! ** 2;
  }
  return 10 * Math.log10(s / e);
}

test('the ffmpeg sine is the one the reference was computed on', () => {
  const b = readFileSync(join(dir, 'sine.wav'));
  const at = b.indexOf('data', 12, 'ascii');
  const pcm = b.subarray(at + 8, at + 8 + b.readUInt32LE(at + 4));
  assert.equal(createHash('sha256').update(pcm).digest('hex'), meta.pcm_sha256);
});

test('AudioDataset: `path total_frames label` lines, suffix .wav added to bare names', () => {
  const ds = buildDataset({ type: 'AudioDataset', ann_file: join(dir, 'ann.txt'), data_prefix: dir, pipeline: [] }) as unknown as {
    videoInfos: unknown[];
  };
  assert.deepEqual(ds.videoInfos, [
    { audio_path: join(dir, 'sine.wav'), total_frames: 50, label: 3 },
    { audio_path: join(dir, 'videos/cls/sine.mp4.wav'), total_frames: 50, label: 1 },
  ]);
  const custom = buildDataset({ type: 'AudioDataset', ann_file: join(dir, 'ann.txt'), data_prefix: dir, suffix: '.mp4', pipeline: [] }) as unknown as {
    videoInfos: { audio_path: string }[];
  };
  assert.equal(custom.videoInfos[1]!.audio_path, join(dir, 'videos/cls/sine.mp4'));
});

for (const [k, c] of meta.cases.entries()) {
  test(`MelSpectrogram(${JSON.stringify(c.cfg)}) after AudioDecode/AudioAmplify = librosa's (rtol 2e-6)`, async () => {
    const ds = buildDataset({ type: 'AudioDataset', ann_file: join(dir, 'ann.txt'), data_prefix: dir, test_mode: true, pipeline: pipeline(c.cfg) });
    const r = await ds.prepare(0);
    assert.deepEqual(r.frame_inds, meta.frame_inds);
    assert.equal(r.length, meta.length);
    assert.equal(r.sample_rate, 16000);
    assert.equal(r.amplify_ratio, 1.5);
    assert.deepEqual(r.audios_shape, [meta.num_clips, meta.decode_fixed_length]);
    const a = r.audios as NDArray;
    assert.deepEqual(a.shape, c.shape);
    let off = LWS.length;
    for (let j = 0; j < k; j++) off += meta.cases[j]!.shape.reduce((x, y) => x * y, 1);
    const expected = ref.subarray(off, off + a.data.length);
    // float32 mel sums in numpy (sgemm) vs float64 here: measured worst 3.2e-7 relative
    assert.ok(worst(a.data as Float32Array, expected, 2e-6, 1e-12) <= 1, `worst ${worst(a.data as Float32Array, expected, 1, 0)}`);
  });
}

test('AudioDecode + AudioAmplify: the clips of round((ind + 1) / total * length), times float32(1.5)', async () => {
  const p = buildPipeline(pipeline({}).slice(0, 4), { tensors: false });
  const r = await p({ audio_path: join(dir, 'sine.wav'), total_frames: 50, start_index: 1, modality: 'Audio' });
  const a = r.audios as NDArray;
  const per = a.shape[1]!;
  for (let c = 0; c < meta.num_clips; c++) {
    let s = 0;
    for (let i = 0; i < per; i++) s += (a.data as Float32Array)[c * per + i]!;
    assert.ok(Math.abs(s - meta.clip_sums[c]!) <= 1e-9 * Math.max(1, Math.abs(meta.clip_sums[c]!)), `clip ${c}: ${s} vs ${meta.clip_sums[c]}`);
  }
});

test('AudioDecodeInit: the AAC track of an mp4, resampled 44.1 -> 16 kHz, is the same sine (> 30 dB SNR)', async () => {
  const wav = (await loadAudio(join(dir, 'sine.wav'))).samples;
  const p = buildPipeline([{ type: 'AudioDecodeInit', sample_rate: 16000 }], { tensors: false });
  const r = await p({ audio_path: join(dir, 'videos', 'cls', 'sine.mp4') });
  assert.equal(r.sample_rate, 16000);
  const y = (r.audios as NDArray).data as Float32Array;
  assert.ok(Math.abs(y.length - 32000) <= 1024, `${y.length} samples`); // AAC's last frame is padded
  assert.equal(r.length, y.length);
  const snr = snrDb(wav, y, 1600, 30000);
  assert.ok(snr > 30, `SNR ${snr.toFixed(1)} dB`); // measured 41.8 dB; one sample of offset gives 11.9 dB
});

test('extract-audio then build-audio-features on the mp4: the sine\'s MMAction2 feature within AAC error', async () => {
  const wavs = join(dir, 'wavs');
  const feats = join(dir, 'feats');
  const quiet = console.log;
  console.log = () => {};
  try {
    assert.equal(await extractAudioCli([join(dir, 'videos'), wavs, '--level', '2', '--num-workers', '2']), 0);
    assert.ok(existsSync(join(wavs, 'cls', 'sine.wav')), 'no wavs/cls/sine.wav');
    assert.equal(await buildAudioFeatures([wavs, feats, '--level', '2', '--ext', 'wav']), 0);
  } finally {
    console.log = quiet;
  }
  const info = await loadAudio(join(wavs, 'cls', 'sine.wav'), null);
  assert.equal(info.sampleRate, 44100); // extract-audio keeps the stream's rate, as `ffmpeg -map 0:a`
  const f = loadNpy(join(feats, 'sine.npy'));
  assert.equal(f.shape[1], 80);
  assert.ok(Math.abs(f.shape[0]! - meta.lws_shape[0]) <= 3, `${f.shape[0]} frames`);
  // frames away from the ends and the 1 s beep, bands the sine fills (> 0.5): AAC + resampling
  // error, measured 0.0014 (1 = 100 dB)
  const d = f.data as Float32Array;
  let maxd = 0, n = 0;
  for (let t = 7; t < 55; t++) {
    for (let k = 0; k < 80; k++) {
      if (LWS[t * 80 + k]! > 0.5) {
        maxd = Math.max(maxd, Math.abs(d[t * 80 + k]! - LWS[t * 80 + k]!));
        n++;
      }
    }
  }
  assert.ok(n > 100 && maxd < 0.01, `max |diff| ${maxd} over ${n} values`);
});

test('AudioDecodeInit pads a missing file with 10 s of zeros or of numpy\'s uniform noise in [-1, 1)', async () => {
  const zero = await buildPipeline([{ type: 'AudioDecodeInit' }], { tensors: false, seed: 0 })({ audio_path: join(dir, 'none.wav') });
  assert.equal(zero.length, 160000);
  assert.ok(((zero.audios as NDArray).data as Float32Array).every((v) => v === 0), 'zero padding is not zero');
  const rnd = await buildPipeline([{ type: 'AudioDecodeInit', pad_method: 'random' }], { tensors: false, seed: 0 })({ audio_path: join(dir, 'none.wav') });
  assert.deepEqual(Array.from(((rnd.audios as NDArray).data as Float32Array).subarray(0, 8)), meta.random_pad_seed0);
});

test('bad configs and inputs fail with the transform named', async () => {
  const mk = (cfg: Record<string, unknown>) => buildPipeline([cfg]);
  assert.throws(() => mk({ type: 'AudioAmplify', ratio: '2' }), /AudioAmplify.*ratio must be a float/);
  assert.throws(() => mk({ type: 'AudioAmplify' }), /AudioAmplify.*missing required option 'ratio'/);
  assert.throws(() => mk({ type: 'MelSpectrogram', window_size: 12.5 }), /all arguments should be int; window_size/);
  assert.throws(() => mk({ type: 'AudioDecodeInit', io_backend: 'petrel' }), /io_backend must be one of 'disk'/);
  assert.throws(() => mk({ type: 'AudioDecode', fixed_lenght: 3 }), /did you mean fixed_length/);
  // MMAction2's defaults (fixed_length 128 mel rows, 8000-sample clips -> 32 frames) fail there too
  const ds = buildDataset({ type: 'AudioDataset', ann_file: join(dir, 'ann.txt'), data_prefix: dir, test_mode: true, pipeline: pipeline({}) });
  await assert.rejects(ds.prepare(0), /MelSpectrogram: 32 frames < fixed_length 128 .*negative pad/);
  const noDecode = buildPipeline([{ type: 'AudioDecode' }], { tensors: false });
  await assert.rejects(noDecode({ audios: new NDArray(new Float32Array(4), [2, 2]) }), /AudioDecode: results.audios must be float32 \[length\]/);
});
