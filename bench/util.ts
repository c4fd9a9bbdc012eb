/** Helpers shared by the benches. */
import { torch } from '../src/index.ts';

/** Randomises every BatchNorm's statistics and affine parameters (in place) so the cross-check covers them. */
export function randomiseNorms(model: torch.nn.Module): void {
  torch.noGrad(() => {
    for (const [k, t] of model.stateDict()) {
      const last = k.slice(k.lastIndexOf('.') + 1);
      if (last === 'running_var') torch.tidy(() => { t.copy_(torch.rand(t.shape).add(0.5)); });
      else if (last === 'running_mean') torch.tidy(() => { t.copy_(torch.randn(t.shape).mul(0.1)); });
      else if (/(^|\.)(bn|norm|bn\d*)\.weight$/.test(k)) torch.tidy(() => { t.copy_(torch.rand(t.shape).add(0.5)); });
      else if (/(^|\.)(bn|norm|bn\d*)\.bias$/.test(k)) torch.tidy(() => { t.copy_(torch.randn(t.shape).mul(0.1)); });
    }
  });
}
