// Entry of DataLoader worker threads: installs tsx's loader in this thread (so it works
// whether the parent ran under `node --import tsx` or `tsx/esm/api`), then runs worker.ts.
import { register } from 'tsx/esm/api';

register();
await import('./worker.ts');
