/** Decoding of JSON tensor fixtures ({shape, dtype, data}) and tolerant comparison. */
import assert from 'node:assert/strict';
import { torch } from '../../src/index.ts';

export interface EncTensor { shape: number[]; dtype: string; data: (number | null)[] }

export function decode(e: EncTensor): torch.Tensor {
  const data = e.data.map((x) => (x === null ? NaN : x));
  const dtype = e.dtype as torch.DType;
  if (dtype === 'int64') return torch.fromTypedArray(BigInt64Array.from(data.map((x) => BigInt(x))), e.shape);
  if (dtype === 'bool') return torch.fromTypedArray(Uint8Array.from(data), e.shape, { dtype: 'bool' });
  if (dtype === 'float64') return torch.fromTypedArray(Float64Array.from(data), e.shape);
  return torch.fromTypedArray(Float32Array.from(data), e.shape).to(dtype);
}

/** Asserts |actual - expected| <= atol + rtol * |expected| elementwise, with exact shapes and dtypes. */
export function assertClose(actual: torch.Tensor, expected: EncTensor, what: string, { rtol = 1e-5, atol = 1e-6 } = {}): void {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  assert.equal(actual.dtype, expected.dtype, `${what}: dtype`);
  const a = Array.from(actual.toTypedArray() as ArrayLike<number | bigint>, Number);
  let worst = 0;
  let at = -1;
  for (let i = 0; i < a.length; i++) {
    const e = expected.data[i] === null ? NaN : (expected.data[i] as number);
    if (Number.isNaN(e) && Number.isNaN(a[i])) continue;
    const err = Math.abs(a[i] - e) - (atol + rtol * Math.abs(e));
    if (!(err <= worst)) { worst = Number.isNaN(err) ? Infinity : err; at = i; }
  }
  assert.ok(at < 0, `${what}: element ${at} is ${a[at]}, expected ${expected.data[at]} (rtol ${rtol}, atol ${atol})`);
}
