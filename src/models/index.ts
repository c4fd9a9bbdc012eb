/** Action recognition models: builders, checkpoint loading and the model classes. */
export { buildModel, buildModelWithPretrained, buildRecognizer, buildLocalizer, buildBackbone, buildHead, buildNeck, buildLoss, BACKBONES, NECKS, HEADS, RECOGNIZERS, LOCALIZERS, LOSSES } from './builder.ts';
export type { ModelCfg, RecognizerOptions, Model, RecognizerType, BuildModelOptions } from './builder.ts';
export {
  loadCheckpoint, readCheckpoint, downloadCheckpoint, loadStateDictInto, extractStateDict, resolveCheckpointSource,
  localCheckpointPath, checkpointCacheDir, prefetchPretrained, disposeCheckpoint, CheckpointError, TORCHVISION_URLS,
} from './checkpoint.ts';
export type { CheckpointLoadReport, LoadCheckpointOptions, LoadCheckpointResult } from './checkpoint.ts';
export { download, cachePathOf, hashPrefixOf, DownloadError } from './download.ts';
export type { DownloadOptions } from './download.ts';
export { BaseRecognizer } from './recognizers/base.ts';
export type { Backbone, Head, Neck, RecognizerTestCfg, RecognizerTrainCfg } from './recognizers/base.ts';
export { Recognizer2D } from './recognizers/recognizer2d.ts';
export { Recognizer3D } from './recognizers/recognizer3d.ts';
export { AudioRecognizer } from './recognizers/audio_recognizer.ts';
export { SkeletonGCN } from './skeleton/skeleton_gcn.ts';
export { Graph, GRAPH_LAYOUTS, GRAPH_STRATEGIES } from './skeleton/graph.ts';
export type { GraphCfg, GraphLayout, GraphStrategy } from './skeleton/graph.ts';
export { STGCN, STGCNBlock, ConvTemporalGraphical } from './backbones/stgcn.ts';
export type { STGCNOptions } from './backbones/stgcn.ts';
export { MixupBlending, CutmixBlending } from './recognizers/blending.ts';
export { BaseTAPGenerator } from './localizers/base.ts';
export type { LocalizationBatch, LocalizerLossDict } from './localizers/base.ts';
export { BMN, BMN_DEFAULTS, bmSampleMask } from './localizers/bmn.ts';
export type { BMNOptions, BMNResult, BMNVideoMeta, GtBoxes } from './localizers/bmn.ts';
export { temporalIou, temporalIop, softNms, postProcessing } from './localizers/proposal_utils.ts';
export type { Proposal, ProposalVideoInfo, PostProcessingOptions } from './localizers/proposal_utils.ts';
export { ResNet, BasicBlock, Bottleneck, makeResLayer } from './backbones/resnet.ts';
export { ResNetTSM } from './backbones/resnet_tsm.ts';
export { ResNetTIN, tinShift } from './backbones/resnet_tin.ts';
export { MobileNetV2 } from './backbones/mobilenet_v2.ts';
export { MobileNetV2TSM } from './backbones/mobilenet_v2_tsm.ts';
export { TANet } from './backbones/tanet.ts';
export { ResNetAudio } from './backbones/resnet_audio.ts';
export { BaseHead, AvgConsensus } from './heads/base.ts';
export { TSNHead } from './heads/tsn_head.ts';
export { TSMHead } from './heads/tsm_head.ts';
export { TRNHead } from './heads/trn_head.ts';
export { AudioTSNHead } from './heads/audio_tsn_head.ts';
export { STGCNHead } from './heads/stgcn_head.ts';
export type { STGCNHeadOptions } from './heads/stgcn_head.ts';
export * from './losses/index.ts';
export * from './common/index.ts';
export { getModelComplexityInfo, formatComplexity, FLOPS_COUNTERS } from './flops.ts';
export type { ComplexityInfo } from './flops.ts';
