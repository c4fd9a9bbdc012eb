/**
 * Reads one config file and its `_base_` chain into a merged value tree, following mmcv's
 * `Config._file2dict`: predefined variables (`{{ fileDirname }}`...) substituted in the text,
 * `{{ _base_.x }}` references resolved after the bases are read, bases merged in order with
 * duplicate keys among bases rejected, then the file merged into them.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { parse as parseYaml } from 'yaml';
import { evaluateModule, ConfigEvalError } from './python/evaluator.ts';
import { deepCopy, fromPlain, isDict, PyFunction, PyTuple, type PyDict, type PyValue } from './python/values.ts';
import { BASE_KEY, DEPRECATION_KEY, mergeAIntoB } from './merge.ts';

export class ConfigFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigFileError';
  }
}

export const PY_EXTS = ['.py'];
export const DATA_EXTS = ['.json', '.yaml', '.yml'];
export const JS_EXTS = ['.ts', '.mts', '.cts', '.js', '.mjs', '.cjs'];
export const CONFIG_EXTS = [...PY_EXTS, ...DATA_EXTS, ...JS_EXTS];

export interface LoadOptions {
  /** Substitute `{{ fileDirname }}`, `{{ fileBasename }}`, `{{ fileBasenameNoExtension }}`, `{{ fileExtname }}` (mmcv default: true). */
  usePredefinedVariables?: boolean;
}

export interface Loaded {
  dict: PyDict;
  text: string;
}

function substitutePredefined(text: string, filename: string): string {
  const ext = extname(filename);
  const vars: Record<string, string> = {
    fileDirname: dirname(filename),
    fileBasename: basename(filename),
    fileBasenameNoExtension: basename(filename, ext),
    fileExtname: ext,
  };
  for (const [k, v] of Object.entries(vars)) {
    text = text.replace(new RegExp(`\\{\\{\\s*${k}\\s*\\}\\}`, 'g'), () => v.replace(/\\/g, '/'));
  }
  return text;
}

/** Replaces `{{ _base_.a.b }}` by a unique quoted marker, as mmcv does, and returns marker -> path. */
function preSubstituteBaseVars(text: string): [string, Map<string, string>] {
  const markers = new Map<string, string>();
  const byPath = new Map<string, string>();
  const out = text.replace(/\{\{\s*_base_\.([\w.]+)\s*\}\}/g, (_all, path: string) => {
    let m = byPath.get(path);
    if (!m) {
      m = `_${path}_${randomBytes(3).toString('hex')}`;
      byPath.set(path, m);
      markers.set(m, path);
    }
    return `"${m}"`;
  });
  return [out, markers];
}

function lookupBase(base: PyDict, path: string, file: string): PyValue {
  let cur: PyValue = base;
  for (const k of path.split('.')) {
    if (!isDict(cur) || !Object.prototype.hasOwnProperty.call(cur, k)) {
      throw new ConfigFileError(`${file}: {{_base_.${path}}} refers to '${k}', which the base configs do not define`);
    }
    cur = cur[k];
  }
  return deepCopy(cur);
}

/** mmcv's `_substitute_base_vars`: markers in dict values, lists and tuples become the base values. */
function substituteBaseVars(v: PyValue, markers: Map<string, string>, base: PyDict, file: string): PyValue {
  if (typeof v === 'string') return markers.has(v) ? lookupBase(base, markers.get(v)!, file) : v;
  if (v instanceof PyTuple) return PyTuple.fromIter(v.map((x) => substituteBaseVars(x, markers, base, file)));
  if (Array.isArray(v)) return v.map((x) => substituteBaseVars(x, markers, base, file));
  if (isDict(v)) {
    const out: PyDict = {};
    for (const [k, x] of Object.entries(v)) out[k] = substituteBaseVars(x, markers, base, file);
    return out;
  }
  return v;
}

const requireHere = createRequire(import.meta.url);

/** Loads a TS/JS config module synchronously (through tsx for TypeScript) and returns its default export. */
function loadModule(filename: string): unknown {
  let mod: unknown;
  try {
    // tsx loads TypeScript and ES modules synchronously (as CommonJS), so fromFile stays sync
    const api = requireHere('tsx/cjs/api') as { require: (id: string, from: string) => unknown };
    mod = api.require(filename, import.meta.url);
    // forget it, so that a config edited while the process runs is read again
    for (const key of Object.keys(requireHere.cache)) {
      if (key === filename || key.startsWith(`${filename}?`)) delete requireHere.cache[key];
    }
  } catch (e) {
    throw new ConfigFileError(`${filename}: cannot load the config module: ${(e as Error).message}`);
  }
  const m = mod as { default?: unknown; __esModule?: boolean };
  const value = m && typeof m === 'object' && 'default' in m ? m.default : mod;
  if (!isDict(value) && !(value && typeof value === 'object' && !Array.isArray(value))) {
    throw new ConfigFileError(`${filename}: a TypeScript/JavaScript config must export a plain object as default (export default {...})`);
  }
  return value;
}

function readOne(filename: string, text: string, usePredefined: boolean): [PyDict, Map<string, string>] {
  const ext = extname(filename).toLowerCase();
  let src = usePredefined ? substitutePredefined(text, filename) : text;
  let markers = new Map<string, string>();
  if (!JS_EXTS.includes(ext)) [src, markers] = preSubstituteBaseVars(src);
  let dict: PyDict;
  if (ext === '.py') {
    const ns = evaluateModule(src, filename);
    dict = {};
    for (const [k, v] of ns) {
      // mmcv keeps every module-level name except dunders, modules and functions
      if (k.startsWith('__') || v instanceof PyFunction) continue;
      dict[k] = v;
    }
  } else if (ext === '.json' || ext === '.yaml' || ext === '.yml') {
    let data: unknown;
    try {
      data = ext === '.json' ? JSON.parse(src) : parseYaml(src);
    } catch (e) {
      throw new ConfigFileError(`${filename}: invalid ${ext === '.json' ? 'JSON' : 'YAML'}: ${(e as Error).message}`);
    }
    if (data === null || data === undefined) data = {};
    if (!isDict(data)) throw new ConfigFileError(`${filename}: the top level of a config must be a mapping`);
    dict = fromPlain(data) as PyDict;
  } else {
    dict = fromPlain(loadModule(filename)) as PyDict;
  }
  return [dict, markers];
}

/**
 * mmcv's `_file2dict`. `stack` holds the files being read (to report circular `_base_` chains).
 */
export function fileToDict(path: string, options: LoadOptions = {}, stack: string[] = []): Loaded {
  const filename = resolve(path.startsWith('~') ? join(process.env.HOME ?? '', path.slice(1)) : path);
  const from = stack.length ? ` (a _base_ of ${stack[stack.length - 1]})` : '';
  if (!existsSync(filename)) throw new ConfigFileError(`config file not found: ${filename}${from}`);
  if (!statSync(filename).isFile()) throw new ConfigFileError(`config path is not a file: ${filename}${from}`);
  if (stack.includes(filename)) {
    throw new ConfigFileError(`circular _base_ chain: ${[...stack.slice(stack.indexOf(filename)), filename].join(' -> ')}`);
  }
  const ext = extname(filename).toLowerCase();
  if (!CONFIG_EXTS.includes(ext)) {
    throw new ConfigFileError(`${filename}: unsupported config file type '${ext}' (supported: ${CONFIG_EXTS.join(', ')})`);
  }
  const raw = readFileSync(filename, 'utf8');
  let dict: PyDict;
  let markers: Map<string, string>;
  try {
    [dict, markers] = readOne(filename, raw, options.usePredefinedVariables ?? true);
  } catch (e) {
    throw explainNameError(e, filename, raw, options, [...stack, filename]);
  }

  if (DEPRECATION_KEY in dict) {
    const info = dict[DEPRECATION_KEY];
    delete dict[DEPRECATION_KEY];
    let msg = `The config file ${filename} will be deprecated in the future.`;
    if (isDict(info) && typeof info.expected === 'string') msg += ` Please use ${info.expected} instead.`;
    if (isDict(info) && typeof info.reference === 'string') msg += ` More information can be found at ${info.reference}`;
    process.emitWarning(msg, 'DeprecationWarning');
  }

  let text = `${filename}\n${raw}`;
  if (BASE_KEY in dict) {
    const baseSpec = dict[BASE_KEY];
    delete dict[BASE_KEY];
    const bases = typeof baseSpec === 'string' ? [baseSpec] : Array.isArray(baseSpec) ? baseSpec : null;
    if (!bases || bases.some((b) => typeof b !== 'string')) {
      throw new ConfigFileError(`${filename}: _base_ must be a file path or a list of file paths`);
    }
    const baseDicts: Loaded[] = [];
    const inner = [...stack, filename];
    for (const b of bases as string[]) baseDicts.push(fileToDict(join(dirname(filename), b), options, inner));
    const base: PyDict = {};
    const owner: Record<string, string> = {};
    baseDicts.forEach((bd, i) => {
      const dup = Object.keys(bd.dict).filter((k) => k in base);
      if (dup.length) {
        throw new ConfigFileError(`${filename}: duplicate key is not allowed among bases. Duplicate keys: ` +
          dup.map((k) => `'${k}' (in ${owner[k]} and ${bases[i]})`).join(', '));
      }
      for (const [k, v] of Object.entries(bd.dict)) { base[k] = v; owner[k] = bases[i] as string; }
    });
    if (markers.size) dict = substituteBaseVars(dict, markers, base, filename) as PyDict;
    dict = mergeAIntoB(dict, base) as PyDict;
    text = [...baseDicts.map((b) => b.text), text].join('\n');
  } else if (markers.size) {
    throw new ConfigFileError(`${filename}: uses {{_base_.${[...markers.values()][0]}}} but has no _base_`);
  }
  return { dict, text };
}

/**
 * Adds a hint to a NameError about a name that only a base file defines: mmcv imports each file
 * on its own, so a child cannot use the variables of its bases by name.
 */
function explainNameError(e: unknown, filename: string, raw: string, options: LoadOptions, stack: string[]): unknown {
  if (!(e instanceof ConfigEvalError) || !e.name_) return e;
  const m = /^_base_\s*=\s*(\[[^\]]*\]|'[^'\n]*'|"[^"\n]*")/m.exec(raw);
  if (!m) return e;
  try {
    const spec = evaluateModule(`_base_ = ${m[1]}`, filename).get('_base_');
    const bases = typeof spec === 'string' ? [spec] : Array.isArray(spec) ? spec : [];
    for (const b of bases) {
      if (typeof b !== 'string') continue;
      const { dict } = fileToDict(join(dirname(filename), b), options, stack);
      if (e.name_ in dict) {
        e.message += `\n'${e.name_}' is defined in the base file ${b}, but as in mmcv a config cannot use the ` +
          `variables of its bases by name: write {{_base_.${e.name_}}} or define it again in this file`;
        break;
      }
    }
  } catch {
    // the hint is best effort; the NameError stands
  }
  return e;
}
