/** Autograd entry points: grad-mode scopes and torch.autograd.grad / backward. */
import { native } from './binding.ts';
import { Tensor } from './tensor.ts';

function withGradMode<T>(enabled: boolean, fn: () => T): T {
  const prev = native.setGradEnabled(enabled);
  let restoreLater = false;
  try {
    const r = fn();
    if (r instanceof Promise) {
      // Grad mode is thread-local state; across an await other code would run under it.
      restoreLater = true;
      return r.finally(() => native.setGradEnabled(prev)) as T;
    }
    return r;
  } finally {
    if (!restoreLater) native.setGradEnabled(prev);
  }
}

/** Runs fn with gradient recording off (torch.no_grad) and returns its result. */
export const noGrad = <T>(fn: () => T): T => withGradMode(false, fn);
/** Runs fn with gradient recording on (torch.enable_grad). */
export const enableGrad = <T>(fn: () => T): T => withGradMode(true, fn);
export const isGradEnabled = (): boolean => native.isGradEnabled();
export const setGradEnabled = (v: boolean): boolean => native.setGradEnabled(v);

/** A `using` guard: `using _ = noGradGuard();` turns gradients off until the end of the block. */
export function noGradGuard(): { [Symbol.dispose](): void } {
  const prev = native.setGradEnabled(false);
  return { [Symbol.dispose]: () => { native.setGradEnabled(prev); } };
}

export interface GradOptions {
  gradOutputs?: (Tensor | null)[];
  retainGraph?: boolean;
  createGraph?: boolean;
  allowUnused?: boolean;
}

/** torch.autograd.grad: gradients of outputs w.r.t. inputs (null for unused inputs when allowUnused). */
export function grad(outputs: Tensor | Tensor[], inputs: Tensor | Tensor[], o: GradOptions = {}): (Tensor | null)[] {
  const outs = Array.isArray(outputs) ? outputs : [outputs];
  const ins = Array.isArray(inputs) ? inputs : [inputs];
  const r = native.autogradGrad(outs.map((t) => t.handle), ins.map((t) => t.handle),
    o.gradOutputs ? o.gradOutputs.map((g) => (g ? g.handle : null)) : null,
    o.retainGraph ?? null, o.createGraph ?? false, o.allowUnused ?? false);
  return r.map((h) => (h === null ? null : new Tensor(h)));
}

/** torch.autograd.backward over several outputs. */
export function backward(tensors: Tensor[], grads?: (Tensor | null)[], { retainGraph = false, createGraph = false } = {}): void {
  native.backward(tensors.map((t) => t.handle), grads ? grads.map((g) => (g ? g.handle : null)) : null,
    retainGraph || createGraph, createGraph);
}
