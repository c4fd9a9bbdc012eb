/**
 * `pretrained=` in backbone configs: a local file or an already-cached URL, read synchronously
 * inside initWeights() like MMAction2 does (URLs are downloaded beforehand, on request, with
 * `downloadCheckpoint` / `prefetchPretrained`).
 */
import * as torch from '../torch/index.ts';
import { loadStateDictInto, readCheckpoint } from './checkpoint.ts';

type Tensor = torch.Tensor;

export interface PretrainedSource {
  name: string;
  stateDict: Map<string, Tensor>;
  log(msg: string): void;
  loadInto(module: torch.nn.Module, o: { strict: boolean }): void;
}

export function loadPretrained(fileOrUrl: string, logger: (msg: string) => void = console.warn): PretrainedSource {
  const ck = readCheckpoint(fileOrUrl);
  return {
    name: fileOrUrl,
    stateDict: ck.stateDict,
    log: logger,
    loadInto: (module, { strict }) => { loadStateDictInto(module, ck.stateDict, { strict, name: fileOrUrl, logger }); },
  };
}
