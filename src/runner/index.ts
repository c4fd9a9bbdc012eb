/** Training machinery: mmcv's runner, hooks, schedules and optimizer builder, in TypeScript. */
export { EpochBasedRunner, NonFiniteLossError, epochSeed, type EpochRunnerOptions } from './epoch_runner.ts';
export { IterBasedRunner, IterLoader, type IterRunnerOptions } from './iter_runner.ts';
export { BaseRunner, type RunnerOptions, type HookCfg } from './base_runner.ts';
export type { RunnerLike, TrainableModel, StepOutputs, LoaderLike, Meta, SaveCheckpointOptions } from './types.ts';
export { Hook, STAGES, type Stage } from './hooks/hook.ts';
export { Priority, getPriority } from './priority.ts';
export { LogBuffer } from './log_buffer.ts';
export { Logger, type LoggerOptions, type LogLevel } from './logger.ts';
export {
  LrUpdaterHook, FixedLrUpdaterHook, StepLrUpdaterHook, ExpLrUpdaterHook, PolyLrUpdaterHook, InvLrUpdaterHook,
  CosineAnnealingLrUpdaterHook, FlatCosineAnnealingLrUpdaterHook, CosineRestartLrUpdaterHook, LinearAnnealingLrUpdaterHook,
  CyclicLrUpdaterHook, OneCycleLrUpdaterHook, TINLrUpdaterHook, annealingCos, annealingLinear,
} from './hooks/lr_updater.ts';
export { buildLrUpdaterHook, LR_HOOKS } from './hooks/lr_registry.ts';
export { OptimizerHook, GradientCumulativeOptimizerHook, type GradClipCfg } from './hooks/optimizer.ts';
export { CheckpointHook, type CheckpointHookOptions } from './hooks/checkpoint.ts';
export { IterTimerHook } from './hooks/iter_timer.ts';
export { LoggerHook, TextLoggerHook } from './hooks/text_logger.ts';
export { TensorboardLoggerHook } from './hooks/tensorboard.ts';
export { EvalHook, type EvalHookOptions } from './hooks/evaluation.ts';
export { PreciseBNHook, updateBnStats } from './hooks/precise_bn.ts';
export { EMAHook } from './hooks/ema.ts';
export { HOOKS } from './hooks/registry.ts';
export {
  buildOptimizer, DefaultOptimizerConstructor, TSMOptimizerConstructor, OPTIMIZERS, OPTIMIZER_BUILDERS,
  type OptimizerCfg, type ParamwiseCfg,
} from './optimizer_builder.ts';
export { saveCheckpoint, loadCheckpointFile, linkOrCopyAtomic, MMACTION_VERSION } from './checkpoint.ts';
export { singleGpuTest, type TestableModel } from './engine.ts';
export { dumpResults } from './results.ts';
