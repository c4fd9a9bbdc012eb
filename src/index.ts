/**
 * mmaction-ts: MMAction2 0.24 in TypeScript on libtorch and FFmpeg.
 *
 *   import { torch, Config, buildModel, loadCheckpoint, VideoReader, buildPipeline } from 'mmaction-ts';
 */
export * as torch from './torch/index.ts';
export { Config, defineConfig, ConfigBuildError, defineEntry, parseCfgOptions, Registry } from './config/index.ts';
export { VideoReader, VideoStream, VideoWriter, writeVideo } from './video/index.ts';
export * as audio from './audio/index.ts';
export { initRecognizer, inferenceRecognizer } from './apis/inference.ts';
export { MODEL_ZOO, listModels, getModelInfo, resolveModel, initZooRecognizer, type ModelZooEntry } from './apis/model_zoo.ts';
export { download, DownloadError } from './models/download.ts';
export {
  buildPipeline, buildDataset, buildDataloader, DataLoader, collate, RawframeDataset, VideoDataset, ImageDataset,
  AudioDataset, AudioFeatureDataset, RepeatDataset, ConcatDataset, AnnotationError,
} from './datasets/index.ts';
export { SYNTH_MOTION_CLASSES, renderSynthMotion } from './datasets/synth_motion.ts';
export {
  buildModel, buildRecognizer, buildBackbone, buildHead, buildNeck, buildLoss, loadCheckpoint, BaseRecognizer,
  Recognizer2D, Recognizer3D, AudioRecognizer, buildModelWithPretrained, prefetchPretrained, downloadCheckpoint, readCheckpoint,
  CheckpointError, getModelComplexityInfo, RECOGNIZERS, BACKBONES, NECKS, HEADS, LOSSES,
} from './models/index.ts';
export { BMN, BaseTAPGenerator, LOCALIZERS, buildLocalizer } from './models/index.ts';
export { ActivityNetDataset } from './datasets/index.ts';
export * as models from './models/index.ts';
export * as evaluation from './evaluation/index.ts';
export * as runner from './runner/index.ts';
export { trainModel, runTraining } from './apis/train.ts';
export { testModel, singleGpuTest } from './apis/test.ts';
export { GradCAM } from './apis/gradcam.ts';
export { LongVideoRecognizer, recognizeLongVideo } from './apis/long_video.ts';
export { runWebcamDemo } from './apis/webcam.ts';
