/**
 * End to end: `mmaction train` on a small rawframe dataset written in the setup (3 classes told
 * apart by colour and texture, noisy), with --validate, checkpoints and logs; then `mmaction test`
 * on the saved checkpoint reproduces the accuracy the training log reported; then --resume-from.
 */
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { main } from '../../src/cli/index.ts';
import { loadSync } from '../../src/torch/serialization/load.ts';

let root = '';
const SIZE = 24;

async function writeVideo(dir: string, cls: number, seed: number): Promise<void> {
  mkdirSync(dir, { recursive: true });
  let s = (seed * 2654435761) >>> 0;
  const rand = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  for (let f = 1; f <= 6; f++) {
    const px = Buffer.alloc(SIZE * SIZE * 3);
    for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) {
      const stripe = cls === 0 ? (x >> 2) & 1 : cls === 1 ? (y >> 2) & 1 : ((x + y) >> 2) & 1;
      const base = [[200, 60, 60], [60, 200, 60], [60, 60, 200]][cls];
      for (let c = 0; c < 3; c++) px[(y * SIZE + x) * 3 + c] = Math.max(0, Math.min(255, base[c] * (0.6 + 0.4 * stripe) + (rand() - 0.5) * 160));
    }
    await sharp(px, { raw: { width: SIZE, height: SIZE, channels: 3 } }).jpeg({ quality: 95 }).toFile(join(dir, `img_${String(f).padStart(5, '0')}.jpg`));
  }
}

const CONFIG = (data: string) => `
model = dict(
    type='Recognizer2D',
    backbone=dict(type='ResNet', depth=18, num_stages=2, out_indices=(1, ), strides=(1, 2), dilations=(1, 1), pretrained=None, norm_eval=False),
    cls_head=dict(type='TSNHead', num_classes=3, in_channels=128, spatial_type='avg',
                  consensus=dict(type='AvgConsensus', dim=1), dropout_ratio=0.2, init_std=0.01),
    train_cfg=None,
    test_cfg=dict(average_clips='prob'))
dataset_type = 'RawframeDataset'
data_root = '${data}'
img_norm_cfg = dict(mean=[123.675, 116.28, 103.53], std=[58.395, 57.12, 57.375], to_bgr=False)
train_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=2),
    dict(type='RawFrameDecode'),
    dict(type='Flip', flip_ratio=0.5),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='Collect', keys=['imgs', 'label'], meta_keys=[]),
    dict(type='ToTensor', keys=['imgs', 'label'])
]
val_pipeline = [
    dict(type='SampleFrames', clip_len=1, frame_interval=1, num_clips=2, test_mode=True),
    dict(type='RawFrameDecode'),
    dict(type='Normalize', **img_norm_cfg),
    dict(type='FormatShape', input_format='NCHW'),
    dict(type='Collect', keys=['imgs', 'label'], meta_keys=[]),
    dict(type='ToTensor', keys=['imgs', 'label'])
]
data = dict(
    videos_per_gpu=6,
    workers_per_gpu=0,
    train=dict(type=dataset_type, ann_file=data_root + '/train.txt', data_prefix=data_root, pipeline=train_pipeline, filename_tmpl='img_{:05}.jpg'),
    val=dict(type=dataset_type, ann_file=data_root + '/val.txt', data_prefix=data_root, pipeline=val_pipeline, filename_tmpl='img_{:05}.jpg'),
    test=dict(type=dataset_type, ann_file=data_root + '/val.txt', data_prefix=data_root, pipeline=val_pipeline, filename_tmpl='img_{:05}.jpg'))
evaluation = dict(interval=1, metrics=['top_k_accuracy', 'mean_class_accuracy'], metric_options=dict(top_k_accuracy=dict(topk=(1, 2))))
optimizer = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=0.0001)
optimizer_config = dict(grad_clip=dict(max_norm=40, norm_type=2))
lr_config = dict(policy='step', step=[3])
total_epochs = 3
checkpoint_config = dict(interval=1)
log_config = dict(interval=1, hooks=[dict(type='TextLoggerHook')])
dist_params = dict(backend='nccl')
log_level = 'INFO'
load_from = None
resume_from = None
workflow = [('train', 1)]
`;

before(async () => {
  root = mkdtempSync(join(tmpdir(), 'mmaction-e2e-'));
  const train: string[] = [];
  const val: string[] = [];
  for (let i = 0; i < 18; i++) { await writeVideo(join(root, `t${i}`), i % 3, i + 1); train.push(`t${i} 6 ${i % 3}`); }
  for (let i = 0; i < 6; i++) { await writeVideo(join(root, `v${i}`), i % 3, 1000 + i); val.push(`v${i} 6 ${i % 3}`); }
  writeFileSync(join(root, 'train.txt'), train.join('\n') + '\n');
  writeFileSync(join(root, 'val.txt'), val.join('\n') + '\n');
  writeFileSync(join(root, 'tsn_tiny.py'), CONFIG(root));
});
after(() => rmSync(root, { recursive: true, force: true }));

function jsonLog(dir: string): Record<string, any>[] {
  const f = readdirSync(dir).filter((x) => x.endsWith('.log.json')).sort().pop()!;
  return readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
}

test('mmaction train --validate, then mmaction test gives the accuracy the log reported', async () => {
  const work = join(root, 'work');
  const code = await main(['train', join(root, 'tsn_tiny.py'), '--work-dir', work, '--validate', '--test-last', '--test-best', '--seed', '0',
    '--cfg-options', 'checkpoint_config.max_keep_ckpts=2']);
  assert.equal(code, 0);
  // --test-last/--test-best: predictions dumped like MMAction2 (a list of float32 numpy arrays) and metrics logged
  const { loadPickle } = await import('../../src/torch/serialization/index.ts') as unknown as { loadPickle?: (p: string) => unknown };
  for (const name of ['last', 'best']) assert.ok(existsSync(join(work, `${name}_pred.pkl`)), `${name}_pred.pkl`);
  if (loadPickle) {
    const preds = loadPickle(join(work, 'last_pred.pkl')) as { shape: number[] }[];
    assert.equal(preds.length, 6);
    assert.deepEqual(preds[0].shape, [3]);
  }
  const logText = readFileSync(join(work, readdirSync(work).filter((f) => f.endsWith('.log') && !f.endsWith('.json.log')).sort().pop()!), 'utf8');
  assert.match(logText, /Testing results of the last checkpoint\n.*top1_acc: \d\.\d{4}/);
  assert.match(logText, /Testing results of the best checkpoint/);
  const files = readdirSync(work).sort();
  for (const f of ['epoch_2.pth', 'epoch_3.pth', 'latest.pth', 'tsn_tiny.py']) assert.ok(files.includes(f), `${f} in ${files.join(', ')}`);
  assert.ok(!files.includes('epoch_1.pth'), 'max_keep_ckpts=2 from --cfg-options');
  assert.ok(files.some((f) => /^best_top1_acc_epoch_\d\.pth$/.test(f)));
  assert.ok(files.some((f) => /^\d{8}_\d{6}\.log$/.test(f)));
  const log = jsonLog(work);
  assert.equal(log[0].seed, 0);
  assert.equal(log[0].config_name, 'tsn_tiny.py');
  const trainLines = log.filter((l) => l.mode === 'train');
  const valLines = log.filter((l) => l.mode === 'val');
  assert.equal(trainLines.length, 9); // 3 iterations per epoch, interval 1
  assert.equal(valLines.length, 3);
  assert.deepEqual(Object.keys(valLines[0]), ['mode', 'epoch', 'iter', 'lr', 'top1_acc', 'top2_acc', 'mean_class_accuracy']);
  assert.ok(trainLines[trainLines.length - 1].loss < trainLines[0].loss, `loss goes down: ${trainLines.map((l) => l.loss).join(' ')}`);
  const last = valLines[valLines.length - 1];
  assert.ok(last.top1_acc > 0.6, `accuracy beats chance (1/3): ${last.top1_acc}`);

  const ck = loadSync(join(work, 'epoch_3.pth'));
  assert.match(ck.meta.config, /total_epochs = 3/);
  assert.equal(ck.meta.epoch, 3);
  assert.ok(ck.meta.mmaction_version);
  assert.ok(ck.optimizer.param_groups[0].initial_lr === 0.01);

  const out = join(root, 'results.json');
  const lines: string[] = [];
  const orig = console.log;
  console.log = (m: string) => { lines.push(String(m)); };
  try {
    assert.equal(await main(['test', join(root, 'tsn_tiny.py'), join(work, 'epoch_3.pth'), '--eval', 'top_k_accuracy', 'mean_class_accuracy', '--out', out,
      '--eval-options', 'metric_options.top_k_accuracy.topk=(1,2)']), 0);
  } finally {
    console.log = orig;
  }
  const top1 = Number(/^top1_acc: ([\d.]+)$/m.exec(lines.join('\n'))![1]);
  assert.equal(top1, Number(last.top1_acc.toFixed(4)), 'the test command reproduces the last validation accuracy');
  const scores = JSON.parse(readFileSync(out, 'utf8')) as number[][];
  assert.equal(scores.length, 6);
  assert.ok(Math.abs(scores[0].reduce((a, b) => a + b, 0) - 1) < 1e-5, 'average_clips=prob gives probabilities');
  await main(['test', join(root, 'tsn_tiny.py'), join(work, 'epoch_3.pth'), '--out', join(root, 'results.pkl')]);
  assert.ok(existsSync(join(root, 'results.pkl')));
});

test('mmaction train --resume-from continues from the saved epoch', async () => {
  const work = join(root, 'work');
  const work2 = join(root, 'work2');
  const code = await main(['train', join(root, 'tsn_tiny.py'), '--work-dir', work2, '--seed', '0', '--resume-from', join(work, 'epoch_2.pth'),
    '--cfg-options', 'total_epochs=3']);
  assert.equal(code, 0);
  const a = loadSync(join(work, 'epoch_3.pth'));
  const b = loadSync(join(work2, 'epoch_3.pth'));
  assert.ok(!existsSync(join(work2, 'epoch_2.pth')));
  for (const k of Object.keys(a.state_dict)) assert.ok(a.state_dict[k].equal(b.state_dict[k]), `${k} equals the uninterrupted run`);
});

test('kill -9 of `mmaction train` in the middle of epoch 3, then --resume-from latest.pth: same weights and log values as an uninterrupted run', async () => {
  const bin = fileURLToPath(new URL('../../bin/mmaction.js', import.meta.url));
  const args = (work: string) => ['train', join(root, 'tsn_tiny.py'), '--work-dir', work, '--seed', '3', '--cfg-options', 'total_epochs=4', 'data.videos_per_gpu=2', 'lr_config.step=[3]'];
  const full = join(root, 'full');
  const killed = join(root, 'killed');
  assert.equal(await main(args(full)), 0);
  await new Promise<void>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args(killed)], { stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => { err += d; });
    const timer = setInterval(() => {
      const f = existsSync(killed) ? readdirSync(killed).find((x) => x.endsWith('.log.json')) : undefined;
      if (f && readFileSync(join(killed, f), 'utf8').includes('"epoch": 3, "iter": 2,')) { clearInterval(timer); child.kill('SIGKILL'); }
    }, 2);
    child.on('exit', (code, signal) => {
      clearInterval(timer);
      if (signal === 'SIGKILL') resolve();
      else reject(new Error(`mmaction train exited (${code}) before it was killed: ${err.slice(-2000)}`));
    });
  });
  assert.ok(existsSync(join(killed, 'epoch_2.pth')) && !existsSync(join(killed, 'epoch_4.pth')));
  const firstLog = readdirSync(killed).filter((x) => x.endsWith('.log.json'));
  assert.equal(await main([...args(killed), '--resume-from', join(killed, 'latest.pth')]), 0);
  const a = loadSync(join(full, 'epoch_4.pth'));
  const b = loadSync(join(killed, 'epoch_4.pth'));
  for (const k of Object.keys(a.state_dict)) assert.ok(a.state_dict[k].equal(b.state_dict[k]), `${k} equals the uninterrupted run`);
  const strip = (l: Record<string, any>) => { const { time: _t, data_time: _d, ...rest } = l; return rest; };
  const tail = (dir: string, name?: string) => {
    const f = name ?? readdirSync(dir).filter((x) => x.endsWith('.log.json')).sort().pop()!;
    return readFileSync(join(dir, f), 'utf8').trim().split('\n').map((l) => JSON.parse(l)).filter((l) => l.mode === 'train').map(strip);
  };
  const resumedLog = readdirSync(killed).filter((x) => x.endsWith('.log.json') && !firstLog.includes(x));
  assert.equal(resumedLog.length, 1);
  const resumed = tail(killed, resumedLog[0]);
  assert.deepEqual(resumed, tail(full).filter((l) => l.epoch >= 3), 'losses, accuracies and lr of epochs 3-4 are the same');
});

test('bad input: a missing config field and a checkpoint of another architecture are reported clearly', async () => {
  const errs: string[] = [];
  const orig = console.error;
  console.error = (m: string) => { errs.push(String(m)); };
  try {
    assert.equal(await main(['train', join(root, 'tsn_tiny.py'), '--work-dir', join(root, 'w3'), '--cfg-options', 'total_epochs=None']), 1);
    assert.match(errs.join('\n'), /total_epochs is missing/);
    assert.equal(await main(['train', join(root, 'tsn_tiny.py'), '--bogus']), 1);
    assert.match(errs.join('\n'), /unknown option '--bogus'/);
    assert.equal(await main(['test', join(root, 'tsn_tiny.py'), join(root, 'work', 'epoch_3.pth')]), 1);
    assert.match(errs.join('\n'), /--out" or "--eval"/);
    // a checkpoint of another architecture (3 classes) for a 5-class model
    assert.equal(await main(['test', join(root, 'tsn_tiny.py'), join(root, 'work', 'epoch_3.pth'), '--eval', 'top_k_accuracy', '--cfg-options', 'model.cls_head.num_classes=5']), 1);
    assert.match(errs.join('\n'), /epoch_3\.pth does not fit the model of .*tsn_tiny\.py \(was it trained with another config\?\)[\s\S]*size mismatch for cls_head\.fc_cls\.weight/);
    assert.equal(await main(['train', join(root, 'tsn_tiny.py'), '--work-dir', join(root, 'w4'), '--resume-from', join(root, 'work', 'epoch_3.pth'), '--cfg-options', 'model.cls_head.num_classes=5']), 1);
    assert.match(errs.join('\n'), /mmaction train: cannot resume from [\s\S]*size mismatch for cls_head\.fc_cls\.weight[\s\S]*--load-from/);
  } finally {
    console.error = orig;
  }
});
