/**
 * Decoding: RawFrameDecode and ImageDecode (frame files through sharp, bit-identical to
 * cv2.imdecode), and the video decoders under their MMAction2 names (DecordInit/Decode,
 * PyAVInit/Decode, OpenCVInit/Decode, PIMSInit/Decode), all on the project's FFmpeg
 * VideoReader. Mirrors MMAction2 0.24 `loading.py`.
 *
 * Init steps read `filename`, write `video_reader`, `total_frames`; Decode steps read
 * `video_reader`, `frame_inds`, write `imgs`, `original_shape`, `img_shape`.
 */
import { join } from 'node:path';
import { readFrames } from '../../video/rawframes.ts';
import { expectInt, expectOneOf, parseOptions, type Cfg } from './options.ts';
import { pyFormat } from './pyformat.ts';
import { getImages, ImageBatch, NDArray, type Results, type Transform } from './types.ts';

function frameInds(results: Results, type: string): number[] {
  const inds = results.frame_inds;
  if (!Array.isArray(inds) || inds.length === 0) throw new Error(`${type}: results.frame_inds is missing or empty (sample frames first)`);
  return inds as number[];
}

function setDecoded(results: Results, imgs: ImageBatch): Results {
  results.imgs = imgs;
  results.original_shape = [imgs.h, imgs.w];
  results.img_shape = [imgs.h, imgs.w];
  return results;
}

/** Scale normalised boxes to pixels (AVA rawframes), as RawFrameDecode does. */
function scaleBoxesToPixels(results: Results): void {
  if (!results.gt_bboxes) return;
  const [h, w] = results.img_shape!;
  const f = [w, h, w, h];
  const sc = (b: number[][]) => b.map((r) => r.map((v, i) => Math.fround(v * f[i % 4]!)));
  results.gt_bboxes = sc(results.gt_bboxes as number[][]);
  if (results.proposals) results.proposals = sc(results.proposals as number[][]);
}

export interface RawFrameDecodeOptions {
  /** Only 'disk' is supported. */
  io_backend: 'disk';
  /** 'cv2' (and 'pillow', 'turbojpeg': the same bytes through sharp's libjpeg-turbo). */
  decoding_backend: 'cv2' | 'pillow' | 'turbojpeg';
}

/**
 * Read `frame_dir/filename_tmpl.format(idx + offset)` for every index (Flow: x then y
 * image per index, grayscale). Reads `frame_dir`, `filename_tmpl`, `modality`, `offset`.
 */
export class RawFrameDecode implements Transform {
  readonly type = 'RawFrameDecode';
  readonly opts: RawFrameDecodeOptions;

  constructor(cfg: Cfg, where = 'RawFrameDecode') {
    this.opts = parseOptions(where, cfg, { io_backend: 'disk', decoding_backend: 'cv2' } as RawFrameDecodeOptions);
    expectOneOf(where, 'io_backend', this.opts.io_backend, ['disk'] as const);
    expectOneOf(where, 'decoding_backend', this.opts.decoding_backend, ['cv2', 'pillow', 'turbojpeg'] as const);
  }

  async call(results: Results): Promise<Results> {
    const dir = results.frame_dir;
    const tmpl = results.filename_tmpl;
    if (typeof dir !== 'string') throw new Error('RawFrameDecode: results.frame_dir must be a string');
    if (typeof tmpl !== 'string') throw new Error('RawFrameDecode: results.filename_tmpl must be a string');
    const modality = results.modality;
    const offset = typeof results.offset === 'number' ? results.offset : 0;
    const inds = frameInds(results, this.type);
    let imgs: ImageBatch;
    if (modality === 'RGB') {
      const d = await readFrames(inds.map((i) => join(dir, pyFormat(tmpl, i + offset))), 'rgb');
      imgs = new ImageBatch(d.data, d.n, d.h, d.w, d.c);
    } else if (modality === 'Flow') {
      const paths = inds.flatMap((i) => [join(dir, pyFormat(tmpl, 'x', i + offset)), join(dir, pyFormat(tmpl, 'y', i + offset))]);
      const d = await readFrames(paths, 'gray');
      imgs = new ImageBatch(d.data, d.n, d.h, d.w, 1);
    } else {
      throw new Error(`RawFrameDecode: modality '${String(modality)}' is not supported (RGB or Flow)`);
    }
    setDecoded(results, imgs);
    scaleBoxesToPixels(results);
    return results;
  }
}

/** One image file (`filename`) as a one-frame clip. */
export class ImageDecode implements Transform {
  readonly type = 'ImageDecode';

  constructor(cfg: Cfg, where = 'ImageDecode') {
    parseOptions(where, cfg, { io_backend: 'disk', decoding_backend: 'cv2' });
  }

  async call(results: Results): Promise<Results> {
    if (typeof results.filename !== 'string') throw new Error('ImageDecode: results.filename must be a string');
    const d = await readFrames([results.filename], 'rgb');
    return setDecoded(results, new ImageBatch(d.data, d.n, d.h, d.w, d.c));
  }
}

/**
 * Frames picked from a whole video already in memory, `results.array` (uint8 [T, H, W, C], or
 * [T, H, W] for one channel; an ImageBatch is taken as [T, H, W, C]): RGB takes `array[i + offset]`,
 * Flow the x and y images `array[i + offset, ..., 0]` and `[..., 1]`. Indices follow numpy
 * (negative ones count from the end); `start_index` is not subtracted, as in MMAction2.
 */
export class ArrayDecode implements Transform {
  readonly type = 'ArrayDecode';

  constructor(cfg: Cfg, where = 'ArrayDecode') {
    parseOptions(where, cfg, {});
  }

  call(results: Results): Results {
    const a = results.array;
    let data: Uint8Array;
    let shape: number[];
    if (a instanceof ImageBatch) {
      data = a.data;
      shape = [a.n, a.h, a.w, a.c];
    } else if (a instanceof NDArray && a.data instanceof Uint8Array && (a.shape.length === 3 || a.shape.length === 4)) {
      data = a.data;
      shape = a.shape.length === 3 ? [...a.shape, 1] : a.shape;
    } else {
      const what = a instanceof NDArray ? `${a.data.constructor.name} [${a.shape}]` : a === undefined ? 'missing' : typeof a;
      throw new Error(`ArrayDecode: results.array must be a uint8 array [T, H, W, C] or [T, H, W] (an NDArray or ImageBatch), got ${what}`);
    }
    const [t, h, w, c] = shape as [number, number, number, number];
    const modality = results.modality;
    if (modality !== 'RGB' && modality !== 'Flow') throw new Error(`ArrayDecode: modality '${String(modality)}' is not supported (RGB or Flow)`);
    if (modality === 'Flow' && c < 2) {
      throw new Error(`ArrayDecode: Flow needs results.array as [T, H, W, 2] (x and y in the last axis), got [${shape}]`);
    }
    const offset = typeof results.offset === 'number' ? results.offset : 0;
    const inds = frameInds(results, this.type).map((i) => {
      const k = i + offset;
      if (!Number.isInteger(k) || k < -t || k >= t) throw new RangeError(`ArrayDecode: frame index ${k} is out of range for an array of ${t} frames`);
      return k < 0 ? k + t : k;
    });
    const fs = h * w * c;
    let imgs: ImageBatch;
    if (modality === 'RGB') {
      imgs = ImageBatch.alloc(inds.length, h, w, c);
      inds.forEach((k, j) => imgs.data.set(data.subarray(k * fs, (k + 1) * fs), j * fs));
    } else {
      imgs = ImageBatch.alloc(2 * inds.length, h, w, 1);
      inds.forEach((k, j) => {
        const src = data.subarray(k * fs, (k + 1) * fs);
        const x = imgs.frame(2 * j);
        const y = imgs.frame(2 * j + 1);
        for (let p = 0; p < h * w; p++) {
          x[p] = src[p * c]!;
          y[p] = src[p * c + 1]!;
        }
      });
    }
    return setDecoded(results, imgs);
  }
}

/**
 * A one-image sample (ImageDataset + ImageDecode) repeated into a clip of `clip_len` frames.
 * Reads `imgs` (exactly one image); writes `imgs`, `clip_len`, `num_clips` (1).
 */
export class BuildPseudoClip implements Transform {
  readonly type = 'BuildPseudoClip';
  readonly clipLen: number;

  constructor(cfg: Cfg, where = 'BuildPseudoClip') {
    const o = parseOptions(where, cfg, {} as { clip_len: number }, ['clip_len']);
    this.clipLen = expectInt(where, 'clip_len', o.clip_len, 1);
  }

  call(results: Results): Results {
    const img = getImages(results, this.type);
    if (img.n !== 1) throw new Error(`BuildPseudoClip: expects one image in results.imgs, got ${img.n}`);
    const out = ImageBatch.alloc(this.clipLen, img.h, img.w, img.c);
    for (let i = 0; i < this.clipLen; i++) out.data.set(img.data, i * img.frameSize);
    results.imgs = out;
    results.clip_len = this.clipLen;
    results.num_clips = 1;
    return results;
  }
}

/** The subset of the project's VideoReader (src/video) that the decoders use. */
export interface VideoReaderLike {
  readonly numFrames: number;
  /** Frames at `indices` (any order, repeats allowed) as one uint8 [T, H, W, C] array. */
  getBatch(indices: number[]): Promise<{ toTypedArray(): ArrayBufferView; shape: number[]; dispose?(): void }>;
  close?(): void | Promise<void>;
}

type VideoModule = { VideoReader: { open(path: string, opts?: Record<string, unknown>): Promise<VideoReaderLike> } };
let videoModule: Promise<VideoModule> | undefined;
async function openVideo(path: string, type: string, opts: Record<string, unknown>): Promise<VideoReaderLike> {
  videoModule ??= import(new URL('../../video/index.ts', import.meta.url).href) as Promise<VideoModule>;
  try {
    return await (await videoModule).VideoReader.open(path, opts);
  } catch (e) {
    throw new Error(`${type}: cannot open video ${path}: ${(e as Error).message}`);
  }
}

/** Shared Init: open `filename`, set `video_reader` and `total_frames`. */
abstract class VideoInit implements Transform {
  abstract readonly type: string;
  /** VideoReader options: OpenCV and PyAV convert with BT.601 whatever the tags say. */
  protected readerOptions: Record<string, unknown> = { threads: 1, colorMatrix: 'bt601' };

  async call(results: Results): Promise<Results> {
    if (typeof results.filename !== 'string') throw new Error(`${this.type}: results.filename must be a string`);
    const reader = await openVideo(results.filename, this.type, this.readerOptions);
    results.video_reader = reader;
    results.total_frames = reader.numFrames;
    return results;
  }
}

async function decodeBatch(results: Results, type: string, mapIndex: (i: number, n: number) => number): Promise<Results> {
  const reader = results.video_reader as VideoReaderLike | null | undefined;
  if (!reader || typeof reader.getBatch !== 'function') {
    throw new Error(`${type}: results.video_reader is missing (put the matching Init step before ${type})`);
  }
  const inds = frameInds(results, type);
  const n = reader.numFrames;
  if (n <= 0) throw new Error(`${type}: ${String(results.filename)} has no decodable frames`);
  const wanted = inds.map((i) => mapIndex(i, n));
  let t;
  try {
    // in the order asked, repeats included: the reader decodes each distinct frame once
    t = await reader.getBatch(wanted);
  } catch (e) {
    throw new Error(`${type}: decoding ${String(results.filename)} failed: ${(e as Error).message}`);
  } finally {
    results.video_reader = null;
    await reader.close?.();
  }
  const [, h, w, c] = t.shape as [number, number, number, number];
  const v = t.toTypedArray();
  t.dispose?.();
  const bytes = new Uint8Array(v.buffer, v.byteOffset, v.byteLength);
  return setDecoded(results, new ImageBatch(bytes, wanted.length, h, w, c));
}

const pyavIndex = (i: number, n: number) => i % n; // imgs[i % len(imgs)]
const clampIndex = (i: number, n: number) => {
  if (i < 0) throw new RangeError(`frame index ${i} is negative`);
  return Math.min(i, n - 1); // OpenCV walks back to the last readable frame
};
const strictIndex = (i: number, n: number) => {
  if (i < 0 || i >= n) throw new RangeError(`frame index ${i} out of range for a video of ${n} frames`);
  return i;
};

export class DecordInit extends VideoInit {
  readonly type = 'DecordInit';
  constructor(cfg: Cfg, where = 'DecordInit') {
    super();
    const o = parseOptions(where, cfg, { io_backend: 'disk', num_threads: 1 });
    expectOneOf(where, 'io_backend', o.io_backend, ['disk'] as const);
    // decord follows the stream's colour tags like the ffmpeg CLI
    this.readerOptions = { threads: o.num_threads, colorMatrix: 'auto' };
  }
}

export class DecordDecode implements Transform {
  readonly type = 'DecordDecode';
  constructor(cfg: Cfg, where = 'DecordDecode') {
    const o = parseOptions(where, cfg, { mode: 'accurate' });
    expectOneOf(where, 'mode', o.mode, ['accurate', 'efficient'] as const);
  }
  call(results: Results): Promise<Results> {
    return decodeBatch(results, this.type, strictIndex);
  }
}

export class PyAVInit extends VideoInit {
  readonly type = 'PyAVInit';
  constructor(cfg: Cfg, where = 'PyAVInit') {
    super();
    // MMAction2 passes extra kwargs to its FileClient (unused for disk); configs set num_threads
    const o = parseOptions(where, cfg, { io_backend: 'disk', num_threads: 1 });
    expectOneOf(where, 'io_backend', o.io_backend, ['disk'] as const);
    this.readerOptions = { threads: o.num_threads, colorMatrix: 'bt601' };
  }
}

/** Accurate mode: frames decoded in order, `imgs[i % len(imgs)]`. */
export class PyAVDecode implements Transform {
  readonly type = 'PyAVDecode';
  constructor(cfg: Cfg, where = 'PyAVDecode') {
    const o = parseOptions(where, cfg, { multi_thread: false, mode: 'accurate' });
    expectOneOf(where, 'mode', o.mode, ['accurate', 'efficient'] as const);
  }
  call(results: Results): Promise<Results> {
    return decodeBatch(results, this.type, pyavIndex);
  }
}

export class OpenCVInit extends VideoInit {
  readonly type = 'OpenCVInit';
  constructor(cfg: Cfg, where = 'OpenCVInit') {
    super();
    // MMAction2 passes extra kwargs to its FileClient (unused for disk); configs set num_threads
    const o = parseOptions(where, cfg, { io_backend: 'disk', num_threads: 1 });
    expectOneOf(where, 'io_backend', o.io_backend, ['disk'] as const);
    this.readerOptions = { threads: o.num_threads, colorMatrix: 'bt601' };
  }
}

/** Reads each index; past the last readable frame it walks back to it (mmcv.VideoReader). */
export class OpenCVDecode implements Transform {
  readonly type = 'OpenCVDecode';
  constructor(cfg: Cfg, where = 'OpenCVDecode') {
    parseOptions(where, cfg, {});
  }
  call(results: Results): Promise<Results> {
    return decodeBatch(results, this.type, clampIndex);
  }
}

export class PIMSInit extends VideoInit {
  readonly type = 'PIMSInit';
  constructor(cfg: Cfg, where = 'PIMSInit') {
    super();
    parseOptions(where, cfg, { io_backend: 'disk', mode: 'accurate' });
  }
}

export class PIMSDecode implements Transform {
  readonly type = 'PIMSDecode';
  constructor(cfg: Cfg, where = 'PIMSDecode') {
    parseOptions(where, cfg, {});
  }
  call(results: Results): Promise<Results> {
    return decodeBatch(results, this.type, strictIndex);
  }
}
