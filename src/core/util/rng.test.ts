import { describe, expect, it } from 'vitest';
import { fillNormal, threefry2x32, uniformOpen } from './rng.ts';

describe('Threefry-2x32-20 counter-based RNG', () => {
  it('matches the Random123 known-answer vectors', () => {
    // kat_vectors of Random123: threefry2x32 20 rounds
    expect(threefry2x32(0, 0, 0, 0)).toEqual([0x6b200159, 0x99ba4efe]);
    expect(threefry2x32(0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff)).toEqual([0x1cb996fc, 0xbb002be7]);
  });
  it('maps words into the open interval (0, 1)', () => {
    expect(uniformOpen(0)).toBeGreaterThan(0);
    expect(uniformOpen(0xffffffff)).toBeLessThan(1);
  });
  it('draws standard normals (mean 0, variance 1, uncorrelated coordinates)', () => {
    const n = 100_000;
    const z = fillNormal(new Float64Array(2 * n), n, 2, 7, 0);
    let m0 = 0, m1 = 0, v0 = 0, v1 = 0, c = 0;
    for (let i = 0; i < n; i++) { m0 += z[2 * i]; m1 += z[2 * i + 1]; }
    m0 /= n; m1 /= n;
    for (let i = 0; i < n; i++) { v0 += (z[2 * i] - m0) ** 2; v1 += (z[2 * i + 1] - m1) ** 2; c += (z[2 * i] - m0) * (z[2 * i + 1] - m1); }
    // 5 standard errors
    expect(Math.abs(m0)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(m1)).toBeLessThan(5 / Math.sqrt(n));
    expect(Math.abs(v0 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(v1 / n - 1)).toBeLessThan(5 * Math.sqrt(2 / n));
    expect(Math.abs(c / n)).toBeLessThan(5 / Math.sqrt(n));
  });
  it('gives different seeds and streams independent draws', () => {
    const a = fillNormal(new Float64Array(8), 4, 2, 1, 0);
    const b = fillNormal(new Float64Array(8), 4, 2, 2, 0);
    const c = fillNormal(new Float64Array(8), 4, 2, 1, 1);
    expect(a).not.toEqual(b);
    expect(a).not.toEqual(c);
    expect(fillNormal(new Float64Array(8), 4, 2, 1, 0)).toEqual(a);
  });
});
