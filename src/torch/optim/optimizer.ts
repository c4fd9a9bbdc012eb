/**
 * Optimizer base: parameter groups with per-group options, per-parameter state, and a
 * state dict in PyTorch's layout ({state: {index: {...}}, param_groups: [{..., params: [index]}]})
 * so that an optimizer saved by mmaction-ts resumes in PyTorch and the other way round.
 */
import { noGrad } from '../autograd.ts';
import { keep } from '../scope.ts';
import { Tensor } from '../tensor.ts';

export type ParamGroupOptions = Record<string, number | boolean | number[] | null | string>;
export interface ParamGroup extends ParamGroupOptions {}
export interface ParamGroupSpec { params: Tensor[]; [option: string]: unknown }
export type ParamState = Record<string, Tensor | number>;

export interface OptimizerStateDict {
  state: Map<number, ParamState>;
  param_groups: (ParamGroupOptions & { params: number[] })[];
}

export abstract class Optimizer {
  readonly paramGroups: { params: Tensor[]; options: ParamGroup }[] = [];
  readonly state = new Map<Tensor, ParamState>();

  constructor(params: Tensor[] | ParamGroupSpec[], readonly defaults: ParamGroupOptions) {
    const groups: ParamGroupSpec[] = params.length && params[0] instanceof Tensor
      ? [{ params: params as Tensor[] }] : (params as ParamGroupSpec[]);
    if (groups.length === 0) throw new RangeError('optimizer got an empty parameter list');
    for (const g of groups) this.addParamGroup(g);
  }

  addParamGroup(spec: ParamGroupSpec): void {
    const { params, ...opts } = spec;
    const seen = new Set(this.paramGroups.flatMap((g) => g.params));
    for (const p of params) if (seen.has(p)) throw new Error('some parameters appear in more than one parameter group');
    for (const k of Object.keys(opts)) {
      if (!(k in this.defaults) && !['initial_lr', 'lr_mult', 'decay_mult', 'name'].includes(k))
        throw new TypeError(`${this.constructor.name}: unknown parameter group option '${k}' (valid: ${Object.keys(this.defaults).join(', ')})`);
    }
    this.paramGroups.push({ params: [...params], options: { ...this.defaults, ...(opts as ParamGroupOptions) } });
  }

  /** Clears gradients (set to null by default, like PyTorch 2; setToNone=false zeroes them). */
  zeroGrad(setToNone = true): void {
    for (const g of this.paramGroups) {
      for (const p of g.params) {
        const grad = p.grad;
        if (!grad) continue;
        if (setToNone) p.grad = null;
        else noGrad(() => grad.zero_());
        grad.dispose();
      }
    }
  }

  /** One update of every parameter with a gradient. */
  step(): void {
    noGrad(() => {
      for (const g of this.paramGroups) {
        for (const p of g.params) {
          const grad = p.grad;
          if (!grad) continue;
          let st = this.state.get(p);
          if (!st) { st = {}; this.state.set(p, st); }
          try {
            this.update(p, grad, st, g.options);
          } finally {
            grad.dispose();
          }
        }
      }
    });
  }

  protected abstract update(param: Tensor, grad: Tensor, state: ParamState, o: ParamGroup): void;

  /** Keeps a state tensor alive across scopes and records it. */
  protected setState(state: ParamState, key: string, t: Tensor): Tensor {
    const old = state[key];
    keep(t);
    state[key] = t;
    if (old instanceof Tensor && old !== t) old.dispose();
    return t;
  }

  stateDict(): OptimizerStateDict {
    const index = new Map<Tensor, number>();
    const param_groups = this.paramGroups.map((g) => {
      const ids = g.params.map((p) => {
        if (!index.has(p)) index.set(p, index.size);
        return index.get(p)!;
      });
      return { ...g.options, params: ids };
    });
    const state = new Map<number, ParamState>();
    for (const [p, s] of this.state) {
      const i = index.get(p);
      if (i !== undefined) state.set(i, { ...s });
    }
    return { state, param_groups };
  }

  /** Restores options and state; tensors are copied (the source dict stays the caller's). */
  loadStateDict(sd: OptimizerStateDict | { state: Record<string, ParamState> | Map<number, ParamState>; param_groups: any[] }): void {
    const groups = sd.param_groups;
    if (groups.length !== this.paramGroups.length)
      throw new Error(`loaded optimizer state has ${groups.length} parameter groups, this optimizer has ${this.paramGroups.length}`);
    groups.forEach((g, i) => {
      if (g.params.length !== this.paramGroups[i].params.length)
        throw new Error(`loaded optimizer state: group ${i} has ${g.params.length} parameters, this optimizer's has ${this.paramGroups[i].params.length}`);
    });
    const byId = new Map<number, Tensor>();
    groups.forEach((g, i) => g.params.forEach((id: number, j: number) => byId.set(Number(id), this.paramGroups[i].params[j])));
    const stateEntries: [number, ParamState][] = sd.state instanceof Map
      ? [...sd.state.entries()] : Object.entries(sd.state).map(([k, v]) => [Number(k), v as ParamState]);
    for (const s of this.state.values()) for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
    for (const [id, s] of stateEntries) {
      const p = byId.get(Number(id));
      if (!p) continue;
      const copy: ParamState = {};
      for (const [k, v] of Object.entries(s)) {
        if (v instanceof Tensor) {
          const t = k === 'step' ? v.clone() : v.to({ dtype: p.dtype, device: p.device }, { copy: true });
          copy[k] = keep(t);
        } else copy[k] = v;
      }
      this.state.set(p, copy);
    }
    groups.forEach((g, i) => {
      const { params: _ignored, ...opts } = g;
      this.paramGroups[i].options = { ...this.paramGroups[i].options, ...opts };
    });
  }

  /** Frees the optimizer's state tensors. */
  dispose(): void {
    for (const s of this.state.values()) for (const v of Object.values(s)) if (v instanceof Tensor) v.dispose();
    this.state.clear();
  }
}

/** The step counter as PyTorch 1.13 keeps it: a float32 scalar tensor in the state. */
export function incrementStep(state: ParamState, setState: (k: string, t: Tensor) => Tensor, zero: () => Tensor): number {
  let step = state.step as Tensor | undefined;
  if (!(step instanceof Tensor)) step = setState('step', zero());
  step.add_(1);
  return step.item();
}
