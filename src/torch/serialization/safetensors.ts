/**
 * The safetensors format (huggingface/safetensors): loadSafetensors / saveSafetensors.
 *
 *   u64 little-endian N, then N bytes of JSON header
 *     {"name": {"dtype": "F32", "shape": [2, 3], "data_offsets": [begin, end]}, ...,
 *      "__metadata__": {"key": "value"}}   (string values only)
 *   padded with spaces to a multiple of 8, then the data: each tensor's elements in C order,
 *   little-endian, at [begin, end) relative to the end of the header.
 *
 * Reading checks every offset and size against the file, reads tensors straight from the file
 * (no whole-file copy) and keeps the header's key order. Writing orders tensors by alignment
 * then name, as the Python library does; each tensor is written on its own (the format has no
 * shared storages), so views are saved as their own contiguous data.
 */
import { dtypeInfo, type DType } from '../dtype.ts';
import { Tensor } from '../tensor.ts';
import { writeAtomic } from './atomic.ts';
import { defineKey } from './pytypes.ts';
import { contiguousBytes } from './tensor_bytes.ts';
import { BufferSource, FileSource, type ByteSource } from './zip.ts';

export class SafetensorsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SafetensorsError';
  }
}

const FROM_CODE: Record<string, DType> = {
  F64: 'float64', F32: 'float32', F16: 'float16', BF16: 'bfloat16', I64: 'int64', I32: 'int32', I16: 'int16', I8: 'int8',
  U8: 'uint8', BOOL: 'bool',
};
const TO_CODE = Object.fromEntries(Object.entries(FROM_CODE).map(([k, v]) => [v, k])) as Record<DType, string>;

export interface SafetensorsEntry {
  dtype: DType;
  shape: number[];
  /** Byte range in the file. */
  begin: number;
  end: number;
}

export interface SafetensorsHeader {
  entries: Map<string, SafetensorsEntry>;
  metadata: Record<string, string> | null;
  /** Where the data starts in the file. */
  dataStart: number;
}

export interface SafetensorsFile {
  /** The tensors in the header's order (a plain object; Object.entries keeps that order). */
  tensors: Record<string, Tensor>;
  metadata: Record<string, string> | null;
}

/** Reads and validates the header (no tensor data). */
export function readSafetensorsHeader(src: ByteSource, name = '<buffer>'): SafetensorsHeader {
  const fail = (m: string) => new SafetensorsError(`${name}: ${m}`);
  if (src.size < 8) throw fail('not a safetensors file (shorter than 8 bytes)');
  const lenBytes = src.read(0, 8);
  const n = new DataView(lenBytes.buffer, lenBytes.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(src.size - 8) || n > 100_000_000n) {
    throw fail(`not a safetensors file, or truncated (header length ${n}, file size ${src.size})`);
  }
  const hlen = Number(n);
  let header: Record<string, unknown>;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(src.read(8, hlen)));
  } catch (e) {
    throw fail(`not a safetensors file (the header is not JSON: ${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw fail('the header is not a JSON object');
  const dataStart = 8 + hlen;
  const dataLen = src.size - dataStart;
  const entries = new Map<string, SafetensorsEntry>();
  let metadata: Record<string, string> | null = null;
  for (const [key, v] of Object.entries(header)) {
    if (key === '__metadata__') {
      metadata = (v ?? null) as Record<string, string> | null;
      continue;
    }
    const e = v as { dtype?: unknown; shape?: unknown; data_offsets?: unknown };
    const dtype = FROM_CODE[String(e?.dtype)];
    if (!dtype) throw fail(`tensor '${key}' has dtype ${String(e?.dtype)}, which mmaction-ts tensors do not have`);
    if (!Array.isArray(e.shape) || !e.shape.every((s) => Number.isInteger(s) && s >= 0)) throw fail(`tensor '${key}' has a bad shape`);
    const off = e.data_offsets;
    if (!Array.isArray(off) || off.length !== 2 || !off.every((x) => Number.isInteger(x) && x >= 0) || off[1] < off[0]) {
      throw fail(`tensor '${key}' has bad data_offsets`);
    }
    const shape = e.shape as number[];
    const want = shape.reduce((a, b) => a * b, 1) * dtypeInfo[dtype].itemsize;
    if (off[1] - off[0] !== want) throw fail(`tensor '${key}': data_offsets span ${off[1] - off[0]} bytes, its shape and dtype need ${want}`);
    if (off[1] > dataLen) throw fail(`truncated: tensor '${key}' ends at byte ${dataStart + off[1]}, the file has ${src.size}`);
    entries.set(key, { dtype, shape, begin: dataStart + off[0], end: dataStart + off[1] });
  }
  return { entries, metadata, dataStart };
}

function readAll(src: ByteSource, name: string): SafetensorsFile {
  try {
    const h = readSafetensorsHeader(src, name);
    const tensors: Record<string, Tensor> = {};
    for (const [k, e] of h.entries) defineKey(tensors, k, Tensor.fromBytes(src.read(e.begin, e.end - e.begin), e.dtype, e.shape));
    return { tensors, metadata: h.metadata };
  } finally {
    src.close();
  }
}

/** Reads a .safetensors file (like `safetensors.torch.load_file`, plus the metadata). */
export function loadSafetensors(path: string): SafetensorsFile {
  let src: FileSource;
  try {
    src = new FileSource(path);
  } catch (e) {
    throw new SafetensorsError(`${path}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (e as Error).message}`);
  }
  return readAll(src, path);
}

export function loadSafetensorsBuffer(bytes: Uint8Array, name = '<buffer>'): SafetensorsFile {
  return readAll(new BufferSource(bytes), name);
}

type TensorMap = Record<string, Tensor> | Map<string, Tensor>;

/** The .safetensors bytes of named tensors (metadata: string values only). */
export function safetensorsParts(tensors: TensorMap, metadata?: Record<string, string>): Uint8Array[] {
  const list = tensors instanceof Map ? [...tensors] : Object.entries(tensors);
  for (const [k, t] of list) {
    if (!(t instanceof Tensor)) throw new SafetensorsError(`'${k}' is not a tensor`);
    if (k === '__metadata__') throw new SafetensorsError("'__metadata__' cannot name a tensor");
  }
  if (metadata) {
    for (const [k, v] of Object.entries(metadata)) {
      if (typeof v !== 'string') throw new SafetensorsError(`metadata '${k}' must be a string (safetensors stores strings only)`);
    }
  }
  // largest alignment first, then by name (as safetensors' Python writer)
  const sorted = [...list].sort(([ka, a], [kb, b]) =>
    dtypeInfo[b.dtype].itemsize - dtypeInfo[a.dtype].itemsize || (ka < kb ? -1 : ka > kb ? 1 : 0));
  const header: Record<string, unknown> = {};
  if (metadata) header.__metadata__ = metadata;
  const blobs: Uint8Array[] = [];
  let off = 0;
  for (const [k, t] of sorted) {
    const b = contiguousBytes(t);
    header[k] = { dtype: TO_CODE[t.dtype], shape: t.shape, data_offsets: [off, off + b.length] };
    blobs.push(b);
    off += b.length;
  }
  let json = JSON.stringify(header);
  const enc = new TextEncoder();
  let hb = enc.encode(json);
  const pad = (8 - (hb.length % 8)) % 8;
  if (pad) { json += ' '.repeat(pad); hb = enc.encode(json); }
  const len = new Uint8Array(8);
  new DataView(len.buffer).setBigUint64(0, BigInt(hb.length), true);
  return [len, hb, ...blobs];
}

export function safetensorsBuffer(tensors: TensorMap, metadata?: Record<string, string>): Uint8Array {
  return new Uint8Array(Buffer.concat(safetensorsParts(tensors, metadata)));
}

/** Writes named tensors as a .safetensors file (atomically), like `safetensors.torch.save_file`. */
export function saveSafetensors(path: string, tensors: TensorMap, metadata?: Record<string, string>): void {
  const parts = safetensorsParts(tensors, metadata);
  writeAtomic(path, (sink) => { for (const p of parts) sink.write(p); });
}
