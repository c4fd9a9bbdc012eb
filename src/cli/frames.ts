/** Frame-buffer helpers shared by the demo commands. */
import sharp from 'sharp';

export interface RgbFrames { data: Uint8Array; n: number; h: number; w: number }

/** Resizes RGB frames with sharp; -1 in the target keeps the aspect ratio (MMAction2 demo's --target-resolution). */
export async function resizeRgbFrames(f: RgbFrames, target: [number, number], alg: string): Promise<RgbFrames> {
  let [tw, th] = target;
  if (tw === -1 && th === -1) return f;
  if (tw === -1) tw = Math.round((f.w * th) / f.h);
  if (th === -1) th = Math.round((f.h * tw) / f.w);
  const kernel = { nearest: 'nearest', bilinear: 'linear', bicubic: 'cubic', lanczos: 'lanczos3' }[alg] as 'cubic';
  const out = new Uint8Array(f.n * th * tw * 3);
  const fb = f.h * f.w * 3;
  for (let i = 0; i < f.n; i++) {
    const buf = await sharp(f.data.subarray(i * fb, (i + 1) * fb), { raw: { width: f.w, height: f.h, channels: 3 } })
      .resize(tw, th, { kernel, fit: 'fill' }).raw().toBuffer();
    out.set(buf, i * th * tw * 3);
  }
  return { data: out, n: f.n, h: th, w: tw };
}

