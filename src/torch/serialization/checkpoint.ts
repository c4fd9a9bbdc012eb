/**
 * The torch part of unpickling a checkpoint: the globals torch.save writes
 * (`torch._utils._rebuild_tensor_v2`, `_rebuild_parameter`, `torch.FloatStorage`, `torch.Size`,
 * `torch.device`, dtypes) and the storages behind persistent ids. Independent of the engine: a
 * TensorBuilder turns (storage, offset, size, stride) into whatever the caller wants (an engine
 * Tensor in load.ts, a TensorInfo for `mmaction checkpoint-info`).
 *
 * Mirrors torch/serialization.py (`_load`, `_legacy_load`) and torch/_utils.py of PyTorch 1.13.
 */
import { dtypeInfo, type DType } from '../dtype.ts';
import { PyCallable, PickleError, unpickle, type UnpickleOptions } from './pickle.ts';
import { PyObject } from './pytypes.ts';

/** A storage class named in a checkpoint (`torch.FloatStorage` -> float32). */
export class StorageType {
  constructor(readonly name: string, readonly dtype: DType) {}
}

const storageDTypes = new Map<string, DType>(
  Object.entries(dtypeInfo).map(([dt, info]) => [info.storage, dt as DType]),
);
storageDTypes.set('UntypedStorage', 'uint8');
storageDTypes.set('_UntypedStorage', 'uint8');

/** Storage types of dtypes the engine lacks: [dtype, itemsize]. Their tensors load as placeholders. */
const FOREIGN_STORAGE: Record<string, [string, number]> = {
  ComplexFloatStorage: ['complex64', 8], ComplexDoubleStorage: ['complex128', 16], ComplexHalfStorage: ['complex32', 4],
  QInt8Storage: ['qint8', 1], QUInt8Storage: ['quint8', 1], QInt32Storage: ['qint32', 4], QUInt4x2Storage: ['quint4x2', 1],
  QUInt2x4Storage: ['quint2x4', 1],
};

/** A storage class whose dtype mmaction-ts tensors do not have (complex, quantized). */
export class ForeignStorageType {
  constructor(readonly name: string, readonly dtype: string, readonly itemsize: number) {}
}

/** A storage of a dtype mmaction-ts does not have; tensors on it load as PyObject placeholders. */
export class ForeignStorage {
  constructor(readonly type: ForeignStorageType, readonly key: string, readonly numel: number, readonly location: string) {}
  toJSON(): unknown {
    return { __class__: `torch.${this.type.name}`, dtype: this.type.dtype, key: this.key, numel: this.numel };
  }
}

/** The storage behind a persistent id: a StorageRef, or a ForeignStorage for dtypes the engine lacks. */
export function storageFromPid(type: unknown, key: string, location: string, numel: number, elementOffset = 0): StorageRef | ForeignStorage {
  if (type instanceof ForeignStorageType) return new ForeignStorage(type, key, numel, location);
  return new StorageRef(key, storageDType(type), numel, location, elementOffset);
}

/** One storage of a checkpoint, as a persistent id names it. */
export class StorageRef {
  constructor(
    /** The record key ('0', '1', ... in a zip; the root key in a legacy file). */
    readonly key: string,
    readonly dtype: DType,
    /** Elements in the (root) storage. */
    readonly numel: number,
    /** Where it was saved from: 'cpu', 'cuda:0', ... */
    readonly location: string,
    /** Legacy storage views: where this view starts in the root storage, in elements. */
    readonly elementOffset = 0,
  ) {}
  toJSON(): unknown {
    return { __class__: `torch.${dtypeInfo[this.dtype].storage}`, key: this.key, numel: this.numel, location: this.location };
  }
}

/** Turns one pickled tensor into a value. */
export interface TensorBuilder {
  rebuild(storage: StorageRef, storageOffset: number, size: number[], stride: number[], requiresGrad: boolean): unknown;
}

/** A tensor's description without its data (checkpoint-info, tests). */
export class TensorInfo {
  constructor(
    readonly dtype: DType,
    readonly shape: number[],
    readonly stride: number[],
    readonly storageOffset: number,
    readonly storage: StorageRef,
    readonly requiresGrad: boolean,
  ) {}
  numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }
  toJSON(): unknown {
    return { __class__: 'torch.Tensor', dtype: this.dtype, shape: this.shape };
  }
}

export const infoBuilder: TensorBuilder = {
  rebuild: (storage, offset, size, stride, requiresGrad) =>
    new TensorInfo(storage.dtype, size, stride, offset + storage.elementOffset, storage, requiresGrad),
};

/** Checks that a strided view stays inside its storage (before asking the engine for it). */
export function checkView(storage: StorageRef, offset: number, size: number[], stride: number[]): void {
  const bad = (m: string) => new PickleError(`tensor of shape [${size.join(', ')}] on storage '${storage.key}': ${m}`);
  if (size.length !== stride.length) throw bad(`${size.length} sizes but ${stride.length} strides`);
  if (!Number.isInteger(offset) || offset < 0) throw bad(`bad storage offset ${offset}`);
  let last = offset + storage.elementOffset;
  for (let i = 0; i < size.length; i++) {
    if (!Number.isInteger(size[i]) || size[i] < 0) throw bad(`bad size ${size[i]}`);
    if (!Number.isInteger(stride[i]) || stride[i] < 0) throw bad(`bad stride ${stride[i]}`);
    if (size[i] === 0) return;
    last += (size[i] - 1) * stride[i];
  }
  if (last >= storage.numel && size.every((s) => s > 0)) {
    throw bad(`reaches element ${last} but the storage holds ${storage.numel} (corrupt checkpoint)`);
  }
}

const toInts = (x: unknown, what: string): number[] => {
  if (!Array.isArray(x)) throw new PickleError(`${what} is not a tuple`);
  return x.map((v) => {
    if (typeof v !== 'number') throw new PickleError(`${what} holds a non-integer (${String(v)})`);
    return v;
  });
};

function torchDevice(args: unknown[]): string {
  const [type, index] = args;
  if (typeof type !== 'string') return 'cpu';
  if (typeof index === 'number') return `${type}:${index}`;
  return type;
}

const DTYPE_NAMES: Record<string, DType> = {
  float32: 'float32', float: 'float32', float64: 'float64', double: 'float64', float16: 'float16', half: 'float16',
  bfloat16: 'bfloat16', int8: 'int8', int16: 'int16', short: 'int16', int32: 'int32', int: 'int32', int64: 'int64',
  long: 'int64', uint8: 'uint8', bool: 'bool',
};

/** `findClass` for torch's globals; undefined leaves a global to the built-in handling. */
export function torchGlobals(builder: TensorBuilder): (module: string, name: string) => unknown {
  const rebuildV2 = (args: unknown[]): unknown => {
    const [storage, offset, size, stride, requiresGrad] = args;
    if (storage instanceof ForeignStorage) {
      const o = new PyObject('torch.Tensor', []);
      o.state = { dtype: storage.type.dtype, shape: size, stride, storage_offset: offset, note: 'a dtype mmaction-ts tensors do not have' };
      return o;
    }
    if (!(storage instanceof StorageRef)) throw new PickleError('_rebuild_tensor_v2: the first argument is not a storage');
    if (typeof offset !== 'number') throw new PickleError('_rebuild_tensor_v2: bad storage offset');
    const sz = toInts(size, 'tensor size');
    const st = toInts(stride, 'tensor stride');
    checkView(storage, offset, sz, st);
    return builder.rebuild(storage, offset, sz, st, requiresGrad === true);
  };
  const rebuildParameter = (args: unknown[]): unknown => {
    const [data, requiresGrad] = args;
    const t = data as { requiresGrad_?: (b: boolean) => unknown; dtype?: DType };
    if (requiresGrad === true && typeof t?.requiresGrad_ === 'function' && t.dtype && dtypeInfo[t.dtype].isFloatingPoint) {
      t.requiresGrad_(true);
    }
    return data;
  };
  return (module, name) => {
    if (module === 'torch.tensor') module = 'torch._tensor';
    if (!(module === 'torch' || module.startsWith('torch.'))) return undefined;
    if (name.endsWith('Storage')) {
      const dt = storageDTypes.get(name);
      if (dt) return new StorageType(name, dt);
      const [foreign, itemsize] = FOREIGN_STORAGE[name] ?? [name, 0];
      return new ForeignStorageType(name, foreign, itemsize);
    }
    const q = `${module}.${name}`;
    switch (q) {
      case 'torch._utils._rebuild_tensor_v2': return new PyCallable(q, rebuildV2);
      case 'torch._utils._rebuild_tensor': return new PyCallable(q, (a) => rebuildV2([a[0], a[1], a[2], a[3], false]));
      case 'torch._utils._rebuild_parameter':
      case 'torch._utils._rebuild_parameter_with_state':
        return new PyCallable(q, rebuildParameter);
      case 'torch._tensor._rebuild_from_type_v2':
      case 'torch._tensor._rebuild_from_type':
        // (func, new_type, args, state): a Tensor subclass (nn.Parameter in 2.x); keep the tensor
        return new PyCallable(q, (a) => {
          const [fn, , fnArgs] = a;
          if (fn instanceof PyCallable) return fn.call(Array.isArray(fnArgs) ? fnArgs : []);
          return new PyObject(q, a);
        });
      case 'torch.Size': return new PyCallable(q, (a) => (Array.isArray(a[0]) ? [...a[0]] : []));
      case 'torch.device': return new PyCallable(q, torchDevice);
    }
    if (module === 'torch' && name in DTYPE_NAMES) return DTYPE_NAMES[name];
    return undefined;
  };
}

export interface CheckpointPickleOptions {
  builder: TensorBuilder;
  persistentLoad: (pid: unknown) => unknown;
  dicts?: 'auto' | 'map';
  offset?: number;
}

/** Unpickles a checkpoint's main pickle with torch's globals. */
export function unpickleCheckpoint(bytes: Uint8Array, o: CheckpointPickleOptions): { value: unknown; end: number } {
  const opts: UnpickleOptions = {
    findClass: torchGlobals(o.builder),
    persistentLoad: o.persistentLoad,
    dicts: o.dicts,
    offset: o.offset,
  };
  return unpickle(bytes, opts);
}

/** Reads the storage type out of a persistent id's second element. */
export function storageDType(t: unknown): DType {
  if (t instanceof StorageType) return t.dtype;
  if (typeof t === 'string') {
    const dt = storageDTypes.get(t.replace(/^torch\./, ''));
    if (dt) return dt;
  }
  throw new PickleError(`persistent id names an unknown storage type (${String(t)})`);
}
