/**
 * `mmaction webcam-demo CONFIG CHECKPOINT LABELS [options]`: MMAction2's demo/webcam_demo.py for a
 * server: no window; predictions go to the terminal and, with --out-filename, onto the frames of
 * an output video. Input: a V4L2 camera (--camera-id N is /dev/videoN) or any FFmpeg input
 * (--input rtsp://..., http://..., or a file, with --realtime to play it at its frame rate).
 * Stops at the end of the input, after --max-frames frames, or on Ctrl-C (SIGINT), and still
 * finishes the output file.
 */
import { existsSync } from 'node:fs';
import { runWebcamDemo, type LiveSource } from '../apis/webcam.ts';
import { readLabels } from '../apis/window_inference.ts';

const USAGE = `usage: mmaction webcam-demo CONFIG CHECKPOINT LABELS [--camera-id N | --input URL_OR_FILE]
           [--realtime] [--threshold T] [--average-size N] [--drawing-fps F] [--inference-fps F]
           [--out-filename FILE] [--max-frames N] [--font-scale S] [--device DEVICE] [--cfg-options K=V ...]

MMAction2 webcam demo without a display: live action recognition printed to the terminal.
  --camera-id N        V4L2 camera /dev/videoN (default 0)
  --input URL_OR_FILE  any FFmpeg input instead: rtsp://, http(s)://, a device path, or a file
  --realtime           play a file input at its frame rate (as a live source)
  --threshold T        hide labels scoring below T (default 0.01)
  --average-size N     average the scores of the last N inferences (default 1)
  --drawing-fps F      at most F frames a second are drawn/written/used (default 20; 0: all)
  --inference-fps F    at most F inferences a second (default 4; 0: back to back)
  --out-filename FILE  write the annotated frames (.mp4, .webm, .gif, ...)
  --max-frames N       stop after N input frames
  --font-scale S       text size (default 1)
  --device DEVICE      cpu (default) or cuda:N`;

export interface WebcamArgs {
  config: string; checkpoint: string; labels: string; cameraId: number | null; input: string | null; realtime: boolean;
  threshold: number; averageSize: number; drawingFps: number; inferenceFps: number; outFilename: string | null;
  maxFrames: number | null; fontScale: number; device: string; cfgOptions: string[];
}

function num(flag: string, v: string | undefined, integer = false): number {
  const n = Number(v);
  if (v === undefined || v === '' || !Number.isFinite(n) || (integer && !Number.isInteger(n)))
    throw new Error(`${flag} needs ${integer ? 'an integer' : 'a number'}, got ${v ?? 'nothing'}`);
  return n;
}

export function parseWebcamArgs(argv: string[]): WebcamArgs {
  const pos: string[] = [];
  const a: Partial<WebcamArgs> = {
    cameraId: null, input: null, realtime: false, threshold: 0.01, averageSize: 1, drawingFps: 20, inferenceFps: 4,
    outFilename: null, maxFrames: null, fontScale: 1, device: 'cpu', cfgOptions: [],
  };
  const value = (f: string, v: string | undefined) => {
    if (v === undefined || v.startsWith('--')) throw new Error(`${f} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    switch (f) {
      case '--camera-id': a.cameraId = num(f, argv[++i], true); break;
      case '--input': a.input = value(f, argv[++i]); break;
      case '--realtime': a.realtime = true; break;
      case '--threshold': a.threshold = num(f, argv[++i]); break;
      case '--average-size': a.averageSize = num(f, argv[++i], true); break;
      case '--drawing-fps': a.drawingFps = num(f, argv[++i]); break;
      case '--inference-fps': a.inferenceFps = num(f, argv[++i]); break;
      case '--out-filename': a.outFilename = value(f, argv[++i]); break;
      case '--max-frames': a.maxFrames = num(f, argv[++i], true); break;
      case '--font-scale': a.fontScale = num(f, argv[++i]); break;
      case '--device': a.device = value(f, argv[++i]); break;
      case '--cfg-options': while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) a.cfgOptions!.push(argv[++i]); break;
      default:
        if (f.startsWith('--')) throw new Error(`unknown option ${f}\n\n${USAGE}`);
        pos.push(f);
    }
  }
  if (pos.length !== 3) throw new Error(`expected CONFIG CHECKPOINT LABELS, got ${pos.length} positional argument(s)\n\n${USAGE}`);
  [a.config, a.checkpoint, a.labels] = pos;
  if (a.cameraId !== null && a.input !== null) throw new Error('give either --camera-id or --input, not both');
  if (a.cameraId !== null && a.cameraId! < 0) throw new Error(`--camera-id must be >= 0, got ${a.cameraId}`);
  if (a.realtime && a.input === null) throw new Error('--realtime plays a file given with --input (cameras and streams are live already)');
  if (!(a.averageSize! >= 1)) throw new Error(`--average-size must be >= 1, got ${a.averageSize}`);
  if (!(a.drawingFps! >= 0 && a.inferenceFps! >= 0))
    throw new Error('upper bound FPS value of drawing and inference should be set as positive number, or zero for no limit');
  if (a.maxFrames !== null && !(a.maxFrames! >= 1)) throw new Error(`--max-frames must be >= 1, got ${a.maxFrames}`);
  if (!(a.fontScale! > 0)) throw new Error(`--font-scale must be positive, got ${a.fontScale}`);
  const ext = a.outFilename?.split('.').pop()?.toLowerCase();
  if (a.outFilename && !['mp4', 'gif', 'mkv', 'webm', 'avi', 'mov'].includes(ext ?? ''))
    throw new Error(`--out-filename must end in .mp4 or .gif (or .mkv/.webm/.avi/.mov), got ${a.outFilename}`);
  return a as WebcamArgs;
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseWebcamArgs(argv);
  for (const [what, p] of [['config', args.config], ['checkpoint', args.checkpoint], ['label file', args.labels]] as const)
    if (!existsSync(p)) throw new Error(`${what} ${p} does not exist`);
  const isUrlOrDevice = (s: string) => /^[a-z][a-z0-9+.-]+:/i.test(s) || s.startsWith('/dev/');
  if (args.input !== null && !isUrlOrDevice(args.input) && !existsSync(args.input)) throw new Error(`input ${args.input} does not exist`);
  const source: LiveSource = args.input !== null
    ? { url: args.input, realtime: args.realtime, format: args.input.startsWith('/dev/video') ? 'v4l2' : undefined }
    : { camera: args.cameraId ?? 0 };
  const labels = readLabels(args.labels);
  const stop = new AbortController();
  const onSigint = () => {
    console.error('stopping (Ctrl-C again to quit at once)');
    stop.abort();
  };
  process.once('SIGINT', onSigint);
  console.log(`webcam demo on ${'camera' in source ? `/dev/video${source.camera}` : source.url}; Ctrl-C to stop`);
  try {
    const s = await runWebcamDemo({
      config: args.config, checkpoint: args.checkpoint, device: args.device, cfgOptions: args.cfgOptions, source, labels,
      threshold: args.threshold, averageSize: args.averageSize, drawingFps: args.drawingFps, inferenceFps: args.inferenceFps,
      outFilename: args.outFilename, maxFrames: args.maxFrames, fontScale: args.fontScale, signal: stop.signal,
      onPrediction: (p) => console.log(`frame ${p.frame} (${p.time.toFixed(2)} s): ${p.lines.length ? p.lines.join(', ') : 'no label above the threshold'}`),
    });
    console.log(`stopped by ${s.stoppedBy}: ${s.framesRead} frames read (${s.inputSeconds.toFixed(2)} s of input in ${s.seconds.toFixed(2)} s), ` +
      `${s.framesShown} shown, ${s.inferences} inferences, ${s.predictions} predictions`);
    if (args.outFilename) console.log(`wrote ${args.outFilename} (${s.framesShown} frames, ${s.width}x${s.height})`);
  } finally {
    process.off('SIGINT', onSigint);
  }
  return 0;
}
