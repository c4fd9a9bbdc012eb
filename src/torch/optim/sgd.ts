/** SGD with momentum, dampening, Nesterov and weight decay: torch.optim.SGD's update, op for op. */
import type { Tensor } from '../tensor.ts';
import { Optimizer, type ParamGroup, type ParamGroupSpec, type ParamState } from './optimizer.ts';

export interface SGDOptions {
  lr: number;
  momentum?: number;
  dampening?: number;
  weight_decay?: number;
  nesterov?: boolean;
  maximize?: boolean;
}

export class SGD extends Optimizer {
  constructor(params: Tensor[] | ParamGroupSpec[], o: SGDOptions) {
    if (!(o.lr >= 0)) throw new RangeError(`Invalid learning rate: ${o.lr}`);
    const d = { lr: o.lr, momentum: o.momentum ?? 0, dampening: o.dampening ?? 0, weight_decay: o.weight_decay ?? 0,
      nesterov: o.nesterov ?? false, maximize: o.maximize ?? false };
    if (d.nesterov && (d.momentum <= 0 || d.dampening !== 0)) throw new RangeError('Nesterov momentum requires a momentum and zero dampening');
    super(params, d);
  }

  protected update(p: Tensor, grad: Tensor, st: ParamState, o: ParamGroup): void {
    const lr = o.lr as number, momentum = o.momentum as number, wd = o.weight_decay as number;
    const temps: Tensor[] = [];
    let dp = o.maximize ? grad.neg() : grad;
    if (o.maximize) temps.push(dp);
    if (wd !== 0) { dp = dp.add(p, wd); temps.push(dp); }
    if (momentum !== 0) {
      let buf = st.momentum_buffer as Tensor | undefined;
      if (!buf) buf = this.setState(st, 'momentum_buffer', dp.clone().detach());
      else buf.mul_(momentum).add_(dp, 1 - (o.dampening as number));
      if (o.nesterov) { dp = dp.add(buf, momentum); temps.push(dp); } else dp = buf;
    }
    p.add_(dp, -lr);
    for (const t of temps) t.dispose();
  }
}

