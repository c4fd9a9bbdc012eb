/**
 * `mmaction long-video-demo CONFIG CHECKPOINT VIDEO LABELS OUT_FILE [options]`: MMAction2's
 * demo/long_video_demo.py. Predicts the actions of a long video with a sliding window (see
 * src/apis/long_video.ts) while streaming it (never the whole video in memory), and writes the
 * video with the labels drawn (OUT_FILE .mp4/.gif/...) or MMAction2's JSON (OUT_FILE .json:
 * {"<frame number>": {"1": "label: score", ...} or "Preparing action recognition ..."}).
 */
import { createWriteStream, existsSync, renameSync, rmSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { finished } from 'node:stream/promises';
import { initRecognizer } from '../apis/inference.ts';
import { LongVideoRecognizer, PREPARING_MSG, recognizeLongVideo } from '../apis/long_video.ts';
import { TextPainter, bgrToHex, type TextLine } from '../apis/visualize.ts';
import { buildWindowPipeline, readLabels } from '../apis/window_inference.ts';
import { pyJsonDumps } from '../runner/pyformat.ts';
import { VideoStream } from '../video/stream.ts';
import { VideoWriter } from '../video/writer.ts';

const USAGE = `usage: mmaction long-video-demo CONFIG CHECKPOINT VIDEO LABELS OUT_FILE [--input-step N]
           [--device DEVICE] [--threshold T] [--stride S] [--label-color B G R] [--msg-color B G R]
           [--font-scale S] [--batch-size N] [--out-json FILE] [--cfg-options K=V ...]

MMAction2 long video demo: the actions of VIDEO (a file or URL) frame by frame, predicted on a
sliding window of clip_len x num_clips frames of the test pipeline. LABELS: one class name per line.
OUT_FILE: a video (.mp4, .gif, ...) with the labels drawn, or .json with the labels of every frame.
  --input-step N       after the first window, one frame of every N enters the window (default 1)
  --threshold T        hide labels scoring below T (default 0.01)
  --stride S           after a prediction, S x window frames leave the window (0..1; default 0:
                       a prediction at every new frame)
  --label-color B G R  colour of the labels (default 255 255 255)
  --msg-color B G R    colour of the message before the first prediction (default 128 128 128)
  --font-scale S       text size (default 1: lines 20 px apart, as cv2's FONT_HERSHEY_COMPLEX_SMALL)
  --batch-size N       windows per forward pass (default 1)
  --out-json FILE      also write the JSON when OUT_FILE is a video
  --device DEVICE      cpu (default) or cuda:N`;

const VIDEO_EXTS = ['mp4', 'gif', 'mkv', 'webm', 'avi', 'mov'];

export interface LongVideoArgs {
  config: string; checkpoint: string; video: string; labels: string; outFile: string;
  inputStep: number; device: string; threshold: number; stride: number; labelColor: number[]; msgColor: number[];
  fontScale: number; batchSize: number; outJson: string | null; cfgOptions: string[];
}

function num(flag: string, v: string | undefined, integer = false): number {
  const n = Number(v);
  if (v === undefined || v === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)))
    throw new Error(`${flag} needs ${integer ? 'an integer' : 'a number'}, got ${v ?? 'nothing'}`);
  return n;
}

export function parseLongVideoArgs(argv: string[]): LongVideoArgs {
  const pos: string[] = [];
  const a: Partial<LongVideoArgs> = {
    inputStep: 1, device: 'cpu', threshold: 0.01, stride: 0, labelColor: [255, 255, 255], msgColor: [128, 128, 128],
    fontScale: 1, batchSize: 1, outJson: null, cfgOptions: [],
  };
  const value = (f: string, v: string | undefined) => {
    if (v === undefined || v.startsWith('--')) throw new Error(`${f} needs a value`);
    return v;
  };
  const color = (f: string, i: number): number[] => [num(f, argv[i + 1], true), num(f, argv[i + 2], true), num(f, argv[i + 3], true)];
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    switch (f) {
      case '--input-step': a.inputStep = num(f, argv[++i], true); break;
      case '--device': a.device = value(f, argv[++i]); break;
      case '--threshold': a.threshold = num(f, argv[++i]); break;
      case '--stride': a.stride = num(f, argv[++i]); break;
      case '--label-color': a.labelColor = color(f, i); i += 3; break;
      case '--msg-color': a.msgColor = color(f, i); i += 3; break;
      case '--font-scale': a.fontScale = num(f, argv[++i]); break;
      case '--batch-size': a.batchSize = num(f, argv[++i], true); break;
      case '--out-json': a.outJson = value(f, argv[++i]); break;
      case '--cfg-options': while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) a.cfgOptions!.push(argv[++i]); break;
      default:
        if (f.startsWith('--')) throw new Error(`unknown option ${f}\n\n${USAGE}`);
        pos.push(f);
    }
  }
  if (pos.length !== 5) throw new Error(`expected CONFIG CHECKPOINT VIDEO LABELS OUT_FILE, got ${pos.length} positional argument(s)\n\n${USAGE}`);
  [a.config, a.checkpoint, a.video, a.labels, a.outFile] = pos;
  const ext = a.outFile!.split('.').pop()!.toLowerCase();
  if (ext !== 'json' && !VIDEO_EXTS.includes(ext)) throw new Error(`OUT_FILE must end in .json or a video extension (${VIDEO_EXTS.join(', ')}), got ${a.outFile}`);
  if (a.outJson && !a.outJson.toLowerCase().endsWith('.json')) throw new Error(`--out-json must end in .json, got ${a.outJson}`);
  if (a.outJson && ext === 'json') throw new Error('--out-json adds a JSON file to a video OUT_FILE; OUT_FILE is already .json');
  if (!(a.inputStep! >= 1)) throw new Error(`--input-step must be >= 1, got ${a.inputStep}`);
  if (!(a.stride! >= 0 && a.stride! <= 1)) throw new Error(`--stride must be in [0, 1] (a fraction of the window), got ${a.stride}`);
  if (!(a.batchSize! >= 1)) throw new Error(`--batch-size must be >= 1, got ${a.batchSize}`);
  if (!(a.fontScale! > 0)) throw new Error(`--font-scale must be positive, got ${a.fontScale}`);
  bgrToHex(a.labelColor!);
  bgrToHex(a.msgColor!);
  return a as LongVideoArgs;
}

/** MMAction2's json.dump(out_json) written entry by entry to a temporary file, renamed into place at the end. */
class JsonFrameWriter {
  readonly #tmp: string;
  readonly #out;
  #first = true;

  constructor(readonly path: string) {
    this.#tmp = join(dirname(path), `.${basename(path)}.${process.pid}.tmp`);
    this.#out = createWriteStream(this.#tmp);
    this.#out.write('{');
  }

  /** Writes one entry; resolves when the stream can take more (back-pressure). */
  async add(index: number, labels: string[] | null): Promise<void> {
    const value = labels === null ? PREPARING_MSG : Object.fromEntries(labels.map((l, i) => [String(i + 1), l]));
    const ok = this.#out.write(`${this.#first ? '' : ', '}${JSON.stringify(String(index))}: ${pyJsonDumps(value)}`);
    this.#first = false;
    if (!ok) await new Promise<void>((r) => this.#out.once('drain', () => r()));
  }

  async close(): Promise<void> {
    this.#out.end('}');
    await finished(this.#out);
    renameSync(this.#tmp, this.path);
  }

  abort(): void {
    this.#out.destroy();
    rmSync(this.#tmp, { force: true });
  }
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseLongVideoArgs(argv);
  for (const [what, p] of [['config', args.config], ['checkpoint', args.checkpoint], ['label file', args.labels]] as const)
    if (!existsSync(p)) throw new Error(`${what} ${p} does not exist`);
  if (!/^[a-z][a-z0-9+.-]+:/i.test(args.video) && !existsSync(args.video)) throw new Error(`video ${args.video} does not exist`);
  const labels = readLabels(args.labels);
  const model = await initRecognizer(args.config, args.checkpoint, { device: args.device, cfgOptions: args.cfgOptions });
  const window = buildWindowPipeline(model.cfg);
  const recognizer = new LongVideoRecognizer(model, window, {
    labels, inputStep: args.inputStep, stride: args.stride, threshold: args.threshold, batchSize: args.batchSize, device: args.device,
  });
  const stream = await VideoStream.open(args.video, { chunkSize: 16 });
  const toJson = args.outFile.toLowerCase().endsWith('.json');
  const json = toJson ? new JsonFrameWriter(args.outFile) : args.outJson ? new JsonFrameWriter(args.outJson) : null;
  const writer = toJson ? null : new VideoWriter(args.outFile, { fps: stream.fps > 0 ? stream.fps : 30 });
  const painter = new TextPainter(args.fontScale);
  const labelColor = bgrToHex(args.labelColor);
  const msg: TextLine[] = [{ text: PREPARING_MSG, color: bgrToHex(args.msgColor) }];
  const progress = process.stderr.isTTY;
  const t0 = performance.now();
  let frames = 0;
  try {
    for await (const f of recognizeLongVideo(stream, recognizer)) {
      if (writer) {
        const lines = f.labels === null ? msg : f.labels.map((text) => ({ text, color: labelColor }));
        await painter.prepare(lines);
        painter.draw(f.frame, stream.height, stream.width, lines);
        await writer.write({ data: f.frame, width: stream.width, height: stream.height });
      }
      await json?.add(f.index, f.labels);
      frames++;
      if (progress && frames % 25 === 0)
        process.stderr.write(`\r${frames} frames, ${recognizer.predictions} predictions, ${(frames / ((performance.now() - t0) / 1000)).toFixed(1)} fps`);
    }
    if (progress) process.stderr.write('\n');
    if (frames === 0) throw new Error(`${args.video}: no frames could be read`);
    await writer?.close();
    await json?.close();
  } catch (e) {
    writer?.abort();
    json?.abort();
    throw e;
  }
  const outs = [writer ? args.outFile : null, json?.path].filter(Boolean).join(' and ');
  console.log(`wrote ${outs}: ${frames} frames, ${recognizer.predictions} predictions on ${window.sampleLength}-frame windows`);
  return 0;
}
