/**
 * `pretrained=` in backbone configs: a local file or an already-cached URL, read synchronously
 * inside initWeights() like MMAction2 does (URLs are downloaded beforehand, on request, with
 * `downloadCheckpoint` / `prefetchPretrained`).
 */
import * as torch from '../torch/index.ts';
import { disposeCheckpoint, loadStateDictInto, readCheckpoint } from './checkpoint.ts';

type Tensor = torch.Tensor;

export interface PretrainedSource {
  name: string;
  /** Frees the checkpoint's tensors (call when done). */
  dispose(): void;
  stateDict: Map<string, Tensor>;
  log(msg: string): void;
  /** Copies the weights into `module` (keys as in the file) and frees the checkpoint. */
  loadInto(module: torch.nn.Module, o: { strict: boolean }): void;
}

export function loadPretrained(fileOrUrl: string, logger: (msg: string) => void = console.warn): PretrainedSource {
  const ck = readCheckpoint(fileOrUrl);
  return {
    name: fileOrUrl,
    dispose: () => disposeCheckpoint(ck.checkpoint),
    stateDict: ck.stateDict,
    log: logger,
    // One-shot: loading frees the checkpoint's tensors (the module holds copies).
    loadInto: (module, { strict }) => {
      try {
        loadStateDictInto(module, ck.stateDict, { strict, name: fileOrUrl, logger });
      } finally {
        disposeCheckpoint(ck.checkpoint);
      }
    },
  };
}
