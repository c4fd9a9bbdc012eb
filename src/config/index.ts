/**
 * Configs and registries: MMAction2/mmcv config files (Python, TypeScript, JSON, YAML) with
 * `_base_` inheritance and `--cfg-options`, and the registry that turns config dicts into typed
 * options objects.
 */
export { Config, writeFileAtomic, type CfgOptions, type FromFileOptions } from './config.ts';
export { ConfigFileError, CONFIG_EXTS } from './loader.ts';
export { ConfigMergeError, mergeAIntoB, mergeFromDict, BASE_KEY, DELETE_KEY } from './merge.ts';
export { CfgOptionError, parseCfgOptions, parseValue } from './options.ts';
export { dumpText, type DumpFormat } from './dump.ts';
export { ConfigSyntaxError } from './python/tokenizer.ts';
export { ConfigEvalError, evaluateModule } from './python/evaluator.ts';
export { PyTuple, toPlain, fromPlain, type Plain, type PyValue, type PyDict } from './python/values.ts';
export { Registry, defineEntry, didYouMean, ConfigBuildError, type EntrySpec, type BuildContext, type Kind } from './registry.ts';
export { defineConfig, type ConfigFile, type ModelConfig, type ModuleConfig, type DataConfig, type DatasetConfig } from './types.ts';
