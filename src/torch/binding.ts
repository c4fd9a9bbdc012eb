/**
 * The only door to the native addon (build/Release/mmaction_native.node). Everything native is
 * typed here; the rest of the code imports `native` from this file.
 */
import { createRequire } from 'node:module';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** Opaque handle of a native tensor (an N-API external). */
export type Handle = { readonly __tensorHandle: unique symbol };
/** What opCall returns: tensors, numbers, booleans, strings, null, or arrays of these. */
export type NativeValue = Handle | number | boolean | string | null | NativeValue[];

export interface TorchNative {
  opLookup(name: string, overload: string): number;
  opSchema(id: number): string;
  opCall(id: number, args: unknown[], kwargs?: Record<string, unknown>): NativeValue;
  tensorInfo(h: Handle): [number, number[], string, boolean];
  shape(h: Handle): number[];
  dtype(h: Handle): number;
  device(h: Handle): string;
  strideOf(h: Handle): number[];
  storageInfo(h: Handle): [bigint, number, number];
  storageBytes(h: Handle): ArrayBuffer;
  fromBuffer(data: ArrayBufferView | ArrayBuffer, shape: number[], dtypeCode: number): Handle;
  toBuffer(h: Handle): ArrayBuffer;
  dataView(h: Handle): ArrayBuffer;
  item(h: Handle): number | boolean;
  dispose(h: Handle): void;
  isDisposed(h: Handle): boolean;
  sameTensor(a: Handle, b: Handle): boolean;
  setData(h: Handle, src: Handle): void;
  setRequiresGrad(h: Handle, v: boolean): void;
  grad(h: Handle): Handle | null;
  setGrad(h: Handle, g: Handle | null): void;
  autogradMeta(h: Handle): [boolean, string | null, boolean];
  retainGrad(h: Handle): void;
  backward(tensors: Handle[], grads: (Handle | null)[] | null, retainGraph: boolean, createGraph: boolean): void;
  autogradGrad(outputs: Handle[], inputs: Handle[], gradOutputs: (Handle | null)[] | null,
    retainGraph: boolean | null, createGraph: boolean, allowUnused: boolean): (Handle | null)[];
  setGradEnabled(v: boolean): boolean;
  isGradEnabled(): boolean;
  manualSeed(seed: number | bigint): void;
  setNumThreads(n: number): void;
  getNumThreads(): number;
  setNumInteropThreads(n: number): void;
  buildInfo(): {
    torchVersion: string; cudaAvailable: boolean; cudaDeviceCount: number; cudnnAvailable: boolean;
    numThreads: number; numInteropThreads: number; parallelInfo: string; config: string; cxxAbi: number;
  };
  memoryStats(): { liveHandles: number; reportedBytes: number; countedBytes: number; toV8Bytes: number };
  setScopeDepth(n: number): void;
  escapeScopes(h: Handle): void;
}

// --- video --- (native/video*.cc; typed by the video module's owner)
/** Opaque handle of a native video reader/stream/writer (an N-API external). */
export type VideoHandle = { readonly __videoHandle: unique symbol };
/** What native/video_reader.cc reports about an opened video. */
export interface NativeVideoInfo {
  numFrames: number; width: number; height: number; codedWidth: number; codedHeight: number;
  rotation: number; avgFps: number; rFps: number; timeBase: number;
  streamDuration: number; formatDuration: number; containerFrames: number;
  codec: string; codecLongName: string; pixelFormat: string; format: string; bitRate: number;
  ptsMode: boolean; timestamps: Float64Array; keyframes: Float64Array; hasAudio: boolean;
}
export interface NativeVideoReaderOptions {
  threads?: number; timeout?: number; width?: number; height?: number; shortSide?: number;
  autorotate?: boolean; frameColorspace?: boolean; failOnCorrupt?: boolean; skipNonRef?: boolean;
}
export interface VideoNative {
  videoOpen(path: string, opts: NativeVideoReaderOptions): Promise<{ handle: VideoHandle; info: NativeVideoInfo }>;
  videoGetBatch(h: VideoHandle, indices: Float64Array): Promise<{ tensor: Handle; warnings: string[]; decoded: number; seeks: number }>;
  videoClose(h: VideoHandle): void;
  videoStreamOpen(url: string, opts: NativeVideoStreamOptions): Promise<{ handle: VideoHandle; info: NativeVideoStreamInfo }>;
  videoStreamRead(h: VideoHandle, maxFrames: number): Promise<{ tensor: Handle; timestamps: Float64Array } | null>;
  videoStreamClose(h: VideoHandle): void;
  videoWriterOpen(path: string, tmpPath: string, opts: NativeVideoWriterOptions): { handle: VideoHandle; codec: string };
  videoWriterWrite(h: VideoHandle, frames: Uint8Array, n: number): Promise<number>;
  videoWriterClose(h: VideoHandle): Promise<number>;
  videoWriterAbort(h: VideoHandle): void;
  audioExtractWav(input: string, wavPath: string, tmpPath: string, opts: NativeAudioOptions): Promise<NativeAudioInfo>;
  audioRead(input: string, opts: NativeAudioOptions): Promise<NativeAudioInfo & { samples: Float32Array }>;
  videoMotionVectors(path: string, opts: { maxFrames?: number; threads?: number; timeout?: number }): Promise<NativeMotionVectors>;
}
/** native/video_motion.cc: per decoded frame its size, key flag and exported vectors (10 int32 each). */
export interface NativeMotionVectors {
  width: Int32Array; height: Int32Array; keyFrame: Uint8Array; hasSideData: Uint8Array; counts: Int32Array;
  vectors: Int32Array; decodeErrors: number; lastDecodeError: string;
}
export interface NativeAudioOptions { sampleRate?: number; channels?: number; timeout?: number }
export interface NativeAudioInfo { sampleRate: number; channels: number; frames: number; codec: string }
export interface NativeVideoStreamOptions {
  format?: string; inputOptions?: Record<string, string>; threads?: number; timeout?: number;
  width?: number; height?: number; shortSide?: number; autorotate?: boolean; frameColorspace?: boolean; realtime?: boolean;
}
export interface NativeVideoStreamInfo {
  width: number; height: number; rotation: number; codec: string; avgFps: number; rFps: number;
  format: string; containerFrames: number; formatDuration: number;
}
export interface NativeVideoWriterOptions {
  fps: number; width: number; height: number; codec?: string; crf?: number; preset?: string; bitRate?: number;
}
// --- end video ---

const root = fileURLToPath(new URL('../..', import.meta.url));
const addonPath = `${root}build/Release/mmaction_native.node`;

function loadAddon(): TorchNative & VideoNative {
  if (!existsSync(addonPath)) {
    throw new Error(
      `mmaction-ts: the native addon is not built (${addonPath} is missing).\n` +
      'Run `npm install` (or `npm run build:native`) in the package folder; it needs libtorch and FFmpeg\'s\n' +
      'development files (scripts/setup.sh installs them on Debian/Ubuntu).');
  }
  const require = createRequire(import.meta.url);
  try {
    return require(addonPath) as TorchNative & VideoNative;
  } catch (e) {
    const msg = (e as Error).message;
    const hint = /libtorch|libc10|libav|libsw/.test(msg)
      ? 'A shared library it links against is missing: install libtorch-dev and FFmpeg (scripts/setup.sh), or set ' +
        'LD_LIBRARY_PATH to your LIBTORCH/lib, then rebuild with `npm run build:native`.'
      : 'Rebuild it with `npm run build:native`.';
    throw new Error(`mmaction-ts: cannot load the native addon ${addonPath}: ${msg}\n${hint}`);
  }
}

export const native = loadAddon();
