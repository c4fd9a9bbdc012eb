/** Shared bricks: mmcv's ConvModule and builders, weight-init helpers, TemporalShift, TAM. */
export * from './conv_module.ts';
export * from './weight_init.ts';
export { TemporalShift, temporalShift } from './temporal_shift.ts';
export { TAM } from './tam.ts';
export { ConvAudio } from './conv_audio.ts';
export type { TAMOptions } from './tam.ts';
