// Entry of worker threads in the video tests: registers tsx in this thread, then runs the
// TypeScript module named by workerData.entry.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
await import(workerData.entry);
