/**
 * Optimizers from config dicts: mmcv 1.7's `build_optimizer` with its DefaultOptimizerConstructor
 * (paramwise_cfg) and MMAction2 0.24's TSMOptimizerConstructor (fc_lr5).
 *
 *   optimizer = dict(type='SGD', lr=0.01, momentum=0.9, weight_decay=1e-4,
 *                    constructor='TSMOptimizerConstructor', paramwise_cfg=dict(fc_lr5=True))
 *
 * Mirrors mmcv/runner/optimizer/{builder,default_constructor}.py and
 * mmaction/core/optimizer/tsm_optimizer_constructor.py. Parameter groups come out in the same
 * order with the same lr/weight_decay as in Python, so an optimizer state saved by MMAction2
 * loads into ours group for group.
 */
import * as torch from '../torch/index.ts';
import type { Tensor } from '../torch/tensor.ts';
import type { Optimizer, ParamGroupSpec, RMSpropOptions, SGDOptions, AdamOptions } from '../torch/optim/index.ts';
import { ConfigBuildError, defineEntry, Registry } from '../config/registry.ts';

const nn = torch.nn;
type Module = InstanceType<typeof nn.Module>;

/** Per-key settings of `paramwise_cfg.custom_keys`. */
export interface CustomKeyCfg {
  lr_mult?: number;
  decay_mult?: number;
}

/** mmcv's `paramwise_cfg` (DefaultOptimizerConstructor) plus MMAction2's `fc_lr5` (TSMOptimizerConstructor). */
export interface ParamwiseCfg {
  /** The longest key that is a substring of `prefix.name` wins (ties: alphabetical); overrides all other rules. */
  custom_keys?: Record<string, CustomKeyCfg>;
  /** Multiplies lr of biases (not of norm layers). Default 1. */
  bias_lr_mult?: number;
  /** Multiplies weight decay of biases (not of norm or depthwise conv layers). Default 1. */
  bias_decay_mult?: number;
  /** Multiplies weight decay of norm layers' weights and biases. Default 1. */
  norm_decay_mult?: number;
  /** Multiplies weight decay of depthwise Conv2d layers' parameters. Default 1. */
  dwconv_decay_mult?: number;
  /** Deformable conv offsets (no DCN layers exist here; accepted for config compatibility). Default 1. */
  dcn_offset_lr_mult?: number;
  /** Skip parameters already in a group (shared modules) instead of failing. Default false. */
  bypass_duplicate?: boolean;
  /** TSMOptimizerConstructor: last fc gets 5x lr (weight) / 10x lr (bias). Required by that constructor. */
  fc_lr5?: boolean;
}

/** The `optimizer` section of a config. */
export interface OptimizerCfg {
  type: string;
  lr?: number;
  weight_decay?: number;
  /** Name of the constructor (a string; typed loosely because every JS object inherits `constructor`). */
  constructor?: unknown;
  paramwise_cfg?: ParamwiseCfg | null;
  [option: string]: unknown;
}

type OptimizerFactory = (params: Tensor[] | ParamGroupSpec[]) => Optimizer;

const SGD_DEFAULTS: Readonly<Omit<Required<SGDOptions>, 'lr'>> = Object.freeze({ momentum: 0, dampening: 0, weight_decay: 0, nesterov: false, maximize: false });
const ADAM_DEFAULTS: Readonly<Required<AdamOptions>> = Object.freeze({ lr: 1e-3, betas: [0.9, 0.999] as [number, number], eps: 1e-8, weight_decay: 0, amsgrad: false, maximize: false });

const sgdEntry = (type: string) => defineEntry<{ lr: number } & typeof SGD_DEFAULTS, OptimizerFactory>({
  type,
  defaults: SGD_DEFAULTS,
  required: ['lr'],
  kinds: { lr: 'number' },
  doc: type === 'SGD' ? 'torch.optim.SGD' : "MMAction2's CopyOfSGD (an SGD under another name, for a second optimizer)",
  build: (o) => (params) => new torch.optim.SGD(params, o),
});

/** Optimizer classes by config `type` (torch.optim names). */
export const OPTIMIZERS = new Registry<OptimizerFactory>('optimizer', [
  sgdEntry('SGD'),
  sgdEntry('CopyOfSGD'),
  defineEntry<typeof ADAM_DEFAULTS, OptimizerFactory>({
    type: 'Adam', defaults: ADAM_DEFAULTS, doc: 'torch.optim.Adam',
    build: (o) => (params) => new torch.optim.Adam(params, o),
  }),
  defineEntry<typeof ADAM_DEFAULTS, OptimizerFactory>({
    type: 'AdamW', defaults: { ...ADAM_DEFAULTS, weight_decay: 1e-2 }, doc: 'torch.optim.AdamW',
    build: (o) => (params) => new torch.optim.AdamW(params, o),
  }),
  defineEntry<Required<RMSpropOptions>, OptimizerFactory>({
    type: 'RMSprop', defaults: { lr: 1e-2, alpha: 0.99, eps: 1e-8, weight_decay: 0, momentum: 0, centered: false, maximize: false },
    doc: 'torch.optim.RMSprop',
    build: (o) => (params) => new torch.optim.RMSprop(params, o),
  }),
]);

const PARAMWISE_KEYS = ['custom_keys', 'bias_lr_mult', 'bias_decay_mult', 'norm_decay_mult', 'dwconv_decay_mult',
  'dcn_offset_lr_mult', 'bypass_duplicate', 'fc_lr5'];

/** mmcv's `_ConvNd` (transposed convs included). */
export function isConv(m: Module): boolean {
  return m instanceof nn.Conv1d || m instanceof nn.Conv2d || m instanceof nn.Conv3d ||
    m instanceof nn.ConvTranspose1d || m instanceof nn.ConvTranspose2d || m instanceof nn.ConvTranspose3d;
}

/** mmcv's `_BatchNorm` (SyncBatchNorm included). */
export function isBatchNorm(m: Module): boolean {
  return m instanceof nn.BatchNorm;
}

/** DefaultOptimizerConstructor's norm test: _BatchNorm, _InstanceNorm, GroupNorm, LayerNorm. */
export function isNorm(m: Module): boolean {
  return m instanceof nn.BatchNorm || m instanceof nn.InstanceNorm || m instanceof nn.GroupNorm || m instanceof nn.LayerNorm;
}

/** Own parameters (not recursing) in registration order, like `named_parameters(recurse=False)`. */
function ownParameters(m: Module): [string, Tensor][] {
  return [...m.namedParameters('', false)];
}

/** `named_children()`: a module registered twice under one parent is yielded once. */
function uniqueChildren(m: Module): [string, Module][] {
  const seen = new Set<Module>();
  const out: [string, Module][] = [];
  for (const [k, c] of m.namedChildren()) {
    if (seen.has(c)) continue;
    seen.add(c);
    out.push([k, c]);
  }
  return out;
}

/**
 * mmcv's DefaultOptimizerConstructor. Without paramwise_cfg all parameters form one group;
 * with it, every parameter gets its own group (lr / weight_decay set where a rule applies).
 */
export class DefaultOptimizerConstructor {
  readonly baseLr: number | undefined;
  readonly baseWd: number | undefined;
  readonly paramwiseCfg: ParamwiseCfg;
  /** Warnings raised while grouping (bypassed duplicates), for the runner's log. */
  readonly warnings: string[] = [];

  constructor(readonly optimizerCfg: OptimizerCfg, paramwiseCfg: ParamwiseCfg | null = null, readonly path = 'optimizer') {
    this.paramwiseCfg = paramwiseCfg ?? {};
    this.baseLr = typeof optimizerCfg.lr === 'number' ? optimizerCfg.lr : undefined;
    this.baseWd = typeof optimizerCfg.weight_decay === 'number' ? optimizerCfg.weight_decay : undefined;
    this.validate();
  }

  protected validate(): void {
    const p = this.paramwiseCfg;
    const where = `${this.path}.paramwise_cfg`;
    if (typeof p !== 'object' || Array.isArray(p)) throw new ConfigBuildError(where, 'paramwise_cfg should be None or a dict');
    for (const k of Object.keys(p)) {
      if (!PARAMWISE_KEYS.includes(k)) throw new ConfigBuildError(where, `unknown option '${k}' (valid: ${PARAMWISE_KEYS.join(', ')})`);
    }
    if (p.custom_keys !== undefined) {
      if (typeof p.custom_keys !== 'object' || p.custom_keys === null || Array.isArray(p.custom_keys))
        throw new ConfigBuildError(`${where}.custom_keys`, 'If specified, custom_keys must be a dict');
      for (const [key, v] of Object.entries(p.custom_keys)) {
        for (const opt of Object.keys(v ?? {}))
          if (opt !== 'lr_mult' && opt !== 'decay_mult') throw new ConfigBuildError(`${where}.custom_keys.${key}`, `unknown option '${opt}' (valid: lr_mult, decay_mult)`);
        if (this.baseWd === undefined && 'decay_mult' in (v ?? {}))
          throw new ConfigBuildError(`${where}.custom_keys.${key}`, 'decay_mult needs optimizer.weight_decay (base_wd should not be None)');
      }
    }
    for (const k of ['bias_decay_mult', 'norm_decay_mult', 'dwconv_decay_mult'] as const) {
      if (k in p && this.baseWd === undefined) throw new ConfigBuildError(`${where}.${k}`, 'needs optimizer.weight_decay (base_wd should not be None)');
    }
  }

  private static isIn(group: ParamGroupSpec, groups: ParamGroupSpec[]): boolean {
    return groups.some((g) => g.params.some((p) => group.params.includes(p)));
  }

  /** Appends one group per parameter of `module` (then its children), applying paramwise_cfg. */
  addParams(params: ParamGroupSpec[], module: Module, prefix = ''): void {
    const p = this.paramwiseCfg;
    const customKeys = p.custom_keys ?? {};
    // longest first; equal lengths in alphabetical order
    const sortedKeys = Object.keys(customKeys).sort().sort((a, b) => b.length - a.length);
    const biasLrMult = p.bias_lr_mult ?? 1;
    const biasDecayMult = p.bias_decay_mult ?? 1;
    const normDecayMult = p.norm_decay_mult ?? 1;
    const dwconvDecayMult = p.dwconv_decay_mult ?? 1;
    const bypassDuplicate = p.bypass_duplicate ?? false;
    const norm = isNorm(module);
    const dwconv = module instanceof nn.Conv2d && module.inChannels === module.groups;

    for (const [name, param] of ownParameters(module)) {
      const group: ParamGroupSpec = { params: [param] };
      if (!param.requiresGrad) { params.push(group); continue; }
      if (bypassDuplicate && DefaultOptimizerConstructor.isIn(group, params)) {
        this.warnings.push(`${prefix} is duplicate. It is skipped since bypass_duplicate=True`);
        continue;
      }
      let custom = false;
      for (const key of sortedKeys) {
        if (`${prefix}.${name}`.includes(key)) {
          custom = true;
          group.lr = this.requireLr() * (customKeys[key].lr_mult ?? 1);
          if (this.baseWd !== undefined) group.weight_decay = this.baseWd * (customKeys[key].decay_mult ?? 1);
          break;
        }
      }
      if (!custom) {
        if (name === 'bias' && !norm) group.lr = this.requireLr() * biasLrMult;
        if (this.baseWd !== undefined) {
          if (norm) group.weight_decay = this.baseWd * normDecayMult;
          else if (dwconv) group.weight_decay = this.baseWd * dwconvDecayMult;
          else if (name === 'bias') group.weight_decay = this.baseWd * biasDecayMult;
        }
      }
      params.push(group);
    }
    for (const [childName, child] of uniqueChildren(module)) {
      this.addParams(params, child, prefix ? `${prefix}.${childName}` : childName);
    }
  }

  protected requireLr(): number {
    if (this.baseLr === undefined) throw new ConfigBuildError(`${this.path}.lr`, 'paramwise_cfg needs optimizer.lr');
    return this.baseLr;
  }

  /** The parameter groups this constructor gives `model` (what goes to the optimizer). */
  paramGroups(model: Module): Tensor[] | ParamGroupSpec[] {
    if (Object.keys(this.paramwiseCfg).length === 0) return model.parameters();
    const params: ParamGroupSpec[] = [];
    this.addParams(params, model);
    return params;
  }

  build(model: Module): Optimizer {
    const { type, constructor: _c, paramwise_cfg: _p, ...rest } = this.optimizerCfg;
    const factory = OPTIMIZERS.build({ type, ...rest }, this.path);
    const groups = this.paramGroups(model);
    try {
      return factory(groups);
    } catch (e) {
      throw new ConfigBuildError(this.path, (e as Error).message, { cause: e });
    }
  }
}

/**
 * MMAction2's TSMOptimizerConstructor: seven groups in this order: first conv weight (lr, wd),
 * first conv bias (2*lr, 0), other conv/linear weights (lr, wd), their biases (2*lr, 0), BN/GN
 * params (lr, 0), last fc weight (5*lr, wd) and bias (10*lr, 0) when fc_lr5 (else those join the
 * normal groups). Any other leaf module with parameters is an error, as in MMAction2.
 */
export class TSMOptimizerConstructor extends DefaultOptimizerConstructor {
  override addParams(params: ParamGroupSpec[], model: Module): void {
    if (!('fc_lr5' in this.paramwiseCfg)) throw new ConfigBuildError(`${this.path}.paramwise_cfg`, "TSMOptimizerConstructor needs 'fc_lr5' (true or false)");
    const fcLr5 = Boolean(this.paramwiseCfg.fc_lr5);
    const firstConvWeight: Tensor[] = [], firstConvBias: Tensor[] = [];
    const normalWeight: Tensor[] = [], normalBias: Tensor[] = [];
    const lr5Weight: Tensor[] = [], lr10Bias: Tensor[] = [];
    const bn: Tensor[] = [];
    let convCnt = 0;
    for (const [name, m] of model.namedModules()) {
      const own = m.parameters();
      if (isConv(m)) {
        convCnt += 1;
        if (convCnt === 1) {
          firstConvWeight.push(own[0]);
          if (own.length === 2) firstConvBias.push(own[1]);
        } else {
          normalWeight.push(own[0]);
          if (own.length === 2) normalBias.push(own[1]);
        }
      } else if (m instanceof nn.Linear) {
        normalWeight.push(own[0]);
        if (own.length === 2) normalBias.push(own[1]);
      } else if (isBatchNorm(m) || m instanceof nn.GroupNorm) {
        for (const p of own) if (p.requiresGrad) bn.push(p);
      } else if ([...m.children()].length === 0 && own.length > 0) {
        throw new ConfigBuildError(this.path, `New atomic module type: ${m.constructor.name} (at '${name}'). Need to give it a learning policy`);
      }
    }
    if (normalWeight.length === 0 || normalBias.length === 0)
      throw new ConfigBuildError(this.path, 'TSMOptimizerConstructor: the model has no last fc layer with a bias to take out');
    // the cls_head fc layer's params
    const lastFcWeight = normalWeight.pop()!;
    const lastFcBias = normalBias.pop()!;
    if (fcLr5) { lr5Weight.push(lastFcWeight); lr10Bias.push(lastFcBias); }
    else { normalWeight.push(lastFcWeight); normalBias.push(lastFcBias); }
    const lr = this.requireLr();
    const wd = this.baseWd ?? null;
    const g = (ps: Tensor[], l: number, w: number | null): ParamGroupSpec => (w === null ? { params: ps, lr: l } : { params: ps, lr: l, weight_decay: w });
    params.push(g(firstConvWeight, lr, wd), g(firstConvBias, lr * 2, 0), g(normalWeight, lr, wd), g(normalBias, lr * 2, 0),
      g(bn, lr, 0), g(lr5Weight, lr * 5, wd), g(lr10Bias, lr * 10, 0));
  }
}

/** Constructors by `optimizer.constructor` name. */
export const OPTIMIZER_BUILDERS: Readonly<Record<string, new (cfg: OptimizerCfg, p: ParamwiseCfg | null, path?: string) => DefaultOptimizerConstructor>> = Object.freeze({
  DefaultOptimizerConstructor,
  TSMOptimizerConstructor,
});

/** mmcv's `build_optimizer(model, cfg)`: picks the constructor (`cfg.constructor`) and builds. */
export function buildOptimizer(model: Module, cfg: OptimizerCfg, path = 'optimizer'): Optimizer {
  if (cfg === null || typeof cfg !== 'object') throw new ConfigBuildError(path, `expected a dict with a 'type', got ${String(cfg)}`);
  // `constructor` is also every object's inherited property: read it only when the config sets it
  const ctorName = Object.hasOwn(cfg, 'constructor') ? cfg.constructor : 'DefaultOptimizerConstructor';
  if (typeof ctorName !== 'string' || !Object.hasOwn(OPTIMIZER_BUILDERS, ctorName))
    throw new ConfigBuildError(`${path}.constructor`, `unknown optimizer constructor '${String(ctorName)}' (valid: ${Object.keys(OPTIMIZER_BUILDERS).join(', ')})`);
  const Ctor = OPTIMIZER_BUILDERS[ctorName];
  return new Ctor(cfg, (cfg.paramwise_cfg ?? null) as ParamwiseCfg | null, path).build(model);
}
