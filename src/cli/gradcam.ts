/**
 * `mmaction gradcam CONFIG CHECKPOINT VIDEO [options]`: MMAction2's demo/demo_gradcam.py. Runs the
 * config's test pipeline on VIDEO (a video file or URL; with --use-frames a folder of frames),
 * computes Grad-CAM on --target-layer-name for the top class, and with --out-filename writes the
 * heat maps blended on the input images (alpha 0.5, viridis) as a .gif or video, one frame per
 * model input image (all crops and clips, in order), like MMAction2.
 */
import { existsSync, statSync } from 'node:fs';
import { GradCAM, blendedToFrames } from '../apis/gradcam.ts';
import { buildInputs, initRecognizer } from '../apis/inference.ts';
import { imresize } from '../datasets/pipelines/imresize.ts';
import { ImageBatch } from '../datasets/pipelines/types.ts';
import { writeVideo } from '../video/writer.ts';

const USAGE = `usage: mmaction gradcam CONFIG CHECKPOINT VIDEO [--use-frames] [--device DEVICE]
                        [--target-layer-name NAME] [--out-filename FILE] [--fps FPS]
                        [--target-resolution W H] [--resize-algorithm ALG] [--cfg-options K=V ...]

MMAction2 Grad-CAM demo: the heat map of what the recognizer looks at for its top class.
  --use-frames              VIDEO is a folder of frames
  --target-layer-name NAME  layer whose output is explained (default backbone/layer4/1/relu)
  --out-filename FILE       write the blended frames (.gif, .mp4, .webm, ...)
  --fps FPS                 frame rate of the output (default 5)
  --target-resolution W H   resize the output, keeping the aspect ratio; -1 for one side makes the
                            other value the short side (as MMAction2's _resize_frames)
  --resize-algorithm ALG    bilinear (default) | nearest
  --device DEVICE           cpu (default) or cuda:N`;

export interface GradcamArgs {
  config: string; checkpoint: string; video: string; useFrames: boolean; device: string;
  targetLayerName: string; outFilename: string | null; fps: number;
  targetResolution: [number, number] | null; resizeAlgorithm: 'bilinear' | 'nearest'; cfgOptions: string[];
}

function num(flag: string, v: string | undefined, integer = false): number {
  const n = Number(v);
  if (v === undefined || v.startsWith('--') || !Number.isFinite(n) || (integer && !Number.isInteger(n)))
    throw new Error(`${flag} needs ${integer ? 'an integer' : 'a number'}, got ${v ?? 'nothing'}`);
  return n;
}

export function parseGradcamArgs(argv: string[]): GradcamArgs {
  const pos: string[] = [];
  const a: Partial<GradcamArgs> = {
    useFrames: false, device: 'cpu', targetLayerName: 'backbone/layer4/1/relu', outFilename: null, fps: 5,
    targetResolution: null, resizeAlgorithm: 'bilinear', cfgOptions: [],
  };
  const value = (f: string, v: string | undefined) => {
    if (v === undefined || v.startsWith('--')) throw new Error(`${f} needs a value`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const f = argv[i];
    switch (f) {
      case '--use-frames': a.useFrames = true; break;
      case '--device': a.device = value(f, argv[++i]); break;
      case '--target-layer-name': a.targetLayerName = value(f, argv[++i]); break;
      case '--out-filename': a.outFilename = value(f, argv[++i]); break;
      case '--fps': a.fps = num(f, argv[++i], true); break;
      case '--target-resolution': a.targetResolution = [num(f, argv[++i], true), num(f, argv[++i], true)]; break;
      case '--resize-algorithm': a.resizeAlgorithm = value(f, argv[++i]) as 'bilinear'; break;
      case '--cfg-options': while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) a.cfgOptions!.push(argv[++i]); break;
      default:
        if (f.startsWith('--')) throw new Error(`unknown option ${f}\n\n${USAGE}`);
        pos.push(f);
    }
  }
  if (pos.length !== 3) throw new Error(`expected CONFIG CHECKPOINT VIDEO, got ${pos.length} positional argument(s)\n\n${USAGE}`);
  [a.config, a.checkpoint, a.video] = pos;
  if (!(a.fps! > 0)) throw new Error(`--fps must be positive, got ${a.fps}`);
  if (a.resizeAlgorithm !== 'bilinear' && a.resizeAlgorithm !== 'nearest')
    throw new Error(`--resize-algorithm must be bilinear or nearest (cv2-exact resizing), got ${a.resizeAlgorithm}`);
  const tr = a.targetResolution;
  if (tr && tr.some((v) => v === 0 || v < -1)) throw new Error(`--target-resolution takes positive sizes or -1, got ${tr.join(' ')}`);
  const ext = a.outFilename?.split('.').pop()?.toLowerCase();
  if (a.outFilename && !['gif', 'mp4', 'mkv', 'webm', 'avi', 'mov'].includes(ext ?? ''))
    throw new Error(`--out-filename must end in .gif or .mp4 (or .mkv/.webm/.avi/.mov), got ${a.outFilename}`);
  return a as GradcamArgs;
}

/**
 * The output size of MMAction2's _resize_frames (mmcv.rescale_size with keep_ratio): the largest
 * size within (max(W, H), min(W, H)) as long/short edges; one side -1 makes the other the short
 * edge. null: keep the frames as they are.
 */
export function gradcamOutputSize(w: number, h: number, target: [number, number] | null): [number, number] | null {
  if (!target || (target[0] === -1 && target[1] === -1)) return null;
  let long = Math.max(...target);
  let short = Math.min(...target);
  if (short === -1) [long, short] = [Infinity, long];
  const f = Math.min(long / Math.max(h, w), short / Math.min(h, w));
  return [Math.trunc(w * f + 0.5), Math.trunc(h * f + 0.5)];
}

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('-h') || argv.includes('--help')) {
    console.log(USAGE);
    return 0;
  }
  const args = parseGradcamArgs(argv);
  for (const [what, p] of [['config', args.config], ['checkpoint', args.checkpoint]] as const)
    if (!existsSync(p)) throw new Error(`${what} ${p} does not exist`);
  const isUrl = /^https?:\/\//.test(args.video);
  if (!isUrl && !existsSync(args.video)) throw new Error(`'${args.video}' is missing`);
  if (!isUrl && statSync(args.video).isFile() && args.useFrames) throw new Error(`'${args.video}' is a video file, not a rawframe directory (drop --use-frames)`);
  if (!isUrl && statSync(args.video).isDirectory() && !args.useFrames) throw new Error(`'${args.video}' is a rawframe directory, not a video file (add --use-frames)`);

  const model = await initRecognizer(args.config, args.checkpoint, { device: args.device, cfgOptions: args.cfgOptions });
  const cam = new GradCAM(model, args.targetLayerName);
  let imgs = await buildInputs(model, args.video);
  if (args.device !== 'cpu') {
    const moved = imgs.to(args.device);
    imgs.dispose();
    imgs = moved;
  }
  const { blendedImgs, localizationMap, preds } = cam.call(imgs);
  imgs.dispose();
  localizationMap.dispose();
  const scores = preds.index(0).to('cpu').to('float32').toTypedArray() as Float32Array;
  preds.dispose();
  const top = scores.reduce((b, v, i, s) => (v > s[b] ? i : b), 0);
  console.log(`Grad-CAM of class ${top}${model.classNames?.[top] ? ` (${model.classNames[top]})` : ''}, score ${scores[top]}, ` +
    `at ${args.targetLayerName}: ${blendedImgs.shape.slice(0, 2).join(' x ')} images of ${blendedImgs.shape[3]}x${blendedImgs.shape[2]}`);
  if (!args.outFilename) {
    blendedImgs.dispose();
    return 0;
  }
  const frames = blendedToFrames(blendedImgs); // [B*T, H, W, 3]
  blendedImgs.dispose();
  const [n, h, w] = frames.shape;
  let batch = new ImageBatch(frames.toTypedArray() as Uint8Array, n, h, w, 3);
  frames.dispose();
  const size = gradcamOutputSize(w, h, args.targetResolution);
  if (size) batch = imresize(batch, size[0], size[1], args.resizeAlgorithm);
  await writeVideo(args.outFilename, { data: batch.data, width: batch.w, height: batch.h }, { fps: args.fps });
  console.log(`wrote ${args.outFilename} (${batch.n} frames, ${batch.w}x${batch.h}, ${args.fps} fps)`);
  return 0;
}
