/**
 * `mmaction extract-audio ROOT DST_ROOT [...]`: MMAction2 0.24's tools/data/extract_audio.py.
 * Every `ROOT/*(level times).EXT` video's audio track becomes DST_ROOT/<same sub-folders>/<name>.wav,
 * the samples `ffmpeg -i VIDEO -map 0:a -y OUT.wav` writes (16-bit PCM at the stream's rate and
 * channels; see src/video/audio.ts), through a temporary file and a rename. Existing .wav files
 * are skipped, as there. A video that fails (e.g. no audio track) is reported on stderr and the
 * exit code is 1; MMAction2 runs ffmpeg through os.popen and never sees the failure.
 */
import { existsSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, relative } from 'node:path';
import { extractAudio } from '../video/audio.ts';
import { globLevel, intOption, parseToolArgs, runPool } from './data_tools.ts';

const USAGE = `usage: mmaction extract-audio ROOT DST_ROOT [--level N] [--ext EXT] [--num-workers N]

Writes the audio track of every video ROOT/*/*.EXT (level 2) or ROOT/*.EXT (level 1) to
DST_ROOT/<class>/<video>.wav (MMAction2's tools/data/extract_audio.py). Existing files are kept.

  --level N          directory depth of the videos (default 2)
  --ext EXT          video extension: avi, mp4, webm as MMAction2, or any other FFmpeg reads (default mp4)
  --num-workers N    videos processed concurrently (default 8)`;

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const { pos, opts } = parseToolArgs(argv, ['level', 'ext', 'num-workers'], [], USAGE, 2);
  const [root, dst] = pos as [string, string];
  const level = intOption(opts, 'level', 2, 1);
  const workers = intOption(opts, 'num-workers', 8, 1);
  const ext = String(opts.ext ?? 'mp4').replace(/^\./, '');
  if (!existsSync(root) || !statSync(root).isDirectory()) throw new Error(`source folder ${root} does not exist`);
  console.log(`Reading videos from folder: ${root}`);
  console.log(`Extension of videos: ${ext}`);
  const videos = globLevel(root, level, ext);
  const done = existsSync(dst) ? globLevel(dst, level, 'wav') : [];
  console.log(`Total number of videos found: ${videos.length}`);
  console.log(`Total number of videos extracted finished: ${done.length}`);
  let failed = 0;
  await runPool(videos, workers, async (video) => {
    const wav = join(dst, relative(root, dirname(video)), `${basename(video, extname(video))}.wav`);
    if (existsSync(wav)) return;
    try {
      await extractAudio(video, wav);
    } catch (e) {
      failed++;
      console.error((e as Error).message);
    }
  });
  if (failed) console.error(`extract-audio: ${failed} of ${videos.length} videos failed`);
  return failed ? 1 : 0;
}
