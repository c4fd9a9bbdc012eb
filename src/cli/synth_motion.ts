/**
 * `mmaction synth-motion OUT --videos-per-class N [--size 112] [--frames 32] [--seed S] [--fps 30] [--rawframes]`
 * writes the built-in SynthMotion dataset: OUT/videos/<class>/<class>_<i>.mp4, the MMAction2 video
 * list OUT/list_videos.txt ("relative/path.mp4 label" per line), OUT/label_map.txt, and with
 * --rawframes OUT/rawframes/<class>_<i>/img_00001.jpg... with OUT/list_rawframes.txt
 * ("folder total_frames label"). Clips of reversed class pairs with the same index are the same
 * frames in reverse order.
 */
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { renderSynthMotion, SYNTH_MOTION_CLASSES, synthMotionLabelMap } from '../datasets/synth_motion.ts';
import { writeVideo } from '../video/writer.ts';

const USAGE = `usage: mmaction synth-motion OUT --videos-per-class N [--size 112] [--frames 32] [--seed S] [--fps 30] [--rawframes]

Writes the SynthMotion dataset (${SYNTH_MOTION_CLASSES.length} motion classes) as mp4 videos with MMAction2 file lists.`;

export interface SynthMotionArgs { out: string; perClass: number; size: number; frames: number; seed: number; fps: number; rawframes: boolean }

export function parseSynthArgs(argv: string[]): SynthMotionArgs {
  const a: SynthMotionArgs = { out: '', perClass: 0, size: 112, frames: 32, seed: 0, fps: 30, rawframes: false };
  const int = (flag: string, v: string | undefined, min: number) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`${flag} needs an integer >= ${min}, got ${v ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    switch (f) {
      case '--videos-per-class': a.perClass = int(f, argv[++i], 1); break;
      case '--size': a.size = int(f, argv[++i], 16); break;
      case '--frames': a.frames = int(f, argv[++i], 2); break;
      case '--seed': a.seed = int(f, argv[++i], 0); break;
      case '--fps': a.fps = int(f, argv[++i], 1); break;
      case '--rawframes': a.rawframes = true; break;
      default:
        if (f.startsWith('--') || a.out) throw new Error(`unexpected argument ${f}\n\n${USAGE}`);
        a.out = f;
    }
  }
  if (!a.out) throw new Error(`missing OUT folder\n\n${USAGE}`);
  if (!a.perClass) throw new Error(`--videos-per-class is required\n\n${USAGE}`);
  return a;
}

/** Writes the dataset; returns the number of videos. */
export async function writeSynthMotion(a: SynthMotionArgs, log: (s: string) => void = () => {}): Promise<number> {
  mkdirSync(a.out, { recursive: true });
  const videoLines: string[] = [];
  const frameLines: string[] = [];
  const fb = a.size * a.size * 3;
  let done = 0;
  const total = SYNTH_MOTION_CLASSES.length * a.perClass;
  for (let i = 0; i < a.perClass; i++) {
    for (const [label, cls] of SYNTH_MOTION_CLASSES.entries()) {
      const seed = a.seed * 1_000_003 + i;
      const frames = renderSynthMotion(cls, { size: a.size, frames: a.frames, seed });
      const rel = `videos/${cls}/${cls}_${String(i).padStart(4, '0')}.mp4`;
      mkdirSync(join(a.out, 'videos', cls), { recursive: true });
      await writeVideo(join(a.out, rel), { data: frames, width: a.size, height: a.size }, { fps: a.fps });
      videoLines.push(`${rel} ${label}`);
      if (a.rawframes) {
        const dir = `rawframes/${cls}_${String(i).padStart(4, '0')}`;
        mkdirSync(join(a.out, dir), { recursive: true });
        for (let f = 0; f < a.frames; f++) {
          await sharp(frames.subarray(f * fb, (f + 1) * fb), { raw: { width: a.size, height: a.size, channels: 3 } })
            .jpeg({ quality: 95 }).toFile(join(a.out, dir, `img_${String(f + 1).padStart(5, '0')}.jpg`));
        }
        frameLines.push(`${dir} ${a.frames} ${label}`);
      }
      done++;
      if (done % 10 === 0 || done === total) log(`[${done}/${total}] ${rel}`);
    }
  }
  const writeAtomic = (name: string, text: string) => {
    const tmp = join(a.out, `.${name}.tmp`);
    writeFileSync(tmp, text);
    renameSync(tmp, join(a.out, name));
  };
  writeAtomic('label_map.txt', synthMotionLabelMap());
  writeAtomic('list_videos.txt', videoLines.join('\n') + '\n');
  if (a.rawframes) writeAtomic('list_rawframes.txt', frameLines.join('\n') + '\n');
  return total;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseSynthArgs(argv);
  const n = await writeSynthMotion(args, (s) => process.stderr.write(`${s}\n`));
  console.log(`wrote ${n} videos to ${args.out} (list_videos.txt, label_map.txt${args.rawframes ? ', list_rawframes.txt' : ''})`);
  return 0;
}
