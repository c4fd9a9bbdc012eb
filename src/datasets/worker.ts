/**
 * DataLoader worker thread: rebuilds the dataset from its config once, then prepares the
 * samples it is asked for (decode + augment) and hands the arrays back without copying.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { buildDataset } from './builder.ts';
import { encodeResults } from './collate.ts';

export interface WorkerRequest {
  id: number;
  idx: number;
  seed: number;
}

const port = parentPort;
if (!port) throw new Error('datasets/worker.ts must run in a worker thread');
const dataset = buildDataset(workerData.cfg, workerData.where ?? 'data');
port.on('message', async (req: WorkerRequest) => {
  try {
    const r = await dataset.prepare(req.idx, { seed: req.seed });
    const transfer = new Set<ArrayBuffer>();
    const results = encodeResults(r, transfer);
    port.postMessage({ id: req.id, ok: true, results }, [...transfer]);
  } catch (e) {
    const err = e as Error;
    port.postMessage({ id: req.id, ok: false, message: err.message, stack: err.stack, path: dataset.describe(req.idx) });
  }
});
port.postMessage({ ready: true, length: dataset.length });
