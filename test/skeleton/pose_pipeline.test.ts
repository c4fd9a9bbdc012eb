/**
 * Skeleton data: PoseDataset reading MMAction2's pickle annotations, and the GCN pipelines
 * (PaddingWithLoop, PoseDecode, PoseNormalize, FormatGCNInput, JointToBone) against MMAction2
 * 0.24.1's transforms run in numpy (test/fixtures/skeleton/pose, written by
 * scripts/fixtures/gen_skeleton_pipeline.py): every output value bit for bit. Then batches of
 * the ST-GCN config's pipeline through the DataLoader into SkeletonGCN (train step and test).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { torch } from '../../src/index.ts';
import { buildDataloader, buildDataset, buildTransform, NDArray, PoseDataset } from '../../src/datasets/index.ts';
import { buildModel, type SkeletonGCN, type STGCN } from '../../src/models/index.ts';
import { singleGpuTest } from '../../src/runner/engine.ts';

const DIR = fileURLToPath(new URL('../fixtures/skeleton/pose/', import.meta.url));
const ANN = join(DIR, 'ann.pkl');

interface Case {
  name: string;
  sample: number;
  pipeline: Record<string, unknown>[];
  keypoint: string;
  dtype: string;
  frame_inds: number[];
  input_shape: number[];
}
const { split, cases } = JSON.parse(readFileSync(join(DIR, 'cases.json'), 'utf8')) as { split: Record<string, string[]>; cases: Case[] };

/** The ST-GCN config's test pipeline (configs/skeleton/stgcn/stgcn_80e_ntu60_xsub_keypoint.py), clip_len 20. */
const STGCN_PIPELINE = [
  { type: 'PaddingWithLoop', clip_len: 20 }, { type: 'PoseDecode' }, { type: 'FormatGCNInput', input_format: 'NCTVM' }, { type: 'PoseNormalize' },
  { type: 'Collect', keys: ['keypoint', 'label'], meta_keys: [] }, { type: 'ToTensor', keys: ['keypoint'] },
];

function expectedKeypoint(c: Case): Float32Array {
  const t = torch.loadNpy(join(DIR, 'out', c.keypoint));
  const a = (t.toTypedArray() as Float32Array).slice();
  t.dispose();
  return a;
}

describe('PoseDataset', () => {
  test('reads the pickle: numpy keypoints as float32 arrays, numpy ints as numbers, data_prefix joined', () => {
    const ds = new PoseDataset({ ann_file: ANN, pipeline: [], data_prefix: 'skeletons' });
    assert.equal(ds.length, 5);
    const v = ds.videoInfos;
    assert.deepEqual(v.map((x) => x.label), [3, 0, 5, 1, 2]);
    assert.deepEqual(v.map((x) => x.total_frames), [7, 40, 12, 9, 5]);
    assert.equal(v[0]!.frame_dir, join('skeletons', 'S001C001P001R001A004'));
    assert.deepEqual(v[0]!.img_shape, [1080, 1920]);
    const kp = v[0]!.keypoint as NDArray;
    assert.ok(kp instanceof NDArray && kp.data instanceof Float32Array, 'float16 keypoints widened to float32');
    assert.deepEqual(kp.shape, [2, 7, 17, 2]);
    assert.ok((v[2]!.keypoint as NDArray).data instanceof Float64Array, 'float64 keypoints stay float64 until PoseDecode');
    assert.deepEqual((v[3]!.keypoint as NDArray).shape, [2, 9, 25, 3]);
    assert.equal(ds.opts.start_index, 0);
    assert.equal(ds.opts.modality, 'Pose');
  });

  test('split= keeps the named split of a {split, annotations} file, in annotation order', () => {
    const ds = buildDataset({ type: 'PoseDataset', ann_file: join(DIR, 'ann_split.pkl'), pipeline: [], split: 'xsub_val' }) as PoseDataset;
    assert.deepEqual(ds.videoInfos.map((x) => x.frame_dir), split.xsub_val);
    assert.throws(() => buildDataset({ type: 'PoseDataset', ann_file: join(DIR, 'ann_split.pkl'), pipeline: [], split: 'xview_val' }),
      /ann_split\.pkl: no split 'xview_val' \(splits: xsub_train, xsub_val\)/);
  });

  test('bad configs and files are clear errors', () => {
    assert.throws(() => new PoseDataset({ ann_file: ANN, pipeline: [], start_index: 1 }), /'start_index' is fixed by PoseDataset/);
    assert.throws(() => new PoseDataset({ ann_file: join(DIR, 'cases.json'), pipeline: [] }), /cases\.json: PoseDataset reads a pickle annotation file \(\.pkl\)/);
    assert.throws(() => new PoseDataset({ ann_file: join(DIR, 'missing.pkl'), pipeline: [] }), /missing\.pkl: no such file/);
    assert.throws(() => new PoseDataset({ ann_file: ANN, pipeline: [], valid_ratio: 0.5 }), /ann\.pkl: sample 0: valid_ratio needs 'valid_frames'/);
    assert.throws(() => new PoseDataset({ ann_file: ANN, pipeline: [], box_thr: 0.5 }), /box_thr must be one of '0\.5'/);
    assert.throws(() => new PoseDataset({ ann_file: ANN, pipeline: [], split: 'xsub_val' }), /split='xsub_val' needs a dict \{split: \{\.\.\.\}, annotations: \[\.\.\.\]\}/);
  });
});

describe('GCN pipelines against MMAction2\'s transforms (numpy)', () => {
  assert.ok(cases.length >= 10);
  for (const c of cases) {
    test(`${c.name} on sample ${c.sample}`, async () => {
      const ds = new PoseDataset({ ann_file: ANN, pipeline: c.pipeline, test_mode: true });
      const r = await ds.prepare(c.sample);
      const kp = r.keypoint as NDArray;
      assert.ok(kp instanceof NDArray && kp.data instanceof Float32Array, `keypoint is float32 (numpy: ${c.dtype})`);
      assert.deepEqual(kp.shape, c.input_shape);
      assert.deepEqual(r.input_shape, c.input_shape);
      assert.deepEqual(r.frame_inds, c.frame_inds);
      const e = expectedKeypoint(c);
      const bad = (kp.data as Float32Array).findIndex((x, i) => !Object.is(x, e[i]));
      assert.equal(bad, -1, `element ${bad}: ${kp.data[bad]} vs numpy ${e[bad]}`);
    });
  }

  test('PoseNormalize writes keypoint_norm_cfg; the source sample stays untouched', async () => {
    const ds = new PoseDataset({ ann_file: ANN, pipeline: [{ type: 'PoseDecode' }, { type: 'FormatGCNInput', input_format: 'NCTVM' }, { type: 'PoseNormalize' }] });
    const before = (ds.videoInfos[1]!.keypoint as NDArray).data.slice();
    const r = await ds.prepare(1);
    assert.deepEqual(r.keypoint_norm_cfg, { mean: [960, 540, 0.5], min_value: [0, 0, 0], max_value: [1920, 1080, 1] });
    assert.deepEqual((ds.videoInfos[1]!.keypoint as NDArray).data, before);
  });

  test('transform options and input mistakes are clear errors', async () => {
    assert.throws(() => buildTransform({ type: 'PaddingWithLoop' }, 'data.test.pipeline[0]'), /data\.test\.pipeline\[0\] \(PaddingWithLoop\): missing required option 'clip_len'/);
    assert.throws(() => buildTransform({ type: 'FormatGCNInput', input_format: 'NCTHW' }), /input_format must be one of 'NCTVM'/);
    assert.throws(() => buildTransform({ type: 'JointToBone', dataset: 'kinetics' }), /The dataset type kinetics is not supported/);
    assert.throws(() => buildTransform({ type: 'PoseNormalize', mean: [1, 2] }), /one value per channel/);
    assert.throws(() => buildTransform({ type: 'PoseDecode', offset: 1 }), /unknown option 'offset'/);
    // PoseNormalize before FormatGCNInput sees [M, T, V, C] with M = 2 people, not 3 channels
    const ds = new PoseDataset({ ann_file: ANN, pipeline: [{ type: 'PoseDecode' }, { type: 'PoseNormalize' }] });
    await assert.rejects(ds.prepare(0), /PoseNormalize: 3 mean values for a keypoint array of 2 channels .*put FormatGCNInput before PoseNormalize/);
    const jb = new PoseDataset({ ann_file: ANN, pipeline: [{ type: 'PoseDecode' }, { type: 'JointToBone' }] });
    await assert.rejects(jb.prepare(0), /JointToBone: 'nturgb\+d' has 25 joints, keypoint has 17/);
  });
});

describe('the ST-GCN pipeline into SkeletonGCN', () => {
  const modelCfg = {
    type: 'SkeletonGCN',
    backbone: { type: 'STGCN', in_channels: 3, edge_importance_weighting: true, graph_cfg: { layout: 'coco', strategy: 'spatial' } },
    cls_head: { type: 'STGCNHead', num_classes: 6, in_channels: 256, loss_cls: { type: 'CrossEntropyLoss' } },
    train_cfg: null, test_cfg: null,
  };
  const dataCfg = (pipeline: unknown[]) => ({ type: 'PoseDataset', ann_file: join(DIR, 'ann_split.pkl'), split: 'xsub_train', data_prefix: '', pipeline });

  test('DataLoader batches: keypoint [N, 3, T, 17, 2] float32 and int64 labels; trainStep and singleGpuTest run on them', async () => {
    const ds = buildDataset({ ...dataCfg(STGCN_PIPELINE), test_mode: true });
    const loader = buildDataloader(ds, { videos_per_gpu: 2, shuffle: false });
    torch.manualSeed(0);
    const model = buildModel(modelCfg) as SkeletonGCN;
    try {
      const batches: Record<string, torch.Tensor>[] = [];
      for await (const b of loader) batches.push(b as Record<string, torch.Tensor>);
      assert.equal(batches.length, 1);
      const { keypoint, label } = batches[0]!;
      assert.deepEqual(Object.keys(batches[0]!).sort(), ['keypoint', 'label']);
      assert.deepEqual([keypoint!.shape, keypoint!.dtype, label!.dtype, Array.from(label!.toTypedArray() as BigInt64Array, Number)],
        [[2, 3, 20, 17, 2], 'float32', 'int64', [3, 5]]);
      // the batch holds the numpy reference values of samples 0 and 2
      const ref = cases.filter((c) => c.name === 'stgcn_keypoint' && (c.sample === 0 || c.sample === 2)).map(expectedKeypoint);
      assert.deepEqual(keypoint!.toTypedArray(), Float32Array.from([...ref[0]!, ...ref[1]!]));

      model.train();
      const { loss, logVars, numSamples } = model.trainStep(batches[0]!);
      assert.ok(Number.isFinite(logVars.loss_cls) && numSamples === 2 && 'top5_acc' in logVars);
      loss.backward();
      const g = (model.backbone as STGCN).edgeImportance!.at(0).grad;
      assert.ok(g && g.abs().sum().item() > 0, 'edge_importance.0 gets a gradient');
      loss.dispose();

      const scores = await singleGpuTest(model, buildDataloader(ds, { videos_per_gpu: 1, shuffle: false }));
      assert.equal(scores.length, 2);
      assert.ok(scores.every((row) => row.length === 6 && row.every(Number.isFinite)));
      const direct = model.forwardTest(keypoint!.index('0:1'));
      assert.deepEqual(scores[0], Array.from(direct.double().toTypedArray() as Float64Array));
      for (const t of Object.values(batches[0]!)) t.dispose();
    } finally {
      model.dispose();
    }
  });

  test('SkeletonGCN rejects inputs of the wrong rank and batches without keypoint', () => {
    torch.manualSeed(0);
    const model = buildModel(modelCfg) as SkeletonGCN;
    try {
      assert.throws(() => model.forwardTest(torch.zeros([3, 20, 17, 2])), /SkeletonGCN: expected a 5-D input \[N, C, T, V, M\], got shape \[3, 20, 17, 2\]/);
      assert.throws(() => model.forwardTest(torch.zeros([1, 3, 20, 25, 2])), /STGCN: expected 3 channels and 17 joints \('coco' layout\)/);
      assert.throws(() => model.trainStep({ imgs: torch.zeros([1]), label: torch.zeros([1]) }), /the batch needs 'keypoint' \[N, C, T, V, M\] \(got keys: imgs, label\)/);
      assert.throws(() => buildModel({ ...modelCfg, neck: { type: 'TPN' } }), /unknown option 'neck' for SkeletonGCN/);
    } finally {
      model.dispose();
    }
  });
});
