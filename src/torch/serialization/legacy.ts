/**
 * The pre-1.6 checkpoint format (`torch.save(..., _use_new_zipfile_serialization=False)`), which
 * older model-zoo files use. One stream of consecutive pickles and raw data
 * (torch/serialization.py `_legacy_save` / `_legacy_load` of PyTorch 1.13):
 *
 *   pickle  MAGIC_NUMBER (0x1950a86a20f9469cfc6c)
 *   pickle  PROTOCOL_VERSION (1001)
 *   pickle  sys_info {protocol_version, little_endian, type_sizes{short, int, long}}
 *   pickle  the object; storages as persistent ids
 *           ('storage', storage_type, root_key, location, numel, view_metadata | None)
 *           with view_metadata = (view_key, offset, view_numel) for storage views
 *   pickle  the sorted list of root storage keys
 *   then, for each key in that order: int64 element count (little-endian), the raw elements.
 *
 * The storage data follows the object pickle, so the object is unpickled twice: a dry pass that
 * only collects storage types (to find where each storage's bytes lie), then the real one.
 */
import { dtypeInfo } from '../dtype.ts';
import { PickleError, unpickle } from './pickle.ts';
import { PyObject } from './pytypes.ts';
import {
  ForeignStorage, ForeignStorageType, infoBuilder, StorageRef, storageFromPid, StorageType, torchGlobals, unpickleCheckpoint,
  type TensorBuilder,
} from './checkpoint.ts';
import type { ByteSource } from './zip.ts';

export const LEGACY_MAGIC = 0x1950a86a20f9469cfc6cn;
export const LEGACY_PROTOCOL = 1001;

export interface LegacyStorage {
  /** The storage class (StorageType, or ForeignStorageType for complex/quantized dtypes). */
  type: StorageType | ForeignStorageType;
  itemsize: number;
  numel: number;
  location: string;
  /** Byte offset of the raw elements in the source. */
  dataOffset: number;
}

export interface LegacyFile {
  /** The object pickle and what comes before it (storages are read from the source on demand). */
  head: Uint8Array;
  objectOffset: number;
  storages: Map<string, LegacyStorage>;
  littleEndian: boolean;
}

/** Unpickles at `offset` of the source, reading a window that grows until the pickle fits. */
function readPickleAt(src: ByteSource, offset: number, run: (buf: Uint8Array, off: number) => { end: number }): { buf: Uint8Array; end: number } {
  let window = Math.min(src.size - offset, 1 << 20);
  for (;;) {
    const buf = src.read(offset, window);
    try {
      const r = run(buf, 0);
      return { buf, end: offset + r.end };
    } catch (e) {
      if (e instanceof PickleError && e.truncated && offset + window < src.size) {
        window = Math.min(src.size - offset, window * 4);
        continue;
      }
      if (e instanceof PickleError && e.truncated) {
        throw new PickleError(`truncated legacy checkpoint: the pickle at byte ${offset} is cut off (${e.message}, offsets relative to it)`);
      }
      throw e;
    }
  }
}

/** Reads the layout of a legacy checkpoint: where each storage's data lies. */
export function readLegacyLayout(src: ByteSource): LegacyFile {
  const small = src.read(0, Math.min(src.size, 1 << 16));
  let pos = 0;
  const next = (what: string): unknown => {
    try {
      const r = unpickle(small, { offset: pos });
      pos = r.end;
      return r.value;
    } catch (e) {
      throw new PickleError(`not a PyTorch checkpoint: cannot read the ${what} (${(e as Error).message})`);
    }
  };
  const magic = next('magic number');
  if (magic !== LEGACY_MAGIC) throw new PickleError('not a PyTorch checkpoint: invalid magic number');
  const protocol = next('protocol version');
  if (protocol !== LEGACY_PROTOCOL) throw new PickleError(`unsupported legacy checkpoint protocol version ${String(protocol)} (expected ${LEGACY_PROTOCOL})`);
  const sysInfo = next('sys_info') as Record<string, unknown>;
  const littleEndian = sysInfo?.little_endian !== false;
  const objectOffset = pos;

  // Dry pass: which storages exist and their types.
  const found = new Map<string, { type: StorageType | ForeignStorageType; itemsize: number; numel: number; location: string }>();
  const dry = readPickleAt(src, objectOffset, (buf, off) => unpickle(buf, {
    offset: off,
    findClass: (module, name) => (module.startsWith('torch') && name.endsWith('Storage') ? storageTypes(module, name) : undefined),
    persistentLoad: (pid) => {
      const p = pid as unknown[];
      if (Array.isArray(p) && p[0] === 'storage') {
        const [, type, key, location, numel] = p;
        if (!(type instanceof StorageType || type instanceof ForeignStorageType)) {
          throw new PickleError(`persistent id names an unknown storage type (${String(type)})`);
        }
        const itemsize = type instanceof StorageType ? dtypeInfo[type.dtype].itemsize : type.itemsize;
        if (!found.has(String(key))) found.set(String(key), { type, itemsize, numel: Number(numel), location: String(location) });
      }
      return null;
    },
  }));
  const keys = readPickleAt(src, dry.end, (buf, off) => unpickle(buf, { offset: off }));
  const keyList = unpickle(keys.buf, { offset: 0 }).value;
  if (!Array.isArray(keyList)) throw new PickleError('corrupt legacy checkpoint: the storage key list is missing');

  const storages = new Map<string, LegacyStorage>();
  let p = keys.end;
  for (const k of keyList) {
    const key = String(k);
    const info = found.get(key);
    if (!info) throw new PickleError(`corrupt legacy checkpoint: storage '${key}' is listed but never used`);
    if (p + 8 > src.size) throw new PickleError(`truncated legacy checkpoint: storage '${key}' starts past the end of the file`);
    const cnt = src.read(p, 8);
    const numel = Number(new DataView(cnt.buffer, cnt.byteOffset, 8).getBigInt64(0, littleEndian));
    if (numel !== info.numel) throw new PickleError(`corrupt legacy checkpoint: storage '${key}' has ${numel} elements, the pickle says ${info.numel}`);
    if (info.itemsize === 0) throw new PickleError(`legacy checkpoint: storage '${key}' has an unknown storage type ${info.type.name}; its size is unknown`);
    const nbytes = numel * info.itemsize;
    if (p + 8 + nbytes > src.size) {
      throw new PickleError(`truncated legacy checkpoint: storage '${key}' needs bytes up to ${p + 8 + nbytes}, the file has ${src.size}`);
    }
    storages.set(key, { ...info, dataOffset: p + 8 });
    p += 8 + nbytes;
  }
  for (const key of found.keys()) {
    if (!storages.has(key)) throw new PickleError(`corrupt legacy checkpoint: storage '${key}' has no data`);
  }
  return { head: dry.buf, objectOffset: 0, storages, littleEndian };
}

/** findClass of the dry pass: storage classes only (torchGlobals knows them all). */
function storageTypes(module: string, name: string): unknown {
  return torchGlobals(infoBuilder)(module, name);
}

/** Unpickles the object of a legacy checkpoint with storages from `layout`. */
export function unpickleLegacy(layout: LegacyFile, builder: TensorBuilder, dicts?: 'auto' | 'map'): unknown {
  const refs = new Map<string, StorageRef | ForeignStorage>();
  const persistentLoad = (pid: unknown): unknown => {
    if (!Array.isArray(pid)) throw new PickleError('persistent id is not a tuple');
    if (pid[0] === 'module') return new PyObject('torch.nn.Module(source)', pid.slice(1));
    if (pid[0] !== 'storage') throw new PickleError(`unknown persistent id type '${String(pid[0])}'`);
    const [, , rootKey, , , view] = pid;
    const root = layout.storages.get(String(rootKey));
    if (!root) throw new PickleError(`storage '${String(rootKey)}' has no data in the file`);
    let offset = 0;
    let refKey = String(rootKey);
    if (Array.isArray(view)) {
      offset = Number(view[1]);
      refKey = `${rootKey}@${offset}`;
    }
    let ref = refs.get(refKey);
    if (!ref) {
      ref = storageFromPid(root.type, String(rootKey), root.location, root.numel, offset);
      refs.set(refKey, ref);
    }
    return ref;
  };
  return unpickleCheckpoint(layout.head, { builder, persistentLoad, dicts, offset: layout.objectOffset }).value;
}
