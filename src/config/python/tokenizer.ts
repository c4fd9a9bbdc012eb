/**
 * Tokenizer for the Python subset of MMAction2/mmcv config files (mmcv/utils/config.py imports
 * them as modules; we read them without Python). Follows Python's lexical rules: comments,
 * backslash continuations, newlines ignored inside brackets, string prefixes (r, u, f, rf),
 * triple quotes, escapes, int/float literals with underscores.
 */

export class ConfigSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly detail: string,
    sourceLine?: string,
  ) {
    super(`${file}:${line}:${col}: ${detail}` +
      (sourceLine !== undefined ? `\n    ${sourceLine.trimEnd()}\n    ${' '.repeat(Math.max(0, col - 1))}^` : ''));
    this.name = 'ConfigSyntaxError';
  }
}

export type TokenKind = 'name' | 'int' | 'float' | 'string' | 'op' | 'newline' | 'indent' | 'eof';

export interface Token {
  kind: TokenKind;
  /** The source text (for names and operators), or the decoded value of a plain string. */
  text: string;
  line: number;
  col: number;
  /** Integer literal value. */
  int?: bigint;
  /** Float literal value. */
  float?: number;
  /** For f-strings: the raw body (escapes not yet applied), its prefix, and where the body starts. */
  fstring?: { body: string; raw: boolean; line: number; col: number };
}

const OPERATORS = [
  '**=', '//=', '>>=', '<<=', '...', '->', ':=',
  '**', '//', '==', '!=', '<=', '>=', '<<', '>>', '+=', '-=', '*=', '/=', '%=', '&=', '|=', '^=', '@=',
  '+', '-', '*', '/', '%', '@', '<', '>', '=', '.', ',', ':', ';', '(', ')', '[', ']', '{', '}', '~', '&', '|', '^',
];

const ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

/** Decodes the escapes of a non-raw Python string body. `at(i)` gives the position for errors. */
export function decodeEscapes(body: string, fail: (offset: number, msg: string) => never): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch !== '\\') { out += ch; continue; }
    const n = body[i + 1];
    if (n === undefined) { out += '\\'; break; }
    if (n === '\n') { i++; continue; }
    if (n in ESCAPES) { out += ESCAPES[n]; i++; continue; }
    if (n >= '0' && n <= '7') {
      let j = i + 1;
      while (j < body.length && j < i + 4 && body[j] >= '0' && body[j] <= '7') j++;
      out += String.fromCodePoint(parseInt(body.slice(i + 1, j), 8));
      i = j - 1;
      continue;
    }
    const hexLen = n === 'x' ? 2 : n === 'u' ? 4 : n === 'U' ? 8 : 0;
    if (hexLen) {
      const hex = body.slice(i + 2, i + 2 + hexLen);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) fail(i, `truncated \\${n} escape in string`);
      out += String.fromCodePoint(parseInt(hex, 16));
      i += 1 + hexLen;
      continue;
    }
    if (n === 'N') fail(i, 'the \\N{...} escape is not supported in config files');
    out += '\\' + n; // Python keeps unknown escapes as they are
    i++;
  }
  return out;
}

export function tokenize(src: string, file: string, lineOffset = 0, colOffset = 0): Token[] {
  const lines = src.split('\n');
  const tokens: Token[] = [];
  let i = 0;
  let depth = 0;
  const brackets: { ch: string; line: number; col: number }[] = [];
  let atLineStart = true;

  const starts = [0];
  for (let k = 0; k < src.length; k++) if (src[k] === '\n') starts.push(k + 1);
  const pos = (at: number) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid] <= at) lo = mid; else hi = mid - 1;
    }
    return { line: lo + 1, col: at - starts[lo] + 1 };
  };
  const fail = (at: number, msg: string): never => {
    const p = pos(at);
    throw new ConfigSyntaxError(file, p.line + lineOffset, p.line === 1 ? p.col + colOffset : p.col, msg, lines[p.line - 1]);
  };
  const push = (t: Omit<Token, 'line' | 'col'>, start: number) => {
    const p = pos(start);
    tokens.push({ ...t, line: p.line + lineOffset, col: p.line === 1 ? p.col + colOffset : p.col });
  };

  while (i < src.length) {
    const ch = src[i];
    if (atLineStart && depth === 0) {
      // Indentation outside brackets would start a block (if/for/def...), which configs do not use.
      let j = i;
      while (src[j] === ' ' || src[j] === '\t' || src[j] === '\f') j++;
      const blank = src[j] === '\n' || src[j] === '#' || src[j] === '\r' || j >= src.length;
      // the parser reports it, so that a block statement above it is named first
      if (!blank && j > i && !(src[j] === '\\' && src[j + 1] === '\n')) push({ kind: 'indent', text: '' }, j);
      atLineStart = false;
      i = j;
      continue;
    }
    if (ch === ' ' || ch === '\t' || ch === '\f' || ch === '\r') { i++; continue; }
    if (ch === '#') { while (i < src.length && src[i] !== '\n') i++; continue; }
    if (ch === '\\') {
      let j = i + 1;
      if (src[j] === '\r') j++;
      if (src[j] !== '\n') fail(i, 'unexpected character after line continuation character');
      i = j + 1;
      continue;
    }
    if (ch === '\n') {
      if (depth === 0) {
        const last = tokens[tokens.length - 1];
        if (last && last.kind !== 'newline') push({ kind: 'newline', text: '\n' }, i);
        atLineStart = true;
      }
      i++;
      continue;
    }
    const start = i;
    // strings, with optional prefix
    const pm = /^([rRuUfFbB]{0,2})(['"])/.exec(src.slice(i, i + 3));
    if (pm && (pm[1] === '' || /^(r|u|f|b|rf|fr|rb|br)$/i.test(pm[1]))) {
      const prefix = pm[1].toLowerCase();
      if (prefix.includes('b')) fail(i, 'bytes literals are not supported in config files');
      const q = pm[2];
      i += prefix.length;
      const triple = src.startsWith(q.repeat(3), i);
      const delim = triple ? q.repeat(3) : q;
      i += delim.length;
      const bodyStart = i;
      for (;;) {
        if (i >= src.length) fail(start, `unterminated ${triple ? 'triple-quoted ' : ''}string literal`);
        const c = src[i];
        if (c === '\\') { i += 2; continue; }
        if (!triple && c === '\n') fail(start, 'unterminated string literal (end of line reached)');
        if (src.startsWith(delim, i)) break;
        i++;
      }
      const body = src.slice(bodyStart, i).replace(/\r\n/g, '\n');
      i += delim.length;
      const raw = prefix.includes('r');
      if (prefix.includes('f')) {
        const p = pos(bodyStart);
        push({ kind: 'string', text: '', fstring: { body, raw, line: p.line + lineOffset, col: p.line === 1 ? p.col + colOffset : p.col } }, start);
      } else {
        const text = raw ? body : decodeEscapes(body, (off, msg) => fail(bodyStart + off, msg));
        push({ kind: 'string', text }, start);
      }
      continue;
    }
    // numbers
    if ((ch >= '0' && ch <= '9') || (ch === '.' && src[i + 1] >= '0' && src[i + 1] <= '9')) {
      const m = /^(?:0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|(?:\d(?:_?\d)*)?\.?(?:\d(?:_?\d)*)?(?:[eE][+-]?\d(?:_?\d)*)?)[jJ]?/.exec(src.slice(i));
      const text = m![0];
      if (/[jJ]$/.test(text)) fail(i, 'complex numbers are not supported in config files');
      const after = src[i + text.length];
      if (after !== undefined && /[A-Za-z0-9_]/.test(after)) fail(i, `invalid number literal '${text}${after}'`);
      const clean = text.replace(/_/g, '');
      if (/^0[xXoObB]/.test(clean)) {
        push({ kind: 'int', text, int: BigInt(clean) }, start);
      } else if (/[.eE]/.test(clean)) {
        push({ kind: 'float', text, float: Number(clean) }, start);
      } else {
        if (/^0\d/.test(clean) && /[1-9]/.test(clean)) fail(i, `leading zeros in decimal integer literals are not permitted ('${text}')`);
        push({ kind: 'int', text, int: BigInt(clean) }, start);
      }
      i += text.length;
      continue;
    }
    // names
    const nm = /^[\p{L}_][\p{L}\p{N}_]*/u.exec(src.slice(i, i + 256));
    if (nm) {
      push({ kind: 'name', text: nm[0] }, start);
      i += nm[0].length;
      continue;
    }
    const op = OPERATORS.find((o) => src.startsWith(o, i));
    if (!op) fail(i, `invalid character '${ch}' (U+${ch.codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')})`);
    if (op === '(' || op === '[' || op === '{') {
      const p = pos(i);
      brackets.push({ ch: op, line: p.line, col: p.col });
      depth++;
    } else if (op === ')' || op === ']' || op === '}') {
      const open = brackets.pop();
      const want = open && { '(': ')', '[': ']', '{': '}' }[open.ch];
      if (!open) fail(i, `unmatched '${op}'`);
      if (want !== op) fail(i, `closing parenthesis '${op}' does not match opening parenthesis '${open!.ch}' on line ${open!.line + lineOffset}`);
      depth--;
    }
    push({ kind: 'op', text: op! }, start);
    i += op!.length;
  }
  if (brackets.length) {
    const open = brackets[brackets.length - 1];
    throw new ConfigSyntaxError(file, open.line + lineOffset, open.col, `'${open.ch}' was never closed`, lines[open.line - 1]);
  }
  const last = tokens[tokens.length - 1];
  if (last && last.kind !== 'newline') push({ kind: 'newline', text: '\n' }, src.length);
  push({ kind: 'eof', text: '' }, src.length);
  return tokens;
}
