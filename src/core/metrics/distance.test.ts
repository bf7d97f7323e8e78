import { describe, expect, it } from 'vitest';
import { prepareMixture, sampleMixture } from '../sampling/gmm.ts';
import { targetPreset } from '../sampling/presets.ts';
import { bandwidthChains, energyDistanceUnbiased, mmdBandwidths, mmdSquaredUnbiased, sameNoiseRmse } from './distance.ts';

describe('unbiased multi-bandwidth RBF MMD² (specs §17.3a)', () => {
  const ring = prepareMixture(targetPreset('ring8'));
  const bandwidths = mmdBandwidths(1);
  const n = 600;
  it('has a zero-mean null: two independent exact sets', () => {
    const values = [1, 2, 3, 4, 5, 6].map((s) => mmdSquaredUnbiased(sampleMixture(ring, n, 1, 0, 100 + s), sampleMixture(ring, n, 1, 0, 200 + s), 2, bandwidths));
    const mean = values.reduce((a, b) => a + b) / values.length;
    const spread = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
    expect(Math.abs(mean)).toBeLessThan(3 * spread / Math.sqrt(values.length) + 1e-12);
    expect(values.some((v) => v < 0)).toBe(true); // unbiased: the null goes negative
  });
  it('detects a slightly blurred distribution far above the null', () => {
    const exact = sampleMixture(ring, n, 1, 0, 1);
    const blurred = sampleMixture(ring, n, 0.99, 0.1, 2);
    const nullValue = Math.abs(mmdSquaredUnbiased(sampleMixture(ring, n, 1, 0, 3), exact, 2, bandwidths));
    expect(mmdSquaredUnbiased(blurred, exact, 2, bandwidths)).toBeGreaterThan(10 * nullValue);
  });
  it('equals the closed form on two points', () => {
    // m = n = 2: MMD² = k(x1,x2) + k(y1,y2) − ½ Σ k(x_i, y_j), one bandwidth b = 1; the cross distances² are 1, 2, 2, 1
    const x = Float64Array.from([0, 0, 1, 0]);
    const y = Float64Array.from([0, 1, 1, 1]);
    const k = (d2: number) => Math.exp(-d2 / 2);
    const expected = k(1) + k(1) - 0.5 * (k(1) + k(2) + k(2) + k(1));
    expect(mmdSquaredUnbiased(x, y, 2, [1])).toBeCloseTo(expected, 14);
  });
});

describe('unbiased energy distance (specs §17.3a)', () => {
  const ring = prepareMixture(targetPreset('ring8'));
  it('has a zero-mean null and detects a shrunk distribution (it is much less sensitive to fine blur than MMD²)', () => {
    const values = [1, 2, 3, 4, 5, 6].map((s) => energyDistanceUnbiased(sampleMixture(ring, 500, 1, 0, 300 + s), sampleMixture(ring, 500, 1, 0, 400 + s), 2));
    const mean = values.reduce((a, b) => a + b) / values.length;
    const spread = Math.sqrt(values.reduce((a, b) => a + (b - mean) ** 2, 0) / (values.length - 1));
    expect(Math.abs(mean)).toBeLessThan((3 * spread) / Math.sqrt(values.length) + 1e-12);
    const shrunk = energyDistanceUnbiased(sampleMixture(ring, 500, 0.8, 0, 1), sampleMixture(ring, 500, 1, 0, 2), 2);
    expect(shrunk).toBeGreaterThan(10 * spread);
  });
  it('equals the closed form on two points each', () => {
    // 2·mean‖x − y‖ − mean_{i≠j}‖x − x'‖ − mean_{i≠j}‖y − y'‖ with cross distances 1, √2, √2, 1
    const x = Float64Array.from([0, 0, 1, 0]);
    const y = Float64Array.from([0, 1, 1, 1]);
    expect(energyDistanceUnbiased(x, y, 2)).toBeCloseTo((2 * (2 + 2 * Math.SQRT2)) / 4 - 1 - 1, 14);
  });
});

describe('same-noise RMSE', () => {
  it('is sqrt(mean squared difference per coordinate)', () => {
    expect(sameNoiseRmse([1, 2, 3, 4], [1, 2, 3, 0])).toBeCloseTo(2, 14);
  });
});

describe('bandwidthChains: the bandwidths as runs of halvings (the GPU kernel sum, metrics.wgsl rbf_sum)', () => {
  it("§17.3a's six factors are two runs of three, and the runs give back every kernel term", () => {
    const scale = 0.37;
    const bandwidths = mmdBandwidths(scale);
    const chains = bandwidthChains(bandwidths);
    expect(chains.map((c) => c.length)).toEqual([3, 3]);
    // Σ over the runs of e + e⁴ + e¹⁶ (e = exp(−d² base)) equals Σ_b exp(−d²/(2b²)) over the six bandwidths
    for (const d2 of [0, 1e-3, 0.05, 0.4, 3]) {
      const direct = bandwidths.reduce((s, b) => s + Math.exp(-d2 / (2 * b * b)), 0);
      const chained = chains.reduce((s, { base, length }) => {
        const e = Math.exp(-d2 * base);
        return s + [e, e ** 4, e ** 16].slice(0, length).reduce((a, v) => a + v, 0);
      }, 0);
      expect(chained).toBeCloseTo(direct, 13);
    }
  });
  it('bandwidths that are not halvings get a run each; runs stop at the maximum length', () => {
    expect(bandwidthChains([1, 0.3, 0.7]).map((c) => c.length)).toEqual([1, 1, 1]);
    expect(bandwidthChains([8, 4, 2, 1, 0.5]).map((c) => c.length)).toEqual([3, 2]);
    expect(bandwidthChains([2])[0].base).toBeCloseTo(1 / 8, 15);
  });
});
