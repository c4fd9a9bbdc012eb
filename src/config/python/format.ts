/**
 * Python string formatting used by config files: `format(value, spec)` (f-strings, str.format)
 * and printf-style `'%s_%d' % (a, b)`.
 */
import { floatRepr, isDict, numeric, PyTuple, repr, str, typeName, type PyValue } from './values.ts';

export class FormatError extends Error {}

/** Python's `format(value, spec)` for the standard format-spec mini-language. */
export function formatValue(v: PyValue, spec: string): string {
  if (spec === '') return str(v);
  const m = /^(?:(.)?([<>=^]))?([+\- ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([bcdeEfFgGnosxX%])?$/s.exec(spec);
  if (!m) throw new FormatError(`invalid format specifier '${spec}' for object of type '${typeName(v)}'`);
  let [, fill, align, sign, alt, zero, widthS, group, precS, type] = m;
  const width = widthS ? Number(widthS) : 0;
  const prec = precS !== undefined ? Number(precS) : undefined;
  if (zero && !align) { fill = '0'; align = '='; }
  fill = fill ?? ' ';
  let body: string;
  let neg = false;
  const n = numeric(v);
  if (typeof v === 'string') {
    if (type && type !== 's') throw new FormatError(`unknown format code '${type}' for object of type 'str'`);
    body = prec !== undefined ? v.slice(0, prec) : v;
    align = align ?? '<';
  } else if (n !== undefined && typeof v !== 'boolean' || (typeof v === 'boolean' && type)) {
    const isInt = typeof n === 'bigint';
    let t = type ?? (isInt ? 'd' : '');
    if (isInt && 'eEfFgG%'.includes(t)) { /* ints format as floats for these codes */ }
    else if (!isInt && 'bcdoxX'.includes(t)) throw new FormatError(`unknown format code '${t}' for object of type 'float'`);
    const x = n!;
    neg = x < 0;
    const abs = (typeof x === 'bigint' ? (x < 0n ? -x : x) : Math.abs(x)) as bigint | number;
    const num = Number(abs);
    switch (t) {
      case 'd': case 'n': body = abs.toString(); break;
      case 'b': body = abs.toString(2); break;
      case 'o': body = abs.toString(8); if (alt) body = '0o' + body; break;
      case 'x': body = abs.toString(16); if (alt) body = '0x' + body; break;
      case 'X': body = abs.toString(16).toUpperCase(); if (alt) body = '0X' + body; break;
      case 'c': body = String.fromCodePoint(num); break;
      case 'f': case 'F': body = num.toFixed(prec ?? 6); break;
      case 'e': case 'E': body = pyExp(num, prec ?? 6); if (t === 'E') body = body.toUpperCase(); break;
      case '%': body = (num * 100).toFixed(prec ?? 6) + '%'; break;
      case 'g': case 'G': body = pyGeneral(num, prec ?? 6, !!alt); if (t === 'G') body = body.toUpperCase(); break;
      default: body = prec !== undefined ? pyGeneral(num, prec, false, true) : (typeof abs === 'bigint' ? abs.toString() : floatRepr(num));
    }
    if (group) {
      const [ip, fp] = body.split('.');
      body = ip.replace(/\B(?=(\d{3})+(?!\d))/g, group) + (fp !== undefined ? '.' + fp : '');
    }
    const signStr = neg ? '-' : sign === '+' ? '+' : sign === ' ' ? ' ' : '';
    body = signStr + body;
    align = align ?? '>';
    if (align === '=' && body.length < width) {
      return signStr + fill.repeat(width - body.length) + body.slice(signStr.length);
    }
  } else {
    if (type) throw new FormatError(`unknown format code '${type}' for object of type '${typeName(v)}'`);
    body = str(v);
    align = align ?? '<';
  }
  if (body.length >= width) return body;
  const pad = width - body.length;
  if (align === '<') return body + fill.repeat(pad);
  if (align === '^') return fill.repeat(Math.floor(pad / 2)) + body + fill.repeat(pad - Math.floor(pad / 2));
  return fill.repeat(pad) + body;
}

function pyExp(x: number, prec: number): string {
  const [m, e] = x.toExponential(prec).split('e');
  const en = Number(e);
  return `${m}e${en < 0 ? '-' : '+'}${String(Math.abs(en)).padStart(2, '0')}`;
}

function pyGeneral(x: number, prec: number, alt: boolean, noType = false): string {
  const p = prec === 0 ? 1 : prec;
  if (x === 0) return noType ? '0.0' : '0';
  const exp = Math.floor(Math.log10(Math.abs(Number(x.toPrecision(p)))));
  let out: string;
  if (exp >= -4 && exp < p) {
    out = x.toFixed(Math.max(0, p - 1 - exp));
    if (!alt && out.includes('.')) out = out.replace(/0+$/, '').replace(/\.$/, noType ? '.0' : '');
  } else {
    out = pyExp(x, p - 1);
    if (!alt) out = out.replace(/\.?0+e/, 'e');
  }
  return out;
}

/** printf-style `fmt % args`. */
export function percentFormat(fmt: string, args: PyValue): string {
  const positional = args instanceof PyTuple ? [...args] : [args];
  const mapping = isDict(args) ? args : null;
  let k = 0;
  const out = fmt.replace(/%(?:\(([^)]*)\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d+))?[hlL]?([diouxXeEfFgGcrsa%])/g,
    (_all, key: string | undefined, flags: string, width: string | undefined, prec: string | undefined, conv: string) => {
      if (conv === '%') return '%';
      let v: PyValue;
      if (key !== undefined) {
        if (!mapping) throw new FormatError('format requires a mapping');
        if (!(key in mapping)) throw new FormatError(`KeyError: '${key}'`);
        v = mapping[key];
      } else {
        if (k >= positional.length) throw new FormatError('not enough arguments for format string');
        v = positional[k++];
      }
      let spec = '';
      if (flags.includes('-')) spec += '<';
      else if (flags.includes('0') && conv !== 's' && conv !== 'r') spec += '0';
      if (flags.includes('+')) spec = (spec.startsWith('<') ? '<+' : '+' + spec);
      let text: string;
      if (conv === 's') text = str(v);
      else if (conv === 'r' || conv === 'a') text = repr(v);
      else {
        const n = numeric(v);
        if (n === undefined) throw new FormatError(`%${conv} format: a real number is required, not ${typeName(v)}`);
        const val: PyValue = 'diu'.includes(conv) ? (typeof n === 'bigint' ? n : BigInt(Math.trunc(n))) : n;
        const c = conv === 'i' || conv === 'u' ? 'd' : conv;
        const typed = 'eEfFgG'.includes(c) && typeof val === 'bigint' ? Number(val) : val;
        text = formatValue(typed, `${flags.includes('+') ? '+' : ''}${prec !== undefined ? '.' + prec : ''}${c}`);
      }
      if (conv === 's' || conv === 'r') {
        if (prec !== undefined) text = text.slice(0, Number(prec));
      }
      const w = width ? Number(width) : 0;
      if (text.length < w) {
        if (flags.includes('-')) text = text.padEnd(w);
        else if (flags.includes('0') && !'sr'.includes(conv)) {
          const s = /^[+-]/.test(text) ? text[0] : '';
          text = s + text.slice(s.length).padStart(w - s.length, '0');
        } else text = text.padStart(w);
      }
      return text;
    });
  if (!mapping && k < positional.length) throw new FormatError('not all arguments converted during string formatting');
  return out;
}
