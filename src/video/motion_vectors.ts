/**
 * Motion vectors as the decoder exports them (FFmpeg's `flags2=+export_mvs`, frame side data
 * AV_FRAME_DATA_MOTION_VECTORS; native/video_motion.cc): what PyAV's
 * `frame.side_data.get('MOTION_VECTORS')` gives MMAction2's PyAVDecodeMotionVector. Codecs that
 * export them: H.264, MPEG-1/2/4, H.263 (not HEVC, VP9, AV1). Frames come in presentation order.
 *
 *   const mv = await readMotionVectors('clip.mp4', { maxFrames: 16 });
 *   mv.frames[3].vectors   // Int32Array [n * 10]: source, w, h, src_x, src_y, dst_x, dst_y, motion_x, motion_y, motion_scale
 */
import { stat } from 'node:fs/promises';
import { native } from '../torch/binding.ts';

/** Fields of one vector in `MotionVectorFrame.vectors` (AVMotionVector without `flags`). */
export const MOTION_VECTOR_FIELDS = ['source', 'w', 'h', 'src_x', 'src_y', 'dst_x', 'dst_y', 'motion_x', 'motion_y', 'motion_scale'] as const;

export interface MotionVectorFrame {
  width: number;
  height: number;
  keyFrame: boolean;
  /** Vectors as exported, 10 int32 per vector (MOTION_VECTOR_FIELDS); null when the frame has no such side data. */
  vectors: Int32Array | null;
}

export interface MotionVectorOptions {
  /** Decode at most this many frames (default: all). */
  maxFrames?: number;
  /** Decoder threads (default 1). */
  threads?: number;
  /** Seconds to wait for a network input (default 30). */
  timeout?: number;
}

/** Decodes `path` from its start and returns every frame's motion vectors (off the JS thread). */
export async function readMotionVectors(path: string, o: MotionVectorOptions = {}): Promise<{ frames: MotionVectorFrame[]; decodeErrors: number }> {
  if (o.maxFrames !== undefined && !(Number.isInteger(o.maxFrames) && o.maxFrames >= 1)) {
    throw new RangeError(`readMotionVectors(${path}): maxFrames must be a positive integer, got ${o.maxFrames}`);
  }
  if (!/^[a-z][a-z0-9+.-]+:/i.test(path)) {
    const st = await stat(path).catch(() => null);
    if (!st) throw new Error(`cannot read video ${path}: no such file`);
    if (!st.isFile()) throw new Error(`cannot read video ${path}: not a file`);
  }
  let r;
  try {
    r = await native.videoMotionVectors(path, { maxFrames: o.maxFrames ?? -1, threads: o.threads ?? 1, timeout: o.timeout ?? 30 });
  } catch (e) {
    throw new Error(`cannot read the motion vectors of ${path}: ${(e as Error).message}`);
  }
  const frames: MotionVectorFrame[] = [];
  let at = 0;
  for (let i = 0; i < r.counts.length; i++) {
    const n = r.counts[i]!;
    frames.push({
      width: r.width[i]!,
      height: r.height[i]!,
      keyFrame: r.keyFrame[i] === 1,
      vectors: r.hasSideData[i] ? r.vectors.subarray(at * 10, (at + n) * 10) : null,
    });
    at += n;
  }
  return { frames, decodeErrors: r.decodeErrors };
}
