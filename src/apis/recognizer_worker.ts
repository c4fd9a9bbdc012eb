/**
 * A recognizer in a worker thread, so that a live loop keeps reading, drawing and writing frames
 * while a window is classified (MMAction2's webcam_demo.py runs inference in a second thread).
 *
 *   const w = await RecognizerWorker.start({ config, checkpoint });   // builds the model in the thread
 *   const scores = await w.infer(frames, w.sampleLength, h, w);      // uint8 RGB window -> Float32Array
 *   await w.terminate();
 *
 * This file is both sides: the class for the main thread, and (when run as the worker, through
 * recognizer_worker_boot.mjs) the loop that answers requests.
 */
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { ImageBatch } from '../datasets/pipelines/types.ts';
import { initRecognizer } from './inference.ts';
import { buildWindowPipeline, prepareWindow, recognizeWindows } from './window_inference.ts';

export interface RecognizerWorkerOptions {
  /** Config file path or config object. */
  config: string | Record<string, unknown>;
  checkpoint: string | null;
  device?: string;
  cfgOptions?: string[];
}

interface Request { id: number; frames: Uint8Array; n: number; h: number; w: number }
type Reply = { ready: true; sampleLength: number } | { ready: false; message: string }
  | { id: number; scores: Float32Array } | { id: number; message: string };

export class RecognizerWorker {
  readonly sampleLength: number;
  readonly #w: Worker;
  readonly #waiting = new Map<number, { resolve: (s: Float32Array) => void; reject: (e: Error) => void }>();
  #next = 0;
  #failed: Error | null = null;

  private constructor(w: Worker, sampleLength: number) {
    this.#w = w;
    this.sampleLength = sampleLength;
    w.on('message', (m: Reply) => {
      if (!('id' in m)) return;
      const p = this.#waiting.get(m.id);
      this.#waiting.delete(m.id);
      if ('scores' in m) p?.resolve(m.scores);
      else p?.reject(new Error(m.message));
    });
    const fail = (e: Error) => {
      this.#failed = e;
      for (const p of this.#waiting.values()) p.reject(e);
      this.#waiting.clear();
    };
    w.on('error', fail);
    w.on('exit', (code) => fail(new Error(`the recognizer thread exited (code ${code})`)));
  }

  /** Starts the thread and waits until its model is built. */
  static start(o: RecognizerWorkerOptions): Promise<RecognizerWorker> {
    const w = new Worker(new URL('./recognizer_worker_boot.mjs', import.meta.url), { workerData: { ...o, __recognizerWorker: true } });
    return new Promise((resolve, reject) => {
      const onMessage = (m: Reply) => {
        if (!('ready' in m)) return;
        w.off('message', onMessage);
        w.off('error', onError);
        if (m.ready) resolve(new RecognizerWorker(w, m.sampleLength));
        else {
          void w.terminate();
          reject(new Error(m.message));
        }
      };
      const onError = (e: Error) => reject(e);
      w.on('message', onMessage);
      w.once('error', onError);
    });
  }

  /** Test-mode scores of one window of `n` frames (uint8 RGB [n, h, w, 3]); the buffer is handed over to the thread. */
  infer(frames: Uint8Array, n: number, h: number, w: number): Promise<Float32Array> {
    if (this.#failed) return Promise.reject(this.#failed);
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      const req: Request = { id, frames, n, h, w };
      this.#w.postMessage(req, [frames.buffer as ArrayBuffer]);
    });
  }

  async terminate(): Promise<void> {
    this.#failed ??= new Error('the recognizer thread was stopped');
    await this.#w.terminate();
  }
}

async function serve(): Promise<void> {
  const port = parentPort!;
  const o = workerData as RecognizerWorkerOptions;
  let model, window;
  try {
    model = await initRecognizer(o.config, o.checkpoint, { device: o.device, cfgOptions: o.cfgOptions });
    window = buildWindowPipeline(model.cfg);
  } catch (e) {
    port.postMessage({ ready: false, message: (e as Error).message } satisfies Reply);
    return;
  }
  port.on('message', async (req: Request) => {
    try {
      const imgs = await prepareWindow(window, new ImageBatch(req.frames, req.n, req.h, req.w, 3));
      const [scores] = recognizeWindows(model, [imgs], o.device ?? 'cpu');
      port.postMessage({ id: req.id, scores } satisfies Reply, [scores.buffer as ArrayBuffer]);
    } catch (e) {
      port.postMessage({ id: req.id, message: (e as Error).message } satisfies Reply);
    }
  });
  port.postMessage({ ready: true, sampleLength: window.sampleLength } satisfies Reply);
}

if (!isMainThread && (workerData as { __recognizerWorker?: boolean } | null)?.__recognizerWorker) void serve();
