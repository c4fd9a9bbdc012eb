/**
 * Shared pieces of the tools/data/ ports (extract-audio, build-audio-features): argparse-like
 * options, MMAction2's `glob(root + '/*' * level + '.' + ext)` listing, and a bounded pool.
 */
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** `--name value`, `--name=value`, `--flag`; `_` and `-` alike in names. */
export function parseToolArgs(argv: string[], values: readonly string[], flags: readonly string[], usage: string,
  positionals: number): { pos: string[]; opts: Record<string, string | true> } {
  const pos: string[] = [];
  const opts: Record<string, string | true> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('--')) {
      if (pos.length >= positionals) throw new Error(`unexpected argument '${a}'\n\n${usage}`);
      pos.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = (eq > 0 ? a.slice(2, eq) : a.slice(2)).replace(/_/g, '-');
    if (flags.includes(name) && eq < 0) {
      opts[name] = true;
      continue;
    }
    if (!values.includes(name)) throw new Error(`unknown option '${a}'\n\n${usage}`);
    const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
    if (v === undefined) throw new Error(`--${name} needs a value\n\n${usage}`);
    opts[name] = v;
  }
  if (pos.length !== positionals) throw new Error(usage);
  return { pos, opts };
}

export function intOption(opts: Record<string, string | true>, name: string, fallback: number, min: number): number {
  const v = opts[name];
  if (v === undefined) return fallback;
  const n = Number(v);
  if (typeof v !== 'string' || !/^-?\d+$/.test(v) || n < min) throw new Error(`--${name} expects an integer >= ${min}, got '${String(v)}'`);
  return n;
}

/**
 * Python's `sorted(glob.glob(root + '/*' * level + '.' + ext))`: files exactly `level` folders
 * below root whose name ends with `.ext` (case-sensitive); names starting with '.' are skipped,
 * as glob's '*' does.
 */
export function globLevel(root: string, level: number, ext: string): string[] {
  if (!(Number.isInteger(level) && level >= 1)) throw new Error(`--level expects an integer >= 1, got ${level}`);
  const suffix = `.${ext}`;
  const out: string[] = [];
  const walk = (dir: string, depth: number) => {
    let names: string[];
    try {
      names = readdirSync(dir);
    } catch {
      return;
    }
    for (const name of names) {
      if (name.startsWith('.')) continue;
      const p = join(dir, name);
      let st;
      try {
        st = statSync(p);
      } catch {
        continue;
      }
      if (depth < level) {
        if (st.isDirectory()) walk(p, depth + 1);
      } else if (st.isFile() && name.endsWith(suffix)) {
        out.push(p);
      }
    }
  };
  walk(root, 1);
  return out.sort();
}

/** `--part THIS/NUM`. */
export function parsePart(part: string): [number, number] {
  const m = /^(\d+)\/(\d+)$/.exec(part);
  const [i, n] = m ? [Number(m[1]), Number(m[2])] : [NaN, NaN];
  if (!(i >= 1 && n >= 1 && i <= n)) throw new Error(`--part expects THIS/NUM with 1 <= THIS <= NUM, got '${part}'`);
  return [i, n];
}

/** The part `[i, n]` of a sorted list as build_audio_features.py slices it (the last part takes the rest). */
export function selectPart<T>(items: T[], [i, n]: [number, number]): T[] {
  const len = Math.floor(items.length / n);
  return items.slice(len * (i - 1), i !== n ? len * i : items.length);
}

/** Runs `fn` over `items` with at most `n` calls in flight. */
export async function runPool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(n, items.length)) }, worker));
}
