/** Python's number formatting and json.dumps, for log lines that match mmcv's byte for byte. */

/** `f'{x:.{digits}e}'`: Python pads the exponent to two digits ('1.000e-02'). */
export function formatExp(x: number, digits = 3): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  return x.toExponential(digits).replace(/e([+-])(\d)$/, 'e$10$2');
}

/** `f'{x:.{digits}f}'`. */
export function formatFixed(x: number, digits = 4): string {
  if (!Number.isFinite(x)) return Number.isNaN(x) ? 'nan' : x > 0 ? 'inf' : '-inf';
  return x.toFixed(digits);
}

/** `round(x, 5)` on a float. */
export function round5(x: number): number {
  if (!Number.isFinite(x) || Math.abs(x) >= 1e16) return x;
  return Number(x.toFixed(5));
}

/** Python's `repr(float)`: shortest round-trip digits, exponent from 1e16 up and below 1e-4, '1.0' for integral values. */
export function pyFloatRepr(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (!Number.isFinite(x)) return x > 0 ? 'Infinity' : '-Infinity';
  if (x === 0) return Object.is(x, -0) ? '-0.0' : '0.0';
  const abs = Math.abs(x);
  if (abs >= 1e16 || abs < 1e-4) {
    const [m, e] = x.toExponential().split('e');
    const exp = Number(e);
    return `${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  const s = String(x);
  return s.includes('.') || s.includes('e') ? s : `${s}.0`;
}

/** `str(datetime.timedelta(seconds=int(s)))`: 'H:MM:SS' or 'N day(s), H:MM:SS'. */
export function formatTimedelta(seconds: number): string {
  let s = Math.trunc(seconds);
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const hms = `${Math.floor(s / 3600)}:${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
  return days ? `${days} day${days === 1 ? '' : 's'}, ${hms}` : hms;
}

/**
 * `json.dumps(obj)` with Python's default separators (', ' and ': ') and ensure_ascii. Numbers
 * whose key is in `intKeys` (or integers inside arrays of them) print as ints; other numbers as
 * Python floats ('0.0'), as the values mmcv logs are floats.
 */
export function pyJsonDumps(value: unknown, intKeys: ReadonlySet<string> = new Set(), key = ''): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'number') {
    if (intKeys.has(key) && Number.isInteger(value)) return String(value);
    return pyFloatRepr(value);
  }
  if (typeof value === 'string') {
    return JSON.stringify(value).replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  }
  if (Array.isArray(value)) return `[${value.map((v) => pyJsonDumps(v, intKeys, key)).join(', ')}]`;
  if (value instanceof Map) return pyJsonDumps(Object.fromEntries(value), intKeys, key);
  const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined);
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}: ${pyJsonDumps(v, intKeys, k)}`).join(', ')}}`;
}
