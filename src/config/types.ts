/**
 * Types for writing configs in TypeScript, so that editors complete and check the common fields:
 *
 * ```ts
 * import { defineConfig } from '../../../src/config/types.ts';
 * export default defineConfig({
 *   _base_: ['../../_base_/models/tsn_r50.py', '../../_base_/default_runtime.ts'],
 *   model: { cls_head: { num_classes: 101 } },
 *   optimizer: { type: 'SGD', lr: 0.01 },
 * });
 * ```
 *
 * A child config only states what it changes (mmcv merges it into its bases key by key), so
 * every field is optional; `_delete_: true` in a dict replaces the base's dict instead.
 * Option names keep MMAction2's snake_case; the registries check them when the model is built.
 */

/** A value that can appear in a config. */
export type ConfigValue = null | boolean | number | string | readonly ConfigValue[] | { readonly [key: string]: unknown };

/** A dict with a `type` naming a registered class, plus its options. */
export interface ModuleConfig {
  type?: string;
  /** Replace the dict of the base config instead of merging into it. */
  _delete_?: boolean;
  [option: string]: unknown;
}

export interface ModelConfig extends ModuleConfig {
  backbone?: ModuleConfig;
  neck?: ModuleConfig | readonly ModuleConfig[];
  cls_head?: ModuleConfig;
  train_cfg?: { [key: string]: unknown } | null;
  test_cfg?: { average_clips?: 'score' | 'prob' | string | null; max_testing_views?: number; [key: string]: unknown } | null;
}

export interface DatasetConfig extends ModuleConfig {
  ann_file?: string | null;
  data_prefix?: string | null;
  pipeline?: readonly ModuleConfig[];
  test_mode?: boolean;
  multi_class?: boolean;
  num_classes?: number | null;
  start_index?: number;
  modality?: 'RGB' | 'Flow' | string;
  filename_tmpl?: string;
}

export interface DataConfig {
  _delete_?: boolean;
  videos_per_gpu?: number;
  workers_per_gpu?: number;
  train_dataloader?: { [key: string]: unknown };
  val_dataloader?: { [key: string]: unknown };
  test_dataloader?: { [key: string]: unknown };
  train?: DatasetConfig | readonly DatasetConfig[];
  val?: DatasetConfig;
  test?: DatasetConfig;
  [key: string]: unknown;
}

export interface LogConfig {
  interval?: number;
  hooks?: readonly ModuleConfig[];
  [key: string]: unknown;
}

/** The fields MMAction2's tools read; any other top-level variable is kept as well. */
export interface ConfigFile {
  /** Base config files, relative to this file (`.py`, `.ts`, `.json`, `.yaml`). */
  _base_?: string | readonly string[];
  model?: ModelConfig;
  data?: DataConfig;
  optimizer?: ModuleConfig & { lr?: number; momentum?: number; weight_decay?: number; paramwise_cfg?: { [key: string]: unknown } };
  optimizer_config?: { grad_clip?: { max_norm?: number; norm_type?: number } | null; [key: string]: unknown };
  lr_config?: { policy?: string; step?: number | readonly number[]; warmup?: string | null; [key: string]: unknown };
  total_epochs?: number;
  checkpoint_config?: { interval?: number; [key: string]: unknown };
  log_config?: LogConfig;
  evaluation?: { interval?: number; metrics?: string | readonly string[]; [key: string]: unknown };
  dist_params?: { backend?: string; [key: string]: unknown };
  log_level?: string;
  load_from?: string | null;
  resume_from?: string | null;
  workflow?: readonly (readonly (string | number)[])[];
  work_dir?: string;
  [key: string]: unknown;
}

/** Identity function that types a config object (editor completion and checking). */
export function defineConfig<const T extends ConfigFile>(config: T): T {
  return config;
}
