import { describe, expect, it } from 'vitest';
import { prepareMixture, sampleMixture } from '../sampling/gmm.ts';
import { targetPreset } from '../sampling/presets.ts';
import { isDegenerate, meanNegLogDensity, modeAssignments, modeCounts, modeMassError } from './density.ts';

const ring = targetPreset('ring8');
const prepared = prepareMixture(ring);

describe('mode-mass error ½Σ|π̂_k − π_k| (specs §17.3a)', () => {
  it('is the weight difference for sets with known counts per component (well-separated modes)', () => {
    // n_k points from component k alone, at the final time α = 0.99, σ = 0.05 of the metric's p_t
    const counts = [40, 10, 25, 25, 25, 25, 30, 20];
    const n = counts.reduce((a, b) => a + b);
    const parts = counts.map((c, k) => sampleMixture(prepareMixture({ weights: [1], means: [ring.means[k]], covs: [ring.covs[k]] }), c, 0.99, 0.05, 100 + k));
    const x = new Float64Array(2 * n);
    let offset = 0;
    for (const part of parts) {
      x.set(part, offset);
      offset += part.length;
    }
    expect(Array.from(modeCounts(prepared, x, 0.99, 0.05))).toEqual(counts);
    const expected = 0.5 * counts.reduce((s, c) => s + Math.abs(c / n - 1 / 8), 0);
    expect(modeMassError(prepared, x, 0.99, 0.05)).toBeCloseTo(expected, 14);
  });
  it('on samples of the mixture with changed weights estimates their difference to the target weights', () => {
    const weights = [3, 1, 1, 1, 2, 1, 1, 2];
    const total = weights.reduce((a, b) => a + b);
    const changed = prepareMixture({ ...ring, weights });
    const x = sampleMixture(changed, 20000, 1, 0.02, 7);
    const expected = 0.5 * weights.reduce((s, w) => s + Math.abs(w / total - 1 / 8), 0); // = 0.25
    // multinomial error of each π̂_k ≲ √(π(1−π)/n) ≈ 0.003: their sum stays within 0.02
    expect(Math.abs(modeMassError(prepared, x, 1, 0.02) - expected)).toBeLessThan(0.02);
    // exact samples of the target itself: a small error of the same (multinomial) size
    expect(modeMassError(prepared, sampleMixture(prepared, 20000, 1, 0.02, 8), 1, 0.02)).toBeLessThan(0.02);
  });
  it('assigns by the largest responsibility, including the weights and covariances, not just the nearest mean', () => {
    // two 1D components: a narrow heavy one at 0 and a broad light one at 1; x = 0.4 is nearer 0 but the
    // narrow component's density there is tiny: log w̃ = log π − x²/(2c) − ½ log c
    const m = prepareMixture({ weights: [0.9, 0.1], means: [[0], [1]], covs: [[[0.001]], [[1]]] });
    const score = (x: number, pi: number, mu: number, c: number) => Math.log(pi) - (x - mu) ** 2 / (2 * c) - 0.5 * Math.log(c);
    for (const x of [0.4, 0.1, 0.05, -0.2]) {
      const expected = score(x, 0.9, 0, 0.001) >= score(x, 0.1, 1, 1) ? 0 : 1;
      expect(modeAssignments(m, [x], 1, 0)[0]).toBe(expected);
    }
    expect(modeAssignments(m, [0.4], 1, 0)[0]).toBe(1);
  });
  it('with point masses at σ = 0 (the points target at t = 0) goes by nearest mean', () => {
    const points = [[0, 0], [1, 0], [0, 1]];
    const m = prepareMixture({ weights: [1, 1, 1], means: points, covs: points.map(() => [[0, 0], [0, 0]]) });
    expect(isDegenerate(m, 1, 0)).toBe(true);
    expect(isDegenerate(m, 1, 1e-3)).toBe(false);
    expect(Array.from(modeAssignments(m, [0.1, 0.1, 0.9, 0.2, 0.2, 0.7, 0.6, 0.3], 1, 0))).toEqual([0, 1, 2, 1]);
  });
});

describe('mean exact NLL −E[log p_t(x)] (specs §17.3a)', () => {
  it('equals the hand-written mixture density at given points', () => {
    // 2D, two isotropic components: p(x) = Σ π_k (2πc_k)^{−1} exp(−‖x − αμ_k‖²/(2c_k)), c_k = α²s_k² + σ²
    const m = prepareMixture({ weights: [1, 3], means: [[1, 0], [-1, 0.5]], covs: [[[0.04, 0], [0, 0.04]], [[0.25, 0], [0, 0.25]]] });
    const [alpha, sigma] = [0.8, 0.3];
    const density = (x: number[]) =>
      [[0.25, [1, 0], 0.04], [0.75, [-1, 0.5], 0.25]].reduce((s, [pi, mu, s2]) => {
        const c = alpha * alpha * (s2 as number) + sigma * sigma;
        const d2 = (x[0] - alpha * (mu as number[])[0]) ** 2 + (x[1] - alpha * (mu as number[])[1]) ** 2;
        return s + ((pi as number) / (2 * Math.PI * c)) * Math.exp(-d2 / (2 * c));
      }, 0);
    const points = [[0.5, 0.1], [-0.9, 0.2], [2, -1]];
    const expected = -points.reduce((s, x) => s + Math.log(density(x)), 0) / points.length;
    expect(meanNegLogDensity(m, points.flat(), alpha, sigma)).toBeCloseTo(expected, 12);
  });
  it('on exact samples of a Gaussian estimates its entropy (d/2) log(2πe c)', () => {
    const m = prepareMixture({ weights: [1], means: [[0.3, -0.2]], covs: [[[0.09, 0], [0, 0.09]]] });
    const x = sampleMixture(m, 20000, 1, 0.1, 4);
    const c = 0.09 + 0.01;
    // −log p = log(2πc) + ‖z‖²/2 with ‖z‖² ~ χ²₂ (variance 4): the mean over 20000 has standard error 0.007
    expect(Math.abs(meanNegLogDensity(m, x, 1, 0.1)! - Math.log(2 * Math.PI * Math.E * c))).toBeLessThan(0.03);
  });
  it('is null (not ±Infinity or NaN) when p_t has no density, and finite for the same points at σ > 0', () => {
    const points = [[0.5, 0.2], [-0.7, 0.4]];
    const m = prepareMixture({ weights: [1, 1], means: points, covs: points.map(() => [[0, 0], [0, 0]]) });
    expect(meanNegLogDensity(m, points.flat(), 1, 0)).toBeNull();
    expect(Number.isFinite(meanNegLogDensity(m, points.flat(), 1, 0.01))).toBe(true);
  });
});
