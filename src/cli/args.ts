/**
 * Command-line parsing shared by the `mmaction` subcommands, argparse-like. Kept apart from the
 * commands so that a light command (analyze-logs, report-accuracy) does not load the engine.
 */

/** argparse-like parsing: flags with values, `nargs='+'` lists up to the next flag, booleans. */
export function parseArgs(argv: string[], spec: { values: string[]; lists: string[]; flags: string[] }, usage: string, positionals: number): { pos: string[]; opts: Record<string, string | string[] | boolean> } {
  const pos: string[] = [];
  const opts: Record<string, string | string[] | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '-h' || a === '--help') { opts.help = true; continue; }
    if (!a.startsWith('--')) {
      if (pos.length >= positionals) throw new Error(`unexpected argument '${a}'\n\n${usage}`);
      pos.push(a);
      continue;
    }
    const eq = a.indexOf('=');
    const name = (eq > 0 ? a.slice(2, eq) : a.slice(2)).replace(/_/g, '-');
    const inline = eq > 0 ? a.slice(eq + 1) : undefined;
    if (spec.flags.includes(name)) { opts[name] = true; continue; }
    if (spec.values.includes(name)) {
      const v = inline ?? argv[++i];
      if (v === undefined || (inline === undefined && v.startsWith('--'))) throw new Error(`--${name} needs a value\n\n${usage}`);
      opts[name] = v;
      continue;
    }
    if (spec.lists.includes(name)) {
      const list = (opts[name] as string[] | undefined) ?? [];
      if (inline !== undefined) list.push(inline);
      while (i + 1 < argv.length && !argv[i + 1].startsWith('--')) list.push(argv[++i]);
      if (list.length === 0) throw new Error(`--${name} needs at least one value\n\n${usage}`);
      opts[name] = list;
      continue;
    }
    throw new Error(`unknown option '${a}'\n\n${usage}`);
  }
  return { pos, opts };
}

export function parseIntOpt(v: string | string[] | boolean | undefined, name: string): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isInteger(n)) throw new Error(`--${name} expects an integer, got '${String(v)}'`);
  return n;
}
