/**
 * `mmaction demo CONFIG CHECKPOINT VIDEO LABELS [options]`: MMAction2's demo/demo.py. Prints the
 * top-5 labels with their scores and, with --out-filename, writes the video (mp4 or gif) with the
 * top-1 label drawn on it.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { inferenceRecognizer, initRecognizer } from '../apis/inference.ts';
import { resolveModel } from '../apis/model_zoo.ts';
import { drawLabel } from '../apis/visualize.ts';
import { VideoReader } from '../video/reader.ts';
import { writeVideo } from '../video/writer.ts';
import { runBuiltinDemo, parseBuiltinDemoArgs, BUILTIN_USAGE } from './demo_builtin.ts';
import { resizeRgbFrames } from './frames.ts';

const USAGE = `usage: mmaction demo CONFIG CHECKPOINT VIDEO LABELS [options]
       mmaction demo --model NAME VIDEO [options]
options: [--use-frames] [--device DEVICE] [--fps FPS] [--font-scale S] [--font-color COLOR]
         [--target-resolution W H] [--resize-algorithm ALG] [--out-filename FILE] [--cfg-options K=V ...]

MMAction2 demo: predict the action in VIDEO (a video file, an http(s) URL, or with --use-frames a
folder of frames) and print the top-5 labels. LABELS is the label map (one class name per line).
CHECKPOINT may be an http(s) URL (downloaded once into the cache).
  --model NAME               a model-zoo model (\`mmaction model-zoo list\`): its config, checkpoint
                             (downloaded once into the cache) and label map
  --out-filename FILE        write the video with the top-1 label (.mp4 or .gif)
  --fps FPS                  frame rate of the output (default 30)
  --font-scale S             text size (default 0.5)        --font-color C  text colour (default white)
  --target-resolution W H    resize the output; -1 keeps the aspect ratio (e.g. 340 -1)
  --resize-algorithm ALG     nearest | bilinear | bicubic (default) | lanczos
  --device DEVICE            cpu (default) or cuda:N`;

export interface DemoArgs {
  config: string; checkpoint: string; video: string; labels: string;
  /** The model-zoo name given with --model (config, checkpoint and labels then come from the zoo). */
  model: string | null;
  useFrames: boolean; device: string; fps: number; fontScale: number; fontColor: string;
  targetResolution: [number, number] | null; resizeAlgorithm: string; outFilename: string | null; cfgOptions: string[];
}

export function parseDemoArgs(argv: string[]): DemoArgs {
  const pos: string[] = [];
  const a: Partial<DemoArgs> = { model: null, useFrames: false, device: 'cpu', fps: 30, fontScale: 0.5, fontColor: 'white', targetResolution: null, resizeAlgorithm: 'bicubic', outFilename: null, cfgOptions: [] };
  const num = (flag: string, v: string | undefined) => {
    const n = Number(v);
    if (v === undefined || !Number.isFinite(n)) throw new Error(`${flag} needs a number, got ${v ?? 'nothing'}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    switch (f) {
      case '--use-frames': a.useFrames = true; break;
      case '--model': a.model = argv[++i]; if (!a.model) throw new Error('--model needs a model-zoo NAME'); break;
      case '--device': a.device = argv[++i]; break;
      case '--fps': a.fps = num(f, argv[++i]); break;
      case '--font-scale': a.fontScale = num(f, argv[++i]); break;
      case '--font-color': a.fontColor = argv[++i]; break;
      case '--target-resolution': a.targetResolution = [num(f, argv[++i]), num(f, argv[++i])]; break;
      case '--resize-algorithm': a.resizeAlgorithm = argv[++i]; break;
      case '--out-filename': a.outFilename = argv[++i]; break;
      case '--cfg-options': while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) a.cfgOptions!.push(argv[++i]); break;
      default:
        if (f.startsWith('--')) throw new Error(`unknown option ${f}\n\n${USAGE}`);
        pos.push(f);
    }
  }
  if (a.model) {
    if (pos.length !== 1) throw new Error(`with --model, expected only VIDEO, got ${pos.length} positional argument(s)\n\n${USAGE}`);
    const m = resolveModel(a.model);
    [a.config, a.checkpoint, a.video, a.labels] = [m.config, m.checkpoint, pos[0], m.labelMap];
  } else {
    if (pos.length !== 4) throw new Error(`expected CONFIG CHECKPOINT VIDEO LABELS (or --model NAME VIDEO), got ${pos.length} positional argument(s)\n\n${USAGE}`);
    [a.config, a.checkpoint, a.video, a.labels] = pos;
  }
  if (!['nearest', 'bilinear', 'bicubic', 'lanczos'].includes(a.resizeAlgorithm!)) throw new Error(`--resize-algorithm must be nearest, bilinear, bicubic or lanczos, got ${a.resizeAlgorithm}`);
  const ext = a.outFilename?.split('.').pop()?.toLowerCase();
  if (a.outFilename && !['mp4', 'gif', 'mkv', 'webm', 'avi', 'mov'].includes(ext ?? '')) throw new Error(`--out-filename must end in .mp4 or .gif (or .mkv/.webm/.avi/.mov), got ${a.outFilename}`);
  return a as DemoArgs;
}

/** The frames of the input as one RGB buffer. */
async function readAllFrames(input: string, useFrames: boolean): Promise<{ data: Uint8Array; n: number; h: number; w: number }> {
  if (useFrames) {
    const files = readdirSync(input).filter((f) => /\.(jpe?g|png)$/i.test(f)).sort();
    if (!files.length) throw new Error(`no .jpg/.png frames in ${input}`);
    const first = await sharp(join(input, files[0])).metadata();
    const h = first.height!, w = first.width!;
    const data = new Uint8Array(files.length * h * w * 3);
    for (let i = 0; i < files.length; i++) {
      const buf = await sharp(join(input, files[i])).removeAlpha().toColourspace('srgb').raw().toBuffer();
      if (buf.length !== h * w * 3) throw new Error(`${files[i]}: frame size differs from ${files[0]}`);
      data.set(buf, i * h * w * 3);
    }
    return { data, n: files.length, h, w };
  }
  const reader = await VideoReader.open(input);
  try {
    const t = await reader.getBatch([...Array(reader.numFrames).keys()]);
    const [n, h, w] = t.shape;
    const data = t.toTypedArray() as Uint8Array;
    t.dispose();
    return { data, n, h, w };
  } finally {
    await reader.close();
  }
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(`${USAGE}\n\n${BUILTIN_USAGE}`);
    return 0;
  }
  // No positional arguments: the built-in model on a freshly generated SynthMotion clip.
  if (!argv.some((x, i) => !x.startsWith('--') && (i === 0 || !argv[i - 1].startsWith('--')))) {
    await runBuiltinDemo(parseBuiltinDemoArgs(argv));
    return 0;
  }
  const args = parseDemoArgs(argv);
  for (const [what, p] of [['config', args.config], ['checkpoint', args.checkpoint], ['label map', args.labels]] as const)
    if (!/^https?:\/\//.test(p) && !existsSync(p)) throw new Error(`${what} ${p} does not exist`);
  const model = await initRecognizer(args.config, args.checkpoint, { device: args.device, labels: args.labels, cfgOptions: args.cfgOptions });
  const result = await inferenceRecognizer(model, args.video);
  console.log('The top-5 labels with corresponding scores are:');
  for (const r of result.top) console.log(`${r.label}:  ${r.score}`);
  if (args.outFilename) {
    let frames = await readAllFrames(args.video, args.useFrames);
    if (args.targetResolution) frames = await resizeRgbFrames(frames, args.targetResolution, args.resizeAlgorithm);
    await drawLabel(frames.data, frames.n, frames.h, frames.w, String(result.top[0].label), { fontScale: args.fontScale, color: args.fontColor });
    await writeVideo(args.outFilename, { data: frames.data, width: frames.w, height: frames.h }, { fps: args.fps });
    console.log(`wrote ${args.outFilename} (${frames.n} frames, ${frames.w}x${frames.h}, ${args.fps} fps)`);
  }
  return 0;
}
