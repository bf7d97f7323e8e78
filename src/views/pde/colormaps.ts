// Colour maps of the PDE lab's field views (one place: the 2D map, its colour bar, the waterfall and the
// GPU path's colour table all read these). d3-scale-chromatic interpolators sampled at 256 levels.

import { interpolateGreys, interpolateInferno, interpolateRdBu, interpolateTurbo, interpolateViridis, rgb } from 'd3';
import type { ColormapName } from '../../state/pdeStore.ts';

const INTERPOLATORS: Record<ColormapName, (t: number) => string> = {
  viridis: interpolateViridis,
  inferno: interpolateInferno,
  turbo: interpolateTurbo,
  // RdBu runs red → blue; reversed so that low is blue and high is red (the usual diverging reading)
  RdBu: (t) => interpolateRdBu(1 - t),
  greys: (t) => interpolateGreys(1 - t),
};

export const COLORMAP_LABELS: Record<ColormapName, string> = {
  viridis: 'Viridis',
  inferno: 'Inferno',
  turbo: 'Turbo',
  RdBu: 'Blue–red (diverging)',
  greys: 'Greyscale',
};

export function colormapCss(name: ColormapName, t: number): string {
  return INTERPOLATORS[name](Math.min(1, Math.max(0, t)));
}

const cache = new Map<ColormapName, Uint8ClampedArray>();

/** 256 RGBA bytes */
export function colormapTable(name: ColormapName): Uint8ClampedArray {
  let table = cache.get(name);
  if (!table) {
    table = new Uint8ClampedArray(256 * 4);
    for (let i = 0; i < 256; i++) {
      const c = rgb(INTERPOLATORS[name](i / 255));
      table.set([c.r, c.g, c.b, 255], 4 * i);
    }
    cache.set(name, table);
  }
  return table;
}

/** the table as 256 vec4f (0…1) for a GPU storage buffer */
export function colormapTableF32(name: ColormapName): Float32Array<ArrayBuffer> {
  const table = colormapTable(name);
  const out = new Float32Array(table.length);
  for (let i = 0; i < table.length; i++) out[i] = table[i] / 255;
  return out;
}

/** writes `values` (row-major, row 0 = y = 0) into RGBA pixels with row 0 at the bottom (math convention) */
export function paintPixels(pixels: Uint8ClampedArray, values: ArrayLike<number>, nx: number, ny: number, range: [number, number], table: Uint8ClampedArray): void {
  const [lo, hi] = range;
  const scale = 255 / Math.max(hi - lo, 1e-30);
  for (let iy = 0; iy < ny; iy++) {
    const row = ny - 1 - iy;
    for (let ix = 0; ix < nx; ix++) {
      const v = values[iy * nx + ix];
      const o = 4 * (row * nx + ix);
      if (!Number.isFinite(v)) {
        pixels.set([255, 0, 255, 255], o);
        continue;
      }
      const k = 4 * Math.round(Math.min(255, Math.max(0, (v - lo) * scale)));
      pixels[o] = table[k];
      pixels[o + 1] = table[k + 1];
      pixels[o + 2] = table[k + 2];
      pixels[o + 3] = 255;
    }
  }
}
