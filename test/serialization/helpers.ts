// Shared by the serialization tests: exact comparison of a loaded tensor with the description
// written by scripts/fixtures/gen_serialization.py (dtype, shape, stride, offset, values in C order).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Tensor } from '../../src/torch/tensor.ts';

export const fixtures = fileURLToPath(new URL('../fixtures/serialization/', import.meta.url));

export interface TensorDesc {
  dtype: string;
  shape: number[];
  stride: number[];
  offset: number;
  requires_grad: boolean;
  values: (number | string)[];
}

/** The elements of a tensor in C order as numbers (int64 as decimal strings, bool as 0/1). */
export function valuesOf(t: Tensor): (number | string)[] {
  const a = t.toTypedArray();
  return Array.from(a as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? v.toString() : v));
}

export function assertTensor(t: Tensor, d: TensorDesc, name: string, { layout = true } = {}): void {
  assert.ok(t && typeof t.toTypedArray === 'function', `${name}: not a tensor`);
  assert.equal(t.dtype, d.dtype, `${name}: dtype`);
  assert.deepEqual(t.shape, d.shape, `${name}: shape`);
  if (layout) {
    assert.deepEqual(t.stride(), d.stride, `${name}: stride`);
    assert.equal(t.storageOffset(), d.offset, `${name}: storage offset`);
  }
  assert.equal(t.requiresGrad, d.requires_grad, `${name}: requires_grad`);
  const got = valuesOf(t);
  assert.equal(got.length, d.values.length, `${name}: number of values`);
  for (let i = 0; i < got.length; i++) {
    if (!Object.is(got[i], d.values[i]) && got[i] !== d.values[i]) {
      assert.fail(`${name}: value ${i} is ${got[i]}, expected ${d.values[i]}`);
    }
  }
}

/** A python3 that can import torch (PYTHON env, then python3, then /usr/bin/python3), or undefined. */
export function torchPython(): string | undefined {
  const candidates = [process.env.PYTHON, 'python3', '/usr/bin/python3'].filter((x): x is string => !!x);
  for (const py of candidates) {
    const r = spawnSync(py, ['-c', 'import torch, numpy'], { encoding: 'utf8' });
    if (r.status === 0) return py;
  }
  return undefined;
}
