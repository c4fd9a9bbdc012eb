// `mmaction print-config`, run as a user would.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Config } from '../../src/config/config.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const child = join(root, 'test/fixtures/config/chain/recognition/tsn_child.py');

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [join(root, 'bin/mmaction.js'), 'print-config', ...args], { cwd: root, encoding: 'utf8' });
  return { rc: r.status, out: r.stdout, err: r.stderr };
}

test('prints the merged config as Python, with --cfg-options applied', () => {
  const r = cli(child, '--cfg-options', 'model.cls_head.num_classes=7', 'lr_config.step=[3,6]', '--format', 'py');
  assert.equal(r.rc, 0, r.err);
  const cfg = Config.fromString(r.out, '.py');
  assert.equal(cfg.get('model.cls_head.num_classes'), 7);
  assert.deepStrictEqual(cfg.get('lr_config.step'), [3, 6]);
  const want = Config.fromFile(child, { cfgOptions: ['model.cls_head.num_classes=7', 'lr_config.step=[3,6]'] });
  assert.deepStrictEqual(cfg.toPyValue(), want.toPyValue());
});

test('--out writes the file atomically in the format of its extension', () => {
  const dir = mkdtempSync(join(tmpdir(), 'print-config-'));
  try {
    const out = join(dir, 'merged.yaml');
    const r = cli(join(root, 'configs/recognition/tsm/tsm_r50_1x1x8_50e_kinetics400_rgb.ts'), '--out', out);
    assert.equal(r.rc, 0, r.err);
    assert.deepStrictEqual(readdirSync(dir), ['merged.yaml']);
    const py = Config.fromFile(join(root, 'test/fixtures/config/mmaction2/configs/recognition/tsm/tsm_r50_1x1x8_50e_kinetics400_rgb.py'));
    assert.deepStrictEqual(Config.fromFile(out).toObject(), py.toObject());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('bad input: a clear message and exit code 1', () => {
  const r = cli(join(root, 'test/fixtures/config/bad/import.py'));
  assert.equal(r.rc, 1);
  assert.match(r.err, /^mmaction print-config: .*import\.py:1:1: import statement is not supported in config files/);
  const o = cli(child, '--cfg-options', 'data.train.pipeline.9.type=X');
  assert.equal(o.rc, 1);
  assert.match(o.err, /data\.train\.pipeline\.9: index 9 exceeds the length of the list/);
  const f = cli(child, '--format', 'xml');
  assert.equal(f.rc, 1);
  assert.match(f.err, /--format must be one of py, json, yaml, ts, got 'xml'/);
});
