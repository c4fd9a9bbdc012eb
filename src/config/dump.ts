/**
 * Writing a merged config back out: Python (like mmcv's `Config.pretty_text`: `name = value`
 * lines, `dict(k=v)` where every key is an identifier, `{'k': v}` otherwise, ints and floats
 * kept apart: `1` vs `1.0`), TypeScript (`export default {...}`), JSON and YAML.
 * Lines are kept within 79 columns by breaking the innermost structures that do not fit.
 */
import { stringify as toYaml } from 'yaml';
import { floatRepr, intKeys, isDict, PyTuple, strRepr, toPlain, type PyDict, type PyValue } from './python/values.ts';

const WIDTH = 79;
const INDENT = '    ';
const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;
const PY_KEYWORDS = new Set(['False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class',
  'continue', 'def', 'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is',
  'lambda', 'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield']);

interface Style {
  scalar(v: PyValue): string;
  /** [open, close, key/value separator, how a key is written] for a dict */
  dict(d: PyDict): { open: string; close: string; entry: (k: string, v: string) => string };
  list: [string, string];
  tuple(n: number): [string, string, string];
}

const pyStyle: Style = {
  scalar(v) {
    if (v === null) return 'None';
    if (typeof v === 'boolean') return v ? 'True' : 'False';
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return "float('nan')";
      if (!Number.isFinite(v)) return v > 0 ? "float('inf')" : "float('-inf')";
      return floatRepr(v);
    }
    if (typeof v === 'string') return strRepr(v);
    throw new TypeError(`cannot write ${String(v)} as config data`);
  },
  dict(d) {
    const keys = Object.keys(d);
    const ints = new Set(intKeys(d));
    if (keys.every((k) => IDENT.test(k) && !PY_KEYWORDS.has(k) && !ints.has(k))) {
      return { open: 'dict(', close: ')', entry: (k, v) => `${k}=${v}` };
    }
    // mmcv's pretty_text writes dicts with other keys as dict({...})
    return { open: 'dict({', close: '})', entry: (k, v) => `${ints.has(k) ? k : strRepr(k)}: ${v}` };
  },
  list: ['[', ']'],
  // mmcv's pretty_text (through yapf) writes one-element tuples as `(1, )`
  tuple: (n) => ['(', ')', n === 1 ? ', ' : ''],
};

const tsStyle: Style = {
  scalar(v) {
    if (v === null) return 'null';
    if (typeof v === 'boolean') return String(v);
    if (typeof v === 'bigint') return v.toString();
    if (typeof v === 'number') {
      if (Number.isNaN(v)) return 'NaN';
      if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
      return String(v);
    }
    if (typeof v === 'string') return strRepr(v).replace(/^"(.*)"$/s, (_a, body: string) => `'${body.replace(/'/g, "\\'")}'`);
    throw new TypeError(`cannot write ${String(v)} as config data`);
  },
  dict() {
    return { open: '{', close: '}', entry: (k, v) => `${IDENT.test(k) ? k : strRepr(k)}: ${v}` };
  },
  list: ['[', ']'],
  tuple: () => ['[', ']', ''],
};

/** One-line form, or undefined when it would not fit in `room` columns. */
function flat(v: PyValue, style: Style, room: number): string | undefined {
  let out: string;
  if (v instanceof PyTuple) {
    const [o, c, trail] = style.tuple(v.length);
    const parts: string[] = [];
    for (const x of v) {
      const s = flat(x, style, room);
      if (s === undefined) return undefined;
      parts.push(s);
    }
    out = o + parts.join(', ') + trail + c;
  } else if (Array.isArray(v)) {
    const parts: string[] = [];
    for (const x of v) {
      const s = flat(x, style, room);
      if (s === undefined) return undefined;
      parts.push(s);
    }
    out = style.list[0] + parts.join(', ') + style.list[1];
  } else if (isDict(v)) {
    const d = style.dict(v);
    const parts: string[] = [];
    for (const [k, x] of Object.entries(v)) {
      const s = flat(x, style, room);
      if (s === undefined) return undefined;
      parts.push(d.entry(k, s));
    }
    out = d.open + parts.join(', ') + d.close;
    if (style === tsStyle && parts.length) out = `{ ${parts.join(', ')} }`;
  } else {
    out = style.scalar(v);
  }
  return out.length <= room ? out : undefined;
}

/** `v` written at column `col`, followed by `tail` (a comma or closing brackets) on its last line. */
function block(v: PyValue, style: Style, indent: string, col: number, tail: string): string {
  const one = flat(v, style, WIDTH - col - tail.length);
  // yapf (mmcv's pretty_text) puts each entry of a nested {...} mapping on its own line
  const nestedMapping = style === pyStyle && indent !== '' && isDict(v) && style.dict(v).open === 'dict({' && Object.keys(v).length > 1;
  if (one !== undefined && !nestedMapping) return one;
  const inner = indent + INDENT;
  const comma = ',';
  let open: string;
  let close: string;
  let items: [string, PyValue][];
  if (isDict(v)) {
    const d = style.dict(v);
    open = d.open;
    close = d.close;
    items = Object.entries(v).map(([k, x]) => [d.entry(k, ''), x]);
  } else if (Array.isArray(v)) {
    [open, close] = v instanceof PyTuple ? style.tuple(v.length) : style.list;
    items = v.map((x) => ['', x]);
  } else {
    return style.scalar(v); // a long string: Python allows it past the limit
  }
  if (style !== pyStyle) {
    const lines = items.map(([prefix, x]) => inner + prefix + block(x, style, inner, inner.length + prefix.length, comma) + comma);
    return `${open}\n${lines.join('\n')}\n${indent}${close}`;
  }
  // Python, laid out as yapf lays out mmcv's pretty_text: a dict(...) call hugs its closing
  // bracket and first tries all its arguments on one continuation line; a list that needs
  // several lines puts its closing bracket on a line of its own.
  const isCall = isDict(v) && open === 'dict(';
  if (Array.isArray(v) && v.every((x) => !isDict(x) && !Array.isArray(x))) {
    // a list of plain values is packed into as few lines as fit
    const lines: string[] = [];
    let line = '';
    items.forEach(([, x], i) => {
      const piece = style.scalar(x) + (i < items.length - 1 ? comma : '');
      if (line && inner.length + line.length + 1 + piece.length > WIDTH) { lines.push(line); line = piece; }
      else line = line ? `${line} ${piece}` : piece;
    });
    lines.push(line);
    return `${open}\n${lines.map((l) => inner + l).join('\n')}\n${indent}${close}`;
  }
  if (isCall) {
    const parts: string[] = [];
    for (const [prefix, x] of items) {
      const f = flat(x, style, WIDTH);
      if (f === undefined) break;
      parts.push(prefix + f);
    }
    const joined = parts.join(', ');
    if (parts.length === items.length && inner.length + joined.length + close.length + tail.length <= WIDTH) {
      return `${open}\n${inner}${joined}${close}`;
    }
    if (parts.length === items.length && parts.length > 1 && inner.length + joined.length + close.length <= WIDTH) {
      // fits but for the comma after it: yapf then packs the arguments over two lines
      const lines: string[] = [];
      let line = '';
      parts.forEach((p, i) => {
        const piece = p + (i < parts.length - 1 ? comma : close);
        const room = WIDTH - (i === parts.length - 1 ? tail.length : 0);
        if (line && inner.length + line.length + 1 + piece.length > room) { lines.push(line); line = piece; }
        else line = line ? `${line} ${piece}` : piece;
      });
      lines.push(line);
      return `${open}\n${lines.map((l) => inner + l).join('\n')}`;
    }
  }
  const lines = items.map(([prefix, x], i) => {
    const last = i === items.length - 1;
    const sep = last ? '' : comma;
    const after = last && isCall ? close + tail : sep;
    return inner + prefix + block(x, style, inner, inner.length + prefix.length, after) + sep;
  });
  return isCall ? `${open}\n${lines.join('\n')}${close}` : `${open}\n${lines.join('\n')}\n${indent}${close}`;
}

/** The config as Python text, one `name = value` statement per top-level key. */
export function toPythonText(cfg: PyDict): string {
  const lines: string[] = [];
  for (const [k, v] of Object.entries(cfg)) {
    if (!IDENT.test(k) || PY_KEYWORDS.has(k)) {
      throw new TypeError(`cannot write the top-level key '${k}' as a Python variable`);
    }
    lines.push(`${k} = ${block(v, pyStyle, '', k.length + 3, '')}`);
  }
  return lines.join('\n') + '\n';
}

/** The config as a TypeScript module (`export default {...}`). */
export function toTypeScriptText(cfg: PyDict, header?: string): string {
  const body = block(cfg, tsStyle, '', 'export default '.length, ';');
  return `${header ? `// ${header}\n` : ''}export default ${body};\n`;
}

export function toJsonText(cfg: PyDict): string {
  return JSON.stringify(toPlain(cfg), null, 2) + '\n';
}

export function toYamlText(cfg: PyDict): string {
  return toYaml(toPlain(cfg));
}

export type DumpFormat = 'py' | 'json' | 'yaml' | 'ts';

export function formatFromPath(path: string): DumpFormat {
  const ext = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
  if (ext === 'py' || ext === 'json' || ext === 'ts') return ext;
  if (ext === 'yaml' || ext === 'yml') return 'yaml';
  if (ext === 'js' || ext === 'mjs' || ext === 'mts') return 'ts';
  throw new TypeError(`cannot tell the config format of '${path}' (use .py, .json, .yaml, .yml or .ts)`);
}

export function dumpText(cfg: PyDict, format: DumpFormat, header?: string): string {
  switch (format) {
    case 'py': return toPythonText(cfg);
    case 'json': return toJsonText(cfg);
    case 'yaml': return toYamlText(cfg);
    case 'ts': return toTypeScriptText(cfg, header);
  }
}
