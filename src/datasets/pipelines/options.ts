/**
 * The one place where an untyped config dict becomes a typed options object: defaults are
 * filled in, unknown keys are rejected with a suggestion, required keys are enforced.
 */
export type Cfg = Record<string, unknown>;

function editDistance(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
  }
  return d[a.length]![b.length]!;
}

export function didYouMean(key: string, known: readonly string[]): string {
  let best = '';
  let bestD = Infinity;
  for (const k of known) {
    const dd = editDistance(key, k);
    if (dd < bestD) {
      bestD = dd;
      best = k;
    }
  }
  return best && bestD <= Math.max(2, Math.floor(key.length / 3)) ? ` (did you mean ${best}?)` : '';
}

/**
 * Merge `cfg` (without its `type`) over `defaults`. `required` keys must be present.
 * `where` names the config path for messages, e.g. `pipeline[2] (Resize)`.
 */
export function parseOptions<T extends object>(
  where: string,
  cfg: Cfg,
  defaults: T,
  required: readonly string[] = [],
): T {
  const known = [...Object.keys(defaults), ...required];
  const out: Record<string, unknown> = { ...(defaults as Record<string, unknown>) };
  for (const [k, v] of Object.entries(cfg)) {
    if (k === 'type') continue;
    if (!known.includes(k)) {
      throw new Error(`${where}: unknown option '${k}'${didYouMean(k, known)}; accepted: ${known.join(', ')}`);
    }
    out[k] = v;
  }
  for (const k of required) {
    if (cfg[k] === undefined) throw new Error(`${where}: missing required option '${k}'`);
  }
  return out as T;
}

export function expectInt(where: string, name: string, v: unknown, min = -Infinity): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new Error(`${where}: ${name} must be an integer${min > -Infinity ? ` >= ${min}` : ''}, got ${JSON.stringify(v)}`);
  }
  return v;
}

export function expectOneOf<T extends string>(where: string, name: string, v: unknown, allowed: readonly T[]): T {
  if (!allowed.includes(v as T)) {
    throw new Error(`${where}: ${name} must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${JSON.stringify(v)}`);
  }
  return v as T;
}
