/**
 * EMAHook (mmcv/runner/hooks/ema.py), for `custom_hooks = [dict(type='EMAHook', ...)]`: keeps an
 * exponential moving average of every parameter in model buffers `ema_<name>` (saved in
 * checkpoints), updated after each `interval` iterations with momentum
 * min(momentum^interval, (1 + iter) / (warm_up + iter)); parameters and averages are swapped at
 * the start and end of each train epoch, exactly as mmcv does.
 */
import * as torch from '../../torch/index.ts';
import type { Tensor } from '../../torch/tensor.ts';
import type { RunnerLike } from '../types.ts';
import { Hook } from './hook.ts';

export interface EMAHookOptions {
  momentum?: number;
  interval?: number;
  warm_up?: number;
  resume_from?: string | null;
}

export class EMAHook extends Hook {
  readonly momentum: number;
  readonly interval: number;
  readonly warmUp: number;
  readonly checkpoint: string | null;
  private params: [string, Tensor][] = [];
  private emaBuffers = new Map<string, Tensor>();

  constructor({ momentum = 0.0002, interval = 1, warm_up = 100, resume_from = null }: EMAHookOptions = {}) {
    super();
    if (!(Number.isInteger(interval) && interval > 0)) throw new RangeError(`EMAHook: interval must be a positive integer, got ${interval}`);
    if (!(momentum > 0 && momentum < 1)) throw new RangeError(`EMAHook: momentum must be in (0, 1), got ${momentum}`);
    this.warmUp = warm_up;
    this.interval = interval;
    this.momentum = momentum ** interval;
    this.checkpoint = resume_from;
  }

  override beforeRun(r: RunnerLike): void {
    const model = r.model;
    this.params = [...model.namedParameters()];
    for (const [name, value] of this.params) {
      const bufferName = `ema_${name.replace(/\./g, '_')}`;
      if (!model.getBuffer(bufferName)) model.registerBuffer(bufferName, torch.noGrad(() => value.detach().clone()));
      this.emaBuffers.set(name, model.getBuffer(bufferName)!);
    }
    if (this.checkpoint !== null) (r as unknown as { resume(f: string): void }).resume(this.checkpoint);
  }

  override afterTrainIter(r: RunnerLike): void {
    const step = r.iter;
    const m = Math.min(this.momentum, (1 + step) / (this.warmUp + step));
    if (step % this.interval !== 0) return;
    torch.noGrad(() => {
      for (const [name, p] of this.params) this.emaBuffers.get(name)!.mul_(1 - m).add_(p, m);
    });
  }

  override afterTrainEpoch(): void { this.swap(); }
  override beforeTrainEpoch(): void { this.swap(); }

  private swap(): void {
    torch.noGrad(() => {
      for (const [name, p] of this.params) {
        const ema = this.emaBuffers.get(name)!;
        const tmp = p.clone();
        p.copy_(ema);
        ema.copy_(tmp);
        tmp.dispose();
      }
    });
  }
}
