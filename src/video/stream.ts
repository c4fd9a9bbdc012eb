/**
 * VideoStream: sequential reads of frames in presentation order, in chunks, as an async iterator
 * (native/video_stream.cc). Unlike VideoReader it indexes nothing up front, so it starts at once
 * and works on endless live inputs: a webcam through FFmpeg's v4l2 input, RTSP/HTTP streams, or a
 * file read at its real frame rate (`realtime: true`). Used by the webcam and long-video demos
 * (MMAction2's demo/webcam_demo.py reads cv2.VideoCapture in a loop).
 *
 *   const s = await VideoStream.open('long.mp4', { chunkSize: 16 });
 *   for await (const { frames, timestamps } of s) { ...; frames.dispose(); }   // [<=16, H, W, 3]
 *
 *   const cam = await VideoStream.webcam('/dev/video0', { width: 640, height: 480, fps: 30 });
 */
import { fileURLToPath } from 'node:url';
import { native, type NativeVideoStreamInfo, type VideoHandle } from '../torch/binding.ts';
import { Tensor } from '../torch/tensor.ts';

export interface VideoStreamOptions {
  /** Frames per chunk of the async iterator (default 1). */
  chunkSize?: number;
  /** Force FFmpeg's input format: 'v4l2' (webcams), 'lavfi', 'rtsp', ...; default: probe. */
  format?: string;
  /** Demuxer/device options, e.g. { video_size: '640x480', framerate: '30', rtsp_transport: 'tcp' }. */
  inputOptions?: Record<string, string>;
  /** Decoder threads (0: FFmpeg's choice). */
  threads?: number;
  /** Seconds to wait for network/device input (default 30). */
  timeout?: number;
  /** Resize while converting (see VideoReaderOptions.resize). */
  resize?: { shortSide: number } | { width: number; height: number };
  autorotate?: boolean;
  colorMatrix?: 'auto' | 'bt601';
  /** Deliver frames no faster than their timestamps (a file played like a live source). */
  realtime?: boolean;
}

export interface FrameChunk {
  /** uint8 [N, H, W, 3], RGB; the caller owns it (dispose()). */
  frames: Tensor;
  /** Presentation time of each frame in seconds. */
  timestamps: Float64Array;
}

export class VideoStream implements AsyncIterable<FrameChunk> {
  readonly url: string;
  readonly width: number;
  readonly height: number;
  /** Nominal frame rate (0 when the source does not say). */
  readonly fps: number;
  readonly codec: string;
  readonly info: Readonly<NativeVideoStreamInfo>;
  readonly chunkSize: number;
  #handle: VideoHandle | null;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(url: string, handle: VideoHandle, info: NativeVideoStreamInfo, chunkSize: number) {
    this.url = url;
    this.#handle = handle;
    this.info = info;
    this.width = info.width;
    this.height = info.height;
    this.fps = info.avgFps > 0 ? info.avgFps : info.rFps;
    this.codec = info.codec;
    this.chunkSize = chunkSize;
  }

  static async open(urlOrPath: string | URL, options: VideoStreamOptions = {}): Promise<VideoStream> {
    const url = urlOrPath instanceof URL ? (urlOrPath.protocol === 'file:' ? fileURLToPath(urlOrPath) : urlOrPath.href) : urlOrPath;
    const chunkSize = options.chunkSize ?? 1;
    if (!(Number.isInteger(chunkSize) && chunkSize >= 1))
      throw new RangeError(`VideoStream.open(${url}): chunkSize must be a positive integer, got ${chunkSize}`);
    const r = options.resize;
    try {
      const { handle, info } = await native.videoStreamOpen(url, {
        format: options.format, inputOptions: options.inputOptions, threads: options.threads ?? 0,
        timeout: options.timeout ?? 30, autorotate: options.autorotate ?? true,
        frameColorspace: (options.colorMatrix ?? 'auto') === 'auto', realtime: options.realtime ?? false,
        ...(r && 'shortSide' in r ? { shortSide: r.shortSide } : {}),
        ...(r && 'width' in r ? { width: r.width, height: r.height } : {}),
      });
      return new VideoStream(url, handle, info, chunkSize);
    } catch (e) {
      throw new Error(`cannot read video ${url}: ${(e as Error).message}`);
    }
  }

  /** A V4L2 webcam (Linux), e.g. '/dev/video0'. */
  static webcam(device = '/dev/video0', o: { width?: number; height?: number; fps?: number } & VideoStreamOptions = {}): Promise<VideoStream> {
    const inputOptions: Record<string, string> = { ...(o.inputOptions ?? {}) };
    if (o.width && o.height) inputOptions.video_size = `${o.width}x${o.height}`;
    if (o.fps) inputOptions.framerate = String(o.fps);
    return VideoStream.open(device, { ...o, format: o.format ?? 'v4l2', inputOptions });
  }

  /** The next up to `maxFrames` frames; null at the end of the stream. */
  read(maxFrames = this.chunkSize): Promise<FrameChunk | null> {
    if (!this.#handle) return Promise.reject(new Error(`${this.url}: read on a closed VideoStream`));
    const h = this.#handle;
    const run = async (): Promise<FrameChunk | null> => {
      try {
        const r = await native.videoStreamRead(h, maxFrames);
        return r ? { frames: Tensor.fromHandle(r.tensor), timestamps: r.timestamps } : null;
      } catch (e) {
        throw new Error(`cannot read video ${this.url}: ${(e as Error).message}`);
      }
    };
    const p = this.#queue.then(run, run);
    this.#queue = p.catch(() => undefined);
    return p;
  }

  async *[Symbol.asyncIterator](): AsyncIterator<FrameChunk> {
    try {
      for (;;) {
        const c = await this.read();
        if (!c) return;
        yield c;
      }
    } finally {
      this.close();
    }
  }

  close(): void {
    const h = this.#handle;
    if (!h) return;
    this.#handle = null;
    void this.#queue.then(() => native.videoStreamClose(h));
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
