import { describe, expect, it } from 'vitest';
import { realField, toSpectrum } from '../../core/pde/fields.ts';
import { gridPoints } from '../../core/pde/grid.ts';
import { shellSpectrum, velocityFromVorticity } from './spectralViews.ts';

describe('shellSpectrum', () => {
  it('2D: a single mode cos(3x + 4y) lands in shell 5 with its mean square ½', () => {
    const grid = { n: [32, 32], length: [2 * Math.PI, 2 * Math.PI] };
    const field = realField(grid, 1, ([x, y]) => [Math.cos(3 * x + 4 * y)]);
    const s = shellSpectrum(toSpectrum(field, grid), grid);
    expect(s.sum[5]).toBeCloseTo(0.5, 12);
    expect(s.total).toBeCloseTo(0.5, 12);
    s.sum.forEach((e, i) => i !== 5 && expect(e).toBeLessThan(1e-20));
    expect(s.k[5]).toBeCloseTo(5, 12);
    // the ring |m| ≈ 5 has more modes than the two that carry the energy: the shell mean divides by them
    expect(s.mean[5]).toBeCloseTo(0.5 / s.count[5], 12);
    expect(s.count.reduce((a, b) => a + b, 0)).toBe(32 * 32);
  });

  it('2D on a box of length 4π: k is in units of 2π/L', () => {
    const grid = { n: [16, 16], length: [4 * Math.PI, 4 * Math.PI] };
    const field = realField(grid, 1, ([x]) => [2 + Math.sin(x)]);
    const s = shellSpectrum(toSpectrum(field, grid), grid);
    // mode m = 2 (k = 1): ½ of 1²; the mean 2 in shell 0: 4
    expect(s.k[2]).toBeCloseTo(1, 12);
    expect(s.sum[2]).toBeCloseTo(0.5, 12);
    expect(s.sum[0]).toBeCloseTo(4, 12);
    expect(s.total).toBeCloseTo(4.5, 12);
  });

  it('1D: per mode, ±m together; the second channel is read at its offset', () => {
    const grid = { n: [64], length: [2 * Math.PI] };
    const field = realField(grid, 2, ([x]) => [3 * Math.cos(7 * x), Math.sin(2 * x)]);
    const spectrum = toSpectrum(field, grid);
    const u = shellSpectrum(spectrum, grid, 0);
    expect(u.sum[7]).toBeCloseTo(4.5, 12);
    expect(u.count[7]).toBe(2);
    expect(u.count[0]).toBe(1);
    const v = shellSpectrum(spectrum, grid, 1);
    expect(v.sum[2]).toBeCloseTo(0.5, 12);
    expect(v.total).toBeCloseTo(0.5, 12);
  });
});

describe('velocityFromVorticity', () => {
  it('Taylor–Green: ω = 2 sin x sin y gives u = sin x cos y, v = −cos x sin y', () => {
    const grid = { n: [32, 32], length: [2 * Math.PI, 2 * Math.PI] };
    const field = realField(grid, 1, ([x, y]) => [2 * Math.sin(x) * Math.sin(y)]);
    const arrows = velocityFromVorticity(toSpectrum(field, grid), grid, 8);
    expect(arrows.nx).toBe(8);
    expect(arrows.ny).toBe(8);
    for (let a = 0; a < 64; a++) {
      const [x, y] = [arrows.x[a], arrows.y[a]];
      expect(arrows.u[a]).toBeCloseTo(Math.sin(x) * Math.cos(y), 12);
      expect(arrows.v[a]).toBeCloseTo(-Math.cos(x) * Math.sin(y), 12);
    }
    expect(arrows.maxSpeed).toBeLessThanOrEqual(1 + 1e-12);
    expect(arrows.maxSpeed).toBeGreaterThan(0.8);
  });

  it('a shear layer ω = −k cos(k y) on a 2π × 4π box has u = sin(k y), v = 0', () => {
    const grid = { n: [16, 32], length: [2 * Math.PI, 4 * Math.PI] };
    const k = 1.5;
    const field = realField(grid, 1, ([, y]) => [-k * Math.cos(k * y)]);
    const arrows = velocityFromVorticity(toSpectrum(field, grid), grid, 16);
    expect(arrows.nx).toBe(16);
    for (let a = 0; a < arrows.u.length; a++) {
      expect(arrows.u[a]).toBeCloseTo(Math.sin(k * arrows.y[a]), 10);
      expect(Math.abs(arrows.v[a])).toBeLessThan(1e-10);
    }
    expect(gridPoints(grid).length).toBe(16 * 32);
  });
});
