/**
 * A logger like mmcv's get_logger / MMAction2's get_root_logger: lines
 * `2026-01-02 03:04:05,678 - mmaction - INFO - message` to stderr and, on rank 0, to the
 * work dir's `<timestamp>.log`. Other ranks log errors only, as in mmcv.
 */
import { appendFileSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type LogLevel = 'DEBUG' | 'INFO' | 'WARNING' | 'ERROR';
const LEVELS: Record<LogLevel, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40 };

export interface LoggerOptions {
  name?: string;
  /** Also write to this file (rank 0 only). */
  logFile?: string | null;
  logLevel?: LogLevel;
  rank?: number;
  /** Where console lines go; default stderr. null: no console output. */
  stream?: ((line: string) => void) | null;
}

function two(n: number, w = 2): string { return String(n).padStart(w, '0'); }

/** `%(asctime)s`: local time with milliseconds after a comma. */
export function asctime(d = new Date()): string {
  return `${d.getFullYear()}-${two(d.getMonth() + 1)}-${two(d.getDate())} ${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())},${two(d.getMilliseconds(), 3)}`;
}

/** mmcv's `get_time_str()`: the run's timestamp, `%Y%m%d_%H%M%S`. */
export function timeStr(d = new Date()): string {
  return `${d.getFullYear()}${two(d.getMonth() + 1)}${two(d.getDate())}_${two(d.getHours())}${two(d.getMinutes())}${two(d.getSeconds())}`;
}

export class Logger {
  readonly name: string;
  readonly logFile: string | null;
  readonly level: number;
  private readonly stream: ((line: string) => void) | null;
  /** Every line logged (without the time prefix), for tests and tools. */
  readonly history: string[] = [];

  constructor(o: LoggerOptions = {}) {
    this.name = o.name ?? 'mmaction';
    const rank = o.rank ?? 0;
    this.logFile = rank === 0 ? (o.logFile ?? null) : null;
    this.level = rank === 0 ? LEVELS[o.logLevel ?? 'INFO'] : LEVELS.ERROR;
    this.stream = o.stream === undefined ? (line) => process.stderr.write(`${line}\n`) : o.stream;
    if (this.logFile) mkdirSync(dirname(this.logFile), { recursive: true });
  }

  log(level: LogLevel, msg: string): void {
    if (LEVELS[level] < this.level) return;
    const line = `${asctime()} - ${this.name} - ${level} - ${msg}`;
    this.history.push(msg);
    this.stream?.(line);
    if (this.logFile) appendFileSync(this.logFile, `${line}\n`);
  }

  debug(msg: string): void { this.log('DEBUG', msg); }
  info(msg: string): void { this.log('INFO', msg); }
  warning(msg: string): void { this.log('WARNING', msg); }
  error(msg: string): void { this.log('ERROR', msg); }
}
