/**
 * MMAction2 0.24's wrappers of other Python libraries (`augmentations.py`): TorchvisionTrans
 * (`type='torchvision.<Name>'`), PytorchVideoTrans (`type='pytorchvideo.<Name>'`) and Imgaug.
 * Their random streams (torch's generator, imgaug's) cannot be reproduced here, and several of
 * their ops (torch's interpolation, PIL-style colour maths) are not bit-exact outside libtorch,
 * so only the torchvision transforms that are deterministic on a uint8 clip, or deterministic
 * after one `torch.rand(1) < p` draw, are implemented; the draw comes from the pipeline's numpy
 * generator (same distribution, not torch's stream). Everything else fails when the pipeline
 * is built, naming the transform and the closest mmaction-ts transform.
 *
 * TorchvisionTrans runs the transform once on the whole clip, as MMAction2 does on its
 * [T, C, H, W] uint8 tensor: one draw per clip. Like MMAction2 it rewrites `imgs` only
 * (`img_shape` is left as it was).
 */
import { expectInt, parseOptions, type Cfg } from './options.ts';
import { flipBatchInPlace } from './geometry.ts';
import { roundHalfEven } from './sampling.ts';
import { getImages, ImageBatch, type PipelineContext, type Results, type Transform } from './types.ts';

const f32 = Math.fround;

/** torchvision 0.14 `transforms.__all__` (the names TorchvisionTrans can look up). */
const TORCHVISION_TRANSFORMS = [
  'Compose', 'ToTensor', 'PILToTensor', 'ConvertImageDtype', 'ToPILImage', 'Normalize', 'Resize', 'CenterCrop', 'Pad',
  'Lambda', 'RandomApply', 'RandomChoice', 'RandomOrder', 'RandomCrop', 'RandomHorizontalFlip', 'RandomVerticalFlip',
  'RandomResizedCrop', 'FiveCrop', 'TenCrop', 'LinearTransformation', 'ColorJitter', 'RandomRotation', 'RandomAffine',
  'Grayscale', 'RandomGrayscale', 'RandomPerspective', 'RandomErasing', 'GaussianBlur', 'RandomInvert', 'RandomPosterize',
  'RandomSolarize', 'RandomAdjustSharpness', 'RandomAutocontrast', 'RandomEqualize', 'AutoAugment', 'RandAugment',
  'TrivialAugmentWide', 'AugMix',
];

/** What to use instead of a wrapped transform that is not implemented. */
const TORCHVISION_INSTEAD: Record<string, string> = {
  Resize: "'Resize' (OpenCV's bilinear, as MMAction2's own Resize; torch's interpolation differs slightly)",
  RandomResizedCrop: "'RandomResizedCrop' followed by 'Resize'",
  RandomCrop: "'RandomCrop'",
  FiveCrop: "'ThreeCrop' or 'TenCrop'",
  TenCrop: "'TenCrop'",
  ColorJitter: "'ColorJitter' (MMAction2's own colour jitter; its formulas and draws differ from torchvision's)",
  Normalize: "'Normalize' (torchvision's Normalize also fails in MMAction2 here: it needs a float tensor, TorchvisionTrans passes uint8)",
  ConvertImageDtype: "'Normalize' then 'FormatShape'",
  ToTensor: "'FormatShape' and 'ToTensor'",
  PILToTensor: "'FormatShape' and 'ToTensor'",
  RandomAffine: "none: remove it ('Flip', 'RandomCrop' and 'MultiScaleCrop' are the native geometric augmentations)",
  RandomRotation: "none: remove it ('Flip', 'RandomCrop' and 'MultiScaleCrop' are the native geometric augmentations)",
  RandomPerspective: "none: remove it ('Flip', 'RandomCrop' and 'MultiScaleCrop' are the native geometric augmentations)",
  AutoAugment: "none; 'ColorJitter' and 'Flip' cover part of it",
  RandAugment: "none; 'ColorJitter' and 'Flip' cover part of it",
  TrivialAugmentWide: "none; 'ColorJitter' and 'Flip' cover part of it",
  AugMix: "none; 'ColorJitter' and 'Flip' cover part of it",
};

const PYTORCHVIDEO_SUPPORTED = ['AugMix', 'RandAugment', 'RandomResizedCrop', 'ShortSideScale', 'RandomShortSideScale'];
/** Why each is not reproduced, and what to use instead. */
const PYTORCHVIDEO_INSTEAD: Record<string, [string, string]> = {
  AugMix: ["its choices and strengths are drawn from torch's generator and its ops are torchvision's float maths", "none; 'ColorJitter' and 'Flip' cover part of it"],
  RandAugment: ["its choices and strengths are drawn from torch's generator and its ops are torchvision's float maths", "none; 'ColorJitter' and 'Flip' cover part of it"],
  RandomResizedCrop: ["its box is drawn from torch's generator and resized by torch's interpolate", "'RandomResizedCrop' followed by 'Resize' with scale=(W, H), keep_ratio=False"],
  ShortSideScale: ["torch's bilinear interpolate (float32, then truncated to uint8) is not reproduced bit-exactly outside libtorch", "'Resize' with scale=(-1, size) (OpenCV's bilinear; torch's interpolate differs slightly)"],
  RandomShortSideScale: ["its size is drawn from torch's generator and resized by torch's interpolate", "'RandomRescale' with scale_range=(min_size, max_size)"],
};

/** One torchvision op on a whole uint8 clip [T, H, W, C] (MMAction2's [T, C, H, W] tensor). */
type ClipOp = (imgs: ImageBatch, ctx: PipelineContext) => ImageBatch;

function assertChannels(name: string, imgs: ImageBatch): void {
  if (imgs.c !== 1 && imgs.c !== 3) throw new Error(`torchvision.${name}: images must have 1 or 3 channels, got ${imgs.c}`);
}

/** `torch.rand(1) < p`, drawn from the pipeline's numpy generator. */
const draw = (ctx: PipelineContext, p: number) => ctx.rng.np.rand() < p;

/** torchvision's rgb_to_grayscale on uint8: (0.2989 R + 0.587 G + 0.114 B) in float32, truncated. */
function toGray(imgs: ImageBatch, out: number): ImageBatch {
  if (imgs.c === 1) return out === 1 ? new ImageBatch(imgs.data.slice(), imgs.n, imgs.h, imgs.w, 1) : imgs; // clone; expand keeps 1 channel
  const res = ImageBatch.alloc(imgs.n, imgs.h, imgs.w, out);
  const a = f32(0.2989);
  const b = f32(0.587);
  const c = f32(0.114);
  const src = imgs.data;
  for (let p = 0, i = 0; i < src.length; p++, i += 3) {
    const l = Math.trunc(f32(f32(f32(a * src[i]!) + f32(b * src[i + 1]!)) + f32(c * src[i + 2]!)));
    for (let k = 0; k < out; k++) res.data[p * out + k] = l;
  }
  return res;
}

/** torchvision's center_crop: zero padding when the crop is larger, `int(round(...))` offsets. */
function centerCrop(imgs: ImageBatch, th: number, tw: number): ImageBatch {
  const { n, h, w, c } = imgs;
  // pad (left/top get the smaller half) so that the image is at least th x tw
  const padL = tw > w ? Math.floor((tw - w) / 2) : 0;
  const padT = th > h ? Math.floor((th - h) / 2) : 0;
  const ph = th > h ? th : h;
  const pw = tw > w ? tw : w;
  const t0 = roundHalfEven((ph - th) / 2);
  const left = roundHalfEven((pw - tw) / 2);
  const res = ImageBatch.alloc(n, th, tw, c);
  for (let t = 0; t < n; t++) {
    for (let y = 0; y < th; y++) {
      const sy = y + t0 - padT;
      if (sy < 0 || sy >= h) continue;
      for (let x = 0; x < tw; x++) {
        const sx = x + left - padL;
        if (sx < 0 || sx >= w) continue;
        const d = ((t * th + y) * tw + x) * c;
        const s = ((t * h + sy) * w + sx) * c;
        for (let k = 0; k < c; k++) res.data[d + k] = imgs.data[s + k]!;
      }
    }
  }
  return res;
}

function mapPixels(imgs: ImageBatch, f: (v: number) => number): ImageBatch {
  const res = ImageBatch.alloc(imgs.n, imgs.h, imgs.w, imgs.c);
  for (let i = 0; i < imgs.data.length; i++) res.data[i] = f(imgs.data[i]!);
  return res;
}

function probability(where: string, v: unknown): number {
  if (typeof v !== 'number' || !(v >= 0 && v <= 1)) throw new Error(`${where}: p must be a probability in [0, 1], got ${JSON.stringify(v)}`);
  return v;
}

/** Builders of the implemented torchvision transforms: options (with torchvision's defaults) -> op. */
const TORCHVISION_OPS: Record<string, (where: string, cfg: Cfg) => ClipOp> = {
  Grayscale(where, cfg) {
    const o = parseOptions(where, cfg, { num_output_channels: 1 });
    if (o.num_output_channels !== 1 && o.num_output_channels !== 3) throw new Error(`${where}: num_output_channels must be 1 or 3, got ${JSON.stringify(o.num_output_channels)}`);
    return (imgs) => (assertChannels('Grayscale', imgs), toGray(imgs, o.num_output_channels));
  },
  RandomGrayscale(where, cfg) {
    const p = probability(where, parseOptions(where, cfg, { p: 0.1 }).p);
    // the output keeps the input's channel count
    return (imgs, ctx) => (draw(ctx, p) ? (assertChannels('RandomGrayscale', imgs), toGray(imgs, imgs.c)) : imgs);
  },
  RandomHorizontalFlip(where, cfg) {
    const p = probability(where, parseOptions(where, cfg, { p: 0.5 }).p);
    return (imgs, ctx) => (draw(ctx, p) ? (flipBatchInPlace(imgs, 'horizontal'), imgs) : imgs);
  },
  RandomVerticalFlip(where, cfg) {
    const p = probability(where, parseOptions(where, cfg, { p: 0.5 }).p);
    return (imgs, ctx) => (draw(ctx, p) ? (flipBatchInPlace(imgs, 'vertical'), imgs) : imgs);
  },
  CenterCrop(where, cfg) {
    const { size } = parseOptions(where, cfg, {} as { size: number | number[] }, ['size']);
    const s = typeof size === 'number' ? [size, size] : Array.isArray(size) && size.length === 1 ? [size[0], size[0]] : size;
    if (!Array.isArray(s) || s.length !== 2) throw new Error(`${where}: size must be an int or a sequence of 1 or 2 ints (h, w), got ${JSON.stringify(size)}`);
    const th = expectInt(where, 'size (height)', s[0], 1);
    const tw = expectInt(where, 'size (width)', s[1], 1);
    return (imgs) => centerCrop(imgs, th, tw);
  },
  RandomInvert(where, cfg) {
    const p = probability(where, parseOptions(where, cfg, { p: 0.5 }).p);
    return (imgs, ctx) => (draw(ctx, p) ? (assertChannels('RandomInvert', imgs), mapPixels(imgs, (v) => 255 - v)) : imgs);
  },
  RandomPosterize(where, cfg) {
    const o = parseOptions(where, cfg, { p: 0.5 } as { bits: number; p: number }, ['bits']);
    const bits = expectInt(where, 'bits', o.bits, 0);
    if (bits > 8) throw new Error(`${where}: bits must be in 0..8, got ${bits}`);
    const p = probability(where, o.p);
    const mask = (-(2 ** (8 - bits))) & 0xff; // uint8 & -2**(8-bits)
    return (imgs, ctx) => (draw(ctx, p) ? (assertChannels('RandomPosterize', imgs), mapPixels(imgs, (v) => v & mask)) : imgs);
  },
  RandomSolarize(where, cfg) {
    const o = parseOptions(where, cfg, { p: 0.5 } as { threshold: number; p: number }, ['threshold']);
    if (typeof o.threshold !== 'number') throw new Error(`${where}: threshold must be a number, got ${JSON.stringify(o.threshold)}`);
    const p = probability(where, o.p);
    return (imgs, ctx) => {
      if (!draw(ctx, p)) return imgs;
      assertChannels('RandomSolarize', imgs);
      if (o.threshold > 255) throw new Error('torchvision.RandomSolarize: threshold should be less than the bound of the image (255)');
      return mapPixels(imgs, (v) => (v >= o.threshold ? 255 - v : v));
    };
  },
};

export const TORCHVISION_IMPLEMENTED = Object.keys(TORCHVISION_OPS);

/** The <Name> of `type='<lib>.<Name>'`, the only way MMAction2 builds its library wrappers. */
function wrappedName(cfg: Cfg, lib: string, wrapper: string, example: string, where: string): string {
  const t = String(cfg.type);
  if (!t.startsWith(`${lib}.`)) {
    throw new Error(`${where}: MMAction2 builds ${wrapper} from type='${lib}.<Name>', e.g. ${example}; write the ${lib} transform's name that way`);
  }
  return t.slice(lib.length + 1);
}

/**
 * `dict(type='torchvision.<Name>', **kwargs)`: torchvision.transforms.<Name>(**kwargs) applied
 * to the clip (see the file comment for which names are implemented).
 */
export class TorchvisionTrans implements Transform {
  readonly type: string;
  readonly name: string;
  readonly op: ClipOp;

  constructor(cfg: Cfg, where = 'TorchvisionTrans') {
    this.name = wrappedName(cfg, 'torchvision', 'TorchvisionTrans', "dict(type='torchvision.Grayscale', num_output_channels=3)", where);
    this.type = `torchvision.${this.name}`;
    const build = TORCHVISION_OPS[this.name];
    if (!build) {
      if (!TORCHVISION_TRANSFORMS.includes(this.name)) {
        throw new Error(`${where}: transform '${this.name}' is not in torchvision.transforms`);
      }
      const instead = TORCHVISION_INSTEAD[this.name] ?? 'none: remove it';
      throw new Error(`${where}: torchvision.${this.name} is not available in mmaction-ts (torchvision's random stream and ` +
        `its float maths are not reproduced); closest mmaction-ts transform: ${instead}. ` +
        `Implemented: ${TORCHVISION_IMPLEMENTED.map((n) => `torchvision.${n}`).join(', ')}`);
    }
    const { type: _type, ...rest } = cfg;
    this.op = build(where, rest);
  }

  call(results: Results, ctx: PipelineContext): Results {
    if (results.modality === 'Flow') throw new Error(`${this.type}: needs H x W x C images (MMAction2 transposes each image to C x H x W), not Flow`);
    results.imgs = this.op(getImages(results, this.type), ctx);
    return results;
  }
}

/**
 * `dict(type='pytorchvideo.<Name>', ...)`: MMAction2 accepts AugMix, RandAugment,
 * RandomResizedCrop, ShortSideScale and RandomShortSideScale; none is reproduced here (torch's
 * random stream and interpolation), so building one fails naming the native replacement.
 */
export class PytorchVideoTrans implements Transform {
  readonly type: string;

  constructor(cfg: Cfg, where = 'PytorchVideoTrans') {
    const name = wrappedName(cfg, 'pytorchvideo', 'PytorchVideoTrans', "dict(type='pytorchvideo.RandAugment')", where);
    this.type = `pytorchvideo.${name}`;
    if (!PYTORCHVIDEO_SUPPORTED.includes(name)) {
      throw new Error(`${where}: PytorchVideo transform '${name}' is not supported in MMAction2 (supported: ${PYTORCHVIDEO_SUPPORTED.join(', ')})`);
    }
    const [why, instead] = PYTORCHVIDEO_INSTEAD[name]!;
    throw new Error(`${where}: pytorchvideo.${name} is not available in mmaction-ts (${why}); closest mmaction-ts transform: ${instead}`);
  }

  call(): Results {
    throw new Error('unreachable');
  }
}

/** Closest native transform per imgaug augmenter name. */
const IMGAUG_INSTEAD: Record<string, string> = {
  Fliplr: "'Flip'", Flipud: "'Flip' with direction='vertical'", Resize: "'Resize'", CropToFixedSize: "'RandomCrop'",
  Crop: "'RandomCrop'", CenterCropToFixedSize: "'CenterCrop'", Multiply: "'ColorJitter'", Add: "'ColorJitter'",
  MultiplyAndAddToBrightness: "'ColorJitter'", LinearContrast: "'ColorJitter'", AddToHue: "'ColorJitter'",
  MultiplySaturation: "'ColorJitter'", AddToHueAndSaturation: "'ColorJitter'",
};

/**
 * Imgaug: always fails when built (imgaug's augmenters and random stream are not reproduced),
 * naming each configured augmenter and its closest native transform.
 */
export class Imgaug implements Transform {
  readonly type = 'Imgaug';

  constructor(cfg: Cfg, where = 'Imgaug') {
    const { transforms } = parseOptions(where, cfg, {} as { transforms: unknown }, ['transforms']);
    let what: string;
    if (transforms === 'default') {
      what = "transforms='default' (RandAugment: two of ShearX/Y, TranslateX/Y, Rotate, Posterize, Solarize, " +
        "Color/Contrast/Brightness/Sharpness, Autocontrast, Equalize, Invert, Cutout per image); closest mmaction-ts " +
        "transforms: none exact, 'ColorJitter' and 'Flip' cover part of it";
    } else if (Array.isArray(transforms) && transforms.every((t) => t && typeof t === 'object' && typeof (t as Cfg).type === 'string')) {
      what = transforms.map((t) => {
        const name = (t as Cfg).type as string;
        return `${name} (closest mmaction-ts transform: ${IMGAUG_INSTEAD[name] ?? 'none'})`;
      }).join('; ');
    } else {
      throw new Error(`${where}: transforms must be 'default' or a list of dicts with a 'type', got ${JSON.stringify(transforms)}`);
    }
    throw new Error(`${where}: imgaug is not available in mmaction-ts (its augmenters and random stream are not reproduced): ${what}. Remove Imgaug from the pipeline or use those transforms.`);
  }

  call(): Results {
    throw new Error('unreachable');
  }
}
