/**
 * The data that flows through a pipeline: MMAction2's `results` dict, typed.
 *
 * Images stay uint8 and contiguous until Normalize: an `ImageBatch` is MMAction2's list of
 * `H x W x C` arrays packed as one NHWC buffer (flow: C = 1, list order x0, y0, x1, y1, ...).
 * Normalize turns it into a `FloatBatch` (float32 NHWC, or N/2 x H x W x 2 for flow) and
 * FormatShape into a float32 torch Tensor.
 */
import type { PipelineRandom } from '../rng.ts';

export class ImageBatch {
  constructor(
    readonly data: Uint8Array,
    readonly n: number,
    readonly h: number,
    readonly w: number,
    readonly c: number,
  ) {
    if (data.length !== n * h * w * c) {
      throw new RangeError(`ImageBatch: ${data.length} bytes for ${n}x${h}x${w}x${c}`);
    }
  }

  static alloc(n: number, h: number, w: number, c: number): ImageBatch {
    return new ImageBatch(new Uint8Array(n * h * w * c), n, h, w, c);
  }

  get frameSize(): number {
    return this.h * this.w * this.c;
  }

  /** Image i as a view `[H, W, C]`. */
  frame(i: number): Uint8Array {
    const s = this.frameSize;
    return this.data.subarray(i * s, (i + 1) * s);
  }

  /** `[H, W]` as MMAction2's `img_shape`. */
  get shape(): [number, number] {
    return [this.h, this.w];
  }
}

export type NDData = Float32Array | Float64Array | BigInt64Array | Int32Array | Uint8Array | Int8Array;

/**
 * A dense C-order array that is not (yet) a Tensor: transferable between worker threads and
 * turned into a torch Tensor at the end of the pipeline (see compose.ts).
 */
export class NDArray<D extends NDData = NDData> {
  constructor(readonly data: D, readonly shape: number[]) {
    const numel = shape.reduce((a, b) => a * b, 1);
    if (data.length !== numel) throw new RangeError(`NDArray: ${data.length} values for [${shape}]`);
  }
}

/** float32 images after Normalize: NHWC (`shape` = [N, H, W, C]), later any layout. */
export class FloatBatch extends NDArray<Float32Array> {}

/** Geometry and bookkeeping keys, named as MMAction2 names them. */
export interface Results {
  [key: string]: unknown;
  filename?: string;
  frame_dir?: string;
  total_frames?: number;
  /** A class index, several (multi_class), a one-hot vector, or HVU's {category: [tag indices]}. */
  label?: number | number[] | Float32Array | Record<string, number[]>;
  start_index?: number;
  modality?: 'RGB' | 'Flow' | string;
  filename_tmpl?: string;
  frame_inds?: number[];
  clip_len?: number;
  frame_interval?: number;
  num_clips?: number;
  imgs?: unknown;
  original_shape?: [number, number];
  img_shape?: [number, number];
  scale_factor?: Float32Array;
  keep_ratio?: boolean;
  crop_bbox?: number[] | number[][];
  /** float32 after the crops; float64 (a tuple of Python floats) after PoseCompact. */
  crop_quadruple?: Float32Array | Float64Array;
  flip?: boolean;
  flip_direction?: string | null;
  img_norm_cfg?: { mean: number[]; std: number[]; to_bgr: boolean };
  input_shape?: number[];
}

/** What a transform may use besides the results: the pipeline's seeded generator. */
export interface PipelineContext {
  rng: PipelineRandom;
}

export interface Transform {
  readonly type: string;
  call(results: Results, ctx: PipelineContext): Results | Promise<Results>;
  /** Optional: release resources (video readers) held across calls. */
  close?(): Promise<void> | void;
}

export function getImages(results: Results, type: string): ImageBatch {
  const imgs = results.imgs;
  if (!(imgs instanceof ImageBatch)) {
    throw new TypeError(`${type}: results.imgs must be uint8 images (decode before ${type}, and before Normalize)`);
  }
  return imgs;
}
