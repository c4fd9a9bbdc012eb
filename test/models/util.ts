/** Helpers shared by the model tests: fixture paths, .npy/.json reading, tolerant comparison. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { torch } from '../../src/index.ts';
import { loadNpy } from '../../src/torch/serialization/index.ts';

export const FIXTURES = fileURLToPath(new URL('../fixtures/models/', import.meta.url));

export const fixturePath = (name: string, file: string): string => join(FIXTURES, name, file);
export const readJson = (name: string, file: string): any => JSON.parse(readFileSync(fixturePath(name, file), 'utf8'));
export const npy = (name: string, file: string): torch.Tensor => loadNpy(fixturePath(name, file));

/** Asserts |a - e| <= atol + rtol*|e| everywhere (and equal shapes); returns the max abs difference. */
export function assertAllClose(actual: torch.Tensor, expected: torch.Tensor, what: string, { rtol = 1e-4, atol = 1e-5 } = {}): number {
  assert.deepEqual(actual.shape, expected.shape, `${what}: shape`);
  return torch.tidy(() => {
    const a = actual.detach().double();
    const e = expected.detach().double();
    const diff = a.sub(e).abs();
    const maxAbs = diff.numel() ? diff.max().item() : 0;
    const bad = diff.gt(e.abs().mul(rtol).add(atol)).sum().item();
    assert.equal(bad, 0, `${what}: ${bad} of ${diff.numel()} elements differ beyond rtol ${rtol}, atol ${atol} (max abs diff ${maxAbs})`);
    return maxAbs;
  });
}
