// Training batches for the 2D generative toys (training.md §3.3): flow matching (RF convention) and denoising score
// matching, both as mean-squared regression of the MLP's output (§3.1), so one backward serves both.
//
// Targets are the repo's prepared Gaussian mixtures (core/sampling: presets such as ring8 through
// `targetPreset` + `prepareMixture`, or any spec target through `prepareTarget`). Every random number comes from
// the repo's counter-based generator (util/rng.ts) keyed by (seed, stream, row, step): batch `step` of a run is the
// same on every machine, and the GPU can draw the same numbers.

import type { PreparedMixture } from '../sampling/gmm.ts';
import { normalPair, randomBits, uniformOpen } from '../util/rng.ts';
import type { TrainingBatch } from './mlp.ts';

/**
 * RNG streams of training data (30 is the MLP init, mlp.ts). The validation set uses its own streams, so it never
 * coincides with a training batch for any seed or step (§3.3 "generated once from a separate seed"), and neither
 * coincides with the metric reference sets, which sample the same mixture on streams 2–3 (gmm.ts sampleMixture).
 */
export interface TrainingStreams {
  /** component choice of a target draw */
  dataComponent: number;
  /** Gaussian part of a target draw */
  dataGaussian: number;
  /** x₀ (flow matching) or ε (score matching) */
  noise: number;
  /** t (flow matching) or log σ (score matching) */
  time: number;
}

export const TRAINING_STREAMS: TrainingStreams = { dataComponent: 31, dataGaussian: 32, noise: 33, time: 34 };
export const VALIDATION_STREAMS: TrainingStreams = { dataComponent: 35, dataGaussian: 36, noise: 37, time: 38 };

/**
 * B draws of the data distribution p₀ = Σ π_k N(μ_k, U_k diag(e_k) U_kᵀ) (the eigen form of gmm.ts): component by
 * inverse CDF of one uniform, then μ_k + U_k diag(√e_k) z. Same construction as `sampleMixture` (gmm.ts), keyed by
 * the training step instead of a fixed step 0.
 */
export function sampleTargetBatch(mixture: PreparedMixture, batch: number, seed: number, step: number, streams: TrainingStreams = TRAINING_STREAMS): Float64Array {
  const d = mixture.dim;
  const out = new Float64Array(batch * d);
  const cdf: number[] = [];
  let total = 0;
  for (let k = 0; k < mixture.components; k++) cdf.push((total += Math.exp(mixture.logWeights[k])));
  const z = new Float64Array(d + 1);
  for (let i = 0; i < batch; i++) {
    const u = uniformOpen(randomBits(seed, streams.dataComponent, i, step, 0)[0]) * total;
    let k = 0;
    while (k < mixture.components - 1 && u > cdf[k]) k++;
    for (let b = 0; 2 * b < d; b++) {
      const [z0, z1] = normalPair(seed, streams.dataGaussian, i, step, b);
      z[2 * b] = z0;
      z[2 * b + 1] = z1;
    }
    for (let r = 0; r < d; r++) {
      let v = mixture.means[k * d + r];
      if (mixture.diagonal) v += Math.sqrt(mixture.eigenvalues[k * d + r]) * z[r];
      else for (let c = 0; c < d; c++) v += mixture.eigenvectors[k * d * d + r * d + c] * Math.sqrt(mixture.eigenvalues[k * d + c]) * z[c];
      out[i * d + r] = v;
    }
  }
  return out;
}

/** B × d standard normals on `stream` (particle = row, block = coordinate pair). */
function normalRows(batch: number, d: number, seed: number, stream: number, step: number): Float64Array {
  const out = new Float64Array(batch * d);
  for (let i = 0; i < batch; i++) {
    for (let b = 0; 2 * b < d; b++) {
      const [z0, z1] = normalPair(seed, stream, i, step, b);
      out[i * d + 2 * b] = z0;
      if (2 * b + 1 < d) out[i * d + 2 * b + 1] = z1;
    }
  }
  return out;
}

/** One uniform in (0, 1) per row on `stream`. */
function uniformRows(batch: number, seed: number, stream: number, step: number): Float64Array {
  const out = new Float64Array(batch);
  for (let i = 0; i < batch; i++) out[i] = uniformOpen(randomBits(seed, stream, i, step, 0)[0]);
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// Flow matching (§3.3, RF convention: t = 0 is noise, t = 1 is data; BOSS get_rectified_flow_loss_fn)

/** t ~ U(ε, 1) with ε = 1e-3 (§3.3) */
export const FLOW_MATCHING_EPSILON = 1e-3;

export interface FlowMatchingBatch extends TrainingBatch {
  /** x₀ ~ N(0, I) */
  noise: Float64Array;
  /** x₁ ~ data */
  data: Float64Array;
}

/**
 * x₀ ~ N(0, I), x₁ ~ data, t ~ U(ε, 1); network input x_t = t·x₁ + (1 − t)·x₀ with time input t; target u = x₁ − x₀.
 * The MSE of the net's output against u is the FM loss ‖v_θ(x_t, t) − u‖², mean-reduced (§3.3).
 */
export function flowMatchingBatch(
  mixture: PreparedMixture,
  batch: number,
  seed: number,
  step: number,
  options: { epsilon?: number; streams?: TrainingStreams } = {},
): FlowMatchingBatch {
  const epsilon = options.epsilon ?? FLOW_MATCHING_EPSILON;
  const streams = options.streams ?? TRAINING_STREAMS;
  const d = mixture.dim;
  const data = sampleTargetBatch(mixture, batch, seed, step, streams);
  const noise = normalRows(batch, d, seed, streams.noise, step);
  const times = uniformRows(batch, seed, streams.time, step);
  const inputs = new Float64Array(batch * d);
  const targets = new Float64Array(batch * d);
  for (let i = 0; i < batch; i++) {
    const t = epsilon + (1 - epsilon) * times[i];
    times[i] = t;
    for (let r = 0; r < d; r++) {
      const x0 = noise[i * d + r];
      const x1 = data[i * d + r];
      inputs[i * d + r] = t * x1 + (1 - t) * x0;
      targets[i * d + r] = x1 - x0;
    }
  }
  return { batch, inputs, times, targets, noise, data };
}

// ---------------------------------------------------------------------------------------------------------------
// Denoising score matching (§3.3, σ-conditioned NCSN/EDM style, λ(σ) = σ² weighting)

/** σ range for data of scale ~2 (§3.3) */
export const SCORE_MATCHING_SIGMA_MIN = 0.01;
export const SCORE_MATCHING_SIGMA_MAX = 3;

/** The network's time input for noise level σ: log σ / 4 (§3.3 "input emb(log σ / 4)") */
export function scoreMatchingTimeInput(sigma: number): number {
  return Math.log(sigma) / 4;
}

/** The score from the ε-prediction: s_θ = −ε̂/σ (§3.3) */
export function scoreFromNoisePrediction(noisePrediction: number, sigma: number): number {
  return -noisePrediction / sigma;
}

export interface ScoreMatchingBatch extends TrainingBatch {
  /** σ per row */
  sigmas: Float64Array;
  /** ε ~ N(0, I) (also the regression target) */
  noise: Float64Array;
  /** x ~ data */
  data: Float64Array;
}

/**
 * x ~ data, log σ ~ U(log σ_min, log σ_max), ε ~ N(0, I); network input x̃ = x + σε with time input log σ / 4;
 * target ε. The net predicts ε̂ and the score is −ε̂/σ, so the MSE ‖ε̂ − ε‖² equals the σ²-weighted DSM loss
 * ‖σ·s_θ(x̃, σ) + ε‖² of §3.3.
 */
export function scoreMatchingBatch(
  mixture: PreparedMixture,
  batch: number,
  seed: number,
  step: number,
  options: { sigmaMin?: number; sigmaMax?: number; streams?: TrainingStreams } = {},
): ScoreMatchingBatch {
  const sigmaMin = options.sigmaMin ?? SCORE_MATCHING_SIGMA_MIN;
  const sigmaMax = options.sigmaMax ?? SCORE_MATCHING_SIGMA_MAX;
  if (!(sigmaMin > 0 && sigmaMax > sigmaMin)) throw new Error(`score matching σ range: got [${sigmaMin}, ${sigmaMax}]; must be 0 < σ_min < σ_max`);
  const streams = options.streams ?? TRAINING_STREAMS;
  const d = mixture.dim;
  const data = sampleTargetBatch(mixture, batch, seed, step, streams);
  const noise = normalRows(batch, d, seed, streams.noise, step);
  const uniforms = uniformRows(batch, seed, streams.time, step);
  const logMin = Math.log(sigmaMin);
  const logMax = Math.log(sigmaMax);
  const sigmas = new Float64Array(batch);
  const times = new Float64Array(batch);
  const inputs = new Float64Array(batch * d);
  for (let i = 0; i < batch; i++) {
    const logSigma = logMin + (logMax - logMin) * uniforms[i];
    const sigma = Math.exp(logSigma);
    sigmas[i] = sigma;
    times[i] = logSigma / 4;
    for (let r = 0; r < d; r++) inputs[i * d + r] = data[i * d + r] + sigma * noise[i * d + r];
  }
  return { batch, inputs, times, targets: noise.slice(), sigmas, noise, data };
}

export type GenerativeLoss = 'flow-matching' | 'score-matching';

/** Batch `step` of a generative-toy run (training streams) or, with `validation`, the fixed validation set (§3.3). */
export function generativeBatch(loss: GenerativeLoss, mixture: PreparedMixture, batch: number, seed: number, step: number, validation = false): TrainingBatch {
  const streams = validation ? VALIDATION_STREAMS : TRAINING_STREAMS;
  return loss === 'flow-matching' ? flowMatchingBatch(mixture, batch, seed, step, { streams }) : scoreMatchingBatch(mixture, batch, seed, step, { streams });
}
