/** Adam, AdamW and RMSprop: torch.optim's single-tensor updates, op for op (PyTorch 1.13). */
import { scalarTensor, zerosLike } from '../creation.ts';
import type { Tensor } from '../tensor.ts';
import { incrementStep, Optimizer, type ParamGroup, type ParamGroupSpec, type ParamState } from './optimizer.ts';

export interface AdamOptions {
  lr?: number;
  betas?: [number, number];
  eps?: number;
  weight_decay?: number;
  amsgrad?: boolean;
  maximize?: boolean;
}

abstract class AdamBase extends Optimizer {
  protected abstract readonly decoupled: boolean;

  protected update(p: Tensor, grad: Tensor, st: ParamState, o: ParamGroup): void {
    const lr = o.lr as number, [beta1, beta2] = o.betas as number[], eps = o.eps as number, wd = o.weight_decay as number;
    const temps: Tensor[] = [];
    let g = o.maximize ? grad.neg() : grad;
    if (o.maximize) temps.push(g);
    if (!st.exp_avg) {
      this.setState(st, 'exp_avg', zerosLike(p));
      this.setState(st, 'exp_avg_sq', zerosLike(p));
      if (o.amsgrad) this.setState(st, 'max_exp_avg_sq', zerosLike(p));
    }
    const step = incrementStep(st, (k, t) => this.setState(st, k, t), () => scalarTensor(0, { dtype: 'float32' }));
    if (this.decoupled) p.mul_(1 - lr * wd);
    else if (wd !== 0) { g = g.add(p, wd); temps.push(g); }
    const expAvg = st.exp_avg as Tensor, expAvgSq = st.exp_avg_sq as Tensor;
    expAvg.mul_(beta1).add_(g, 1 - beta1);
    expAvgSq.mul_(beta2).addcmul_(g, g, 1 - beta2);
    const bc1 = 1 - beta1 ** step;
    const bc2 = 1 - beta2 ** step;
    const stepSize = lr / bc1;
    const bc2Sqrt = Math.sqrt(bc2);
    let src = expAvgSq;
    if (o.amsgrad) {
      const mx = st.max_exp_avg_sq as Tensor;
      const m = mx.maximum(expAvgSq);
      mx.copy_(m);
      m.dispose();
      src = mx;
    }
    const s = src.sqrt();
    const denom = s.div(bc2Sqrt).add_(eps);
    p.addcdiv_(expAvg, denom, -stepSize);
    s.dispose(); denom.dispose();
    for (const t of temps) t.dispose();
  }
}

export class Adam extends AdamBase {
  protected readonly decoupled = false;
  constructor(params: Tensor[] | ParamGroupSpec[], o: AdamOptions = {}) {
    super(params, { lr: o.lr ?? 1e-3, betas: o.betas ?? [0.9, 0.999], eps: o.eps ?? 1e-8, weight_decay: o.weight_decay ?? 0,
      amsgrad: o.amsgrad ?? false, maximize: o.maximize ?? false });
  }
}

export class AdamW extends AdamBase {
  protected readonly decoupled = true;
  constructor(params: Tensor[] | ParamGroupSpec[], o: AdamOptions = {}) {
    super(params, { lr: o.lr ?? 1e-3, betas: o.betas ?? [0.9, 0.999], eps: o.eps ?? 1e-8, weight_decay: o.weight_decay ?? 1e-2,
      amsgrad: o.amsgrad ?? false, maximize: o.maximize ?? false });
  }
}

export interface RMSpropOptions {
  lr?: number;
  alpha?: number;
  eps?: number;
  weight_decay?: number;
  momentum?: number;
  centered?: boolean;
  maximize?: boolean;
}

export class RMSprop extends Optimizer {
  constructor(params: Tensor[] | ParamGroupSpec[], o: RMSpropOptions = {}) {
    super(params, { lr: o.lr ?? 1e-2, alpha: o.alpha ?? 0.99, eps: o.eps ?? 1e-8, weight_decay: o.weight_decay ?? 0,
      momentum: o.momentum ?? 0, centered: o.centered ?? false, maximize: o.maximize ?? false });
  }

  protected update(p: Tensor, grad: Tensor, st: ParamState, o: ParamGroup): void {
    const lr = o.lr as number, alpha = o.alpha as number, eps = o.eps as number, wd = o.weight_decay as number;
    const momentum = o.momentum as number;
    const temps: Tensor[] = [];
    let g = o.maximize ? grad.neg() : grad;
    if (o.maximize) temps.push(g);
    if (!st.square_avg) {
      this.setState(st, 'square_avg', zerosLike(p));
      if (momentum > 0) this.setState(st, 'momentum_buffer', zerosLike(p));
      if (o.centered) this.setState(st, 'grad_avg', zerosLike(p));
    }
    incrementStep(st, (k, t) => this.setState(st, k, t), () => scalarTensor(0, { dtype: 'float32' }));
    if (wd !== 0) { g = g.add(p, wd); temps.push(g); }
    const sq = st.square_avg as Tensor;
    sq.mul_(alpha).addcmul_(g, g, 1 - alpha);
    let avg: Tensor;
    if (o.centered) {
      const ga = st.grad_avg as Tensor;
      ga.mul_(alpha).add_(g, 1 - alpha);
      const t = sq.clone().addcmul_(ga, ga, -1);
      avg = t.sqrt_();
    } else avg = sq.sqrt();
    avg.add_(eps);
    temps.push(avg);
    if (momentum > 0) {
      const buf = st.momentum_buffer as Tensor;
      buf.mul_(momentum).addcdiv_(g, avg);
      p.add_(buf, -lr);
    } else p.addcdiv_(g, avg, -lr);
    for (const t of temps) t.dispose();
  }
}
