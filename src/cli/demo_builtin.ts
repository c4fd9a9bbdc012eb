/**
 * `mmaction demo` with no CONFIG/CHECKPOINT: the out-of-the-box demo. It generates a fresh
 * SynthMotion clip (a class and a seed the model never saw), writes it as an mp4, runs the
 * built-in SynthMotion model (models/synth_motion/) on that file through the normal video path
 * (decode, test pipeline, model), prints the top-5 and writes the clip with the prediction drawn.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { inferenceRecognizer, initRecognizer } from '../apis/inference.ts';
import { drawLabel } from '../apis/visualize.ts';
import { SYNTH_MOTION_CLASSES, renderSynthMotion, type SynthMotionClass } from '../datasets/synth_motion.ts';
import { writeVideo } from '../video/writer.ts';
import { resizeRgbFrames } from './frames.ts';

export const BUILTIN_USAGE = `usage: mmaction demo [--class NAME] [--seed N] [--out-dir DIR] [--out-filename FILE] [--device DEVICE]

With no CONFIG/CHECKPOINT, runs the built-in SynthMotion model (a TSM trained by \`mmaction train\`,
shipped in models/synth_motion/) on a freshly generated SynthMotion clip:
  --class NAME        the motion to generate (default: a random one); one of
                      ${SYNTH_MOTION_CLASSES.join(', ')}
  --seed N            seed of the clip (default: random >= 10^9; training used 0-79, validation 1000003-1000012)
  --out-dir DIR       where the input clip and the annotated result go (default ./mmaction-demo)
  --out-filename FILE the annotated result (default DIR/demo_out.mp4; .gif also works)
  --device DEVICE     cpu (default) or cuda:N`;

export interface BuiltinDemoArgs { cls: SynthMotionClass | null; seed: number | null; outDir: string; outFilename: string | null; device: string }

export function parseBuiltinDemoArgs(argv: string[]): BuiltinDemoArgs {
  const a: BuiltinDemoArgs = { cls: null, seed: null, outDir: 'mmaction-demo', outFilename: null, device: 'cpu' };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${f} needs a value\n\n${BUILTIN_USAGE}`);
      return v;
    };
    switch (f) {
      case '--class': {
        const c = value();
        if (!(SYNTH_MOTION_CLASSES as readonly string[]).includes(c)) throw new Error(`--class must be one of ${SYNTH_MOTION_CLASSES.join(', ')}; got '${c}'`);
        a.cls = c as SynthMotionClass;
        break;
      }
      case '--seed': {
        const v = value();
        const n = Number(v);
        if (!Number.isInteger(n) || n < 0) throw new Error(`--seed needs a non-negative integer, got ${v}`);
        a.seed = n;
        break;
      }
      case '--out-dir': a.outDir = value(); break;
      case '--out-filename': a.outFilename = value(); break;
      case '--device': a.device = value(); break;
      default: throw new Error(`unknown option ${f}\n\n${BUILTIN_USAGE}`);
    }
  }
  return a;
}

/** Clip geometry of the demo: the training clips' motion, spread over more frames so it can be watched. */
const CLIP = { size: 112, frames: 48, fps: 16 } as const;
/** The annotated output is enlarged so the label is readable. */
const OUTPUT_SIZE = 336;

export interface BuiltinDemoResult { cls: SynthMotionClass; seed: number; predicted: string | number; correct: boolean; input: string; output: string }

export async function runBuiltinDemo(args: BuiltinDemoArgs, log: (line: string) => void = console.log): Promise<BuiltinDemoResult> {
  // Seeds from 10^9 up never occur in the training or validation sets (which use seed*1000003+i, seed 0 and 1).
  const seed = args.seed ?? 1_000_000_000 + Math.floor(Math.random() * 1_000_000_000);
  const cls = args.cls ?? SYNTH_MOTION_CLASSES[seed % SYNTH_MOTION_CLASSES.length];
  mkdirSync(args.outDir, { recursive: true });
  const input = resolve(join(args.outDir, `synthmotion_${cls}_seed${seed}.mp4`));
  const output = resolve(args.outFilename ?? join(args.outDir, 'demo_out.mp4'));
  const frames = renderSynthMotion(cls, { size: CLIP.size, frames: CLIP.frames, seed });
  await writeVideo(input, { data: frames, width: CLIP.size, height: CLIP.size }, { fps: CLIP.fps });
  log(`generated a SynthMotion clip: class ${cls}, seed ${seed} -> ${input}`);

  const model = await initRecognizer(undefined, undefined, { device: args.device });
  const result = await inferenceRecognizer(model, input);
  log('The top-5 labels with corresponding scores are:');
  for (const r of result.top) log(`${r.label}:  ${r.score}`);
  const predicted = result.top[0].label;
  const correct = predicted === cls;
  log(correct ? `correct: the clip shows ${cls}` : `wrong: the clip shows ${cls}, the model says ${predicted}`);

  const big = await resizeRgbFrames({ data: frames, n: CLIP.frames, h: CLIP.size, w: CLIP.size }, [OUTPUT_SIZE, OUTPUT_SIZE], 'bicubic');
  await drawLabel(big.data, big.n, big.h, big.w, `${predicted} (${result.top[0].score.toFixed(2)})`, { fontScale: 0.5 });
  await writeVideo(output, { data: big.data, width: big.w, height: big.h }, { fps: CLIP.fps });
  log(`wrote ${output} (${big.n} frames, ${big.w}x${big.h}, ${CLIP.fps} fps)`);
  model.dispose?.();
  return { cls, seed, predicted, correct, input, output };
}
