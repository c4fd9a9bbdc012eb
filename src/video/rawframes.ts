/**
 * Frame folders (MMAction2's "rawframes": `img_00001.jpg`, flow `x_00001.jpg`/`y_00001.jpg`):
 * JPEG/PNG decoding with sharp (libvips + libjpeg-turbo with its default islow IDCT and
 * fancy upsampling, no shrink-on-load), which gives the same bytes as `cv2.imdecode`.
 * Files are decoded concurrently on libuv's thread pool, straight into one contiguous
 * NHWC uint8 buffer.
 */
import sharp from 'sharp';

sharp.cache(false);

export type FrameColor = 'rgb' | 'gray';

export interface DecodedFrames {
  data: Uint8Array;
  n: number;
  h: number;
  w: number;
  c: number;
}

/** Frames decoded at once (bounded so memory stays flat on long clips). */
const DEFAULT_CONCURRENCY = Math.max(4, Number(process.env.UV_THREADPOOL_SIZE ?? 4) * 2);

async function decodeOne(path: string, color: FrameColor): Promise<{ data: Buffer; w: number; h: number; c: number }> {
  let img = sharp(path, { failOn: 'error' });
  if (color === 'gray') {
    const meta = await img.metadata();
    img = img.rotate(); // EXIF orientation, as cv2.imdecode applies it
    // single-band files give cv2's bytes exactly; colour files read as grayscale use
    // libvips' conversion, which may differ from libjpeg's Y channel by a level
    img = meta.channels === 1 ? img.extractChannel(0) : img.toColourspace('b-w');
  } else {
    img = img.rotate().removeAlpha().toColourspace('srgb');
  }
  const { data, info } = await img.raw({ depth: 'uchar' }).toBuffer({ resolveWithObject: true });
  const c = color === 'gray' ? 1 : 3;
  if (info.channels !== c) throw new Error(`${path}: decoded ${info.channels} channels, expected ${c}`);
  return { data, w: info.width, h: info.height, c };
}

/**
 * Decode `paths` in order into one buffer ('rgb': H x W x 3, 'gray': H x W), all images
 * the same size. Repeated paths are decoded once. Errors name the file.
 */
export async function readFrames(paths: readonly string[], color: FrameColor = 'rgb',
  concurrency = DEFAULT_CONCURRENCY): Promise<DecodedFrames> {
  if (paths.length === 0) throw new Error('readFrames: no frames to read');
  const unique = [...new Set(paths)];
  const slotOf = new Map(unique.map((p, i) => [p, i]));
  const decoded = new Array<Awaited<ReturnType<typeof decodeOne>>>(unique.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < unique.length) {
      const i = next++;
      const p = unique[i]!;
      try {
        decoded[i] = await decodeOne(p, color);
      } catch (e) {
        const msg = (e as Error).message;
        const missing = /no such file|Input file is missing|ENOENT/i.test(msg);
        throw new Error(missing ? `frame file not found: ${p}` : `cannot decode frame ${p}: ${msg}`);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, unique.length) }, worker));
  const first = decoded[0]!;
  const { w, h, c } = first;
  const size = w * h * c;
  const out = new Uint8Array(paths.length * size);
  paths.forEach((p, i) => {
    const d = decoded[slotOf.get(p)!]!;
    if (d.w !== w || d.h !== h) {
      throw new Error(`frame ${p} is ${d.w}x${d.h} but ${unique[0]} is ${w}x${h}: all frames of a clip must have one size`);
    }
    out.set(d.data, i * size);
  });
  return { data: out, n: paths.length, h, w, c };
}
