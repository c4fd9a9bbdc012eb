/**
 * The one seam between the pipelines and the libtorch engine: float32 arrays become Tensors
 * here and nowhere else, so every transform before FormatShape runs without the engine.
 */
import type { Tensor } from '../../torch/index.ts';

type TorchModule = typeof import('../../torch/index.ts');
let torchModule: TorchModule | undefined;

/** Load the engine once (lazily, so pure-JS transforms and their tests never need it). */
export async function loadTorch(): Promise<TorchModule> {
  torchModule ??= await import('../../torch/index.ts');
  return torchModule;
}

/** A float32/int64 Tensor holding a copy of `data` with `shape`. */
export async function toTensor(data: Float32Array | Int32Array | BigInt64Array | Uint8Array, shape: number[]): Promise<Tensor> {
  const torch = await loadTorch();
  return torch.fromTypedArray(data, shape);
}

export function isTensor(x: unknown): x is Tensor {
  return torchModule !== undefined && torchModule.isTensor(x);
}
