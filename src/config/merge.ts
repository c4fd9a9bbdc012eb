/**
 * mmcv's config merging (mmcv/utils/config.py, `Config._merge_a_into_b` and `merge_from_dict`),
 * copied rule for rule: a child dict merges into the base dict key by key, `_delete_=True`
 * replaces the base dict, anything else (lists included) replaces; with `allowListKeys`, digit
 * keys index into lists (`data.train.pipeline.0.type=...`).
 */
import { intKeys, isDict, isList, PyTuple, repr, setIntKeys, typeName, type PyDict, type PyValue } from './python/values.ts';

export const BASE_KEY = '_base_';
export const DELETE_KEY = '_delete_';
export const DEPRECATION_KEY = '_deprecation_';
export const RESERVED_KEYS = ['filename', 'text', 'pretty_text'];

export class ConfigMergeError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigMergeError';
  }
}

/**
 * Merges `a` into a copy of `b` (neither input is modified). Note mmcv's quirk, kept: a
 * `_delete_` key is only consumed where the base has the same key; elsewhere it stays.
 */
export function mergeAIntoB(a: PyDict, b: PyDict | PyValue[], allowListKeys = false, where = ''): PyDict | PyValue[] {
  const out: PyDict | PyValue[] = Array.isArray(b) ? [...b] : { ...b };
  for (const [k, v0] of Object.entries(a)) {
    const path = where ? `${where}.${k}` : k;
    if (allowListKeys && /^\d+$/.test(k) && isList(out)) {
      const i = Number(k);
      if (out.length <= i) throw new ConfigMergeError(`${path}: index ${i} exceeds the length of the list (${out.length} items)`);
      // mmcv requires a dict here (it merges); a plain value replaces the element.
      out[i] = isDict(v0) && (isDict(out[i]) || isList(out[i])) ? mergeAIntoB(v0, out[i] as PyDict, allowListKeys, path) : v0;
      continue;
    }
    if (Array.isArray(out)) {
      throw new ConfigMergeError(`${path}: cannot set key '${k}' in a ${typeName(out)} (use an index 0..${out.length - 1})`);
    }
    if (isDict(v0)) {
      let v = v0;
      let del = false;
      if (k in out) {
        if (DELETE_KEY in v) {
          const { [DELETE_KEY]: flag, ...rest } = v;
          v = rest;
          del = flag !== false && flag !== null && flag !== 0n && flag !== 0 && flag !== '';
        }
      }
      if (k in out && !del) {
        const base = out[k];
        if (!(isDict(base) || (allowListKeys && isList(base)))) {
          throw new ConfigMergeError(
            `${path}=${repr(v)} in child config cannot inherit from base because ${k} is a dict in the child config ` +
            `but is of type ${typeName(base)} in base config. You may set \`${DELETE_KEY}=True\` to ignore the base config.`);
        }
        out[k] = mergeAIntoB(v, base as PyDict, allowListKeys, path);
      } else {
        out[k] = v;
      }
    } else {
      out[k] = v0;
    }
  }
  if (!Array.isArray(out) && intKeys(a).length) setIntKeys(out, [...intKeys(out), ...intKeys(a)]);
  return out;
}

/** mmcv's `merge_from_dict`: dotted keys become nested dicts, then merge (list keys allowed). */
export function mergeFromDict(cfg: PyDict, options: Record<string, PyValue>, allowListKeys = true): PyDict {
  const nested: PyDict = {};
  for (const [fullKey, v] of Object.entries(options)) {
    const keys = fullKey.split('.');
    if (keys.some((x) => x === '')) throw new ConfigMergeError(`bad option key '${fullKey}': empty part in the dotted key`);
    let d = nested;
    for (const sub of keys.slice(0, -1)) {
      if (!isDict(d[sub])) d[sub] = {};
      d = d[sub] as PyDict;
    }
    d[keys[keys.length - 1]] = v;
  }
  return mergeAIntoB(nested, cfg, allowListKeys) as PyDict;
}

/** Reads `a.b.0.c` from a value tree; undefined when a part is missing. */
export function getPath(root: PyValue, path: string): PyValue | undefined {
  if (path === '') return root;
  let cur: PyValue | undefined = root;
  for (const part of path.split('.')) {
    if (cur === undefined) return undefined;
    if (Array.isArray(cur) || cur instanceof PyTuple) {
      if (!/^-?\d+$/.test(part)) return undefined;
      let i = Number(part);
      if (i < 0) i += cur.length;
      cur = cur[i];
    } else if (isDict(cur)) {
      cur = Object.prototype.hasOwnProperty.call(cur, part) ? cur[part] : undefined;
    } else return undefined;
  }
  return cur;
}
