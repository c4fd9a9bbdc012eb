// Whole test pipelines of MMAction2 configs (TSN, TSM, I3D, X3D, flow) and reduced variants
// on real frames, against MMAction2 0.24's outputs: every step exact, final float32 tensor
// bit-identical (sha256 of imgs_digest.json; the README's exact tier).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCase } from './cases.ts';
import { FIXTURES, hasShared, readJson, SHARED } from './fixtures.ts';

const localOnly = readJson<{ cases: string[] }>('LOCAL_ONLY.json').cases;
const cases = readdirSync(join(FIXTURES, 'cases')).sort()
  .filter((c) => readJson(`cases/${c}/input.json`).kind !== 'video');

test('fixture set holds the rawframe and flow cases', () => {
  assert.ok(cases.length >= 16, `${cases.length} cases`);
});

for (const name of cases) {
  const needsShared = localOnly.includes(name);
  test(`case ${name}`, { skip: needsShared && !hasShared ? `frames not copied; set MMACTION_PIPELINE_FIXTURES to the full set` : false }, async () => {
    await runCase(name, needsShared ? SHARED : FIXTURES);
  });
}
