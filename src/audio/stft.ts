/**
 * Short-time Fourier transforms with the framing of the two libraries MMAction2 0.24 calls:
 *
 * - lws 1.2 (`lws.lws(fsize, fshift, mode='speech').stft(x)`, python/lws.pyx), used by
 *   tools/data/build_audio_features.py: window sqrt(sqrt(hann_sym)^2 / w) with w the overlap-add
 *   sum that makes analysis x synthesis windows sum to one; "perfect reconstruction" padding:
 *   fsize - fshift zeros in front (fsize - fsize % fshift when fshift does not divide fsize), zeros
 *   behind up to a multiple of fshift, then one more frame; M = ceil(N / fshift) + 1 frames when
 *   fshift divides fsize.
 * - librosa 0.9 (`librosa.stft(y, n_fft, hop_length, center=True)`), used by the MelSpectrogram
 *   transform: scipy's periodic Hann window, n_fft // 2 zeros on both sides (librosa 0.9's
 *   pad_mode 'constant'), 1 + (N + 2 (n_fft // 2) - n_fft) // hop frames.
 *
 * The DFT of the windowed frames is libtorch's `fft_rfft` (pocketfft on CPU, as numpy), in float64.
 */
import { fromTypedArray } from '../torch/creation.ts';
import { tidy } from '../torch/scope.ts';
import { callOp, type Tensor } from '../torch/tensor.ts';

/** Windowed frames, C order [frames, n]. */
export interface Frames {
  data: Float64Array;
  frames: number;
  n: number;
}

/** lws's default analysis window for `lws.lws(fsize, fshift)` (symmetric_win=True). */
export function lwsWindow(fsize: number, fshift: number): Float64Array {
  // hann(n, symmetric=True): 0.5 (1 - cos(2 pi (2k + 1) / 2n)), then its square root
  const awin = Float64Array.from({ length: fsize }, (_, k) => Math.sqrt(0.5 * (1 - Math.cos((2 * Math.PI * (2 * k + 1)) / (2 * fsize)))));
  // synthwin(awin, fshift): w[k] = sum_q awin[k + q fshift]^2, tiled over the frame
  const q = Math.ceil(fsize / fshift);
  const sum = new Float64Array(fshift);
  for (let j = 0; j < q; j++) {
    for (let k = 0; k < fshift; k++) {
      const i = j * fshift + k;
      sum[k] = sum[k]! + (i < fsize ? awin[i]! * awin[i]! : 0);
    }
  }
  for (let k = 0; k < fshift; k++) {
    if (!(sum[k]! > 0)) throw new RangeError(`lwsWindow(${fsize}, ${fshift}): the overlap-add normaliser is not positive`);
  }
  return awin.map((a, k) => Math.sqrt(a * (a / sum[k % fshift]!)));
}

/** scipy.signal.get_window('hann', n, fftbins=True): 0.5 + 0.5 cos(linspace(-pi, pi, n + 1))[:n]. */
export function periodicHann(n: number): Float64Array {
  const step = (Math.PI - -Math.PI) / n;
  return Float64Array.from({ length: n }, (_, k) => 0.5 + 0.5 * Math.cos(k * step + -Math.PI));
}

/** Number of frames `lws.stft` makes of `length` samples. */
export function lwsFrameCount(length: number, fsize: number, fshift: number): number {
  const residual = fsize % fshift;
  const pre = residual === 0 ? fsize - fshift : fsize - residual;
  const post = length % fshift === 0 ? 0 : fshift - (length % fshift);
  return (pre + length + post) / fshift;
}

/** lws.stft's frames of `x` (perfectrec=True), each multiplied by `window` (length fsize). */
export function lwsFrames(x: ArrayLike<number>, fshift: number, window: Float64Array): Frames {
  const n = window.length;
  const residual = n % fshift;
  const pre = residual === 0 ? n - fshift : n - residual;
  const m = lwsFrameCount(x.length, n, fshift);
  const data = new Float64Array(m * n);
  for (let f = 0; f < m; f++) {
    const start = f * fshift - pre; // index into x of the frame's first sample
    for (let k = 0; k < n; k++) {
      const i = start + k;
      if (i >= 0 && i < x.length) data[f * n + k] = x[i]! * window[k]!;
    }
  }
  return { data, frames: m, n };
}

/** librosa.stft(center=True, pad_mode='constant')'s frames of `x`, each times `window` (length n_fft). */
export function centeredFrames(x: ArrayLike<number>, hop: number, window: Float64Array): Frames {
  const n = window.length;
  const half = Math.floor(n / 2);
  const padded = x.length + 2 * half;
  if (padded < n) throw new RangeError(`stft: ${x.length} samples are too few for n_fft=${n}`);
  const m = 1 + Math.floor((padded - n) / hop);
  const data = new Float64Array(m * n);
  for (let f = 0; f < m; f++) {
    const start = f * hop - half;
    for (let k = 0; k < n; k++) {
      const i = start + k;
      if (i >= 0 && i < x.length) data[f * n + k] = x[i]! * window[k]!;
    }
  }
  return { data, frames: m, n };
}

/** Frames per libtorch call: bounds the complex intermediate to ~64 MB for any input length. */
const BLOCK_VALUES = 1 << 22;

/**
 * The one-sided DFT of each frame: float64 [frames, n / 2 + 1, 2] (real, imaginary), i.e.
 * `np.fft.rfft(frames, axis=-1)` viewed as real.
 */
export function rfftFrames(fr: Frames): Float64Array {
  const bins = Math.floor(fr.n / 2) + 1;
  const out = new Float64Array(fr.frames * bins * 2);
  const block = Math.max(1, Math.floor(BLOCK_VALUES / fr.n));
  for (let f0 = 0; f0 < fr.frames; f0 += block) {
    const f1 = Math.min(fr.frames, f0 + block);
    const part = tidy(() => {
      const x = fromTypedArray(fr.data.subarray(f0 * fr.n, f1 * fr.n), [f1 - f0, fr.n]);
      const spec = callOp('fft_rfft', x, null, -1, null) as Tensor; // complex128 [f, bins]
      return (callOp('view_as_real', spec) as Tensor).contiguous().toTypedArray() as Float64Array;
    });
    out.set(part, f0 * bins * 2);
  }
  return out;
}
