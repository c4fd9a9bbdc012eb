/**
 * The `torch` namespace: a PyTorch-like API on libtorch.
 *   import { torch } from 'mmaction-ts';
 *   const x = torch.randn([2, 3]);
 *   const y = torch.noGrad(() => model.call(x));
 */
import { native } from './binding.ts';

export { Tensor, callOp, callOpKw, opSchema, isTensor } from './tensor.ts';
export type { Scalar, TensorOrScalar, IndexSpec } from './tensor.ts';
export * from './creation.ts';
export type { DType, TypedArray } from './dtype.ts';
export { dtypeInfo, normalizeDType } from './dtype.ts';
export { noGrad, enableGrad, isGradEnabled, setGradEnabled, noGradGuard } from './autograd.ts';
export * as autograd from './autograd.ts';
export { tidy, keep } from './scope.ts';
export * as nn from './nn/index.ts';
export * as F from './functional.ts';
export * as functional from './functional.ts';
export * as optim from './optim/index.ts';
// torch.load / torch.save (PyTorch .pth zip and legacy formats), .npy and safetensors.
export { load, loadSync, loadBuffer, save, saveSync, saveToBuffer, loadNpy, saveNpy, loadSafetensors, saveSafetensors } from './serialization/index.ts';
export * as serialization from './serialization/index.ts';

/** Seeds libtorch's default CPU (and CUDA) generator: the same seed gives PyTorch's numbers. */
export function manualSeed(seed: number | bigint): void {
  native.manualSeed(seed);
}
export const seed = manualSeed;

export const setNumThreads = (n: number): void => native.setNumThreads(n);
export const getNumThreads = (): number => native.getNumThreads();
export const setNumInteropThreads = (n: number): void => native.setNumInteropThreads(n);

/**
 * Live native tensor handles; `reportedBytes`: the bytes they own; `countedBytes`: the part owned by
 * handles outside every tidy() scope (only dispose() or the GC frees those) on this thread;
 * `toV8Bytes`: what V8 is told (countedBytes beyond a 256 MB slack), which drives its GC.
 */
export function memory(): { liveHandles: number; reportedBytes: number; countedBytes: number; toV8Bytes: number } {
  return native.memoryStats();
}

export const cuda = {
  isAvailable: (): boolean => native.buildInfo().cudaAvailable,
  deviceCount: (): number => native.buildInfo().cudaDeviceCount,
};

export const version = (): string => native.buildInfo().torchVersion;
export const buildInfo = () => native.buildInfo();
