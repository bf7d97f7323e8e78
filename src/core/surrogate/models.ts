// The two surrogate networks of training.md §3.4 behind one interface: the tiny 1D FNO (fno.ts) and the MLP of
// core/train on the full grid. Both map (u(t), ν) to the residual r̂, and û(t+Δt) = u(t) + r̂ (§3.4 "predict the
// residual"); both train on the mean-squared error of r (§3.1's mean MSE).
//
// Inputs: the FNO gets three channels per grid point, (u, p̃, x) with p̃ = (ν − ν̄)/ν_scale broadcast and the grid
// coordinate x_j = j/N (NO's "grid" positional embedding); the MLP gets the vector [u; p̃] (N + 1 dims, §3.4).

import { type Activation, type TrainingStatistics, initMlpParameters, mlpForward, mlpLayout, mlpLossAndGradients } from '../train/mlp.ts';
import type { ParameterLayout } from '../train/mlp.ts';
import { type FnoActivation, fnoForward, fnoLayout, fnoLossAndGradients, initFnoParameters } from './fno.ts';

export type SurrogateModelConfig =
  | { type: 'fno'; width: number; layers: number; modes: number; activation: FnoActivation }
  | { type: 'mlp'; width: number; depth: number; activation: Activation };

/** FNO w = 16, 3 blocks, n_modes 16 (K = 9), GELU: a small version of NO's defaults (4 blocks, GELU) that a CPU can train */
export const FNO_SURROGATE_DEFAULTS: Extract<SurrogateModelConfig, { type: 'fno' }> = { type: 'fno', width: 16, layers: 3, modes: 16, activation: 'gelu' };
/** §4.7 b's MLP: (N+1)-128-128-N, SiLU */
export const MLP_SURROGATE_DEFAULTS: Extract<SurrogateModelConfig, { type: 'mlp' }> = { type: 'mlp', width: 128, depth: 2, activation: 'silu' };

export interface SurrogateModel {
  readonly config: SurrogateModelConfig;
  /** grid points N */
  readonly n: number;
  readonly layout: ParameterLayout;
  readonly parameterCount: number;
  /** true when `lossAndGradients` returns the per-layer statistics K-FAC and MKOR need (the MLP) */
  readonly hasLayerStatistics: boolean;
  init(seed: number): Float64Array;
  /** r̂ (B × N) from u (B × N) and p̃ (B) */
  predictResidual(params: Float64Array, u: Float64Array, p: Float64Array, batch: number): Float64Array;
  /** mean MSE of r̂ against r (B × N), its gradient, and (MLP) the statistics for second-order optimizers */
  lossAndGradients(params: Float64Array, u: Float64Array, p: Float64Array, residual: Float64Array, batch: number): { loss: number; gradients: Float64Array; statistics?: TrainingStatistics };
}

export function createSurrogateModel(config: SurrogateModelConfig, n: number): SurrogateModel {
  if (config.type === 'fno') {
    const layout = fnoLayout({ n, inChannels: 3, outChannels: 1, width: config.width, layers: config.layers, modes: config.modes, activation: config.activation });
    const encode = (u: Float64Array, p: Float64Array, batch: number): Float64Array => {
      const x = new Float64Array(batch * 3 * n);
      for (let b = 0; b < batch; b++) {
        const base = b * 3 * n;
        x.set(u.subarray(b * n, (b + 1) * n), base);
        x.fill(p[b], base + n, base + 2 * n);
        for (let j = 0; j < n; j++) x[base + 2 * n + j] = j / n;
      }
      return x;
    };
    return {
      config,
      n,
      layout,
      parameterCount: layout.parameterCount,
      hasLayerStatistics: false,
      init: (seed) => initFnoParameters(layout, seed),
      predictResidual: (params, u, p, batch) => fnoForward(layout, params, encode(u, p, batch), batch),
      lossAndGradients: (params, u, p, residual, batch) => fnoLossAndGradients(layout, params, encode(u, p, batch), residual, batch),
    };
  }
  const layout = mlpLayout({ dataDim: n + 1, outputDim: n, width: config.width, depth: config.depth, activation: config.activation, timeEmbedding: { kind: 'none' } });
  const encode = (u: Float64Array, p: Float64Array, batch: number): Float64Array => {
    const x = new Float64Array(batch * (n + 1));
    for (let b = 0; b < batch; b++) {
      x.set(u.subarray(b * n, (b + 1) * n), b * (n + 1));
      x[b * (n + 1) + n] = p[b];
    }
    return x;
  };
  return {
    config,
    n,
    layout,
    parameterCount: layout.parameterCount,
    hasLayerStatistics: true,
    init: (seed) => initMlpParameters(layout, seed),
    predictResidual: (params, u, p, batch) => mlpForward(layout, params, encode(u, p, batch), new Float64Array(batch), batch).output,
    lossAndGradients: (params, u, p, residual, batch) => {
      const { loss, gradients, statistics } = mlpLossAndGradients(layout, params, { batch, inputs: encode(u, p, batch), times: new Float64Array(batch), targets: residual });
      return { loss, gradients, statistics };
    },
  };
}
