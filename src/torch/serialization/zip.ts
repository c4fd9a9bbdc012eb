/**
 * The zip container of PyTorch checkpoints (torch.save since 1.6, `_use_new_zipfile_serialization`).
 *
 * Layout written by PyTorch 1.13 (caffe2's PyTorchStreamWriter over miniz):
 *   <archive>/data.pkl        the pickle of the saved object (protocol 2)
 *   <archive>/data/<key>      the raw bytes of each storage, keys '0', '1', ... in sorted order
 *   <archive>/version         '3\n'
 * (PyTorch 2.x adds `byteorder` = 'little' and `.data/serialization_id`; readers look records up
 * by name, so extra ones are harmless.) Every entry is stored (not compressed), with its data
 * aligned to 64 bytes by padding the local header's extra field (id 'FB'). The reader takes the
 * archive folder name from the first entry, as PyTorchStreamReader does.
 *
 * The reader reads entries on demand from a ByteSource (a file descriptor or a buffer), handles
 * zip64, stored and deflated entries, and checks CRCs. The writer writes zip64 records when an
 * offset or size needs them.
 */
import { closeSync, fstatSync, openSync, readSync, writeSync } from 'node:fs';
import * as zlib from 'node:zlib';

export class ZipError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ZipError';
  }
}

// ------------------------------------------------------------------------------------------ sources
/** Random access to bytes (a file or a buffer). */
export interface ByteSource {
  readonly size: number;
  read(pos: number, len: number): Uint8Array;
  close(): void;
}

export class BufferSource implements ByteSource {
  private buf: Uint8Array;
  constructor(buf: Uint8Array) {
    this.buf = new Uint8Array(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  get size(): number { return this.buf.length; }
  read(pos: number, len: number): Uint8Array {
    if (pos < 0 || pos + len > this.buf.length) throw new ZipError(`truncated: needs bytes ${pos}..${pos + len} of ${this.buf.length}`);
    return this.buf.subarray(pos, pos + len);
  }
  close(): void {}
}

export class FileSource implements ByteSource {
  readonly size: number;
  private fd: number;
  constructor(path: string) {
    this.fd = openSync(path, 'r');
    this.size = fstatSync(this.fd).size;
  }
  read(pos: number, len: number): Uint8Array {
    if (pos < 0 || pos + len > this.size) throw new ZipError(`truncated: needs bytes ${pos}..${pos + len} of ${this.size}`);
    const out = Buffer.allocUnsafe(len);
    let done = 0;
    while (done < len) {
      const n = readSync(this.fd, out, done, Math.min(len - done, 1 << 30), pos + done);
      if (n <= 0) throw new ZipError(`truncated: short read at byte ${pos + done}`);
      done += n;
    }
    return new Uint8Array(out.buffer, out.byteOffset, len);
  }
  close(): void {
    closeSync(this.fd);
  }
}

// ------------------------------------------------------------------------------------------ crc32
let crcTable: Uint32Array | undefined;
export function crc32(data: Uint8Array, prev = 0): number {
  const z = zlib as unknown as { crc32?: (d: Uint8Array, v?: number) => number };
  if (typeof z.crc32 === 'function') return z.crc32(data, prev) >>> 0;
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = (prev ^ 0xffffffff) >>> 0;
  for (let i = 0; i < data.length; i++) c = crcTable[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

// ------------------------------------------------------------------------------------------ reader
export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const SIG_LOCAL = 0x04034b50;
const SIG_CENTRAL = 0x02014b50;
const SIG_EOCD = 0x06054b50;
const SIG_ZIP64_EOCD = 0x06064b50;
const SIG_ZIP64_LOCATOR = 0x07064b50;
const U32_MAX = 0xffffffff;

/** True when the bytes start like a zip archive (a local file header). */
export function looksLikeZip(head: Uint8Array): boolean {
  return head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b && head[2] === 0x03 && head[3] === 0x04;
}

export class ZipReader {
  readonly entries = new Map<string, ZipEntry>();
  /** Entry names in the order of the central directory. */
  readonly names: string[] = [];

  constructor(private src: ByteSource) {
    this.readDirectory();
  }

  private readDirectory(): void {
    const size = this.src.size;
    const tailLen = Math.min(size, 22 + 65535);
    const tail = this.src.read(size - tailLen, tailLen);
    const tdv = new DataView(tail.buffer, tail.byteOffset, tail.byteLength);
    let eocd = -1;
    for (let i = tailLen - 22; i >= 0; i--) {
      if (tdv.getUint32(i, true) === SIG_EOCD) { eocd = i; break; }
    }
    if (eocd < 0) {
      const head = this.src.read(0, Math.min(4, size));
      if (looksLikeZip(head)) throw new ZipError('truncated zip archive: no end-of-central-directory record (the file is incomplete)');
      throw new ZipError(size < 22 ? 'not a zip archive (too short)' : 'not a zip archive (no end-of-central-directory record)');
    }
    let count = tdv.getUint16(eocd + 10, true);
    let cdSize = tdv.getUint32(eocd + 12, true);
    let cdOffset = tdv.getUint32(eocd + 16, true);
    const eocdPos = size - tailLen + eocd;
    if (count === 0xffff || cdSize === U32_MAX || cdOffset === U32_MAX) {
      if (eocdPos >= 20) {
        const loc = this.src.read(eocdPos - 20, 20);
        const ldv = new DataView(loc.buffer, loc.byteOffset, 20);
        if (ldv.getUint32(0, true) === SIG_ZIP64_LOCATOR) {
          const z64Pos = Number(ldv.getBigUint64(8, true));
          const z = this.src.read(z64Pos, 56);
          const zdv = new DataView(z.buffer, z.byteOffset, 56);
          if (zdv.getUint32(0, true) !== SIG_ZIP64_EOCD) throw new ZipError('corrupt zip64 end-of-central-directory record');
          count = Number(zdv.getBigUint64(32, true));
          cdSize = Number(zdv.getBigUint64(40, true));
          cdOffset = Number(zdv.getBigUint64(48, true));
        }
      }
    }
    if (cdOffset + cdSize > size) throw new ZipError(`truncated zip archive: the central directory (bytes ${cdOffset}..${cdOffset + cdSize}) lies past the end (${size} bytes)`);
    const cd = this.src.read(cdOffset, cdSize);
    const dv = new DataView(cd.buffer, cd.byteOffset, cd.byteLength);
    const dec = new TextDecoder();
    let p = 0;
    for (let i = 0; i < count; i++) {
      if (p + 46 > cd.length || dv.getUint32(p, true) !== SIG_CENTRAL) throw new ZipError(`corrupt zip central directory at entry ${i}`);
      const method = dv.getUint16(p + 10, true);
      const crc = dv.getUint32(p + 16, true);
      let csize = dv.getUint32(p + 20, true);
      let usize = dv.getUint32(p + 24, true);
      const nameLen = dv.getUint16(p + 28, true);
      const extraLen = dv.getUint16(p + 30, true);
      const commentLen = dv.getUint16(p + 32, true);
      let offset = dv.getUint32(p + 42, true);
      const name = dec.decode(cd.subarray(p + 46, p + 46 + nameLen));
      // zip64 extended information: the 0xFFFFFFFF fields, in order usize, csize, offset
      let e = p + 46 + nameLen;
      const eEnd = e + extraLen;
      while (e + 4 <= eEnd) {
        const id = dv.getUint16(e, true);
        const len = dv.getUint16(e + 2, true);
        if (id === 0x0001) {
          let q = e + 4;
          if (usize === U32_MAX) { usize = Number(dv.getBigUint64(q, true)); q += 8; }
          if (csize === U32_MAX) { csize = Number(dv.getBigUint64(q, true)); q += 8; }
          if (offset === U32_MAX) { offset = Number(dv.getBigUint64(q, true)); q += 8; }
        }
        e += 4 + len;
      }
      const entry = { name, method, crc, compressedSize: csize, size: usize, localOffset: offset };
      this.entries.set(name, entry);
      this.names.push(name);
      p = eEnd + commentLen;
    }
  }

  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Where an entry's data starts in the source. */
  dataOffset(entry: ZipEntry): number {
    const h = this.src.read(entry.localOffset, 30);
    const dv = new DataView(h.buffer, h.byteOffset, 30);
    if (dv.getUint32(0, true) !== SIG_LOCAL) throw new ZipError(`corrupt zip: no local header for '${entry.name}' at byte ${entry.localOffset}`);
    return entry.localOffset + 30 + dv.getUint16(26, true) + dv.getUint16(28, true);
  }

  /** The uncompressed bytes of an entry (CRC checked). */
  read(name: string, { verify = true } = {}): Uint8Array {
    const entry = this.entries.get(name);
    if (!entry) throw new ZipError(`no record '${name}' in the archive`);
    const start = this.dataOffset(entry);
    if (start + entry.compressedSize > this.src.size) {
      throw new ZipError(`truncated zip archive: record '${name}' needs bytes up to ${start + entry.compressedSize}, the file has ${this.src.size}`);
    }
    const raw = this.src.read(start, entry.compressedSize);
    let data: Uint8Array;
    if (entry.method === 0) data = raw;
    else if (entry.method === 8) {
      try {
        // the directory's size bounds the output (no zip bombs)
        data = new Uint8Array(zlib.inflateRawSync(raw, { maxOutputLength: Math.max(1, entry.size) }));
      } catch (e) {
        throw new ZipError(`corrupt deflated record '${name}': ${(e as Error).message}`);
      }
    } else throw new ZipError(`record '${name}' uses zip compression method ${entry.method}; only stored and deflated are supported`);
    if (data.length !== entry.size) throw new ZipError(`record '${name}' has ${data.length} bytes, the directory says ${entry.size}`);
    if (verify && crc32(data) !== entry.crc) throw new ZipError(`record '${name}' is corrupt (CRC mismatch)`);
    return data;
  }
}

// ------------------------------------------------------------------------------------------ writer
/** Where the writer's bytes go, in order. */
export interface ByteSink {
  write(b: Uint8Array): void;
}

export class ChunkSink implements ByteSink {
  chunks: Uint8Array[] = [];
  write(b: Uint8Array): void { this.chunks.push(b.slice()); }
  result(): Uint8Array { return new Uint8Array(Buffer.concat(this.chunks)); }
}

export class FdSink implements ByteSink {
  constructor(private fd: number) {}
  write(b: Uint8Array): void {
    let done = 0;
    while (done < b.length) done += writeSync(this.fd, b, done, b.length - done);
  }
}

interface Written { name: Uint8Array; crc: number; size: number; offset: number }

export interface ZipWriterOptions {
  /** Data alignment of each entry (PyTorch: 64). */
  alignment?: number;
  /** Write zip64 records even when not needed (tests). */
  forceZip64?: boolean;
}

/** Writes a stored (uncompressed) zip archive the way PyTorchStreamWriter does. */
export class ZipWriter {
  private offset = 0;
  private written: Written[] = [];
  private alignment: number;
  private force64: boolean;

  constructor(private sink: ByteSink, opts: ZipWriterOptions = {}) {
    this.alignment = opts.alignment ?? 64;
    this.force64 = opts.forceZip64 ?? false;
  }

  private out(b: Uint8Array): void {
    this.sink.write(b);
    this.offset += b.length;
  }

  /** Adds an entry; `parts` are concatenated (so a big storage needs no extra copy). */
  add(name: string, parts: Uint8Array | Uint8Array[]): void {
    const list = Array.isArray(parts) ? parts : [parts];
    let crc = 0;
    let size = 0;
    for (const p of list) { crc = crc32(p, crc); size += p.length; }
    const nameBytes = new TextEncoder().encode(name);
    const zip64 = this.force64 || size >= U32_MAX;
    const z64Len = zip64 ? 20 : 0;
    const base = this.offset + 30 + nameBytes.length + z64Len + 4;
    const pad = (this.alignment - (base % this.alignment)) % this.alignment;
    const extraLen = z64Len + 4 + pad;
    const h = new Uint8Array(30 + nameBytes.length + extraLen);
    const dv = new DataView(h.buffer);
    dv.setUint32(0, SIG_LOCAL, true);
    dv.setUint16(4, zip64 ? 45 : 20, true); // version needed
    dv.setUint16(6, 0x0800, true); // flags: UTF-8 names
    dv.setUint16(8, 0, true); // stored
    dv.setUint16(10, 0, true); // time
    dv.setUint16(12, 0x21, true); // date 1980-01-01
    dv.setUint32(14, crc, true);
    dv.setUint32(18, zip64 ? U32_MAX : size, true);
    dv.setUint32(22, zip64 ? U32_MAX : size, true);
    dv.setUint16(26, nameBytes.length, true);
    dv.setUint16(28, extraLen, true);
    h.set(nameBytes, 30);
    let e = 30 + nameBytes.length;
    if (zip64) {
      dv.setUint16(e, 0x0001, true);
      dv.setUint16(e + 2, 16, true);
      dv.setBigUint64(e + 4, BigInt(size), true);
      dv.setBigUint64(e + 12, BigInt(size), true);
      e += 20;
    }
    dv.setUint16(e, 0x4246, true); // 'FB': PyTorch's alignment padding
    dv.setUint16(e + 2, pad, true);
    h.fill(0x5a, e + 4, e + 4 + pad); // 'Z'
    const offset = this.offset;
    this.out(h);
    for (const p of list) this.out(p);
    this.written.push({ name: nameBytes, crc, size, offset });
  }

  /** Writes the central directory and the end records. */
  finish(): void {
    const cdStart = this.offset;
    for (const w of this.written) {
      const need64 = this.force64 || w.size >= U32_MAX || w.offset >= U32_MAX;
      const z64: number[] = [];
      if (need64) z64.push(w.size, w.size, w.offset);
      const extraLen = need64 ? 4 + 8 * z64.length : 0;
      const h = new Uint8Array(46 + w.name.length + extraLen);
      const dv = new DataView(h.buffer);
      dv.setUint32(0, SIG_CENTRAL, true);
      dv.setUint16(4, need64 ? 45 : 20, true); // made by
      dv.setUint16(6, need64 ? 45 : 20, true); // needed
      dv.setUint16(8, 0x0800, true);
      dv.setUint16(10, 0, true);
      dv.setUint16(12, 0, true);
      dv.setUint16(14, 0x21, true);
      dv.setUint32(16, w.crc, true);
      dv.setUint32(20, need64 ? U32_MAX : w.size, true);
      dv.setUint32(24, need64 ? U32_MAX : w.size, true);
      dv.setUint16(28, w.name.length, true);
      dv.setUint16(30, extraLen, true);
      dv.setUint32(42, need64 ? U32_MAX : w.offset, true);
      h.set(w.name, 46);
      if (need64) {
        let e = 46 + w.name.length;
        dv.setUint16(e, 0x0001, true);
        dv.setUint16(e + 2, 8 * z64.length, true);
        e += 4;
        for (const v of z64) { dv.setBigUint64(e, BigInt(v), true); e += 8; }
      }
      this.out(h);
    }
    const cdSize = this.offset - cdStart;
    const count = this.written.length;
    const need64 = this.force64 || count >= 0xffff || cdStart >= U32_MAX || cdSize >= U32_MAX;
    if (need64) {
      const z64Pos = this.offset;
      const r = new Uint8Array(56 + 20);
      const dv = new DataView(r.buffer);
      dv.setUint32(0, SIG_ZIP64_EOCD, true);
      dv.setBigUint64(4, 44n, true);
      dv.setUint16(12, 45, true);
      dv.setUint16(14, 45, true);
      dv.setBigUint64(24, BigInt(count), true);
      dv.setBigUint64(32, BigInt(count), true);
      dv.setBigUint64(40, BigInt(cdSize), true);
      dv.setBigUint64(48, BigInt(cdStart), true);
      dv.setUint32(56, SIG_ZIP64_LOCATOR, true);
      dv.setBigUint64(64, BigInt(z64Pos), true);
      dv.setUint32(72, 1, true);
      this.out(r);
    }
    const r = new Uint8Array(22);
    const dv = new DataView(r.buffer);
    dv.setUint32(0, SIG_EOCD, true);
    dv.setUint16(8, need64 ? 0xffff : count, true);
    dv.setUint16(10, need64 ? 0xffff : count, true);
    dv.setUint32(12, need64 ? U32_MAX : cdSize, true);
    dv.setUint32(16, need64 ? U32_MAX : cdStart, true);
    this.out(r);
  }
}
