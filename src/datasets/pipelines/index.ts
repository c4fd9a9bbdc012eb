/**
 * The table of pipeline transforms: MMAction2 `type` -> class. One screen; every entry
 * parses and validates its own options (unknown keys are errors naming the config path).
 */
import { didYouMean, type Cfg } from './options.ts';
import { CenterCrop, MultiScaleCrop, RandomCrop, RandomResizedCrop, TenCrop, ThreeCrop } from './crop.ts';
import {
  ArrayDecode, BuildPseudoClip, DecordDecode, DecordInit, ImageDecode, OpenCVDecode, OpenCVInit, PIMSDecode, PIMSInit, PyAVDecode,
  PyAVInit, RawFrameDecode,
} from './decode.ts';
import { AudioFeatureSelector, LoadAudioFeature } from './audio.ts';
import { AudioAmplify, AudioDecode, AudioDecodeInit, MelSpectrogram } from './audio_wave.ts';
import { ColorJitter } from './color.ts';
import { Flip } from './flip.ts';
import { Collect, FormatAudioShape, FormatShape, ImageToTensor, Rename, ToTensor, Transpose } from './format.ts';
import { ToDataContainer } from './data_container.ts';
import { GenerateLocalizationLabels, LoadLocalizationFeature, LoadProposals } from './localization.ts';
import { LoadHVULabel } from './hvu.ts';
import { PyAVDecodeMotionVector } from './motion_vector.ts';
import { Normalize } from './normalize.ts';
import { FormatGCNInput, JointToBone, PaddingWithLoop, PoseDecode, PoseNormalize } from './pose.ts';
import { GeneratePoseTarget, PoseCompact, UniformSampleFrames } from './pose_heatmap.ts';
import { LoadKineticsPose } from './kinetics_pose.ts';
import { Fuse, RandomRescale, Resize } from './resize.ts';
import { DenseSampleFrames, SampleAVAFrames, SampleFrames, UntrimmedSampleFrames } from './sampling.ts';
import { SampleProposalFrames } from './ssn_sampling.ts';
import { Imgaug, PytorchVideoTrans, TorchvisionTrans } from './wrappers.ts';
import type { Transform } from './types.ts';

type TransformCtor = new (cfg: Cfg, where: string) => Transform;

export const TRANSFORMS = {
  // sampling.ts, ssn_sampling.ts
  SampleFrames, DenseSampleFrames, UntrimmedSampleFrames, SampleAVAFrames, SampleProposalFrames,
  // decode.ts
  RawFrameDecode, ImageDecode, ArrayDecode, BuildPseudoClip, DecordInit, DecordDecode, PyAVInit, PyAVDecode, OpenCVInit, OpenCVDecode,
  PIMSInit, PIMSDecode,
  // motion_vector.ts
  PyAVDecodeMotionVector,
  // resize.ts, crop.ts, flip.ts, normalize.ts
  Resize, RandomRescale, Fuse, RandomCrop, RandomResizedCrop, MultiScaleCrop, CenterCrop, ThreeCrop, TenCrop, Flip, Normalize, ColorJitter,
  // audio.ts, audio_wave.ts
  LoadAudioFeature, AudioFeatureSelector, AudioDecodeInit, AudioDecode, AudioAmplify, MelSpectrogram,
  // format.ts
  FormatShape, FormatAudioShape, Collect, ToTensor, ImageToTensor, Transpose, Rename,
  // pose.ts (skeletons for GCNs)
  PaddingWithLoop, PoseDecode, PoseNormalize, FormatGCNInput, JointToBone,
  // pose_heatmap.ts, kinetics_pose.ts (PoseC3D: skeletons as heatmap clips)
  UniformSampleFrames, PoseCompact, GeneratePoseTarget, LoadKineticsPose,
  // data_container.ts, localization.ts, hvu.ts
  ToDataContainer, LoadLocalizationFeature, GenerateLocalizationLabels, LoadProposals, LoadHVULabel,
  // wrappers.ts: also built from type='torchvision.<Name>' / 'pytorchvideo.<Name>' (see buildTransform)
  TorchvisionTrans, PytorchVideoTrans, Imgaug,
} satisfies Record<string, TransformCtor>;

export type TransformType = keyof typeof TRANSFORMS;

/** MMAction2 0.24 transforms that exist there but not (yet) here, named in a clear error (none left: every 0.24.1 transform type is in TRANSFORMS). */
export const NOT_YET_PORTED = new Set<string>([
]);

/** Build one transform from its config dict (`where` names it in errors). */
export function buildTransform(cfg: Cfg, where = 'pipeline'): Transform {
  if (!cfg || typeof cfg !== 'object') throw new Error(`${where}: expected a dict with a 'type', got ${JSON.stringify(cfg)}`);
  const type = cfg.type;
  if (typeof type !== 'string') throw new Error(`${where}: missing 'type'`);
  // MMAction2's Compose routes these prefixes to its library wrappers
  if (type.startsWith('torchvision.')) return new TorchvisionTrans(cfg, `${where} (${type})`);
  if (type.startsWith('pytorchvideo.')) return new PytorchVideoTrans(cfg, `${where} (${type})`);
  const Ctor = (TRANSFORMS as Record<string, TransformCtor>)[type];
  if (!Ctor && NOT_YET_PORTED.has(type)) {
    throw new Error(`${where}: MMAction2's transform '${type}' is not available in mmaction-ts yet; ` +
      'remove it from the pipeline or replace it (see src/datasets/pipelines/index.ts for the supported types)');
  }
  if (!Ctor) {
    throw new Error(`${where}: unknown transform type '${type}'${didYouMean(type, Object.keys(TRANSFORMS))}`);
  }
  return new Ctor(cfg, `${where} (${type})`);
}

export { buildPipeline, Compose, materialize } from './compose.ts';
export type { Pipeline, PipelineOptions } from './compose.ts';
export { ImageBatch, FloatBatch, NDArray } from './types.ts';
export type { Results, Transform, PipelineContext } from './types.ts';
