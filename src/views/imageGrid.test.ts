import { describe, expect, it } from 'vitest';
import { GLYPH_DIM, GLYPH_SIZE, glyphMixture } from '../core/sampling/glyphs.ts';
import { composeImageGrid, gridLayout } from './imageGrid.ts';

/** n images whose every pixel is the same value: image k is uniformly values[k] */
function flatImages(values: number[]): Float64Array {
  const data = new Float64Array(values.length * GLYPH_DIM);
  values.forEach((v, k) => data.fill(v, k * GLYPH_DIM, (k + 1) * GLYPH_DIM));
  return data;
}

const greyAt = (image: { width: number; rgba: Uint8ClampedArray }, x: number, y: number) => image.rgba[4 * (y * image.width + x)];

describe('gridLayout', () => {
  it('shows at most `max` samples in a near-square grid: 8 × 8 for 64 and more', () => {
    expect(gridLayout(4096, 64)).toMatchObject({ columns: 8, rows: 8 });
    expect(gridLayout(4096, 64).indices).toEqual(Array.from({ length: 64 }, (_, i) => i));
    expect(gridLayout(10, 64)).toMatchObject({ columns: 4, rows: 3, indices: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9] });
    expect(gridLayout(1)).toMatchObject({ columns: 1, rows: 1, indices: [0] });
    expect(gridLayout(0)).toMatchObject({ columns: 1, rows: 0, indices: [] });
  });

  it('refuses a negative or fractional count', () => {
    expect(() => gridLayout(-1)).toThrow(/n must be/);
    expect(() => gridLayout(2.5)).toThrow(/n must be/);
    expect(() => gridLayout(4, 0)).toThrow(/max must be/);
  });
});

describe('composeImageGrid', () => {
  it('places each image in its cell with gaps between cells, −1 → black, +1 → white, clipped', () => {
    const samples = flatImages([-1, 1, 0, 3]);
    const image = composeImageGrid(samples, { indices: [0, 1, 2, 3], columns: 3, gap: 1, gapGrey: 64 });
    expect(image.width).toBe(3 * GLYPH_SIZE + 2);
    expect(image.height).toBe(2 * GLYPH_SIZE + 1);
    expect(image.rgba.length).toBe(image.width * image.height * 4);
    expect(image.cells).toEqual([
      { index: 0, x: 0, y: 0 },
      { index: 1, x: 17, y: 0 },
      { index: 2, x: 34, y: 0 },
      { index: 3, x: 0, y: 17 },
    ]);
    expect(greyAt(image, 0, 0)).toBe(0);
    expect(greyAt(image, 15, 15)).toBe(0);
    expect(greyAt(image, 16, 0)).toBe(64); // gap column
    expect(greyAt(image, 17, 0)).toBe(255);
    expect(greyAt(image, 34 + 8, 8)).toBe(128); // 0 → mid grey (127.5 rounds up)
    expect(greyAt(image, 5, 17 + 5)).toBe(255); // 3 clips to white
    expect(greyAt(image, 0, 16)).toBe(64); // gap row
    expect(greyAt(image, 40, 20)).toBe(64); // the empty fourth cell of row 1 stays gap-coloured
    // opaque everywhere
    for (let k = 3; k < image.rgba.length; k += 4) expect(image.rgba[k]).toBe(255);
  });

  it('keeps the pixel order of an image (pixel i = row·16 + col) and draws the requested rows in order', () => {
    const { means } = glyphMixture({ components: 3 });
    const data = Float64Array.from(means.flat());
    const image = composeImageGrid(data, { indices: [2, 0], columns: 2, gap: 0 });
    for (const [cell, k] of [[0, 2], [1, 0]] as const)
      for (let row = 0; row < GLYPH_SIZE; row++)
        for (let col = 0; col < GLYPH_SIZE; col++) {
          const expected = Math.round(255 * Math.min(1, Math.max(0, (means[k][row * GLYPH_SIZE + col] + 1) / 2)));
          expect(greyAt(image, cell * GLYPH_SIZE + col, row)).toBe(expected);
        }
  });

  it('refuses rows the array does not have, and a bad column count', () => {
    const samples = flatImages([0, 0]);
    expect(() => composeImageGrid(samples, { indices: [2], columns: 1 })).toThrow(/sample 2 is outside the 2 images/);
    expect(() => composeImageGrid(samples, { indices: [0], columns: 0 })).toThrow(/columns must be/);
  });
});
