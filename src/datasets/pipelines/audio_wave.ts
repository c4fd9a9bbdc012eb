/**
 * Waveform audio transforms (MMAction2 0.24 `loading.py` AudioDecodeInit / AudioDecode,
 * `augmentations.py` AudioAmplify / MelSpectrogram), for AudioDataset's `.wav` lists:
 *
 *   AudioDecodeInit  audio_path -> audios float32 [length] (mono), length, sample_rate
 *   SampleFrames     total_frames -> frame_inds (video frames the clips stand for)
 *   AudioDecode      -> audios float32 [num_clips, fixed_length], audios_shape
 *   AudioAmplify     audios *= ratio, amplify_ratio
 *   MelSpectrogram   -> audios float32 [num_clips, rows, frames] (see its note on `fixed_length`)
 */
import { existsSync } from 'node:fs';
import { loadAudio } from '../../audio/load.ts';
import { melSpectrogram } from '../../audio/spectrogram.ts';
import { pyRound } from './audio.ts';
import { expectInt, expectOneOf, parseOptions, type Cfg } from './options.ts';
import { NDArray, type PipelineContext, type Results, type Transform } from './types.ts';

function getAudios(results: Results, type: string, rank: number, what: string): NDArray<Float32Array> {
  const a = results.audios;
  if (!(a instanceof NDArray) || !(a.data instanceof Float32Array) || a.shape.length !== rank) {
    const got = a instanceof NDArray ? `[${a.shape}]` : typeof a;
    throw new Error(`${type}: results.audios must be float32 ${what}, got ${got}`);
  }
  return a as NDArray<Float32Array>;
}

/**
 * Decodes `audio_path` to mono float32 at `sample_rate` (librosa.load's semantics; see
 * src/audio/load.ts). A missing file becomes 10 s of zeros, or of uniform noise in [-1, 1) from
 * the pipeline's numpy generator with pad_method 'random', as MMAction2 does for videos without
 * an audio track.
 */
export class AudioDecodeInit implements Transform {
  readonly type = 'AudioDecodeInit';
  readonly sampleRate: number;
  readonly padMethod: 'zero' | 'random';

  constructor(cfg: Cfg, where = 'AudioDecodeInit') {
    const o = parseOptions(where, cfg, { io_backend: 'disk', sample_rate: 16000, pad_method: 'zero' });
    expectOneOf(where, 'io_backend', o.io_backend, ['disk'] as const);
    this.sampleRate = expectInt(where, 'sample_rate', o.sample_rate, 1);
    this.padMethod = expectOneOf(where, 'pad_method', o.pad_method, ['zero', 'random'] as const);
  }

  async call(results: Results, ctx: PipelineContext): Promise<Results> {
    const path = results.audio_path;
    if (typeof path !== 'string') throw new Error('AudioDecodeInit: results.audio_path must be a string (use AudioDataset)');
    let y: Float32Array;
    let sr = this.sampleRate;
    if (existsSync(path)) {
      const a = await loadAudio(path, this.sampleRate);
      y = a.samples;
      sr = a.sampleRate;
    } else {
      y = new Float32Array(pyRound(10.0 * this.sampleRate));
      // np.random.rand(n).astype(np.float32) * 2 - 1
      if (this.padMethod === 'random') for (let i = 0; i < y.length; i++) y[i] = Math.fround(Math.fround(ctx.rng.np.rand()) * 2 - 1);
    }
    results.length = y.length;
    results.sample_rate = sr;
    results.audios = new NDArray(y, [y.length]);
    return results;
  }
}

/**
 * Cuts the samples of each clip: clip c spans round((first + 1) / total_frames * length) to
 * round((last + 1) / total_frames * length) (Python rounding), truncated or zero-padded to
 * `fixed_length` samples.
 */
export class AudioDecode implements Transform {
  readonly type = 'AudioDecode';
  readonly fixedLength: number;

  constructor(cfg: Cfg, where = 'AudioDecode') {
    const o = parseOptions(where, cfg, { fixed_length: 32000 });
    this.fixedLength = expectInt(where, 'fixed_length', o.fixed_length, 1);
  }

  call(results: Results): Results {
    const audio = getAudios(results, this.type, 1, '[length] samples (AudioDecodeInit first)');
    const inds = results.frame_inds;
    const numClips = results.num_clips;
    const total = results.total_frames;
    const length = results.length;
    if (!Array.isArray(inds) || typeof numClips !== 'number' || typeof total !== 'number' || typeof length !== 'number') {
      throw new Error('AudioDecode: needs frame_inds, num_clips, total_frames (SampleFrames first) and length (AudioDecodeInit)');
    }
    if (numClips < 1 || inds.length % numClips !== 0) throw new Error(`AudioDecode: ${inds.length} frame_inds do not split into ${numClips} clips`);
    const per = inds.length / numClips;
    const L = this.fixedLength;
    const out = new Float32Array(numClips * L);
    for (let c = 0; c < numClips; c++) {
      const start = Math.max(0, pyRound(((inds[c * per]! + 1) / total) * length));
      const end = Math.min(length, pyRound(((inds[c * per + per - 1]! + 1) / total) * length));
      const clip = audio.data.subarray(start, Math.max(start, end));
      out.set(clip.subarray(0, Math.min(clip.length, L)), c * L);
    }
    results.audios = new NDArray(out, [numClips, L]);
    results.audios_shape = [numClips, L];
    return results;
  }
}

/** Multiplies the waveform by `ratio` (float32 arithmetic, as numpy's in-place `*=`). */
export class AudioAmplify implements Transform {
  readonly type = 'AudioAmplify';
  readonly ratio: number;

  constructor(cfg: Cfg, where = 'AudioAmplify') {
    const o = parseOptions(where, cfg, {} as { ratio: number }, ['ratio']);
    if (typeof o.ratio !== 'number' || !Number.isFinite(o.ratio)) {
      throw new TypeError(`${where}: ratio must be a float (the amplification factor), got ${JSON.stringify(o.ratio)}`);
    }
    this.ratio = o.ratio;
  }

  call(results: Results): Results {
    const a = results.audios;
    if (!(a instanceof NDArray) || !(a.data instanceof Float32Array || a.data instanceof Float64Array)) {
      throw new Error('AudioAmplify: results.audios must be a float waveform (AudioDecodeInit / AudioDecode first)');
    }
    // numpy casts the Python float to the array's float32 before multiplying
    const r = a.data instanceof Float32Array ? Math.fround(this.ratio) : this.ratio;
    results.audios = new NDArray(a.data.map((v) => v * r), a.shape);
    results.amplify_ratio = this.ratio;
    return results;
  }
}

/**
 * `librosa.feature.melspectrogram` of each clip (power 2, n_fft = round(sample_rate *
 * window_size / 1000), hop = round(sample_rate * step_size / 1000), Slaney mel filters over
 * 0..sample_rate / 2): [n_mels, frames] per clip.
 *
 * Note: MMAction2 0.24 applies `fixed_length` to axis 0, which is the MEL axis, and this keeps
 * its behaviour (same shapes, same numbers): with n_mels >= fixed_length the first
 * fixed_length mel bands are kept; otherwise (frames - fixed_length) copies of the last band are
 * appended, and MMAction2 fails (numpy rejects a negative pad) when frames < fixed_length, e.g.
 * with its defaults fixed_length 128 and AudioDecode's 32000 samples (126 frames). The output
 * stays [clip, band, frame]: FormatAudioShape then calls the bands "T" and the frames "F".
 */
export class MelSpectrogram implements Transform {
  readonly type = 'MelSpectrogram';
  readonly windowSize: number;
  readonly stepSize: number;
  readonly nMels: number;
  readonly fixedLength: number;

  constructor(cfg: Cfg, where = 'MelSpectrogram') {
    const o = parseOptions(where, cfg, { window_size: 32, step_size: 16, n_mels: 80, fixed_length: 128 });
    for (const k of ['window_size', 'step_size', 'n_mels', 'fixed_length'] as const) {
      if (!Number.isInteger(o[k])) throw new TypeError(`${where}: all arguments should be int; ${k} is ${JSON.stringify(o[k])}`);
    }
    this.windowSize = expectInt(where, 'window_size', o.window_size, 1);
    this.stepSize = expectInt(where, 'step_size', o.step_size, 1);
    this.nMels = expectInt(where, 'n_mels', o.n_mels, 1);
    this.fixedLength = expectInt(where, 'fixed_length', o.fixed_length, 0);
  }

  call(results: Results): Results {
    const signals = getAudios(results, this.type, 2, '[num_clips, samples] clips (AudioDecode first)');
    const sr = results.sample_rate;
    const numClips = results.num_clips;
    if (typeof sr !== 'number' || typeof numClips !== 'number') throw new Error('MelSpectrogram: needs sample_rate (AudioDecodeInit) and num_clips (SampleFrames)');
    const [rows, len] = signals.shape as [number, number];
    if (numClips > rows) throw new Error(`MelSpectrogram: num_clips is ${numClips} but audios holds ${rows} clips`);
    const nFft = pyRound((sr * this.windowSize) / 1000);
    const hop = pyRound((sr * this.stepSize) / 1000);
    const mels: Float32Array[] = [];
    let shape: [number, number] = [0, 0];
    for (let c = 0; c < numClips; c++) {
      const m = melSpectrogram(signals.data.subarray(c * len, (c + 1) * len), { sr, n_fft: nFft, hop_length: hop, n_mels: this.nMels });
      const [bands, frames] = m.shape;
      let out: Float32Array;
      if (bands >= this.fixedLength) {
        out = m.data.subarray(0, this.fixedLength * frames);
        shape = [this.fixedLength, frames];
      } else {
        const extra = frames - this.fixedLength;
        if (extra < 0) {
          throw new Error(`MelSpectrogram: ${frames} frames < fixed_length ${this.fixedLength} with n_mels ${bands} < fixed_length; ` +
            'MMAction2 0.24 pads the mel axis by (frames - fixed_length) rows here and fails on the negative pad. ' +
            'Use fixed_length <= n_mels (keeps the first fixed_length bands) or longer clips (AudioDecode fixed_length)');
        }
        out = new Float32Array((bands + extra) * frames);
        out.set(m.data);
        const last = m.data.subarray((bands - 1) * frames, bands * frames);
        for (let r = bands; r < bands + extra; r++) out.set(last, r * frames);
        shape = [bands + extra, frames];
      }
      mels.push(out);
    }
    const data = new Float32Array(numClips * shape[0] * shape[1]);
    mels.forEach((m, c) => data.set(m, c * m.length));
    results.audios = new NDArray(data, [numClips, ...shape]);
    return results;
  }
}
