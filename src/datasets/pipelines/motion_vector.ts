/**
 * PyAVDecodeMotionVector (MMAction2 0.24 `loading.py`): the decoder's motion vectors (H.264,
 * MPEG-4, ...) drawn into a per-pixel field instead of decoding pixels. Every frame up to the
 * largest index + 1 is read in presentation order; each frame's field is int8 [H, W, 2] of zeros
 * on which every exported vector, in the decoder's order, paints (dst - src) (x then y, wrapped to
 * int8 as numpy's assignment does) over its block `[dst - size // 2, + size)`, skipped when the
 * block touches or crosses an edge (MMAction2 requires `end < width`, so blocks on the right and
 * bottom edges are never drawn). Key frames carry no vectors (MMAction2 asserts it).
 *
 * Reads `video_reader` (PyAVInit: only its path is used, the file is decoded again with vector
 * export on) and `frame_inds`; writes `motion_vectors` as int8 [len(frame_inds), H, W, 2]
 * (frame `i % decoded` for each index, as MMAction2 wraps) and closes the reader.
 */
import { expectOneOf, parseOptions, type Cfg } from './options.ts';
import { NDArray, type Results, type Transform } from './types.ts';
import type { MotionVectorFrame } from '../../video/motion_vectors.ts';

type MotionModule = typeof import('../../video/motion_vectors.ts');
let motionModule: Promise<MotionModule> | undefined;

const i16 = (v: number) => (v << 16) >> 16;
const i8 = (v: number) => (v << 24) >> 24;

/** MMAction2's `_parse_vectors` on one frame, with numpy's int16/uint8 arithmetic. */
export function drawMotionVectors(f: MotionVectorFrame, out: Int8Array): void {
  const { width, height, vectors } = f;
  if (!vectors) return;
  for (let k = 0; k < vectors.length; k += 10) {
    const w = vectors[k + 1]!;
    const h = vectors[k + 2]!;
    const srcX = vectors[k + 3]!;
    const srcY = vectors[k + 4]!;
    const dstX = vectors[k + 5]!;
    const dstY = vectors[k + 6]!;
    const vx = i8(i16(dstX - srcX));
    const vy = i8(i16(dstY - srcY));
    const sx = i16(dstX - (w >> 1));
    const sy = i16(dstY - (h >> 1));
    const ex = i16(sx + w);
    const ey = i16(sy + h);
    if (!(sx >= 0 && ex < width && sy >= 0 && ey < height)) continue;
    for (let y = sy; y < ey; y++) {
      for (let x = sx; x < ex; x++) {
        const p = (y * width + x) * 2;
        out[p] = vx;
        out[p + 1] = vy;
      }
    }
  }
}

export class PyAVDecodeMotionVector implements Transform {
  readonly type = 'PyAVDecodeMotionVector';
  readonly threads: number;

  constructor(cfg: Cfg, where = 'PyAVDecodeMotionVector') {
    // PyAVDecode's options; `mode` is accepted and, as in MMAction2, unused here
    const o = parseOptions(where, cfg, { multi_thread: false, mode: 'accurate' });
    expectOneOf(where, 'mode', o.mode, ['accurate', 'efficient'] as const);
    if (typeof o.multi_thread !== 'boolean') throw new Error(`${where}: multi_thread must be true or false`);
    this.threads = o.multi_thread ? 0 : 1;
  }

  async call(results: Results): Promise<Results> {
    const reader = results.video_reader as { path?: unknown; close?(): void | Promise<void> } | null | undefined;
    if (!reader) throw new Error('PyAVDecodeMotionVector: results.video_reader is missing (put PyAVInit before PyAVDecodeMotionVector)');
    const path = typeof reader.path === 'string' ? reader.path : results.filename;
    results.video_reader = null;
    await reader.close?.();
    if (typeof path !== 'string') throw new Error('PyAVDecodeMotionVector: cannot tell which file the video_reader reads (results.filename is not a string)');
    const inds = results.frame_inds;
    if (!Array.isArray(inds) || inds.length === 0) throw new Error('PyAVDecodeMotionVector: results.frame_inds is missing or empty (sample frames first)');
    const maxIdx = Math.max(...(inds as number[]));
    if (!(maxIdx + 2 >= 1)) throw new Error(`PyAVDecodeMotionVector: the largest frame index is ${maxIdx}; MMAction2 decodes frames up to it and would find none`);
    motionModule ??= import(new URL('../../video/motion_vectors.ts', import.meta.url).href) as Promise<MotionModule>;
    const { frames } = await (await motionModule).readMotionVectors(path, { maxFrames: maxIdx + 2, threads: this.threads });
    if (frames.length === 0) throw new Error(`PyAVDecodeMotionVector: ${path} has no decodable frames`);
    const { width, height } = frames[0]!;
    const size = height * width * 2;
    const fields = frames.map((f, i) => {
      if (f.width !== width || f.height !== height) throw new Error(`PyAVDecodeMotionVector: ${path}: frame ${i} is ${f.width}x${f.height}, frame 0 is ${width}x${height}`);
      if (f.keyFrame && f.vectors) throw new Error(`PyAVDecodeMotionVector: ${path}: key frame ${i} carries motion vectors (MMAction2 asserts that key frames have none)`);
      const mv = new Int8Array(size);
      drawMotionVectors(f, mv);
      return mv;
    });
    const out = new Int8Array(inds.length * size);
    (inds as number[]).forEach((i, j) => {
      const k = ((i % frames.length) + frames.length) % frames.length; // Python's %
      out.set(fields[k]!, j * size);
    });
    results.motion_vectors = new NDArray(out, [inds.length, height, width, 2]); // [T, H, W, 2]
    return results;
  }
}
