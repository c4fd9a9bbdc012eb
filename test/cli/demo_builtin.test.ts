/**
 * The out-of-the-box demo: the built-in SynthMotion model (models/synth_motion/, trained with
 * `mmaction train`) on clips generated with seeds that training and validation never used.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { VideoReader, inferenceRecognizer, initRecognizer } from '../../src/index.ts';
import { SYNTH_MOTION_CLASSES, renderSynthMotion } from '../../src/datasets/synth_motion.ts';
import { writeVideo } from '../../src/video/writer.ts';

const root = new URL('../../', import.meta.url).pathname;
const mmaction = (...args: string[]) => spawnSync(process.execPath, [join(root, 'bin/mmaction.js'), ...args], { encoding: 'utf8', cwd: root });
const dir = mkdtempSync(join(tmpdir(), 'mmts-builtin-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('the built-in model recognises fresh clips of every SynthMotion class', async () => {
  const model = await initRecognizer();
  assert.deepEqual(model.classNames, [...SYNTH_MOTION_CLASSES]);
  const wrong: string[] = [];
  for (const [k, cls] of SYNTH_MOTION_CLASSES.entries()) {
    for (let j = 0; j < 2; j++) {
      // Seeds >= 2*10^9: training used 0..79, validation 1000003..1000012.
      const seed = 2_100_000_000 + 100 * k + j;
      const file = join(dir, `${cls}_${j}.mp4`);
      await writeVideo(file, { data: renderSynthMotion(cls, { size: 112, frames: 48, seed }), width: 112, height: 112 }, { fps: 16 });
      const r = await inferenceRecognizer(model, file);
      const got = String(r.top[0].label);
      if (got !== cls) wrong.push(`${cls} (seed ${seed}) -> ${got} (${r.top.map((t) => `${t.label}:${t.score.toFixed(2)}`).join(' ')})`);
    }
  }
  model.dispose();
  assert.deepEqual(wrong, [], `misclassified: ${wrong.join('; ')}`);
});

test('`mmaction demo` with no arguments generates a clip, predicts it and writes the annotated video', async () => {
  const out = join(dir, 'demo');
  const r = mmaction('demo', '--class', 'zoom_out', '--seed', '2000000123', '--out-dir', out);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /generated a SynthMotion clip: class zoom_out, seed 2000000123/);
  assert.match(r.stdout, /The top-5 labels with corresponding scores are:\nzoom_out: {2}0\.\d+/);
  assert.match(r.stdout, /correct: the clip shows zoom_out/);
  const input = join(out, 'synthmotion_zoom_out_seed2000000123.mp4');
  const result = join(out, 'demo_out.mp4');
  assert.ok(existsSync(input) && existsSync(result));
  // Our reader and the ffmpeg CLI both decode the result: 48 frames of 336x336.
  const reader = await VideoReader.open(result);
  assert.deepEqual([reader.numFrames, reader.width, reader.height], [48, 336, 336]);
  const frame = (await reader.getBatch([0])).toTypedArray() as Uint8Array;
  await reader.close();
  const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=nb_read_frames,width,height', '-of', 'csv=p=0', result], { encoding: 'utf8' });
  assert.equal(probe.status, 0, probe.stderr);
  assert.equal(probe.stdout.trim(), '336,336,48');
  // The label is drawn at the top-left. Compare with the un-annotated input enlarged by swscale: the
  // rest of the frame differs only by resampling and codec noise (~7 levels), the label region far more.
  const src = await VideoReader.open(input, { resize: { width: 336, height: 336 } });
  const plain = (await src.getBatch([0])).toTypedArray() as Uint8Array;
  await src.close();
  const region = (y0: number, y1: number, x0: number, x1: number) => {
    let d = 0, n = 0;
    for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) for (let c = 0; c < 3; c++, n++) d += Math.abs(frame[(y * 336 + x) * 3 + c] - plain[(y * 336 + x) * 3 + c]);
    return d / n;
  };
  const label = region(10, 28, 10, 110), rest = region(200, 336, 0, 336); // 'zoom_out (0.99)' starts at x = 8
  assert.ok(label > 2 * rest + 10, `label region differs by ${label} grey levels, the rest by ${rest}`);
});

test('`mmaction demo` writes a GIF that ffmpeg decodes', () => {
  const gif = join(dir, 'demo.gif');
  const r = mmaction('demo', '--class', 'zoom_in', '--seed', '2000000456', '--out-dir', join(dir, 'g'), '--out-filename', gif);
  assert.equal(r.status, 0, r.stderr);
  const probe = spawnSync('ffprobe', ['-v', 'error', '-count_frames', '-select_streams', 'v:0', '-show_entries', 'stream=codec_name,nb_read_frames', '-of', 'csv=p=0', gif], { encoding: 'utf8' });
  assert.equal(probe.status, 0, probe.stderr);
  assert.equal(probe.stdout.trim(), 'gif,48');
  const bad = mmaction('demo', '--class', 'moonwalk');
  assert.equal(bad.status, 1);
  assert.match(bad.stderr, /--class must be one of move_left, .*got 'moonwalk'/);
});
