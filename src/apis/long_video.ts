/**
 * Sliding-window recognition over a long video, as MMAction2's demo/long_video_demo.py: frames
 * come one by one (from a VideoStream, never the whole video), a window of `sampleLength` frames
 * (clip_len * num_clips of the test pipeline's SampleFrames) is classified whenever it is full,
 * and every frame gets the labels of the latest prediction.
 *
 *   frames 1..L        all enter the window (L = sampleLength): the first prediction is at frame L
 *   after that         one frame out of every `inputStep` (chosen at random among them, as
 *                      MMAction2 does) enters the window; the oldest leaves
 *   after a prediction with stride > 0, int(L * stride) frames leave the window at once, so the
 *                      next prediction waits for as many new frames
 *   the last frame     always contributes a frame from the frames it has gathered
 *
 * A frame's labels are the top-5 `label: score` lines of the prediction made at that frame, cut
 * at the first score below `threshold`; frames without a new prediction repeat the previous
 * lines; before the first prediction (or after one with no score above the threshold) there are
 * none and MMAction2 shows 'Preparing action recognition ...'.
 *
 * With `batchSize` > 1, windows are classified in batches; frames wait (in memory, at most the
 * frames spanned by one batch of windows) until their prediction is known. The results are the
 * same as with batches of one, up to floating-point reordering in the model.
 */
import { ImageBatch, type NDArray } from '../datasets/pipelines/types.ts';
import { RandomState } from '../datasets/rng.ts';
import type { BaseRecognizer } from '../models/recognizers/base.ts';
import type { VideoStream } from '../video/stream.ts';
import { formatScore, prepareWindow, recognizeWindows, topLabels, type WindowPipeline } from './window_inference.ts';

/** MMAction2's message while no prediction is shown. */
export const PREPARING_MSG = 'Preparing action recognition ...';

export interface LongVideoOptions {
  /** Class names (the demo's label file), zipped with the scores. */
  labels: readonly string[];
  /** One frame out of every inputStep enters the window after the first one (default 1). */
  inputStep?: number;
  /** Fraction of the window that leaves it after each prediction, in [0, 1]; 0: slide by one frame (default 0). */
  stride?: number;
  /** Lines with a lower score are not shown (default 0.01). */
  threshold?: number;
  /** Windows per forward pass (default 1). */
  batchSize?: number;
  /** Seed of Python's `random` for the frame choice (MMAction2 leaves it unseeded; default 0). */
  seed?: number;
  /** Device of the model's inputs (default 'cpu'). */
  device?: string;
  /** Classes per prediction (MMAction2: 5). */
  topk?: number;
}

export interface LongVideoFrame {
  /** 1-based frame number (MMAction2's `ind`, the keys of its JSON output). */
  index: number;
  /** The frame, uint8 RGB [h, w, 3]. */
  frame: Uint8Array;
  /** The `label: score` lines shown on this frame; null: none yet (PREPARING_MSG). */
  labels: string[] | null;
  /** True on the frames where a prediction was made (their lines may be empty). */
  updated: boolean;
  /** The scores of that prediction (on updated frames). */
  scores?: Float32Array;
}

interface Job { imgs: NDArray | null; scores: Float32Array | null }
interface Pending { index: number; frame: Uint8Array; job: Job | null }

export class LongVideoRecognizer {
  readonly model: BaseRecognizer;
  readonly window: WindowPipeline;
  readonly options: Required<Omit<LongVideoOptions, 'labels'>> & { labels: readonly string[] };
  /** Windows classified so far. */
  predictions = 0;
  readonly #rng: RandomState;
  readonly #predStride: number;
  #index = 0;
  #backup: Uint8Array[] = [];
  #queue: Uint8Array[] = [];
  #version = 0;
  #last: { version: number; job: Job } | null = null;
  #todo: Job[] = [];
  #pending: Pending[] = [];
  #textInfo: string[] = [];
  #size: [number, number] | null = null;

  constructor(model: BaseRecognizer, window: WindowPipeline, o: LongVideoOptions) {
    const opts = { inputStep: 1, stride: 0, threshold: 0.01, batchSize: 1, seed: 0, device: 'cpu', topk: 5, ...o };
    if (!(Number.isInteger(opts.inputStep) && opts.inputStep >= 1)) throw new RangeError(`input step must be a positive integer, got ${opts.inputStep}`);
    if (!(opts.stride >= 0 && opts.stride <= 1)) throw new RangeError(`stride must be in [0, 1] (a fraction of the ${window.sampleLength}-frame window), got ${opts.stride}`);
    if (!(Number.isInteger(opts.batchSize) && opts.batchSize >= 1)) throw new RangeError(`batch size must be a positive integer, got ${opts.batchSize}`);
    if (!o.labels.length) throw new Error('no labels');
    this.model = model;
    this.window = window;
    this.options = opts;
    this.#rng = new RandomState(0);
    this.#rng.seedPython(opts.seed);
    this.#predStride = opts.stride > 0 ? Math.trunc(window.sampleLength * opts.stride) : 0;
  }

  /** Frames seen so far. */
  get frames(): number {
    return this.#index;
  }

  /**
   * Takes the next frame (uint8 RGB [h, w, 3]; held, not copied, until it is returned) and returns
   * the frames whose labels are now known, in order. `isLast` must be set on the video's last frame.
   */
  async push(frame: Uint8Array, height: number, width: number, isLast: boolean): Promise<LongVideoFrame[]> {
    if (!this.#size) this.#size = [height, width];
    else if (this.#size[0] !== height || this.#size[1] !== width)
      throw new Error(`frame ${this.#index + 1} is ${width}x${height}, the first was ${this.#size[1]}x${this.#size[0]}`);
    if (frame.length !== height * width * 3) throw new RangeError(`a ${width}x${height} RGB frame has ${height * width * 3} bytes, got ${frame.length}`);
    const L = this.window.sampleLength;
    const ind = ++this.#index;
    this.#backup.push(frame.slice()); // a copy: the caller draws on `frame` once it is returned
    if (ind === L) {
      for (const f of this.#backup) this.#append(f);
      this.#backup = [];
    } else if ((this.#backup.length === this.options.inputStep && ind > L) || isLast) {
      this.#append(this.#rng.pyChoice(this.#backup));
      this.#backup = [];
    }
    let job: Job | null = null;
    if (this.#queue.length === L) {
      if (this.#last && this.#last.version === this.#version) {
        job = this.#last.job; // the same window as the previous prediction: the same scores
      } else {
        const [h, w] = this.#size;
        const batch = ImageBatch.alloc(L, h, w, 3);
        this.#queue.forEach((f, i) => batch.data.set(f, i * f.length));
        job = { imgs: await prepareWindow(this.window, batch), scores: null };
        this.#todo.push(job);
        this.#last = { version: this.#version, job };
      }
      if (this.#predStride > 0) {
        this.#queue.splice(0, this.#predStride);
        this.#version++;
      }
    }
    this.#pending.push({ index: ind, frame, job });
    if (this.#todo.length >= this.options.batchSize) this.#runBatch();
    return this.#emit();
  }

  /** Classifies the windows still waiting and returns the remaining frames. */
  flush(): LongVideoFrame[] {
    this.#runBatch();
    return this.#emit();
  }

  #append(f: Uint8Array): void {
    this.#queue.push(f);
    if (this.#queue.length > this.window.sampleLength) this.#queue.shift();
    this.#version++;
  }

  #runBatch(): void {
    if (!this.#todo.length) return;
    const jobs = this.#todo;
    this.#todo = [];
    const scores = recognizeWindows(this.model, jobs.map((j) => j.imgs!), this.options.device);
    jobs.forEach((j, i) => {
      j.scores = scores[i];
      j.imgs = null;
    });
    this.predictions += jobs.length;
  }

  #emit(): LongVideoFrame[] {
    const out: LongVideoFrame[] = [];
    while (this.#pending.length) {
      const p = this.#pending[0];
      if (p.job && !p.job.scores) break;
      this.#pending.shift();
      if (p.job) {
        const lines: string[] = [];
        for (const [label, score] of topLabels(this.options.labels, p.job.scores!, this.options.topk)) {
          if (score < this.options.threshold) break;
          lines.push(`${label}: ${formatScore(score)}`);
        }
        this.#textInfo = lines;
        out.push({ index: p.index, frame: p.frame, labels: lines, updated: true, scores: p.job.scores! });
      } else {
        out.push({ index: p.index, frame: p.frame, labels: this.#textInfo.length ? this.#textInfo : null, updated: false });
      }
    }
    return out;
  }
}

/**
 * All frames of `stream` with their labels, in order; reads ahead one chunk so that the last
 * frame is known as such. Memory: the window, one or two chunks, and the frames of a pending batch.
 */
export async function* recognizeLongVideo(stream: VideoStream, recognizer: LongVideoRecognizer): AsyncGenerator<LongVideoFrame> {
  const read = async () => {
    const c = await stream.read();
    if (!c) return null;
    const [n, h, w] = c.frames.shape;
    const data = c.frames.toTypedArray() as Uint8Array;
    c.frames.dispose();
    return { data, n, h, w };
  };
  let next: Promise<Awaited<ReturnType<typeof read>>> | null = null;
  try {
    next = read();
    for (;;) {
      const chunk = await next;
      if (!chunk) break;
      next = read();
      const fb = chunk.h * chunk.w * 3;
      for (let i = 0; i < chunk.n; i++) {
        const isLast = i === chunk.n - 1 && (await next) === null;
        yield* await recognizer.push(chunk.data.subarray(i * fb, (i + 1) * fb), chunk.h, chunk.w, isLast);
      }
    }
    yield* recognizer.flush();
  } finally {
    next?.catch(() => undefined); // a read ahead that nobody waits for any more
    stream.close();
  }
}
