/**
 * Opening a checkpoint file without the engine: detects the format (zip or legacy), reads the
 * storage records on demand, and `inspectCheckpoint` lists its structure with TensorInfo in place
 * of tensors (used by `mmaction checkpoint-info`; reads no tensor data).
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { dtypeInfo } from '../dtype.ts';
import { ForeignStorage, infoBuilder, StorageRef, storageFromPid, unpickleCheckpoint, type TensorBuilder } from './checkpoint.ts';
import { readLegacyLayout, unpickleLegacy } from './legacy.ts';
import { PickleError, unpickle } from './pickle.ts';
import { byteSwap } from './tensor_bytes.ts';
import { BufferSource, FileSource, looksLikeZip, ZipError, ZipReader, type ByteSource } from './zip.ts';

/** Where to put storages: a device for all, a map saved-location -> device, or a function (undefined = keep). */
export type MapLocation = string | Record<string, string> | ((location: string) => string | undefined | null);

export interface LoadOptions {
  /** Like torch.load's map_location. Default: where they were saved ('cpu', 'cuda:0'). */
  mapLocation?: MapLocation;
  /** 'auto' (default): string-keyed dicts as plain objects, others as Maps; 'map': every dict a Map. */
  dicts?: 'auto' | 'map';
}

/** The error of a checkpoint that cannot be read: names the file and the problem. */
export class CheckpointError extends Error {
  constructor(readonly file: string, problem: string) {
    super(`${file}: ${problem}`);
    this.name = 'CheckpointError';
  }
}

export type CheckpointFormat = 'zip' | 'legacy';

export interface Opened {
  format: CheckpointFormat;
  /** Unpickles the object with a builder; `readStorage` gives a storage's bytes. */
  unpickle(builder: TensorBuilder, dicts?: 'auto' | 'map'): unknown;
  readStorage(ref: StorageRef): Uint8Array;
}

function openZip(src: ByteSource): Opened {
  const zip = new ZipReader(src);
  const first = zip.names[0] ?? '';
  const slash = first.indexOf('/');
  const prefix = slash >= 0 ? first.slice(0, slash + 1) : '';
  if (!zip.has(`${prefix}data.pkl`)) {
    if (zip.has(`${prefix}constants.pkl`)) throw new ZipError('this is a TorchScript archive (torch.jit.save), not a torch.save checkpoint');
    throw new ZipError(`a zip archive without ${prefix}data.pkl: not a torch.save checkpoint`);
  }
  let bigEndian = false;
  if (zip.has(`${prefix}byteorder`)) {
    const order = new TextDecoder().decode(zip.read(`${prefix}byteorder`)).trim();
    if (order !== 'little' && order !== 'big') throw new ZipError(`unknown byteorder record '${order}'`);
    bigEndian = order === 'big';
  }
  const readStorage = (ref: StorageRef): Uint8Array => {
    const name = `${prefix}data/${ref.key}`;
    if (!zip.has(name)) throw new ZipError(`the pickle refers to storage '${ref.key}' but the archive has no record ${name}`);
    const nbytes = ref.numel * dtypeInfo[ref.dtype].itemsize;
    const b = zip.read(name);
    if (b.length < nbytes) throw new ZipError(`record ${name} has ${b.length} bytes, its ${ref.numel} ${ref.dtype} elements need ${nbytes}`);
    const exact = b.length === nbytes ? b : b.subarray(0, nbytes);
    return bigEndian ? byteSwap(exact, dtypeInfo[ref.dtype].itemsize) : exact;
  };
  return {
    format: 'zip',
    readStorage,
    unpickle(builder, dicts) {
      const pkl = zip.read(`${prefix}data.pkl`);
      const refs = new Map<string, StorageRef | ForeignStorage>();
      const persistentLoad = (pid: unknown): unknown => {
        if (!Array.isArray(pid) || pid[0] !== 'storage' || pid.length < 5) {
          throw new PickleError(`unexpected persistent id ${JSON.stringify(pid)?.slice(0, 80)}`);
        }
        const [, type, key, location, numel] = pid;
        const k = String(key);
        let ref = refs.get(k);
        if (!ref) {
          ref = storageFromPid(type, k, String(location), Number(numel));
          refs.set(k, ref);
        }
        return ref;
      };
      return unpickleCheckpoint(pkl, { builder, persistentLoad, dicts }).value;
    },
  };
}

function openLegacy(src: ByteSource): Opened {
  const layout = readLegacyLayout(src);
  return {
    format: 'legacy',
    unpickle: (builder, dicts) => unpickleLegacy(layout, builder, dicts),
    readStorage(ref) {
      const s = layout.storages.get(ref.key);
      if (!s) throw new PickleError(`storage '${ref.key}' has no data in the file`);
      const itemsize = s.itemsize;
      const b = src.read(s.dataOffset, s.numel * itemsize);
      return layout.littleEndian ? b : byteSwap(b, itemsize);
    },
  };
}

export function openCheckpoint(src: ByteSource): Opened {
  if (src.size === 0) throw new PickleError('empty file');
  const head = src.read(0, Math.min(src.size, 512));
  if (looksLikeZip(head)) return openZip(src);
  if (head[0] === 0x80) return openLegacy(src);
  if (head.length >= 262 && new TextDecoder().decode(head.subarray(257, 262)) === 'ustar') {
    throw new PickleError('a tar-based checkpoint of PyTorch < 0.4, which mmaction-ts cannot read; load and re-save it with a newer PyTorch');
  }
  if (head[0] === 0x93 && new TextDecoder().decode(head.subarray(1, 6)) === 'NUMPY') {
    throw new PickleError('this is a .npy file; use loadNpy');
  }
  throw new PickleError('not a PyTorch checkpoint (neither a zip archive nor a pickle)');
}

export function describeError(file: string, e: unknown): CheckpointError {
  if (e instanceof CheckpointError) return e;
  const err = e as Error;
  const kind = err instanceof ZipError || err instanceof PickleError ? '' : `${err?.name ?? 'Error'}: `;
  return new CheckpointError(file, `${kind}${err?.message ?? String(e)}`);
}

export function openFile(path: string): FileSource {
  if (!existsSync(path)) throw new CheckpointError(path, 'no such file');
  if (statSync(path).isDirectory()) throw new CheckpointError(path, 'is a directory, not a checkpoint file');
  try {
    return new FileSource(path);
  } catch (e) {
    throw new CheckpointError(path, (e as Error).message);
  }
}

export interface CheckpointInspection {
  format: CheckpointFormat;
  /** The object with TensorInfo (dtype, shape, stride, offset, storage) in place of tensors; no data read. */
  value: any;
}

/** Reads a checkpoint's structure without reading tensor data or touching the engine. */
export function inspectCheckpoint(pathOrBytes: string | Uint8Array, opts: { dicts?: 'auto' | 'map'; name?: string } = {}): CheckpointInspection {
  const file = typeof pathOrBytes === 'string' ? pathOrBytes : opts.name ?? '<buffer>';
  const src = typeof pathOrBytes === 'string' ? openFile(pathOrBytes) : new BufferSource(pathOrBytes);
  try {
    const opened = openCheckpoint(src);
    return { format: opened.format, value: opened.unpickle(infoBuilder, opts.dicts) };
  } catch (e) {
    throw describeError(file, e);
  } finally {
    src.close();
  }
}

/**
 * Reads a plain pickle file (`pickle.dump`, e.g. MMAction2's .pkl annotation files): numpy arrays
 * come as NdArray (`ndarrayToTensor` makes tensors), unknown classes as PyObject placeholders.
 */
export function loadPickle(path: string, opts: { dicts?: 'auto' | 'map' } = {}): any {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new CheckpointError(path, (e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message);
  }
  if (looksLikeZip(bytes)) throw new CheckpointError(path, 'a zip archive, not a plain pickle (a torch.save checkpoint? use load)');
  if (bytes[0] === 0x93 && new TextDecoder().decode(bytes.subarray(1, 6)) === 'NUMPY') throw new CheckpointError(path, 'a .npy file, not a pickle; use loadNpy');
  try {
    return unpickle(bytes, { dicts: opts.dicts }).value;
  } catch (e) {
    throw describeError(path, e);
  }
}
