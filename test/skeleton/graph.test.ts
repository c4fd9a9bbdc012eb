/**
 * The skeleton graphs (src/models/skeleton/graph.ts) against MMAction2's graph.py run in numpy
 * (test/fixtures/skeleton/graphs, written by scripts/fixtures/gen_skeleton_model.py): the float32
 * adjacency A of every layout and strategy, bit for bit, plus a larger max_hop and a dilation.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { torch } from '../../src/index.ts';
import { Graph, GRAPH_LAYOUTS, type GraphLayout, type GraphStrategy } from '../../src/models/skeleton/graph.ts';
import { buildBackbone } from '../../src/models/index.ts';

const DIR = fileURLToPath(new URL('../fixtures/skeleton/graphs/', import.meta.url));

test('Graph.A equals graph.py\'s (numpy, float64 then float32) for every layout and strategy', () => {
  const files = readdirSync(DIR).filter((f) => f.endsWith('.npy'));
  assert.ok(files.length >= 21, `${files.length} graphs`);
  const seen = new Set<string>();
  for (const f of files) {
    const m = /^(.+)__(\w+)__h(\d+)_d(\d+)\.npy$/.exec(f)!;
    const [layout, strategy, maxHop, dilation] = [m[1] as GraphLayout, m[2] as GraphStrategy, Number(m[3]), Number(m[4])];
    seen.add(`${layout}/${strategy}`);
    const g = new Graph({ layout, strategy, max_hop: maxHop, dilation });
    const expected = torch.loadNpy(join(DIR, f));
    assert.deepEqual([g.numSubsets, g.numNode, g.numNode], expected.shape, `${f}: shape`);
    const a = g.toFloat32();
    const e = expected.toTypedArray() as Float32Array;
    const bad = a.findIndex((v, i) => !Object.is(v, e[i]));
    assert.equal(bad, -1, `${f}: element ${bad} is ${a[bad]}, graph.py gives ${e[bad]}`);
    expected.dispose();
  }
  for (const layout of GRAPH_LAYOUTS) for (const s of ['uniform', 'distance', 'spatial']) assert.ok(seen.has(`${layout}/${s}`), `${layout}/${s} covered`);
});

test('COCO spatial graph: three partitions (root, centripetal, centrifugal) whose columns sum to 1', () => {
  const g = new Graph({ layout: 'coco', strategy: 'spatial' });
  assert.equal(g.numSubsets, 3);
  assert.equal(g.center, 0);
  for (let j = 0; j < g.numNode; j++) {
    const col = g.A.reduce((s, m) => s + m.reduce((t, row) => t + row[j]!, 0), 0);
    assert.ok(Math.abs(col - 1) < 1e-12, `column ${j} sums to ${col}`);
  }
  // nose (0, the centre) - left eye (1): A[k][j][i] is in partition 1 when j is farther from the centre than i, else 2
  assert.deepEqual([g.A[0]![0]![0]! > 0, g.A[1]![1]![0]! > 0, g.A[2]![0]![1]! > 0, g.A[1]![0]![1], g.A[2]![1]![0]], [true, true, true, 0, 0]);
});

test('graph_cfg mistakes are clear errors naming the config path', () => {
  assert.throws(() => new Graph({ layout: 'coco17' as GraphLayout }), /graph_cfg\.layout: 'coco17' is not supported \(one of openpose-18, openpose-25, ntu-rgb\+d, ntu_edge, coco\)/);
  assert.throws(() => new Graph({ strategy: 'spatal' as GraphStrategy }), /graph_cfg\.strategy: 'spatal' is not supported/);
  assert.throws(() => new Graph({ layout: 'coco', strategy: 'agcn' }), /strategy 'agcn' needs layout 'ntu-rgb\+d' or 'openpose-25'/);
  assert.throws(() => new Graph({ max_hop: 1.5 }), /graph_cfg\.max_hop: expected an integer >= 0/);
  assert.throws(() => new Graph({ layuot: 'coco' } as never), /graph_cfg: unknown option 'layuot'/);
  assert.throws(() => buildBackbone({ type: 'STGCN', in_channels: 3, graph_cfg: { layout: 'kinetics' } }, 'model.backbone'),
    /model\.backbone\.graph_cfg\.layout: 'kinetics' is not supported/);
  assert.throws(() => buildBackbone({ type: 'STGCN', in_channels: 3 }, 'model.backbone'), /model\.backbone.*graph_cfg/);
});
