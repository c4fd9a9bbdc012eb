/**
 * Checkpoints in mmcv's `save_checkpoint` format, readable by MMAction2 in Python:
 *   {meta: {mmaction_version, config, epoch, iter, time, CLASSES?, env_info, seed, hook_msgs...},
 *    state_dict: OrderedDict(name -> tensor on CPU), optimizer: optimizer.state_dict()}
 * Every file is written atomically (a temporary sibling, fsync, rename), so a crash or a full
 * disk leaves the previous file whole. `latest.pth` is a hard link to (or, where links are not
 * possible, a copy of) the newest epoch file, also replaced atomically; mmcv makes it a symlink,
 * which a crash between unlink and link can lose.
 *
 * The only seam to src/torch/serialization (saveSync) and src/models/checkpoint.ts (reading).
 */
import { closeSync, copyFileSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import * as torch from '../torch/index.ts';
import type { Tensor } from '../torch/tensor.ts';
import type { Module } from '../torch/nn/module.ts';
import type { Optimizer } from '../torch/optim/optimizer.ts';
import { saveSync } from '../torch/serialization/save.ts';
import { orderedDict } from '../torch/serialization/pytypes.ts';
import { readCheckpoint, loadStateDictInto, type CheckpointLoadReport } from '../models/checkpoint.ts';
import type { Meta } from './types.ts';

/** What goes into `meta.mmaction_version`: MMAction2's version this port follows, plus ours. */
export const MMACTION_VERSION = '0.24.1+ts.0.1.0';

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** Python's `time.asctime()`: 'Wed Nov  5 10:56:36 2026'. */
export function pyAsctime(d = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${DAYS[d.getDay()]} ${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())} ${d.getFullYear()}`;
}

export interface SaveCheckpointArgs {
  optimizer?: Optimizer | null;
  meta?: Meta | null;
}

/** Model state on the CPU, detached (`weights_to_cpu(get_state_dict(model))`); the caller disposes the tensors. */
function cpuStateDict(model: Module): [string, Tensor][] {
  return [...model.stateDict()].map(([k, t]) => [k, t.device === 'cpu' ? t.detach() : t.detach().to('cpu')]);
}

/** mmcv's `save_checkpoint(model, filename, optimizer, meta)`, written atomically. */
export function saveCheckpoint(model: Module & { CLASSES?: string[] | null }, filename: string, { optimizer = null, meta = null }: SaveCheckpointArgs = {}): void {
  const m: Meta = { ...(meta ?? {}), time: pyAsctime() };
  if (model.CLASSES) m.CLASSES = model.CLASSES;
  // mmcv's HardDiskBackend.put creates the folder
  mkdirSync(dirname(filename), { recursive: true });
  const entries = cpuStateDict(model);
  try {
    const checkpoint: Record<string, unknown> = { meta: m, state_dict: orderedDict(entries) };
    if (optimizer) checkpoint.optimizer = optimizer.stateDict();
    saveSync(checkpoint, filename);
  } finally {
    for (const [, t] of entries) t.dispose();
  }
}

/**
 * Points `dst` at the same contents as `src`, atomically: a hard link (or a copy where the file
 * system refuses links) under a temporary name, then a rename over `dst`.
 */
export function linkOrCopyAtomic(src: string, dst: string): void {
  const tmp = join(dirname(dst), `.${basename(dst)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    try {
      linkSync(src, tmp);
    } catch {
      copyFileSync(src, tmp);
      const fd = openSync(tmp, 'r+');
      try { fsyncSync(fd); } finally { closeSync(fd); }
    }
    renameSync(tmp, dst);
  } catch (e) {
    try { unlinkSync(tmp); } catch { /* not created */ }
    throw new Error(`${dst}: cannot update from ${src} (${(e as Error).message})`);
  }
}

export interface LoadedCheckpoint {
  meta: Meta | null;
  /** The optimizer state dict, if the file has one. */
  optimizer: unknown;
  report: CheckpointLoadReport;
  path: string;
}

/**
 * mmcv's `load_checkpoint(model, filename, map_location='cpu', strict)`: reads a local file and
 * loads its state dict into the model (the loaded tensors are freed afterwards).
 */
export function loadCheckpointFile(model: Module, filename: string, { strict = false, log = null as ((msg: string) => void) | null } = {}): LoadedCheckpoint {
  const ck = readCheckpoint(filename, { mapLocation: 'cpu' });
  try {
    const report = loadStateDictInto(model, ck.stateDict, { strict, name: ck.path, logger: log });
    const top = ck.checkpoint as Record<string, unknown> | Map<string, unknown>;
    const optimizer = top instanceof Map ? top.get('optimizer') : top.optimizer;
    return { meta: (ck.meta as Meta | null) ?? null, optimizer, report, path: ck.path };
  } finally {
    for (const t of ck.stateDict.values()) t.dispose();
  }
}

/** Frees every tensor inside a loaded (nested) value. */
export function disposeTensors(value: unknown, depth = 0): void {
  if (value === null || typeof value !== 'object' || depth > 10) return;
  if (value instanceof torch.Tensor) { if (!value.isDisposed) value.dispose(); return; }
  if (Array.isArray(value)) for (const v of value) disposeTensors(v, depth + 1);
  else if (value instanceof Map) for (const v of value.values()) disposeTensors(v, depth + 1);
  else for (const v of Object.values(value)) disposeTensors(v, depth + 1);
}
