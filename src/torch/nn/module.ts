/**
 * nn.Module: a tree of submodules with parameters and buffers, named exactly as PyTorch names
 * them (`layer1.0.conv1.weight`, `bn.num_batches_tracked`), so that state dicts are
 * interchangeable with PyTorch's. Registration order is state-dict order.
 */
import { keep, tidy } from '../scope.ts';
import { Tensor } from '../tensor.ts';
import { isGradEnabled, noGrad } from '../autograd.ts';
import type { DType } from '../dtype.ts';

export type StateDict = Map<string, Tensor>;

export interface LoadStateDictResult {
  missingKeys: string[];
  unexpectedKeys: string[];
  /** Keys present on both sides with different shapes (not loaded). */
  shapeMismatch: { key: string; expected: number[]; got: number[] }[];
}

/** Raised by loadStateDict(strict) with the full report attached. */
export class StateDictError extends Error {
  constructor(readonly report: LoadStateDictResult, context = '') {
    super(formatStateDictReport(report, context));
    this.name = 'StateDictError';
  }
}

export function formatStateDictReport(r: LoadStateDictResult, context = ''): string {
  const lines = [`Error(s) in loading state_dict${context ? ` for ${context}` : ''}:`];
  const list = (keys: string[]) => keys.slice(0, 20).map((k) => `"${k}"`).join(', ') + (keys.length > 20 ? `, ... (${keys.length} in all)` : '');
  if (r.missingKeys.length) lines.push(`  Missing key(s): ${list(r.missingKeys)}.`);
  if (r.unexpectedKeys.length) lines.push(`  Unexpected key(s): ${list(r.unexpectedKeys)}.`);
  for (const m of r.shapeMismatch.slice(0, 20))
    lines.push(`  size mismatch for ${m.key}: copying a param with shape [${m.got.join(', ')}] from checkpoint, the shape in current model is [${m.expected.join(', ')}].`);
  return lines.join('\n');
}

export type ForwardHook = (module: Module, inputs: unknown[], output: unknown) => unknown | void;

export abstract class Module {
  training = true;
  protected readonly _parameters = new Map<string, Tensor | null>();
  protected readonly _buffers = new Map<string, Tensor | null>();
  protected readonly _nonPersistent = new Set<string>();
  protected readonly _modules = new Map<string, Module | null>();
  private readonly _forwardHooks = new Map<number, ForwardHook>();
  private static _hookId = 0;

  abstract forward(...args: any[]): any;

  /**
   * Runs forward with the registered forward hooks (PyTorch's `module(x)`).
   * Without autograd (noGrad, eval), the intermediates a forward creates are freed as soon as it
   * returns, as PyTorch's refcounting frees them: otherwise every activation of a network would live
   * until the caller's tidy() ends, and a deep model's peak memory (and its page faults) would be the
   * sum of all its activations. With autograd on, the graph holds what backward needs anyway.
   * A forward hook that keeps an output beyond its parent module's call must keep() a copy.
   */
  call(...args: any[]): any {
    const out = isGradEnabled() ? this.forward(...args) : tidy(() => this.forward(...args));
    if (this._forwardHooks.size === 0) return out;
    let result = out;
    for (const hook of this._forwardHooks.values()) {
      const r = hook(this, args, result);
      if (r !== undefined) result = r;
    }
    return result;
  }

  /** register_forward_hook; returns a function that removes the hook. */
  registerForwardHook(hook: ForwardHook): () => void {
    const id = Module._hookId++;
    this._forwardHooks.set(id, hook);
    return () => { this._forwardHooks.delete(id); };
  }

  // -------------------------------------------------------------------------------- registration
  registerParameter(name: string, param: Tensor | null): Tensor | null {
    this.checkName(name);
    if (param) {
      keep(param);
      if (!param.requiresGrad && param.isFloatingPoint()) param.requiresGrad_(true);
    }
    this._parameters.set(name, param);
    return param;
  }

  registerBuffer(name: string, buffer: Tensor | null, persistent = true): Tensor | null {
    this.checkName(name);
    if (buffer) keep(buffer);
    this._buffers.set(name, buffer);
    if (!persistent) this._nonPersistent.add(name);
    return buffer;
  }

  registerModule<M extends Module | null>(name: string, module: M): M {
    this.checkName(name);
    this._modules.set(name, module);
    return module;
  }

  /** Alias of registerModule (PyTorch's add_module). */
  addModule<M extends Module | null>(name: string, module: M): M {
    return this.registerModule(name, module);
  }

  private checkName(name: string): void {
    if (!name || name.includes('.')) throw new TypeError(`module attribute name must be non-empty and contain no '.', got '${name}'`);
  }

  /** Replaces a registered parameter/buffer tensor (disposing the old one unless told not to). */
  setTensor(name: string, value: Tensor | null, disposeOld = true): void {
    if (this._parameters.has(name)) {
      const old = this._parameters.get(name);
      this.registerParameter(name, value);
      if (disposeOld && old && old !== value) old.dispose();
    } else if (this._buffers.has(name)) {
      const old = this._buffers.get(name);
      if (value) keep(value);
      this._buffers.set(name, value);
      if (disposeOld && old && old !== value) old.dispose();
    } else {
      throw new Error(`${this.constructor.name} has no parameter or buffer '${name}'`);
    }
  }

  getParameter(name: string): Tensor | null | undefined { return this._parameters.get(name); }
  getBuffer(name: string): Tensor | null | undefined { return this._buffers.get(name); }
  getModule(name: string): Module | null | undefined { return this._modules.get(name); }

  /** Looks up a submodule by dotted path (`layer1.0.conv1`). */
  getSubmodule(path: string): Module {
    if (path === '') return this;
    let m: Module = this;
    for (const part of path.split('.')) {
      const next = m._modules.get(part);
      if (!next) throw new Error(`${m.constructor.name} has no submodule '${part}' (in path '${path}')`);
      m = next;
    }
    return m;
  }

  // -------------------------------------------------------------------------------- traversal
  *namedChildren(): IterableIterator<[string, Module]> {
    for (const [k, m] of this._modules) if (m) yield [k, m];
  }

  *children(): IterableIterator<Module> {
    for (const [, m] of this.namedChildren()) yield m;
  }

  *namedModules(prefix = '', memo = new Set<Module>()): IterableIterator<[string, Module]> {
    if (memo.has(this)) return;
    memo.add(this);
    yield [prefix, this];
    for (const [k, m] of this._modules) {
      if (!m) continue;
      yield* m.namedModules(prefix ? `${prefix}.${k}` : k, memo);
    }
  }

  *modules(): IterableIterator<Module> {
    for (const [, m] of this.namedModules()) yield m;
  }

  *namedParameters(prefix = '', recurse = true): IterableIterator<[string, Tensor]> {
    const seen = new Set<Tensor>();
    const mods: Iterable<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mp, m] of mods) {
      for (const [k, p] of m._parameters) {
        if (!p || seen.has(p)) continue;
        seen.add(p);
        yield [mp ? `${mp}.${k}` : k, p];
      }
    }
  }

  parameters(recurse = true): Tensor[] {
    return [...this.namedParameters('', recurse)].map(([, p]) => p);
  }

  *namedBuffers(prefix = '', recurse = true): IterableIterator<[string, Tensor]> {
    const mods: Iterable<[string, Module]> = recurse ? this.namedModules(prefix) : [[prefix, this]];
    for (const [mp, m] of mods) {
      for (const [k, b] of m._buffers) if (b) yield [mp ? `${mp}.${k}` : k, b];
    }
  }

  buffers(recurse = true): Tensor[] {
    return [...this.namedBuffers('', recurse)].map(([, b]) => b);
  }

  /** Calls fn on every submodule (children first) and then on this module, like PyTorch. */
  apply(fn: (m: Module) => void): this {
    for (const m of this.children()) m.apply(fn);
    fn(this);
    return this;
  }

  // -------------------------------------------------------------------------------- modes
  train(mode = true): this {
    this.training = mode;
    for (const m of this.children()) m.train(mode);
    return this;
  }

  eval(): this {
    return this.train(false);
  }

  requiresGrad_(requiresGrad = true): this {
    for (const p of this.parameters()) p.requiresGrad_(requiresGrad);
    return this;
  }

  zeroGrad(setToNone = true): void {
    for (const p of this.parameters()) {
      const g = p.grad;
      if (!g) continue;
      if (setToNone) p.grad = null;
      else noGrad(() => g.zero_());
      g.dispose();
    }
  }

  /**
   * Moves/casts every parameter and buffer in place (module.to('cuda') / .to('float64')), like
   * PyTorch's `param.data = fn(param.data)`: tensor objects keep their identity, so references held
   * by layers and optimizers stay valid. Integer buffers keep their dtype on a dtype cast.
   */
  to(target: string | { device?: string; dtype?: DType }): this {
    const spec = typeof target === 'string' ? (/^(cpu|cuda|mps)(:\d+)?$/.test(target) ? { device: target } : { dtype: target as DType }) : target;
    noGrad(() => {
      for (const m of this.modules()) {
        for (const t of [...m._parameters.values(), ...m._buffers.values()]) {
          if (!t) continue;
          const castDtype = spec.dtype && t.isFloatingPoint() ? spec.dtype : undefined;
          if (!castDtype && (!spec.device || spec.device === t.device)) continue;
          const moved = t.to({ device: spec.device, dtype: castDtype });
          t.setData_(moved);
          moved.dispose();
        }
      }
    });
    return this;
  }

  // -------------------------------------------------------------------------------- state dict
  /** The persistent parameters and buffers by dotted name, in registration order (detached aliases are not made: these are the live tensors). */
  stateDict(prefix = ''): StateDict {
    const out: StateDict = new Map();
    for (const [mp, m] of this.namedModules(prefix)) {
      const name = (k: string) => (mp ? `${mp}.${k}` : k);
      for (const [k, p] of m._parameters) if (p) out.set(name(k), p);
      for (const [k, b] of m._buffers) if (b && !m._nonPersistent.has(k)) out.set(name(k), b);
    }
    return out;
  }

  /**
   * Copies tensors from a state dict (Map or plain object) into this module's parameters and
   * buffers. Returns the report; with strict (default) throws a StateDictError when any key is
   * missing, unexpected, or of another shape.
   */
  loadStateDict(state: StateDict | Record<string, Tensor>, { strict = true } = {}): LoadStateDictResult {
    const src = state instanceof Map ? state : new Map(Object.entries(state));
    const own = this.stateDict();
    const report: LoadStateDictResult = { missingKeys: [], unexpectedKeys: [], shapeMismatch: [] };
    noGrad(() => {
      for (const [k, dst] of own) {
        const s = src.get(k);
        if (!s) { report.missingKeys.push(k); continue; }
        const a = dst.shape;
        const b = s.shape;
        if (a.length !== b.length || a.some((v, i) => v !== b[i])) {
          report.shapeMismatch.push({ key: k, expected: a, got: b });
          continue;
        }
        dst.copy_(s);
      }
    });
    for (const k of src.keys()) if (!own.has(k)) report.unexpectedKeys.push(k);
    if (strict && (report.missingKeys.length || report.unexpectedKeys.length || report.shapeMismatch.length))
      throw new StateDictError(report, this.constructor.name);
    return report;
  }

  /** Frees every parameter and buffer of the tree. The module is unusable afterwards. */
  dispose(): void {
    for (const m of this.modules()) {
      for (const t of m._parameters.values()) t?.dispose();
      for (const t of m._buffers.values()) t?.dispose();
    }
  }

  [Symbol.dispose](): void {
    this.dispose();
  }

  /** PyTorch-like printout of the module tree. */
  toString(): string {
    const extra = this.extraRepr();
    const kids = [...this.namedChildren()];
    if (!kids.length) return `${this.constructor.name}(${extra})`;
    const body = kids.map(([k, m]) => `  (${k}): ${m.toString().split('\n').join('\n  ')}`).join('\n');
    return `${this.constructor.name}(${extra ? `${extra}\n` : '\n'}${body}\n)`;
  }

  extraRepr(): string {
    return '';
  }
}
