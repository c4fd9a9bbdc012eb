/**
 * Python's `str.format` for the filename templates of MMAction2 configs and annotation
 * tools (`img_{:05}.jpg`, `{}_{:05d}.jpg`, `image_{:06d}.jpg`, `{:s}_{:05d}`): auto and
 * explicit positional fields with the format-spec subset `[[fill]align][0][width][type]`,
 * type in d, s or none.
 */
const FIELD = /\{\{|\}\}|\{(\d*)(?::([^{}]*))?\}/g;
const SPEC = /^(?:(.)?([<>^=]))?(0)?(\d+)?([ds])?$/;

export function pyFormat(tmpl: string, ...args: (string | number)[]): string {
  let auto = 0;
  return tmpl.replace(FIELD, (m, idx: string | undefined, spec: string | undefined) => {
    if (m === '{{') return '{';
    if (m === '}}') return '}';
    const i = idx ? Number(idx) : auto++;
    if (i >= args.length) throw new Error(`filename template '${tmpl}': field ${i} has no value (got ${args.length} values)`);
    return formatValue(args[i]!, spec ?? '', tmpl);
  });
}

function formatValue(v: string | number, spec: string, tmpl: string): string {
  const m = SPEC.exec(spec);
  if (!m) throw new Error(`filename template '${tmpl}': unsupported format spec '{:${spec}}'`);
  const [, fillCh, align, zero, widthS, type] = m;
  if (type === 'd' && typeof v !== 'number') throw new Error(`filename template '${tmpl}': '{:${spec}}' needs a number, got '${v}'`);
  const s = typeof v === 'number' ? String(Math.trunc(v)) : v;
  const width = widthS ? Number(widthS) : 0;
  if (s.length >= width) return s;
  const isNum = typeof v === 'number';
  let fill = fillCh ?? ' ';
  let al = align ?? (isNum ? '>' : '<');
  if (zero && !align) {
    fill = '0';
    al = isNum ? '=' : '<';
  }
  const pad = fill.repeat(width - s.length);
  if (al === '<') return s + pad;
  if (al === '^') {
    const left = Math.floor((width - s.length) / 2);
    return fill.repeat(left) + s + fill.repeat(width - s.length - left);
  }
  if (al === '=' && (s.startsWith('-') || s.startsWith('+'))) return s[0] + pad + s.slice(1);
  return pad + s;
}
