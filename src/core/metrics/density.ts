// Diagnostics that use the exact density of the marginal p_t = Σ_k π_k N(αμ_k, α²Σ_k + σ²I) (specs/samplers.md
// §15.1, §17.3a): the mode-mass error from argmax responsibilities and the mean exact NLL. float64; the GPU twin
// is shaders/sampler/modes.wgsl.

import { mixtureLogDensity, type PreparedMixture } from '../sampling/gmm.ts';

/**
 * True when p_t has no density: some component covariance α²Σ_k + σ²I is singular, e.g. the `points` target
 * (Σ_k = 0) at σ = 0 (a grid that ends at t = 0, §17.4). Then the NLL is not defined and modes go by nearest mean.
 */
export function isDegenerate(m: PreparedMixture, alpha: number, sigma: number): boolean {
  for (let i = 0; i < m.eigenvalues.length; i++) if (alpha * alpha * m.eigenvalues[i] + sigma * sigma <= 0) return true;
  return false;
}

/**
 * The component of largest responsibility for each of the n points of x (row-major n×d) under p_t:
 * argmax_k log π_k − ½ yᵀ diag(1/c) y − ½ Σ log c (§15.1; the common −(d/2) log 2π does not change the argmax).
 * Ties go to the lowest k, as on the GPU. When p_t is degenerate (isDegenerate), the point goes to the nearest
 * αμ_k in Euclidean distance: the σ → 0 limit of the responsibilities of point masses with a common σ²I.
 */
export function modeAssignments(m: PreparedMixture, x: ArrayLike<number>, alpha: number, sigma: number): Int32Array {
  const d = m.dim;
  const n = x.length / d;
  const degenerate = isDegenerate(m, alpha, sigma);
  const out = new Int32Array(n);
  for (let p = 0; p < n; p++) {
    let best = -Infinity;
    let arg = 0;
    for (let k = 0; k < m.components; k++) {
      let score: number;
      if (degenerate) {
        let dist2 = 0;
        for (let i = 0; i < d; i++) dist2 += (x[p * d + i] - alpha * m.means[k * d + i]) ** 2;
        score = -dist2;
      } else {
        let quad = 0;
        let logDet = 0;
        for (let j = 0; j < d; j++) {
          let y = 0;
          for (let i = 0; i < d; i++) y += m.eigenvectors[k * d * d + i * d + j] * (x[p * d + i] - alpha * m.means[k * d + i]);
          const c = alpha * alpha * m.eigenvalues[k * d + j] + sigma * sigma;
          quad += (y * y) / c;
          logDet += Math.log(c);
        }
        score = m.logWeights[k] - 0.5 * quad - 0.5 * logDet;
      }
      if (score > best) {
        best = score;
        arg = k;
      }
    }
    out[p] = arg;
  }
  return out;
}

/** how many points each component gets, from modeAssignments */
export function modeCounts(m: PreparedMixture, x: ArrayLike<number>, alpha: number, sigma: number): Float64Array {
  const counts = new Float64Array(m.components);
  for (const k of modeAssignments(m, x, alpha, sigma)) counts[k]++;
  return counts;
}

/** ½ Σ_k |π̂_k − π_k| with π̂_k = counts_k / Σ counts (total variation between the mode masses, in [0, 1]) */
export function modeMassErrorFromCounts(m: PreparedMixture, counts: ArrayLike<number>): number {
  let total = 0;
  for (let k = 0; k < counts.length; k++) total += counts[k];
  let s = 0;
  for (let k = 0; k < m.components; k++) s += Math.abs(counts[k] / total - Math.exp(m.logWeights[k]));
  return 0.5 * s;
}

export function modeMassError(m: PreparedMixture, x: ArrayLike<number>, alpha: number, sigma: number): number {
  return modeMassErrorFromCounts(m, modeCounts(m, x, alpha, sigma));
}

/**
 * Mean exact NLL −(1/n) Σ_i log p_t(x_i), or null when p_t has no density (isDegenerate): a point-mass target
 * at σ = 0 has no finite NLL, and reporting ±Infinity or NaN would poison means and charts (§17.3a: always shown
 * next to the same quantity on exact samples, which estimates the entropy H(p_t)).
 */
export function meanNegLogDensity(m: PreparedMixture, x: ArrayLike<number>, alpha: number, sigma: number): number | null {
  if (isDegenerate(m, alpha, sigma)) return null;
  const d = m.dim;
  const n = x.length / d;
  const point = new Float64Array(d);
  let s = 0;
  for (let p = 0; p < n; p++) {
    for (let i = 0; i < d; i++) point[i] = x[p * d + i];
    s -= mixtureLogDensity(m, point, alpha, sigma);
  }
  return s / n;
}
