import { describe, expect, it } from 'vitest';
import { prepareMixture, sampleMixture } from '../sampling/gmm.ts';
import { targetPreset } from '../sampling/presets.ts';
import { SLICED_DIRECTIONS, slicedDirections, slicedSums, slicedW2, sortedProjections, wasserstein2Squared1d } from './sliced.ts';

/** every permutation of 0..n−1 (n small) */
function permutations(n: number): number[][] {
  if (n === 1) return [[0]];
  return permutations(n - 1).flatMap((p) => Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]));
}

describe('1D W2² by sorting', () => {
  it('equals the optimal coupling found by brute force over all permutations', () => {
    const a = [0.3, -1.2, 2.5, 0.31, -0.7, 1.1];
    const b = [1.9, -0.2, -2.0, 0.5, 0.45, 3.3];
    let best = Infinity;
    for (const perm of permutations(a.length)) best = Math.min(best, perm.reduce((s, j, i) => s + (a[i] - b[j]) ** 2, 0) / a.length);
    expect(wasserstein2Squared1d(a, b)).toBeCloseTo(best, 14);
  });
  it('is the squared shift for a translated sample, and rejects unequal sizes', () => {
    expect(wasserstein2Squared1d([3, 1, 2], [1.5, 2.5, 3.5])).toBeCloseTo(0.25, 14);
    expect(() => wasserstein2Squared1d([1, 2], [1])).toThrow(/equal sizes/);
  });
});

describe('sliced W2 (specs §17.3a diagnostics)', () => {
  const ring = prepareMixture(targetPreset('ring8'));
  it('has 256 unit directions per seed, the same for the same seed, others for another seed, isotropic on average', () => {
    const dirs = slicedDirections(2, 0);
    expect(dirs.length).toBe(2 * SLICED_DIRECTIONS);
    expect(SLICED_DIRECTIONS).toBe(256);
    for (let k = 0; k < SLICED_DIRECTIONS; k++) expect(Math.hypot(dirs[2 * k], dirs[2 * k + 1])).toBeCloseTo(1, 14);
    expect(Array.from(slicedDirections(2, 0))).toEqual(Array.from(dirs));
    expect(Array.from(slicedDirections(2, 1))).not.toEqual(Array.from(dirs));
    // E[θθᵀ] = I/d for uniform directions: the sample second moment of 256 directions is within a few standard errors
    let xx = 0;
    let xy = 0;
    for (let k = 0; k < SLICED_DIRECTIONS; k++) {
      xx += dirs[2 * k] ** 2 / SLICED_DIRECTIONS;
      xy += (dirs[2 * k] * dirs[2 * k + 1]) / SLICED_DIRECTIONS;
    }
    expect(Math.abs(xx - 0.5)).toBeLessThan(0.07);
    expect(Math.abs(xy)).toBeLessThan(0.07);
  });
  it('of a set and its translate by v: SW2² = mean_θ (θ·v)² exactly, ≈ ‖v‖²/d', () => {
    const x = sampleMixture(ring, 500, 1, 0, 3);
    const v = [0.3, -0.4]; // ‖v‖ = 0.5
    const y = x.map((value, i) => value + v[i % 2]);
    const dirs = slicedDirections(2, 5);
    let expected = 0;
    for (let k = 0; k < SLICED_DIRECTIONS; k++) expected += (dirs[2 * k] * v[0] + dirs[2 * k + 1] * v[1]) ** 2 / SLICED_DIRECTIONS;
    expect(slicedW2(y, x, 2, dirs) ** 2).toBeCloseTo(expected, 12);
    // Monte Carlo over 256 directions: mean of cos² has standard error √(1/8/256) ≈ 0.022 around ½
    expect(Math.abs(slicedW2(y, x, 2, dirs) ** 2 / 0.25 - 0.5)).toBeLessThan(0.1);
  });
  it('per-direction sums are m·W2² of the projections (the quantity the GPU reads back)', () => {
    const x = sampleMixture(ring, 64, 1, 0.1, 1);
    const y = sampleMixture(ring, 64, 1, 0.1, 2);
    const dirs = slicedDirections(2, 9, 4);
    const sums = slicedSums(x, 2, dirs, sortedProjections(y, 2, dirs));
    for (let k = 0; k < 4; k++) {
      const px = Array.from({ length: 64 }, (_, i) => dirs[2 * k] * x[2 * i] + dirs[2 * k + 1] * x[2 * i + 1]);
      const py = Array.from({ length: 64 }, (_, i) => dirs[2 * k] * y[2 * i] + dirs[2 * k + 1] * y[2 * i + 1]);
      expect(sums[k]).toBeCloseTo(64 * wasserstein2Squared1d(px, py), 12);
    }
  });
  it('is biased: its null (two independent exact sets) is positive and shrinks about like n^{−1/2}', () => {
    const dirs = slicedDirections(2, 0);
    const nullAt = (n: number) => [1, 2, 3].reduce((s, seed) => s + slicedW2(sampleMixture(ring, n, 1, 0.05, 10 + seed), sampleMixture(ring, n, 1, 0.05, 20 + seed), 2, dirs), 0) / 3;
    const [small, large] = [nullAt(250), nullAt(1000)];
    expect(small).toBeGreaterThan(0.05);
    // 4× the points: about half the null (between 0.3 and 0.75 allows for the Monte-Carlo noise of 3 replicates)
    expect(large / small).toBeGreaterThan(0.3);
    expect(large / small).toBeLessThan(0.75);
  });
});
