/**
 * Builders of models from MMAction2 config dicts: one registry table per kind (recognizers,
 * backbones, necks, heads, losses), keyed by MMAction2's `type` names, each entry with its
 * typed options and MMAction2's defaults. Errors name the config path:
 * `model.backbone: unknown option 'depht' for ResNet (did you mean 'depth'?)`.
 * To add a model, add an entry to the table of its kind.
 */
import { Registry, defineEntry, type BuildContext } from '../config/registry.ts';
import { MobileNetV2, MOBILENET_V2_DEFAULTS, type MobileNetV2Options } from './backbones/mobilenet_v2.ts';
import { MobileNetV2TSM, MOBILENET_V2_TSM_EXTRA_DEFAULTS, type MobileNetV2TSMOptions } from './backbones/mobilenet_v2_tsm.ts';
import { ResNet, RESNET_DEFAULTS, type ResNetOptions } from './backbones/resnet.ts';
import { ResNetAudio, RESNET_AUDIO_DEFAULTS, type ResNetAudioOptions } from './backbones/resnet_audio.ts';
import { ResNetTIN, RESNET_TIN_EXTRA_DEFAULTS, type ResNetTINOptions } from './backbones/resnet_tin.ts';
import { ResNetTSM, RESNET_TSM_EXTRA_DEFAULTS, type ResNetTSMOptions } from './backbones/resnet_tsm.ts';
import { TANet, type TANetOptions } from './backbones/tanet.ts';
import { C3D_ENTRY } from './backbones/c3d.ts';
import { RESNET2PLUS1D_ENTRY } from './backbones/resnet2plus1d.ts';
import { RESNET3D_ENTRY } from './backbones/resnet3d.ts';
import { RESNET3D_CSN_ENTRY } from './backbones/resnet3d_csn.ts';
import { RESNET3D_SLOWFAST_ENTRY } from './backbones/resnet3d_slowfast.ts';
import { RESNET3D_SLOWONLY_ENTRY } from './backbones/resnet3d_slowonly.ts';
import { TIMESFORMER_ENTRY } from './backbones/timesformer.ts';
import { X3D_ENTRY } from './backbones/x3d.ts';
import { STGCN_ENTRY } from './backbones/stgcn.ts';
import { I3D_HEAD_ENTRY } from './heads/i3d_head.ts';
import { SLOWFAST_HEAD_ENTRY } from './heads/slowfast_head.ts';
import { TIMESFORMER_HEAD_ENTRY } from './heads/timesformer_head.ts';
import { TPN_HEAD_ENTRY } from './heads/tpn_head.ts';
import { X3D_HEAD_ENTRY } from './heads/x3d_head.ts';
import { STGCN_HEAD_ENTRY } from './heads/stgcn_head.ts';
import { TPN_ENTRY } from './necks/tpn.ts';
import { AudioTSNHead, AUDIO_TSN_HEAD_DEFAULTS, type AudioTSNHeadOptions } from './heads/audio_tsn_head.ts';
import type { BaseHead } from './heads/base.ts';
import { TRNHead, TRN_HEAD_DEFAULTS, type TRNHeadOptions } from './heads/trn_head.ts';
import { TSMHead, TSM_HEAD_DEFAULTS, type TSMHeadOptions } from './heads/tsm_head.ts';
import { TSNHead, TSN_HEAD_DEFAULTS, type TSNHeadOptions } from './heads/tsn_head.ts';
import { prefetchPretrained, type DownloadOptions } from './checkpoint.ts';
import { LOSSES, type AnyLoss, type LossCfg } from './losses/index.ts';
import type { BaseWeightedLoss } from './losses/base.ts';
import { BaseRecognizer, type Backbone, type Head, type Neck, type RecognizerTestCfg, type RecognizerTrainCfg } from './recognizers/base.ts';
import { AudioRecognizer } from './recognizers/audio_recognizer.ts';
import { Recognizer2D } from './recognizers/recognizer2d.ts';
import { Recognizer3D } from './recognizers/recognizer3d.ts';
import { SkeletonGCN } from './skeleton/skeleton_gcn.ts';
import type { BaseTAPGenerator } from './localizers/base.ts';
import { BMN_ENTRY, type BMN } from './localizers/bmn.ts';

export interface ModelCfg {
  type: string;
  [option: string]: unknown;
}

/** MMAction2's defaults, typed as the options (the frozen objects are `as const`). */
const dflt = <O>(d: object): Partial<O> => d as Partial<O>;

const styleChoices = { style: ['pytorch', 'caffe'] } as const;

// ------------------------------------------------------------------------------------ backbones
export const BACKBONES = new Registry<Backbone>('backbone', [
  defineEntry<ResNetOptions, Backbone>({
    type: 'ResNet', defaults: dflt<ResNetOptions>(RESNET_DEFAULTS), required: ['depth'], choices: styleChoices,
    kinds: { depth: 'integer', pretrained: ['string', 'null'] },
    doc: '2D ResNet (mmaction/models/backbones/resnet.py)',
    build: (o) => new ResNet(o),
  }),
  defineEntry<ResNetTSMOptions, Backbone>({
    type: 'ResNetTSM', defaults: dflt<ResNetTSMOptions>({ ...RESNET_DEFAULTS, ...RESNET_TSM_EXTRA_DEFAULTS }), required: ['depth'],
    choices: { ...styleChoices, shift_place: ['blockres', 'block'] },
    kinds: { depth: 'integer', pretrained: ['string', 'null'] },
    doc: 'ResNet with temporal shift (mmaction/models/backbones/resnet_tsm.py)',
    build: (o) => new ResNetTSM(o),
  }),
  defineEntry<ResNetTINOptions, Backbone>({
    type: 'ResNetTIN', defaults: dflt<ResNetTINOptions>({ ...RESNET_DEFAULTS, ...RESNET_TSM_EXTRA_DEFAULTS, ...RESNET_TIN_EXTRA_DEFAULTS }), required: ['depth'],
    choices: { ...styleChoices, shift_place: ['blockres', 'block'] },
    kinds: { depth: 'integer', pretrained: ['string', 'null'] },
    doc: 'ResNet with temporal interlace (mmaction/models/backbones/resnet_tin.py)',
    build: (o) => new ResNetTIN(o),
  }),
  defineEntry<TANetOptions, Backbone>({
    type: 'TANet', defaults: dflt<TANetOptions>({ ...RESNET_DEFAULTS, tam_cfg: {} }), required: ['depth', 'num_segments'], choices: styleChoices,
    kinds: { depth: 'integer', num_segments: 'integer', pretrained: ['string', 'null'] },
    doc: 'ResNet with Temporal Adaptive Modules (mmaction/models/backbones/tanet.py)',
    build: (o) => new TANet(o),
  }),
  defineEntry<MobileNetV2Options, Backbone>({
    type: 'MobileNetV2', defaults: dflt<MobileNetV2Options>(MOBILENET_V2_DEFAULTS), kinds: { pretrained: ['string', 'null'] },
    doc: 'MobileNetV2 (mmaction/models/backbones/mobilenet_v2.py)',
    build: (o) => new MobileNetV2(o),
  }),
  defineEntry<MobileNetV2TSMOptions, Backbone>({
    type: 'MobileNetV2TSM', defaults: dflt<MobileNetV2TSMOptions>({ ...MOBILENET_V2_DEFAULTS, ...MOBILENET_V2_TSM_EXTRA_DEFAULTS }), kinds: { pretrained: ['string', 'null'] },
    doc: 'MobileNetV2 with temporal shift (mmaction/models/backbones/mobilenet_v2_tsm.py)',
    build: (o) => new MobileNetV2TSM(o),
  }),
  // 3D family (entries live next to their models)
  RESNET3D_ENTRY, RESNET3D_SLOWONLY_ENTRY, RESNET3D_SLOWFAST_ENTRY, RESNET2PLUS1D_ENTRY, RESNET3D_CSN_ENTRY, X3D_ENTRY, C3D_ENTRY, TIMESFORMER_ENTRY,
  // skeleton family
  STGCN_ENTRY,
  defineEntry<ResNetAudioOptions, Backbone>({
    type: 'ResNetAudio', defaults: dflt<ResNetAudioOptions>(RESNET_AUDIO_DEFAULTS), required: ['depth', 'pretrained'],
    kinds: { depth: 'integer', pretrained: ['string', 'null'], factorize: ['integer', 'array'] },
    doc: 'ResNet over spectrograms with factorised ConvAudio (mmaction/models/backbones/resnet_audio.py)',
    build: (o) => new ResNetAudio(o),
  }),
]);

// ------------------------------------------------------------------------------------ necks
export const NECKS = new Registry<Neck>('neck', [TPN_ENTRY]);

// ------------------------------------------------------------------------------------ heads
/** Checks the head's loss config at its own path before the head builds it. */
function checkLoss(o: { loss_cls?: LossCfg }, ctx: BuildContext<unknown>): void {
  if (o.loss_cls) LOSSES.check(o.loss_cls, `${ctx.path}.loss_cls`);
}

const headKinds = { topk: ['integer', 'array'], spatial_type: ['string', 'null'] } as const;

export const HEADS = new Registry<Head>('head', [
  defineEntry<TSNHeadOptions, Head>({
    type: 'TSNHead', defaults: dflt<TSNHeadOptions>(TSN_HEAD_DEFAULTS), required: ['num_classes', 'in_channels'], kinds: headKinds,
    doc: 'TSN head: spatial pool, segment consensus, fc_cls (mmaction/models/heads/tsn_head.py)',
    build: (o, ctx) => { checkLoss(o, ctx); return new TSNHead(o) as BaseHead as Head; },
  }),
  defineEntry<TSMHeadOptions, Head>({
    type: 'TSMHead', defaults: dflt<TSMHeadOptions>(TSM_HEAD_DEFAULTS), required: ['num_classes', 'in_channels'], kinds: headKinds,
    doc: 'TSM head (mmaction/models/heads/tsm_head.py)',
    build: (o, ctx) => { checkLoss(o, ctx); return new TSMHead(o) as BaseHead as Head; },
  }),
  defineEntry<TRNHeadOptions, Head>({
    type: 'TRNHead', defaults: dflt<TRNHeadOptions>(TRN_HEAD_DEFAULTS), required: ['num_classes', 'in_channels'], kinds: headKinds,
    choices: { relation_type: ['TRN', 'TRNMultiScale'] },
    doc: 'TRN head with single- or multi-scale relations (mmaction/models/heads/trn_head.py)',
    build: (o, ctx) => { checkLoss(o, ctx); return new TRNHead(o) as BaseHead as Head; },
  }),
  // 3D family
  I3D_HEAD_ENTRY, SLOWFAST_HEAD_ENTRY, X3D_HEAD_ENTRY, TIMESFORMER_HEAD_ENTRY, TPN_HEAD_ENTRY,
  // skeleton family
  STGCN_HEAD_ENTRY,
  defineEntry<AudioTSNHeadOptions, Head>({
    type: 'AudioTSNHead', defaults: dflt<AudioTSNHeadOptions>(AUDIO_TSN_HEAD_DEFAULTS), required: ['num_classes', 'in_channels'], kinds: headKinds,
    doc: 'Audio classification head (mmaction/models/heads/audio_tsn_head.py)',
    build: (o, ctx) => { checkLoss(o, ctx); return new AudioTSNHead(o) as BaseHead as Head; },
  }),
]);

// ------------------------------------------------------------------------------------ recognizers
export interface RecognizerOptions {
  backbone: ModelCfg;
  /** Default null. */
  cls_head: ModelCfg | null;
  /** Default null. */
  neck: ModelCfg | null;
  /** Default null. */
  train_cfg: RecognizerTrainCfg | null;
  /** Default null. */
  test_cfg: RecognizerTestCfg | null;
}

const RECOGNIZER_DEFAULTS = Object.freeze({ cls_head: null, neck: null, train_cfg: null, test_cfg: null });

/** Builds the parts in MMAction2's order (backbone, neck, head), which is also its random-init order. */
function recognizerParts(o: RecognizerOptions, path: string) {
  const foreign = /^(torchvision|timm|mmcls)\./.exec(String(o.backbone?.type ?? ''));
  if (foreign) {
    throw new Error(`${path}.backbone: '${String(o.backbone.type)}' names a ${foreign[1]} model, which MMAction2 imports from Python; ` +
      `mmaction-ts builds its own backbones (registered: ${BACKBONES.types().join(', ')})`);
  }
  const backbone = BACKBONES.build(o.backbone, `${path}.backbone`);
  const neck = o.neck ? NECKS.build(o.neck, `${path}.neck`) : null;
  const clsHead = o.cls_head ? HEADS.build(o.cls_head, `${path}.cls_head`) : null;
  return { backbone, neck, cls_head: clsHead, train_cfg: o.train_cfg, test_cfg: o.test_cfg };
}

export const RECOGNIZERS = new Registry<BaseRecognizer>('recognizer', [
  defineEntry<RecognizerOptions, BaseRecognizer>({
    type: 'Recognizer2D', defaults: RECOGNIZER_DEFAULTS, required: ['backbone'],
    kinds: { backbone: 'object', cls_head: ['object', 'null'], neck: ['object', 'null'], train_cfg: ['object', 'null'], test_cfg: ['object', 'null'] },
    doc: 'Frame-level 2D recognizer (mmaction/models/recognizers/recognizer2d.py)',
    build: (o, ctx) => new Recognizer2D(recognizerParts(o, ctx.path)),
  }),
  defineEntry<RecognizerOptions, BaseRecognizer>({
    type: 'Recognizer3D', defaults: RECOGNIZER_DEFAULTS, required: ['backbone'],
    kinds: { backbone: 'object', cls_head: ['object', 'null'], neck: ['object', 'null'], train_cfg: ['object', 'null'], test_cfg: ['object', 'null'] },
    doc: 'Clip-level 3D recognizer (mmaction/models/recognizers/recognizer3d.py)',
    build: (o, ctx) => new Recognizer3D(recognizerParts(o, ctx.path)),
  }),
  defineEntry<RecognizerOptions, BaseRecognizer>({
    type: 'AudioRecognizer', defaults: RECOGNIZER_DEFAULTS, required: ['backbone'],
    kinds: { backbone: 'object', cls_head: ['object', 'null'], neck: ['object', 'null'], train_cfg: ['object', 'null'], test_cfg: ['object', 'null'] },
    doc: 'Audio recognizer over spectrogram clips (mmaction/models/recognizers/audio_recognizer.py)',
    build: (o, ctx) => new AudioRecognizer(recognizerParts(o, ctx.path)),
  }),
  defineEntry<Omit<RecognizerOptions, 'neck'>, BaseRecognizer>({
    type: 'SkeletonGCN', defaults: { cls_head: null, train_cfg: null, test_cfg: null }, required: ['backbone'],
    kinds: { backbone: 'object', cls_head: ['object', 'null'], train_cfg: ['object', 'null'], test_cfg: ['object', 'null'] },
    doc: 'Skeleton-based recognizer with a graph convolutional backbone (mmaction/models/skeleton_gcn/skeletongcn.py)',
    build: (o, ctx) => new SkeletonGCN(recognizerParts({ ...o, neck: null }, ctx.path)),
  }),
]);

// ------------------------------------------------------------------------------------ localizers
export const LOCALIZERS = new Registry<BaseTAPGenerator>('localizer', [BMN_ENTRY]);

export { LOSSES };

/** What build_model gives: a recognizer, or a localizer (temporal action proposal generator). */
export type Model = BaseRecognizer | BaseTAPGenerator;

/** The recognizer types registered above (for buildModel's typed overload). */
export type RecognizerType = 'Recognizer2D' | 'Recognizer3D' | 'AudioRecognizer';

export interface BuildModelOptions {
  train_cfg?: RecognizerTrainCfg | null;
  test_cfg?: RecognizerTestCfg | null;
  path?: string;
}

/**
 * build_model(cfg.model): a recognizer with its weights initialised like MMAction2's, or a
 * localizer (`type='BMN'`). `train_cfg`/`test_cfg` given outside `model` (old configs) are
 * accepted as in MMAction2 (localizers take none).
 */
export function buildModel(cfg: ModelCfg & { type: RecognizerType }, o?: BuildModelOptions): BaseRecognizer;
export function buildModel(cfg: ModelCfg & { type: 'BMN' }, o?: BuildModelOptions): BMN;
export function buildModel(cfg: ModelCfg, o?: BuildModelOptions): Model;
export function buildModel(cfg: ModelCfg, { train_cfg, test_cfg, path = 'model' }: BuildModelOptions = {}): Model {
  if (cfg && typeof cfg === 'object' && LOCALIZERS.has(String(cfg.type))) {
    if (train_cfg != null || test_cfg != null) throw new Error(`${path}: ${String(cfg.type)} takes no train_cfg/test_cfg (MMAction2's localizer configs have none)`);
    return LOCALIZERS.build(cfg, path);
  }
  const c: ModelCfg = { ...cfg };
  if (train_cfg != null) {
    if (c.train_cfg != null) throw new Error(`${path}: train_cfg is given both outside and inside the model config`);
    c.train_cfg = train_cfg;
  }
  if (test_cfg != null) {
    if (c.test_cfg != null) throw new Error(`${path}: test_cfg is given both outside and inside the model config`);
    c.test_cfg = test_cfg;
  }
  return RECOGNIZERS.build(c, path);
}

/**
 * buildModel after downloading (once, into the checkpoint cache) every `pretrained` URL the
 * config names, e.g. `torchvision://resnet50` in TSN configs: calling it is the user's request
 * to download. buildModel itself only reads local or cached files.
 */
export async function buildModelWithPretrained(cfg: ModelCfg, o: BuildModelOptions & DownloadOptions = {}): Promise<BaseRecognizer> {
  const { cfg: local } = await prefetchPretrained(cfg, o);
  const model = buildModel(local, o);
  if (!(model instanceof BaseRecognizer)) throw new Error(`${o.path ?? 'model'}: ${String(cfg.type)} is a localizer with no pretrained backbone; use buildModel`);
  return model;
}

export const buildRecognizer = (cfg: ModelCfg, path = 'model'): BaseRecognizer => RECOGNIZERS.build(cfg, path);
/** Note: like MMAction2's build_backbone, initWeights() is not called (the recognizer calls it). */
export const buildBackbone = (cfg: ModelCfg, path = 'backbone'): Backbone => BACKBONES.build(cfg, path);
export const buildHead = (cfg: ModelCfg, path = 'cls_head'): Head => HEADS.build(cfg, path);
export const buildNeck = (cfg: ModelCfg, path = 'neck'): Neck => NECKS.build(cfg, path);
export const buildLoss = (cfg: ModelCfg, path = 'loss'): AnyLoss => LOSSES.build(cfg, path);
export const buildLocalizer = (cfg: ModelCfg, path = 'model'): BaseTAPGenerator => LOCALIZERS.build(cfg, path);
