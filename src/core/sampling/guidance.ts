// A guidance-like stress setting for the momentum samplers (specs §11, §18.4 item 4): classifier-free guidance
// between two exact mixtures, ε̂_w = ε̂_u + w·(ε̂_c − ε̂_u) (equivalently D_w = D_u + w·(D_c − D_u): the weights sum to
// one, so D and ε̂ stay related by x = αD + σε̂). For w > 1 the guided field is sharper than any data marginal and
// high-order multistep methods at low NFE overshoot: the divergence artifacts of the momentum paper.
// And the artifact metric: the fraction of samples outside the conditional data's support, non-finite ones included.

import { type PreparedMixture, mixtureDenoise } from './gmm.ts';
import type { DenoiserModel } from './interpreter.ts';

/** D_w = D_u + w·(D_c − D_u) of two mixtures on the same space (w = 1: the conditional model itself) */
export function guidedMixtureModel(unconditional: PreparedMixture, conditional: PreparedMixture, w: number): DenoiserModel {
  if (unconditional.dim !== conditional.dim) throw new Error('guidance: the two mixtures have different dimensions');
  let scratch = new Float64Array(0);
  return {
    dim: unconditional.dim,
    predict(x, n, _t, alpha, sigma, prediction, out) {
      if (scratch.length !== out.length) scratch = new Float64Array(out.length);
      mixtureDenoise(unconditional, x, n, alpha, sigma, scratch, prediction);
      mixtureDenoise(conditional, x, n, alpha, sigma, out, prediction);
      for (let i = 0; i < out.length; i++) out[i] = scratch[i] + w * (out[i] - scratch[i]);
    },
  };
}

/**
 * Mass outside the support: the fraction of samples whose squared Mahalanobis distance to every component of
 * `support` exceeds r2Max (default 16, i.e. beyond 4 standard deviations; a Gaussian puts ≤ e^{−8} ≈ 3e−4 of its
 * mass there in 2D), counting NaN and ±∞ samples as outside. Eigenvalues are floored at `floor` (point masses).
 */
export function massOutsideSupport(x: ArrayLike<number>, support: PreparedMixture, r2Max = 16, floor = 1e-12): number {
  const d = support.dim;
  const n = x.length / d;
  let outside = 0;
  for (let p = 0; p < n; p++) {
    let best = Infinity;
    for (let k = 0; k < support.components; k++) {
      let r2 = 0;
      for (let j = 0; j < d; j++) {
        let y = 0;
        if (support.diagonal) y = x[p * d + j] - support.means[k * d + j];
        else for (let i = 0; i < d; i++) y += support.eigenvectors[k * d * d + i * d + j] * (x[p * d + i] - support.means[k * d + i]);
        r2 += (y * y) / Math.max(support.eigenvalues[k * d + j], floor);
      }
      best = Math.min(best, r2);
    }
    if (!(best <= r2Max)) outside++;
  }
  return outside / n;
}
