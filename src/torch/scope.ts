/**
 * Tensor lifetimes. Native memory must not wait for the garbage collector in loops, so (like
 * tfjs) every tensor created inside `tidy(fn)` is freed when fn returns, except what fn returns
 * or `keep()`s. Long-lived tensors (parameters, buffers) are kept; `dispose()` or `using` frees
 * one tensor. The N-API finalizer of each handle is the backstop for what the GC collects.
 */
import { native } from './binding.ts';

export interface Disposable {
  dispose(): void;
  readonly isDisposed: boolean;
  /** Called when it leaves every scope (the outermost tidy returns it, or keep()): from then on only
   * dispose() or the GC frees it (tensors then count in the external memory V8 is told about). */
  escapeScopes?(): void;
}

const scopes: Set<Disposable>[] = [];

/** The native side counts scope-free tensors only (see native/torch.cc, syncExternalMemory). */
function setDepth(): void {
  native.setScopeDepth(scopes.length);
}

/** Called by every new Tensor: it belongs to the innermost open scope, if any. */
export function track(t: Disposable): void {
  const top = scopes[scopes.length - 1];
  if (top) top.add(t);
}

/** Takes a tensor out of every open scope, so it survives them (until dispose()). */
export function keep<T extends Disposable>(t: T): T {
  for (const s of scopes) s.delete(t);
  if (!t.isDisposed) t.escapeScopes?.();
  return t;
}

function collect(value: unknown, out: Set<unknown>, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 8) return;
  if ('dispose' in (value as object) && 'isDisposed' in (value as object)) {
    out.add(value);
    return;
  }
  if (Array.isArray(value)) for (const v of value) collect(v, out, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) collect(v, out, depth + 1);
  else if (Object.getPrototypeOf(value) === Object.prototype)
    for (const v of Object.values(value as object)) collect(v, out, depth + 1);
}

/**
 * Runs fn and frees every tensor it created except those reachable from its result (tensors,
 * arrays, Maps and plain objects of tensors), which move to the enclosing scope.
 * fn must be synchronous: a scope cannot follow an await.
 */
export function tidy<T>(fn: () => T): T {
  const scope = new Set<Disposable>();
  scopes.push(scope);
  setDepth();
  let result: T;
  try {
    result = fn();
  } catch (e) {
    scopes.pop();
    setDepth();
    for (const t of scope) t.dispose();
    throw e;
  }
  scopes.pop();
  setDepth();
  if (result instanceof Promise) {
    for (const t of scope) t.dispose();
    throw new TypeError('tidy() got an async function; tensors cannot be tracked across await. ' +
      'Use tidy inside the async code, or dispose() explicitly.');
  }
  const kept = new Set<unknown>();
  collect(result, kept);
  const parent = scopes[scopes.length - 1];
  for (const t of scope) {
    if (!kept.has(t)) t.dispose();
    else if (parent) parent.add(t);
    else if (!t.isDisposed) t.escapeScopes?.();
  }
  return result;
}

/** Number of open tidy scopes (for tests and diagnostics). */
export function scopeDepth(): number {
  return scopes.length;
}
