// The periodic grid: points x_j = j·L/n on [0, L) per axis, wavenumbers k = 2π m/L with m in numpy's FFT
// order (0, 1, …, n/2 − 1, −n/2, …, −1), the Orszag dealias mask and the physical coordinates.
// Arrays are C-order [y][x] (x contiguous); Grid.n is [nx] or [nx, ny].

import type { Grid, WaveVector } from './types.ts';

/** integer mode number of FFT index j on an axis of n points */
export function modeNumber(j: number, n: number): number {
  return j < n / 2 ? j : j - n;
}

/** number of points of one field */
export function gridSize(grid: Grid): number {
  return grid.n.reduce((a, b) => a * b, 1);
}

/** the FFT shape of one field: C order, so [nx] in 1D and [ny, nx] in 2D */
export function fftShape(grid: Grid): number[] {
  return [...grid.n].reverse();
}

/** calls f(index, axisIndices) for every point, axisIndices = [ix] or [ix, iy], index = iy·nx + ix */
export function forEachPoint(grid: Grid, f: (index: number, at: number[]) => void): void {
  const [nx, ny = 1, nz = 1] = grid.n;
  const at = new Array<number>(grid.n.length);
  let index = 0;
  for (let iz = 0; iz < nz; iz++)
    for (let iy = 0; iy < ny; iy++)
      for (let ix = 0; ix < nx; ix++) {
        at[0] = ix;
        if (grid.n.length > 1) at[1] = iy;
        if (grid.n.length > 2) at[2] = iz;
        f(index++, at);
      }
}

/** the wave vector at every FFT index, in storage order */
export function waveVectors(grid: Grid): WaveVector[] {
  const out: WaveVector[] = [];
  forEachPoint(grid, (_, at) => {
    const k: number[] = [];
    const kOdd: number[] = [];
    let k2 = 0;
    at.forEach((j, axis) => {
      const n = grid.n[axis];
      const m = modeNumber(j, n);
      const kk = (2 * Math.PI * m) / grid.length[axis];
      k.push(kk);
      // the Nyquist mode (m = −n/2) has no sign: an odd derivative of it is not real, so it is zeroed
      kOdd.push(2 * m === -n ? 0 : kk);
      k2 += kk * kk;
    });
    out.push({ k, kOdd, k2 });
  });
  return out;
}

/** physical coordinates of every point, in storage order: [x] or [x, y] per point */
export function gridPoints(grid: Grid): number[][] {
  const out: number[][] = [];
  forEachPoint(grid, (_, at) => out.push(at.map((j, axis) => (j * grid.length[axis]) / grid.n[axis])));
  return out;
}

/**
 * Orszag's mask (Exponax's rule, specs/pde.md §3.4): keep modes with |m_i| ≤ frac·n_i/2 − 1 on every axis.
 * frac = 2/3 for quadratic nonlinearities, 1/2 for cubic ones. Returns 1 (keep) or 0 per FFT index.
 */
export function dealiasMask(grid: Grid, frac: number): Float64Array {
  const mask = new Float64Array(gridSize(grid));
  forEachPoint(grid, (index, at) => {
    mask[index] = at.every((j, axis) => Math.abs(modeNumber(j, grid.n[axis])) <= (frac * grid.n[axis]) / 2 - 1) ? 1 : 0;
  });
  return mask;
}
