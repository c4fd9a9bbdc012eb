/**
 * `mmaction build-audio-features SRC_AUDIO_DIR OUT_DIR [...]`: MMAction2 0.24's
 * tools/data/build_audio_features.py. Every `SRC/*(level times).EXT` file becomes
 * OUT/<name>.npy (flat, named by the file name without its extension), a float32 [frames, 80]
 * log-mel spectrogram in [0, 1] with that script's AudioTools(fft_size=512, hop_size=256):
 * 16 kHz mono, RMS-normalised to 0.1, lws STFT (32 ms frames every 16 ms), 80 Slaney mel bands
 * over 125..7600 Hz, dB - 20 scaled from [-100, 0]. See src/audio/spectrogram.ts.
 *
 * As there, files whose .npy exists are skipped, and a file that fails is reported and skipped.
 * Differences: any format FFmpeg decodes is read (MMAction2: what librosa reads); other sample
 * rates are resampled by libswresample, not resampy; the .npy is written in C order (np.load gives
 * the same array; MMAction2's files are Fortran-ordered), through a temporary file and a rename;
 * the exit code is 1 when a file failed.
 */
import { existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { loadAudio } from '../audio/load.ts';
import { AUDIO_FEATURE_DEFAULTS, lwsLogMelFeature, normalizeWaveform } from '../audio/spectrogram.ts';
import { saveNpy } from '../datasets/npy.ts';
import { NDArray } from '../datasets/pipelines/types.ts';
import { globLevel, intOption, parsePart, parseToolArgs, runPool, selectPart } from './data_tools.ts';

const USAGE = `usage: mmaction build-audio-features SRC_AUDIO_DIR OUT_DIR [--level N] [--ext EXT] [--num-workers N] [--part I/N]

Writes OUT_DIR/<name>.npy for every SRC_AUDIO_DIR/*.EXT (level 1) or SRC_AUDIO_DIR/*/*.EXT
(level 2) ...: float32 [frames, 80] log-mel spectrograms as MMAction2's
tools/data/build_audio_features.py (16 kHz, 32 ms window, 16 ms hop, 80 mel bands 125-7600 Hz).
Existing .npy files are kept.

  --level N          directory depth of the audio files (default 1)
  --ext EXT          file extension (default m4a, as MMAction2; wav for extract-audio's output)
  --num-workers N    files decoded concurrently (default 4)
  --part I/N         process the I-th of N equal parts of the sorted file list (default 1/1)`;

/** The feature of one audio file, as build_audio_features.py computes it. */
export async function audioFeatureOfFile(path: string): Promise<NDArray<Float32Array>> {
  const { samples } = await loadAudio(path, AUDIO_FEATURE_DEFAULTS.sample_rate);
  if (samples.length === 0) throw new Error('no audio samples');
  const f = lwsLogMelFeature(normalizeWaveform(samples));
  return new NDArray(f.data, f.shape);
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const { pos, opts } = parseToolArgs(argv, ['level', 'ext', 'num-workers', 'part'], [], USAGE, 2);
  const [src, out] = pos as [string, string];
  const level = intOption(opts, 'level', 1, 1);
  const workers = intOption(opts, 'num-workers', 4, 1);
  const ext = String(opts.ext ?? 'm4a').replace(/^\./, '');
  const part = parsePart(String(opts.part ?? '1/1'));
  if (!existsSync(src) || !statSync(src).isDirectory()) throw new Error(`source folder ${src} does not exist`);
  mkdirSync(out, { recursive: true });
  const all = globLevel(src, level, ext);
  console.log(`found ${all.length} files.`);
  const files = selectPart(all, part);
  let written = 0, skipped = 0, failed = 0;
  await runPool(files, workers, async (file) => {
    const npy = join(out, `${basename(file, extname(file))}.npy`);
    if (existsSync(npy)) {
      skipped++;
      return;
    }
    try {
      saveNpy(npy, await audioFeatureOfFile(file));
      written++;
    } catch (e) {
      failed++;
      console.error(`Read audio [${file}] failed: ${(e as Error).message}`);
    }
  });
  console.log(`build-audio-features: ${written} written, ${skipped} already there, ${failed} failed -> ${out}`);
  return failed ? 1 : 0;
}
