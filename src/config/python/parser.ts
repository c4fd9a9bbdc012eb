/**
 * Parser for the Python subset of config files: assignment statements whose right-hand sides
 * are expressions (literals, names, calls, arithmetic, comparisons, conditionals, subscripts,
 * attribute access, f-strings, list/dict comprehensions). Statements outside the subset
 * (`import`, `if`, `for`, `def`, `class`...) are rejected here with their name and line.
 */
import { ConfigSyntaxError, decodeEscapes, tokenize, type Token } from './tokenizer.ts';
import type { PyValue } from './values.ts';

interface Pos { line: number; col: number }

export type Expr = Pos & (
  | { t: 'name'; id: string }
  | { t: 'const'; value: PyValue }
  | { t: 'fstring'; parts: FPart[] }
  | { t: 'list' | 'tuple'; elts: Expr[] }
  | { t: 'starred'; value: Expr }
  | { t: 'dict'; items: DictItem[] }
  | { t: 'call'; func: Expr; args: Arg[] }
  | { t: 'attr'; value: Expr; attr: string }
  | { t: 'subscript'; value: Expr; index: Expr }
  | { t: 'slice'; lower: Expr | null; upper: Expr | null; step: Expr | null }
  | { t: 'binop'; op: string; left: Expr; right: Expr }
  | { t: 'unary'; op: string; operand: Expr }
  | { t: 'boolop'; op: 'and' | 'or'; values: Expr[] }
  | { t: 'compare'; left: Expr; ops: string[]; rights: Expr[] }
  | { t: 'ifexp'; test: Expr; body: Expr; orelse: Expr }
  | { t: 'listcomp'; elt: Expr; gens: Generator[] }
  | { t: 'dictcomp'; key: Expr; value: Expr; gens: Generator[] }
);

export type FPart = string | { expr: Expr; conv: string | null; spec: FPart[] | null };
export type DictItem = { key: Expr; value: Expr } | { spread: Expr };
export type Arg = { kind: 'pos' | 'star' | 'dstar'; value: Expr } | { kind: 'kw'; name: string; value: Expr };
export interface Generator { target: Expr; iter: Expr; ifs: Expr[] }

export type Stmt = Pos & (
  | { t: 'assign'; targets: Expr[]; value: Expr }
  | { t: 'augassign'; target: Expr; op: string; value: Expr }
  | { t: 'expr'; value: Expr }
  | { t: 'pass' }
);

const UNSUPPORTED_STATEMENTS: Record<string, string> = {
  import: 'import statement', from: "'from ... import' statement", if: "'if' statement", for: "'for' loop",
  while: "'while' loop", def: 'function definition (def)', class: 'class definition', with: "'with' statement",
  try: "'try' statement", del: "'del' statement", global: "'global' statement", nonlocal: "'nonlocal' statement",
  return: "'return' statement", raise: "'raise' statement", assert: "'assert' statement", async: "'async' statement",
  lambda: 'lambda', yield: "'yield'", await: "'await'",
};
const KEYWORDS = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def', 'del',
  'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda', 'nonlocal',
  'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
]);
const AUG_OPS = new Set(['+=', '-=', '*=', '/=', '//=', '%=', '**=', '@=', '&=', '|=', '^=', '>>=', '<<=']);
const COMPARE_OPS = new Set(['<', '>', '==', '>=', '<=', '!=']);

export function parseModule(src: string, file: string): Stmt[] {
  return new Parser(tokenize(src, file), file, src.split('\n')).module();
}

class Parser {
  private i = 0;

  constructor(private toks: Token[], private file: string, private lines: string[]) {}

  private get tok(): Token { return this.toks[this.i]; }
  private peek(n = 1): Token { return this.toks[Math.min(this.i + n, this.toks.length - 1)]; }
  private next(): Token { return this.toks[this.i++]; }
  private is(text: string, kind: 'op' | 'name' = 'op'): boolean { return this.tok.kind === kind && this.tok.text === text; }
  private isKw(text: string): boolean { return this.is(text, 'name'); }

  fail(at: Pos, msg: string): never {
    throw new ConfigSyntaxError(this.file, at.line, at.col, msg, this.lines[at.line - 1]);
  }

  private describe(t: Token): string {
    if (t.kind === 'eof') return 'end of file';
    if (t.kind === 'newline') return 'end of line';
    if (t.kind === 'string') return 'string';
    return `'${t.text}'`;
  }

  private expect(text: string): Token {
    if (!this.is(text)) this.fail(this.tok, `expected '${text}', found ${this.describe(this.tok)}`);
    return this.next();
  }

  module(): Stmt[] {
    const out: Stmt[] = [];
    while (this.tok.kind !== 'eof') {
      if (this.tok.kind === 'newline' || this.is(';')) { this.next(); continue; }
      out.push(this.statement());
      if (this.is(';')) continue;
      const after = this.tok as Token;
      if (after.kind !== 'newline' && after.kind !== 'eof') {
        this.fail(after, `unexpected ${this.describe(this.tok)} after the statement (expected end of line)`);
      }
    }
    return out;
  }

  private statement(): Stmt {
    const start = this.tok;
    if (start.kind === 'indent') this.fail(start, 'unexpected indent (indented blocks are not supported in config files)');
    if (start.kind === 'name') {
      const what = UNSUPPORTED_STATEMENTS[start.text];
      if (what) {
        this.fail(start, `${what} is not supported in config files (the config subset has assignments and expressions only)`);
      }
      if (start.text === 'pass') { this.next(); return { t: 'pass', line: start.line, col: start.col }; }
    }
    if (this.is('@')) this.fail(start, 'decorators are not supported in config files');
    const first = this.exprList();
    if (this.tok.kind === 'op' && AUG_OPS.has(this.tok.text)) {
      const op = this.next().text.slice(0, -1);
      this.checkTarget(first, false);
      const value = this.exprList();
      return { t: 'augassign', target: first, op, value, line: start.line, col: start.col };
    }
    if (this.is(':')) this.fail(this.tok, 'annotated assignments are not supported in config files');
    if (!this.is('=')) return { t: 'expr', value: first, line: start.line, col: start.col };
    const targets = [first];
    let value: Expr = first;
    while (this.is('=')) {
      this.next();
      value = this.exprList();
      targets.push(value);
    }
    targets.pop();
    for (const tg of targets) this.checkTarget(tg, true);
    return { t: 'assign', targets, value, line: start.line, col: start.col };
  }

  private checkTarget(e: Expr, allowTuple: boolean): void {
    if (e.t === 'name') {
      if (KEYWORDS.has(e.id)) this.fail(e, `cannot assign to keyword '${e.id}'`);
      return;
    }
    if (e.t === 'subscript' || e.t === 'attr') return;
    if (allowTuple && (e.t === 'tuple' || e.t === 'list')) { for (const x of e.elts) this.checkTarget(x, true); return; }
    if (allowTuple && e.t === 'starred') { this.checkTarget(e.value, false); return; }
    this.fail(e, `cannot assign to ${describeExpr(e)}`);
  }

  /** `a, b, *c` — a tuple when a comma is present. */
  private exprList(): Expr {
    const start = this.tok;
    const first = this.starOrExpr();
    if (!this.is(',')) {
      if (first.t === 'starred') this.fail(first, "can't use starred expression here");
      return first;
    }
    const elts = [first];
    while (this.is(',')) {
      this.next();
      if (this.endsList()) break;
      elts.push(this.starOrExpr());
    }
    return { t: 'tuple', elts, line: start.line, col: start.col };
  }

  private endsList(): boolean {
    const t = this.tok;
    return t.kind === 'newline' || t.kind === 'eof' ||
      (t.kind === 'op' && [')', ']', '}', '=', ';', ':'].includes(t.text)) || (t.kind === 'op' && AUG_OPS.has(t.text));
  }

  private starOrExpr(): Expr {
    if (this.is('*')) {
      const s = this.next();
      return { t: 'starred', value: this.orExpr(), line: s.line, col: s.col };
    }
    return this.expr();
  }

  expr(): Expr {
    if (this.isKw('lambda')) this.fail(this.tok, 'lambda is not supported in config files');
    if (this.isKw('yield') || this.isKw('await')) this.fail(this.tok, `'${this.tok.text}' is not supported in config files`);
    const body = this.orExpr();
    if (this.is(':=')) this.fail(this.tok, "assignment expressions (':=') are not supported in config files");
    if (!this.isKw('if')) return body;
    this.next();
    const test = this.orExpr();
    if (!this.isKw('else')) this.fail(this.tok, "expected 'else' in conditional expression");
    this.next();
    const orelse = this.expr();
    return { t: 'ifexp', test, body, orelse, line: body.line, col: body.col };
  }

  private orExpr(): Expr { return this.boolOp('or', () => this.andExpr()); }
  private andExpr(): Expr { return this.boolOp('and', () => this.notExpr()); }

  private boolOp(op: 'and' | 'or', sub: () => Expr): Expr {
    const first = sub();
    if (!this.isKw(op)) return first;
    const values = [first];
    while (this.isKw(op)) { this.next(); values.push(sub()); }
    return { t: 'boolop', op, values, line: first.line, col: first.col };
  }

  private notExpr(): Expr {
    if (this.isKw('not')) {
      const t = this.next();
      return { t: 'unary', op: 'not', operand: this.notExpr(), line: t.line, col: t.col };
    }
    return this.comparison();
  }

  private comparison(): Expr {
    const left = this.bitOr();
    const ops: string[] = [];
    const rights: Expr[] = [];
    for (;;) {
      let op: string | null = null;
      if (this.tok.kind === 'op' && COMPARE_OPS.has(this.tok.text)) op = this.next().text;
      else if (this.isKw('in')) { this.next(); op = 'in'; }
      else if (this.isKw('not') && this.peek().kind === 'name' && this.peek().text === 'in') { this.next(); this.next(); op = 'not in'; }
      else if (this.isKw('is')) {
        this.next();
        if (this.isKw('not')) { this.next(); op = 'is not'; } else op = 'is';
      }
      if (!op) break;
      ops.push(op);
      rights.push(this.bitOr());
    }
    return ops.length ? { t: 'compare', left, ops, rights, line: left.line, col: left.col } : left;
  }

  private bitOr(): Expr {
    const e = this.arith();
    if (this.tok.kind === 'op' && ['|', '&', '^', '<<', '>>'].includes(this.tok.text)) {
      this.fail(this.tok, `the bitwise operator '${this.tok.text}' is not supported in config files`);
    }
    return e;
  }

  private arith(): Expr {
    let left = this.term();
    while (this.is('+') || this.is('-')) {
      const op = this.next().text;
      left = { t: 'binop', op, left, right: this.term(), line: left.line, col: left.col };
    }
    return left;
  }

  private term(): Expr {
    let left = this.factor();
    while (this.is('*') || this.is('/') || this.is('//') || this.is('%') || this.is('@')) {
      const opTok = this.next();
      if (opTok.text === '@') this.fail(opTok, "the matrix multiplication operator '@' is not supported in config files");
      left = { t: 'binop', op: opTok.text, left, right: this.factor(), line: left.line, col: left.col };
    }
    return left;
  }

  private factor(): Expr {
    if (this.is('-') || this.is('+') || this.is('~')) {
      const t = this.next();
      if (t.text === '~') this.fail(t, "the bitwise operator '~' is not supported in config files");
      return { t: 'unary', op: t.text, operand: this.factor(), line: t.line, col: t.col };
    }
    return this.power();
  }

  private power(): Expr {
    const base = this.primary();
    if (!this.is('**')) return base;
    this.next();
    return { t: 'binop', op: '**', left: base, right: this.factor(), line: base.line, col: base.col };
  }

  private primary(): Expr {
    let e = this.atom();
    for (;;) {
      if (this.is('(')) {
        this.next();
        e = { t: 'call', func: e, args: this.callArgs(), line: e.line, col: e.col };
      } else if (this.is('[')) {
        this.next();
        const index = this.subscript();
        this.expect(']');
        e = { t: 'subscript', value: e, index, line: e.line, col: e.col };
      } else if (this.is('.')) {
        this.next();
        if (this.tok.kind !== 'name') this.fail(this.tok, `expected an attribute name after '.', found ${this.describe(this.tok)}`);
        e = { t: 'attr', value: e, attr: this.next().text, line: e.line, col: e.col };
      } else return e;
    }
  }

  private subscript(): Expr {
    const start = this.tok;
    const items: Expr[] = [];
    let tuple = false;
    for (;;) {
      items.push(this.sliceItem());
      if (!this.is(',')) break;
      tuple = true;
      this.next();
      if (this.is(']')) break;
    }
    return tuple ? { t: 'tuple', elts: items, line: start.line, col: start.col } : items[0];
  }

  private sliceItem(): Expr {
    const start = this.tok;
    const lower = this.is(':') ? null : this.expr();
    if (!this.is(':')) return lower!;
    this.next();
    const upper = this.is(':') || this.is(']') || this.is(',') ? null : this.expr();
    let step: Expr | null = null;
    if (this.is(':')) {
      this.next();
      step = this.is(']') || this.is(',') ? null : this.expr();
    }
    return { t: 'slice', lower, upper, step, line: start.line, col: start.col };
  }

  private callArgs(): Arg[] {
    const args: Arg[] = [];
    let sawKw = false;
    while (!this.is(')')) {
      if (this.is('**')) {
        this.next();
        args.push({ kind: 'dstar', value: this.expr() });
        sawKw = true;
      } else if (this.is('*')) {
        this.next();
        args.push({ kind: 'star', value: this.expr() });
      } else if (this.tok.kind === 'name' && this.peek().kind === 'op' && this.peek().text === '=') {
        const name = this.next();
        this.next();
        if (KEYWORDS.has(name.text)) this.fail(name, `'${name.text}' is a keyword and cannot be an argument name`);
        if (args.some((a) => a.kind === 'kw' && a.name === name.text)) this.fail(name, `keyword argument repeated: ${name.text}`);
        args.push({ kind: 'kw', name: name.text, value: this.expr() });
        sawKw = true;
      } else {
        const value = this.expr();
        if (this.isKw('for')) {
          // f(x for x in y): a generator argument, evaluated as a list
          const gens = this.comprehension();
          args.push({ kind: 'pos', value: { t: 'listcomp', elt: value, gens, line: value.line, col: value.col } });
        } else {
          if (sawKw) this.fail(value, 'positional argument follows keyword argument');
          args.push({ kind: 'pos', value });
        }
      }
      if (!this.is(',')) break;
      this.next();
    }
    this.expect(')');
    return args;
  }

  private comprehension(): Generator[] {
    const gens: Generator[] = [];
    while (this.isKw('for')) {
      this.next();
      const target = this.targetList();
      if (!this.isKw('in')) this.fail(this.tok, "expected 'in' in comprehension");
      this.next();
      const iter = this.orExpr();
      const ifs: Expr[] = [];
      while (this.isKw('if')) { this.next(); ifs.push(this.orExpr()); }
      gens.push({ target, iter, ifs });
    }
    if (this.isKw('async')) this.fail(this.tok, 'async comprehensions are not supported in config files');
    return gens;
  }

  private targetList(): Expr {
    const start = this.tok;
    const elts: Expr[] = [this.primaryTarget()];
    let tuple = false;
    while (this.is(',')) {
      tuple = true;
      this.next();
      if (this.isKw('in')) break;
      elts.push(this.primaryTarget());
    }
    const e: Expr = tuple ? { t: 'tuple', elts, line: start.line, col: start.col } : elts[0];
    this.checkTarget(e, true);
    return e;
  }

  private primaryTarget(): Expr {
    if (this.is('*')) {
      const s = this.next();
      return { t: 'starred', value: this.primary(), line: s.line, col: s.col };
    }
    return this.primary();
  }

  private atom(): Expr {
    const t = this.tok;
    const at = { line: t.line, col: t.col };
    switch (t.kind) {
      case 'int': this.next(); return { t: 'const', value: t.int!, ...at };
      case 'float': this.next(); return { t: 'const', value: t.float!, ...at };
      case 'string': return this.strings();
      case 'name': {
        if (t.text === 'True' || t.text === 'False' || t.text === 'None') {
          this.next();
          return { t: 'const', value: t.text === 'None' ? null : t.text === 'True', ...at };
        }
        if (UNSUPPORTED_STATEMENTS[t.text]) {
          this.fail(t, `${UNSUPPORTED_STATEMENTS[t.text]} is not supported in config files`);
        }
        if (KEYWORDS.has(t.text)) this.fail(t, `invalid syntax: unexpected keyword '${t.text}'`);
        this.next();
        return { t: 'name', id: t.text, ...at };
      }
      case 'op':
        if (t.text === '(') return this.paren();
        if (t.text === '[') return this.listDisplay();
        if (t.text === '{') return this.dictDisplay();
        if (t.text === '...') this.fail(t, "the Ellipsis '...' is not supported in config files");
        break;
      default:
        break;
    }
    this.fail(t, `invalid syntax: unexpected ${this.describe(t)}`);
  }

  /** Adjacent string literals concatenate; f-strings among them become one f-string. */
  private strings(): Expr {
    const first = this.tok;
    const parts: FPart[] = [];
    let isF = false;
    while (this.tok.kind === 'string') {
      const t = this.next();
      if (t.fstring) {
        isF = true;
        parts.push(...this.fstringParts(t.fstring));
      } else parts.push(t.text);
    }
    const at = { line: first.line, col: first.col };
    if (!isF) return { t: 'const', value: parts.join(''), ...at };
    return { t: 'fstring', parts, ...at };
  }

  private fstringParts(f: NonNullable<Token['fstring']>): FPart[] {
    const { body, raw } = f;
    const parts: FPart[] = [];
    let lit = '';
    const posOf = (off: number): Pos => {
      const before = body.slice(0, off);
      const nl = before.lastIndexOf('\n');
      const extraLines = before.split('\n').length - 1;
      return { line: f.line + extraLines, col: nl < 0 ? f.col + off : off - nl };
    };
    const flush = () => {
      if (lit) parts.push(raw ? lit : decodeEscapes(lit, (o, m) => this.fail(posOf(o), m)));
      lit = '';
    };
    let i = 0;
    while (i < body.length) {
      const c = body[i];
      if (c === '{' && body[i + 1] === '{') { lit += '{'; i += 2; continue; }
      if (c === '}' && body[i + 1] === '}') { lit += '}'; i += 2; continue; }
      if (c === '}') this.fail(posOf(i), "f-string: single '}' is not allowed");
      if (c === '\\' && !raw) { lit += body.slice(i, i + 2); i += 2; continue; }
      if (c !== '{') { lit += c; i++; continue; }
      flush();
      const [field, end] = this.fstringField(body, i + 1, posOf);
      parts.push(field);
      i = end;
    }
    flush();
    return parts;
  }

  /** Parses `{expr!conv:spec}` starting after `{`; returns the field and the offset after `}`. */
  private fstringField(body: string, start: number, posOf: (o: number) => Pos): [FPart, number] {
    let depth = 0;
    let quote: string | null = null;
    let j = start;
    for (; j < body.length; j++) {
      const c = body[j];
      if (quote) { if (c === quote) quote = null; continue; }
      if (c === "'" || c === '"') { quote = c; continue; }
      if ('([{'.includes(c)) depth++;
      else if (')]}'.includes(c)) { if (depth === 0) break; depth--; }
      else if (depth === 0 && (c === ':' || (c === '!' && body[j + 1] !== '='))) break;
    }
    if (j >= body.length) this.fail(posOf(start - 1), "f-string: expecting '}'");
    const exprText = body.slice(start, j);
    if (!exprText.trim()) this.fail(posOf(start - 1), 'f-string: empty expression not allowed');
    const p = posOf(start);
    const toks = tokenize(exprText.replace(/\n/g, ' '), this.file, p.line - 1, p.col - 1);
    const sub = new Parser(toks, this.file, this.lines);
    const expr = sub.exprListForF();
    let conv: string | null = null;
    let spec: FPart[] | null = null;
    if (body[j] === '!') {
      conv = body[j + 1];
      if (!'rsa'.includes(conv ?? '')) this.fail(posOf(j), "f-string: invalid conversion character (expected 'r', 's' or 'a')");
      j += 2;
    }
    if (body[j] === ':') {
      // the format spec may itself hold {fields}
      let k = j + 1;
      let d = 0;
      for (; k < body.length; k++) {
        if (body[k] === '{') d++;
        else if (body[k] === '}') { if (d === 0) break; d--; }
      }
      spec = this.fstringParts({ body: body.slice(j + 1, k), raw: true, ...posOf(j + 1) });
      j = k;
    }
    if (body[j] !== '}') this.fail(posOf(j), "f-string: expecting '}'");
    return [{ expr, conv, spec }, j + 1];
  }

  exprListForF(): Expr {
    const e = this.exprList();
    if (this.tok.kind !== 'newline' && this.tok.kind !== 'eof') this.fail(this.tok, `f-string: unexpected ${this.describe(this.tok)}`);
    return e;
  }

  private paren(): Expr {
    const open = this.next();
    const at = { line: open.line, col: open.col };
    if (this.is(')')) { this.next(); return { t: 'tuple', elts: [], ...at }; }
    const first = this.starOrExpr();
    if (this.isKw('for')) {
      const gens = this.comprehension();
      this.expect(')');
      return { t: 'listcomp', elt: first, gens, ...at };
    }
    if (this.is(')')) {
      this.next();
      if (first.t === 'starred') this.fail(first, "can't use starred expression here");
      return first;
    }
    const elts = [first];
    while (this.is(',')) {
      this.next();
      if (this.is(')')) break;
      elts.push(this.starOrExpr());
    }
    this.expect(')');
    return { t: 'tuple', elts, ...at };
  }

  private listDisplay(): Expr {
    const open = this.next();
    const at = { line: open.line, col: open.col };
    const elts: Expr[] = [];
    if (this.is(']')) { this.next(); return { t: 'list', elts, ...at }; }
    const first = this.starOrExpr();
    if (this.isKw('for')) {
      const gens = this.comprehension();
      this.expect(']');
      return { t: 'listcomp', elt: first, gens, ...at };
    }
    elts.push(first);
    while (this.is(',')) {
      this.next();
      if (this.is(']')) break;
      elts.push(this.starOrExpr());
    }
    this.expect(']');
    return { t: 'list', elts, ...at };
  }

  private dictDisplay(): Expr {
    const open = this.next();
    const at = { line: open.line, col: open.col };
    const items: DictItem[] = [];
    if (this.is('}')) { this.next(); return { t: 'dict', items, ...at }; }
    let first = true;
    while (!this.is('}')) {
      if (this.is('**')) {
        this.next();
        items.push({ spread: this.bitOr() });
      } else {
        const key = this.expr();
        if (!this.is(':')) {
          this.fail(key, this.is(',') || this.is('}') ? 'set literals are not supported in config files (use a list)' : `expected ':' after the dict key, found ${this.describe(this.tok)}`);
        }
        this.next();
        const value = this.expr();
        if (first && this.isKw('for')) {
          const gens = this.comprehension();
          this.expect('}');
          return { t: 'dictcomp', key, value, gens, ...at };
        }
        items.push({ key, value });
      }
      first = false;
      if (!this.is(',')) break;
      this.next();
    }
    this.expect('}');
    return { t: 'dict', items, ...at };
  }
}

export function describeExpr(e: Expr): string {
  switch (e.t) {
    case 'const': return 'literal';
    case 'call': return 'function call';
    case 'binop': case 'unary': return 'expression';
    case 'compare': return 'comparison';
    case 'fstring': return 'f-string expression';
    case 'listcomp': return 'list comprehension';
    case 'dictcomp': return 'dict comprehension';
    case 'ifexp': return 'conditional expression';
    default: return e.t;
  }
}
