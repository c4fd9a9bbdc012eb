/**
 * `mmaction analyze-logs`: curves and iteration times from .log.json files written here in the
 * logger hook's format (figures computed by hand), the SVG's polylines and legend, the PNG's size
 * and colours, and the errors for bad input.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { buildCurveChart, calTrainTime, formatTrainTime, keyCurves, loadJsonLog, niceTicks, parseJsonLog, renderChartSvg } from '../../src/analysis/index.ts';
import { pyJsonDumps } from '../../src/runner/pyformat.ts';

const root = new URL('../../', import.meta.url).pathname;
const mmaction = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/mmaction.js'), ...args], { encoding: 'utf8', cwd: dir });
const dir = mkdtempSync(join(tmpdir(), 'mmts-logs-'));
const INT_KEYS = new Set(['epoch', 'iter']);

/**
 * Three epochs of 30 iterations logged every 10, with a validation after each epoch:
 * times per epoch [0.9, 0.2, 0.3, 0.4]... (the first value of an epoch is the slow warm-up).
 */
const TIMES = [[0.9, 0.2, 0.3, 0.4], [0.8, 0.5, 0.6, 0.7], [0.7, 0.1, 0.1, 0.1]];
function writeLog(name: string, lossOffset = 0): string {
  const lines = [pyJsonDumps({ env_info: 'test', seed: 0, config_name: 'cfg.py' })];
  let k = 0;
  TIMES.forEach((times, e) => {
    times.forEach((t, i) => {
      k++;
      lines.push(pyJsonDumps({ mode: 'train', epoch: e + 1, iter: (i + 1) * 10, lr: 0.01, data_time: 0.01, top1_acc: 0.1 * k / 2, loss_cls: 3 - 0.2 * k + lossOffset, time: t }, INT_KEYS));
    });
    lines.push(pyJsonDumps({ mode: 'val', epoch: e + 1, iter: 5, lr: 0.01, top1_acc: 0.2 * (e + 1), mean_class_accuracy: 0.15 * (e + 1) }, INT_KEYS));
  });
  const p = join(dir, name);
  writeFileSync(p, `${lines.join('\n')}\n`);
  return p;
}
const logA = writeLog('20260101_000000.log.json');
const logB = writeLog('20260102_000000.log.json', 0.5);

test('train keys sit at (epoch - 1) * iters_per_epoch + iter, validation metrics at their epoch', () => {
  const log = loadJsonLog(logA);
  assert.deepEqual(log.epochs.map((e) => [e.epoch, e.train.length, e.val.length]), [[1, 4, 1], [2, 4, 1], [3, 4, 1]]);
  const loss = keyCurves(log, 'loss_cls');
  assert.deepEqual(loss.train!.map((p) => p[0]), [10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110, 120]);
  assert.equal(loss.train![4][1], 3 - 0.2 * 5);
  assert.equal(loss.val, null);
  const acc = keyCurves(log, 'top1_acc');
  assert.equal(acc.train!.length, 12); // the training batches' accuracy
  assert.deepEqual(acc.val, [[1, 0.2], [2, 0.4], [3, 0.6000000000000001]]);
  // lr is also written on val lines by the logger; it is not a validation result
  assert.equal(keyCurves(log, 'lr').val, null);
  // MMAction2 takes iters_per_epoch from the last iteration logged in each epoch
  const short = parseJsonLog([
    '{"mode": "train", "epoch": 1, "iter": 10, "loss": 1.0, "time": 0.1}', '{"mode": "train", "epoch": 1, "iter": 20, "loss": 1.0, "time": 0.1}',
    '{"mode": "train", "epoch": 2, "iter": 10, "loss": 1.0, "time": 0.1}', '{"mode": "train", "epoch": 2, "iter": 15, "loss": 1.0, "time": 0.1}',
  ].join('\n'), 'short.log.json');
  assert.deepEqual(keyCurves(short, 'loss').train!.map((p) => p[0]), [10, 20, 25, 30]);
});

test('iteration-based logs put validations at the training iteration they followed', () => {
  const log = parseJsonLog([
    '{"mode": "train", "epoch": 1, "iter": 50, "loss": 2.0, "time": 0.1}', '{"mode": "val", "epoch": 1, "iter": 8, "top1_acc": 0.3}',
    '{"mode": "train", "epoch": 1, "iter": 100, "loss": 1.5, "time": 0.1}', '{"mode": "val", "epoch": 1, "iter": 8, "top1_acc": 0.5}',
  ].join('\n'), 'iter.log.json');
  const c = keyCurves(log, 'top1_acc');
  assert.equal(c.valX, 'iter');
  assert.deepEqual(c.val, [[50, 0.3], [100, 0.5]]);
});

test('cal_train_time: the figures computed by hand, with and without the first time of each epoch', () => {
  const s = calTrainTime(loadJsonLog(logA));
  // epoch means of [0.2,0.3,0.4], [0.5,0.6,0.7], [0.1,0.1,0.1]: 0.3, 0.6, 0.1
  assert.deepEqual([s.slowest.epoch, s.fastest.epoch], [2, 3]);
  assert.ok(Math.abs(s.slowest.averageTime - 0.6) < 1e-12 && Math.abs(s.fastest.averageTime - 0.1) < 1e-12);
  // population std of (0.3, 0.6, 0.1): sqrt(((0.3-1/3)^2 + (0.6-1/3)^2 + (0.1-1/3)^2) / 3) = sqrt(0.38/9)
  assert.ok(Math.abs(s.stdOverEpochs - Math.sqrt(0.38 / 9)) < 1e-12);
  assert.ok(Math.abs(s.averageIterTime - 3.0 / 9) < 1e-12);
  assert.deepEqual(formatTrainTime('a.log.json', s), [
    '-----Analyze train time of a.log.json-----',
    'slowest epoch 2, average time is 0.6000',
    'fastest epoch 3, average time is 0.1000',
    'time std over epochs is 0.2055',
    'average iter time: 0.3333 s/iter',
  ]);
  const o = calTrainTime(loadJsonLog(logA), { includeOutliers: true });
  // epoch means 0.45, 0.65, 0.25; std sqrt(0.08/3); mean of all twelve 5.4/12
  assert.deepEqual(formatTrainTime('a', o).slice(1), [
    'slowest epoch 2, average time is 0.6500',
    'fastest epoch 3, average time is 0.2500',
    'time std over epochs is 0.1633',
    'average iter time: 0.4500 s/iter',
  ]);
  // a resumed run's log: epochs are reported as logged, epochs of one line are left out and said so
  const resumed = parseJsonLog([
    '{"mode": "train", "epoch": 6, "iter": 10, "time": 0.5}', '{"mode": "train", "epoch": 6, "iter": 20, "time": 0.2}',
    '{"mode": "train", "epoch": 7, "iter": 10, "time": 0.5}', '{"mode": "train", "epoch": 7, "iter": 20, "time": 0.4}',
    '{"mode": "train", "epoch": 8, "iter": 10, "time": 0.5}',
  ].join('\n'), 'r.log.json');
  const r = calTrainTime(resumed);
  assert.deepEqual([r.slowest.epoch, r.fastest.epoch, r.skippedEpochs], [7, 6, [8]]);
  assert.match(formatTrainTime('r', r).at(-1)!, /left out epoch 8/);
  assert.throws(() => calTrainTime(parseJsonLog('{"mode": "train", "epoch": 1, "iter": 10, "time": 0.5}', 'one.log.json')), /one\.log\.json: no iteration times.*--include-outliers/);
});

test('cal_train_time through the command line prints MMAction2\'s lines for each log', () => {
  const r = mmaction('analyze-logs', 'cal_train_time', logA, logB, '--include-outliers');
  assert.equal(r.status, 0, r.stderr);
  const blocks = r.stdout.trim().split('\n\n');
  assert.equal(blocks.length, 2);
  assert.equal(blocks[1].split('\n')[0], `-----Analyze train time of ${logB}-----`);
  assert.equal(blocks[0].split('\n')[4], 'average iter time: 0.4500 s/iter');
});

test('plot_curve writes an SVG with one polyline per log, key and kind of line, and the legend', () => {
  const out = join(dir, 'curve.svg');
  const r = mmaction('analyze-logs', 'plot_curve', logA, logB, '--keys', 'loss_cls', 'top1_acc', '--legend', 'A loss', 'A acc', 'B loss', 'B acc',
    '--title', 'Runs <A> & <B>', '--style', 'darkgrid', '--backend', 'agg', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, new RegExp(`save curve to: ${out}`));
  const svg = readFileSync(out, 'utf8');
  const polylines = [...svg.matchAll(/<polyline class="series" data-label="([^"]*)"[^>]*stroke="(#[0-9a-f]{6})"[^>]*points="([^"]*)"/g)]
    .map((m) => ({ label: m[1], color: m[2], points: m[3].split(' ').map((p) => p.split(',').map(Number)) }));
  // train panel: loss_cls and the batches' top1_acc of both logs; val panel: top1_acc of both logs
  assert.deepEqual(polylines.map((p) => [p.label, p.points.length]), [
    ['A loss', 12], ['A acc', 12], ['B loss', 12], ['B acc', 12], ['A acc', 3], ['B acc', 3],
  ]);
  assert.deepEqual(polylines.map((p) => p.color), ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#ff7f0e', '#d62728']);
  assert.deepEqual([...svg.matchAll(/class="legend-label"[^>]*>([^<]*)</g)].map((m) => m[1]), ['A loss', 'A acc', 'B loss', 'B acc']);
  assert.match(svg, /class="title"[^>]*>Runs &lt;A&gt; &amp; &lt;B&gt;</);
  assert.deepEqual([...svg.matchAll(/class="xlabel"[^>]*>([^<]*)</g)].map((m) => m[1]), ['iter', 'epoch (validation)']);
  // x is linear in the iteration: 10..120 evenly spaced; y decreases with the loss (pixels grow downwards)
  const a = polylines[0].points;
  const dx = (a[11][0] - a[0][0]) / 11;
  a.forEach((p, i) => assert.ok(Math.abs(p[0] - (a[0][0] + i * dx)) < 0.02, `x of point ${i}`));
  for (let i = 1; i < a.length; i++) assert.ok(a[i][1] > a[i - 1][1]);
  // B's loss is 0.5 higher everywhere: the same shape shifted up by a constant
  const b = polylines[2].points;
  const shift = b[0][1] - a[0][1];
  assert.ok(shift < 0);
  b.forEach((p, i) => assert.ok(Math.abs(p[1] - a[i][1] - shift) < 0.02));
  // darkgrid: the grey axes face with white grid lines
  assert.match(svg, /class="axes"[^>]*fill="#eaeaf2"/);
  assert.match(svg, /stroke="#ffffff" stroke-width="1"/);
});

test('plot_curve writes a PNG of the SVG\'s size with the curves drawn in their colours', async () => {
  const logs = [loadJsonLog(logA)];
  const chart = buildCurveChart(logs, { keys: ['loss_cls'], style: 'white' });
  const svg = renderChartSvg(chart);
  const [w, h] = [Number(/width="(\d+)"/.exec(svg)![1]), Number(/height="(\d+)"/.exec(svg)![1])];
  const out = join(dir, 'loss.png');
  const r = mmaction('analyze-logs', 'plot_curve', logA, '--keys', 'loss_cls', '--style', 'white', '--out', out);
  assert.equal(r.status, 0, r.stderr);
  const meta = await sharp(out).metadata();
  assert.deepEqual([meta.format, meta.width, meta.height], ['png', w, h]);
  const { data, info } = await sharp(out).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  const pts = /points="([^"]*)"/.exec(svg)![1].split(' ').map((p) => p.split(',').map(Number));
  const near = (x: number, y: number, rgb: number[]) => {
    for (let dy = -1; dy <= 1; dy++) {
      for (let dx = -1; dx <= 1; dx++) {
        const o = ((Math.round(y) + dy) * info.width + Math.round(x) + dx) * 3;
        if (Math.abs(data[o] - rgb[0]) + Math.abs(data[o + 1] - rgb[1]) + Math.abs(data[o + 2] - rgb[2]) < 60) return true;
      }
    }
    return false;
  };
  const blue = [0x1f, 0x77, 0xb4];
  // the middle of each segment (a vertex at the end of the line is only half covered by the stroke)
  for (let i = 1; i < pts.length; i++) {
    const [x, y] = [(pts[i - 1][0] + pts[i][0]) / 2, (pts[i - 1][1] + pts[i][1]) / 2];
    assert.ok(near(x, y, blue), `curve pixel at ${x},${y}`);
  }
  // and the middle of the empty white area above the line's start is not blue
  assert.ok(!near(pts[0][0] + 200, pts[0][1] - 120, blue));
  // without --out: a PNG next to the log, and a note on how to choose
  const d = mmaction('analyze-logs', 'plot_curve', logA, '--keys', 'mean_class_accuracy');
  assert.equal(d.status, 0, d.stderr);
  assert.match(d.stdout, /pass --out FILE\.png or FILE\.svg/);
  assert.ok(existsSync(join(dir, '20260101_000000.log_mean_class_accuracy.png')));
});

test('NaN losses (Python\'s json writes NaN) break the curve instead of failing the parse', () => {
  const log = parseJsonLog([
    '{"mode": "train", "epoch": 1, "iter": 1, "loss": 1.0, "note": "NaN Infinity"}', '{"mode": "train", "epoch": 1, "iter": 2, "loss": NaN}',
    '{"mode": "train", "epoch": 1, "iter": 3, "loss": 0.5}', '{"mode": "train", "epoch": 1, "iter": 4, "loss": -Infinity}',
  ].join('\n'), 'nan.log.json');
  assert.equal(log.epochs[0].train[0].values.note, 'NaN Infinity');
  assert.deepEqual(keyCurves(log, 'loss').train, [[1, 1], [2, NaN], [3, 0.5], [4, -Infinity]]);
  const svg = renderChartSvg(buildCurveChart([log], { keys: ['loss'] }));
  assert.equal([...svg.matchAll(/<polyline /g)].length, 2); // [1] and [3]: two one-point runs
  assert.equal([...svg.matchAll(/<circle /g)].length, 2);
});

test('axis ticks are round numbers covering the data with margins', () => {
  assert.deepEqual(niceTicks(10, 120, { integer: true }).ticks, [20, 40, 60, 80, 100, 120]);
  assert.deepEqual(niceTicks(0.06, 2.84).ticks, [0, 0.5, 1, 1.5, 2, 2.5]);
  assert.deepEqual(niceTicks(1, 3, { integer: true }).ticks, [1, 2, 3]);
  const c = niceTicks(0.12, 0.12);
  assert.ok(c.lo < 0.12 && c.hi > 0.12 && c.ticks.length >= 2);
});

test('bad input: missing file, broken line (file and line number), unknown key (with the keys there), legend count, style', () => {
  let r = mmaction('analyze-logs', 'plot_curve', join(dir, 'missing.log.json'), '--out', join(dir, 'x.png'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /missing\.log\.json: no such file/);
  const broken = join(dir, 'broken.log.json');
  writeFileSync(broken, '{"seed": 0}\n{"mode": "train", "epoch": 1, "iter": 10, "time": 0.1}\n{"mode": "train", "epoch": 1, "it\n');
  r = mmaction('analyze-logs', 'cal_train_time', broken);
  assert.equal(r.status, 1);
  assert.match(r.stderr, /broken\.log\.json:3: not a JSON line .*cut off/);
  r = mmaction('analyze-logs', 'plot_curve', logA, '--keys', 'loss_cls', 'top5_acc', '--out', join(dir, 'y.png'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /does not contain the key 'top5_acc'; available keys: train lines: lr, data_time, top1_acc, loss_cls, time; val lines: lr, top1_acc, mean_class_accuracy/);
  assert.ok(!existsSync(join(dir, 'y.png')));
  assert.throws(() => buildCurveChart([loadJsonLog(logA)], { keys: ['loss_cls', 'top1_acc'], legend: ['one'] }), /--legend: 1 label given, 2 needed/);
  assert.throws(() => buildCurveChart([loadJsonLog(logA)], { keys: ['loss_cls'], style: 'fancy' }), /--style 'fancy': one of dark, darkgrid, white, whitegrid, ticks/);
  assert.throws(() => loadJsonLog(join(dir, 'a.log')), /expected a \.log\.json file/);
  assert.throws(() => parseJsonLog('{"mode": "train", "epoch": 1, "iter": 1}\n[1, 2]\n', 'arr.log.json'), /arr\.log\.json:2: expected a JSON object per line, got an array/);
});
