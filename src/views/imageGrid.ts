// The image grid (issue #3): final samples of an image target (glyphs16) as a grid of 16×16 grey images, and the
// exact component means beside them. Composed at the images' own resolution (one texel per pixel, by
// glyphToRgba) and then scaled up on the canvas with smoothing off: nearest-neighbour, so every sample pixel stays
// a visible square instead of being blurred into its neighbours. The samples come from one readback per run
// (the run controller), never per frame.

import { GLYPH_DIM, GLYPH_SIZE, glyphToRgba } from '../core/sampling/glyphs.ts';

/** samples the image grid shows (8 × 8): all a run needs to read back of an image target */
export const GRID_SAMPLES = 64;

export interface GridImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray<ArrayBuffer>;
  /** top-left texel of each cell, in the order of `indices` */
  cells: { index: number; x: number; y: number }[];
}

export interface GridOptions {
  /** which rows of the (n, 256) array to draw, in order */
  indices: number[];
  /** cells per row of the grid */
  columns: number;
  /** texels between cells (drawn in the gap colour) */
  gap?: number;
  /** grey level of the gaps, 0…255 (default a mid-dark grey, distinct from the −1 = black background) */
  gapGrey?: number;
}

/** The first min(n, max) sample indices as a near-square grid: `columns` = ⌈√count⌉ (8×8 for 64 and more). */
export function gridLayout(n: number, max = 64): { indices: number[]; columns: number; rows: number } {
  if (!Number.isInteger(n) || n < 0) throw new Error(`gridLayout: n must be a non-negative integer, got ${n}`);
  if (!Number.isInteger(max) || max < 1) throw new Error(`gridLayout: max must be a positive integer, got ${max}`);
  const count = Math.min(n, max);
  const columns = Math.max(1, Math.ceil(Math.sqrt(count)));
  return { indices: Array.from({ length: count }, (_, i) => i), columns, rows: Math.ceil(count / columns) };
}

/**
 * Compose 16×16 images (rows of a row-major (n, 256) array, pixel i = row·16 + col, values in [−1, 1]) into one
 * RGBA image at native resolution. Pure (no DOM): the canvas code below only scales it.
 */
export function composeImageGrid(samples: ArrayLike<number>, options: GridOptions): GridImage {
  const { indices, columns } = options;
  const gap = options.gap ?? 1;
  const gapGrey = options.gapGrey ?? 64;
  if (!Number.isInteger(columns) || columns < 1) throw new Error(`composeImageGrid: columns must be a positive integer, got ${columns}`);
  const available = Math.floor(samples.length / GLYPH_DIM);
  for (const index of indices)
    if (!Number.isInteger(index) || index < 0 || index >= available) throw new Error(`composeImageGrid: sample ${index} is outside the ${available} images given`);
  const rows = Math.max(1, Math.ceil(indices.length / columns));
  const cols = indices.length === 0 ? 1 : Math.min(columns, indices.length);
  const width = cols * GLYPH_SIZE + (cols - 1) * gap;
  const height = rows * GLYPH_SIZE + (rows - 1) * gap;
  const rgba = new Uint8ClampedArray(width * height * 4);
  for (let k = 0; k < width * height; k++) {
    rgba[4 * k] = rgba[4 * k + 1] = rgba[4 * k + 2] = gapGrey;
    rgba[4 * k + 3] = 255;
  }
  const cell = new Uint8ClampedArray(4 * GLYPH_DIM);
  const cells = indices.map((index, i) => {
    const x = (i % columns) * (GLYPH_SIZE + gap);
    const y = Math.floor(i / columns) * (GLYPH_SIZE + gap);
    glyphToRgba(samples, index, cell);
    for (let row = 0; row < GLYPH_SIZE; row++) rgba.set(cell.subarray(4 * row * GLYPH_SIZE, 4 * (row + 1) * GLYPH_SIZE), 4 * ((y + row) * width + x));
    return { index, x, y };
  });
  return { width, height, rgba, cells };
}

/**
 * Draw a composed grid on a canvas, each texel as a `scale`×`scale` square (nearest neighbour). The canvas's
 * backing store gets exactly width·scale × height·scale pixels so that CSS does not resample it again.
 */
export function drawImageGrid(canvas: HTMLCanvasElement, image: GridImage, scale: number): void {
  const source = document.createElement('canvas');
  source.width = image.width;
  source.height = image.height;
  source.getContext('2d')!.putImageData(new ImageData(image.rgba, image.width, image.height), 0, 0);
  canvas.width = image.width * scale;
  canvas.height = image.height * scale;
  const context = canvas.getContext('2d');
  if (!context) throw new Error('the image grid needs a 2D canvas context');
  context.imageSmoothingEnabled = false;
  context.drawImage(source, 0, 0, canvas.width, canvas.height);
}
