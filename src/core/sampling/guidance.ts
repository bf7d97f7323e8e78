// A guidance-like stress setting for the momentum samplers (specs §11, §18.4 item 4): classifier-free guidance
// between two exact mixtures, ε̂_w = ε̂_u + w·(ε̂_c − ε̂_u) (equivalently D_w = D_u + w·(D_c − D_u): the weights sum to
// one, so D and ε̂ stay related by x = αD + σε̂). For w > 1 the guided field is sharper than any data marginal and
// high-order multistep methods at low NFE overshoot: the divergence artifacts of the momentum paper.
// And the artifact metric: the fraction of samples outside the conditional data's support, non-finite ones included.

import type { SampleSpec } from '../spec/spec.ts';
import { RngStream, fillNormal } from '../util/rng.ts';
import { buildSpecProgram, makeProcess, prepareTarget, targetMixture } from './experiment.ts';
import { type GaussianMixture, type PreparedMixture, mixtureDenoise, prepareMixture } from './gmm.ts';
import { type DenoiserModel, runProgramCpu } from './interpreter.ts';

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

/** classifier-free guidance toward one component of the spec's (mixture) target, with scale w (specs §11 stress) */
export interface ComponentGuidance {
  /** the guidance scale w ≥ 1 (w = 1: the conditional model itself) */
  w: number;
  /** the conditioning component k of the target's mixture */
  component: number;
}

/** the target's component k alone, as a one-component mixture (the conditional data of ComponentGuidance) */
export function componentMixture(mixture: GaussianMixture, k: number): GaussianMixture {
  if (!Number.isInteger(k) || k < 0 || k >= mixture.weights.length) throw new RangeError(`guidance.component: got ${k}; allowed: an integer 0…${mixture.weights.length - 1}`);
  return { weights: [1], means: [mixture.means[k]], covs: [mixture.covs[k]] };
}

/**
 * The artifact metric of a guided run (float64, CPU): run the spec's solver program on the guided model from the
 * spec's x_T (the initial-noise stream of its seed, as every backend draws it) and return the mass outside the
 * conditioning component's 4σ ball.
 */
export function guidedOutsideMass(spec: SampleSpec, guidance: ComponentGuidance): number {
  if (!(guidance.w >= 1 && Number.isFinite(guidance.w))) throw new RangeError(`guidance.w: got ${guidance.w}; allowed: a finite number ≥ 1`);
  const process = makeProcess(spec.process);
  const conditional = prepareMixture(componentMixture(targetMixture(spec.target), guidance.component));
  const unconditional = prepareTarget(spec.target);
  const xT = fillNormal(new Float64Array(spec.n * unconditional.dim), spec.n, unconditional.dim, spec.seed, RngStream.initialNoise);
  const x = runProgramCpu(buildSpecProgram(spec, process), guidedMixtureModel(unconditional, conditional, guidance.w), xT, { seed: spec.seed, allowNonFinite: true }).x;
  return massOutsideSupport(x, conditional);
}
