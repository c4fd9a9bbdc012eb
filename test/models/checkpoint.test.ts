/**
 * loadCheckpoint: MMAction2 layouts ('state_dict' inside, 'module.' prefixes, backbone-only
 * files), strict reports, torchvision key mapping, and the download cache (no internet: a fake
 * fetch serves the bytes; the offline error and the sha256 file-name check are exercised).
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { torch } from '../../src/index.ts';
import { saveSync, saveToBuffer } from '../../src/torch/serialization/index.ts';
import {
  buildModel, buildModelWithPretrained, buildBackbone, loadCheckpoint, downloadCheckpoint, resolveCheckpointSource, localCheckpointPath, CheckpointError, DownloadError,
} from '../../src/models/index.ts';

const tmp = mkdtempSync(join(tmpdir(), 'mmaction-ckpt-'));
process.on('exit', () => rmSync(tmp, { recursive: true, force: true }));

const smallModel = (seed: number) => {
  torch.manualSeed(seed);
  return buildModel({
    type: 'Recognizer2D',
    backbone: { type: 'ResNet', depth: 18, num_stages: 1, out_indices: [0], strides: [1], dilations: [1] },
    cls_head: { type: 'TSNHead', num_classes: 3, in_channels: 64 },
    test_cfg: { average_clips: null },
  });
};

const sdObject = (m: torch.nn.Module, prefix = '') => Object.fromEntries([...m.stateDict()].map(([k, v]) => [prefix + k, v]));
const sameWeights = (a: torch.nn.Module, b: torch.nn.Module) => [...a.stateDict()].every(([k, v]) => v.equal(b.stateDict().get(k)!));

describe('loadCheckpoint', () => {
  test("{meta, state_dict} with 'module.' prefixes loads strictly", async () => {
    const src = smallModel(1);
    const dst = smallModel(2);
    assert.ok(!sameWeights(src, dst));
    const file = join(tmp, 'ddp.pth');
    saveSync({ meta: { epoch: 3 }, state_dict: sdObject(src, 'module.') }, file);
    const { report, meta } = await loadCheckpoint(dst, file, { strict: true });
    assert.deepEqual(report.missingKeys, []);
    assert.equal(meta?.epoch, 3);
    assert.ok(sameWeights(src, dst));
  });

  test('a backbone-only file goes into model.backbone; strict reports the head as missing', async () => {
    const src = smallModel(3);
    const dst = smallModel(4);
    const file = join(tmp, 'backbone.pth');
    saveSync(sdObject(src.backbone), file);
    const { report } = await loadCheckpoint(dst, file, { logger: null });
    assert.equal(report.loadedInto, 'backbone');
    assert.deepEqual(report.missingKeys, []);
    assert.ok(sameWeights(src.backbone, dst.backbone));
  });

  test('strict lists missing, unexpected and shape-mismatched keys', async () => {
    const src = smallModel(6);
    const sd = sdObject(src);
    delete sd['cls_head.fc_cls.bias'];
    sd['cls_head.extra.weight'] = torch.zeros([1]);
    sd['cls_head.fc_cls.weight'] = torch.zeros([4, 64]);
    const file = join(tmp, 'bad.pth');
    saveSync({ state_dict: sd }, file);
    await assert.rejects(loadCheckpoint(smallModel(7), file, { strict: true }), (e: Error) => {
      assert.ok(e instanceof CheckpointError);
      assert.match(e.message, /missing keys in source state_dict: cls_head\.fc_cls\.bias/);
      assert.match(e.message, /unexpected key in source state_dict: cls_head\.extra\.weight/);
      assert.match(e.message, /size mismatch for cls_head\.fc_cls\.weight: checkpoint \[4, 64\], model \[3, 64\]/);
      return true;
    });
    const warnings: string[] = [];
    const { report } = await loadCheckpoint(smallModel(8), file, { logger: (m) => warnings.push(m) });
    assert.equal(report.missingKeys.length, 1);
    assert.equal(warnings.length, 1);
  });

  test("the checkpoint's own tensors are freed after loading", async () => {
    const src = smallModel(10);
    const file = join(tmp, 'free.pth');
    saveSync({ state_dict: sdObject(src) }, file);
    const dst = smallModel(11);
    const before = torch.memory().liveHandles;
    await loadCheckpoint(dst, file, { strict: true });
    assert.equal(torch.memory().liveHandles, before);
  });

  test('a missing local file is a clear error', async () => {
    await assert.rejects(loadCheckpoint(smallModel(9), join(tmp, 'nope.pth')), /checkpoint file '.*nope\.pth' does not exist/);
  });
});

describe('pretrained backbones', () => {
  test('torchvision://resnet18 layout maps onto conv1/bn1, downsample.0/.1', () => {
    torch.manualSeed(11);
    const ref = buildBackbone({ type: 'ResNet', depth: 18 });
    // Rename our keys into torchvision's layout (and add the fc that MMAction2 leaves unused).
    const tv: Record<string, torch.Tensor> = {};
    for (const [k, v] of ref.stateDict()) {
      const key = k.replace(/^conv1\.conv\./, 'conv1.').replace(/^conv1\.bn\./, 'bn1.')
        .replace(/\.downsample\.conv\./, '.downsample.0.').replace(/\.downsample\.bn\./, '.downsample.1.')
        .replace(/\.conv(\d)\.conv\./, '.conv$1.').replace(/\.conv(\d)\.bn\./, '.bn$1.');
      tv[key] = v;
    }
    tv['fc.weight'] = torch.zeros([1000, 512]);
    tv['fc.bias'] = torch.zeros([1000]);
    const file = join(tmp, 'resnet18-tv.pth');
    saveSync(tv, file);
    const logs: string[] = [];
    const orig = console.warn;
    console.warn = (m: string) => logs.push(m);
    try {
      torch.manualSeed(12);
      const model = buildModel({ type: 'Recognizer2D', backbone: { type: 'ResNet', depth: 18, pretrained: file }, cls_head: { type: 'TSNHead', num_classes: 2, in_channels: 512 } });
      assert.ok(sameWeights(ref, model.backbone));
    } finally {
      console.warn = orig;
    }
    assert.ok(logs.some((m) => m.includes('fc.weight') && m.includes('not loaded')));
  });

  test('an uncached URL in pretrained= names the cache path and downloadCheckpoint', () => {
    process.env.MMACTION_TS_CACHE = join(tmp, 'cache-empty');
    try {
      assert.throws(() => buildModel({ type: 'Recognizer2D', backbone: { type: 'ResNet', depth: 18, pretrained: 'torchvision://resnet18' }, cls_head: null }),
        /model: building Recognizer2D failed: backbone \(ResNet, pretrained='torchvision:\/\/resnet18'\) init_weights: checkpoint torchvision:\/\/resnet18 is not in the cache \(.*resnet18-f37072fd\.pth\).*downloadCheckpoint/);
    } finally {
      delete process.env.MMACTION_TS_CACHE;
    }
  });
});

describe('download cache', () => {
  const bytes = saveToBuffer({ state_dict: { w: torch.ones([2]) } });
  const sha = createHash('sha256').update(bytes).digest('hex');
  const fakeFetch = (body: Uint8Array, calls: string[]) => (async (url: string | URL | Request) => {
    calls.push(String(url));
    return new Response(body, { status: 200, headers: { 'content-length': String(body.length) } });
  }) as typeof fetch;

  test('resolves torchvision:// and http(s) sources to the cache folder', () => {
    const s = resolveCheckpointSource('torchvision://ResNet50', '/c');
    assert.deepEqual(s, { kind: 'url', url: 'https://download.pytorch.org/models/resnet50-0676ba61.pth', cachePath: '/c/resnet50-0676ba61.pth' });
    assert.deepEqual(resolveCheckpointSource('work/x.pth', '/c'), { kind: 'file', path: 'work/x.pth' });
    assert.throws(() => resolveCheckpointSource('torchvision://resnet9000', '/c'), /unknown torchvision model 'resnet9000'/);
    assert.throws(() => resolveCheckpointSource('s3://bucket/x.pth', '/c'), /unsupported checkpoint scheme/);
    assert.throws(() => localCheckpointPath('https://example.com/m-abc.pth', '/nonexistent'), /not in the cache \(\/nonexistent\/m-abc\.pth\)/);
  });

  test('downloads once, atomically, after checking the sha256 prefix of the file name', async () => {
    const dir = join(tmp, 'cache-ok');
    const calls: string[] = [];
    const url = `https://example.com/models/tiny-${sha.slice(0, 8)}.pth`;
    const p = await downloadCheckpoint(url, { cacheDir: dir, fetchImpl: fakeFetch(bytes, calls), progress: false });
    assert.equal(p, join(dir, `tiny-${sha.slice(0, 8)}.pth`));
    await downloadCheckpoint(url, { cacheDir: dir, fetchImpl: fakeFetch(bytes, calls), progress: false });
    assert.equal(calls.length, 1, 'second call is served from the cache');
    assert.deepEqual(readdirSync(dir), [`tiny-${sha.slice(0, 8)}.pth`]);
  });

  test('a corrupt download is rejected and leaves nothing behind', async () => {
    const dir = join(tmp, 'cache-bad');
    const url = `https://example.com/models/tiny-${sha.slice(0, 8)}.pth`;
    const corrupt = bytes.slice();
    corrupt[corrupt.length - 1] ^= 0xff;
    await assert.rejects(downloadCheckpoint(url, { cacheDir: dir, fetchImpl: fakeFetch(corrupt, []), progress: false }), /invalid hash value/);
    assert.deepEqual(readdirSync(dir), []);
  });

  test('buildModelWithPretrained downloads the config\'s pretrained URL, then builds from the cache', async () => {
    torch.manualSeed(15);
    const ref = buildBackbone({ type: 'ResNet', depth: 18, num_stages: 1, out_indices: [0], strides: [1], dilations: [1] });
    const body = saveToBuffer({ state_dict: sdObject(ref) });
    const prefix = createHash('sha256').update(body).digest('hex').slice(0, 8);
    const calls: string[] = [];
    const cfg = {
      type: 'Recognizer2D',
      backbone: { type: 'ResNet', depth: 18, num_stages: 1, out_indices: [0], strides: [1], dilations: [1], torchvision_pretrain: false, pretrained: `https://example.com/r18s1-${prefix}.pth` },
      cls_head: null,
    };
    const m = await buildModelWithPretrained(cfg, { cacheDir: join(tmp, 'cache-build'), fetchImpl: fakeFetch(body, calls), progress: false });
    assert.equal(calls.length, 1);
    assert.ok(sameWeights(ref, m.backbone));
  });

  test('offline: a clear error that says where to put the file', async () => {
    const dir = join(tmp, 'cache-offline');
    const offline = (async () => { throw new TypeError('fetch failed'); }) as typeof fetch;
    await assert.rejects(downloadCheckpoint('torchvision://resnet18', { cacheDir: dir, fetchImpl: offline }),
      (e: Error) => e instanceof DownloadError && /offline .*nothing was downloaded; download it yourself to .*cache-offline\/resnet18-f37072fd\.pth/.test(e.message));
    assert.ok(!existsSync(join(dir, 'resnet18-f37072fd.pth')));
  });
});
