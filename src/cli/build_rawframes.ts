/**
 * `mmaction build-rawframes SRC OUT [...]`: extracts RGB frames of every video under SRC to JPEG
 * folders under OUT, as MMAction2's tools/data/build_rawframes.py does (its `--use-opencv` RGB
 * path): OUT/<class>/<video>/img_00001.jpg ... (level 2) or OUT/<video>/img_00001.jpg (level 1).
 *
 * - Decoding: VideoStream (FFmpeg) in presentation order; resizing on decode by swscale.
 *   `--new-short S` gives the short side S and the long side int(long * S / short), truncated as
 *   in MMAction2; `--new-width W --new-height H` an exact size; neither keeps the size.
 * - Encoding: sharp (libjpeg-turbo) at quality 95, 4:2:0, as cv2.imwrite's defaults.
 * - Each video is written to a temporary folder and renamed when complete, so an interrupted run
 *   leaves no half-written folder and `--resume` skips exactly the videos that are done.
 * - Optical flow (`--task flow|both`, denseflow in MMAction2) is not supported.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, statSync, existsSync, appendFileSync } from 'node:fs';
import { basename, dirname, extname, join, relative, resolve } from 'node:path';
import sharp from 'sharp';
import { VideoStream } from '../video/stream.ts';

const USAGE = `usage: mmaction build-rawframes SRC OUT [--task rgb] [--level 1|2] [--ext mp4] [--mixed-ext]
                                  [--new-short N | --new-width W --new-height H] [--num-workers N]
                                  [--resume] [--report-file FILE] [--quality Q]

Extracts the RGB frames of every video in SRC (level 1: SRC/video.ext; level 2: SRC/class/video.ext)
to OUT/[class/]video/img_00001.jpg, img_00002.jpg, ... (MMAction2's tools/data/build_rawframes.py).

  --task rgb          only RGB frames are supported (flow needs denseflow)
  --level 1|2         directory depth of SRC (default 2)
  --ext EXT           video extension: avi, mp4, webm, mkv, mov (default avi, as MMAction2)
  --mixed-ext         take videos of all these extensions
  --new-short N       resize so that the short side is N (long side int(long * N / short))
  --new-width W --new-height H   resize to exactly W x H (0 = keep)
  --num-workers N     videos processed in parallel (default 1)
  --resume            skip videos whose frame folder already exists
  --report-file FILE  append the path of every finished video to FILE (default build_report.txt)
  --quality Q         JPEG quality (default 95, cv2.imwrite's)`;

const EXTS = ['avi', 'mp4', 'webm', 'mkv', 'mov'];

export interface BuildRawframesOptions {
  task: 'rgb';
  level: 1 | 2;
  ext: string;
  mixedExt: boolean;
  newShort: number;
  newWidth: number;
  newHeight: number;
  numWorkers: number;
  resume: boolean;
  reportFile: string;
  quality: number;
}

export function parseArgs(argv: string[]): { src: string; out: string; opts: BuildRawframesOptions } {
  const pos: string[] = [];
  const opts: BuildRawframesOptions = {
    task: 'rgb', level: 2, ext: 'avi', mixedExt: false, newShort: 0, newWidth: 0, newHeight: 0,
    numWorkers: 1, resume: false, reportFile: 'build_report.txt', quality: 95,
  };
  const intArg = (name: string, v: string | undefined, min: number): number => {
    const n = Number(v);
    if (v === undefined || !Number.isInteger(n) || n < min) throw new Error(`--${name} expects an integer >= ${min}, got ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; ++i) {
    const a = argv[i];
    const [flag, inline] = a.startsWith('--') && a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const val = () => (inline !== undefined ? inline : argv[++i]);
    switch (flag.replace(/_/g, '-')) {
      case '--task': {
        const t = val();
        if (t !== 'rgb')
          throw new Error(`--task ${t}: only RGB frames are supported (optical flow needs denseflow's TV-L1); use --task rgb`);
        break;
      }
      case '--level': {
        const l = intArg('level', val(), 1);
        if (l !== 1 && l !== 2) throw new Error(`--level expects 1 or 2, got ${l}`);
        opts.level = l;
        break;
      }
      case '--ext': {
        const e = (val() ?? '').replace(/^\./, '').toLowerCase();
        if (!EXTS.includes(e)) throw new Error(`--ext expects one of ${EXTS.join(', ')}, got ${e}`);
        opts.ext = e;
        break;
      }
      case '--mixed-ext': opts.mixedExt = true; break;
      case '--new-short': opts.newShort = intArg('new-short', val(), 0); break;
      case '--new-width': opts.newWidth = intArg('new-width', val(), 0); break;
      case '--new-height': opts.newHeight = intArg('new-height', val(), 0); break;
      case '--num-workers': case '--num-worker': opts.numWorkers = intArg('num-workers', val(), 1); break;
      case '--resume': opts.resume = true; break;
      case '--report-file': opts.reportFile = val() ?? ''; break;
      case '--quality': opts.quality = intArg('quality', val(), 1); break;
      case '--use-opencv': break;  // MMAction2's switch to the path we always take
      default:
        if (a.startsWith('-')) throw new Error(`unknown option ${a}\n\n${USAGE}`);
        pos.push(a);
    }
  }
  if (pos.length !== 2) throw new Error(USAGE);
  if (opts.newShort && (opts.newWidth || opts.newHeight)) throw new Error('use either --new-short or --new-width/--new-height');
  if ((opts.newWidth > 0) !== (opts.newHeight > 0)) throw new Error('--new-width and --new-height go together');
  return { src: pos[0], out: pos[1], opts };
}

/** Videos under src at the given level, sorted. */
export function listVideos(src: string, level: 1 | 2, exts: string[]): string[] {
  const isVideo = (f: string) => exts.includes(extname(f).slice(1).toLowerCase());
  const out: string[] = [];
  const dirs = level === 1 ? [src] : readdirSync(src).map((d) => join(src, d)).filter((d) => statSync(d).isDirectory());
  for (const d of dirs)
    for (const f of readdirSync(d)) {
      const p = join(d, f);
      if (isVideo(f) && statSync(p).isFile()) out.push(p);
    }
  return out.sort();
}

/** MMAction2 names the frame folder by the video's name up to its first dot. */
export function frameDirOf(video: string, src: string, out: string, level: 1 | 2): string {
  const name = basename(video).split('.')[0];
  return level === 2 ? join(out, basename(dirname(video)), name) : join(out, name);
}

/** The output size for a frame of w x h (MMAction2's build_rawframes rounding). */
export function targetSize(w: number, h: number, o: BuildRawframesOptions): { width: number; height: number } | null {
  if (o.newShort) {
    if (h <= w) return { width: Math.trunc((o.newShort / h) * w), height: o.newShort };
    return { width: o.newShort, height: Math.trunc((o.newShort / w) * h) };
  }
  if (o.newWidth && o.newHeight) return { width: o.newWidth, height: o.newHeight };
  return null;
}

/** Extracts one video; returns the number of frames written. */
export async function extractVideo(video: string, dir: string, o: BuildRawframesOptions, threads: number,
  onFrames: (n: number) => void): Promise<number> {
  const tmp = `${dir}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  let n = 0;
  try {
    const probe = await VideoStream.open(video, { threads: 1 });
    const size = targetSize(probe.width, probe.height, o);
    probe.close();
    const s = await VideoStream.open(video, { threads, chunkSize: 16, ...(size ? { resize: size } : {}) });
    for await (const { frames } of s) {
      const [t, h, w] = frames.shape;
      const data = frames.toTypedArray() as Uint8Array;
      frames.dispose();
      const fb = w * h * 3;
      const jobs: Promise<unknown>[] = [];
      for (let i = 0; i < t; ++i) {
        const file = join(tmp, `img_${String(n + i + 1).padStart(5, '0')}.jpg`);
        jobs.push(sharp(data.subarray(i * fb, (i + 1) * fb), { raw: { width: w, height: h, channels: 3 } })
          .jpeg({ quality: o.quality, chromaSubsampling: '4:2:0' }).toFile(file));
      }
      await Promise.all(jobs);
      n += t;
      onFrames(t);
    }
    if (n === 0) throw new Error(`${video}: no frames decoded`);
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dirname(dir), { recursive: true });
    renameSync(tmp, dir);
    return n;
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
}

function fmtTime(s: number): string {
  if (!Number.isFinite(s)) return '--:--';
  const m = Math.floor(s / 60);
  return `${String(m).padStart(2, '0')}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const { src, out, opts } = parseArgs(argv);
  if (!existsSync(src) || !statSync(src).isDirectory()) throw new Error(`source folder ${src} does not exist`);
  const exts = opts.mixedExt ? EXTS : [opts.ext];
  const all = listVideos(resolve(src), opts.level, exts);
  const todo = all.filter((v) => !(opts.resume && existsSync(frameDirOf(v, src, out, opts.level))));
  console.error(`build-rawframes: ${all.length} videos (.${exts.join('/.')}) in ${src}` +
    (opts.resume ? `, ${all.length - todo.length} already done` : '') + ` -> ${out}`);
  mkdirSync(out, { recursive: true });
  const threads = opts.numWorkers > 1 ? 1 : 0;
  const t0 = Date.now();
  let done = 0, frames = 0, failed = 0;
  const tty = process.stderr.isTTY;
  const progress = (final = false) => {
    const el = (Date.now() - t0) / 1000;
    const eta = done ? (el / done) * (todo.length - done) : NaN;
    const width = 30;
    const fill = todo.length ? Math.round((done / todo.length) * width) : width;
    const line = `[${'#'.repeat(fill)}${'.'.repeat(width - fill)}] ${done}/${todo.length} videos, ${frames} frames, ` +
      `${(frames / Math.max(el, 1e-3)).toFixed(0)} fps, elapsed ${fmtTime(el)}, ETA ${fmtTime(eta)}` + (failed ? `, ${failed} failed` : '');
    if (tty) process.stderr.write(`\r${line}${final ? '\n' : ''}`);
    else if (final || done % 10 === 0) process.stderr.write(`${line}\n`);
  };
  let next = 0;
  const worker = async () => {
    while (next < todo.length) {
      const v = todo[next++];
      const dir = frameDirOf(v, src, out, opts.level);
      try {
        await extractVideo(v, dir, opts, threads, (k) => { frames += k; if (tty) progress(); });
        if (opts.reportFile) appendFileSync(opts.reportFile, `${relative(process.cwd(), v)}\n`);
      } catch (e) {
        failed++;
        process.stderr.write(`${tty ? '\n' : ''}build-rawframes: ${(e as Error).message}\n`);
      }
      done++;
      progress();
    }
  };
  await Promise.all(Array.from({ length: Math.min(opts.numWorkers, Math.max(todo.length, 1)) }, worker));
  progress(true);
  return failed ? 1 : 0;
}
