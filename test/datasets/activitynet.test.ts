/**
 * ActivityNetDataset with the BMN config's own pipelines (LoadLocalizationFeature,
 * GenerateLocalizationLabels, Collect(meta_name='video_meta'), ToTensor, ToDataContainer) on a
 * two-video set written by scripts/fixtures/gen_localizers_bmn.py: the first video's features
 * are the MMAction2 bmn_t16 fixture's input, so `testModel` must reproduce MMAction2's
 * proposals.json; gt_bbox against MMAction2's GenerateLocalizationLabels formula.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { torch } from '../../src/index.ts';
import { Config } from '../../src/config/config.ts';
import { ActivityNetDataset, DataContainer, buildDataloader, buildDataset, collate } from '../../src/datasets/index.ts';
import { decodeResults, encodeResults } from '../../src/datasets/collate.ts';
import { loadFeatureCsv } from '../../src/datasets/pipelines/localization.ts';
import { testModel } from '../../src/apis/test.ts';
import { trainModel } from '../../src/apis/train.ts';
import { buildModel } from '../../src/models/index.ts';

const FIX = fileURLToPath(new URL('../fixtures/models/', import.meta.url));
const ANET = join(FIX, 'bmn_twin', 'anet');
const CONFIG = fileURLToPath(new URL('../../configs/localization/bmn/bmn_400x100_2x8_9e_activitynet_feature.ts', import.meta.url));
const ref = JSON.parse(readFileSync(join(FIX, 'bmn_twin', 'reference.json'), 'utf8'));
const npy = (p: string) => torch.loadNpy(join(FIX, p));

/** The standard BMN config shrunk to the fixture's model, its data pointed at the fixture set. */
function config(extra: Record<string, unknown> = {}): Config {
  const small = { temporal_dim: 16, feat_dim: 32, num_samples: 8, hidden_dim_1d: 32, hidden_dim_2d: 16, hidden_dim_3d: 64 };
  const opts: Record<string, unknown> = { 'data.workers_per_gpu': 0 };
  for (const [k, v] of Object.entries(small)) opts[`model.${k}`] = v;
  for (const split of ['train', 'val', 'test']) {
    opts[`data.${split}.ann_file`] = join(ANET, 'anet_anno.json');
    opts[`data.${split}.data_prefix`] = join(ANET, 'features');
  }
  return Config.fromFile(CONFIG, { cfgOptions: { ...opts, ...extra } });
}

test('the train pipeline: raw_feature [C, T] from the csv, gt_bbox as MMAction2 computes it, video_meta', async () => {
  const cfg = config();
  const ds = buildDataset(cfg.get('data.train') as Record<string, unknown>, 'data.train') as ActivityNetDataset;
  assert.equal(ds.length, 2);
  assert.equal(ds.describe(1), 'v_second');
  const r = await ds.get(0);
  assert.deepEqual(Object.keys(r).sort(), ['gt_bbox', 'raw_feature', 'video_meta']);
  assert.ok((r.raw_feature as torch.Tensor).equal(npy('bmn_t16/input.npy').select(0, 0)), 'raw_feature differs from the csv values');
  assert.deepEqual(r.video_meta, { video_name: 'v_fixture' });
  const dc = r.gt_bbox as DataContainer;
  assert.ok(dc instanceof DataContainer && !dc.stack && dc.cpuOnly);
  const gt = dc.data as torch.Tensor;
  assert.equal(gt.dtype, 'float64');
  assert.deepEqual(gt.toArray(), ref.anet.gt_bbox.v_fixture);
  const r2 = await ds.get(1);
  assert.deepEqual(((r2.gt_bbox as DataContainer).data as torch.Tensor).toArray(), ref.anet.gt_bbox.v_second);
  assert.ok((r2.raw_feature as torch.Tensor).equal(npy('bmn_twin/anet/v_second_feature.npy')));
});

test('a training batch keeps gt_bbox per video (DataContainer stack=False, also through the worker-thread encoding), and BMN trains on it', async () => {
  const cfg = config();
  const ds = buildDataset(cfg.get('data.train') as Record<string, unknown>, 'data.train');
  const samples = [await ds.prepare(0), await ds.prepare(1)];
  const moved = samples.map((s) => { const t = new Set<ArrayBuffer>(); return decodeResults(structuredClone(encodeResults(s, t))); });
  const raw = collate(moved);
  assert.ok(Array.isArray(raw.gt_bbox) && raw.gt_bbox.length === 2);
  const loader = buildDataloader(ds, { videos_per_gpu: 2, workers_per_gpu: 0, shuffle: false });
  let batch: Record<string, unknown> | undefined;
  for await (const b of loader) batch = b as Record<string, unknown>;
  const gt = batch!.gt_bbox as torch.Tensor[];
  assert.deepEqual((batch!.raw_feature as torch.Tensor).shape, [2, 32, 16]);
  assert.deepEqual(gt.map((t) => t.shape), [[2, 2], [1, 2]]);
  assert.deepEqual(batch!.video_meta, [{ video_name: 'v_fixture' }, { video_name: 'v_second' }]);

  torch.manualSeed(0);
  const model = buildModel(cfg.get('model') as { type: 'BMN' });
  torch.manualSeed(5);
  const { loss, numSamples } = model.trainStep(batch as never);
  torch.manualSeed(5);
  const direct = model.forward(batch!.raw_feature as torch.Tensor, { gt_bbox: [ref.anet.gt_bbox.v_fixture, ref.anet.gt_bbox.v_second] }) as { loss: torch.Tensor };
  assert.equal(numSamples, 2);
  assert.equal(loss.item(), direct.loss.item());
  model.dispose();
  await loader.close();
});

test('testModel on the BMN config: MMAction2\'s proposals for the fixture video, dump_results JSON, AR@AN', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bmn-test-'));
  try {
    const out = join(dir, 'sub', 'results.json');
    const cfg = config({ 'output_config.out': out });
    const logs: string[] = [];
    const { metrics, results } = await testModel(cfg, join(FIX, 'bmn_t16', 'checkpoint.pth'), { device: 'cpu', eval: ['AR@AN'], log: (m) => logs.push(m) });
    const expected = JSON.parse(readFileSync(join(FIX, 'bmn_t16', 'proposals.json'), 'utf8'));
    const got = results as { video_name: string; proposal_list: { score: number; segment: number[] }[] }[];
    assert.deepEqual(got.map((r) => r.video_name), ['v_fixture', 'v_second']);
    got[0]!.proposal_list.forEach((p, i) => {
      const e = expected[0].proposal_list[i];
      assert.ok(Math.abs(p.score - e.score) <= 1e-4 * e.score, `proposal ${i}: score ${p.score} vs ${e.score}`);
      assert.ok(Math.abs(p.segment[0]! - e.segment[0]) < 1e-9 && Math.abs(p.segment[1]! - e.segment[1]) < 1e-9, `proposal ${i}: segment`);
    });
    // dump_results: {version, results: {id without 'v_': proposal_list}, external_data}
    const dumped = JSON.parse(readFileSync(out, 'utf8'));
    assert.deepEqual(Object.keys(dumped), ['version', 'results', 'external_data']);
    assert.equal(dumped.version, 'VERSION 1.3');
    assert.deepEqual(Object.keys(dumped.results), ['fixture', 'second']);
    assert.deepEqual(dumped.results.fixture, got[0]!.proposal_list);
    assert.match(readFileSync(out, 'utf8'), /^\{"version": "VERSION 1\.3", "results": \{"fixture": \[\{"score": 0\.06378/);
    // AR@AN: the metric function on the same data gives the same numbers
    const ds = new ActivityNetDataset({ ann_file: join(ANET, 'anet_anno.json'), pipeline: [], data_prefix: join(ANET, 'features') });
    assert.deepEqual(metrics, ds.evaluateProposals(got));
    assert.deepEqual(Object.keys(metrics), ['auc', 'AR@1', 'AR@5', 'AR@10', 'AR@100']);
    for (const v of Object.values(metrics)) assert.ok(v >= 0 && v <= 100, `${v}`);
    assert.ok(logs.some((l) => l.includes('writing results to')));
    assert.throws(() => ds.evaluateProposals(got.slice(1)), /1 != 2/);
    assert.throws(() => ds.evaluateProposals(got, ['mAP']), /metric mAP is not supported/);
    assert.throws(() => ds.dumpResults(got, join(dir, 'x'), 'csv'), /output_format 'csv'/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('trainModel with --validate trains BMN and evaluates AR@AN after the epoch (EvalHook, save_best auto -> auc)', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'bmn-train-'));
  try {
    const cfg = config({ total_epochs: 1, 'data.videos_per_gpu': 2, 'log_config.interval': 1 });
    const runner = await trainModel(cfg, { workDir: dir, validate: true, device: 'cpu', seed: 0, stream: null });
    const logs = readdirSync(dir).filter((f) => f.endsWith('.log.json'));
    const lines = readFileSync(join(dir, logs[0]!), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    const train = lines.find((l) => l.mode === 'train');
    const val = lines.find((l) => l.mode === 'val');
    assert.ok(Number.isFinite(train.loss), 'a training loss is logged');
    assert.deepEqual(['auc', 'AR@1', 'AR@5', 'AR@10', 'AR@100'].filter((k) => !(k in val)), []);
    assert.ok(readdirSync(dir).some((f) => /^best_auc_epoch_1\.pth$/.test(f)));
    runner.model.dispose();
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('localization inputs: bad csv rows and annotation files are named', async () => {
  assert.throws(() => loadFeatureCsv('a,b\n1,2\n3\n', 'f.csv'), /f\.csv:3: 1 columns, but the first data row has 2/);
  assert.throws(() => loadFeatureCsv('a,b\n1,x\n', 'f.csv'), /f\.csv:2: could not convert 'x' to a float/);
  assert.throws(() => loadFeatureCsv('a,b\n', 'f.csv'), /no feature rows/);
  const csv = loadFeatureCsv('h\n1.5, -2 # note\n\nnan,inf\n', 'f.csv');
  assert.deepEqual(csv.shape, [2, 2]);
  assert.deepEqual(Array.from(csv.data).map(String), ['1.5', '-2', 'NaN', 'Infinity']);
  assert.throws(() => new ActivityNetDataset({ ann_file: join(ANET, 'missing.json'), pipeline: [] }), /missing\.json: annotation file not found/);
  assert.throws(() => new ActivityNetDataset({ ann_file: join(ANET, 'anet_anno.json'), pipeline: [], multi_class: true }), /unknown option 'multi_class'/);
  const ds = new ActivityNetDataset({ ann_file: join(ANET, 'anet_anno.json'), pipeline: [{ type: 'LoadLocalizationFeature' }], data_prefix: ANET });
  await assert.rejects(ds.get(0), /cannot read the features of v_fixture/);
});
