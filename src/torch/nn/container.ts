/** Containers: Sequential, ModuleList, ModuleDict, ParameterList (keys are PyTorch's: '0', '1', ... or the dict keys). */
import { Module } from './module.ts';
import { Tensor } from '../tensor.ts';
import { isGradEnabled } from '../autograd.ts';

export class Sequential extends Module {
  constructor(...modules: Module[] | [Map<string, Module>]) {
    super();
    if (modules.length === 1 && modules[0] instanceof Map) {
      for (const [k, m] of modules[0]) this.registerModule(k, m);
    } else {
      (modules as Module[]).forEach((m, i) => this.registerModule(String(i), m));
    }
  }

  get length(): number { return this._modules.size; }

  at(i: number): Module {
    const list = [...this.children()];
    return list[i < 0 ? list.length + i : i];
  }

  append(m: Module): this {
    this.registerModule(String(this._modules.size), m);
    return this;
  }

  [Symbol.iterator](): IterableIterator<Module> { return this.children(); }

  forward(x: any): any {
    const input = x;
    // Without autograd nothing else refers to an intermediate output once the next module has run:
    // free it then, as PyTorch's refcounting does, so that a stage of blocks holds one activation at a
    // time. (In-place modules return their input: that one stays.)
    const eager = !isGradEnabled();
    for (const m of this.children()) {
      const next = m.call(x);
      if (eager && x !== input && x !== next && x instanceof Tensor) x.dispose();
      x = next;
    }
    return x;
  }
}

export class ModuleList<M extends Module = Module> extends Module {
  constructor(modules: M[] = []) {
    super();
    modules.forEach((m) => this.append(m));
  }

  get length(): number { return this._modules.size; }

  at(i: number): M {
    const n = this._modules.size;
    const m = this._modules.get(String(i < 0 ? n + i : i));
    if (!m) throw new RangeError(`ModuleList index ${i} out of range (length ${n})`);
    return m as M;
  }

  append(m: M): this {
    this.registerModule(String(this._modules.size), m);
    return this;
  }

  [Symbol.iterator](): IterableIterator<M> { return this.children() as IterableIterator<M>; }

  forward(): never { throw new Error('ModuleList is a container and has no forward()'); }
}

export class ModuleDict<M extends Module = Module> extends Module {
  constructor(modules: Record<string, M> | Map<string, M> = {}) {
    super();
    const entries = modules instanceof Map ? modules.entries() : Object.entries(modules);
    for (const [k, m] of entries) this.registerModule(k, m);
  }

  get(key: string): M | undefined { return (this._modules.get(key) ?? undefined) as M | undefined; }
  set(key: string, m: M): void { this.registerModule(key, m); }
  has(key: string): boolean { return this._modules.has(key); }
  keys(): string[] { return [...this._modules.keys()]; }
  entries(): [string, M][] { return [...this.namedChildren()] as [string, M][]; }

  forward(): never { throw new Error('ModuleDict is a container and has no forward()'); }
}

/** nn.ParameterList: parameters named '0', '1', ... (state-dict keys `<list>.0`, `<list>.1`). */
export class ParameterList extends Module {
  constructor(params: Tensor[] = []) {
    super();
    params.forEach((p) => this.append(p));
  }

  get length(): number { return this._parameters.size; }

  at(i: number): Tensor {
    const n = this._parameters.size;
    const p = this._parameters.get(String(i < 0 ? n + i : i));
    if (!p) throw new RangeError(`ParameterList index ${i} out of range (length ${n})`);
    return p;
  }

  append(p: Tensor): this {
    this.registerParameter(String(this._parameters.size), p);
    return this;
  }

  *[Symbol.iterator](): IterableIterator<Tensor> {
    for (const p of this._parameters.values()) if (p) yield p;
  }

  forward(): never { throw new Error('ParameterList is a container and has no forward()'); }
}
