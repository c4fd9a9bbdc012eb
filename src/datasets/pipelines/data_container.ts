/**
 * mmcv's DataContainer and MMAction2's ToDataContainer (formatting.py): a marked result that
 * collate does not stack. With `stack=False` a batch holds the list of the samples' values
 * (BMN's `gt_bbox`: one [K, 2] array per video, K varying); `stack=True` stacks as usual.
 * `cpu_only` keeps the value on the CPU (lists are never moved to a device here anyway).
 * mmcv pads stacked values of different shapes; mmaction-ts refuses them with a clear error.
 */
import { parseOptions, type Cfg } from './options.ts';
import type { Results, Transform } from './types.ts';

export class DataContainer {
  constructor(readonly data: unknown, readonly stack = false, readonly cpuOnly = false) {}
}

export interface DataContainerField {
  key: string;
  /** Default false. */
  stack?: boolean;
  /** Default false. */
  cpu_only?: boolean;
  /** mmcv's padding for stack=True (default 0, over the last pad_dims=2 dims): only equal shapes are supported. */
  padding_value?: number;
  pad_dims?: number | null;
}

export class ToDataContainer implements Transform {
  readonly type = 'ToDataContainer';
  readonly fields: DataContainerField[];

  constructor(cfg: Cfg, where = 'ToDataContainer') {
    const o = parseOptions(where, cfg, {} as { fields: DataContainerField[] }, ['fields']);
    if (!Array.isArray(o.fields)) throw new Error(`${where}: fields must be a list of dicts like {key: 'gt_bbox', stack: False}`);
    this.fields = o.fields.map((f, i) => {
      const field = parseOptions(`${where}.fields[${i}]`, f as unknown as Cfg, { stack: false, cpu_only: false, padding_value: 0, pad_dims: 2 } as Required<Omit<DataContainerField, 'key'>> & { key: string }, ['key']);
      if (typeof field.key !== 'string') throw new Error(`${where}.fields[${i}]: key must be a string`);
      if (typeof field.stack !== 'boolean' || typeof field.cpu_only !== 'boolean') throw new Error(`${where}.fields[${i}]: stack and cpu_only must be booleans`);
      return field;
    });
  }

  call(results: Results): Results {
    for (const f of this.fields) {
      if (!(f.key in results)) throw new Error(`ToDataContainer: results has no key '${f.key}' (keys: ${Object.keys(results).join(', ')})`);
      results[f.key] = new DataContainer(results[f.key], f.stack ?? false, f.cpu_only ?? false);
    }
    return results;
  }
}
