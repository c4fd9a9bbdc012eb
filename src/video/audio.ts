/**
 * Audio of video files (native/video_audio.cc): the best audio stream decoded by FFmpeg and
 * resampled by libswresample.
 *
 * - extractAudio(): a 16-bit PCM WAV file, what MMAction2's tools/data/extract_audio.py writes
 *   with `ffmpeg -i VIDEO -map 0:a -y OUT.wav` (same samples), optionally resampled/mixed down;
 *   written under a temporary name and renamed when complete.
 * - readAudio(): float32 samples in memory (interleaved), for feature extraction.
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { native } from '../torch/binding.ts';

export interface AudioOptions {
  /** Output sample rate in Hz (default: the stream's). MMAction2's audio features use 16000. */
  sampleRate?: number;
  /** Output channels (default: the stream's; 1 mixes down to mono). */
  channels?: number;
  /** Seconds to wait for network input (default 30). */
  timeout?: number;
}

export interface AudioInfo {
  sampleRate: number;
  channels: number;
  /** Samples per channel. */
  frames: number;
  /** FFmpeg's name of the source audio decoder. */
  codec: string;
}

function check(input: string, o: AudioOptions): void {
  if (o.sampleRate !== undefined && !(Number.isInteger(o.sampleRate) && o.sampleRate > 0))
    throw new RangeError(`audio of ${input}: sampleRate must be a positive integer, got ${o.sampleRate}`);
  if (o.channels !== undefined && !(Number.isInteger(o.channels) && o.channels > 0 && o.channels <= 16))
    throw new RangeError(`audio of ${input}: channels must be an integer in 1..16, got ${o.channels}`);
}

/** Writes the audio track of `input` to `wavPath` (16-bit PCM WAV). */
export async function extractAudio(input: string, wavPath: string, options: AudioOptions = {}): Promise<AudioInfo> {
  check(input, options);
  const out = resolve(wavPath);
  mkdirSync(dirname(out), { recursive: true });
  const tmp = join(dirname(out), `.${basename(out)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}.wav`);
  try {
    return await native.audioExtractWav(input, out, tmp, options);
  } catch (e) {
    throw new Error(`cannot extract the audio of ${input}: ${(e as Error).message}`);
  }
}

/** Decodes the audio track of `input` to float32 samples in [-1, 1], interleaved by channel. */
export async function readAudio(input: string, options: AudioOptions = {}): Promise<AudioInfo & { samples: Float32Array }> {
  check(input, options);
  try {
    return await native.audioRead(input, options);
  } catch (e) {
    throw new Error(`cannot read the audio of ${input}: ${(e as Error).message}`);
  }
}
