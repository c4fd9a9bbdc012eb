// Runs in a worker thread (see reader.test.ts): opens a video and reads two frames.
import { parentPort, workerData } from 'node:worker_threads';
import { VideoReader } from '../../src/video/index.ts';

const r = await VideoReader.open(workerData.file as string);
const t = await r.getBatch(workerData.indices as number[]);
let sum = 0;
for (const v of t.toTypedArray() as Uint8Array) sum += v;
parentPort!.postMessage({ n: r.numFrames, shape: t.shape, sum });
t.dispose();
r.close();
