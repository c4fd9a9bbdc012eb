/** Raw bytes of tensors in C order, and byte-level helpers shared by npy.ts and safetensors.ts. */
import { dtypeInfo } from '../dtype.ts';
import type { Tensor } from '../tensor.ts';

/** The elements of `t` in C order as raw little-endian bytes (a copy; CUDA tensors come to the CPU). */
export function contiguousBytes(t: Tensor): Uint8Array {
  if (t.isDisposed) throw new TypeError('the tensor is disposed');
  const itemsize = dtypeInfo[t.dtype].itemsize;
  const numel = t.numel();
  const c = t.isContiguous() ? t : t.contiguous();
  try {
    const off = c.storageOffset() * itemsize;
    const all = c.storageBytes();
    return off === 0 && all.length === numel * itemsize ? all : all.slice(off, off + numel * itemsize);
  } finally {
    if (c !== t) c.dispose();
  }
}

/** Reverses the byte order of each element (data written on big-endian machines). */
export function byteSwap(b: Uint8Array, itemsize: number): Uint8Array {
  if (itemsize === 1) return b;
  const out = new Uint8Array(b.length);
  for (let i = 0; i < b.length; i += itemsize) for (let j = 0; j < itemsize; j++) out[i + j] = b[i + itemsize - 1 - j];
  return out;
}

/** Reorders Fortran-order (column-major) element bytes into C order. */
export function fortranToC(src: Uint8Array, shape: number[], itemsize: number): Uint8Array {
  const n = shape.length;
  const numel = shape.reduce((a, b) => a * b, 1);
  if (n <= 1 || numel === 0) return src;
  const fstride = new Array<number>(n);
  fstride[0] = 1;
  for (let k = 1; k < n; k++) fstride[k] = fstride[k - 1] * shape[k - 1];
  const out = new Uint8Array(numel * itemsize);
  const idx = new Array<number>(n).fill(0);
  let s = 0; // Fortran element index of the current C-order position
  for (let i = 0; i < numel; i++) {
    out.set(src.subarray(s * itemsize, (s + 1) * itemsize), i * itemsize);
    for (let k = n - 1; k >= 0; k--) {
      idx[k]++;
      s += fstride[k];
      if (idx[k] < shape[k]) break;
      s -= fstride[k] * shape[k];
      idx[k] = 0;
    }
  }
  return out;
}
