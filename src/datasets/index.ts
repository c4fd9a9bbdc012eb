/** Datasets, pipelines and the DataLoader (MMAction2 `mmaction/datasets`). */
export { buildPipeline, Compose, materialize, buildTransform, TRANSFORMS } from './pipelines/index.ts';
export type { Pipeline, PipelineOptions, Results, Transform } from './pipelines/index.ts';
export { ImageBatch, FloatBatch, NDArray } from './pipelines/types.ts';
export { buildDataset, DATASETS } from './builder.ts';
export { BaseDataset } from './base.ts';
export { RawframeDataset } from './rawframe_dataset.ts';
export { VideoDataset, ImageDataset } from './video_dataset.ts';
export { AudioDataset, AudioFeatureDataset } from './audio_dataset.ts';
export { PoseDataset } from './pose_dataset.ts';
export { ActivityNetDataset, type ProposalResult } from './activitynet_dataset.ts';
export { DataContainer } from './pipelines/data_container.ts';
export { RepeatDataset, ConcatDataset, type DatasetLike } from './wrappers.ts';
export { DataLoader, buildDataloader, type DataLoaderOptions } from './loader.ts';
export { collate } from './collate.ts';
export { RandomState, PipelineRandom } from './rng.ts';
export { AnnotationError } from './annotations.ts';
