/**
 * `lr_config` -> an LrUpdaterHook, as mmcv's `register_lr_hook`: `policy='step'` names
 * StepLrUpdaterHook (a lowercase policy is title-cased first, `'cosine_annealing'` would become
 * `'Cosine_Annealing'` as in mmcv; write `'CosineAnnealing'`).
 */
import { defineEntry, Registry, ConfigBuildError } from '../../config/registry.ts';
import {
  CosineAnnealingLrUpdaterHook, CosineRestartLrUpdaterHook, CyclicLrUpdaterHook, ExpLrUpdaterHook, FixedLrUpdaterHook,
  FlatCosineAnnealingLrUpdaterHook, InvLrUpdaterHook, LinearAnnealingLrUpdaterHook, LR_UPDATER_DEFAULTS, type LrUpdaterHook,
  OneCycleLrUpdaterHook, PolyLrUpdaterHook, StepLrUpdaterHook, TINLrUpdaterHook,
} from './lr_updater.ts';

const base = LR_UPDATER_DEFAULTS;
const warmupKinds = { warmup: ['string', 'null'], warmup_iters: 'integer' } as const;
const warmupChoices = { warmup: ['constant', 'linear', 'exp', null] } as const;
const minLr = { min_lr: null, min_lr_ratio: null };
// options are checked by the registry against these declarations and again by the hooks' constructors
type AnyOpts = Record<string, unknown>;

export const LR_HOOKS = new Registry<LrUpdaterHook>('lr_updater', [
  defineEntry<AnyOpts, LrUpdaterHook>({ type: 'FixedLrUpdaterHook', defaults: { ...base }, kinds: warmupKinds, choices: warmupChoices, build: (o) => new FixedLrUpdaterHook(o as never) }),
  defineEntry<AnyOpts, LrUpdaterHook>({
    type: 'StepLrUpdaterHook', defaults: { ...base, gamma: 0.1, min_lr: null }, required: ['step'],
    kinds: { ...warmupKinds, step: ['integer', 'array'] }, choices: warmupChoices, build: (o) => new StepLrUpdaterHook(o as never),
  }),
  defineEntry<AnyOpts, LrUpdaterHook>({ type: 'ExpLrUpdaterHook', defaults: { ...base }, required: ['gamma'], kinds: warmupKinds, choices: warmupChoices, build: (o) => new ExpLrUpdaterHook(o as never) }),
  defineEntry<AnyOpts, LrUpdaterHook>({ type: 'PolyLrUpdaterHook', defaults: { ...base, power: 1, min_lr: 0 }, kinds: warmupKinds, choices: warmupChoices, build: (o) => new PolyLrUpdaterHook(o as never) }),
  defineEntry<AnyOpts, LrUpdaterHook>({ type: 'InvLrUpdaterHook', defaults: { ...base, power: 1 }, required: ['gamma'], kinds: warmupKinds, choices: warmupChoices, build: (o) => new InvLrUpdaterHook(o as never) }),
  defineEntry<AnyOpts, LrUpdaterHook>({ type: 'CosineAnnealingLrUpdaterHook', defaults: { ...base, ...minLr }, kinds: warmupKinds, choices: warmupChoices, build: (o) => new CosineAnnealingLrUpdaterHook(o as never) }),
  defineEntry<AnyOpts, LrUpdaterHook>({ type: 'FlatCosineAnnealingLrUpdaterHook', defaults: { ...base, ...minLr, start_percent: 0.75 }, kinds: warmupKinds, choices: warmupChoices, build: (o) => new FlatCosineAnnealingLrUpdaterHook(o as never) }),
  defineEntry<AnyOpts, LrUpdaterHook>({
    type: 'CosineRestartLrUpdaterHook', defaults: { ...base, ...minLr, restart_weights: [1] }, required: ['periods'],
    kinds: { ...warmupKinds, periods: 'array' }, choices: warmupChoices, build: (o) => new CosineRestartLrUpdaterHook(o as never),
  }),
  defineEntry<AnyOpts, LrUpdaterHook>({ type: 'LinearAnnealingLrUpdaterHook', defaults: { ...base, ...minLr }, kinds: warmupKinds, choices: warmupChoices, build: (o) => new LinearAnnealingLrUpdaterHook(o as never) }),
  defineEntry<AnyOpts, LrUpdaterHook>({
    type: 'CyclicLrUpdaterHook', defaults: { ...base, by_epoch: false, target_ratio: [10, 1e-4], cyclic_times: 1, step_ratio_up: 0.4, anneal_strategy: 'cos', gamma: 1 },
    kinds: { ...warmupKinds, target_ratio: ['number', 'array'] }, choices: { ...warmupChoices, anneal_strategy: ['cos', 'linear'] },
    build: (o) => new CyclicLrUpdaterHook(o as never),
  }),
  defineEntry<AnyOpts, LrUpdaterHook>({
    type: 'OneCycleLrUpdaterHook', defaults: { ...base, by_epoch: false, total_steps: null, pct_start: 0.3, anneal_strategy: 'cos', div_factor: 25, final_div_factor: 1e4, three_phase: false },
    required: ['max_lr'], kinds: { ...warmupKinds, max_lr: ['number', 'array'], total_steps: ['integer', 'null'] }, choices: { ...warmupChoices, anneal_strategy: ['cos', 'linear'] },
    build: (o) => new OneCycleLrUpdaterHook(o as never),
  }),
  defineEntry<AnyOpts, LrUpdaterHook>({ type: 'TINLrUpdaterHook', defaults: { ...base }, required: ['min_lr'], kinds: warmupKinds, choices: warmupChoices, build: (o) => new TINLrUpdaterHook(o as never) }),
]);

/** Python's str.title(). */
export function pyTitle(s: string): string {
  return s.replace(/[A-Za-z]+/g, (w) => w[0].toUpperCase() + w.slice(1).toLowerCase());
}

/** mmcv's `register_lr_hook` builder: `{policy: 'step', step: [8, 16]}` -> StepLrUpdaterHook. */
export function buildLrUpdaterHook(lrConfig: Record<string, unknown>, path = 'lr_config'): LrUpdaterHook {
  if (lrConfig === null || typeof lrConfig !== 'object' || Array.isArray(lrConfig)) throw new ConfigBuildError(path, 'expected a dict with a policy');
  const { policy, ...rest } = lrConfig;
  if (typeof policy !== 'string') {
    throw new ConfigBuildError(path, `missing 'policy' (one of ${LR_HOOKS.types().map((t) => t.replace(/LrUpdaterHook$/, '')).join(', ')}; or lowercase like 'step')`);
  }
  const type = (policy === policy.toLowerCase() ? pyTitle(policy) : policy) + 'LrUpdaterHook';
  if (!LR_HOOKS.has(type)) {
    throw new ConfigBuildError(`${path}.policy`, `unknown lr policy '${policy}' (${type} does not exist); valid: ${LR_HOOKS.types().map((t) => t.replace(/LrUpdaterHook$/, '')).join(', ')}`);
  }
  const valid = new Set(LR_HOOKS.optionNames(type));
  const foreign = Object.keys(rest).filter((k) => !valid.has(k));
  if (foreign.length) {
    // Typically an option of the _base_ config's schedule that a child config's new policy does
    // not take (mmcv merges dicts key by key): MMAction2 fails here too, with a TypeError.
    const owners = foreign.map((k) => LR_HOOKS.types().filter((t) => LR_HOOKS.optionNames(t).includes(k)).map((t) => t.replace(/LrUpdaterHook$/, '')));
    if (owners.every((o) => o.length > 0)) {
      throw new ConfigBuildError(path, `${foreign.map((k, i) => `'${k}' (an option of ${owners[i].join('/')})`).join(', ')} is not an option of policy '${policy}'. ` +
        `It probably comes from a _base_ config's lr_config, merged key by key; write lr_config = dict(_delete_=True, policy='${policy}', ...) ` +
        `in the config, or remove it with --cfg-options. (MMAction2 fails on this config as well.)`);
    }
  }
  return LR_HOOKS.build({ ...rest, type }, path);
}
