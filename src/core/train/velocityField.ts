// The learned field against the exact one (issue #7 "watch the loss and the learned field converge"), in float64.
//
// Any 2D model, flow matching or score matching, is read through its denoiser D̂(x; α, σ) (core/spec/learnedModel.ts,
// the map the sampler uses), and compared on the flow path (training.md §3.3, RF convention: τ = 0 noise, τ = 1 data):
// x_τ = τ·x₁ + (1 − τ)·x₀, so α = τ, σ = 1 − τ, and the velocity is v(x, τ) = E[x₁ − x₀ | x_τ = x] = (D(x) − x)/(1 − τ).
// The exact D is the mixture's posterior mean (core/sampling/gmm.ts mixtureDenoise). The error is weighted by the
// marginal density p_τ(x) on the grid, since the field far from the data is never sampled:
//   relative error = √(Σ p_τ(x)‖v̂ − v‖² / Σ p_τ(x)‖v‖²).

import { type PreparedMixture, mixtureDenoise, mixtureLogDensity } from '../sampling/gmm.ts';
import type { DenoiserModel } from '../sampling/interpreter.ts';

export interface VelocityFieldComparison {
  tau: number;
  /** the grid: `size` × `size` points over [lo, hi]², row-major from (lo, lo), x fastest */
  size: number;
  lo: number;
  hi: number;
  points: Float64Array;
  /** v̂ and v at the grid points (size²·2) */
  learned: Float64Array;
  exact: Float64Array;
  /** p_τ at the grid points (unnormalised on the grid) */
  density: Float64Array;
  relativeError: number;
}

/** the field view's grid: FIELD_GRID × FIELD_GRID points */
export const FIELD_GRID = 21;

/**
 * The half-width of the square the field view shows at τ: 1.1 × the largest |τμ_k,i| + 3 standard deviations of the
 * marginal's component, √(τ²λ_k,i + (1 − τ)²): the view follows p_τ from the noise (τ = 0, ±3.3) to the data.
 */
export function fieldExtent(mixture: PreparedMixture, tau: number): number {
  let r = 0;
  const d = mixture.dim;
  for (let k = 0; k < mixture.components; k++)
    for (let i = 0; i < d; i++) r = Math.max(r, Math.abs(tau * mixture.means[k * d + i]) + 3 * Math.sqrt(tau * tau * mixture.eigenvalues[k * d + i] + (1 - tau) ** 2));
  return 1.1 * r;
}

/** the largest RF time shown: at τ = 1 the velocity's 1/(1 − τ) is singular */
export const MAX_FIELD_TAU = 0.99;

export function compareVelocityField(model: DenoiserModel, mixture: PreparedMixture, tau: number, size: number, lo: number, hi: number): VelocityFieldComparison {
  if (mixture.dim !== 2 || model.dim !== 2) throw new Error(`the velocity field is drawn for 2D targets; got dimension ${mixture.dim}`);
  if (!(tau >= 0 && tau <= MAX_FIELD_TAU)) throw new Error(`τ: got ${tau}; allowed 0 … ${MAX_FIELD_TAU}`);
  if (!Number.isInteger(size) || size < 2) throw new Error(`grid size: got ${size}; must be an integer ≥ 2`);
  const n = size * size;
  const points = new Float64Array(2 * n);
  for (let j = 0; j < size; j++)
    for (let i = 0; i < size; i++) {
      points[2 * (j * size + i)] = lo + ((hi - lo) * i) / (size - 1);
      points[2 * (j * size + i) + 1] = lo + ((hi - lo) * j) / (size - 1);
    }
  const alpha = tau;
  const sigma = 1 - tau;
  const learnedD = new Float64Array(2 * n);
  const exactD = new Float64Array(2 * n);
  // the flow process's time is t = σ = 1 − τ (the sampler's convention, samplers.md §1)
  model.predict(points, n, sigma, alpha, sigma, 'data', learnedD);
  mixtureDenoise(mixture, points, n, alpha, sigma, exactD);
  const learned = new Float64Array(2 * n);
  const exact = new Float64Array(2 * n);
  for (let k = 0; k < 2 * n; k++) {
    learned[k] = (learnedD[k] - points[k]) / sigma;
    exact[k] = (exactD[k] - points[k]) / sigma;
  }
  // a score model reads x/α at σ/α: both infinite at τ = 0, where it has no field (never a silent NaN error)
  if (!learned.every(Number.isFinite)) throw new Error(`τ: the network's field is not finite at τ = ${tau} (a score model's σ/α is infinite at τ = 0); choose τ > 0`);
  const logDensity = Array.from({ length: n }, (_, p) => mixtureLogDensity(mixture, points.subarray(2 * p, 2 * p + 2), alpha, sigma));
  const top = Math.max(...logDensity);
  const density = Float64Array.from(logDensity, (l) => Math.exp(l - top));
  let errorSum = 0;
  let normSum = 0;
  for (let p = 0; p < n; p++) {
    const dx = learned[2 * p] - exact[2 * p];
    const dy = learned[2 * p + 1] - exact[2 * p + 1];
    errorSum += density[p] * (dx * dx + dy * dy);
    normSum += density[p] * (exact[2 * p] ** 2 + exact[2 * p + 1] ** 2);
  }
  return { tau, size, lo, hi, points, learned, exact, density, relativeError: Math.sqrt(errorSum / normSum) };
}
