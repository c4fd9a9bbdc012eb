/**
 * AudioRecognizer + ResNetAudio (ConvAudio stem and factorised stages) + AudioTSNHead against a
 * PyTorch twin of MMAction2's code (scripts/fixtures/gen_models_2d_audio.py): state-dict layout,
 * seeded init, and test-mode 'prob' scores over 2 clips (rtol 1e-4, atol 1e-5).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { torch } from '../../src/index.ts';
import { buildModel } from '../../src/models/index.ts';
import { assertAllClose, npy, readJson } from './util.ts';

const NAME = 'audio_twin';
const meta = readJson(NAME, 'meta.json');

test('AudioRecognizer twin: keys, seeded init and test-mode scores', () => {
  torch.manualSeed(0);
  const model = buildModel({
    type: 'AudioRecognizer',
    backbone: { type: 'ResNetAudio', depth: 50, pretrained: null, in_channels: 1, norm_eval: false },
    cls_head: { type: 'AudioTSNHead', num_classes: 7, in_channels: 1024, dropout_ratio: 0.5, init_std: 0.01 },
    test_cfg: { average_clips: 'prob' },
  });
  assert.deepEqual([...model.stateDict()].map(([k, t]) => [k, t.shape, t.dtype]), meta.state_dict);
  for (const [k, t] of model.stateDict()) {
    const s = torch.tidy(() => t.double().sum().item());
    assert.ok(Math.abs(s - meta.init_sums[k]) <= 1e-6 * Math.max(1, Math.abs(meta.init_sums[k])), `${k}: init sum ${s}, twin ${meta.init_sums[k]}`);
  }
  torch.manualSeed(1);
  torch.noGrad(() => {
    for (const m of model.modules()) {
      if (!(m instanceof torch.nn.BatchNorm2d)) continue;
      m.weight!.uniform_(0.5, 1.5);
      m.bias!.normal_(0, 0.1);
      m.runningMean!.normal_(0, 0.1);
      m.runningVar!.uniform_(0.5, 1.5);
    }
  });
  model.eval();
  assertAllClose(model.forwardTest(npy(NAME, 'input.npy')), npy(NAME, 'output.npy'), 'output', { rtol: 1e-4, atol: 1e-5 });
});
