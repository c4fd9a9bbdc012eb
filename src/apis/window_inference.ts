/**
 * Recognition on windows of frames already in memory, as MMAction2's long-video and webcam demos
 * do it (demo/long_video_demo.py, demo/webcam_demo.py): the test pipeline without its frame
 * sampling and decoding steps, fed `clip_len * num_clips` consecutive frames, and the top-5
 * labels of the scores. Shared by `mmaction long-video-demo` and `mmaction webcam-demo`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { collate } from '../datasets/collate.ts';
import { buildPipeline, type Pipeline } from '../datasets/pipelines/index.ts';
import { ImageBatch, NDArray, type Results } from '../datasets/pipelines/types.ts';
import type { BaseRecognizer } from '../models/recognizers/base.ts';
import * as torch from '../torch/index.ts';

type Cfg = Record<string, any>;

/** The steps MMAction2's demos drop because the frames are already decoded (EXCLUED_STEPS there), plus PIMS and ArrayDecode. */
export const DECODE_STEPS = new Set([
  'OpenCVInit', 'OpenCVDecode', 'DecordInit', 'DecordDecode', 'PyAVInit', 'PyAVDecode', 'RawFrameDecode',
  'PIMSInit', 'PIMSDecode', 'ArrayDecode',
]);

export interface WindowPipeline {
  /** The test pipeline without sampling and decoding; it takes `imgs` (uint8 frames) and returns `imgs`. */
  pipeline: Pipeline;
  /** Frames per window: the SampleFrames step's clip_len * num_clips (MMAction2's sample_length). */
  sampleLength: number;
  numClips: number;
  clipLen: number;
}

/** Builds the window pipeline from a model config's data.test.pipeline (or test_pipeline). */
export function buildWindowPipeline(cfg: Cfg): WindowPipeline {
  const steps: Cfg[] | undefined = cfg.data?.test?.pipeline ?? cfg.test_pipeline;
  if (!Array.isArray(steps)) throw new Error('the config has no data.test.pipeline');
  let clipLen = 0, numClips = 0;
  const kept: Cfg[] = [];
  for (const step of steps) {
    const type = String(step?.type);
    if (type.includes('SampleFrames')) {
      clipLen = Number(step.clip_len);
      numClips = Number(step.num_clips ?? 1);
      if (!(Number.isInteger(clipLen) && clipLen > 0 && Number.isInteger(numClips) && numClips > 0))
        throw new Error(`data.test.pipeline: ${type} needs positive integer clip_len and num_clips, got ${step.clip_len} and ${step.num_clips}`);
      continue;
    }
    if (DECODE_STEPS.has(type)) continue;
    kept.push(step);
  }
  if (!clipLen) throw new Error('data.test.pipeline has no SampleFrames step: the window length (clip_len * num_clips) is unknown');
  const pipeline = buildPipeline(kept, { seed: 0, where: 'data.test.pipeline (window)', tensors: false });
  return { pipeline, sampleLength: clipLen * numClips, numClips, clipLen };
}

/** Runs the window pipeline on `frames` (uint8 RGB, sampleLength frames) and returns the model input of one window. */
export async function prepareWindow(wp: WindowPipeline, frames: ImageBatch): Promise<NDArray> {
  if (frames.n !== wp.sampleLength) throw new RangeError(`a window has ${wp.sampleLength} frames, got ${frames.n}`);
  const data: Results = {
    imgs: frames, img_shape: [frames.h, frames.w], original_shape: [frames.h, frames.w], modality: 'RGB', label: -1,
    num_clips: wp.numClips, clip_len: wp.clipLen, frame_inds: [...Array(frames.n).keys()],
  };
  const r = await wp.pipeline(data);
  const imgs = r.imgs;
  if (!(imgs instanceof NDArray)) throw new Error('the test pipeline did not produce `imgs` (check FormatShape/Collect in data.test.pipeline)');
  return imgs;
}

/** Test-mode scores of a batch of prepared windows (one row per window), in order. */
export function recognizeWindows(model: BaseRecognizer, windows: NDArray[], device = 'cpu'): Float32Array[] {
  if (!windows.length) return [];
  const batch = collate(windows.map((imgs) => ({ imgs })));
  const nd = batch.imgs as NDArray;
  return torch.tidy(() => {
    let x = torch.fromTypedArray(nd.data as Float32Array, nd.shape);
    if (device !== 'cpu') x = x.to(device);
    const scores = torch.noGrad(() => model.forwardTest(x)).to('cpu').to('float32').contiguous(); // [B, K]
    const k = scores.shape[1];
    const flat = scores.toTypedArray() as Float32Array;
    return windows.map((_, i) => flat.slice(i * k, (i + 1) * k));
  });
}

/**
 * Label names read as the demos read them: one per line, stripped, blank lines kept (they are
 * classes too); the newline after the last line does not make an extra class.
 */
export function readLabels(path: string): string[] {
  if (!existsSync(path)) throw new Error(`label file ${path} does not exist`);
  const lines = readFileSync(path, 'utf8').split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  const labels = lines.map((l) => l.trim());
  if (!labels.length) throw new Error(`label file ${path} is empty`);
  return labels;
}

/**
 * The top results as the demos make them: zip(labels, scores) (the shorter one decides),
 * sorted by score descending, stable (ties keep the class order), the first min(#labels, k).
 */
export function topLabels(labels: readonly string[], scores: ArrayLike<number>, k = 5): [string, number][] {
  const n = Math.min(labels.length, scores.length);
  const order = [...Array(n).keys()].sort((a, b) => scores[b] - scores[a] || a - b);
  return order.slice(0, Math.min(labels.length, k)).map((i) => [labels[i], scores[i]]);
}

/**
 * `str(round(score, 2))` for a numpy float32 score, as the demos print it: numpy rounds in float32
 * (x * 100, round half to even, / 100) and prints the shortest float32 repr ('0.83', '1.0', '0.0').
 */
export function formatScore(score: number): string {
  const y = Math.fround(Math.fround(score) * 100);
  const f = Math.floor(y);
  const r = y - f > 0.5 ? f + 1 : y - f < 0.5 ? f : f % 2 === 0 ? f : f + 1; // np.rint: half to even
  const v = Math.fround(r / 100);
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  if (v === 0) return Object.is(v, -0) ? '-0.0' : '0.0';
  let s = '';
  for (let p = 1; p <= 9; p++) {
    s = v.toPrecision(p);
    if (Math.fround(Number(s)) === v) break;
  }
  const x = Number(s);
  if (Math.abs(x) >= 1e16 || Math.abs(x) < 1e-4) {
    const [m, e] = x.toExponential().split('e');
    return `${m}e${e[0] === '-' ? '-' : '+'}${e.replace(/^[+-]/, '').padStart(2, '0')}`;
  }
  const plain = String(x);
  return plain.includes('.') ? plain : `${plain}.0`;
}
