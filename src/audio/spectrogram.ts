/**
 * Mel spectrograms as MMAction2 0.24 computes them:
 *
 * - `melSpectrogram`: `librosa.feature.melspectrogram(y, sr, n_fft, hop_length, n_mels)` (librosa
 *   0.9, power 2, centred zero-padded frames, periodic Hann, Slaney mel filters), what the
 *   MelSpectrogram transform calls. librosa keeps float32 input in float32: the DFT is stored as
 *   complex64 and |X|^2 taken in float32; so is it here, then the mel sums run in float64.
 * - `lwsLogMelFeature`: `AudioTools.melspectrogram` of tools/data/build_audio_features.py: the
 *   magnitude of lws's STFT (float64), Slaney mel filters between fmin and fmax, dB with a floor,
 *   minus ref_level_db, scaled from [min_level_db, 0] to [0, 1] and clipped; float32
 *   [frames, n_mels] (the transpose that script saves).
 */
import { melFilters } from './mel.ts';
import { centeredFrames, lwsFrames, lwsWindow, periodicHann, rfftFrames } from './stft.ts';

/** A float32 matrix, C order. */
export interface Spectrogram {
  data: Float32Array;
  shape: [number, number];
}

export interface MelSpectrogramOptions {
  sr: number;
  n_fft: number;
  hop_length: number;
  n_mels: number;
}

/** librosa.feature.melspectrogram of float32 samples: float32 [n_mels, frames]. */
export function melSpectrogram(y: Float32Array, o: MelSpectrogramOptions): Spectrogram {
  const { sr, n_fft: nFft, hop_length: hop, n_mels: nMels } = o;
  if (!(Number.isInteger(hop) && hop > 0)) throw new RangeError(`melSpectrogram: hop_length must be a positive integer, got ${hop}`);
  const fr = centeredFrames(y, hop, periodicHann(nFft));
  const spec = rfftFrames(fr);
  const bins = Math.floor(nFft / 2) + 1;
  const power = new Float32Array(fr.frames * bins); // [frames, bins]
  for (let i = 0; i < power.length; i++) {
    const mag = Math.fround(Math.hypot(Math.fround(spec[2 * i]!), Math.fround(spec[2 * i + 1]!)));
    power[i] = mag * mag;
  }
  const basis = melFilters({ sr, n_fft: nFft, n_mels: nMels });
  return { data: applyFilters(basis, nMels, power, fr.frames, bins, false), shape: [nMels, fr.frames] };
}

/** basis [m, bins] . spec[t, bins]^T -> float32 [m, t] (or [t, m] when `timeMajor`), summed in float64. */
function applyFilters(basis: Float32Array, m: number, spec: ArrayLike<number>, t: number, bins: number, timeMajor: boolean,
  map: (v: number) => number = (v) => v): Float32Array {
  const out = new Float32Array(m * t);
  for (let i = 0; i < m; i++) {
    const row = basis.subarray(i * bins, (i + 1) * bins);
    let lo = 0;
    while (lo < bins && row[lo] === 0) lo++;
    let hi = bins;
    while (hi > lo && row[hi - 1] === 0) hi--;
    for (let f = 0; f < t; f++) {
      let acc = 0;
      for (let k = lo; k < hi; k++) acc += row[k]! * spec[f * bins + k]!;
      out[timeMajor ? f * m + i : i * t + f] = map(acc);
    }
  }
  return out;
}

/** tools/data/build_audio_features.py's AudioTools settings (its __main__: fft_size 512, hop_size 256). */
export interface AudioFeatureOptions {
  sample_rate: number;
  num_mels: number;
  /** Frame length in samples (window 32 ms at 16 kHz). */
  fft_size: number;
  /** Frame shift in samples (16 ms at 16 kHz). */
  hop_size: number;
  fmin: number;
  fmax: number;
  min_level_db: number;
  ref_level_db: number;
  /** RMS-normalise the waveform to 0.1 (true) or peak-normalise it to 1 (false). */
  norm_audio: boolean;
}

export const AUDIO_FEATURE_DEFAULTS: Readonly<AudioFeatureOptions> = Object.freeze({
  sample_rate: 16000,
  num_mels: 80,
  fft_size: 512,
  hop_size: 256,
  fmin: 125,
  fmax: 7600,
  min_level_db: -100,
  ref_level_db: 20,
  norm_audio: true,
});

/** `AudioTools.audio_normalize`: scales float32 samples to an RMS of `desiredRms` (rms floored at eps). */
export function audioNormalize(samples: Float32Array, desiredRms = 0.1, eps = 1e-4): Float32Array {
  let sq = 0;
  for (let i = 0; i < samples.length; i++) sq += Math.fround(samples[i]! * samples[i]!);
  const rms = Math.max(eps, Math.fround(Math.sqrt(Math.fround(sq / samples.length))));
  const scale = Math.fround(desiredRms / rms); // numpy casts the float64 scalar to the float32 array's type
  return samples.map((v) => v * scale);
}

/** `AudioTools.read_audio`'s normalisation step on decoded samples. */
export function normalizeWaveform(samples: Float32Array, o: Pick<AudioFeatureOptions, 'norm_audio'> = AUDIO_FEATURE_DEFAULTS): Float32Array {
  if (o.norm_audio) return audioNormalize(samples);
  let peak = 0;
  for (const v of samples) peak = Math.max(peak, Math.abs(v));
  return samples.map((v) => v / peak);
}

/** `AudioTools.melspectrogram(wav).astype(np.float32).T`: float32 [frames, num_mels] in [0, 1]. */
export function lwsLogMelFeature(wav: Float32Array, options: Partial<AudioFeatureOptions> = {}): Spectrogram {
  const o = { ...AUDIO_FEATURE_DEFAULTS, ...options };
  if (o.fmax > Math.floor(o.sample_rate / 2)) throw new RangeError(`fmax ${o.fmax} is above the Nyquist frequency of ${o.sample_rate} Hz`);
  const fr = lwsFrames(wav, o.hop_size, lwsWindow(o.fft_size, o.hop_size));
  const spec = rfftFrames(fr);
  const bins = Math.floor(o.fft_size / 2) + 1;
  const mag = new Float64Array(fr.frames * bins);
  for (let i = 0; i < mag.length; i++) mag[i] = Math.hypot(spec[2 * i]!, spec[2 * i + 1]!);
  const basis = melFilters({ sr: o.sample_rate, n_fft: o.fft_size, n_mels: o.num_mels, fmin: o.fmin, fmax: o.fmax });
  const minLevel = Math.exp((o.min_level_db / 20) * Math.log(10));
  const toFeature = (v: number) => {
    const db = 20 * Math.log10(Math.max(minLevel, v)) - o.ref_level_db;
    return Math.min(1, Math.max(0, (db - o.min_level_db) / -o.min_level_db));
  };
  return { data: applyFilters(basis, o.num_mels, mag, fr.frames, bins, true, toFeature), shape: [fr.frames, o.num_mels] };
}
