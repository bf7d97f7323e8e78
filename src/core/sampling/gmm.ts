// Gaussian-mixture targets p0 = Σ_k π_k N(μ_k, Σ_k) and their exact denoiser (specs/samplers.md §15.1).
// Every covariance kind (isotropic, diagonal, full) is reduced here, in float64, to one eigen form
// Σ_k = U_k diag(e_k) U_kᵀ, which is what both the CPU denoiser and the WGSL kernel evaluate:
//   C_k = α²Σ_k + σ²I,  log w̃_k = log π_k − ½ yᵀ diag(1/c) y − ½ Σ log c,  y = U_kᵀ(x − αμ_k), c = α²e_k + σ²,
//   D(x) = Σ_k w_k [μ_k + α U_k diag(e_k/c) y]   with w = softmax(log w̃) (max-subtracted),
//   ε̂(x) = σ Σ_k w_k U_k diag(1/c) y            (the stable form of (x − αD)/σ, finite as σ → 0).
// Diagonal covariances (every off-diagonal entry exactly 0) take the diagonal form of §15.1 instead:
// U_k = I is never multiplied, e_k are the per-coordinate variances and every step is elementwise, O(K·d) per
// point instead of O(K·d²) (what makes the 256-D glyphs16 target affordable, specs §17.2).

import { symmetricEigen } from '../util/linalg.ts';
import { RngStream, normalPair, randomBits, uniformOpen } from '../util/rng.ts';

export interface GaussianMixture {
  weights: number[];
  means: number[][];
  /** full covariance matrices, one per component */
  covs: number[][][];
}

/** A mixture with diagonal covariances Σ_k = diag(variances_k): no d×d matrix is ever built. */
export interface DiagonalMixture {
  weights: number[];
  means: number[][];
  /** per-coordinate variances s²_{k,i} ≥ 0, one row per component */
  variances: number[][];
}

/**
 * Up to this dimension a diagonal mixture still carries its (identity) eigenvectors, so code written against the
 * eigen form keeps working for small targets; above it `eigenvectors` is empty (K·d² would be wasted memory).
 */
export const DIAGONAL_EIGENVECTORS_MAX_DIM = 16;

/** A mixture in eigen form, flattened for upload. */
export interface PreparedMixture {
  dim: number;
  components: number;
  /** log π_k (normalised) */
  logWeights: Float64Array;
  /** μ_k, row k */
  means: Float64Array;
  /** U_k row-major: U[k·d·d + i·d + j] = component i of eigenvector j */
  eigenvectors: Float64Array;
  /** e_k, eigenvalues ≥ 0 (for a diagonal mixture: the per-coordinate variances, in coordinate order) */
  eigenvalues: Float64Array;
  /**
   * true when every Σ_k is diagonal: U_k = I, and `eigenvectors` holds that identity only when
   * dim ≤ DIAGONAL_EIGENVECTORS_MAX_DIM (empty above). Consumers must take the elementwise path when set.
   */
  diagonal?: boolean;
}

export interface PrepareOptions {
  /** always take the general eigen path (Jacobi), even for diagonal covariances: the fast path's test oracle */
  forceEigen?: boolean;
}

/** a covariance whose off-diagonal entries are all exactly zero */
function isDiagonalMatrix(c: number[][]): boolean {
  for (let i = 0; i < c.length; i++) for (let j = 0; j < c.length; j++) if (i !== j && c[i][j] !== 0) return false;
  return true;
}

/** Prepare a diagonal mixture (specs §15.1, diagonal variant) without any d×d work. */
export function prepareDiagonalMixture(mixture: DiagonalMixture): PreparedMixture {
  const components = mixture.weights.length;
  const dim = mixture.means[0].length;
  const total = mixture.weights.reduce((a, b) => a + b, 0);
  const logWeights = new Float64Array(components);
  const means = new Float64Array(components * dim);
  const eigenvalues = new Float64Array(components * dim);
  const withVectors = dim <= DIAGONAL_EIGENVECTORS_MAX_DIM;
  const eigenvectors = new Float64Array(withVectors ? components * dim * dim : 0);
  for (let k = 0; k < components; k++) {
    logWeights[k] = Math.log(mixture.weights[k] / total);
    means.set(mixture.means[k], k * dim);
    for (let i = 0; i < dim; i++) {
      const v = mixture.variances[k][i];
      if (!(v >= 0) || !Number.isFinite(v)) throw new Error(`variances[${k}][${i}]: got ${v}; must be a finite number ≥ 0`);
      eigenvalues[k * dim + i] = v;
      if (withVectors) eigenvectors[k * dim * dim + i * dim + i] = 1;
    }
  }
  return { dim, components, logWeights, means, eigenvectors, eigenvalues, diagonal: true };
}

export function prepareMixture(mixture: GaussianMixture, options: PrepareOptions = {}): PreparedMixture {
  if (!options.forceEigen && mixture.covs.every(isDiagonalMatrix))
    return prepareDiagonalMixture({ weights: mixture.weights, means: mixture.means, variances: mixture.covs.map((c) => c.map((row, i) => row[i])) });
  const components = mixture.weights.length;
  const dim = mixture.means[0].length;
  const total = mixture.weights.reduce((a, b) => a + b, 0);
  const logWeights = new Float64Array(components);
  const means = new Float64Array(components * dim);
  const eigenvectors = new Float64Array(components * dim * dim);
  const eigenvalues = new Float64Array(components * dim);
  for (let k = 0; k < components; k++) {
    logWeights[k] = Math.log(mixture.weights[k] / total);
    means.set(mixture.means[k], k * dim);
    const eig = symmetricEigen(mixture.covs[k]);
    for (let j = 0; j < dim; j++) {
      // tiny negative eigenvalues of a PSD matrix are rounding: clip to 0
      eigenvalues[k * dim + j] = Math.max(eig.values[j], 0);
      for (let i = 0; i < dim; i++) eigenvectors[k * dim * dim + i * dim + j] = eig.vectors[i][j];
    }
  }
  return { dim, components, logWeights, means, eigenvectors, eigenvalues };
}

/** What a model evaluation returns: the data prediction D = E[x0 | x_t] or the noise prediction ε̂ = E[ε | x_t]. */
export type Prediction = 'data' | 'noise';

/**
 * Exact posterior mean D(x, t) = E[x0 | x_t = x] (or ε̂ with prediction 'noise') for n particles in x
 * (row-major n×d), written to out.
 */
export function mixtureDenoise(
  m: PreparedMixture,
  x: Float64Array,
  n: number,
  alpha: number,
  sigma: number,
  out: Float64Array,
  prediction: Prediction = 'data',
): void {
  if (m.diagonal) return diagonalDenoise(m, x, n, alpha, sigma, out, prediction);
  const noise = prediction === 'noise';
  const d = m.dim;
  const y = new Float64Array(d);
  const c = new Float64Array(d);
  const acc = new Float64Array(d);
  const dk = new Float64Array(d);
  const s2 = sigma * sigma;
  for (let p = 0; p < n; p++) {
    let maxLog = -Infinity;
    let norm = 0;
    acc.fill(0);
    for (let k = 0; k < m.components; k++) {
      const U = k * d * d;
      let quad = 0;
      let logDet = 0;
      for (let j = 0; j < d; j++) {
        let yj = 0;
        for (let i = 0; i < d; i++) yj += m.eigenvectors[U + i * d + j] * (x[p * d + i] - alpha * m.means[k * d + i]);
        y[j] = yj;
        c[j] = alpha * alpha * m.eigenvalues[k * d + j] + s2;
        quad += (yj * yj) / c[j];
        logDet += Math.log(c[j]);
      }
      const logW = m.logWeights[k] - 0.5 * quad - 0.5 * logDet;
      for (let i = 0; i < d; i++) {
        let v = 0;
        if (noise) for (let j = 0; j < d; j++) v += m.eigenvectors[U + i * d + j] * (y[j] / c[j]);
        else for (let j = 0; j < d; j++) v += m.eigenvectors[U + i * d + j] * ((m.eigenvalues[k * d + j] / c[j]) * y[j]);
        dk[i] = noise ? sigma * v : m.means[k * d + i] + alpha * v;
      }
      // online (streaming) log-sum-exp: rescale the running sums when the max grows
      if (logW > maxLog) {
        const scale = Math.exp(maxLog - logW);
        norm *= scale;
        for (let i = 0; i < d; i++) acc[i] *= scale;
        maxLog = logW;
      }
      const w = Math.exp(logW - maxLog);
      norm += w;
      for (let i = 0; i < d; i++) acc[i] += w * dk[i];
    }
    for (let i = 0; i < d; i++) out[p * d + i] = acc[i] / norm;
  }
}

/**
 * The diagonal form of mixtureDenoise (specs §15.1): c_{k,i} = α² s²_{k,i} + σ², r = x − αμ_k,
 * log w̃_k = log π_k − ½ Σ_i r_i²/c_{k,i} − ½ Σ_i log c_{k,i},
 * D = Σ_k w_k (μ_k + α s²_k r / c_k),  ε̂ = σ Σ_k w_k r / c_k. Same streaming log-sum-exp as the eigen form.
 */
function diagonalDenoise(m: PreparedMixture, x: Float64Array, n: number, alpha: number, sigma: number, out: Float64Array, prediction: Prediction): void {
  const noise = prediction === 'noise';
  const d = m.dim;
  const K = m.components;
  const s2 = sigma * sigma;
  const a2 = alpha * alpha;
  // c_{k,i} and Σ_i log c_{k,i} depend only on (α, σ): once per call, not per particle
  const c = new Float64Array(K * d);
  const halfLogDet = new Float64Array(K);
  for (let j = 0; j < K * d; j++) c[j] = a2 * m.eigenvalues[j] + s2;
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let i = 0; i < d; i++) s += Math.log(c[k * d + i]);
    halfLogDet[k] = 0.5 * s;
  }
  const acc = new Float64Array(d);
  for (let p = 0; p < n; p++) {
    const row = p * d;
    let maxLog = -Infinity;
    let norm = 0;
    acc.fill(0);
    for (let k = 0; k < K; k++) {
      const base = k * d;
      let quad = 0;
      for (let i = 0; i < d; i++) {
        const r = x[row + i] - alpha * m.means[base + i];
        quad += (r * r) / c[base + i];
      }
      const logW = m.logWeights[k] - 0.5 * quad - halfLogDet[k];
      if (logW > maxLog) {
        const scale = Math.exp(maxLog - logW);
        norm *= scale;
        for (let i = 0; i < d; i++) acc[i] *= scale;
        maxLog = logW;
      }
      const w = Math.exp(logW - maxLog);
      norm += w;
      for (let i = 0; i < d; i++) {
        const r = x[row + i] - alpha * m.means[base + i];
        acc[i] += w * (noise ? (sigma * r) / c[base + i] : m.means[base + i] + (alpha * m.eigenvalues[base + i] * r) / c[base + i]);
      }
    }
    for (let i = 0; i < d; i++) out[row + i] = acc[i] / norm;
  }
}

/** log p_t(x) of the marginal p_t = Σ π_k N(αμ_k, α²Σ_k + σ²I), for one point. */
export function mixtureLogDensity(m: PreparedMixture, x: ArrayLike<number>, alpha: number, sigma: number): number {
  const d = m.dim;
  const terms: number[] = [];
  for (let k = 0; k < m.components; k++) {
    let quad = 0;
    let logDet = 0;
    for (let j = 0; j < d; j++) {
      let yj = 0;
      // diagonal: U = I, the eigen coordinate is the coordinate itself (no d×d work)
      if (m.diagonal) yj = x[j] - alpha * m.means[k * d + j];
      else for (let i = 0; i < d; i++) yj += m.eigenvectors[k * d * d + i * d + j] * (x[i] - alpha * m.means[k * d + i]);
      const c = alpha * alpha * m.eigenvalues[k * d + j] + sigma * sigma;
      quad += (yj * yj) / c;
      logDet += Math.log(c);
    }
    terms.push(m.logWeights[k] - 0.5 * quad - 0.5 * logDet - 0.5 * d * Math.log(2 * Math.PI));
  }
  const max = Math.max(...terms);
  return max + Math.log(terms.reduce((s, v) => s + Math.exp(v - max), 0));
}

/**
 * n exact samples of p_t (α, σ) from the counter-based RNG: component by inverse CDF of one uniform, then
 * αμ_k + α U_k diag(√e_k) z + σ z'. With α = 1, σ = 0 these are samples of the data distribution p0.
 * Sample j uses the RNG's particle index firstParticle + j, so disjoint index ranges are independent sets.
 */
export function sampleMixture(m: PreparedMixture, n: number, alpha: number, sigma: number, seed: number, firstParticle = 0): Float64Array {
  const d = m.dim;
  const out = new Float64Array(n * d);
  const cdf: number[] = [];
  let acc = 0;
  for (let k = 0; k < m.components; k++) cdf.push((acc += Math.exp(m.logWeights[k])));
  const z = new Float64Array(2 * d + 2);
  for (let p = 0; p < n; p++) {
    const u = uniformOpen(randomBits(seed, RngStream.referenceComponent, firstParticle + p, 0, 0)[0]) * acc;
    let k = 0;
    while (k < m.components - 1 && u > cdf[k]) k++;
    for (let b = 0; b < d; b++) {
      const [z0, z1] = normalPair(seed, RngStream.referenceGaussian, firstParticle + p, 0, b);
      z[2 * b] = z0;
      z[2 * b + 1] = z1;
    }
    for (let i = 0; i < d; i++) {
      let v = alpha * m.means[k * d + i];
      if (m.diagonal) v += alpha * Math.sqrt(m.eigenvalues[k * d + i]) * z[2 * i];
      else for (let j = 0; j < d; j++) v += alpha * m.eigenvectors[k * d * d + i * d + j] * Math.sqrt(m.eigenvalues[k * d + j]) * z[2 * j];
      out[p * d + i] = v + sigma * z[2 * i + 1];
    }
  }
  return out;
}

/** RMS distance of the data to its mean, √(Σ π_k (tr Σ_k + ‖μ_k − μ‖²)): the length scale of the metrics (§17.3a). */
export function mixtureScale(m: PreparedMixture): number {
  const d = m.dim;
  const mean = new Float64Array(d);
  for (let k = 0; k < m.components; k++) for (let i = 0; i < d; i++) mean[i] += Math.exp(m.logWeights[k]) * m.means[k * d + i];
  let total = 0;
  for (let k = 0; k < m.components; k++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += m.eigenvalues[k * d + j];
    for (let i = 0; i < d; i++) s += (m.means[k * d + i] - mean[i]) ** 2;
    total += Math.exp(m.logWeights[k]) * s;
  }
  return Math.sqrt(total);
}
