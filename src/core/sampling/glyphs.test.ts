import { describe, expect, it } from 'vitest';
import { SpecError, parseSpec } from '../spec/spec.ts';
import { fillNormal, uniformOpen, randomBits } from '../util/rng.ts';
import { prepareTarget, resolveExperiment, targetImageShape } from './experiment.ts';
import { GLYPH_DIM, glyphInk, glyphMixture, glyphToRgba } from './glyphs.ts';
import { type GaussianMixture, mixtureDenoise, mixtureLogDensity, prepareMixture, sampleMixture } from './gmm.ts';

/** a random mixture with diagonal covariances (some variances exactly 0, like point masses) */
function randomDiagonalMixture(d: number, K: number, seed: number): GaussianMixture {
  let counter = 0;
  const u = () => uniformOpen(randomBits(seed, 9, counter++, 0, 0)[0]);
  const weights = Array.from({ length: K }, () => 0.2 + u());
  const means = Array.from({ length: K }, () => Array.from({ length: d }, () => 2 * u() - 1));
  const covs = Array.from({ length: K }, (_, k) =>
    Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? (k === 0 && i === 0 ? 0 : 0.01 + 0.3 * u() ** 2) : 0))),
  );
  return { weights, means, covs };
}

describe('diagonal fast path (specs §15.1, diagonal variant)', () => {
  for (const [d, K] of [[2, 3], [7, 5], [16, 4]]) {
    it(`equals the general eigen (Jacobi) path to 1e-12: d = ${d}, K = ${K}`, () => {
      const mixture = randomDiagonalMixture(d, K, d * 31 + K);
      const fast = prepareMixture(mixture);
      const general = prepareMixture(mixture, { forceEigen: true });
      expect(fast.diagonal).toBe(true);
      expect(general.diagonal).toBeFalsy();
      const n = 40;
      const x = fillNormal(new Float64Array(n * d), n, d, 5, 0);
      for (const [alpha, sigma] of [[0.05, 0.999], [0.6, 0.8], [0.995, 0.1], [0.9999, 0.01]]) {
        for (const prediction of ['data', 'noise'] as const) {
          const a = new Float64Array(n * d);
          const b = new Float64Array(n * d);
          mixtureDenoise(fast, x, n, alpha, sigma, a, prediction);
          mixtureDenoise(general, x, n, alpha, sigma, b, prediction);
          let worst = 0;
          for (let i = 0; i < n * d; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / Math.max(1, Math.abs(b[i])));
          expect(worst, `${prediction} α = ${alpha}`).toBeLessThan(1e-12);
        }
        for (let p = 0; p < 5; p++) {
          const point = x.subarray(p * d, (p + 1) * d);
          expect(Math.abs(mixtureLogDensity(fast, point, alpha, sigma) - mixtureLogDensity(general, point, alpha, sigma))).toBeLessThan(1e-10);
        }
      }
    });
  }

  it('does no d×d work at d = 256: the prepared glyphs16 mixture carries no eigenvectors', () => {
    const m = prepareTarget({ type: 'glyphs16', components: 10, pixelStd: 0.2 });
    expect(m.dim).toBe(256);
    expect(m.diagonal).toBe(true);
    expect(m.eigenvectors.length).toBe(0);
    // and its denoiser agrees with the formula evaluated independently here, component by component
    const n = 3;
    const x = fillNormal(new Float64Array(n * 256), n, 256, 1, 0);
    const alpha = 0.8, sigma = 0.6;
    const out = new Float64Array(n * 256);
    mixtureDenoise(m, x, n, alpha, sigma, out);
    const g = glyphMixture();
    for (let p = 0; p < n; p++) {
      const logs = g.means.map((mu, k) => {
        let s = Math.log(g.weights[k]);
        for (let i = 0; i < 256; i++) {
          const c = alpha ** 2 * g.variances[k][i] + sigma ** 2;
          s += -0.5 * (x[p * 256 + i] - alpha * mu[i]) ** 2 / c - 0.5 * Math.log(c);
        }
        return s;
      });
      const max = Math.max(...logs);
      const w = logs.map((l) => Math.exp(l - max));
      const total = w.reduce((a, b) => a + b, 0);
      for (const i of [0, 37, 120, 255]) {
        let expected = 0;
        g.means.forEach((mu, k) => {
          const c = alpha ** 2 * g.variances[k][i] + sigma ** 2;
          expected += (w[k] / total) * (mu[i] + (alpha * g.variances[k][i] * (x[p * 256 + i] - alpha * mu[i])) / c);
        });
        expect(Math.abs(out[p * 256 + i] - expected)).toBeLessThan(1e-12);
      }
    }
  });

  it('samples the diagonal mixture with the right per-pixel moments', () => {
    const m = prepareTarget({ type: 'glyphs16', components: 1, pixelStd: 0.3 });
    const n = 4000;
    const s = sampleMixture(m, n, 1, 0, 3);
    const ink = glyphInk(0);
    for (const i of [0, 40, 71, 135]) {
      let mean = 0, sq = 0;
      for (let p = 0; p < n; p++) mean += s[p * 256 + i] / n;
      for (let p = 0; p < n; p++) sq += (s[p * 256 + i] - mean) ** 2 / (n - 1);
      const std = 0.3 * (0.5 + ink[i]);
      expect(Math.abs(mean - (2 * ink[i] - 1))).toBeLessThan(5 * std / Math.sqrt(n));
      expect(Math.abs(Math.sqrt(sq) / std - 1)).toBeLessThan(0.05);
    }
  });
});

describe('glyphs16 target', () => {
  it('draws ten distinct digits in [−1, 1] with ink in the middle and a blank border', () => {
    const g = glyphMixture();
    expect(g.means.length).toBe(10);
    for (const mu of g.means) {
      expect(mu.length).toBe(GLYPH_DIM);
      expect(mu.every((v) => v >= -1 && v <= 1)).toBe(true);
      const inked = mu.filter((v) => v > 0).length;
      expect(inked).toBeGreaterThan(15);
      expect(inked).toBeLessThan(128);
      for (let c = 0; c < 16; c++) expect(mu[c]).toBe(-1); // top row empty
    }
    // every pair of digits differs by many pixels: the modes are well separated against pixelStd = 0.2
    for (let a = 0; a < 10; a++)
      for (let b = a + 1; b < 10; b++) {
        const dist = Math.sqrt(g.means[a].reduce((s, v, i) => s + (v - g.means[b][i]) ** 2, 0));
        expect(dist, `digits ${a}, ${b}`).toBeGreaterThan(3);
      }
  });

  it('is a spec target with defaults, an image shape, and clear errors', () => {
    const base = { version: 1, kind: 'sample', process: { type: 'vp-linear' }, solver: { name: 'ddim' }, schedule: { type: 'logsnr' }, nfe: 5 };
    const spec = parseSpec({ ...base, target: { type: 'glyphs16' } });
    expect(spec.target).toEqual({ type: 'glyphs16', components: 10, pixelStd: 0.2 });
    expect(targetImageShape(spec.target)).toEqual([16, 16]);
    expect(resolveExperiment(spec).dim).toBe(256);
    expect(() => parseSpec({ ...base, target: { type: 'glyphs16', components: 11 } })).toThrow(/target\.components: got 11/);
    expect(() => parseSpec({ ...base, target: { type: 'glyphs16', pixelStd: 0 } })).toThrow(/target\.pixelStd: got 0/);
    expect(() => parseSpec({ ...base, target: { type: 'glyphs16', size: 8 } })).toThrow(SpecError);
  });

  it('allows diagonal gmm targets above 16 dimensions and refuses full ones with the limits named', () => {
    const base = { version: 1, kind: 'sample', process: { type: 'vp-linear' }, solver: { name: 'ddim' }, schedule: { type: 'logsnr' }, nfe: 5 };
    const d = 20;
    const diag = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 0.1 : 0)));
    const spec = parseSpec({ ...base, target: { type: 'gmm', weights: [1], means: [new Array(d).fill(0)], covs: [diag] } });
    expect(resolveExperiment(spec).mixture.diagonal).toBe(true);
    const full = diag.map((row, i) => row.map((v, j) => (Math.abs(i - j) === 1 ? 0.01 : v)));
    expect(() => parseSpec({ ...base, target: { type: 'gmm', weights: [1], means: [new Array(d).fill(0)], covs: [full] } })).toThrow(/target\.covs\.0: .*dimension ≤ 16 \(got 20\).*≤ 2048/);
    expect(() => parseSpec({ ...base, target: { type: 'points', points: [new Array(2049).fill(0), new Array(2049).fill(1)] } })).toThrow(/target\.points\.0/);
  });

  it('renders a sample as grey RGBA pixels', () => {
    const g = glyphMixture({ components: 2 });
    const rgba = glyphToRgba(g.means[1], 0, new Uint8ClampedArray(1024));
    const ink = glyphInk(1);
    for (let i = 0; i < 256; i++) {
      expect(rgba[4 * i]).toBe(Math.round(255 * ink[i]));
      expect(rgba[4 * i + 3]).toBe(255);
    }
  });
});
