/** Video I/O on FFmpeg's libraries (native/video*.cc). */
export { VideoReader } from './reader.ts';
export type { VideoReaderOptions } from './reader.ts';
