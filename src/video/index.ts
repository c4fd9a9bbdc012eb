/** Video I/O on FFmpeg's libraries (native/video*.cc). */
export { VideoReader } from './reader.ts';
export type { VideoReaderOptions } from './reader.ts';
export { VideoStream } from './stream.ts';
export type { VideoStreamOptions, FrameChunk } from './stream.ts';
export { VideoWriter, writeVideo } from './writer.ts';
export type { VideoWriterOptions, FramesInput } from './writer.ts';
export { extractAudio, readAudio } from './audio.ts';
export type { AudioOptions, AudioInfo } from './audio.ts';
export { readMotionVectors, MOTION_VECTOR_FIELDS } from './motion_vectors.ts';
export type { MotionVectorFrame, MotionVectorOptions } from './motion_vectors.ts';
