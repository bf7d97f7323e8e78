import { describe, expect, it } from 'vitest';
import { prepareTarget } from '../sampling/experiment.ts';
import { glyphMixture } from '../sampling/glyphs.ts';
import { prepareDiagonalMixture, prepareMixture, sampleMixture } from '../sampling/gmm.ts';
import { fillNormal } from '../util/rng.ts';
import { FEATURE_DIM, FEATURE_LAYOUT, FEATURE_MAP_SEED, featureMapWeights, rfFeatures } from './features.ts';
import { FrechetReference, frechetDistance, jacobiEigen, mixtureMoments, psdSqrt, sampleMoments } from './frechet.ts';
import { RngStream, normalPair } from '../util/rng.ts';

/** a random orthogonal matrix by Gram–Schmidt on Gaussian columns (independent of the code under test) */
function randomOrthogonal(d: number, seed: number): Float64Array {
  const g = fillNormal(new Float64Array(d * d), d, d, seed, 0);
  const q = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const col = Array.from({ length: d }, (_, i) => g[i * d + j]);
    for (let pass = 0; pass < 2; pass++)
      for (let k = 0; k < j; k++) {
        let dot = 0;
        for (let i = 0; i < d; i++) dot += col[i] * q[i * d + k];
        for (let i = 0; i < d; i++) col[i] -= dot * q[i * d + k];
      }
    const norm = Math.hypot(...col);
    for (let i = 0; i < d; i++) q[i * d + j] = col[i] / norm;
  }
  return q;
}

/** Q diag(λ) Qᵀ */
function fromEigen(q: Float64Array, lambda: number[], d: number): Float64Array {
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) for (let k = 0; k < d; k++) for (let j = 0; j < d; j++) a[i * d + k] += q[i * d + j] * lambda[j] * q[k * d + j];
  return a;
}

describe('Jacobi symmetric eigen decomposition', () => {
  for (const d of [5, 40, 128]) {
    it(`reconstructs a random SPD matrix with known spectrum (d = ${d})`, () => {
      const q = randomOrthogonal(d, d);
      const lambda = Array.from({ length: d }, (_, j) => 1e-3 + Math.exp(-j / 10) * (1 + Math.sin(j)));
      const a = fromEigen(q, lambda, d);
      const { values, vectors } = jacobiEigen(a, d);
      const sorted = [...lambda].sort((x, y) => x - y);
      values.forEach((v, j) => expect(Math.abs(v - sorted[j])).toBeLessThan(1e-12 * sorted[d - 1]));
      let worst = 0;
      let orth = 0;
      for (let i = 0; i < d; i++)
        for (let k = 0; k < d; k++) {
          let r = 0;
          let o = 0;
          for (let j = 0; j < d; j++) {
            r += vectors[i * d + j] * values[j] * vectors[k * d + j];
            o += vectors[j * d + i] * vectors[j * d + k];
          }
          worst = Math.max(worst, Math.abs(r - a[i * d + k]));
          orth = Math.max(orth, Math.abs(o - (i === k ? 1 : 0)));
        }
      expect(worst).toBeLessThan(1e-12 * sorted[d - 1]);
      expect(orth).toBeLessThan(1e-12);
    });
  }

  it('gives the square root of a PSD matrix, clipping rounding-level negative eigenvalues', () => {
    const d = 12;
    const q = randomOrthogonal(d, 7);
    const lambda = Array.from({ length: d }, (_, j) => (j < 3 ? -1e-17 : 0.1 * j));
    const root = psdSqrt(fromEigen(q, lambda, d), d);
    const expected = fromEigen(q, lambda.map((l) => Math.sqrt(Math.max(l, 0))), d);
    // √ is not Lipschitz at 0: rounding-level eigenvalues (~1e−16) of the null space become ~1e−8 entries
    root.forEach((v, i) => expect(Math.abs(v - expected[i])).toBeLessThan(1e-7));
    expect(root.every(Number.isFinite)).toBe(true);
  });

  it('refuses a matrix with NaN or the wrong size', () => {
    expect(() => jacobiEigen(new Float64Array([1, NaN, NaN, 1]), 2)).toThrow(/NaN/);
    expect(() => jacobiEigen(new Float64Array(5), 2)).toThrow(/expected d² = 4/);
  });
});

describe('Fréchet distance (specs §17.1, §17.3b)', () => {
  const d = 24;
  const q = randomOrthogonal(d, 3);
  const a = Array.from({ length: d }, (_, j) => 0.05 + 0.3 * j);
  const b = Array.from({ length: d }, (_, j) => 0.2 + 0.1 * ((j * 7) % 11));
  const mu1 = Float64Array.from({ length: d }, (_, i) => Math.sin(i));
  const mu2 = Float64Array.from({ length: d }, (_, i) => Math.cos(i) / 2);

  it('of a Gaussian and itself is 0', () => {
    const fit = { mean: mu1, cov: fromEigen(q, a, d) };
    const fd = frechetDistance(fit, fit);
    expect(fd).toBeGreaterThanOrEqual(0);
    expect(fd).toBeLessThan(1e-10 * a.reduce((s, v) => s + v, 0));
  });

  it('between commuting covariances equals ‖Δμ‖² + Σ(√a − √b)²', () => {
    const expected = mu1.reduce((s, v, i) => s + (v - mu2[i]) ** 2, 0) + a.reduce((s, v, j) => s + (Math.sqrt(v) - Math.sqrt(b[j])) ** 2, 0);
    const got = frechetDistance({ mean: mu1, cov: fromEigen(q, a, d) }, { mean: mu2, cov: fromEigen(q, b, d) });
    expect(Math.abs(got - expected)).toBeLessThan(1e-10 * expected);
    // symmetric in its arguments, and the cached-reference form agrees
    const ref = new FrechetReference({ mean: mu2, cov: fromEigen(q, b, d) });
    expect(Math.abs(ref.distance({ mean: mu1, cov: fromEigen(q, a, d) }) - expected)).toBeLessThan(1e-10 * expected);
  });

  it('between non-commuting 2×2 covariances equals the closed form of √ of a 2×2 PSD matrix', () => {
    // Tr √M for 2×2 PSD M: √(tr M + 2√det M)
    const s1 = new Float64Array([2, 0.5, 0.5, 1]);
    const s2 = new Float64Array([1, -0.3, -0.3, 0.5]);
    const det = (m: Float64Array) => m[0] * m[3] - m[1] * m[2];
    // Tr((S1^{1/2} S2 S1^{1/2})^{1/2}) = √(tr(S1 S2) + 2√(det S1 det S2))
    const tr12 = s1[0] * s2[0] + s1[1] * s2[2] + s1[2] * s2[1] + s1[3] * s2[3];
    const expected = 2 + 1 + 1 + 0.5 - 2 * Math.sqrt(tr12 + 2 * Math.sqrt(det(s1) * det(s2)));
    const zero = new Float64Array(2);
    expect(Math.abs(frechetDistance({ mean: zero, cov: s1 }, { mean: zero, cov: s2 }) - expected)).toBeLessThan(1e-13);
  });

  it('sampleMoments and mixtureMoments agree on a diagonal and a full mixture', () => {
    const full = prepareMixture({ weights: [1, 3], means: [[0, 1, 0], [2, -1, 1]], covs: [[[0.2, 0.05, 0], [0.05, 0.1, 0.02], [0, 0.02, 0.3]], [[0.01, 0, 0], [0, 0.02, 0], [0, 0, 0.03]]] });
    const diag = prepareDiagonalMixture({ weights: [1, 3], means: [[0, 1, 0], [2, -1, 1]], variances: [[0.2, 0.1, 0.3], [0.01, 0.02, 0.03]] });
    for (const m of [full, diag]) {
      const n = 200_000;
      const exact = mixtureMoments(m, 0.8, 0.5);
      const fit = sampleMoments(sampleMixture(m, n, 0.8, 0.5, 9), n, 3);
      for (let i = 0; i < 3; i++) expect(Math.abs(fit.mean[i] - exact.mean[i])).toBeLessThan(0.01);
      for (let i = 0; i < 9; i++) expect(Math.abs(fit.cov[i] - exact.cov[i])).toBeLessThan(0.01);
      // the closed form itself, by hand for entry (0, 0) of the diagonal mixture: π-weighted α²s² + σ² + α² spread
      if (m.diagonal) expect(Math.abs(exact.cov[0] - (0.64 * (0.25 * 0.2 + 0.75 * 0.01) + 0.25 + 0.64 * (0.25 * 1.5 ** 2 + 0.75 * 0.5 ** 2)))).toBeLessThan(1e-14);
    }
  });
});

describe('FD-RF feature map (specs §17.3b)', () => {
  it('is seeded from the project RNG (stream 6) with He-normal / N(0, 1/D) / N(0, 0.25) scales', () => {
    const w = featureMapWeights();
    expect(w[FEATURE_LAYOUT.conv1]).toBe(Math.sqrt(2 / 9) * normalPair(FEATURE_MAP_SEED, RngStream.featureMap, 0, 0, 0)[0]);
    expect(w[FEATURE_LAYOUT.conv2 + 3]).toBe(Math.sqrt(2 / 144) * normalPair(FEATURE_MAP_SEED, 6, 1, 0, 1)[1]);
    expect(w[FEATURE_LAYOUT.projection + 2049]).toBe((1 / 16) * normalPair(FEATURE_MAP_SEED, 6, 2, 1, 0)[1]);
    const std = (from: number, count: number) => Math.sqrt(w.subarray(from, from + count).reduce((s, v) => s + v * v, 0) / count);
    expect(std(FEATURE_LAYOUT.conv2, 4608) / Math.sqrt(2 / 144)).toBeCloseTo(1, 1);
    expect(std(FEATURE_LAYOUT.projection, 192 * 256) / (1 / 16)).toBeCloseTo(1, 1);
    expect(std(FEATURE_LAYOUT.bias, 192) / 0.5).toBeCloseTo(1, 0);
  });

  it('equals an independent scatter-form evaluation of the two convolutions, pooling and projection', () => {
    const w = featureMapWeights();
    const n = 3;
    const x = fillNormal(new Float64Array(n * 256), n, 256, 12, 0);
    const got = rfFeatures(x, n);
    for (let p = 0; p < n; p++) {
      const img = x.subarray(p * 256, (p + 1) * 256);
      // scatter: every input pixel adds to the outputs whose 3×3 window covers it
      const h1 = new Float64Array(16 * 64);
      for (let y = 0; y < 16; y++)
        for (let xx = 0; xx < 16; xx++)
          for (let oy = 0; oy < 8; oy++)
            for (let ox = 0; ox < 8; ox++) {
              const ky = y - 2 * oy + 1;
              const kx = xx - 2 * ox + 1;
              if (ky < 0 || ky > 2 || kx < 0 || kx > 2) continue;
              for (let o = 0; o < 16; o++) h1[o * 64 + oy * 8 + ox] += w[o * 9 + ky * 3 + kx] * img[y * 16 + xx];
            }
      h1.forEach((v, i) => (h1[i] = Math.max(v, 0)));
      const h2 = new Float64Array(32 * 16);
      for (let c = 0; c < 16; c++)
        for (let y = 0; y < 8; y++)
          for (let xx = 0; xx < 8; xx++)
            for (let oy = 0; oy < 4; oy++)
              for (let ox = 0; ox < 4; ox++) {
                const ky = y - 2 * oy + 1;
                const kx = xx - 2 * ox + 1;
                if (ky < 0 || ky > 2 || kx < 0 || kx > 2) continue;
                for (let o = 0; o < 32; o++) h2[o * 16 + oy * 4 + ox] += w[144 + ((o * 16 + c) * 3 + ky) * 3 + kx] * h1[c * 64 + y * 8 + xx];
              }
      h2.forEach((v, i) => (h2[i] = Math.max(v, 0)));
      for (let o = 0; o < 32; o++) {
        const ch = Array.from(h2.subarray(o * 16, o * 16 + 16));
        expect(Math.abs(got[p * FEATURE_DIM + o] - ch.reduce((s, v) => s + v, 0) / 16)).toBeLessThan(1e-12);
        expect(Math.abs(got[p * FEATURE_DIM + 32 + o] - Math.max(...ch))).toBeLessThan(1e-12);
      }
      for (let j = 0; j < 192; j++) {
        let s = w[FEATURE_LAYOUT.bias + j];
        for (let i = 0; i < 256; i++) s += w[FEATURE_LAYOUT.projection + j * 256 + i] * img[i];
        expect(Math.abs(got[p * FEATURE_DIM + 64 + j] - Math.max(s, 0))).toBeLessThan(1e-12);
      }
    }
  });
});

describe('FD-RF on glyphs16 (specs §17.2)', () => {
  it('is large when one digit is dropped and small (the null band) for an exact set of the same size', () => {
    const alpha = 0.9995, sigma = 0.0316; // about VP-linear at t = 1e-3
    const full = prepareTarget({ type: 'glyphs16', components: 10, pixelStd: 0.2 });
    const nRef = 4000;
    const n = 2000;
    const fit = (x: Float64Array, count: number) => sampleMoments(rfFeatures(x, count), count, FEATURE_DIM);
    const reference = new FrechetReference(fit(sampleMixture(full, nRef, alpha, sigma, 1), nRef));
    // null: independent exact samples (disjoint RNG particle range); dropped: digit 9 removed, the rest reweighted
    const nullFd = reference.distance(fit(sampleMixture(full, n, alpha, sigma, 1, nRef), n));
    const g = glyphMixture();
    const dropped = prepareDiagonalMixture({ weights: g.weights.slice(0, 9), means: g.means.slice(0, 9), variances: g.variances.slice(0, 9) });
    const droppedFd = reference.distance(fit(sampleMixture(dropped, n, alpha, sigma, 2), n));
    console.log(`FD-RF glyphs16 n_ref = ${nRef}, n = ${n}: null ${nullFd.toFixed(4)}, one digit dropped ${droppedFd.toFixed(4)}`);
    expect(droppedFd).toBeGreaterThan(5 * nullFd);
    // and the null is the size of the plug-in bias, not 0: a broken (constant) feature map would give 0 for both
    expect(nullFd).toBeGreaterThan(0);
  });
});
