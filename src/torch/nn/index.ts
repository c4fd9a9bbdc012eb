/** torch.nn */
export { Module, StateDictError, formatStateDictReport } from './module.ts';
export type { StateDict, LoadStateDictResult, ForwardHook } from './module.ts';
export * from './conv.ts';
export * from './normalization.ts';
export * from './layers.ts';
export * from './container.ts';
export * from './attention.ts';
export * as init from './init.ts';
export * as functional from '../functional.ts';
