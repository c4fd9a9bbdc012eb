/**
 * TensorboardLoggerHook (mmcv/runner/hooks/logger/tensorboard.py): scalars in TensorBoard event
 * files under `<work_dir>/tf_logs` (tags `train/loss_cls`, `val/top1_acc`, `learning_rate`,
 * `momentum`, at step `runner.iter + 1`), written without TensorFlow: TFRecord framing
 * (length, masked CRC32C) around hand-encoded `Event`/`Summary` protocol buffers.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { RunnerLike } from '../types.ts';
import { LoggerHook, type LoggerHookOptions } from './text_logger.ts';

// ------------------------------------------------------------------------------ CRC32C (Castagnoli)
const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    t[i] = c >>> 0;
  }
  return t;
})();

export function crc32c(data: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < data.length; i++) c = CRC_TABLE[(c ^ data[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** TFRecord's masked CRC: rotate right by 15 and add a constant. */
export function maskedCrc32c(data: Uint8Array): number {
  const c = crc32c(data);
  return ((((c >>> 15) | (c << 17)) >>> 0) + 0xa282ead8) >>> 0;
}

/** One TFRecord: uint64 length, masked CRC of the length, data, masked CRC of the data (little endian). */
export function tfRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length + 4);
  const dv = new DataView(out.buffer);
  dv.setBigUint64(0, BigInt(data.length), true);
  dv.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  dv.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

// ------------------------------------------------------------------------------ protobuf encoding
function varint(n: number | bigint): number[] {
  let v = BigInt.asUintN(64, BigInt(n));
  const out: number[] = [];
  while (v >= 0x80n) { out.push(Number(v & 0x7fn) | 0x80); v >>= 7n; }
  out.push(Number(v));
  return out;
}
const key = (field: number, wire: number) => varint((field << 3) | wire);
function lenDelim(field: number, bytes: Uint8Array | number[]): number[] {
  return [...key(field, 2), ...varint(bytes.length), ...bytes];
}
function f64(field: number, v: number): number[] {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setFloat64(0, v, true);
  return [...key(field, 1), ...b];
}
function f32(field: number, v: number): number[] {
  const b = new Uint8Array(4);
  new DataView(b.buffer).setFloat32(0, v, true);
  return [...key(field, 5), ...b];
}
const utf8 = (s: string) => [...new TextEncoder().encode(s)];

/** An `Event` with wall_time, step and either file_version or a Summary of scalar values (and text values). */
export function encodeEvent(wallTime: number, step: number, content: { fileVersion?: string; scalars?: [string, number][]; texts?: [string, string][] }): Uint8Array {
  const bytes: number[] = [...f64(1, wallTime), ...key(2, 0), ...varint(step)];
  if (content.fileVersion) bytes.push(...lenDelim(3, utf8(content.fileVersion)));
  const values: number[] = [];
  for (const [tag, v] of content.scalars ?? []) values.push(...lenDelim(1, [...lenDelim(1, utf8(tag)), ...f32(2, v)]));
  for (const [tag, text] of content.texts ?? []) {
    // Summary.Value{tag, metadata{plugin_data{plugin_name:'text'}}, tensor{dtype: DT_STRING, string_val, tensor_shape{}}}
    const metadata = lenDelim(9, lenDelim(1, lenDelim(1, utf8('text'))));
    const tensor = lenDelim(8, [...key(1, 0), ...varint(7), ...lenDelim(2, []), ...lenDelim(8, utf8(text))]);
    values.push(...lenDelim(1, [...lenDelim(1, utf8(tag)), ...metadata, ...tensor]));
  }
  if (values.length) bytes.push(...lenDelim(5, values));
  return new Uint8Array(bytes);
}

/** Appends events to one `events.out.tfevents.<time>.<host>.<pid>.0` file. */
export class EventFileWriter {
  readonly path: string;
  constructor(readonly logDir: string) {
    mkdirSync(logDir, { recursive: true });
    this.path = join(logDir, `events.out.tfevents.${String(Math.floor(Date.now() / 1000)).padStart(10, '0')}.${hostname()}.${process.pid}.0`);
    appendFileSync(this.path, tfRecord(encodeEvent(Date.now() / 1000, 0, { fileVersion: 'brain.Event:2' })));
  }
  addScalars(step: number, scalars: [string, number][], texts: [string, string][] = []): void {
    appendFileSync(this.path, tfRecord(encodeEvent(Date.now() / 1000, step, { scalars, texts })));
  }
}

export interface TensorboardLoggerHookOptions extends LoggerHookOptions {
  /** Default `<work_dir>/tf_logs`. */
  log_dir?: string | null;
}

export class TensorboardLoggerHook extends LoggerHook {
  logDir: string | null;
  writer: EventFileWriter | null = null;

  constructor({ log_dir = null, ...rest }: TensorboardLoggerHookOptions = {}) {
    super(rest);
    this.logDir = log_dir;
  }

  override beforeRun(r: RunnerLike): void {
    super.beforeRun(r);
    if (r.rank !== 0) return;
    this.logDir ??= join(r.workDir!, 'tf_logs');
    this.writer = new EventFileWriter(this.logDir);
  }

  /** `get_loggable_tags(runner, allow_text=True)`: `<mode>/<key>` for the log buffer output, plus learning_rate and momentum. */
  loggableTags(r: RunnerLike): { scalars: [string, number][]; texts: [string, string][] } {
    const scalars: [string, number][] = [];
    const texts: [string, string][] = [];
    const mode = this.getMode(r);
    for (const [k, v] of Object.entries(r.logBuffer.output)) {
      if (k === 'time' || k === 'data_time') continue;
      if (typeof v === 'number') scalars.push([`${mode}/${k}`, v]);
      else if (typeof v === 'string') texts.push([`${mode}/${k}`, v]);
    }
    scalars.push(['learning_rate', r.currentLr()[0]], ['momentum', r.currentMomentum()[0]]);
    return { scalars, texts };
  }

  log(r: RunnerLike): void {
    if (!this.writer) return;
    const { scalars, texts } = this.loggableTags(r);
    this.writer.addScalars(this.getIter(r), scalars, texts);
  }
}
