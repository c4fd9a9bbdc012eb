/** mmaction-ts: MMAction2 0.24 in TypeScript on libtorch and FFmpeg. */
export * as torch from './torch/index.ts';
