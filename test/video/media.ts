/**
 * Test videos, encoded by the ffmpeg CLI into a temporary folder, and reference frames that the
 * ffmpeg CLI decodes from them (raw rgb24, all frames in presentation order with -vsync 0, which is
 * what `-vf "select=eq(n\,k)" -vsync 0` numbers as frame k).
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export function ffmpeg(args: string[]): Buffer {
  return execFileSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-nostdin', '-y', ...args], {
    maxBuffer: 1 << 30,
  });
}

export function ffprobeJson(file: string, args: string[]): any {
  return JSON.parse(execFileSync('ffprobe', ['-v', 'error', '-of', 'json', ...args, file], { maxBuffer: 1 << 28 }).toString());
}

export function hasEncoder(name: string): boolean {
  return execFileSync('ffmpeg', ['-hide_banner', '-encoders']).toString().includes(` ${name} `);
}

/** All frames the ffmpeg CLI decodes, as packed rgb24 (`vf`: filters before the conversion). */
export function cliFrames(file: string, vf?: string, extra: string[] = []): Buffer {
  return ffmpeg(['-i', file, ...(vf ? ['-vf', vf] : []), '-vsync', '0', ...extra, '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-']);
}

/** Frame k exactly as the reference command writes it. */
export function cliSelect(file: string, k: number): Buffer {
  return ffmpeg(['-i', file, '-vf', `select=eq(n\\,${k})`, '-vsync', '0', '-frames:v', '1', '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-']);
}

export interface Clip {
  name: string;
  file: string;
  frames: number;
  width: number;
  height: number;
  /** Displayed size (after rotation). */
  dispWidth: number;
  dispHeight: number;
  codec: string;
}

// Sizes are deliberately not multiples of 16 (swscale's SIMD overruns such rows).
const SRC = (size: string, rate: number | string, n: number) =>
  ['-f', 'lavfi', '-i', `testsrc2=size=${size}:rate=${rate}`, '-frames:v', String(n)];

interface Spec {
  name: string;
  args: (out: string) => string[];
  frames: number;
  size: [number, number];
  codec: string;
  rotation?: number;
  needs?: string;
  post?: (out: string) => string[];
}

export const SPECS: Spec[] = [
  { // H.264 High, 3 B-frames with pyramid, long GOP (keyframes every 60 frames, none on scene cuts)
    name: 'h264_bframes.mp4', frames: 150, size: [212, 120], codec: 'h264', needs: 'libx264',
    args: (o) => [...SRC('212x120', 25, 150), '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '3', '-g', '60',
      '-keyint_min', '60', '-sc_threshold', '0', '-pix_fmt', 'yuv420p', o],
  },
  { // open GOP (non-IDR keyframes with leading B-frames) in Matroska (seeks by pts)
    name: 'h264_opengop.mkv', frames: 120, size: [200, 112], codec: 'h264', needs: 'libx264',
    args: (o) => [...SRC('200x112', 30, 120), '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '3', '-g', '24',
      '-x264-params', 'open-gop=1:scenecut=0', '-pix_fmt', 'yuv420p', o],
  },
  { // VP9 with alt-ref frames (hidden frames in superframes), in WebM (no container frame count)
    name: 'vp9.webm', frames: 90, size: [176, 100], codec: 'vp9', needs: 'libvpx-vp9',
    args: (o) => [...SRC('176x100', 30, 90), '-c:v', 'libvpx-vp9', '-deadline', 'realtime', '-cpu-used', '8',
      '-g', '30', '-auto-alt-ref', '1', '-lag-in-frames', '10', '-b:v', '300k', o],
  },
  { name: 'mjpeg.avi', frames: 40, size: [180, 104], codec: 'mjpeg',
    args: (o) => [...SRC('180x104', 20, 40), '-c:v', 'mjpeg', '-q:v', '4', o],
  },
  { // MPEG-4 part 2 with B-frames in MP4
    name: 'mpeg4.mp4', frames: 80, size: [200, 120], codec: 'mpeg4',
    args: (o) => [...SRC('200x120', 25, 80), '-c:v', 'mpeg4', '-bf', '2', '-g', '25', '-q:v', '5', o],
  },
  { // MPEG-4 with B-frames in AVI: no presentation timestamps, frames are counted while decoding
    name: 'mpeg4_bframes.avi', frames: 60, size: [160, 96], codec: 'mpeg4',
    args: (o) => [...SRC('160x96', 25, 60), '-c:v', 'mpeg4', '-bf', '2', '-g', '20', '-q:v', '5', o],
  },
  { name: 'hevc.mkv', frames: 60, size: [208, 120], codec: 'hevc', needs: 'libx265',
    args: (o) => [...SRC('208x120', 25, 60), '-c:v', 'libx265', '-preset', 'ultrafast', '-x265-params',
      'log-level=none:keyint=30:bframes=3', '-pix_fmt', 'yuv420p', o],
  },
  { name: 'av1.mp4', frames: 30, size: [160, 96], codec: 'av1', needs: 'libaom-av1',
    args: (o) => [...SRC('160x96', 25, 30), '-c:v', 'libaom-av1', '-cpu-used', '8', '-row-mt', '1', '-g', '10', '-b:v', '200k', o],
  },
  { // VP8 with alt-ref frames
    name: 'vp8.webm', frames: 40, size: [176, 100], codec: 'vp8', needs: 'libvpx',
    args: (o) => [...SRC('176x100', 25, 40), '-c:v', 'libvpx', '-g', '15', '-auto-alt-ref', '1', '-lag-in-frames', '8',
      '-b:v', '300k', o],
  },
  { name: 'h264.mov', frames: 40, size: [208, 120], codec: 'h264', needs: 'libx264',
    args: (o) => [...SRC('208x120', 25, 40), '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '2', '-pix_fmt', 'yuv420p', o],
  },
  { // MPEG-TS: seeking by timestamp search, not by an index
    name: 'h264.ts', frames: 120, size: [208, 120], codec: 'h264', needs: 'libx264',
    args: (o) => [...SRC('208x120', 25, 120), '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '3', '-g', '50',
      '-pix_fmt', 'yuv420p', o],
  },
  { // raw H.264 elementary stream: no container timestamps, frames are counted while decoding
    name: 'raw.h264', frames: 60, size: [208, 120], codec: 'h264', needs: 'libx264',
    args: (o) => [...SRC('208x120', 25, 60), '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '3', '-g', '25',
      '-pix_fmt', 'yuv420p', '-f', 'h264', o],
  },
  { // variable frame rate: 25 fps for 30 frames, then 10 fps, then 50 fps
    name: 'vfr.mkv', frames: 90, size: [176, 96], codec: 'h264', needs: 'libx264',
    args: (o) => [...SRC('176x96', 25, 90), '-vf',
      "settb=1/1000,setpts='if(lt(N,30),N/25,if(lt(N,60),1.2+(N-30)/10,4.2+(N-60)/50))/TB'", '-fps_mode', 'vfr',
      '-enc_time_base', '1:1000', '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '2', '-g', '40', '-pix_fmt', 'yuv420p', o],
  },
  { // phone-style: landscape-coded frames with a 90-degree display matrix
    name: 'rotated.mp4', frames: 50, size: [160, 96], codec: 'h264', needs: 'libx264', rotation: 90,
    args: (o) => [...SRC('160x96', 30, 50), '-c:v', 'libx264', '-preset', 'veryfast', '-bf', '2',
      '-pix_fmt', 'yuv420p', `${o}.coded.mp4`],
    // FFmpeg 5.1 turns the `rotate` tag into a display matrix when stream-copying
    post: (o) => ['-i', `${o}.coded.mp4`, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', o],
  },
  { name: 'rotated180.mp4', frames: 20, size: [160, 96], codec: 'h264', needs: 'libx264', rotation: 180,
    args: (o) => [...SRC('160x96', 30, 20), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', `${o}.coded.mp4`],
    post: (o) => ['-i', `${o}.coded.mp4`, '-c', 'copy', '-metadata:s:v:0', 'rotate=180', o],
  },
  { name: 'rotated270.mp4', frames: 20, size: [160, 96], codec: 'h264', needs: 'libx264', rotation: 270,
    args: (o) => [...SRC('160x96', 30, 20), '-c:v', 'libx264', '-preset', 'veryfast', '-pix_fmt', 'yuv420p', `${o}.coded.mp4`],
    post: (o) => ['-i', `${o}.coded.mp4`, '-c', 'copy', '-metadata:s:v:0', 'rotate=270', o],
  },
  { // BT.709-tagged H.264 (most HD and phone videos): the matrix matters
    name: 'bt709.mp4', frames: 30, size: [192, 108], codec: 'h264', needs: 'libx264',
    args: (o) => [...SRC('192x108', 25, 30), '-vf', 'scale=out_color_matrix=bt709', '-c:v', 'libx264',
      '-preset', 'veryfast', '-pix_fmt', 'yuv420p', '-colorspace', 'bt709', '-color_primaries', 'bt709',
      '-color_trc', 'bt709', o],
  },
];

/** Encodes the clips (those whose encoder exists) into a fresh temporary folder. */
export function makeClips(which?: string[]): { dir: string; clips: Map<string, Clip>; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), 'mmts-video-'));
  const clips = new Map<string, Clip>();
  for (const s of SPECS) {
    if (which && !which.includes(s.name)) continue;
    if (s.needs && !hasEncoder(s.needs)) continue;
    const file = join(dir, s.name);
    ffmpeg(s.args(file));
    if (s.post) ffmpeg(s.post(file));
    if (!existsSync(file)) throw new Error(`ffmpeg did not write ${file}`);
    const [w, h] = s.size;
    const rot = s.rotation ?? 0;
    clips.set(s.name, {
      name: s.name, file, frames: s.frames, width: w, height: h, codec: s.codec,
      dispWidth: rot % 180 ? h : w, dispHeight: rot % 180 ? w : h,
    });
  }
  return { dir, clips, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Index of the first differing frame-sized chunk, with a description; null when equal. */
export function firstDifference(a: Uint8Array, b: Uint8Array, frameBytes: number, labels: number[]): string | null {
  if (a.length !== b.length) return `sizes differ: ${a.length} vs ${b.length} bytes`;
  for (let f = 0; f * frameBytes < a.length; ++f) {
    const off = f * frameBytes;
    let diff = 0, maxd = 0;
    for (let i = 0; i < frameBytes; ++i) {
      const d = Math.abs(a[off + i] - b[off + i]);
      if (d) { diff++; maxd = Math.max(maxd, d); }
    }
    if (diff) return `frame ${labels[f]} (position ${f}): ${diff} bytes differ, max |diff| ${maxd}`;
  }
  return null;
}
