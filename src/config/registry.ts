/**
 * A registry of builders keyed by MMAction2's `type` names: the one place where an untyped
 * config dict becomes a typed options object. Each entry declares its options with MMAction2's
 * defaults (a frozen object) and lists the required ones; `build` checks the config against that
 * declaration and reports the config path on every mistake:
 *
 * - `model.backbone: unknown type 'ResNet3D' in registry 'backbone' (did you mean 'ResNet3d'?); registered: ResNet, ResNet3d, ...`
 * - `model.backbone: unknown option 'spatial_stride' for ResNet3d (did you mean 'spatial_strides'?); valid options: ...`
 * - `model.backbone.depth: expected a number (like the default 50), got string '50'`
 *
 * MMAction2 fills one global registry by decorators run on import; here each area keeps an
 * explicit table that a reviewer can read on one screen.
 *
 * @example
 * ```ts
 * import { Registry, defineEntry } from '../config/registry.ts';
 *
 * export interface TSNHeadOptions {
 *   num_classes: number;               // required
 *   in_channels: number;               // required
 *   spatial_type: 'avg' | null;        // default 'avg'
 *   dropout_ratio: number;             // default 0.4
 *   init_std: number;                  // default 0.01
 * }
 * export const TSN_HEAD_DEFAULTS = Object.freeze({ spatial_type: 'avg', dropout_ratio: 0.4, init_std: 0.01 } as const);
 *
 * export const HEADS = new Registry<Module>('head', [
 *   defineEntry<TSNHeadOptions, Module>({
 *     type: 'TSNHead',
 *     defaults: TSN_HEAD_DEFAULTS,
 *     required: ['num_classes', 'in_channels'],
 *     kinds: { spatial_type: ['string', 'null'] },
 *     choices: { spatial_type: ['avg', null] },
 *     build: (o) => new TSNHead(o),     // o is a checked TSNHeadOptions
 *   }),
 * ]);
 *
 * const head = HEADS.build(cfg.get('model.cls_head'), 'model.cls_head');
 * ```
 */

/** The JSON kinds an option value may have. `integer` is a number without a fraction. */
export type Kind = 'number' | 'integer' | 'string' | 'boolean' | 'array' | 'object' | 'null' | 'any';

export interface BuildContext<T> {
  /** Where the config being built sits, e.g. `model.backbone`. */
  path: string;
  type: string;
  registry: Registry<T>;
}

/** One registry entry: a `type` name, its options and its builder. */
export interface EntrySpec<O extends object, T> {
  type: string;
  /** MMAction2's default of every optional option (`null` for Python's `None`). */
  defaults: { readonly [K in keyof O]?: O[K] };
  /** Options without a default. */
  required?: readonly (keyof O & string)[];
  /** The allowed kinds of an option; by default the kind of its default value (any for `null` defaults and required options). */
  kinds?: { readonly [K in keyof O]?: Kind | readonly Kind[] };
  /** Allowed values, for options MMAction2 checks against a fixed set (`style: 'pytorch' | 'caffe'`). */
  choices?: { readonly [K in keyof O]?: readonly unknown[] };
  /** One line on what it is (and the MMAction2 file it mirrors). */
  doc?: string;
  build(options: O, ctx: BuildContext<T>): T;
}

/** Types an entry spec; the builder receives `O`, checked against the declaration. */
export function defineEntry<O extends object, T>(spec: EntrySpec<O, T>): EntrySpec<O, T> {
  return spec;
}

export class ConfigBuildError extends Error {
  constructor(readonly path: string, detail: string, options?: { cause?: unknown }) {
    super(path ? `${path}: ${detail}` : detail, options);
    this.name = 'ConfigBuildError';
  }
}

/** Levenshtein distance, for did-you-mean hints. */
export function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0];
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j];
      prev[j] = Math.min(prev[j] + 1, prev[j - 1] + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length];
}

/** The closest candidate to `name`, if close enough to be a likely typo. */
export function didYouMean(name: string, candidates: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestD = Infinity;
  const low = name.toLowerCase();
  for (const c of candidates) {
    if (c.toLowerCase() === low) return c;
    const d = editDistance(low, c.toLowerCase());
    if (d < bestD) { best = c; bestD = d; }
  }
  return best !== undefined && bestD <= Math.max(2, Math.floor(name.length / 3)) ? best : undefined;
}

function kindOf(v: unknown): Exclude<Kind, 'integer' | 'any'> {
  if (v === null || v === undefined) return 'null';
  if (Array.isArray(v)) return 'array';
  const t = typeof v;
  if (t === 'number' || t === 'bigint') return 'number';
  if (t === 'string') return 'string';
  if (t === 'boolean') return 'boolean';
  return 'object';
}

function matches(v: unknown, k: Kind): boolean {
  if (k === 'any') return true;
  if (k === 'integer') return (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'bigint';
  return kindOf(v) === k;
}

function show(v: unknown): string {
  const s = typeof v === 'string' ? `'${v}'` : JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? Number(x) : x));
  return s === undefined ? String(v) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
}

const KIND_WORDS: Record<Kind, string> = {
  number: 'a number', integer: 'an integer', string: 'a string', boolean: 'a boolean (true/false)',
  array: 'a list', object: 'a dict', null: 'None/null', any: 'any value',
};

function deepFreezeCopy<V>(v: V): V {
  return v === undefined ? v : structuredClone(v);
}

interface Entry<T> {
  spec: EntrySpec<object, T>;
  options: Map<string, { kinds: readonly Kind[]; default?: unknown; required: boolean; choices?: readonly unknown[] }>;
}

/** Builders of one kind of thing (backbones, heads, pipeline transforms...), keyed by `type`. */
export class Registry<T> {
  readonly #entries = new Map<string, Entry<T>>();

  constructor(readonly name: string, entries: readonly EntrySpec<any, T>[] = []) {
    for (const e of entries) this.register(e);
  }

  register<O extends object>(spec: EntrySpec<O, T>): this {
    if (this.#entries.has(spec.type)) throw new Error(`registry '${this.name}': type '${spec.type}' is already registered`);
    const options: Entry<T>['options'] = new Map();
    const s = spec as unknown as EntrySpec<Record<string, unknown>, T>;
    const kindsFor = (key: string, dflt: unknown, required: boolean): readonly Kind[] => {
      const k = s.kinds?.[key];
      if (k !== undefined) return typeof k === 'string' ? [k] : k;
      if (required) return ['any'];
      const dk = kindOf(dflt);
      return dk === 'null' ? ['any'] : [dk];
    };
    for (const [key, dflt] of Object.entries(s.defaults)) {
      if (key === 'type') throw new Error(`registry '${this.name}': ${spec.type} declares 'type' as an option`);
      options.set(key, { kinds: kindsFor(key, dflt, false), default: dflt, required: false, choices: s.choices?.[key] });
    }
    for (const key of s.required ?? []) {
      if (options.has(key)) throw new Error(`registry '${this.name}': ${spec.type} option '${key}' is both required and defaulted`);
      options.set(key, { kinds: kindsFor(key, undefined, true), required: true, choices: s.choices?.[key] });
    }
    for (const key of [...Object.keys(s.kinds ?? {}), ...Object.keys(s.choices ?? {})]) {
      if (!options.has(key)) throw new Error(`registry '${this.name}': ${spec.type} gives kinds/choices for '${key}', which is neither a default nor required`);
    }
    Object.freeze(s.defaults);
    this.#entries.set(spec.type, { spec: s as unknown as EntrySpec<object, T>, options });
    return this;
  }

  has(type: string): boolean {
    return this.#entries.has(type);
  }

  /** Registered type names, in registration order. */
  types(): string[] {
    return [...this.#entries.keys()];
  }

  /** The declaration of one type (defaults, required options), e.g. for docs and tests. */
  get(type: string): EntrySpec<object, T> | undefined {
    return this.#entries.get(type)?.spec;
  }

  /** Option names of a type, in declaration order. */
  optionNames(type: string): string[] {
    return [...(this.#entries.get(type)?.options.keys() ?? [])];
  }

  /**
   * Checks `cfg` (a dict with `type`) and builds it. `path` names where it sits in the config
   * (for messages); `defaultArgs` fill options the config leaves out (mmcv's `default_args`).
   */
  build(cfg: unknown, path = '', defaultArgs: Record<string, unknown> = {}): T {
    const { entry, options } = this.check(cfg, path, defaultArgs);
    try {
      return entry.spec.build(options, { path, type: entry.spec.type, registry: this });
    } catch (e) {
      if (e instanceof ConfigBuildError) throw e;
      throw new ConfigBuildError(path, `building ${entry.spec.type} failed: ${(e as Error).message}`, { cause: e });
    }
  }

  /** Validates `cfg` and returns the entry and the full options object (defaults filled in). */
  check(cfg: unknown, path = '', defaultArgs: Record<string, unknown> = {}): { entry: Entry<T>; options: Record<string, unknown> } {
    if (cfg === null || typeof cfg !== 'object' || Array.isArray(cfg)) {
      throw new ConfigBuildError(path, `expected a dict with a 'type' key, got ${show(cfg)}`);
    }
    const c = { ...defaultArgs, ...(cfg as Record<string, unknown>) };
    const type = c.type;
    if (typeof type !== 'string') {
      throw new ConfigBuildError(path, `missing 'type' (registry '${this.name}' has: ${this.types().join(', ') || 'nothing registered'})`);
    }
    const entry = this.#entries.get(type);
    if (!entry) {
      const hint = didYouMean(type, this.#entries.keys());
      throw new ConfigBuildError(path, `unknown type '${type}' in registry '${this.name}'` +
        (hint ? ` (did you mean '${hint}'?)` : '') + `; registered: ${this.types().join(', ') || 'none'}`);
    }
    const valid = [...entry.options.keys()];
    const options: Record<string, unknown> = {};
    for (const [key, opt] of entry.options) if (!opt.required) options[key] = deepFreezeCopy(opt.default);
    for (const [key, value] of Object.entries(c)) {
      if (key === 'type') continue;
      const opt = entry.options.get(key);
      if (!opt) {
        const hint = didYouMean(key, valid);
        throw new ConfigBuildError(path, `unknown option '${key}' for ${type}` + (hint ? ` (did you mean '${hint}'?)` : '') +
          `; valid options: ${valid.join(', ') || 'none'}`);
      }
      const v = typeof value === 'bigint' ? Number(value) : value;
      const where = path ? `${path}.${key}` : key;
      if (!opt.kinds.some((k) => matches(v, k))) {
        const like = opt.required || opt.default === null ? '' : ` (like the default ${show(opt.default)})`;
        throw new ConfigBuildError(where, `expected ${opt.kinds.map((k) => KIND_WORDS[k]).join(' or ')}${like}, got ${kindOf(v)} ${show(v)}`);
      }
      if (opt.choices && !opt.choices.some((x) => x === v)) {
        throw new ConfigBuildError(where, `expected one of ${opt.choices.map(show).join(', ')}, got ${show(v)}`);
      }
      options[key] = v;
    }
    const missing = [...entry.options].filter(([k, o]) => o.required && !(k in options)).map(([k]) => k);
    if (missing.length) {
      throw new ConfigBuildError(path, `missing required option${missing.length > 1 ? 's' : ''} ${missing.map((m) => `'${m}'`).join(', ')} for ${type}`);
    }
    return { entry, options };
  }
}
