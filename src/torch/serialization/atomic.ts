/** Atomic file writes: results appear whole or not at all. */
import { closeSync, fsyncSync, openSync, renameSync, unlinkSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { FdSink, type ByteSink } from './zip.ts';

/** Writes a file through a temporary sibling and a rename; removes the temporary on failure. */
export function writeAtomic(path: string, write: (sink: ByteSink) => void): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd: number;
  try {
    fd = openSync(tmp, 'w');
  } catch (e) {
    throw new Error(`${path}: cannot write (${(e as Error).message})`);
  }
  try {
    write(new FdSink(fd));
    fsyncSync(fd);
    closeSync(fd);
    renameSync(tmp, path);
  } catch (e) {
    try { closeSync(fd); } catch { /* already closed */ }
    try { unlinkSync(tmp); } catch { /* not created */ }
    const err = e as Error;
    err.message = `${path}: ${err.message}`;
    throw err;
  }
}
