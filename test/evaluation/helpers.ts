// Shared helpers for the evaluation tests: fixture paths and tolerance checks (README's table:
// integers exact, float64 results <= 1e-12 relative, float32 outputs <= 1e-6).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const FIXTURES = fileURLToPath(new URL('../fixtures/evaluation/', import.meta.url));

export function readJson<T = any>(rel: string): T {
  return JSON.parse(readFileSync(join(FIXTURES, rel), 'utf8')) as T;
}

/** JSON fixtures write NaN as the string "NaN". */
export function num(x: number | string | null): number {
  return x === 'NaN' || x === null ? NaN : Number(x);
}

/** `|a - e| <= rel * max(|e|, tiny)`, NaN only where NaN is expected. */
export function assertRel(actual: number, expected: number | string, rel: number, what: string): void {
  const e = num(expected as number | string);
  if (Number.isNaN(e)) {
    assert.ok(Number.isNaN(actual), `${what}: expected NaN, got ${actual}`);
    return;
  }
  const tol = rel * Math.max(Math.abs(e), 1e-300);
  assert.ok(Math.abs(actual - e) <= tol, `${what}: got ${actual}, expected ${e} (relative tolerance ${rel})`);
}

export function assertAllRel(actual: ArrayLike<number>, expected: ArrayLike<number | string>, rel: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) assertRel(actual[i], expected[i], rel, `${what}[${i}]`);
}

/** Absolute check for float32 outputs whose expected value may be 0. */
export function assertAllAbs(actual: ArrayLike<number>, expected: ArrayLike<number | string>, atol: number, what: string): void {
  assert.equal(actual.length, expected.length, `${what}: length`);
  for (let i = 0; i < actual.length; i++) {
    const e = num(expected[i] as number | string);
    if (Number.isNaN(e)) { assert.ok(Number.isNaN(actual[i]), `${what}[${i}]: expected NaN, got ${actual[i]}`); continue; }
    assert.ok(Math.abs(actual[i] - e) <= atol * Math.max(1, Math.abs(e)), `${what}[${i}]: got ${actual[i]}, expected ${e} (tolerance ${atol})`);
  }
}

export const F64 = 1e-12;
export const F32 = 1e-6;
