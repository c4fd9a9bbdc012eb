/** torch.optim */
export { Optimizer } from './optimizer.ts';
export type { OptimizerStateDict, ParamGroupSpec, ParamState } from './optimizer.ts';
export { SGD } from './sgd.ts';
export type { SGDOptions } from './sgd.ts';
export { Adam, AdamW, RMSprop } from './adam.ts';
export type { AdamOptions, RMSpropOptions } from './adam.ts';
export { clipGradNorm_, clipGradValue_ } from './clip.ts';
