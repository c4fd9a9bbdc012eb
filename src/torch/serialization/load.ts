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

/** Builds engine tensors: one base tensor per storage, views by asStrided. */
class EngineBuilder implements TensorBuilder {
  private bases = new Map<string, Tensor>();
  constructor(private opened: Opened, private mapLocation: MapLocation | undefined) {}

  private base(ref: StorageRef): Tensor {
    let base = this.bases.get(ref.key);
    if (base) return base;
    base = Tensor.fromBytes(this.opened.readStorage(ref), ref.dtype, [ref.numel]);
    const target = resolveLocation(this.mapLocation, ref.location);
    if (target !== 'cpu') {
      let moved: Tensor;
      try {
        moved = base.to(target);
      } catch (e) {
        base.dispose();
        const why = String((e as Error).message).split('\n')[0].slice(0, 200);
        throw new PickleError(`a storage saved on '${ref.location}' cannot be restored on '${target}' (${why}); ` +
          "on a machine without that device, pass { mapLocation: 'cpu' }");
      }
      base.dispose();
      base = moved;
    }
    this.bases.set(ref.key, base);
    return base;
  }

  rebuild(ref: StorageRef, offset: number, size: number[], stride: number[], requiresGrad: boolean): Tensor {
    // loaded tensors live until disposed: an enclosing tidy() must not free them
    const t = keep(this.base(ref).asStrided(size, stride, offset + ref.elementOffset));
    if (requiresGrad && dtypeInfo[ref.dtype].isFloatingPoint) t.requiresGrad_(true);
    return t;
  }

  /** Frees the base tensors (the views keep the storages alive). */
  dispose(): void {
    for (const b of this.bases.values()) b.dispose();
    this.bases.clear();
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

