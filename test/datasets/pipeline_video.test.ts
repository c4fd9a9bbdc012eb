// Test pipelines on demo.mp4 (OpenCVDecode / PyAVDecode cases of MMAction2 configs and
// variants) through the project's VideoReader: every step exact, final tensor bit-identical.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { runCase } from './cases.ts';
import { FIXTURES, readJson } from './fixtures.ts';

const cases = readdirSync(join(FIXTURES, 'cases')).sort()
  .filter((c) => readJson(`cases/${c}/input.json`).kind === 'video');

test('fixture set holds the video cases', () => {
  assert.ok(cases.length >= 9, `${cases.length} cases`);
});

for (const name of cases) {
  test(`case ${name}`, async () => {
    await runCase(name);
  });
}
