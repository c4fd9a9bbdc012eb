/**
 * CheckpointHook (mmcv/runner/hooks/checkpoint.py): saves `epoch_N.pth` (or `iter_N.pth`) every
 * `interval` epochs (iterations) and at the last one, updates `latest.pth`, records
 * `meta.hook_msgs.last_ckpt`, and keeps only the newest `max_keep_ckpts` files. Rank 0 only.
 */
import { existsSync, statSync, unlinkSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Meta, RunnerLike } from '../types.ts';
import { Hook } from './hook.ts';

export interface CheckpointHookOptions {
  /** Save every `interval` epochs/iterations; -1: only at the end (save_last). Default -1. */
  interval?: number;
  by_epoch?: boolean;
  save_optimizer?: boolean;
  /** Folder for checkpoints; default the work dir. A different folder gets the work dir's name appended, as in mmcv. */
  out_dir?: string | null;
  /** Keep this many newest periodic checkpoints (-1: all). */
  max_keep_ckpts?: number;
  save_last?: boolean;
  sync_buffer?: boolean;
  /** File name template ('epoch_{}.pth' / 'iter_{}.pth'). */
  filename_tmpl?: string;
  /** Write latest.pth. Default true. */
  create_symlink?: boolean;
  /** Extra meta saved in every checkpoint (train.ts sets mmaction_version and config). */
  meta?: Meta | null;
}

export class CheckpointHook extends Hook {
  readonly interval: number;
  readonly byEpoch: boolean;
  readonly saveOptimizer: boolean;
  outDir: string | null;
  readonly maxKeepCkpts: number;
  readonly saveLast: boolean;
  readonly filenameTmpl: string | null;
  readonly createSymlink: boolean;
  readonly meta: Meta | null;

  constructor(o: CheckpointHookOptions = {}) {
    super();
    this.interval = o.interval ?? -1;
    this.byEpoch = o.by_epoch ?? true;
    this.saveOptimizer = o.save_optimizer ?? true;
    this.outDir = o.out_dir ?? null;
    this.maxKeepCkpts = o.max_keep_ckpts ?? -1;
    this.saveLast = o.save_last ?? true;
    this.filenameTmpl = o.filename_tmpl ?? null;
    this.createSymlink = o.create_symlink ?? true;
    this.meta = o.meta ?? null;
  }

  override beforeRun(r: RunnerLike): void {
    if (!r.workDir) throw new Error('CheckpointHook: the runner has no work_dir');
    if (!this.outDir) this.outDir = r.workDir;
    else if (this.outDir !== r.workDir) this.outDir = join(this.outDir, basename(r.workDir.replace(/[\\/]+$/, '')));
    r.logger.info(`Checkpoints will be saved to ${this.outDir} by HardDiskBackend.`);
  }

  override afterTrainEpoch(r: RunnerLike): void {
    if (!this.byEpoch) return;
    if (this.everyNEpochs(r, this.interval) || (this.saveLast && this.isLastEpoch(r))) {
      r.logger.info(`Saving checkpoint at ${r.epoch + 1} epochs`);
      this.save(r);
    }
  }

  override afterTrainIter(r: RunnerLike): void {
    if (this.byEpoch) return;
    if (this.everyNIters(r, this.interval) || (this.saveLast && this.isLastIter(r))) {
      r.logger.info(`Saving checkpoint at ${r.iter + 1} iterations`);
      this.save(r);
    }
  }

  private tmpl(): string {
    return this.filenameTmpl ?? (this.byEpoch ? 'epoch_{}.pth' : 'iter_{}.pth');
  }

  protected save(r: RunnerLike): void {
    if (r.rank !== 0) return;
    const current = this.byEpoch ? r.epoch + 1 : r.iter + 1;
    try {
      r.saveCheckpoint(this.outDir!, {
        filenameTmpl: this.filenameTmpl ?? undefined, saveOptimizer: this.saveOptimizer,
        meta: this.meta ? { ...this.meta } : null, createSymlink: this.createSymlink,
      });
    } catch (e) {
      const last = r.meta?.hook_msgs?.last_ckpt as string | undefined;
      throw new Error(`Saving the checkpoint of ${this.byEpoch ? 'epoch' : 'iter'} ${current} failed: ${(e as Error).message}. ` +
        `The files written before are untouched${last ? ` (the last good checkpoint is ${last}, also latest.pth)` : ''}. ` +
        'Free disk space (or set checkpoint_config.max_keep_ckpts / out_dir), then continue with --resume-from latest.pth.', { cause: e });
    }
    if (r.meta) {
      r.meta.hook_msgs ??= {};
      r.meta.hook_msgs.last_ckpt = join(this.outDir!, this.tmpl().replace('{}', String(current)));
    }
    if (this.maxKeepCkpts > 0) {
      for (let step = current - this.maxKeepCkpts * this.interval; step > 0; step -= this.interval) {
        const p = join(this.outDir!, this.tmpl().replace('{}', String(step)));
        if (existsSync(p) && statSync(p).isFile()) unlinkSync(p);
        else break;
      }
    }
  }
}
