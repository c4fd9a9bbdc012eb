/**
 * VideoReader: frame-accurate random access to a video file or http(s) URL, decoded by FFmpeg's
 * libraries in the native addon (native/video_reader.cc) straight into a uint8 tensor.
 *
 * It plays the role of decord's `VideoReader` (and of mmcv's/OpenCV's and PyAV's readers) behind
 * MMAction2's `DecordInit/DecordDecode`, `OpenCVInit/OpenCVDecode`, `PyAVInit/PyAVDecode`
 * (mmaction/datasets/pipelines/loading.py).
 *
 *   const reader = await VideoReader.open('demo.mp4');
 *   const clip = await reader.getBatch([0, 35, 70]);   // uint8 [3, H, W, 3], RGB
 *   reader.close();
 *
 * Frame numbering. Frame k is the k-th frame the decoder outputs in presentation order, i.e. the
 * frame `ffmpeg -i f -vf "select=eq(n\,k)" -vsync 0` writes. `numFrames` is the exact number of
 * such frames, counted by demuxing the whole video stream once at open (packets of the stream,
 * without empty and "discard" packets), like decord's frame index; the container's own count
 * (`containerFrames`, what OpenCV's CAP_PROP_FRAME_COUNT and PyAV's `stream.frames` report) is
 * kept for reference but never trusted, since it is missing in WebM/MKV and wrong in some AVI/MP4s.
 *
 * Pixels. YUV -> RGB24 through libswscale with the ffmpeg CLI's default flags, so frames are
 * bit-identical to the ffmpeg CLI and, on files without colour tags (BT.601, the common case), to
 * OpenCV and PyAV. On BT.709-tagged files (most HD/phone videos) the ffmpeg CLI and decord honour
 * the tag while OpenCV and PyAV use BT.601: `colorMatrix: 'bt601'` reproduces the latter.
 * Rotated (phone) videos are turned upright by default like the ffmpeg CLI and OpenCV >= 4.5
 * (decord and PyAV do not: `autorotate: false`).
 */
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { native, type NativeVideoInfo, type VideoHandle } from '../torch/binding.ts';
import { Tensor } from '../torch/tensor.ts';

/** Options of {@link VideoReader.open}. */
export interface VideoReaderOptions {
  /**
   * Decoder threads; 0 (default) lets FFmpeg use one per core. Use 1 when many readers decode
   * in parallel (data-loading workers), as decord's `num_threads=1` in MMAction2's configs.
   */
  threads?: number;
  /** Resize while converting (swscale, bicubic like `ffmpeg -vf scale=W:H`): short side or exact size. */
  resize?: { shortSide: number } | { width: number; height: number };
  /** Apply the stream's display-matrix rotation (default true, like the ffmpeg CLI and OpenCV). */
  autorotate?: boolean;
  /**
   * YUV -> RGB matrix: 'auto' (default) uses the frame's colour tags like the ffmpeg CLI and decord;
   * 'bt601' always uses BT.601 like OpenCV and PyAV. Both agree on untagged files.
   */
  colorMatrix?: 'auto' | 'bt601';
  /**
   * A frame that cannot be decoded (corrupt data): 'substitute' (default) returns the nearest earlier
   * decodable frame (zeros when there is none) and records a warning, like OpenCVDecode's walk back;
   * 'error' rejects the getBatch call.
   */
  onCorrupt?: 'substitute' | 'error';
  /** Seconds to wait for a network input before giving up (default 30). */
  timeout?: number;
  /**
   * Let the decoder skip non-reference frames that precede a wanted frame (default true). It never
   * changes the result; false only for measuring.
   */
  skipNonRef?: boolean;
}

function describe(pathOrUrl: string | URL): string {
  if (pathOrUrl instanceof URL) return pathOrUrl.protocol === 'file:' ? fileURLToPath(pathOrUrl) : pathOrUrl.href;
  return pathOrUrl;
}

export class VideoReader {
  /** The path or URL as given to open(). */
  readonly path: string;
  /** Exact number of frames (see the class comment). */
  readonly numFrames: number;
  /** Average frame rate (the stream's avg_frame_rate, as decord/PyAV; else r_frame_rate). */
  readonly fps: number;
  /** Presentation time of every frame in seconds (the stream's pts x time base). */
  readonly frameTimestamps: Float64Array;
  /** Duration in seconds (stream duration, else the container's, else numFrames / fps). */
  readonly duration: number;
  /** Size of the frames getBatch returns (after rotation and resize). */
  readonly width: number;
  readonly height: number;
  /** FFmpeg's codec name: 'h264', 'hevc', 'vp9', 'mpeg4', 'mjpeg', 'av1', ... */
  readonly codec: string;
  /** Clockwise rotation from the display matrix that autorotate applies (0, 90, 180, 270). */
  readonly rotation: number;
  /** Presentation indices of the keyframes (the seek points). */
  readonly keyframes: Float64Array;
  /** Everything the native side reports (container, pixel format, container frame count, ...). */
  readonly info: Readonly<NativeVideoInfo>;
  /**
   * Work done by getBatch calls so far: frames the decoder output (non-reference frames before a
   * wanted one are skipped inside the decoder and not counted) and seeks. For checking that sparse
   * reads do not decode the whole video.
   */
  readonly stats = { framesDecoded: 0, seeks: 0 };
  /** Frames substituted because they could not be decoded, accumulated over getBatch calls. */
  readonly warnings: string[] = [];

  #handle: VideoHandle | null;
  #queue: Promise<unknown> = Promise.resolve();

  private constructor(path: string, handle: VideoHandle, info: NativeVideoInfo) {
    this.path = path;
    this.#handle = handle;
    this.info = info;
    this.numFrames = info.numFrames;
    this.fps = info.avgFps > 0 ? info.avgFps : info.rFps > 0 ? info.rFps : 0;
    this.frameTimestamps = info.timestamps;
    this.duration = info.streamDuration > 0 ? info.streamDuration
      : info.formatDuration > 0 ? info.formatDuration
        : this.fps > 0 ? info.numFrames / this.fps : 0;
    if (this.fps === 0 && this.duration > 0) this.fps = info.numFrames / this.duration;
    this.width = info.width;
    this.height = info.height;
    this.codec = info.codec;
    this.rotation = info.rotation;
    this.keyframes = info.keyframes;
  }

  /** Opens a local file, a file: URL or an http(s)/rtsp URL and indexes its frames (off the JS thread). */
  static async open(pathOrUrl: string | URL, options: VideoReaderOptions = {}): Promise<VideoReader> {
    const path = describe(pathOrUrl);
    const resize = options.resize;
    const nopts: Parameters<typeof native.videoOpen>[1] = {
      threads: options.threads ?? 0,
      timeout: options.timeout ?? 30,
      autorotate: options.autorotate ?? true,
      frameColorspace: (options.colorMatrix ?? 'auto') === 'auto',
      failOnCorrupt: (options.onCorrupt ?? 'substitute') === 'error',
      skipNonRef: options.skipNonRef ?? true,
    };
    if (resize) {
      if ('shortSide' in resize) {
        if (!(Number.isInteger(resize.shortSide) && resize.shortSide > 0))
          throw new RangeError(`VideoReader.open(${path}): resize.shortSide must be a positive integer, got ${resize.shortSide}`);
        nopts.shortSide = resize.shortSide;
      } else {
        if (!(Number.isInteger(resize.width) && resize.width > 0 && Number.isInteger(resize.height) && resize.height > 0))
          throw new RangeError(`VideoReader.open(${path}): resize.width/height must be positive integers, got ${resize.width}x${resize.height}`);
        nopts.width = resize.width;
        nopts.height = resize.height;
      }
    }
    if (options.threads !== undefined && !(Number.isInteger(options.threads) && options.threads >= 0))
      throw new RangeError(`VideoReader.open(${path}): threads must be an integer >= 0, got ${options.threads}`);
    if (!/^[a-z][a-z0-9+.-]+:/i.test(path)) {  // a local path: clearer messages than FFmpeg's
      let st;
      try {
        st = await stat(path);
      } catch {
        throw new Error(`cannot read video ${path}: no such file`);
      }
      if (st.isDirectory()) throw new Error(`cannot read video ${path}: is a directory, not a video file`);
      if (st.isFile() && st.size === 0) throw new Error(`cannot read video ${path}: the file is empty (0 bytes)`);
    }
    try {
      const { handle, info } = await native.videoOpen(path, nopts);
      return new VideoReader(path, handle, info);
    } catch (e) {
      throw new Error(`cannot read video ${path}: ${(e as Error).message}`);
    }
  }

  /**
   * Frames at `indices` (any order, repeats allowed) as one uint8 tensor [T, H, W, 3], RGB.
   * Decodes off the JS thread; calls on one reader run one after another.
   */
  getBatch(indices: ArrayLike<number>): Promise<Tensor> {
    if (!this.#handle) return Promise.reject(new Error(`${this.path}: getBatch on a closed VideoReader`));
    const handle = this.#handle;
    const idx = Float64Array.from(indices as ArrayLike<number>);
    for (let i = 0; i < idx.length; ++i) {
      const k = idx[i];
      if (!Number.isInteger(k) || k < 0 || k >= this.numFrames)
        return Promise.reject(new RangeError(
          `${this.path}: frame index ${k} (at position ${i}) is out of range: the video has ${this.numFrames} frames (0..${this.numFrames - 1})`));
    }
    const run = async (): Promise<Tensor> => {
      if (!this.#handle) throw new Error(`${this.path}: the reader was closed`);
      try {
        const { tensor, warnings, decoded, seeks } = await native.videoGetBatch(handle, idx);
        for (const w of warnings) this.warnings.push(w);
        this.stats.framesDecoded += decoded;
        this.stats.seeks += seeks;
        return Tensor.fromHandle(tensor);
      } catch (e) {
        throw new Error(`cannot read video ${this.path}: ${(e as Error).message}`);
      }
    };
    const p = this.#queue.then(run, run);
    this.#queue = p.catch(() => undefined);
    return p;
  }

  /** One frame as [H, W, 3]. */
  async getFrame(index: number): Promise<Tensor> {
    const batch = await this.getBatch([index]);
    try {
      return batch.reshape([this.height, this.width, 3]);
    } finally {
      batch.dispose();
    }
  }

  /** Frees the decoder (after a getBatch in flight has finished). Idempotent. */
  close(): void {
    const h = this.#handle;
    if (!h) return;
    this.#handle = null;
    void this.#queue.then(() => native.videoClose(h));
  }

  get closed(): boolean {
    return this.#handle === null;
  }

  [Symbol.dispose](): void {
    this.close();
  }
}
