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

/** One line of an overlay: text and colour (CSS/Pango name or #rrggbb). */
export interface TextLine { text: string; color: string }

/** `#rrggbb` from MMAction2's (B, G, R) colour tuples (--label-color, --msg-color). */
export function bgrToHex(bgr: readonly number[]): string {
  if (bgr.length !== 3 || bgr.some((v) => !(Number.isInteger(v) && v >= 0 && v <= 255)))
    throw new RangeError(`a colour is three integers B G R in 0..255, got ${bgr.join(' ')}`);
  const [b, g, r] = bgr;
  return `#${[r, g, b].map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/**
 * Text lines drawn as MMAction2's long-video and webcam demos draw them with cv2.putText
 * (FONT_HERSHEY_COMPLEX_SMALL, scale 1): line i has its baseline at (0, 40 + 20 i), times
 * `fontScale`. Rendered images are cached (texts repeat from frame to frame), so drawing a frame
 * is a synchronous blend once `prepare` has rendered its lines.
 */
export class TextPainter {
  readonly fontScale: number;
  readonly #px: number;
  readonly #cache = new Map<string, RgbaImage>();
  #ascent = -1;

  constructor(fontScale = 1, readonly maxCached = 256) {
    if (!(fontScale > 0)) throw new RangeError(`font scale must be positive, got ${fontScale}`);
    this.fontScale = fontScale;
    this.#px = Math.max(6, Math.round(16 * fontScale));
  }

  #key(line: TextLine): string {
    return `${line.color}\u0000${line.text}`;
  }

  /** Renders (once) every line not in the cache. */
  async prepare(lines: readonly TextLine[]): Promise<void> {
    if (this.#ascent < 0) this.#ascent = (await this.#render('\u00c9', 'white', false)).height;
    for (const line of lines) {
      const k = this.#key(line);
      if (this.#cache.has(k)) continue;
      if (this.#cache.size >= this.maxCached) this.#cache.delete(this.#cache.keys().next().value!);
      this.#cache.set(k, await this.#render(line.text, line.color, true));
    }
  }

  /** Text image; with the strut (an invisible 'Ég' after the text) every image spans the same rows, top = ascent above the baseline. */
  async #render(text: string, color: string, strut: boolean): Promise<RgbaImage> {
    const tail = strut ? '<span fgalpha="1">\u00c9g</span>' : '';
    const markup = `<span foreground="${escapeMarkup(color)}" font_desc="sans ${this.#px}px">${escapeMarkup(text)}${tail}</span>`;
    const { data, info } = await sharp({ text: { text: markup, rgba: true, dpi: 72 } }).raw().toBuffer({ resolveWithObject: true });
    return { data: new Uint8Array(data.buffer, data.byteOffset, data.length), width: info.width, height: info.height };
  }

  /** Draws prepared lines onto one RGB frame [h, w, 3] in place. */
  draw(frame: Uint8Array, h: number, w: number, lines: readonly TextLine[]): void {
    lines.forEach((line, i) => {
      const img = this.#cache.get(this.#key(line));
      if (!img) throw new Error(`TextPainter.draw: '${line.text}' was not prepared`);
      const baseline = Math.round((40 + 20 * i) * this.fontScale);
      blendOnto(frame, 1, h, w, img, 0, baseline - this.#ascent);
    });
  }
}
