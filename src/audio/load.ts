/**
 * `librosa.load(path, sr=sample_rate)` as MMAction2 0.24 calls it (AudioDecodeInit,
 * tools/data/build_audio_features.py): float32 samples in [-1, 1], the mean of the channels.
 *
 * Decoding is FFmpeg's (src/video/audio.ts), so every container and codec FFmpeg reads works
 * (librosa's soundfile reads WAV/FLAC/OGG; MMAction2's AudioDecodeInit fails on the rest). PCM
 * becomes float as libsndfile does (int16 / 32768), so a WAV at the target rate gives librosa's
 * samples exactly. Another rate is resampled by libswresample's default filter, not by librosa's
 * resampy 'kaiser_best': the same signal, not the same samples.
 */
import { readAudio } from '../video/audio.ts';

export interface LoadedAudio {
  /** Mono float32 samples. */
  samples: Float32Array;
  sampleRate: number;
}

/** Mixes interleaved channels down as `np.mean(y, axis=0)` on float32 does. */
export function toMono(interleaved: Float32Array, channels: number): Float32Array {
  if (channels === 1) return interleaved;
  const n = Math.floor(interleaved.length / channels);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let acc = interleaved[i * channels]!;
    for (let c = 1; c < channels; c++) acc = Math.fround(acc + interleaved[i * channels + c]!);
    out[i] = acc / channels;
  }
  return out;
}

/** Decodes the audio of `path` to mono float32 at `sampleRate` (null: the file's own rate). */
export async function loadAudio(path: string, sampleRate: number | null = 16000): Promise<LoadedAudio> {
  const a = await readAudio(path, sampleRate === null ? {} : { sampleRate });
  return { samples: toMono(a.samples, a.channels), sampleRate: a.sampleRate };
}
