// build-file-list (MMAction2's tools/data/build_file_list.py) on trees made in the test setup.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { run } from '../../src/cli/build_file_list.ts';

let root = '';
before(() => {
  root = mkdtempSync(join(tmpdir(), 'mmaction-filelist-'));
  // ucf101-style rawframes: data/ucf101/rawframes/<Class>/<video>/img_*.jpg + flow_x/flow_y
  const ann = join(root, 'data/ucf101/annotations');
  mkdirSync(ann, { recursive: true });
  writeFileSync(join(ann, 'classInd.txt'), '1 ApplyEyeMakeup\n2 Archery\n');
  const vids = { ApplyEyeMakeup: ['v_ApplyEyeMakeup_g01_c01', 'v_ApplyEyeMakeup_g02_c01'], Archery: ['v_Archery_g01_c01', 'v_Archery_g02_c01'] };
  for (const [cls, vs] of Object.entries(vids)) {
    vs.forEach((v, k) => {
      const d = join(root, 'data/ucf101/rawframes', cls, v);
      mkdirSync(d, { recursive: true });
      for (let i = 1; i <= 3 + k; i++) for (const p of ['img_', 'flow_x_', 'flow_y_']) writeFileSync(join(d, `${p}${String(i).padStart(5, '0')}.jpg`), '');
    });
  }
  for (let s = 1; s <= 3; s++) {
    writeFileSync(join(ann, `trainlist0${s}.txt`), 'ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01.avi 1\nArchery/v_Archery_g01_c01.avi 2\nArchery/v_Archery_g09_c01.avi 2\n');
    writeFileSync(join(ann, `testlist0${s}.txt`), 'ApplyEyeMakeup/v_ApplyEyeMakeup_g02_c01.avi\nArchery/v_Archery_g02_c01.avi\n');
  }
  // a class-per-folder tree of videos
  for (let c = 0; c < 2; c++) for (let v = 0; v < 5; v++) {
    mkdirSync(join(root, 'clips', `class${c}`), { recursive: true });
    writeFileSync(join(root, 'clips', `class${c}`, `clip${v}.mp4`), '');
  }
});
after(() => rmSync(root, { recursive: true, force: true }));

test('ucf101 rawframes: 3 splits of train/val lists with frame counts, missing videos skipped', async () => {
  const out = join(root, 'out') + '/';
  const code = await run(['ucf101', join(root, 'data/ucf101/rawframes'), '--level', '2', '--ann-root', join(root, 'data/ucf101/annotations'), '--out-root-path', out]);
  assert.equal(code, 0);
  assert.equal(readFileSync(join(out, 'ucf101/ucf101_train_split_1_rawframes.txt'), 'utf8'),
    'ApplyEyeMakeup/v_ApplyEyeMakeup_g01_c01 3 0\nArchery/v_Archery_g01_c01 3 1\n');
  assert.equal(readFileSync(join(out, 'ucf101/ucf101_val_split_3_rawframes.txt'), 'utf8'),
    'ApplyEyeMakeup/v_ApplyEyeMakeup_g02_c01 4 0\nArchery/v_Archery_g02_c01 4 1\n');
});

test('folder videos: sorted classes, json output like lines2dictlist, seeded shuffle = Python random.shuffle', async () => {
  const out = join(root, 'out2') + '/';
  await run(['folder', join(root, 'clips'), '--format', 'videos', '--num-split', '1', '--out-root-path', out]);
  const txt = readFileSync(join(out, 'folder/folder_train_list_videos.txt'), 'utf8').trim().split('\n');
  assert.deepEqual(txt.slice(0, 2), ['class0/clip0.mp4 0', 'class0/clip1.mp4 0']);
  assert.equal(txt[9], 'class1/clip4.mp4 1');
  await run(['folder', join(root, 'clips'), '--format', 'videos', '--num-split', '1', '--out-root-path', out, '--output-format', 'json', '--shuffle', '--seed', '42']);
  const js = JSON.parse(readFileSync(join(out, 'folder/folder_train_list_videos.json'), 'utf8'));
  // python: random.seed(42); l = list(range(10)); random.shuffle(l) -> [7, 3, 2, 8, 5, 6, 9, 4, 0, 1]
  assert.deepEqual(js.map((d: { filename: string }) => txt.findIndex((l) => l.startsWith(d.filename + ' '))), [7, 3, 2, 8, 5, 6, 9, 4, 0, 1]);
  assert.deepEqual(js[0], { filename: 'class1/clip2.mp4', label: [1] });
});

test('bad input: unknown dataset, wrong split count, missing split files', async () => {
  await assert.rejects(run(['ucf102', root]), /unknown dataset 'ucf102'/);
  await assert.rejects(run(['folder', join(root, 'clips'), '--format', 'videos']), /has 1 split\(s\), but --num-split is 3/);
  await assert.rejects(run(['ucf101', join(root, 'clips'), '--ann-root', join(root, 'nowhere')]), /split file not found: .*nowhere\/classInd.txt/);
  await assert.rejects(run(['ucf101', join(root, 'clips'), '--level', '3']), /--level: expected one of 1, 2/);
});
