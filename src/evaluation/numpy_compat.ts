/**
 * The few numpy primitives whose exact behaviour MMAction2's metrics depend on.
 *
 * - `argsort` reproduces numpy 1.24's default `np.argsort` (kind='quicksort'), which is an
 *   introsort (median-of-3 quicksort, insertion sort for partitions of <= 16 elements, heapsort
 *   past the depth limit): numpy/core/src/npysort/quicksort.cpp `aquicksort_` and heapsort.cpp
 *   `aheapsort_`. It is not stable; ties come out in exactly numpy's order, which is what decides
 *   `top_k_accuracy` among tied scores. (numpy >= 1.25 dispatches float argsort to AVX-512 on
 *   some CPUs; MMAction2 0.24's reference environment is numpy 1.24, the generic code below.)
 * - `argsortStable` is `np.argsort(kind='mergesort')` (any stable sort gives the same order).
 * - `sum` is numpy's pairwise summation of float64 (`np.sum`, `np.mean`), so sums agree with
 *   numpy to the last bit rather than to a few ulps.
 * Float comparisons use numpy's `Tag::less`: NaN sorts after every number.
 */

/** numpy's `a < b` for sorting: NaNs are largest. */
function less(a: number, b: number): boolean {
  return a < b || (b !== b && a === a);
}

const SMALL_QUICKSORT = 15;

/** floor(log2(n)) for n >= 1, numpy's `npy_get_msb`. */
function msb(n: number): number {
  let depth = 0;
  while ((n = Math.floor(n / 2)) > 0) depth++;
  return depth;
}

/** Index comparison: is element a less than element b (numpy's `Tag::less` on their values)? */
type LessIdx = (a: number, b: number) => boolean;

/** numpy's `aheapsort_` on `idx[start .. start + n)`. */
function aheapsort(lt: LessIdx, idx: Int32Array, start: number, n: number): void {
  // numpy offsets the array by one for 1-based heap indexing: a[k] == idx[start + k - 1].
  const o = start - 1;
  let i: number;
  let j: number;
  let tmp: number;
  for (let l = n >> 1; l > 0; --l) {
    tmp = idx[o + l];
    for (i = l, j = l << 1; j <= n;) {
      if (j < n && lt(idx[o + j], idx[o + j + 1])) j += 1;
      if (lt(tmp, idx[o + j])) {
        idx[o + i] = idx[o + j];
        i = j;
        j += j;
      } else break;
    }
    idx[o + i] = tmp;
  }
  for (; n > 1;) {
    tmp = idx[o + n];
    idx[o + n] = idx[o + 1];
    n -= 1;
    for (i = 1, j = 2; j <= n;) {
      if (j < n && lt(idx[o + j], idx[o + j + 1])) j++;
      if (lt(tmp, idx[o + j])) {
        idx[o + i] = idx[o + j];
        i = j;
        j += j;
      } else break;
    }
    idx[o + i] = tmp;
  }
}

/**
 * `np.argsort(v)` (default kind): ascending indices in numpy 1.24's exact order, ties included.
 * Values are compared as given; pass float32 data as the float32 values (a Float32Array or
 * numbers that are already float32), as numpy would see them.
 */
export function argsort(v: ArrayLike<number>): Int32Array {
  return introArgsort(v.length, (a, b) => less(v[a], v[b]));
}

/**
 * numpy's `aquicksort_` over indices 0..num-1 with an index comparator (exported for tests that
 * drive it with an adversarial comparator to reach the heapsort fallback).
 */
export function introArgsort(num: number, lt: LessIdx): Int32Array {
  const idx = new Int32Array(num);
  for (let i = 0; i < num; i++) idx[i] = i;
  if (num < 2) return idx;
  let pl = 0;
  let pr = num - 1;
  const stack: number[] = [];
  const depthStack: number[] = [];
  let cdepth = msb(num) * 2;
  let t: number;
  for (;;) {
    let popOnly = false;
    if (cdepth < 0) {
      aheapsort(lt, idx, pl, pr - pl + 1);
      popOnly = true;
    } else {
      while (pr - pl > SMALL_QUICKSORT) {
        // median of three, pivot parked at pr - 1
        const pm = pl + ((pr - pl) >> 1);
        if (lt(idx[pm], idx[pl])) { t = idx[pm]; idx[pm] = idx[pl]; idx[pl] = t; }
        if (lt(idx[pr], idx[pm])) { t = idx[pr]; idx[pr] = idx[pm]; idx[pm] = t; }
        if (lt(idx[pm], idx[pl])) { t = idx[pm]; idx[pm] = idx[pl]; idx[pl] = t; }
        const vp = idx[pm]; // the pivot element (numpy keeps its value)
        let pi = pl;
        let pj = pr - 1;
        t = idx[pm]; idx[pm] = idx[pj]; idx[pj] = t;
        for (;;) {
          do ++pi; while (lt(idx[pi], vp));
          do --pj; while (lt(vp, idx[pj]));
          if (pi >= pj) break;
          t = idx[pi]; idx[pi] = idx[pj]; idx[pj] = t;
        }
        const pk = pr - 1;
        t = idx[pi]; idx[pi] = idx[pk]; idx[pk] = t;
        // push the larger partition, continue with the smaller one
        if (pi - pl < pr - pi) {
          stack.push(pi + 1, pr);
          pr = pi - 1;
        } else {
          stack.push(pl, pi - 1);
          pl = pi + 1;
        }
        depthStack.push(--cdepth);
      }
    }
    if (!popOnly) {
      // insertion sort (stable) on the small partition
      for (let pi = pl + 1; pi <= pr; ++pi) {
        const vi = idx[pi];
        let pj = pi;
        let pk = pi - 1;
        while (pj > pl && lt(vi, idx[pk])) idx[pj--] = idx[pk--];
        idx[pj] = vi;
      }
    }
    if (stack.length === 0) break;
    pr = stack.pop()!;
    pl = stack.pop()!;
    cdepth = depthStack.pop()!;
  }
  return idx;
}

/** `np.argsort(v, kind='mergesort')`: stable ascending order, NaNs last. */
export function argsortStable(v: ArrayLike<number>): Int32Array {
  const order = Array.from({ length: v.length }, (_, i) => i);
  order.sort((a, b) => (less(v[a], v[b]) ? -1 : less(v[b], v[a]) ? 1 : a - b));
  return Int32Array.from(order);
}

/** `np.argmax` of a row: first maximum; the first NaN if there is one. */
export function argmax(v: ArrayLike<number>): number {
  if (v.length === 0) throw new Error('argmax of an empty row (a score row has no classes)');
  let best = 0;
  if (v[0] !== v[0]) return 0;
  for (let i = 1; i < v.length; i++) {
    const x = v[i];
    if (x !== x) return i;
    if (x > v[best]) best = i;
  }
  return best;
}

const PW_BLOCKSIZE = 128;

function pairwiseSum(a: ArrayLike<number>, start: number, n: number): number {
  if (n < 8) {
    // numpy starts from -0.0 here so that sums of -0.0 stay -0.0
    let res = -0.0;
    for (let i = 0; i < n; i++) res += a[start + i];
    return res;
  }
  if (n <= PW_BLOCKSIZE) {
    const r = [a[start], a[start + 1], a[start + 2], a[start + 3], a[start + 4], a[start + 5], a[start + 6], a[start + 7]];
    let i: number;
    for (i = 8; i < n - (n % 8); i += 8) {
      for (let j = 0; j < 8; j++) r[j] += a[start + i + j];
    }
    let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
    for (; i < n; i++) res += a[start + i];
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(a, start, n2) + pairwiseSum(a, start + n2, n - n2);
}

/** numpy's pairwise summation in float32 (every addition rounded to float32). */
export function pairwiseSumF32(a: ArrayLike<number>, start = 0, n = a.length): number {
  const f = Math.fround;
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res = f(res + a[start + i]);
    return res;
  }
  if (n <= 128) {
    const acc = [a[start], a[start + 1], a[start + 2], a[start + 3], a[start + 4], a[start + 5], a[start + 6], a[start + 7]];
    let i: number;
    for (i = 8; i < n - (n % 8); i += 8) for (let j = 0; j < 8; j++) acc[j] = f(acc[j] + a[start + i + j]);
    let res = f(f(f(acc[0] + acc[1]) + f(acc[2] + acc[3])) + f(f(acc[4] + acc[5]) + f(acc[6] + acc[7])));
    for (; i < n; i++) res = f(res + a[start + i]);
    return res;
  }
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return f(pairwiseSumF32(a, start, n2) + pairwiseSumF32(a, start + n2, n - n2));
}

/** `np.sum` of a contiguous float64 vector (numpy's pairwise summation). */
export function sum(a: ArrayLike<number>): number {
  // numpy's add.reduce starts from its identity 0 and adds the whole vector pairwise
  return 0 + pairwiseSum(a, 0, a.length);
}

/** `np.mean` of a float64 vector; NaN for an empty one, as numpy (without its warning). */
export function mean(a: ArrayLike<number>): number {
  return a.length === 0 ? NaN : sum(a) / a.length;
}

/** `np.linspace(start, stop, num)` (endpoint included), numpy's formula to the bit. */
export function linspace(start: number, stop: number, num: number): number[] {
  if (!Number.isInteger(num) || num < 0) throw new Error(`linspace: num must be a non-negative integer, got ${num}`);
  if (num === 0) return [];
  if (num === 1) return [start];
  const div = num - 1;
  const delta = stop - start;
  const step = delta / div;
  const out = new Array<number>(num);
  for (let i = 0; i < num; i++) out[i] = (step === 0 ? (i / div) * delta : i * step) + start;
  out[num - 1] = stop;
  return out;
}

/** `np.arange(start, stop, step)` for floats: numpy fills `start + i * (x1 - x0)`. */
export function arange(start: number, stop: number, step: number): number[] {
  if (step === 0 || !Number.isFinite(step)) throw new Error(`arange: step must be finite and non-zero, got ${step}`);
  const len = Math.max(0, Math.ceil((stop - start) / step));
  if (len === 0) return [];
  const out = new Array<number>(len);
  out[0] = start;
  if (len > 1) {
    const x1 = start + step;
    const delta = x1 - start;
    out[1] = x1;
    for (let i = 2; i < len; i++) out[i] = start + i * delta;
  }
  return out;
}

/**
 * Python's `format(x, '.Nf')`: like `toFixed`, but an exact tie rounds half to even as Python
 * does (e.g. 0.03125 -> '0.0312', where JS's toFixed gives '0.0313'); 'nan', 'inf', '-inf'.
 */
export function formatFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (x === Infinity) return 'inf';
  if (x === -Infinity) return '-inf';
  const s = x.toFixed(digits);
  // decompose |x| = m * 2^e exactly and check for a tie at the last printed digit
  const buf = new DataView(new ArrayBuffer(8));
  buf.setFloat64(0, Math.abs(x));
  const bits = buf.getBigUint64(0);
  const expBits = Number((bits >> 52n) & 0x7ffn);
  let m = bits & ((1n << 52n) - 1n);
  let e: number;
  if (expBits === 0) e = -1074;
  else { m |= 1n << 52n; e = expBits - 1075; }
  if (e >= 0 || m === 0n) return s;
  const num = m * 10n ** BigInt(digits);
  const den = 1n << BigInt(-e);
  if (num % den !== den / 2n) return s;
  let q = num / den;
  if (q % 2n === 1n) q += 1n;
  const str = q.toString().padStart(digits + 1, '0');
  const body = digits === 0 ? str : `${str.slice(0, str.length - digits)}.${str.slice(str.length - digits)}`;
  return (x < 0 || Object.is(x, -0) ? '-' : '') + body;
}
