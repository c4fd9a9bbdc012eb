/**
 * torch.save: writes what PyTorch 1.13's `torch.save(obj, f)` writes (zip format, protocol-2
 * pickle), so `torch.load` reads it back identically. Tensors become
 * `torch._utils._rebuild_tensor_v2(storage, offset, size, stride, requires_grad, OrderedDict())`
 * with one storage record per underlying storage: views keep their offset and strides, and
 * tensors sharing a storage share it again after loading.
 */
import { dtypeInfo, type DType } from '../dtype.ts';
import { Tensor } from '../tensor.ts';
import { Persistent, pickle, Reduce } from './pickle.ts';
import { markOrderedDict, PyGlobal, PyTuple } from './pytypes.ts';
import { writeAtomic } from './atomic.ts';
import { LEGACY_MAGIC, LEGACY_PROTOCOL } from './legacy.ts';
import { ChunkSink, ZipWriter, type ByteSink, type ZipWriterOptions } from './zip.ts';

export interface SaveOptions {
  /** Name of the archive's folder: 'archive' (what torch.save writes to a file object, as mmcv does). */
  archiveName?: string;
  /** Testing: write zip64 records even for small files. */
  forceZip64?: boolean;
  /** Write the pre-1.6 format (`_use_new_zipfile_serialization=False`), for old readers. */
  legacyFormat?: boolean;
}

interface StorageEntry {
  key: string;
  dtype: DType;
  tensor: Tensor;
}

const REBUILD_TENSOR_V2 = new PyGlobal('torch._utils', '_rebuild_tensor_v2');

/** Pickles `obj`, collecting the storages of its tensors. */
export function pickleCheckpoint(obj: unknown, { legacy = false } = {}): { pkl: Uint8Array; storages: StorageEntry[] } {
  const byStorage = new Map<bigint, StorageEntry>();
  const reduce = (x: object): Reduce | undefined => {
    if (!(x instanceof Tensor)) return undefined;
    if (x.isDisposed) throw new TypeError('cannot save a disposed tensor');
    const dtype = x.dtype;
    // empty storages may all report the same identity (no data pointer): never share those
    const sk = x.storageNbytes() === 0 ? -1n - BigInt(byStorage.size) : x.storageKey();
    let entry = byStorage.get(sk);
    if (!entry) {
      entry = { key: String(byStorage.size), dtype, tensor: x };
      byStorage.set(sk, entry);
    } else if (entry.dtype !== dtype) {
      throw new TypeError(`cannot save tensors that view the same storage as different dtypes (${entry.dtype} and ${dtype}), as in PyTorch`);
    }
    const itemsize = dtypeInfo[dtype].itemsize;
    const numel = Math.floor(x.storageNbytes() / itemsize);
    const pidItems: unknown[] = ['storage', new PyGlobal('torch', dtypeInfo[dtype].storage), entry.key, x.device, numel];
    if (legacy) pidItems.push(null); // no view metadata
    const pid = new PyTuple(pidItems);
    const hooks = markOrderedDict(new Map());
    return new Reduce(REBUILD_TENSOR_V2, [
      new Persistent(pid), x.storageOffset(), new PyTuple(x.shape), new PyTuple(x.stride() as number[]), x.requiresGrad, hooks,
    ]);
  };
  const pkl = pickle(obj, { reduce });
  return { pkl, storages: [...byStorage.values()] };
}

function writeArchive(obj: unknown, sink: ByteSink, name: string, opts: ZipWriterOptions): void {
  const { pkl, storages } = pickleCheckpoint(obj);
  const zip = new ZipWriter(sink, opts);
  zip.add(`${name}/data.pkl`, pkl);
  zip.add(`${name}/byteorder`, new TextEncoder().encode('little'));
  // PyTorch writes the storages in sorted key order ('0', '1', '10', '2', ...)
  const sorted = [...storages].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const s of sorted) zip.add(`${name}/data/${s.key}`, s.tensor.storageBytes());
  zip.add(`${name}/version`, new TextEncoder().encode('3\n'));
  zip.finish();
}

/** The legacy format: magic, protocol, sys_info, the object, the storage keys, the raw storages. */
function writeLegacy(obj: unknown, sink: ByteSink): void {
  const { pkl, storages } = pickleCheckpoint(obj, { legacy: true });
  sink.write(pickle(LEGACY_MAGIC));
  sink.write(pickle(LEGACY_PROTOCOL));
  sink.write(pickle({ protocol_version: LEGACY_PROTOCOL, little_endian: true, type_sizes: { short: 2, int: 4, long: 8 } }));
  sink.write(pkl);
  const sorted = [...storages].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  sink.write(pickle(sorted.map((s) => s.key)));
  for (const s of sorted) {
    const bytes = s.tensor.storageBytes();
    const count = new Uint8Array(8);
    new DataView(count.buffer).setBigInt64(0, BigInt(bytes.length / dtypeInfo[s.dtype].itemsize), true);
    sink.write(count);
    sink.write(bytes);
  }
}

function write(obj: unknown, sink: ByteSink, opts: SaveOptions): void {
  if (opts.legacyFormat) writeLegacy(obj, sink);
  else writeArchive(obj, sink, opts.archiveName ?? 'archive', opts);
}

/** The bytes `torch.save(obj, buffer)` would write. */
export function saveToBuffer(obj: unknown, opts: SaveOptions = {}): Uint8Array {
  const sink = new ChunkSink();
  write(obj, sink, opts);
  return sink.result();
}

/**
 * Writes `obj` to `path` like `torch.save(obj, path)`: atomically (a temporary file in the same
 * folder, then a rename), so an interrupted save never leaves a truncated checkpoint.
 */
export async function save(obj: unknown, path: string, opts: SaveOptions = {}): Promise<void> {
  saveSync(obj, path, opts);
}

/** Synchronous `save`. */
export function saveSync(obj: unknown, path: string, opts: SaveOptions = {}): void {
  writeAtomic(path, (sink) => write(obj, sink, opts));
}
