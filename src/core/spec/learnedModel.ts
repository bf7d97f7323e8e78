// A trained MLP (modelFile.ts) as the sampler's model: the data prediction D(x, t) (or ε̂) that solver programs
// evaluate (interpreter.ts DenoiserModel), for ANY noise process x_t = α_t·x₀ + σ_t·ε (specs/samplers.md §1).
//
// Both tasks learned a fixed path (training.md §3.3, core/train/losses.ts); a process point (α, σ) is mapped onto it
// by matching the noise-to-signal ratio σ̃ = σ/α and rescaling x (the same distribution up to scale):
//
// flow-matching (RF time τ: 0 = noise, 1 = data; x_τ = τ·x₁ + (1 − τ)·x₀, net ≈ v = x₁ − x₀):
//   τ = α/(α + σ) = 1/(1 + σ̃),  y = x/(α + σ) (then y = τ·x₀_data + (1 − τ)·ε),  v̂ = net(y, τ),
//   D = y + (1 − τ)·v̂,  ε̂ = y − τ·v̂   (since y = τ·D + (1 − τ)·ε and v = D − ε).
//   On Stepscope's flow process (α = 1 − t, σ = t) this is τ = 1 − t (process.ts rfTimeOf), y = x and D = x + t·v̂:
//   diffusers' D = x − t·v̂_diffusers with v̂_diffusers = ε − x₀ = −v̂ (the RF sign, §13.1).
// score-matching (σ-conditioned ε-prediction on x̃ = x₀ + σ_s·ε, time input log σ_s / 4):
//   σ_s = σ̃ = σ/α,  y = x/α,  ε̂ = net(y, log σ̃ / 4),  D = y − σ̃·ε̂  (= (x − σ·ε̂)/α).
// Each prediction is formed directly (never D from ε̂ by dividing by a small σ, nor ε̂ from D by a small α).
// At σ = 0 (a grid's symbolic data end; solvers do not evaluate there) D = x/α and ε̂ = 0.

import type { Prediction } from '../sampling/gmm.ts';
import type { DenoiserModel } from '../sampling/interpreter.ts';
import type { NoiseProcess } from '../sampling/process.ts';
import { mlpLayout, mlpPredict } from '../train/mlp.ts';
import type { ModelFile } from './modelFile.ts';

/** rows per network call: bounds the forward pass's temporaries (B × width per layer) for large particle counts */
const CHUNK_ROWS = 8192;

/** the parts of a model file its denoiser reads (a whole ModelFile, or a training run's live snapshot) */
export type LearnedNetwork = Pick<ModelFile, 'task' | 'config' | 'params'>;

export function learnedDenoiser(model: LearnedNetwork): DenoiserModel {
  const layout = mlpLayout(model.config);
  const d = model.config.dataDim;
  const flow = model.task === 'flow-matching';
  return {
    dim: d,
    predict(x: Float64Array, n: number, _t: number, alpha: number, sigma: number, prediction: Prediction, out: Float64Array): void {
      const noise = prediction === 'noise';
      if (sigma === 0) {
        for (let i = 0; i < n * d; i++) out[i] = noise ? 0 : x[i] / alpha;
        return;
      }
      // the rescaled input y and the network's time input τ
      const scale = flow ? 1 / (alpha + sigma) : 1 / alpha;
      const tau = flow ? alpha / (alpha + sigma) : Math.log(sigma / alpha) / 4;
      const sigmaTilde = sigma / alpha;
      for (let start = 0; start < n; start += CHUNK_ROWS) {
        const rows = Math.min(CHUNK_ROWS, n - start);
        const y = new Float64Array(rows * d);
        for (let i = 0; i < rows * d; i++) y[i] = x[start * d + i] * scale;
        const output = mlpPredict(layout, model.params, y, new Float64Array(rows).fill(tau), rows);
        const o = start * d;
        for (let i = 0; i < rows * d; i++) {
          const v = output[i];
          if (flow) out[o + i] = noise ? y[i] - tau * v : y[i] + (1 - tau) * v;
          else out[o + i] = noise ? v : y[i] - sigmaTilde * v;
        }
      }
    },
  };
}

/** σ̃ = σ/α of a process time (∞ where α = 0) */
function sigmaTildeAt(process: NoiseProcess, t: number): number {
  return process.sigma(t) / process.alpha(t);
}

/**
 * Where sampling from tStart down to tEnd asks the model for noise levels σ̃ it was not trained on (the model
 * extrapolates there), as sentences; empty when the run stays inside. σ̃ is monotone in t for every process.
 * flow-matching: τ ∈ [min, max] ⇔ σ̃ ∈ [1/max − 1, 1/min − 1]; score-matching: σ̃ ∈ [σ_min, σ_max].
 */
export function learnedModelRangeWarnings(model: ModelFile, process: NoiseProcess, tStart: number, tEnd: number): string[] {
  const range = model.timeInput;
  const [low, high] = range.kind === 'rf-time' ? [1 / range.max - 1, 1 / range.min - 1] : [range.sigmaMin, range.sigmaMax];
  const start = sigmaTildeAt(process, tStart);
  const end = sigmaTildeAt(process, tEnd);
  const what = range.kind === 'rf-time' ? `RF times τ ∈ [${range.min}, ${range.max}]` : `σ ∈ [${range.sigmaMin}, ${range.sigmaMax}]`;
  const warnings: string[] = [];
  if (start > high * (1 + 1e-9)) warnings.push(`the run starts at σ/α = ${start.toPrecision(4)} (t = ${tStart}), above the largest noise level the model was trained on (${high.toPrecision(4)}; ${what}): it extrapolates there`);
  if (end < low * (1 - 1e-9)) warnings.push(`the run ends at σ/α = ${end.toPrecision(4)} (t = ${tEnd}), below the smallest noise level the model was trained on (${low.toPrecision(4)}; ${what}): it extrapolates there`);
  return warnings;
}
