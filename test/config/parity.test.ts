// Every shared parity fixture (../shared/fixtures/*/config.{py,json}, copied to
// test/fixtures/config/parity/) loads to exactly the config the real mmcv 1.7.2 produced; and the
// original MMAction2 0.24.1 config it came from, with the same overrides, gives that config too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Config } from '../../src/config/config.ts';

const root = fileURLToPath(new URL('../fixtures/config/', import.meta.url));
const parity = join(root, 'parity');
const names = readdirSync(parity).sort();

test('there are parity fixtures', () => {
  assert.ok(names.length >= 15, `found ${names.length}`);
});

for (const name of names) {
  const want = JSON.parse(readFileSync(join(parity, name, 'config.json'), 'utf8'));

  test(`${name}: config.py (mmcv pretty_text) loads to config.json and prints back identically`, () => {
    const cfg = Config.fromFile(join(parity, name, 'config.py'));
    assert.deepStrictEqual(cfg.toObject(), want);
    // and key order is Python's
    assert.deepStrictEqual(Object.keys(cfg.toObject()), Object.keys(want));
    // our pretty text is mmcv's (yapf-formatted) pretty_text, byte for byte, and reads back the same
    assert.equal(cfg.prettyText, readFileSync(join(parity, name, 'config.py'), 'utf8'));
    assert.deepStrictEqual(Config.fromString(cfg.prettyText, '.py').toPyValue(), cfg.toPyValue());
  });

  test(`${name}: the original MMAction2 config chain + overrides gives config.json`, () => {
    const src = JSON.parse(readFileSync(join(parity, name, 'source.json'), 'utf8'));
    const cfg = Config.fromFile(join(root, 'mmaction2', src.config));
    const options: Record<string, unknown> = { ...src.overrides, ...src.auto_overrides };
    // the fixture generator always cleared model.backbone.pretrained
    if (cfg.has('model.backbone.pretrained')) options['model.backbone.pretrained'] = null;
    // MMAction2's ResNet3dSlowFast writes these into the slow_pathway dict it is given
    if (cfg.get('model.backbone.type') === 'ResNet3dSlowFast') {
      options['model.backbone.slow_pathway.speed_ratio'] = cfg.get('model.backbone.speed_ratio');
      options['model.backbone.slow_pathway.channel_ratio'] = cfg.get('model.backbone.channel_ratio');
    }
    // the generator sized X3DHead.in_channels to the narrowed backbone without listing it in overrides
    if (cfg.get('model.backbone.type') === 'X3D') options['model.cls_head.in_channels'] = want.model.cls_head.in_channels;
    cfg.merge(options);
    assert.deepStrictEqual(cfg.toObject(), want);
  });
}
