/**
 * ST-GCN parity with the real MMAction2 0.24.1 (fixture stgcn_coco: SkeletonGCN, STGCN with the
 * COCO layout and the spatial strategy, STGCNHead with 7 classes; test/fixtures/models/stgcn_coco,
 * made by scripts/fixtures/gen_skeleton_model.py from ../shared/fixtures/stgcn_coco).
 *
 * The 12 MB checkpoint is not copied: its non-BatchNorm tensors are MMAction2's seeded init, which
 * torch.manualSeed(0) + buildModel reproduces (checked against their sha256), and its BatchNorm
 * tensors are in norms.pth. Together they are the whole checkpoint, which must give output.npy.
 * Training mode is checked against a PyTorch twin of the same modules (loss, gradients, BN stats).
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { torch } from '../../src/index.ts';
import { buildModel, loadCheckpoint, readCheckpoint, SkeletonGCN, STGCN, STGCNHead } from '../../src/models/index.ts';
import { assertAllClose } from '../models/util.ts';

type Tensor = torch.Tensor;

const DIR = fileURLToPath(new URL('../fixtures/models/stgcn_coco/', import.meta.url));
const SHARED = join(process.env.MMACTION_MODEL_FIXTURES ?? '/work/shared/fixtures', 'stgcn_coco');
const json = (f: string) => JSON.parse(readFileSync(join(DIR, f), 'utf8'));
const npy = (f: string): Tensor => torch.loadNpy(join(DIR, f));
const TOL = { rtol: 1e-4, atol: 1e-5 };

const cfg = json('config.json');
const meta = json('meta.json');
const spec: [string, number[], string][] = json('state_dict.json');
const initSha: Record<string, string> = json('init_sha256.json');

function sha256(t: Tensor): string {
  const a = t.detach().contiguous().toTypedArray() as Float32Array | BigInt64Array;
  return createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
}

function build(seed = 0): SkeletonGCN {
  torch.manualSeed(seed);
  return buildModel(cfg.model) as SkeletonGCN;
}

/** The fixture's weights in a model: seeded init (hash-checked) + MMAction2's BatchNorm tensors. */
async function withFixtureWeights(): Promise<SkeletonGCN> {
  const model = build(0);
  for (const [k, t] of model.stateDict()) if (k in initSha) assert.equal(sha256(t), initSha[k], `${k}: seeded init differs from MMAction2's`);
  const { report } = await loadCheckpoint(model, join(DIR, 'norms.pth'), { strict: false, logger: null });
  assert.deepEqual(report.unexpectedKeys, []);
  assert.deepEqual(report.missingKeys, Object.keys(initSha), 'norms.pth holds exactly the tensors that are not seeded init');
  return model;
}

describe('stgcn_coco (MMAction2 0.24.1 fixture)', () => {
  test('builds from config.json with MMAction2\'s state-dict keys, shapes and dtypes in order, and its parameter count', () => {
    const model = build();
    try {
      assert.ok(model instanceof SkeletonGCN && model.backbone instanceof STGCN && model.clsHead instanceof STGCNHead);
      assert.deepEqual([...model.stateDict()].map(([k, t]) => [k, t.shape, t.dtype]), spec);
      assert.equal(model.parameters().reduce((n, p) => n + p.numel(), 0), meta.num_params);
      assert.equal(model.buffers().reduce((n, b) => n + b.numel(), 0), meta.num_buffer_elements);
    } finally {
      model.dispose();
    }
  });

  test('torch.manualSeed(0) init equals MMAction2\'s bit for bit: convs, fc, the graph A and edge_importance', () => {
    const model = build();
    try {
      const keys = Object.keys(initSha);
      assert.ok(keys.includes('backbone.A') && keys.includes('backbone.edge_importance.9') && keys.includes('cls_head.fc.weight'));
      const sd = model.stateDict();
      for (const k of keys) assert.equal(sha256(sd.get(k)!), initSha[k], `${k} differs from MMAction2's init`);
      // a different seed gives different convs (the check above can fail)
      const other = build(1);
      assert.notEqual(sha256(other.stateDict().get('backbone.st_gcn_networks.3.tcn.2.weight')!), initSha['backbone.st_gcn_networks.3.tcn.2.weight']);
      other.dispose();
    } finally {
      model.dispose();
    }
  });

  test('the whole checkpoint loads strictly and test-mode scores match output.npy and logits.npy', async () => {
    const ref = await withFixtureWeights();
    const model = build(7); // other init: every tensor must come from the state dict
    try {
      const full = new Map([...ref.stateDict()].map(([k, t]) => [k, t.clone()]));
      const report = model.loadStateDict(full, { strict: true });
      assert.deepEqual([report.missingKeys, report.unexpectedKeys, report.shapeMismatch], [[], [], []]);
      for (const t of full.values()) t.dispose();
      model.eval();
      const input = npy('input.npy'); // [1, 3, 32, 17, 2]
      const out = model.forwardTest(input);
      const maxAbs = assertAllClose(out, npy('output.npy'), 'forwardTest scores', TOL);
      console.log(`# stgcn_coco: max |scores - output.npy| = ${maxAbs.toExponential(2)}`);
      assert.deepEqual(torch.noGrad(() => (model.extractFeat(input) as Tensor).shape), meta.backbone_feature_shapes);
      const [logits] = model.forwardDummy(input);
      assertAllClose(logits, npy('logits.npy'), 'head logits', TOL);
      // flat memory: another forward leaves nothing behind but its result
      const live = torch.memory().liveHandles;
      model.forwardTest(input).dispose();
      assert.equal(torch.memory().liveHandles, live, 'live tensors after a second forwardTest');
    } finally {
      model.dispose();
      ref.dispose();
    }
  });

  test('the full MMAction2 checkpoint.pth loads strictly and matches output.npy', { skip: existsSync(join(SHARED, 'checkpoint.pth')) ? false : `needs ${SHARED} (set MMACTION_MODEL_FIXTURES)` }, async () => {
    const model = build(3);
    try {
      const { report, meta: ckMeta } = await loadCheckpoint(model, join(SHARED, 'checkpoint.pth'), { strict: true });
      assert.deepEqual([report.missingKeys, report.unexpectedKeys, report.shapeMismatch], [[], [], []]);
      assert.equal(ckMeta?.mmaction_version, '0.24.1');
      model.eval();
      assertAllClose(model.forwardTest(npy('input.npy')), npy('output.npy'), 'forwardTest scores (full checkpoint)', TOL);
      const { stateDict } = readCheckpoint(join(SHARED, 'checkpoint.pth'));
      for (const k of Object.keys(initSha)) assert.equal(sha256(stateDict.get(k)!), initSha[k], `init_sha256.json is stale for ${k}`);
      for (const t of stateDict.values()) t.dispose();
    } finally {
      model.dispose();
    }
  });

  test('train mode: trainStep loss and top-k accuracies (float32) match the PyTorch twin', async () => {
    const model = await withFixtureWeights();
    try {
      model.train();
      const { loss, logVars, numSamples } = model.trainStep({ keypoint: npy('input.npy'), label: torch.tensor([[3]], { dtype: 'int64' }) });
      loss.dispose();
      assert.equal(numSamples, 1);
      assert.deepEqual(Object.keys(logVars).sort(), ['loss', 'loss_cls', 'top1_acc', 'top5_acc']);
      const expectedLoss = npy('train/loss.npy').item();
      assert.ok(Math.abs(logVars.loss_cls - expectedLoss) <= 1e-5 * expectedLoss, `loss ${logVars.loss_cls} vs ${expectedLoss}`);
      assert.equal(logVars.loss, logVars.loss_cls);
      // the accuracies of the twin's train-mode scores for label 3
      const scores = Array.from(npy('train/scores.npy').toTypedArray() as Float64Array);
      const rank = scores.filter((s) => s > scores[3]!).length;
      assert.deepEqual([logVars.top1_acc, logVars.top5_acc], [rank < 1 ? 1 : 0, rank < 5 ? 1 : 0]);
    } finally {
      model.dispose();
    }
  });

  test('train mode in float64: loss, gradients (edge importance, data_bn, convs, fc) and data_bn statistics match the twin', async () => {
    // float64, because gradients through ten train-mode BatchNorms are ill-conditioned in float32
    // (PyTorch's own float32 runs differ by 5e-3 of max|grad| between thread counts).
    const model = (await withFixtureWeights()).to('float64');
    try {
      model.train();
      const input = npy('input.npy').double();
      const { loss } = model.trainStep({ keypoint: input, label: torch.tensor([3], { dtype: 'int64' }) });
      assertAllClose(loss.reshape(1), npy('train/loss.npy'), 'loss', { rtol: 1e-10, atol: 0 });
      loss.backward();
      const params = new Map(model.namedParameters());
      for (const f of gradFiles()) {
        const key = f.slice('grad.'.length, -'.npy'.length);
        const grad = params.get(key)?.grad;
        assert.ok(grad, `${key} has a gradient`);
        const e = npy(`train/${f}`);
        assertAllClose(grad!, e, `grad of ${key}`, { rtol: 1e-7, atol: 1e-10 * (e.abs().max().item() as number) });
      }
      for (const k of ['running_mean', 'running_var']) {
        assertAllClose(model.backbone.getSubmodule('data_bn').getBuffer(k)!, npy(`train/backbone.data_bn.${k}.npy`), `data_bn.${k} after one step`, { rtol: 1e-10, atol: 1e-12 });
      }
      loss.dispose();
    } finally {
      model.dispose();
    }
  });
});

/** The gradients the twin saved: train/grad.<parameter key>.npy. */
function gradFiles(): string[] {
  const files = readdirSync(join(DIR, 'train')).filter((f) => f.startsWith('grad.'));
  assert.ok(files.length >= 15, `${files.length} gradient files`);
  return files;
}
