/**
 * torch.load: reads a PyTorch checkpoint (zip format of torch >= 1.6, or the legacy format)
 * into JS values with engine Tensors. Tensors that shared a storage in PyTorch share one here
 * too (one base tensor per storage, strided views of it).
 */
import { dtypeInfo } from '../dtype.ts';
import { keep } from '../scope.ts';
import { Tensor } from '../tensor.ts';
import type { StorageRef, TensorBuilder } from './checkpoint.ts';
import { PickleError } from './pickle.ts';
import { describeError, openCheckpoint, openFile, type LoadOptions, type MapLocation, type Opened } from './reader.ts';
import { BufferSource, type ByteSource } from './zip.ts';

function resolveLocation(map: MapLocation | undefined, location: string): string {
  if (map === undefined) return location;
  if (typeof map === 'string') return map;
  if (typeof map === 'function') return map(location) ?? location;
  return map[location] ?? location;
}

/** True when (size, stride) is the C-contiguous layout. */
function isContiguousLayout(size: number[], stride: number[]): boolean {
  let expected = 1;
  for (let i = size.length - 1; i >= 0; i--) {
    if (size[i] !== 1 && stride[i] !== expected) return false;
    expected *= size[i];
  }
  return true;
}

/**
 * Builds engine tensors, one engine storage per checkpoint storage. A tensor that covers its
 * storage exactly (the usual state-dict entry) is created directly, as a plain tensor; others are
 * `asStrided` views onto the storage, so views and tied weights share memory as in PyTorch.
 */
class EngineBuilder implements TensorBuilder {
  /** Per storage key: the tensor that owns it, and (once needed) a detached alias to view from. */
  private storages = new Map<string, { owner: Tensor; alias?: Tensor }>();
  private owned: Tensor[] = [];
  constructor(private opened: Opened, private mapLocation: MapLocation | undefined) {}

  /** Reads a storage into a new tensor of this shape, on the mapped device. */
  private create(ref: StorageRef, shape: number[]): Tensor {
    const t = Tensor.fromBytes(this.opened.readStorage(ref), ref.dtype, shape);
    const target = resolveLocation(this.mapLocation, ref.location);
    if (target === 'cpu') return t;
    try {
      return t.to(target);
    } catch (e) {
      const why = String((e as Error).message).split('\n')[0].slice(0, 200);
      throw new PickleError(`a storage saved on '${ref.location}' cannot be restored on '${target}' (${why}); ` +
        "on a machine without that device, pass { mapLocation: 'cpu' }");
    } finally {
      t.dispose();
    }
  }

  rebuild(ref: StorageRef, offset: number, size: number[], stride: number[], requiresGrad: boolean): Tensor {
    const start = offset + ref.elementOffset;
    let s = this.storages.get(ref.key);
    let t: Tensor;
    if (!s && start === 0 && size.reduce((a, b) => a * b, 1) === ref.numel && isContiguousLayout(size, stride)) {
      t = this.create(ref, size);
      this.storages.set(ref.key, { owner: t });
    } else {
      if (!s) {
        const base = this.create(ref, [ref.numel]);
        this.owned.push(base);
        s = { owner: base, alias: base };
        this.storages.set(ref.key, s);
      }
      if (!s.alias) {
        // views come from a detached alias: a view of a tensor that requires grad would not be a leaf
        s.alias = s.owner.detach();
        this.owned.push(s.alias);
      }
      t = s.alias.asStrided(size, stride, start);
    }
    // loaded tensors live until disposed: an enclosing tidy() must not free them
    keep(t);
    if (requiresGrad && dtypeInfo[ref.dtype].isFloatingPoint) t.requiresGrad_(true);
    return t;
  }

  /** Frees the helper tensors (the loaded tensors keep the storages alive). */
  dispose(): void {
    for (const b of this.owned) b.dispose();
    this.owned = [];
    this.storages.clear();
  }
}

function loadFrom(src: ByteSource, file: string, opts: LoadOptions): unknown {
  const builder = { current: undefined as EngineBuilder | undefined };
  try {
    const opened = openCheckpoint(src);
    builder.current = new EngineBuilder(opened, opts.mapLocation);
    return opened.unpickle(builder.current, opts.dicts);
  } catch (e) {
    throw describeError(file, e);
  } finally {
    builder.current?.dispose();
    src.close();
  }
}

/** Loads a checkpoint written by torch.save (or by `save`). Like `torch.load(path, map_location)`. */
export async function load(path: string, opts: LoadOptions = {}): Promise<any> {
  return loadFrom(openFile(path), path, opts);
}

/** Synchronous `load`. */
export function loadSync(path: string, opts: LoadOptions = {}): any {
  return loadFrom(openFile(path), path, opts);
}

/** Loads a checkpoint from bytes (`name` appears in errors). */
export function loadBuffer(bytes: Uint8Array, opts: LoadOptions & { name?: string } = {}): any {
  return loadFrom(new BufferSource(bytes), opts.name ?? '<buffer>', opts);
}

