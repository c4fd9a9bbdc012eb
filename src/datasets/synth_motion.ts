/**
 * SynthMotion: a built-in, procedurally generated action dataset whose classes are defined by
 * motion alone. Each clip shows a textured object on a textured, noisy background; the class is
 * how the object moves. Several classes come in pairs whose clips are the *same frames in reverse
 * order* (left/right, up/down, clockwise/anticlockwise, zoom in/out), so a model that ignores
 * frame order (TSN with average consensus) cannot tell a pair apart, while a temporal model
 * (TSM, I3D) can. Everything is seeded: the same (label, seed, size, frames) gives the same bytes.
 */

export const SYNTH_MOTION_CLASSES = [
  'move_left', 'move_right', 'move_up', 'move_down',
  'rotate_clockwise', 'rotate_anticlockwise', 'zoom_in', 'zoom_out',
  'approach_and_retreat', 'shake',
] as const;
export type SynthMotionClass = (typeof SYNTH_MOTION_CLASSES)[number];

/** For each class, the class whose clips are its clips reversed in time (itself if none). */
export const SYNTH_MOTION_REVERSE: Readonly<Record<SynthMotionClass, SynthMotionClass>> = {
  move_left: 'move_right', move_right: 'move_left', move_up: 'move_down', move_down: 'move_up',
  rotate_clockwise: 'rotate_anticlockwise', rotate_anticlockwise: 'rotate_clockwise',
  zoom_in: 'zoom_out', zoom_out: 'zoom_in', approach_and_retreat: 'approach_and_retreat', shake: 'shake',
};

export interface SynthMotionOptions {
  /** Frame width and height in pixels (default 112). */
  size?: number;
  /** Number of frames (default 32). */
  frames?: number;
  /** Seed of this clip (default 0). */
  seed?: number;
}

/** A small deterministic PRNG (mulberry32), independent of libtorch's and numpy's. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type RGB = [number, number, number];

interface Scene {
  bgA: RGB; bgB: RGB; bgFreqX: number; bgFreqY: number; bgPhase: number; bgKind: number;
  objA: RGB; objB: RGB; texFreq: number; texKind: number; marker: RGB;
  shape: number; radius: number; aspect: number;
  cx: number; cy: number; noise: number;
}

function randomColor(rand: () => number, min = 0, max = 255): RGB {
  return [0, 1, 2].map(() => Math.round(min + rand() * (max - min))) as RGB;
}

function colorDistance(a: RGB, b: RGB): number {
  return Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2]);
}

const MARKER_COLORS: RGB[] = [[255, 32, 32], [32, 255, 32], [32, 32, 255], [255, 255, 32], [255, 32, 255], [32, 255, 255], [250, 250, 250], [10, 10, 10]];

function makeScene(rand: () => number): Scene {
  const bgA = randomColor(rand, 20, 200);
  const bgB = randomColor(rand, 20, 200);
  let objA = randomColor(rand);
  for (let i = 0; i < 20 && colorDistance(objA, bgA) + colorDistance(objA, bgB) < 300; i++) objA = randomColor(rand);
  const objB = objA.map((c) => 255 - c) as RGB;
  // A solid marker disc off the object's centre, rigid with it, on every object of every class: it
  // makes the object's orientation visible (a ring-textured disc or a square alone is nearly
  // rotation-invariant) without telling the class by appearance.
  const marker = MARKER_COLORS.reduce((best, c) =>
    Math.min(colorDistance(c, objA), colorDistance(c, objB)) > Math.min(colorDistance(best, objA), colorDistance(best, objB)) ? c : best);
  return {
    marker,
    bgA, bgB, bgFreqX: 1 + rand() * 5, bgFreqY: 1 + rand() * 5, bgPhase: rand() * Math.PI * 2, bgKind: Math.floor(rand() * 3),
    objA, objB, texFreq: 3 + rand() * 5, texKind: Math.floor(rand() * 3),
    shape: Math.floor(rand() * 3), radius: 0.16 + rand() * 0.08, aspect: 0.7 + rand() * 0.6,
    cx: 0.4 + rand() * 0.2, cy: 0.4 + rand() * 0.2, noise: 6 + rand() * 10,
  };
}

/** Object pose at normalised time t in [0, 1] for the "forward" member of each class pair. */
interface Pose { x: number; y: number; angle: number; scale: number }

function forwardMotion(kind: SynthMotionClass, rand: () => number, scene: Scene): (t: number) => Pose {
  const amp = 0.22 + rand() * 0.1;
  const base = { x: scene.cx, y: scene.cy, angle: rand() * Math.PI * 2, scale: 1 };
  switch (kind) {
    case 'move_left': case 'move_right':
      return (t) => ({ ...base, x: scene.cx + amp * (1 - 2 * t) });
    case 'move_up': case 'move_down':
      return (t) => ({ ...base, y: scene.cy + amp * (1 - 2 * t) });
    case 'rotate_clockwise': case 'rotate_anticlockwise': {
      // 180-290 degrees over the clip: 22-36 degrees between the 8 frames TSM samples, well under
      // the 180 degrees at which the direction of the marker's orbit would become ambiguous.
      const sweep = (1.0 + rand() * 0.6) * Math.PI;
      return (t) => ({ ...base, angle: base.angle + sweep * t });
    }
    case 'zoom_in': case 'zoom_out': {
      const s0 = 0.55 + rand() * 0.1, s1 = 1.35 + rand() * 0.2;
      return (t) => ({ ...base, scale: s0 * (s1 / s0) ** t });
    }
    case 'approach_and_retreat': {
      const s0 = 0.55 + rand() * 0.1, s1 = 1.35 + rand() * 0.2;
      return (t) => ({ ...base, scale: s0 + (s1 - s0) * Math.sin(Math.PI * t) });
    }
    case 'shake': {
      const cycles = 2 + Math.floor(rand() * 2);
      return (t) => ({ ...base, x: scene.cx + amp * 0.6 * Math.sin(2 * Math.PI * cycles * t) });
    }
  }
}

/** Classes rendered as the reversal of their partner (the second of each pair). */
const RENDERED_REVERSED = new Set<SynthMotionClass>(['move_right', 'move_down', 'rotate_anticlockwise', 'zoom_out']);

/**
 * Renders one clip: uint8 RGB frames, [frames, size, size, 3] in C order.
 * Clips of a reversed pair with the same seed are exact time reversals of each other.
 */
export function renderSynthMotion(label: number | SynthMotionClass, o: SynthMotionOptions = {}): Uint8Array {
  const size = o.size ?? 112;
  const frames = o.frames ?? 32;
  const kind = typeof label === 'number' ? SYNTH_MOTION_CLASSES[label] : label;
  if (!kind || !SYNTH_MOTION_CLASSES.includes(kind)) throw new RangeError(`unknown SynthMotion class ${label} (0..${SYNTH_MOTION_CLASSES.length - 1} or a name)`);
  if (!Number.isInteger(size) || size < 16) throw new RangeError(`size must be an integer >= 16, got ${size}`);
  if (!Number.isInteger(frames) || frames < 2) throw new RangeError(`frames must be an integer >= 2, got ${frames}`);
  // The scene and the motion depend on the seed and the class *pair*, never on the direction.
  const pair = RENDERED_REVERSED.has(kind) ? SYNTH_MOTION_REVERSE[kind] : kind;
  const pairIndex = SYNTH_MOTION_CLASSES.indexOf(pair);
  const rand = mulberry32(((o.seed ?? 0) * 7919 + pairIndex * 104729 + 17) >>> 0);
  const scene = makeScene(rand);
  const motion = forwardMotion(pair, rand, scene);
  const background = renderBackground(scene, size);
  const frameBytes = size * size * 3;
  const out = new Uint8Array(frames * frameBytes);
  for (let f = 0; f < frames; f++) {
    const pose = motion(f / (frames - 1));
    const frameRand = mulberry32(((o.seed ?? 0) * 31 + pairIndex * 977 + f * 131 + 5) >>> 0);
    const dst = RENDERED_REVERSED.has(kind) ? frames - 1 - f : f;
    drawFrame(out.subarray(dst * frameBytes, (dst + 1) * frameBytes), background, scene, pose, size, frameRand);
  }
  return out;
}

function renderBackground(s: Scene, size: number): Float32Array {
  const bg = new Float32Array(size * size * 3);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const u = x / size, v = y / size;
      let w: number;
      if (s.bgKind === 0) w = 0.5 + 0.5 * Math.sin(2 * Math.PI * (s.bgFreqX * u + s.bgFreqY * v) + s.bgPhase);
      else if (s.bgKind === 1) w = (Math.floor(u * s.bgFreqX * 2) + Math.floor(v * s.bgFreqY * 2)) % 2 ? 0.8 : 0.2;
      else w = 0.5 + 0.25 * Math.sin(2 * Math.PI * s.bgFreqX * u + s.bgPhase) + 0.25 * Math.cos(2 * Math.PI * s.bgFreqY * v);
      const i = (y * size + x) * 3;
      for (let c = 0; c < 3; c++) bg[i + c] = s.bgA[c] * (1 - w) + s.bgB[c] * w;
    }
  }
  return bg;
}

function insideShape(shape: number, u: number, v: number): boolean {
  if (shape === 0) return u * u + v * v <= 1;
  if (shape === 1) return Math.abs(u) <= 0.85 && Math.abs(v) <= 0.85;
  // triangle pointing "up" in object coordinates (asymmetric, so rotation is visible)
  return v <= 0.8 && v >= -1 + 1.8 * Math.abs(u);
}

/** The marker disc in object coordinates: inside every shape (circle, square, triangle). */
const MARKER_V = 0.45, MARKER_R = 0.28;

function drawFrame(dst: Uint8Array, bg: Float32Array, s: Scene, p: Pose, size: number, rand: () => number): void {
  const cos = Math.cos(-p.angle), sin = Math.sin(-p.angle);
  const r = s.radius * size * p.scale;
  const rx = r, ry = r * s.aspect;
  const cx = p.x * size, cy = p.y * size;
  const flicker = (rand() - 0.5) * 8;
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const i = (y * size + x) * 3;
      const dx = x + 0.5 - cx, dy = y + 0.5 - cy;
      // object coordinates: rotate by -angle, then scale to the unit shape
      const u = (dx * cos - dy * sin) / rx;
      const v = (dx * sin + dy * cos) / ry;
      const noise = (rand() + rand() + rand() - 1.5) * s.noise + flicker;
      if (insideShape(s.shape, u, v)) {
        const mu = u, mv = v - MARKER_V;
        if (mu * mu + mv * mv <= MARKER_R * MARKER_R) {
          for (let c = 0; c < 3; c++) dst[i + c] = clamp255(s.marker[c] + noise);
          continue;
        }
        let w: number;
        if (s.texKind === 0) w = Math.sin(s.texFreq * Math.PI * u) > 0 ? 1 : 0;
        else if (s.texKind === 1) w = (Math.floor((u + 2) * s.texFreq * 0.5) + Math.floor((v + 2) * s.texFreq * 0.5)) % 2;
        else w = Math.sqrt(u * u + v * v) * s.texFreq % 1 > 0.5 ? 1 : 0;
        for (let c = 0; c < 3; c++) dst[i + c] = clamp255(s.objA[c] * (1 - w) + s.objB[c] * w + noise);
      } else {
        for (let c = 0; c < 3; c++) dst[i + c] = clamp255(bg[i + c] + noise);
      }
    }
  }
}

const clamp255 = (v: number) => (v < 0 ? 0 : v > 255 ? 255 : Math.round(v));

/** The label map file text (one class name per line), as MMAction2's label_map files. */
export function synthMotionLabelMap(): string {
  return SYNTH_MOTION_CLASSES.join('\n') + '\n';
}
