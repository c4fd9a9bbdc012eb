/**
 * The mel scale and librosa's mel filter bank (librosa 0.9 `librosa/filters.py` `mel`,
 * `librosa/core/convert.py` `hz_to_mel`, `mel_to_hz`, `mel_frequencies`, `fft_frequencies`),
 * which MMAction2 0.24 uses in tools/data/build_audio_features.py and in the MelSpectrogram
 * transform. The arithmetic follows numpy's order of operations (np.linspace, np.fft.rfftfreq)
 * so the filters equal librosa's up to the last bit of `log`/`exp`.
 */

/** Slaney's mel scale (librosa's default, `htk=False`): linear below 1 kHz, logarithmic above. */
const F_SP = 200.0 / 3;
const MIN_LOG_HZ = 1000.0;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOGSTEP = Math.log(6.4) / 27.0;

export function hzToMel(f: number, htk = false): number {
  if (htk) return 2595.0 * Math.log10(1.0 + f / 700.0);
  return f >= MIN_LOG_HZ ? MIN_LOG_MEL + Math.log(f / MIN_LOG_HZ) / LOGSTEP : f / F_SP;
}

export function melToHz(m: number, htk = false): number {
  if (htk) return 700.0 * (10.0 ** (m / 2595.0) - 1.0);
  return m >= MIN_LOG_MEL ? MIN_LOG_HZ * Math.exp(LOGSTEP * (m - MIN_LOG_MEL)) : F_SP * m;
}

/** `np.linspace(start, stop, n)`: start + i * step, the last point exactly `stop`. */
export function linspace(start: number, stop: number, n: number): Float64Array {
  const out = new Float64Array(n);
  const div = n - 1;
  const step = div > 0 ? (stop - start) / div : NaN;
  for (let i = 0; i < n; i++) out[i] = div > 0 ? i * step + start : start;
  if (n > 1) out[n - 1] = stop;
  return out;
}

/** `librosa.mel_frequencies(n, fmin, fmax, htk)`: n band edges evenly spaced in mel. */
export function melFrequencies(n: number, fmin: number, fmax: number, htk = false): Float64Array {
  return linspace(hzToMel(fmin, htk), hzToMel(fmax, htk), n).map((m) => melToHz(m, htk));
}

/** `np.fft.rfftfreq(n_fft, 1 / sr)`: the centre frequency of each of the n_fft / 2 + 1 bins. */
export function fftFrequencies(sr: number, nFft: number): Float64Array {
  const val = 1.0 / (nFft * (1.0 / sr));
  return Float64Array.from({ length: Math.floor(nFft / 2) + 1 }, (_, i) => i * val);
}

export interface MelFilterOptions {
  /** Sample rate in Hz. */
  sr: number;
  n_fft: number;
  /** Default 128 (librosa's). */
  n_mels?: number;
  /** Default 0. */
  fmin?: number;
  /** Default sr / 2. */
  fmax?: number;
  /** HTK's mel formula instead of Slaney's (default false). */
  htk?: boolean;
  /** 'slaney' (default): each triangle divided by its width in Hz / 2 (constant energy); null: peak 1. */
  norm?: 'slaney' | null;
}

/**
 * `librosa.filters.mel(...)`: float32 [n_mels, n_fft / 2 + 1], triangles between consecutive mel
 * band edges. Each row is stored as float32 before the float64 Slaney factor multiplies it, as
 * librosa's `weights *= enorm` on its float32 array does.
 */
export function melFilters(o: MelFilterOptions): Float32Array {
  const { sr, n_fft: nFft, n_mels: nMels = 128, fmin = 0, htk = false, norm = 'slaney' } = o;
  const fmax = o.fmax ?? sr / 2;
  if (!(Number.isInteger(nFft) && nFft > 0)) throw new RangeError(`melFilters: n_fft must be a positive integer, got ${nFft}`);
  if (!(Number.isInteger(nMels) && nMels > 0)) throw new RangeError(`melFilters: n_mels must be a positive integer, got ${nMels}`);
  if (!(fmin >= 0 && fmax > fmin)) throw new RangeError(`melFilters: need 0 <= fmin < fmax, got fmin=${fmin}, fmax=${fmax}`);
  const bins = Math.floor(nFft / 2) + 1;
  const fftFreqs = fftFrequencies(sr, nFft);
  const melF = melFrequencies(nMels + 2, fmin, fmax, htk);
  const out = new Float32Array(nMels * bins);
  for (let i = 0; i < nMels; i++) {
    const lowW = melF[i + 1]! - melF[i]!;
    const highW = melF[i + 2]! - melF[i + 1]!;
    const enorm = norm === 'slaney' ? 2.0 / (melF[i + 2]! - melF[i]!) : 1;
    for (let k = 0; k < bins; k++) {
      const lower = -(melF[i]! - fftFreqs[k]!) / lowW;
      const upper = (melF[i + 2]! - fftFreqs[k]!) / highW;
      const tri = Math.fround(Math.max(0, Math.min(lower, upper)));
      out[i * bins + k] = norm === 'slaney' ? tri * enorm : tri;
    }
  }
  return out;
}
