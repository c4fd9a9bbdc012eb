/**
 * PreciseBNHook (mmaction/utils/precise_bn.py): every `interval` epochs, recomputes the BatchNorm
 * running statistics with the weights fixed, as the true average of per-batch mean/variance over
 * `num_iters` training batches (momentum 1 during the pass), instead of the running average.
 */
import * as torch from '../../torch/index.ts';
import type { Tensor } from '../../torch/tensor.ts';
import { batchToDevice, disposeBatch, iterateLoader } from '../engine.ts';
import type { LoaderLike, RunnerLike } from '../types.ts';
import { Hook } from './hook.ts';

type BN = InstanceType<typeof torch.nn.BatchNorm>;

export interface PreciseBNOptions {
  num_iters?: number;
  interval?: number;
}

/** A model run forward without loss (`model(**data, return_loss=False)`). */
interface ForwardModel {
  modules(): Iterable<unknown>;
  train(mode?: boolean): unknown;
  forwardTest(imgs: Tensor, data?: Record<string, unknown>): Tensor;
}

/** `update_bn_stats(model, data_loader, num_iters)`. */
export async function updateBnStats(model: ForwardModel, loader: LoaderLike, numIters = 200, log: (m: string) => void = () => {}, device = 'cpu'): Promise<void> {
  model.train();
  if (loader.length < numIters) throw new Error(`precise_bn: length of dataloader ${loader.length} must be greater than iteration number ${numIters}`);
  const bns = [...model.modules()].filter((m): m is BN => m instanceof torch.nn.BatchNorm && m.training && m.runningMean !== null);
  if (bns.length === 0) { log('No BN found in model'); return; }
  log(`${bns.length} BN found`);
  if ([...model.modules()].some((m) => (m instanceof torch.nn.InstanceNorm || m instanceof torch.nn.GroupNorm) && (m as { training: boolean }).training)) {
    log('IN/GN stats will be updated like training.');
  }
  // momentum is fixed at construction in the engine's BatchNorm; it is read at every forward
  const mutable = bns as unknown as { momentum: number | null }[];
  const momentumActual = mutable.map((b) => b.momentum);
  for (const b of mutable) b.momentum = 1.0;
  const runningMean = bns.map((b) => torch.zerosLike(b.runningMean!));
  const runningVar = bns.map((b) => torch.zerosLike(b.runningVar!));
  let done = 0;
  try {
    for await (const cpuData of iterateLoader(loader)) {
      const data = batchToDevice(cpuData, device);
      try {
        torch.noGrad(() => torch.tidy(() => { model.forwardTest(data.imgs, data); }));
      } finally {
        disposeBatch(data);
      }
      torch.noGrad(() => torch.tidy(() => {
        bns.forEach((b, i) => {
          runningMean[i].add_(b.runningMean!.sub(runningMean[i]).div(done + 1));
          runningVar[i].add_(b.runningVar!.sub(runningVar[i]).div(done + 1));
        });
      }));
      done += 1;
      if (done >= numIters) break;
    }
    if (done < numIters) throw new Error(`precise_bn: Dataloader stopped before iteration ${numIters}`);
    torch.noGrad(() => bns.forEach((b, i) => { b.runningMean!.copy_(runningMean[i]); b.runningVar!.copy_(runningVar[i]); }));
  } finally {
    mutable.forEach((b, i) => { b.momentum = momentumActual[i]; });
    for (const t of [...runningMean, ...runningVar]) t.dispose();
  }
}

export class PreciseBNHook extends Hook {
  readonly numIters: number;
  readonly interval: number;
  constructor(readonly dataloader: LoaderLike, { num_iters = 200, interval = 1, ...rest }: PreciseBNOptions = {}) {
    super();
    if (Object.keys(rest).length) throw new TypeError(`precise_bn: unknown option '${Object.keys(rest)[0]}' (valid: num_iters, interval)`);
    this.numIters = num_iters;
    this.interval = interval;
  }
  override async afterTrainEpoch(r: RunnerLike): Promise<void> {
    if (!this.everyNEpochs(r, this.interval)) return;
    r.logger.info(`Running Precise BN for ${this.numIters} iterations`);
    await updateBnStats(r.model as unknown as ForwardModel, this.dataloader, this.numIters, (m) => r.logger.info(m), (r as { device?: string }).device ?? 'cpu');
    r.logger.info('BN stats updated');
  }
}
