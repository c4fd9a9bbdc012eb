// Real MMAction2 checkpoints (mmcv.runner.save_checkpoint): the copies in
// test/fixtures/serialization/mmaction (zip and a legacy-format re-save) load with exact values;
// every checkpoint.pth / checkpoint_legacy.pth in ../shared/fixtures loads and lists the keys,
// shapes and dtypes of its state_dict.json (skipped when that folder is absent).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from '../../src/torch/serialization/load.ts';
import { summarize, run } from '../../src/cli/checkpoint_info.ts';
import type { Tensor } from '../../src/torch/tensor.ts';
import { assertTensor, fixtures, type TensorDesc } from './helpers.ts';

type StateDictJson = [string, number[], string][];
const local = join(fixtures, 'mmaction');
const shared = fileURLToPath(new URL('../../../shared/fixtures/', import.meta.url));

async function checkLoaded(file: string, sdJson: string): Promise<Record<string, Tensor>> {
  const expected = JSON.parse(readFileSync(sdJson, 'utf8')) as StateDictJson;
  const ckpt = await load(file, { mapLocation: 'cpu' });
  assert.deepEqual(Object.keys(ckpt), ['meta', 'state_dict'], file);
  const sd = ckpt.state_dict as Record<string, Tensor>;
  assert.deepEqual(Object.keys(sd), expected.map((e) => e[0]), `${file}: keys in order`);
  for (const [k, shape, dtype] of expected) {
    assert.deepEqual(sd[k].shape, shape, `${file} ${k} shape`);
    assert.equal(sd[k].dtype, dtype, `${file} ${k} dtype`);
  }
  assert.equal(ckpt.meta.mmaction_version, '0.24.1');
  assert.match(ckpt.meta.config, /model = dict\(/);
  // the listing of checkpoint-info agrees without loading data
  const s = summarize(file);
  assert.equal(s.stateDictKey, 'state_dict');
  assert.deepEqual(s.tensors.map((t) => [t.key, t.shape, t.dtype]), expected);
  return sd;
}

for (const name of readdirSync(local)) {
  test(`MMAction2 checkpoint ${name}: keys, shapes, dtypes and values`, async () => {
    const dir = join(local, name);
    const files = ['checkpoint.pth', 'checkpoint_legacy.pth'].filter((f) => existsSync(join(dir, f)));
    for (const f of files) {
      const sd = await checkLoaded(join(dir, f), join(dir, 'state_dict.json'));
      const valuesFile = join(dir, 'values.json');
      if (existsSync(valuesFile)) {
        const values = JSON.parse(readFileSync(valuesFile, 'utf8')) as Record<string, TensorDesc>;
        assert.ok(Object.keys(values).length >= 4);
        for (const [k, d] of Object.entries(values)) assertTensor(sd[k], d, `${name}/${f} ${k}`);
      }
    }
  });
}

test('every checkpoint of ../shared/fixtures loads with the keys and shapes of its state_dict.json', async (t) => {
  if (!existsSync(shared)) {
    t.skip(`${shared} not present`);
    return;
  }
  let n = 0;
  for (const name of readdirSync(shared).sort()) {
    const dir = join(shared, name);
    if (!existsSync(join(dir, 'state_dict.json'))) continue;
    for (const f of ['checkpoint.pth', 'checkpoint_legacy.pth']) {
      if (!existsSync(join(dir, f))) continue;
      await checkLoaded(join(dir, f), join(dir, 'state_dict.json'));
      n++;
    }
  }
  assert.ok(n >= 10, `only ${n} checkpoints found`);
});

test('mmaction checkpoint-info prints keys, shapes, dtypes and meta (text and --json)', async () => {
  const file = join(local, 'bmn_t16', 'checkpoint.pth');
  const lines: string[] = [];
  const errors: string[] = [];
  const [origLog, origError] = [console.log, console.error];
  console.log = (...a: unknown[]) => { lines.push(a.join(' ')); };
  console.error = (...a: unknown[]) => { errors.push(a.join(' ')); };
  try {
    assert.equal(await run([file]), 0);
    assert.equal(await run([file, '--json']), 0);
    assert.equal(await run(['--bogus', file]), 2);
  } finally {
    console.log = origLog;
    console.error = origError;
  }
  assert.match(errors[0], /unknown option --bogus/);
  const text = lines[0];
  assert.match(text, /zip format/);
  assert.match(text, /'state_dict': 25 tensors, 61300 elements \(float32: 25\)/);
  assert.match(text, /x_3d_p\.0\.weight\s+\[64, 32, 8, 1, 1\]\s+float32/);
  assert.match(text, /mmcv_version: 1\.7\.2/);
  const j = JSON.parse(lines[1]);
  const expected = JSON.parse(readFileSync(join(local, 'bmn_t16', 'state_dict.json'), 'utf8'));
  assert.deepEqual(j.tensors, expected);
  assert.equal(j.meta.epoch, 0);
  assert.equal(j.format, 'zip');
});

test('checkpoint-info on a whole pickled module lists its tensors', () => {
  const s = summarize(join(fixtures, 'module.pth'));
  assert.equal(s.objectClass, 'torch.nn.modules.container.Sequential');
  assert.deepEqual(s.tensors.map((t) => [t.key, t.shape]), [['_modules.0._parameters.weight', [3, 2]], ['_modules.0._parameters.bias', [3]]]);
  assert.deepEqual(s.otherKeys, []);
});
