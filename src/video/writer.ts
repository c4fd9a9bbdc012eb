/**
 * VideoWriter: encodes uint8 RGB frames to a video file (native/video_writer.cc): H.264 in
 * .mp4/.mov/.mkv (libx264, CRF 23, preset medium; MPEG-4 part 2 when libx264 is missing), VP9 in
 * .webm, MPEG-4 in .avi, and animated .gif through FFmpeg's palettegen/paletteuse (one palette for
 * the whole clip). The demos write their results with it, as MMAction2's demos do with
 * moviepy/cv2.VideoWriter.
 *
 *   const w = new VideoWriter('out.mp4', { fps: 30 });
 *   await w.write(frames);   // uint8 Tensor [T, H, W, 3] or [H, W, 3], RGB
 *   await w.close();         // the file appears (atomically) only now
 *
 * Encoding runs off the JS thread. The file is written under a temporary name next to the target
 * and renamed on close(); abort() (or an error) leaves no partial file. Frames of odd width/height
 * are padded by one repeated column/row for 4:2:0 encoders.
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { native, type VideoHandle } from '../torch/binding.ts';
import { Tensor } from '../torch/tensor.ts';

export interface VideoWriterOptions {
  /** Frames per second (default 30). */
  fps?: number;
  /** FFmpeg encoder name ('libx264', 'mpeg4', 'libvpx-vp9', 'gif', ...); default: chosen by extension. */
  codec?: string;
  /** Constant-quality factor for x264/x265/VPx (x264 default 23; lower is better). */
  crf?: number;
  /** x264/x265 preset ('ultrafast' ... 'veryslow'; default 'medium'). */
  preset?: string;
  /** Target bits per second instead of constant quality. */
  bitRate?: number;
}

/** Frames as a uint8 tensor [T, H, W, 3] / [H, W, 3], or raw RGB bytes with their size. */
export type FramesInput = Tensor | { data: Uint8Array; width: number; height: number };

function framesOf(path: string, f: FramesInput): { data: Uint8Array; n: number; width: number; height: number } {
  if (!(f instanceof Tensor)) {
    const fb = f.width * f.height * 3;
    if (!(fb > 0) || f.data.length % fb !== 0)
      throw new RangeError(`VideoWriter(${path}): ${f.data.length} bytes is not a whole number of ${f.width}x${f.height} RGB frames`);
    return { data: f.data, n: f.data.length / fb, width: f.width, height: f.height };
  }
  const t = f;
  const shape = t.shape;
  if (t.dtype !== 'uint8')
    throw new TypeError(`VideoWriter(${path}): frames must be uint8 RGB, got ${t.dtype} (convert with .clamp(0, 255).to('uint8'))`);
  const s = shape.length === 3 ? [1, ...shape] : shape;
  if (s.length !== 4 || s[3] !== 3)
    throw new RangeError(`VideoWriter(${path}): frames must have shape [T, H, W, 3] or [H, W, 3], got [${shape.join(', ')}]`);
  return { data: t.toTypedArray() as Uint8Array, n: s[0], width: s[2], height: s[1] };
}

export class VideoWriter {
  readonly path: string;
  readonly options: Readonly<VideoWriterOptions>;
  #handle: VideoHandle | null = null;
  #tmp = '';
  #size: [number, number] | null = null;
  #codec = '';
  #frames = 0;
  #closed = false;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(path: string, options: VideoWriterOptions = {}) {
    this.path = resolve(path);
    this.options = { fps: 30, ...options };
    const fps = this.options.fps!;
    if (!(fps > 0 && fps <= 1000)) throw new RangeError(`VideoWriter(${path}): fps must be in (0, 1000], got ${fps}`);
  }

  /** The encoder in use (known after the first write). */
  get codec(): string {
    return this.#codec;
  }

  /** Frames written so far. */
  get frames(): number {
    return this.#frames;
  }

  /** Appends frames; the first call fixes the frame size. */
  write(frames: FramesInput): Promise<void> {
    if (this.#closed) return Promise.reject(new Error(`VideoWriter(${this.path}): write after close`));
    let f: ReturnType<typeof framesOf>;
    try {
      f = framesOf(this.path, frames);
      if (!this.#handle) this.#open(f.width, f.height);
      else if (f.width !== this.#size![0] || f.height !== this.#size![1])
        throw new RangeError(`VideoWriter(${this.path}): frame size ${f.width}x${f.height} differs from the first frames' ${this.#size![0]}x${this.#size![1]}`);
    } catch (e) {
      return Promise.reject(e);
    }
    const handle = this.#handle!;
    const run = async () => {
      try {
        this.#frames = await native.videoWriterWrite(handle, f.data, f.n);
      } catch (e) {
        throw new Error(`VideoWriter(${this.path}): ${(e as Error).message}`);
      }
    };
    const p = this.#queue.then(run);
    this.#queue = p.catch(() => undefined);
    return p;
  }

  /** Finishes the file and moves it into place. Rejects if nothing was written. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#queue.catch(() => undefined);
    if (!this.#handle) throw new Error(`VideoWriter(${this.path}): no frames were written`);
    const h = this.#handle;
    this.#handle = null;
    try {
      this.#frames = await native.videoWriterClose(h);
    } catch (e) {
      throw new Error(`VideoWriter(${this.path}): ${(e as Error).message}`);
    }
  }

  /** Drops the output: no file is left behind. */
  abort(): void {
    this.#closed = true;
    const h = this.#handle;
    this.#handle = null;
    if (h) void this.#queue.then(() => native.videoWriterAbort(h));
  }

  #open(width: number, height: number): void {
    const dir = dirname(this.path);
    mkdirSync(dir, { recursive: true });
    const ext = extname(this.path);
    this.#tmp = join(dir, `.${basename(this.path, ext)}.tmp-${process.pid}-${Math.random().toString(36).slice(2, 8)}${ext}`);
    try {
      const { handle, codec } = native.videoWriterOpen(this.path, this.#tmp, {
        fps: this.options.fps!, width, height, codec: this.options.codec, crf: this.options.crf,
        preset: this.options.preset, bitRate: this.options.bitRate,
      });
      this.#handle = handle;
      this.#codec = codec;
      this.#size = [width, height];
    } catch (e) {
      this.#closed = true;
      throw new Error(`VideoWriter(${this.path}): ${(e as Error).message}`);
    }
  }
}

/** Writes all `frames` to `path` in one call. */
export async function writeVideo(path: string, frames: FramesInput, options: VideoWriterOptions = {}): Promise<void> {
  const w = new VideoWriter(path, options);
  try {
    await w.write(frames);
  } catch (e) {
    w.abort();
    throw e;
  }
  await w.close();
}
