// Audio features against the numpy reference of scripts/fixtures/gen_audio_features.py, which
// implements MMAction2 0.24's tools/data/build_audio_features.py (lws 1.2 STFT) and librosa 0.9's
// mel filters (checked bit for bit against librosa 0.11 when it was generated).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { loadAudio, lwsFrameCount, lwsLogMelFeature, lwsWindow, melFilters, normalizeWaveform } from '../../src/audio/index.ts';
import { run as buildAudioFeatures } from '../../src/cli/build_audio_features.ts';
import { parsePart, selectPart } from '../../src/cli/data_tools.ts';
import { loadNpy } from '../../src/datasets/npy.ts';

const FX = join(import.meta.dirname, '..', 'fixtures', 'audio');
const CHIRP = join(FX, 'chirp_noise_16k.wav');
let dir = '';
before(() => { dir = mkdtempSync(join(tmpdir(), 'mmts-audiofeat-')); });
after(() => rmSync(dir, { recursive: true, force: true }));

function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  assert.equal(a.length, b.length);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** The int16 PCM of a WAV's data chunk. */
function pcm16(file: string): { data: Int16Array; channels: number } {
  const b = readFileSync(file);
  const channels = b.readUInt16LE(22);
  let off = 12;
  while (off + 8 <= b.length) {
    const size = b.readUInt32LE(off + 4);
    if (b.toString('ascii', off, off + 4) === 'data') {
      const body = b.subarray(off + 8, off + 8 + size);
      return { data: new Int16Array(body.buffer.slice(body.byteOffset, body.byteOffset + body.byteLength)), channels };
    }
    off += 8 + size + (size & 1);
  }
  throw new Error(`${file}: no data chunk`);
}

test('melFilters equals librosa.filters.mel(sr=16000, n_fft=400, n_mels=40) bit for bit', () => {
  const ref = loadNpy(join(FX, 'mel_basis_400_40.npy'));
  assert.deepEqual(ref.shape, [40, 201]);
  const ours = melFilters({ sr: 16000, n_fft: 400, n_mels: 40 });
  assert.equal(maxAbsDiff(ours, ref.data as Float32Array), 0);
  // htk / unnormalised variants differ from it (the options are not ignored)
  assert.ok(maxAbsDiff(melFilters({ sr: 16000, n_fft: 400, n_mels: 40, htk: true }), ours) > 1e-3, 'htk ignored');
  assert.ok(maxAbsDiff(melFilters({ sr: 16000, n_fft: 400, n_mels: 40, norm: null }), ours) > 0.5, 'norm ignored');
});

test('loadAudio: librosa.load of 16-bit PCM at its own rate = int16 / 32768, mean of the channels', async () => {
  const { data, channels } = pcm16(CHIRP);
  assert.equal(channels, 2);
  const a = await loadAudio(CHIRP, 16000);
  assert.equal(a.sampleRate, 16000);
  assert.equal(a.samples.length, 6500);
  for (const i of [0, 1, 777, 3250, 6499]) {
    assert.equal(a.samples[i], Math.fround((data[2 * i]! / 32768 + data[2 * i + 1]! / 32768) / 2), `sample ${i}`);
  }
});

test('lws framing: MMAction2\'s lws_num_frames; the window satisfies perfect reconstruction', () => {
  // AudioTools.lws_num_frames (build_audio_features.py), valid where fshift divides fsize
  const lwsNumFrames = (len: number, fsize: number, fshift: number) => {
    const pad = fsize - fshift;
    return Math.floor((len + pad * 2 - fsize) / fshift) + (len % fshift === 0 ? 1 : 2);
  };
  for (const [fsize, fshift] of [[512, 256], [1280, 320]] as const) {
    for (let len = 1; len <= 3000; len += 7) assert.equal(lwsFrameCount(len, fsize, fshift), lwsNumFrames(len, fsize, fshift), `${len}`);
    const w = lwsWindow(fsize, fshift);
    for (let k = 0; k < fshift; k++) {
      let s = 0;
      for (let i = k; i < fsize; i += fshift) s += w[i]! * w[i]!;
      assert.ok(Math.abs(s - 1) < 1e-12, `overlap-add at ${k}: ${s}`);
    }
  }
});

test('lwsLogMelFeature equals build_audio_features.py on the chirp + noise WAV (max |diff| <= 1e-6)', async () => {
  const ref = loadNpy(join(FX, 'chirp_lws.npy'));
  const { samples } = await loadAudio(CHIRP, 16000);
  const f = lwsLogMelFeature(normalizeWaveform(samples));
  assert.deepEqual(f.shape, ref.shape);
  assert.deepEqual(f.shape, [27, 80]); // ceil(6500 / 256) + 1 frames
  const d = maxAbsDiff(f.data, ref.data as Float32Array);
  assert.ok(d <= 1e-6, `max |diff| ${d}`); // measured 0
  // chirp + noise spans a good part of the [0, 1] dB scale (no clipping here)
  const v = Array.from(f.data);
  assert.ok(Math.min(...v) > 0.05 && Math.max(...v) - Math.min(...v) > 0.5, `range ${Math.min(...v)}..${Math.max(...v)}`);
});

test('build-audio-features: SRC/*.wav -> OUT/<name>.npy as MMAction2; existing files kept; failures reported', async () => {
  const src = join(dir, 'src');
  const out = join(dir, 'out');
  mkdirSync(join(src, 'sub'), { recursive: true });
  copyFileSync(CHIRP, join(src, 'chirp.wav'));
  copyFileSync(CHIRP, join(src, '.hidden.wav')); // glob's '*' skips it
  copyFileSync(CHIRP, join(src, 'sub', 'deeper.wav')); // not at level 1
  writeFileSync(join(src, 'broken.wav'), 'not audio');
  writeFileSync(join(src, 'notes.txt'), 'x');
  const logs: string[] = [];
  const [log, err] = [console.log, console.error];
  console.log = (m: string) => logs.push(m);
  console.error = (m: string) => logs.push(m);
  let rc: number;
  try {
    rc = await buildAudioFeatures([src, out, '--ext', 'wav', '--num-workers', '2']);
  } finally {
    [console.log, console.error] = [log, err];
  }
  assert.equal(rc, 1); // broken.wav
  assert.ok(logs.includes('found 2 files.'), logs.join('\n'));
  assert.ok(logs.some((l) => l.startsWith(`Read audio [${join(src, 'broken.wav')}] failed`)), logs.join('\n'));
  for (const f of ['broken.npy', 'deeper.npy', '.hidden.npy']) assert.ok(!existsSync(join(out, f)), `${f} written`);
  const npy = loadNpy(join(out, 'chirp.npy'));
  const ref = loadNpy(join(FX, 'chirp_lws.npy'));
  assert.deepEqual(npy.shape, [27, 80]);
  assert.ok(maxAbsDiff(npy.data as Float32Array, ref.data as Float32Array) <= 1e-6, 'chirp.npy differs from the reference');

  // level 2 finds sub/deeper.wav; chirp.npy is not rewritten on a second run
  const mtime = statSync(join(out, 'chirp.npy')).mtimeMs;
  rmSync(join(src, 'broken.wav'));
  console.log = () => {};
  try {
    assert.equal(await buildAudioFeatures([src, out, '--ext=wav', '--level', '2']), 0);
    assert.equal(await buildAudioFeatures([src, out, '--ext', 'wav']), 0);
  } finally {
    console.log = log;
  }
  assert.ok(existsSync(join(out, 'deeper.npy')), 'level 2 missed sub/deeper.wav');
  assert.equal(statSync(join(out, 'chirp.npy')).mtimeMs, mtime);
  await assert.rejects(buildAudioFeatures([src, out, '--part', '3/2']), /--part expects THIS\/NUM/);
  await assert.rejects(buildAudioFeatures([join(dir, 'nope'), out]), /source folder .*nope does not exist/);
});

test('--part THIS/NUM slices the sorted list as build_audio_features.py (the last part takes the rest)', () => {
  const files = Array.from({ length: 10 }, (_, i) => i);
  assert.deepEqual(selectPart(files, parsePart('1/3')), [0, 1, 2]);
  assert.deepEqual(selectPart(files, parsePart('2/3')), [3, 4, 5]);
  assert.deepEqual(selectPart(files, parsePart('3/3')), [6, 7, 8, 9]);
  assert.deepEqual(selectPart(files, parsePart('1/1')), files);
  assert.throws(() => parsePart('0/2'), /--part expects THIS\/NUM/);
});

test('LoadAudioFeature reads MMAction2\'s Fortran-ordered feature files', () => {
  // np.save(spectrogram.astype(np.float32)) of a transposed [80, frames] array writes fortran_order True
  const rows = 3, cols = 4;
  let hdr = `{'descr': '<f4', 'fortran_order': True, 'shape': (${rows}, ${cols}), }`;
  hdr = hdr.padEnd(64 - 10 - 1, ' ') + '\n';
  const head = Buffer.alloc(10);
  head.write('\x93NUMPY', 0, 'latin1');
  head[6] = 1;
  head.writeUInt16LE(hdr.length, 8);
  const colMajor = new Float32Array(rows * cols);
  for (let r = 0; r < rows; r++) for (let c = 0; c < cols; c++) colMajor[c * rows + r] = 10 * r + c;
  const file = join(dir, 'fortran.npy');
  writeFileSync(file, Buffer.concat([head, Buffer.from(hdr, 'latin1'), Buffer.from(colMajor.buffer)]));
  const a = loadNpy(file);
  assert.deepEqual(a.shape, [rows, cols]);
  assert.deepEqual(Array.from(a.data as Float32Array), [0, 1, 2, 3, 10, 11, 12, 13, 20, 21, 22, 23]);
});
