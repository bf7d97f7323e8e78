// The training lab's MLP in float64 (training.md §3.1–§3.3): the oracle for the WGSL kernels and the CPU path.
//
// Bias-augmented layout (§3.1): layer l maps d_{l−1} → d_l with W̄_l = [W_l | b_l] ∈ ℝ^{d_l × (d_{l−1}+1)}, the bias
// the LAST column, stored row-major. All layers live in one flat Float64Array at per-layer offsets (§6 "memory
// layout"), so optimizers see one parameter vector and one gradient vector of the same layout.
//
// Forward:  Ā_{l−1} = [A_{l−1} | 1],  S_l = Ā_{l−1} W̄_lᵀ,  A_l = φ(S_l) (l < L),  Ŷ = S_L (linear head).
// Loss:     ℒ = (1/(B·D)) Σ_i ‖ŷ_i − y_i‖²  (mean-reduced MSE; equals the FM and DSM losses of §3.3).
// Backward: Δ_L = (2/(B·D))(Ŷ − Y),  ∇W̄_l = Δ_lᵀ Ā_{l−1},  Δ_{l−1} = (Δ_l W_l) ⊙ φ′(S_{l−1})  (W_l without bias).
//
// The network input is [x ; emb(τ)] where τ is the scalar time input of each row (t for flow matching, log σ / 4
// for denoising score matching, §3.3) and emb is the time embedding below.

import { randomBits, uniformOpen } from '../util/rng.ts';

export type Activation = 'silu' | 'relu' | 'tanh';

/**
 * Time embedding of the scalar time input τ (§3.3).
 * - `sinusoidal` [design, §3.3]: [sin(2πkτ) for k = 1..K, cos(2πkτ) for k = 1..K] (all sines first, then all cosines),
 *   K = 8 by default, so 16 dims and d₀ = 2 + 16 = 18 for a 2D toy, as in the cost table of §2.2. `includeLinear`
 *   puts τ itself in front: with K = 4 that is the [t, sin, cos] input (d₀ = 11) of the §4.7 prototype.
 * - `linear`: the single input scale·τ. RF/BOSS feed t·999 to a U-Net (§3.3); for an MLP scale 1 is the sane choice.
 * - `none`: no time input (a plain regression net, e.g. the PDE surrogate of §3.4).
 */
export type TimeEmbedding =
  | { kind: 'sinusoidal'; frequencies: number; includeLinear?: boolean }
  | { kind: 'linear'; scale: number }
  | { kind: 'none' };

export const DEFAULT_TIME_EMBEDDING: TimeEmbedding = { kind: 'sinusoidal', frequencies: 8 };

export interface MlpConfig {
  /** dimension of the data input x (2 for the 2D toys) */
  dataDim: number;
  /** dimension of the output (the velocity or ε-prediction: the data dimension) */
  outputDim: number;
  /** hidden width d_1 = … = d_{L−1} */
  width: number;
  /** number of hidden layers (L − 1); the issue's `"depth": 3` is the 18-128-128-128-2 net of §2.2 */
  depth: number;
  activation: Activation;
  timeEmbedding: TimeEmbedding;
}

/** One linear layer: W̄ is outputDim × (inputDim + 1), row-major, starting at `offset` in the flat parameter vector. */
export interface LayerShape {
  inputDim: number;
  outputDim: number;
  offset: number;
}

/** What the optimizers need to know about a parameter vector: its length and its matrix-shaped layers. */
export interface ParameterLayout {
  parameterCount: number;
  layers: LayerShape[];
}

export interface MlpLayout extends ParameterLayout {
  config: MlpConfig;
  /** d₀ = dataDim + time-embedding dims */
  inputDim: number;
}

/**
 * Per-layer statistics of one batch for K-FAC and MKOR (§3.2): the layer inputs Ā_{l−1} (B × (d_{l−1}+1), with the
 * 1-column) and the back-propagated output gradients Δ_l = ∂ℒ/∂S_l (B × d_l) of the mean loss.
 */
export interface LayerStatistics {
  batch: number;
  /** Ā_{l−1}, row-major B × (inputDim + 1) */
  inputs: Float64Array;
  /** Δ_l, row-major B × outputDim */
  outputGradients: Float64Array;
}

/** Everything one training step hands the optimizer besides the gradient: the batch loss and per-layer statistics. */
export interface TrainingStatistics {
  loss: number;
  layers: LayerStatistics[];
}

/** One batch of supervised rows: network input x with its scalar time input τ, and the regression target y. */
export interface TrainingBatch {
  batch: number;
  /** x, row-major B × dataDim */
  inputs: Float64Array;
  /** τ per row (ignored by the `none` embedding) */
  times: Float64Array;
  /** y, row-major B × outputDim */
  targets: Float64Array;
}

// ---------------------------------------------------------------------------------------------------------------
// Layout and initialisation

export function timeEmbeddingDim(embedding: TimeEmbedding): number {
  switch (embedding.kind) {
    case 'sinusoidal':
      return 2 * embedding.frequencies + (embedding.includeLinear ? 1 : 0);
    case 'linear':
      return 1;
    case 'none':
      return 0;
  }
}

/** Write emb(τ) into out[offset …] (see TimeEmbedding). */
export function embedTime(embedding: TimeEmbedding, tau: number, out: Float64Array, offset: number): void {
  switch (embedding.kind) {
    case 'sinusoidal': {
      let o = offset;
      if (embedding.includeLinear) out[o++] = tau;
      const k = embedding.frequencies;
      for (let f = 1; f <= k; f++) {
        const angle = 2 * Math.PI * f * tau;
        out[o + f - 1] = Math.sin(angle);
        out[o + k + f - 1] = Math.cos(angle);
      }
      return;
    }
    case 'linear':
      out[offset] = embedding.scale * tau;
      return;
    case 'none':
      return;
  }
}

export function mlpLayout(config: MlpConfig): MlpLayout {
  for (const [name, value] of [['dataDim', config.dataDim], ['outputDim', config.outputDim], ['width', config.width]] as const)
    if (!Number.isInteger(value) || value < 1) throw new Error(`mlp ${name}: got ${value}; must be an integer ≥ 1`);
  if (!Number.isInteger(config.depth) || config.depth < 0) throw new Error(`mlp depth: got ${config.depth}; must be an integer ≥ 0`);
  const inputDim = config.dataDim + timeEmbeddingDim(config.timeEmbedding);
  const widths = [inputDim, ...new Array<number>(config.depth).fill(config.width), config.outputDim];
  const layers: LayerShape[] = [];
  let offset = 0;
  for (let l = 1; l < widths.length; l++) {
    layers.push({ inputDim: widths[l - 1], outputDim: widths[l], offset });
    offset += widths[l] * (widths[l - 1] + 1);
  }
  return { config, inputDim, layers, parameterCount: offset };
}

/** RNG stream of the weight initialisation (the repo's counter-based Threefry, util/rng.ts; streams 30–39 are training's) */
export const MLP_INIT_STREAM = 30;

/**
 * Deterministic initialisation from a seed, PyTorch nn.Linear's default distribution: every weight and bias
 * U(−1/√fan_in, 1/√fan_in). Entry j of layer l takes word j mod 2 of the counter-based draw (seed, MLP_INIT_STREAM,
 * particle l, step ⌊j/2048⌋, block (j mod 2048)/2), so a WGSL twin can reproduce the init bit-for-bit.
 */
export function initMlpParameters(layout: MlpLayout, seed: number): Float64Array {
  const params = new Float64Array(layout.parameterCount);
  layout.layers.forEach((layer, l) => {
    const count = layer.outputDim * (layer.inputDim + 1);
    const bound = 1 / Math.sqrt(layer.inputDim);
    for (let j = 0; j < count; j += 2) {
      const words = randomBits(seed, MLP_INIT_STREAM, l, Math.floor(j / 2048), (j % 2048) >> 1);
      for (let h = 0; h < 2 && j + h < count; h++) params[layer.offset + j + h] = bound * (2 * uniformOpen(words[h]) - 1);
    }
  });
  return params;
}

// ---------------------------------------------------------------------------------------------------------------
// Activations (§3.1; the stable sigmoid of §2.4)

/** σ(s) without overflow: 1/(1+e^{−s}) for s ≥ 0, e^{s}/(1+e^{s}) otherwise (§2.4) */
export function stableSigmoid(s: number): number {
  if (s >= 0) return 1 / (1 + Math.exp(-s));
  const e = Math.exp(s);
  return e / (1 + e);
}

export function activate(activation: Activation, s: number): number {
  switch (activation) {
    case 'silu':
      return s * stableSigmoid(s);
    case 'relu':
      return s > 0 ? s : 0;
    case 'tanh':
      return Math.tanh(s);
  }
}

/** φ′(s): SiLU σ(s)(1 + s(1 − σ(s))), tanh 1 − tanh², ReLU 1[s > 0] (§3.1) */
export function activationDerivative(activation: Activation, s: number): number {
  switch (activation) {
    case 'silu': {
      const sig = stableSigmoid(s);
      return sig * (1 + s * (1 - sig));
    }
    case 'relu':
      return s > 0 ? 1 : 0;
    case 'tanh': {
      const t = Math.tanh(s);
      return 1 - t * t;
    }
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Forward and backward

/** What the forward pass keeps for the backward pass (§3.1 "store Ā_{l−1} and S_l"). */
export interface MlpForward {
  batch: number;
  /** Ā_{l−1} per layer, B × (inputDim+1), 1-column materialised */
  layerInputs: Float64Array[];
  /** S_l per layer, B × outputDim */
  preActivations: Float64Array[];
  /** Ŷ = S_L, B × outputDim */
  output: Float64Array;
}

/** The network input rows [x ; emb(τ)] (B × d₀). */
export function networkInput(layout: MlpLayout, inputs: Float64Array, times: Float64Array, batch: number): Float64Array {
  const { dataDim, timeEmbedding } = layout.config;
  const d0 = layout.inputDim;
  const out = new Float64Array(batch * d0);
  for (let i = 0; i < batch; i++) {
    for (let j = 0; j < dataDim; j++) out[i * d0 + j] = inputs[i * dataDim + j];
    embedTime(timeEmbedding, times[i], out, i * d0 + dataDim);
  }
  return out;
}

export function mlpForward(layout: MlpLayout, params: Float64Array, inputs: Float64Array, times: Float64Array, batch: number): MlpForward {
  const activation = layout.config.activation;
  const layerInputs: Float64Array[] = [];
  const preActivations: Float64Array[] = [];
  let current = networkInput(layout, inputs, times, batch); // A_0, B × d₀
  const last = layout.layers.length - 1;
  layout.layers.forEach((layer, l) => {
    const din = layer.inputDim;
    const cols = din + 1;
    const dout = layer.outputDim;
    // Ā_{l−1} = [A_{l−1} | 1]
    const augmented = new Float64Array(batch * cols);
    for (let i = 0; i < batch; i++) {
      for (let j = 0; j < din; j++) augmented[i * cols + j] = current[i * din + j];
      augmented[i * cols + din] = 1;
    }
    // S_l = Ā_{l−1} W̄_lᵀ
    const pre = new Float64Array(batch * dout);
    for (let i = 0; i < batch; i++) {
      for (let o = 0; o < dout; o++) {
        const w = layer.offset + o * cols;
        let s = 0;
        for (let j = 0; j < cols; j++) s += augmented[i * cols + j] * params[w + j];
        pre[i * dout + o] = s;
      }
    }
    layerInputs.push(augmented);
    preActivations.push(pre);
    if (l < last) {
      const next = new Float64Array(batch * dout);
      for (let k = 0; k < next.length; k++) next[k] = activate(activation, pre[k]);
      current = next;
    } else {
      current = pre;
    }
  });
  return { batch, layerInputs, preActivations, output: current };
}

/** The mean-reduced MSE ℒ = (1/(B·D)) Σ ‖ŷ − y‖² (§3.1) */
export function meanSquaredError(prediction: ArrayLike<number>, target: ArrayLike<number>): number {
  let s = 0;
  for (let k = 0; k < prediction.length; k++) {
    const r = prediction[k] - target[k];
    s += r * r;
  }
  return s / prediction.length;
}

/** Δ_L = ∂ℒ/∂Ŷ = (2/(B·D))(Ŷ − Y) (§3.1) */
export function meanSquaredErrorGradient(prediction: ArrayLike<number>, target: ArrayLike<number>): Float64Array {
  const out = new Float64Array(prediction.length);
  const scale = 2 / prediction.length;
  for (let k = 0; k < out.length; k++) out[k] = scale * (prediction[k] - target[k]);
  return out;
}

export interface MlpBackward {
  /** ∇W̄ for every layer, in the parameter layout */
  gradients: Float64Array;
  /** Ā_{l−1} and Δ_l per layer (§3.2) */
  layers: LayerStatistics[];
}

/** Exact gradients of any loss whose gradient with respect to the output Ŷ is `outputGradient` (B × outputDim). */
export function mlpBackward(layout: MlpLayout, params: Float64Array, forward: MlpForward, outputGradient: Float64Array): MlpBackward {
  const { batch } = forward;
  const activation = layout.config.activation;
  const gradients = new Float64Array(layout.parameterCount);
  const layers: LayerStatistics[] = new Array(layout.layers.length);
  let delta = outputGradient; // Δ_L
  for (let l = layout.layers.length - 1; l >= 0; l--) {
    const layer = layout.layers[l];
    const din = layer.inputDim;
    const cols = din + 1;
    const dout = layer.outputDim;
    const augmented = forward.layerInputs[l];
    // ∇W̄_l = Δ_lᵀ Ā_{l−1}; the last column is ∇b_l = Σ_i Δ_{l,i}
    for (let o = 0; o < dout; o++) {
      const g = layer.offset + o * cols;
      for (let i = 0; i < batch; i++) {
        const d = delta[i * dout + o];
        if (d === 0) continue;
        for (let j = 0; j < cols; j++) gradients[g + j] += d * augmented[i * cols + j];
      }
    }
    layers[l] = { batch, inputs: augmented, outputGradients: delta };
    if (l === 0) break;
    // Δ_{l−1} = (Δ_l W_l) ⊙ φ′(S_{l−1}), W_l without its bias column
    const previousPre = forward.preActivations[l - 1];
    const previous = new Float64Array(batch * din);
    for (let i = 0; i < batch; i++) {
      for (let j = 0; j < din; j++) {
        let s = 0;
        for (let o = 0; o < dout; o++) s += delta[i * dout + o] * params[layer.offset + o * cols + j];
        previous[i * din + j] = s * activationDerivative(activation, previousPre[i * din + j]);
      }
    }
    delta = previous;
  }
  return { gradients, layers };
}

/** The network output Ŷ for a batch (B × outputDim). */
export function mlpPredict(layout: MlpLayout, params: Float64Array, inputs: Float64Array, times: Float64Array, batch: number): Float64Array {
  return mlpForward(layout, params, inputs, times, batch).output;
}

/** The MSE loss of a batch, without gradients. */
export function mlpLoss(layout: MlpLayout, params: Float64Array, batch: TrainingBatch): number {
  return meanSquaredError(mlpPredict(layout, params, batch.inputs, batch.times, batch.batch), batch.targets);
}

export interface LossAndGradients {
  loss: number;
  gradients: Float64Array;
  /** the loss and per-layer statistics, what `Optimizer.step` takes as its third argument */
  statistics: TrainingStatistics;
}

/** One training step's forward and backward on a batch with the mean-squared loss of §3.1. */
export function mlpLossAndGradients(layout: MlpLayout, params: Float64Array, batch: TrainingBatch): LossAndGradients {
  const forward = mlpForward(layout, params, batch.inputs, batch.times, batch.batch);
  const loss = meanSquaredError(forward.output, batch.targets);
  const { gradients, layers } = mlpBackward(layout, params, forward, meanSquaredErrorGradient(forward.output, batch.targets));
  return { loss, gradients, statistics: { loss, layers } };
}

// ---------------------------------------------------------------------------------------------------------------
// K-FAC and MKOR statistics (§3.2)

/** Input (right) factor of one batch: A = (1/B) ĀᵀĀ, (d_in+1)², the bias coordinate included (§3.2). */
export function kfacInputFactor(stats: LayerStatistics, layer: LayerShape): Float64Array {
  const n = layer.inputDim + 1;
  const { batch, inputs } = stats;
  const out = new Float64Array(n * n);
  for (let i = 0; i < batch; i++) {
    const row = i * n;
    for (let p = 0; p < n; p++) {
      const ap = inputs[row + p];
      if (ap === 0) continue;
      for (let q = p; q < n; q++) out[p * n + q] += ap * inputs[row + q];
    }
  }
  for (let p = 0; p < n; p++) {
    for (let q = p; q < n; q++) {
      const v = out[p * n + q] / batch;
      out[p * n + q] = v;
      out[q * n + p] = v;
    }
  }
  return out;
}

/**
 * Output (left) factor of one batch with per-example gradients g_i = B·Δ_i (§3.2): G = (1/B) Σ g_i g_iᵀ = B·ΔᵀΔ,
 * d_out². This is B² times KP's `get_cov(grad_output)` (the §3.2 scale warning); damping defaults assume this scale.
 */
export function kfacOutputFactor(stats: LayerStatistics, layer: LayerShape): Float64Array {
  const n = layer.outputDim;
  const { batch, outputGradients } = stats;
  const out = new Float64Array(n * n);
  for (let i = 0; i < batch; i++) {
    const row = i * n;
    for (let p = 0; p < n; p++) {
      const dp = outputGradients[row + p];
      if (dp === 0) continue;
      for (let q = p; q < n; q++) out[p * n + q] += dp * outputGradients[row + q];
    }
  }
  for (let p = 0; p < n; p++) {
    for (let q = p; q < n; q++) {
      const v = out[p * n + q] * batch;
      out[p * n + q] = v;
      out[q * n + p] = v;
    }
  }
  return out;
}

/** MK-pkg `clipping_value` (§3.2, §4.6): the rank-1 vectors are clamped elementwise to ±100 */
export const MKOR_CLIPPING_VALUE = 100;

const clamp = (x: number, limit: number) => (x > limit ? limit : x < -limit ? -limit : x);

/** MKOR's rank-1 input vector a = (1/B) Σ_i ā_i (the mean input with its trailing 1), clamped to ±clip (§3.2). */
export function mkorInputVector(stats: LayerStatistics, layer: LayerShape, clip = MKOR_CLIPPING_VALUE): Float64Array {
  const n = layer.inputDim + 1;
  const out = new Float64Array(n);
  for (let i = 0; i < stats.batch; i++) for (let j = 0; j < n; j++) out[j] += stats.inputs[i * n + j];
  for (let j = 0; j < n; j++) out[j] = clamp(out[j] / stats.batch, clip);
  return out;
}

/** MKOR's rank-1 output vector g = (1/B) Σ_i B·Δ_i = Σ_i Δ_i = ∇b (the bias gradient, §3.2), clamped to ±clip. */
export function mkorOutputVector(stats: LayerStatistics, layer: LayerShape, clip = MKOR_CLIPPING_VALUE): Float64Array {
  const n = layer.outputDim;
  const out = new Float64Array(n);
  for (let i = 0; i < stats.batch; i++) for (let j = 0; j < n; j++) out[j] += stats.outputGradients[i * n + j];
  for (let j = 0; j < n; j++) out[j] = clamp(out[j], clip);
  return out;
}
