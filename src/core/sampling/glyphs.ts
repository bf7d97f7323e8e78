// glyphs16: a 256-dimensional Gaussian-mixture target whose component means are 16×16 images of the digits
// 0–9, drawn here in code (deterministic, nothing downloaded), with a per-component diagonal covariance
// (specs/samplers.md §15.1 diagonal variant; the 256-D check of §17.2 and the FD-RF metric of §17.3b).
//
// Image layout (shared by the denoiser, the feature map and any viewer): coordinate i = row·16 + col,
// row 0 at the top, col 0 at the left; pixel values in [−1, 1] like normalised image data (−1 background,
// +1 full ink). Component k is the digit k (k = 0 … components − 1), all with weight 1/components.
// Per-pixel standard deviation of component k at pixel i: pixelStd·(0.5 + ink_{k,i}), so strokes vary more than
// the background: the covariance is genuinely diagonal (not isotropic) and differs between components.

import type { DiagonalMixture } from './gmm.ts';

export const GLYPH_SIZE = 16;
export const GLYPH_DIM = GLYPH_SIZE * GLYPH_SIZE;
export const GLYPH_COUNT = 10;
export const GLYPH_DEFAULTS = { components: GLYPH_COUNT, pixelStd: 0.2 } as const;

/** stroke half-width and anti-aliasing ramp, in pixels */
const STROKE_HALF_WIDTH = 0.75;
const STROKE_SOFTNESS = 0.6;

type Point = [number, number];

/** points on an elliptical arc (centre, radii, angles in turns clockwise from 12 o'clock) in the unit box */
function arc(cx: number, cy: number, rx: number, ry: number, from: number, to: number, pieces = 12): Point[] {
  return Array.from({ length: pieces + 1 }, (_, j) => {
    const a = 2 * Math.PI * (from + ((to - from) * j) / pieces);
    return [cx + rx * Math.sin(a), cy - ry * Math.cos(a)];
  });
}

/**
 * Digit strokes as polylines in a unit box (x right, y down), drawn into the central 10×12 pixels of the image.
 * Version 1: changing a stroke changes the target, so keep them fixed.
 */
const DIGIT_STROKES: Point[][][] = [
  /* 0 */ [arc(0.5, 0.5, 0.42, 0.48, 0, 1, 20)],
  /* 1 */ [[[0.3, 0.22], [0.55, 0], [0.55, 1]], [[0.3, 1], [0.8, 1]]],
  /* 2 */ [[...arc(0.5, 0.27, 0.4, 0.27, -0.22, 0.3, 10), [0.05, 1], [0.95, 1]]],
  /* 3 */ [arc(0.48, 0.25, 0.38, 0.25, -0.2, 0.5, 10), arc(0.48, 0.74, 0.42, 0.26, 0, 0.72, 10)],
  /* 4 */ [[[0.7, 1], [0.7, 0], [0.05, 0.68], [0.95, 0.68]]],
  /* 5 */ [[[0.9, 0], [0.15, 0], [0.1, 0.45], ...arc(0.48, 0.68, 0.42, 0.32, -0.1, 0.62, 10)]],
  /* 6 */ [[...arc(0.5, 0.5, 0.42, 0.5, 0.1, -0.25, 8)], arc(0.5, 0.7, 0.4, 0.3, 0, 1, 16)],
  /* 7 */ [[[0.05, 0], [0.95, 0], [0.4, 1]], [[0.3, 0.5], [0.8, 0.5]]],
  /* 8 */ [arc(0.5, 0.24, 0.33, 0.24, 0, 1, 14), arc(0.5, 0.73, 0.42, 0.27, 0, 1, 16)],
  /* 9 */ [arc(0.5, 0.3, 0.4, 0.3, 0, 1, 16), [...arc(0.5, 0.5, 0.42, 0.5, 0.25, 0.6, 8)]],
];

function distanceToSegment(px: number, py: number, a: Point, b: Point): number {
  const dx = b[0] - a[0];
  const dy = b[1] - a[1];
  const len2 = dx * dx + dy * dy;
  const t = len2 === 0 ? 0 : Math.min(1, Math.max(0, ((px - a[0]) * dx + (py - a[1]) * dy) / len2));
  return Math.hypot(px - a[0] - t * dx, py - a[1] - t * dy);
}

/** Ink coverage in [0, 1] of digit `digit` at every pixel (row-major 16×16), anti-aliased by distance to the strokes. */
export function glyphInk(digit: number): Float64Array {
  if (!Number.isInteger(digit) || digit < 0 || digit >= GLYPH_COUNT) throw new Error(`glyph digit: got ${digit}; allowed: integers 0…${GLYPH_COUNT - 1}`);
  const ink = new Float64Array(GLYPH_DIM);
  // the unit box maps to columns 3…12 and rows 2…13 (pixel centres), leaving a margin for the stroke width
  const x0 = 3, width = 9, y0 = 2, height = 11;
  for (let row = 0; row < GLYPH_SIZE; row++) {
    for (let col = 0; col < GLYPH_SIZE; col++) {
      let dist = Infinity;
      for (const line of DIGIT_STROKES[digit]) {
        for (let j = 0; j + 1 < line.length; j++) {
          const a: Point = [x0 + width * line[j][0], y0 + height * line[j][1]];
          const b: Point = [x0 + width * line[j + 1][0], y0 + height * line[j + 1][1]];
          dist = Math.min(dist, distanceToSegment(col, row, a, b));
        }
      }
      ink[row * GLYPH_SIZE + col] = Math.min(1, Math.max(0, 1 - (dist - STROKE_HALF_WIDTH) / STROKE_SOFTNESS));
    }
  }
  return ink;
}

export interface GlyphOptions {
  /** digits 0 … components − 1 (1 … 10) */
  components?: number;
  /** per-pixel standard deviation scale (background pixels get 0.5×, full-ink pixels 1.5×) */
  pixelStd?: number;
}

/** The glyphs16 mixture: means in [−1, 1], diagonal variances (pixelStd·(0.5 + ink))². */
export function glyphMixture(options: GlyphOptions = {}): DiagonalMixture {
  const components = options.components ?? GLYPH_DEFAULTS.components;
  const pixelStd = options.pixelStd ?? GLYPH_DEFAULTS.pixelStd;
  if (!Number.isInteger(components) || components < 1 || components > GLYPH_COUNT)
    throw new Error(`glyphs16 components: got ${components}; allowed: integers 1…${GLYPH_COUNT}`);
  if (!(pixelStd > 0) || !Number.isFinite(pixelStd)) throw new Error(`glyphs16 pixelStd: got ${pixelStd}; allowed: a finite number > 0`);
  const means: number[][] = [];
  const variances: number[][] = [];
  for (let k = 0; k < components; k++) {
    const ink = glyphInk(k);
    means.push(Array.from(ink, (v) => 2 * v - 1));
    variances.push(Array.from(ink, (v) => (pixelStd * (0.5 + v)) ** 2));
  }
  return { weights: means.map(() => 1 / components), means, variances };
}

/**
 * A viewer's helper (pure, no DOM): write sample `index` of a row-major (n, 256) array as 16×16 RGBA grey
 * pixels into `out` (length 1024), mapping −1 → black and +1 → white, clipping outside [−1, 1].
 */
export function glyphToRgba(samples: ArrayLike<number>, index: number, out: Uint8ClampedArray): Uint8ClampedArray {
  if (out.length !== 4 * GLYPH_DIM) throw new Error(`glyphToRgba: out has length ${out.length}; expected ${4 * GLYPH_DIM}`);
  for (let i = 0; i < GLYPH_DIM; i++) {
    const v = samples[index * GLYPH_DIM + i];
    const grey = Math.round(255 * Math.min(1, Math.max(0, (v + 1) / 2)));
    out[4 * i] = out[4 * i + 1] = out[4 * i + 2] = grey;
    out[4 * i + 3] = 255;
  }
  return out;
}
