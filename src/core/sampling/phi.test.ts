import { describe, expect, it } from 'vitest';
import { g, phi } from './phi.ts';

describe('φ-functions', () => {
  it('match their closed forms away from 0 and their limits at 0', () => {
    for (const z of [-3, -0.7, 0.4, 2.5]) {
      expect(phi(0, z)).toBeCloseTo(Math.exp(z), 14);
      expect(phi(1, z)).toBeCloseTo((Math.exp(z) - 1) / z, 14);
      expect(phi(2, z)).toBeCloseTo((Math.exp(z) - 1 - z) / z ** 2, 13);
      expect(phi(3, z)).toBeCloseTo((Math.exp(z) - 1 - z - z * z / 2) / z ** 3, 12);
    }
    expect(phi(1, 0)).toBe(1);
    expect(phi(2, 0)).toBe(0.5);
    expect(phi(3, 0)).toBeCloseTo(1 / 6, 16);
  });
  it('are continuous across the series/recursion switch and accurate at tiny z', () => {
    for (const k of [1, 2, 3, 4]) {
      const below = phi(k, 0.2499999);
      const above = phi(k, 0.2500001);
      expect(Math.abs(below - above) / Math.abs(above)).toBeLessThan(1e-6);
    }
    // at z = 1e-6, (e^z − 1 − z)/z² computed naively loses ~12 digits; the series does not
    expect(Math.abs(phi(2, 1e-6) - (0.5 + 1e-6 / 6 + 1e-12 / 24)) / 0.5).toBeLessThan(1e-15);
  });
  it('g_k satisfies the recursion of the official code: g_1 = (e^z−1)/z − 1, g_2 = g_1/z − ½', () => {
    for (const z of [-1.3, 0.9]) {
      expect(g(0, z)).toBeCloseTo(Math.expm1(z), 15);
      expect(g(1, z)).toBeCloseTo(Math.expm1(z) / z - 1, 14);
      expect(g(2, z)).toBeCloseTo((Math.expm1(z) / z - 1) / z - 0.5, 13);
    }
  });
});
