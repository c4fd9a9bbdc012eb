/**
 * `mmaction report-accuracy`: score fusion against MMAction2 0.24.1's report_accuracy.py on the
 * same files (test/fixtures/analysis/report_accuracy, written by
 * scripts/fixtures/gen_report_accuracy.py: pickles as mmcv.dump writes them, a JSON file with tied
 * scores, MMAction2's accuracy.py on numpy 1.24).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadScoreFile, readDatalistLabels, reportAccuracy } from '../../src/analysis/index.ts';
import { formatFixed } from '../../src/evaluation/numpy_compat.ts';
import { dumpResults } from '../../src/runner/results.ts';

const root = new URL('../../', import.meta.url).pathname;
const fx = join(root, 'test/fixtures/analysis/report_accuracy');
const dir = mkdtempSync(join(tmpdir(), 'mmts-fuse-'));
const mmaction = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/mmaction.js'), ...args], { encoding: 'utf8', cwd: fx });

interface Case { scores: string[]; coefficients: number[]; apply_softmax: boolean; topk: number[]; mean_class_accuracy: number; top_k_accuracy: number[] }
const expected = JSON.parse(readFileSync(join(fx, 'expected.json'), 'utf8')) as { cases: Case[] };

test('score files load as mmcv.load reads them: float32 rows from the pickles, float64 from JSON', async () => {
  const rgb = await loadScoreFile(join(fx, 'rgb.pkl'));
  assert.equal(rgb.length, 60);
  assert.ok(rgb.every((r) => r instanceof Float32Array && r.length === 12));
  const audio = await loadScoreFile(join(fx, 'audio.json'));
  assert.ok(audio[0] instanceof Float64Array);
  assert.deepEqual(Array.from(audio[0]).slice(0, 3), [0.35, 0.44, 0.1]);
  assert.equal(readDatalistLabels(join(fx, 'data_list.txt')).length, 60);
});

for (const c of expected.cases) {
  const name = `${c.scores.join(' + ')} x [${c.coefficients.join(', ')}]${c.apply_softmax ? ', softmax' : ''}, top-k ${c.topk.join(',')}`;
  test(`matches MMAction2: ${name}`, async () => {
    const r = await reportAccuracy({ scores: c.scores.map((s) => join(fx, s)), coefficients: c.coefficients, datalist: join(fx, 'data_list.txt'), applySoftmax: c.apply_softmax, topk: c.topk });
    assert.ok(Math.abs(r.meanClassAccuracy - c.mean_class_accuracy) < 1e-12, `mean class accuracy ${r.meanClassAccuracy} vs ${c.mean_class_accuracy}`);
    assert.deepEqual(r.topk.map((t) => t.k), c.topk);
    r.topk.forEach((t, i) => assert.ok(Math.abs(t.accuracy - c.top_k_accuracy[i]) < 1e-12, `top-${t.k} ${t.accuracy} vs ${c.top_k_accuracy[i]}`));
  });
}

test('the command prints MMAction2\'s lines', () => {
  const c = expected.cases[3];
  const r = mmaction('report-accuracy', '--scores', ...c.scores, '--coefficients', ...c.coefficients.map(String), '--datalist', 'data_list.txt',
    '--apply-softmax', '--top-k', ...c.topk.map(String));
  assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(r.stdout.trim().split('\n'), [
    `Mean Class Accuracy: ${formatFixed(c.mean_class_accuracy, 4)}`,
    ...c.topk.map((k, i) => `Top ${k} Accuracy: ${formatFixed(c.top_k_accuracy[i], 4)}`),
  ]);
  // MMAction2's defaults: coefficients of 1, top 1 and top 5
  const d = mmaction('report-accuracy', '--scores', 'rgb.pkl', 'flow.pkl', '--datalist', 'data_list.txt');
  assert.equal(d.status, 0, d.stderr);
  const c0 = expected.cases[0];
  assert.equal(d.stdout, `Mean Class Accuracy: ${formatFixed(c0.mean_class_accuracy, 4)}\nTop 1 Accuracy: ${formatFixed(c0.top_k_accuracy[0], 4)}\nTop 5 Accuracy: ${formatFixed(c0.top_k_accuracy[1], 4)}\n`);
});

test('our own test --out files (.pkl, .json, .yaml) fuse like the originals', async () => {
  const rgb = await loadScoreFile(join(fx, 'rgb.pkl'));
  const rows = rgb.map((r) => Array.from(r));
  for (const ext of ['pkl', 'json', 'yaml']) {
    const p = join(dir, `ours.${ext}`);
    await dumpResults(rows, p);
    const back = await loadScoreFile(p);
    assert.deepEqual(back.map((r) => Array.from(r)), rows, ext);
  }
  const c = expected.cases[1];
  const r = await reportAccuracy({ scores: [join(dir, 'ours.json'), join(fx, 'flow.pkl')], coefficients: c.coefficients, datalist: join(fx, 'data_list.txt'), applySoftmax: true, topk: c.topk });
  // softmax of the JSON copy runs in float64 instead of float32: the accuracies stay the same here
  assert.ok(Math.abs(r.meanClassAccuracy - c.mean_class_accuracy) < 1e-12);
});

test('bad input gets a message naming the file and what is wrong', async () => {
  const list = join(fx, 'data_list.txt');
  await assert.rejects(reportAccuracy({ scores: [join(fx, 'rgb.pkl'), join(fx, 'flow.pkl')], coefficients: [1], datalist: list }), /--coefficients: 1 given for 2 score files/);
  await assert.rejects(reportAccuracy({ scores: [join(dir, 'none.pkl')], datalist: list }), /none\.pkl: no such file/);
  const short = join(dir, 'short.txt');
  writeFileSync(short, 'a 1 0\nb 2 1\n');
  await assert.rejects(reportAccuracy({ scores: [join(fx, 'rgb.pkl')], datalist: short }), /short\.txt has 2 labelled lines but the score files have 60 samples/);
  const bad = join(dir, 'bad.txt');
  writeFileSync(bad, 'a 1 0\nb 2 x\n');
  assert.throws(() => readDatalistLabels(bad), /bad\.txt:2: the last field 'x' is not an integer class label/);
  const ragged = join(dir, 'ragged.json');
  writeFileSync(ragged, '[[0.1, 0.9], [0.5]]');
  await assert.rejects(loadScoreFile(ragged), /ragged\.json: sample 1 has 1 class scores, sample 0 has 2/);
  const clips = join(dir, 'clips.json');
  writeFileSync(clips, '[[[0.1, 0.9], [0.2, 0.8]]]');
  await assert.rejects(loadScoreFile(clips), /clips\.json: sample 0\[0\]: .* is not a number/);
  await assert.rejects(loadScoreFile(join(dir, 'x.npy')), /score files are \.pkl, \.json or \.yaml/);
  const r = mmaction('report-accuracy', '--datalist', 'data_list.txt');
  assert.equal(r.status, 1);
  assert.match(r.stderr, /--scores is required/);
});
