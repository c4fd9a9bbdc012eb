/**
 * Shared steps of the 3D-model parity tests: reading a fixture made by the real MMAction2
 * (test/fixtures/models3d/<name>, copied from ../shared/fixtures), checking state-dict keys
 * and shapes in order, loading the checkpoint, comparing tensors with a tolerance.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { torch } from '../../src/index.ts';
import { loadSync } from '../../src/torch/serialization/load.ts';
import { readNpy } from '../helpers/npy.ts';


type Tensor = torch.Tensor;
type Module = torch.nn.Module;

export const FIXTURES = fileURLToPath(new URL('../fixtures/models3d/', import.meta.url));

/** MMAction2 reproduces itself exactly; a port must be within these (|a - e| <= atol + rtol * |e|). */
export const RTOL = 1e-4;
export const ATOL = 1e-5;

export interface Fixture {
  name: string;
  dir: string;
  /** cfg._cfg_dict.to_dict() of the fixture's config. */
  config: { model: Record<string, any> };
  meta: Record<string, any>;
  /** [[key, shape, dtype], ...] in state_dict order. */
  stateDictSpec: [string, number[], string][];
  npy(file: string): Tensor;
  has(file: string): boolean;
  /** The checkpoint's state_dict (full recognizer keys). */
  stateDict(): Map<string, Tensor>;
}

export function loadFixture(name: string): Fixture {
  const dir = join(FIXTURES, name);
  const json = (f: string) => JSON.parse(readFileSync(join(dir, f), 'utf8'));
  return {
    name, dir,
    config: json('config.json'),
    meta: json('meta.json'),
    stateDictSpec: json('state_dict.json'),
    npy: (f) => npyTensor(join(dir, f)),
    has: (f) => existsSync(join(dir, f)),
    stateDict() {
      const ck = loadSync(join(dir, 'checkpoint.pth'));
      return new Map(Object.entries(ck.state_dict as Record<string, Tensor>));
    },
  };
}

/** A float32 .npy file as a tensor. */
export function npyTensor(path: string): Tensor {
  const a = readNpy(path);
  if (a.dtype !== 'float32') throw new Error(`${path}: expected float32, got ${a.dtype}`);
  return torch.fromTypedArray(a.data as Float32Array, a.shape);
}

/** The entries under `prefix.` with the prefix removed. */
export function subStateDict(sd: Map<string, Tensor>, prefix: string): Map<string, Tensor> {
  const out = new Map<string, Tensor>();
  for (const [k, v] of sd) if (k.startsWith(`${prefix}.`)) out.set(k.slice(prefix.length + 1), v);
  return out;
}

/** Asserts that module's state dict has exactly the fixture's keys under `prefix`, in order, with the same shapes and dtypes. */
export function assertStateDictLayout(module: Module, fx: Fixture, prefix: string): void {
  const expected = fx.stateDictSpec.filter(([k]) => k.startsWith(`${prefix}.`)).map(([k, s, d]) => `${k.slice(prefix.length + 1)} [${s.join(', ')}] ${d}`);
  const actual = [...module.stateDict()].map(([k, t]) => `${k} [${t.shape.join(', ')}] ${t.dtype}`);
  assert.ok(expected.length > 0, `${fx.name}: no '${prefix}.' keys in state_dict.json`);
  assert.deepEqual(actual, expected, `${fx.name}: ${prefix} state-dict layout`);
}

/**
 * Feature maps: |a - e| <= RTOL * |e| + FEATURE_ATOL * max|e|. Backbone features of these
 * random-weight networks reach |x| ~ 1e3 after ~50 layers, where float32 sums of thousands of
 * terms differ by ~1e-3 between CPU kernels: PyTorch 1.13 itself, run on this machine with the
 * fixture's weights, is 8e-4 off MMAction2's feat.npy for slowonly_r50_c8 (max |feat| 821).
 */
export const FEATURE_ATOL = 1e-5;

/**
 * Elementwise |a - e| <= atol + rtol * |e| (with `scaled`, atol is relative to max|e|), shapes
 * equal; the message names the worst element. Returns max |a - e|.
 */
export function assertAllClose(actual: Tensor, expected: Tensor, what: string, { rtol = RTOL, atol = ATOL, scaled = false } = {}): number {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  const a = actual.contiguous().toTypedArray() as Float32Array;
  const e = expected.contiguous().toTypedArray() as Float32Array;
  if (scaled) atol *= e.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
  let worst = -Infinity, at = -1, maxAbs = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - e[i]);
    maxAbs = Math.max(maxAbs, d);
    const excess = Number.isNaN(d) ? Infinity : d - (atol + rtol * Math.abs(e[i]));
    if (excess > worst) { worst = excess; at = i; }
  }
  assert.ok(worst <= 0, `${what}: element ${at} is ${a[at]}, expected ${e[at]} (max |diff| ${maxAbs.toExponential(2)}; rtol ${rtol}, atol ${atol.toExponential(2)})`);
  return maxAbs;
}

/** The recognizer's view of the input: [N, num_clips, C, T, H, W] -> [N*num_clips, C, T, H, W]. */
export function flattenClips(x: Tensor): Tensor {
  return x.reshape([-1, ...x.shape.slice(2)]);
}

/** The backbone features saved by the fixture (feat.npy or feat_0.npy, feat_1.npy, ...). */
export function backboneFeatures(fx: Fixture): Tensor[] {
  if (fx.has('feat.npy')) return [fx.npy('feat.npy')];
  const out: Tensor[] = [];
  for (let i = 0; fx.has(`feat_${i}.npy`); i++) out.push(fx.npy(`feat_${i}.npy`));
  return out;
}
