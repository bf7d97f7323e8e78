import { describe, expect, it } from 'vitest';
import { fillNormal } from '../util/rng.ts';
import { mixtureDenoise, mixtureLogDensity, prepareMixture, sampleMixture, type GaussianMixture } from './gmm.ts';
import { TARGET_PRESETS, targetPreset } from './presets.ts';

const threeComponent: GaussianMixture = {
  weights: [0.5, 0.3, 0.2],
  means: [[-1, 0], [1, 0.5], [0, -1]],
  covs: [
    [[0.09, 0.05], [0.05, 0.16]], // full
    [[0.04, 0], [0, 0.25]], // diagonal
    [[0.01, 0], [0, 0.01]], // isotropic
  ],
};

describe('Gaussian-mixture denoiser (specs §15.1)', () => {
  const m = prepareMixture(threeComponent);

  it('matches a Monte-Carlo estimate of E[x0 | x_t]', () => {
    // Self-normalised importance sampling: x0 ~ p0, weight N(x_t; α x0, σ² I).
    const alpha = 0.6;
    const sigma = 0.8;
    const samples = 400_000;
    const x0 = sampleMixture(m, samples, 1, 0, 11);
    const queries = [[0.3, 0.2], [-1.2, 0.4], [0.1, -0.9]];
    for (const q of queries) {
      let wsum = 0, e0 = 0, e1 = 0;
      for (let i = 0; i < samples; i++) {
        const d0 = q[0] - alpha * x0[2 * i];
        const d1 = q[1] - alpha * x0[2 * i + 1];
        const w = Math.exp(-(d0 * d0 + d1 * d1) / (2 * sigma * sigma));
        wsum += w; e0 += w * x0[2 * i]; e1 += w * x0[2 * i + 1];
      }
      const out = new Float64Array(2);
      mixtureDenoise(m, Float64Array.from(q), 1, alpha, sigma, out);
      expect(Math.abs(out[0] - e0 / wsum)).toBeLessThan(6e-3);
      expect(Math.abs(out[1] - e1 / wsum)).toBeLessThan(6e-3);
    }
  });

  it('satisfies Tweedie: D = (x + σ² ∇log p_t)/α with a finite-difference score', () => {
    const alpha = 0.9;
    const sigma = 0.4;
    const h = 1e-5;
    for (const q of [[0.2, 0.1], [-0.7, 0.3]]) {
      const grad = [0, 1].map((j) => {
        const a = q.slice(); const b = q.slice();
        a[j] += h; b[j] -= h;
        return (mixtureLogDensity(m, a, alpha, sigma) - mixtureLogDensity(m, b, alpha, sigma)) / (2 * h);
      });
      const out = new Float64Array(2);
      mixtureDenoise(m, Float64Array.from(q), 1, alpha, sigma, out);
      for (let j = 0; j < 2; j++) expect(out[j]).toBeCloseTo((q[j] + sigma * sigma * grad[j]) / alpha, 7);
    }
  });

  it('stays finite and exact far from all modes (log-sum-exp responsibilities)', () => {
    const out = new Float64Array(2);
    mixtureDenoise(m, Float64Array.from([40, -40]), 1, 0.999, 0.01, out);
    expect(Number.isFinite(out[0]) && Number.isFinite(out[1])).toBe(true);
  });

  it('samples the mixture: empirical mean and covariance match', () => {
    const n = 200_000;
    const x = sampleMixture(m, n, 1, 0, 3);
    let mx = 0, my = 0;
    for (let i = 0; i < n; i++) { mx += x[2 * i]; my += x[2 * i + 1]; }
    const w = threeComponent.weights;
    const mu = [0, 1].map((j) => w.reduce((s, wk, k) => s + wk * threeComponent.means[k][j], 0));
    expect(mx / n).toBeCloseTo(mu[0], 2);
    expect(my / n).toBeCloseTo(mu[1], 2);
  });

  it('every preset is a valid 2D mixture whose samples have finite log density', () => {
    for (const name of TARGET_PRESETS) {
      const p = prepareMixture(targetPreset(name));
      expect(p.dim).toBe(2);
      const z = fillNormal(new Float64Array(20), 10, 2, 0, 0);
      const out = new Float64Array(20);
      mixtureDenoise(p, z, 10, 0.5, 0.8, out);
      expect(out.every(Number.isFinite)).toBe(true);
      const s = sampleMixture(p, 5, 1, 0, 0);
      expect(Number.isFinite(mixtureLogDensity(p, s.subarray(0, 2), 1, 1e-3))).toBe(true);
    }
  });
});
