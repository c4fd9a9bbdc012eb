/**
 * Live action recognition, as MMAction2's demo/webcam_demo.py, for machines without a display:
 * frames come from any FFmpeg live input (a V4L2 webcam, an RTSP/HTTP stream, or a file played at
 * its real frame rate), a recognizer thread classifies the latest window of frames at most
 * `inferenceFps` times a second, the last `averageSize` results are averaged, and each new
 * prediction is reported (and drawn on the frames written to `outFilename`).
 *
 * As in MMAction2: frames pass at most `drawingFps` a second (here by their timestamps), the
 * window holds the last clip_len x num_clips of them, and the drawing never waits for the model
 * (the two run side by side). Memory is bounded: the window, one window in the recognizer thread,
 * one frame being encoded.
 */
import { performance } from 'node:perf_hooks';
import { RecognizerWorker, type RecognizerWorkerOptions } from './recognizer_worker.ts';
import { TextPainter, type TextLine } from './visualize.ts';
import { formatScore, topLabels } from './window_inference.ts';
import { VideoStream } from '../video/stream.ts';
import { VideoWriter } from '../video/writer.ts';

/** MMAction2's message until the first prediction. */
export const WAITING_MSG = 'Waiting for action ...';

export type LiveSource =
  | { camera: number | string; width?: number; height?: number; fps?: number }
  | { url: string; realtime?: boolean; format?: string; inputOptions?: Record<string, string> };

export interface WebcamPrediction {
  /** Frames read when the prediction arrived. */
  frame: number;
  /** Seconds since the first frame (its timestamp). */
  time: number;
  /** Top-5 [label, averaged score], best first. */
  results: [string, number][];
  /** The lines shown (`label: score`, cut at the first score below the threshold). */
  lines: string[];
}

export interface WebcamDemoOptions extends RecognizerWorkerOptions {
  source: LiveSource;
  /** Class names (the label file). */
  labels: readonly string[];
  threshold?: number;
  /** Results averaged per prediction (default 1). */
  averageSize?: number;
  /** Upper bound of frames per second passed on (drawn, written, windowed); 0: all (default 20). */
  drawingFps?: number;
  /** Upper bound of inferences per second; 0: back to back (default 4). */
  inferenceFps?: number;
  /** Write the annotated frames here (.mp4, .webm, .gif, ...). */
  outFilename?: string | null;
  /** Stop after this many input frames. */
  maxFrames?: number | null;
  fontScale?: number;
  /** Stops the loop (SIGINT in the CLI). */
  signal?: AbortSignal;
  onPrediction?: (p: WebcamPrediction) => void;
  /** Called after each frame that was passed on (tests sample memory here). */
  onFrame?: (written: number) => void;
}

export interface WebcamSummary {
  framesRead: number;
  /** Frames passed on (drawn and written when there is an output file). */
  framesShown: number;
  inferences: number;
  predictions: number;
  /** Wall-clock seconds from the first frame to the end. */
  seconds: number;
  /** Seconds of input (timestamp of the last frame minus the first). */
  inputSeconds: number;
  stoppedBy: 'end of input' | 'max frames' | 'signal';
  width: number;
  height: number;
}

function openSource(s: LiveSource): Promise<VideoStream> {
  if ('camera' in s) {
    const device = typeof s.camera === 'number' ? `/dev/video${s.camera}` : s.camera;
    return VideoStream.webcam(device, { width: s.width, height: s.height, fps: s.fps });
  }
  return VideoStream.open(s.url, { realtime: s.realtime ?? false, format: s.format, inputOptions: s.inputOptions });
}

/** The lines MMAction2 draws for one result: top-k until the first score below the threshold. */
function linesOf(results: [string, number][], threshold: number): string[] {
  const out: string[] = [];
  for (const [label, score] of results) {
    if (score < threshold) break;
    out.push(`${label}: ${formatScore(score)}`);
  }
  return out;
}

export async function runWebcamDemo(o: WebcamDemoOptions): Promise<WebcamSummary> {
  const threshold = o.threshold ?? 0.01;
  const averageSize = o.averageSize ?? 1;
  const drawingFps = o.drawingFps ?? 20;
  const inferenceFps = o.inferenceFps ?? 4;
  if (!(Number.isInteger(averageSize) && averageSize >= 1)) throw new RangeError(`average size must be a positive integer, got ${averageSize}`);
  if (!(drawingFps >= 0) || !(inferenceFps >= 0)) throw new RangeError('drawing and inference fps must be >= 0 (0: no limit)');
  if (!o.labels.length) throw new Error('no labels');

  // As MMAction2: the model is ready before the camera opens.
  const worker = await RecognizerWorker.start({ config: o.config, checkpoint: o.checkpoint, device: o.device, cfgOptions: o.cfgOptions });
  let stream: VideoStream | null = null;
  let writer: VideoWriter | null = null;
  let inFlight: Promise<void> | null = null;
  try {
    stream = await openSource(o.source);
    const { width, height } = stream;
    const L = worker.sampleLength;
    const fb = width * height * 3;
    const srcFps = stream.fps > 0 && stream.fps < 1000 ? stream.fps : 0;
    const outFps = drawingFps > 0 ? Math.min(drawingFps, srcFps || drawingFps) : srcFps || 30;
    writer = o.outFilename ? new VideoWriter(o.outFilename, { fps: outFps }) : null;
    const painter = new TextPainter(o.fontScale ?? 1);
    const waiting: TextLine[] = [{ text: WAITING_MSG, color: '#808080' }];

    const ring: Uint8Array[] = [];
    const cache: Float32Array[] = [];
    let sum: Float32Array | null = null;
    let fresh: string[] | null = null; // MMAction2's result_queue (maxlen 1)
    let textInfo: string[] = [];
    let nextInferAt = 0;
    let nextDue = -Infinity;
    let t0: number | null = null, tLast = 0, wall0 = 0;
    let failure: Error | null = null;
    const s: WebcamSummary = { framesRead: 0, framesShown: 0, inferences: 0, predictions: 0, seconds: 0, inputSeconds: 0, stoppedBy: 'end of input', width, height };

    const infer = (windowFrames: Uint8Array) => {
      const started = performance.now();
      s.inferences++;
      inFlight = worker.infer(windowFrames, L, height, width).then((scores) => {
        cache.push(scores);
        if (!sum) sum = new Float32Array(scores.length);
        for (let i = 0; i < scores.length; i++) sum[i] += scores[i];
        if (cache.length === averageSize) {
          const avg = sum.map((v) => v / averageSize);
          const results = topLabels(o.labels, avg);
          fresh = linesOf(results, threshold);
          s.predictions++;
          o.onPrediction?.({ frame: s.framesRead, time: tLast - (t0 ?? 0), results, lines: fresh });
          const old = cache.shift()!;
          for (let i = 0; i < old.length; i++) sum[i] -= old[i];
        }
      }).catch((e: Error) => {
        failure ??= e;
      }).finally(() => {
        inFlight = null;
        nextInferAt = started + (inferenceFps > 0 ? 1000 / inferenceFps : 0);
      });
    };

    const aborted = new Promise<null>((resolve) => {
      if (o.signal?.aborted) resolve(null);
      o.signal?.addEventListener('abort', () => resolve(null), { once: true });
    });
    for (;;) {
      if (failure) throw new Error(`recognition failed: ${(failure as Error).message}`);
      if (o.signal?.aborted) { s.stoppedBy = 'signal'; break; }
      if (o.maxFrames && s.framesRead >= o.maxFrames) { s.stoppedBy = 'max frames'; break; }
      const reading = stream.read(1);
      reading.catch(() => undefined); // when the signal wins the race, nobody awaits the read
      const chunk = await Promise.race([reading, aborted]);
      if (!chunk) {
        if (o.signal?.aborted) s.stoppedBy = 'signal';
        break;
      }
      const ts = chunk.timestamps[0];
      const frame = chunk.frames.toTypedArray() as Uint8Array;
      chunk.frames.dispose();
      if (t0 === null) { t0 = ts; wall0 = performance.now(); }
      tLast = ts;
      s.framesRead++;
      if (drawingFps > 0) {
        if (ts < nextDue - 1e-6) continue; // over the drawing rate: dropped, as MMAction2's loop never reads it
        const period = 1 / drawingFps;
        nextDue = (nextDue === -Infinity ? ts : nextDue) + period;
        if (nextDue < ts + period / 2) nextDue = ts + period; // after a gap in the input: restart the grid here
      }
      ring.push(frame);
      if (ring.length > L) ring.shift();
      if (!inFlight && ring.length === L && performance.now() >= nextInferAt) {
        const win = new Uint8Array(L * fb);
        ring.forEach((f, i) => win.set(f, i * fb));
        infer(win);
      }
      let lines: TextLine[];
      if (fresh) {
        textInfo = fresh;
        fresh = null;
        lines = textInfo.map((text) => ({ text, color: 'white' }));
      } else if (textInfo.length) {
        lines = textInfo.map((text) => ({ text, color: 'white' }));
      } else {
        lines = waiting;
      }
      if (writer) {
        const out = frame.slice();
        await painter.prepare(lines);
        painter.draw(out, height, width, lines);
        await writer.write({ data: out, width, height });
      }
      s.framesShown++;
      o.onFrame?.(s.framesShown);
    }
    // The window classified last still counts: report it.
    if (inFlight) await inFlight;
    if (failure) throw new Error(`recognition failed: ${(failure as Error).message}`);
    s.seconds = t0 === null ? 0 : (performance.now() - wall0) / 1000;
    s.inputSeconds = t0 === null ? 0 : tLast - t0;
    if (s.framesRead === 0) throw new Error(`no frames could be read from ${'camera' in o.source ? `camera ${o.source.camera}` : o.source.url}`);
    if (writer) {
      if (s.framesShown > 0) await writer.close();
      else writer.abort();
    }
    writer = null;
    return s;
  } finally {
    writer?.abort();
    stream?.close();
    await worker.terminate();
  }
}
