/**
 * Drawing predictions onto frames, as MMAction2's demos do with cv2.putText: text is rendered once
 * (sharp/Pango with the system's sans font) and alpha-blended onto every frame at the top left.
 */
import sharp from 'sharp';

export interface LabelStyle {
  /** MMAction2's --font-scale (0.5 by default there): text height ~ 22 px * scale * (frame height / 256)... kept simple: px = 40 * scale. */
  fontScale?: number;
  /** A CSS/Pango colour name or #rrggbb (MMAction2: --font-color white). */
  color?: string;
  /** Pixels from the top-left corner (MMAction2: 10). */
  padding?: number;
}

export interface RgbaImage { data: Uint8Array; width: number; height: number }

const escapeMarkup = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

/** Renders one line of text to RGBA. */
export async function renderText(text: string, { fontScale = 0.5, color = 'white' }: LabelStyle = {}): Promise<RgbaImage> {
  if (!text) return { data: new Uint8Array(0), width: 0, height: 0 };
  const px = Math.max(6, Math.round(40 * fontScale));
  const markup = `<span foreground="${escapeMarkup(color)}" font_desc="sans ${px}px">${escapeMarkup(text)}</span>`;
  const { data, info } = await sharp({ text: { text: markup, rgba: true, dpi: 72 } }).raw().toBuffer({ resolveWithObject: true });
  return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
}

/** Blends an RGBA image onto every RGB frame of `frames` ([n, h, w, 3], in place) at (x, y); clipped at the borders. */
export function blendOnto(frames: Uint8Array, n: number, h: number, w: number, img: RgbaImage, x: number, y: number): void {
  const fb = h * w * 3;
  for (let f = 0; f < n; f++) {
    const base = f * fb;
    for (let r = 0; r < img.height; r++) {
      const yy = y + r;
      if (yy < 0 || yy >= h) continue;
      for (let c = 0; c < img.width; c++) {
        const xx = x + c;
        if (xx < 0 || xx >= w) continue;
        const s = (r * img.width + c) * 4;
        const a = img.data[s + 3];
        if (a === 0) continue;
        const d = base + (yy * w + xx) * 3;
        for (let k = 0; k < 3; k++) frames[d + k] = Math.round((img.data[s + k] * a + frames[d + k] * (255 - a)) / 255);
      }
    }
  }
}

/** Draws `text` onto all frames (uint8 RGB [n, h, w, 3], in place), MMAction2-demo style. */
export async function drawLabel(frames: Uint8Array, n: number, h: number, w: number, text: string, style: LabelStyle = {}): Promise<void> {
  const img = await renderText(text, style);
  const pad = style.padding ?? 10;
  blendOnto(frames, n, h, w, img, pad, pad);
}
