/** torch.nn.utils.clip_grad_norm_ / clip_grad_value_. */
import { noGrad } from '../autograd.ts';
import { scalarTensor, stack } from '../creation.ts';
import { tidy, keep } from '../scope.ts';
import type { Tensor } from '../tensor.ts';

/** Scales gradients in place so that their total norm is at most maxNorm; returns the total norm (before clipping). */
export function clipGradNorm_(params: Tensor[], maxNorm: number, normType = 2, errorIfNonfinite = false): Tensor {
  return noGrad(() => {
    const grads = params.map((p) => p.grad).filter((g): g is Tensor => g !== null);
    if (grads.length === 0) return scalarTensor(0, { dtype: 'float32' });
    const total = keep(tidy(() => {
      if (normType === Infinity) {
        const norms = grads.map((g) => g.detach().abs().max());
        return norms.length === 1 ? norms[0] : stack(norms).max();
      }
      return stack(grads.map((g) => g.detach().norm(normType))).norm(normType);
    }));
    if (errorIfNonfinite && !Number.isFinite(total.item()))
      throw new Error(`The total norm of order ${normType} for gradients from \`parameters\` is non-finite, so it cannot be clipped.`);
    tidy(() => {
      const coef = total.add(1e-6).reciprocal().mul(maxNorm).clamp(null, 1.0);
      for (const g of grads) g.mul_(coef);
    });
    for (const g of grads) g.dispose();
    return total;
  });
}

export function clipGradValue_(params: Tensor[], clipValue: number): void {
  noGrad(() => {
    for (const p of params) {
      const g = p.grad;
      if (g) { g.clamp_(-clipValue, clipValue); g.dispose(); }
    }
  });
}
