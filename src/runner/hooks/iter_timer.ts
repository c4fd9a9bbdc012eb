/** IterTimerHook (mmcv/runner/hooks/iter_timer.py): `data_time` (waiting for the batch) and `time` (whole iteration) in seconds. */
import type { RunnerLike } from '../types.ts';
import { Hook } from './hook.ts';

const now = (): number => performance.now() / 1000;

export class IterTimerHook extends Hook {
  private t = now();
  override beforeEpoch(_r: RunnerLike): void { this.t = now(); }
  override beforeIter(r: RunnerLike): void { r.logBuffer.update({ data_time: now() - this.t }); }
  override afterIter(r: RunnerLike): void {
    r.logBuffer.update({ time: now() - this.t });
    this.t = now();
  }
}
