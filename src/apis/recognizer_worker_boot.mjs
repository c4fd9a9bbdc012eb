// Entry of the recognizer worker thread (webcam demo): installs tsx's loader in this thread (so it
// works whether the parent ran under `node --import tsx` or `tsx/esm/api`), then runs the worker.
import { register } from 'tsx/esm/api';

register();
await import('./recognizer_worker.ts');
