// The training lab's optimizers in float64 (training.md §4): SGD with momentum and Adam in PyTorch's conventions,
// K-FAC (the KAISA / kfac-pytorch "inverse method" with π-damping), MKOR (as released, and the paper-exact EMA form)
// and MKOR-H. One interface: `step(params, grads, stats)` updates `params` in place from the gradient of this step's
// loss; `stats` (the batch loss and per-layer statistics of §3.2) is required by K-FAC and MKOR only.
//
// Per layer, K-FAC and MKOR act on the bias-augmented matrix W̄ = [W | b] (d_out × (d_in+1), bias last column), the
// layout of mlp.ts. Layers listed in `sgdLayers` are not preconditioned (MK-pkg `sgd_layers`, §3.4): their raw
// gradient goes to the base optimizer.

import { choleskyInverse, identityMatrix, matVec, maxAbs, trace, twoSidedProduct } from './dense.ts';
import { type LayerShape, type ParameterLayout, type TrainingStatistics, MKOR_CLIPPING_VALUE, kfacInputFactor, kfacOutputFactor, mkorInputVector, mkorOutputVector } from './mlp.ts';

export type OptimizerName = 'sgd' | 'adam' | 'kfac' | 'mkor' | 'mkor-h';

export interface StepReport {
  /** false when the NaN guard skipped the step: a non-finite update norm leaves parameters and state untouched (§2.4) */
  applied: boolean;
  /** K-FAC: the KL-clip scale ν of this step (§4.3 step 4) */
  klScale?: number;
  /** MKOR-H: true once the optimizer has switched to its base (first-order) optimizer (§4.5) */
  firstOrder?: boolean;
}

export interface Optimizer {
  readonly name: OptimizerName;
  /** the current learning rate η; settable for schedules (K-FAC's KL clip reads the current value, §8) */
  lr: number;
  /** completed steps (skipped steps are not counted) */
  readonly steps: number;
  step(params: Float64Array, grads: Float64Array, stats?: TrainingStatistics): StepReport;
}

/** ‖x‖² is finite: the `x != x` guard of §2.4 on the update norm, extended to ±∞ */
function finiteNorm(values: Float64Array): boolean {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i] * values[i];
  return Number.isFinite(s);
}

// ---------------------------------------------------------------------------------------------------------------
// §4.1 SGD with momentum (PyTorch convention)

export interface SgdOptions {
  lr: number;
  /** μ */
  momentum: number;
  /** τ, PyTorch's dampening */
  dampening: number;
  /** ω, L2 in the gradient */
  weightDecay: number;
  nesterov: boolean;
}

/** §4.6, FM-2D toy column */
export const SGD_DEFAULTS: SgdOptions = { lr: 0.05, momentum: 0.9, dampening: 0, weightDecay: 0, nesterov: false };

/**
 * ĝ ← g + ωθ;  b₁ = ĝ₁, b_t = μ b_{t−1} + (1 − τ) ĝ_t;  ĝ ← ĝ + μ b_t (Nesterov) or ĝ ← b_t;  θ ← θ − η ĝ  (§4.1).
 * Not the Sutskever form v = μv + ηg: the two differ once η follows a schedule (§8).
 */
export class SgdOptimizer implements Optimizer {
  readonly name = 'sgd' as const;
  readonly options: SgdOptions;
  private buffer: Float64Array | null = null;
  private completed = 0;

  constructor(options: Partial<SgdOptions> = {}) {
    this.options = { ...SGD_DEFAULTS, ...options };
  }

  get lr(): number {
    return this.options.lr;
  }
  set lr(value: number) {
    this.options.lr = value;
  }
  get steps(): number {
    return this.completed;
  }
  /** the momentum buffer b_t (null before the first step or with μ = 0) */
  get momentumBuffer(): Float64Array | null {
    return this.buffer;
  }

  step(params: Float64Array, grads: Float64Array): StepReport {
    if (!finiteNorm(grads)) return { applied: false };
    const { lr, momentum, dampening, weightDecay, nesterov } = this.options;
    const first = this.buffer === null;
    if (momentum !== 0 && first) this.buffer = new Float64Array(params.length);
    const buffer = this.buffer;
    for (let i = 0; i < params.length; i++) {
      let g = grads[i] + weightDecay * params[i];
      if (buffer) {
        const b = first ? g : momentum * buffer[i] + (1 - dampening) * g;
        buffer[i] = b;
        g = nesterov ? g + momentum * b : b;
      }
      params[i] -= lr * g;
    }
    this.completed++;
    return { applied: true };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// §4.2 Adam (PyTorch convention)

export interface AdamOptions {
  lr: number;
  beta1: number;
  beta2: number;
  /** ϵ, added to √v̂ */
  eps: number;
  /** ω */
  weightDecay: number;
  /** AdamW: θ ← θ(1 − ηω) instead of adding ωθ to the gradient */
  decoupledWeightDecay: boolean;
}

/** §4.6 (PyTorch defaults) */
export const ADAM_DEFAULTS: AdamOptions = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, decoupledWeightDecay: false };

/** m_t = β₁m + (1−β₁)ĝ,  v_t = β₂v + (1−β₂)ĝ²,  θ ← θ − η m̂/(√v̂ + ϵ) with m̂ = m_t/(1−β₁ᵗ), v̂ = v_t/(1−β₂ᵗ) (§4.2). */
export class AdamOptimizer implements Optimizer {
  readonly name = 'adam' as const;
  readonly options: AdamOptions;
  private firstMoment: Float64Array | null = null;
  private secondMoment: Float64Array | null = null;
  private completed = 0;

  constructor(options: Partial<AdamOptions> = {}) {
    this.options = { ...ADAM_DEFAULTS, ...options };
  }

  get lr(): number {
    return this.options.lr;
  }
  set lr(value: number) {
    this.options.lr = value;
  }
  get steps(): number {
    return this.completed;
  }
  /** m_t and v_t (null before the first step) */
  get moments(): { first: Float64Array; second: Float64Array } | null {
    return this.firstMoment && this.secondMoment ? { first: this.firstMoment, second: this.secondMoment } : null;
  }

  step(params: Float64Array, grads: Float64Array): StepReport {
    if (!finiteNorm(grads)) return { applied: false };
    const { lr, beta1, beta2, eps, weightDecay, decoupledWeightDecay } = this.options;
    if (!this.firstMoment || !this.secondMoment) {
      this.firstMoment = new Float64Array(params.length);
      this.secondMoment = new Float64Array(params.length);
    }
    const m = this.firstMoment;
    const v = this.secondMoment;
    const t = this.completed + 1;
    // β₁ᵗ and β₂ᵗ in float64 (the WGSL kernel receives them as uniforms, §4.2)
    const biasCorrection1 = 1 - Math.pow(beta1, t);
    const biasCorrection2 = 1 - Math.pow(beta2, t);
    for (let i = 0; i < params.length; i++) {
      let g = grads[i];
      if (decoupledWeightDecay) params[i] *= 1 - lr * weightDecay;
      else g += weightDecay * params[i];
      m[i] = beta1 * m[i] + (1 - beta1) * g;
      v[i] = beta2 * v[i] + (1 - beta2) * g * g;
      const mHat = m[i] / biasCorrection1;
      const vHat = v[i] / biasCorrection2;
      params[i] -= (lr * mHat) / (Math.sqrt(vHat) + eps);
    }
    this.completed = t;
    return { applied: true };
  }
}

export type BaseOptimizerConfig = ({ name: 'sgd' } & Partial<SgdOptions>) | ({ name: 'adam' } & Partial<AdamOptions>);

function createBaseOptimizer(config: BaseOptimizerConfig): SgdOptimizer | AdamOptimizer {
  const { name, ...options } = config;
  return name === 'sgd' ? new SgdOptimizer(options) : new AdamOptimizer(options);
}

// ---------------------------------------------------------------------------------------------------------------
// Shared by K-FAC and MKOR: per-layer views of the flat gradient

/** the layer's block ∇W̄ (d_out × (d_in+1)) copied out of the flat gradient */
function layerBlock(values: Float64Array, layer: LayerShape): Float64Array {
  return values.slice(layer.offset, layer.offset + layer.outputDim * (layer.inputDim + 1));
}

function requireStatistics(name: string, layout: ParameterLayout, stats: TrainingStatistics | undefined): TrainingStatistics {
  if (!stats) throw new Error(`${name}.step: the per-layer statistics (third argument) are required`);
  if (stats.layers.length !== layout.layers.length) throw new Error(`${name}.step: got statistics for ${stats.layers.length} layers; the layout has ${layout.layers.length}`);
  return stats;
}

function preconditionedMask(layout: ParameterLayout, sgdLayers: readonly number[]): boolean[] {
  for (const l of sgdLayers) if (!Number.isInteger(l) || l < 0 || l >= layout.layers.length) throw new Error(`sgdLayers: got ${l}; must be a layer index in 0..${layout.layers.length - 1}`);
  return layout.layers.map((_, l) => !sgdLayers.includes(l));
}

// ---------------------------------------------------------------------------------------------------------------
// §4.3 K-FAC (KP = kfac-pytorch / KAISA, inverse method; TFK for π-damping)

export interface KfacOptions {
  /** η of the base SGD and of the KL clip */
  lr: number;
  /** μ of the base SGD (KP examples: 0.9) */
  momentum: number;
  weightDecay: number;
  /** λ */
  damping: number;
  /** π-damping (TFK compute_pi_tracenorm): λ_A = π√λ, λ_G = √λ/π. Off: λ on each factor (KP inverse method) */
  piDamping: boolean;
  /** α of F ← αF + (1−α)F_batch */
  factorDecay: number;
  /** T_f */
  factorUpdateSteps: number;
  /** T_inv; undefined → 1 when every factor has dimension ≤ 257, else 10 (§4.3 lab defaults) */
  inverseUpdateSteps?: number;
  /** κ; null disables the KL clip */
  klClip: number | null;
  /**
   * 'both': U = G⁻¹ ∇W̄ A⁻¹. 'input-only': G := I, U = ∇W̄ (A + λI)⁻¹ (A-side preconditioning; the §7 4(iii)
   * least-squares check, where one step with α = 0, λ → 0, η = D/2 lands on the least-squares solution). Without a G
   * there is no π: λ is added to A as it is.
   */
  sides: 'both' | 'input-only';
  /** layers that are not preconditioned */
  sgdLayers: number[];
}

/** §4.6, FM-2D toy column: per-example G, π-damping λ 0.1, α 0.95, T_f 1, κ 1e-3, η 0.1, μ 0.9 */
export const KFAC_DEFAULTS: KfacOptions = {
  lr: 0.1,
  momentum: 0.9,
  weightDecay: 0,
  damping: 0.1,
  piDamping: true,
  factorDecay: 0.95,
  factorUpdateSteps: 1,
  inverseUpdateSteps: undefined,
  klClip: 1e-3,
  sides: 'both',
  sgdLayers: [],
};

export interface KfacLayerState {
  /** running A (d_in+1)², starts at I */
  inputFactor: Float64Array;
  /** running G d_out², starts at I */
  outputFactor: Float64Array;
  /** (A + λ_A I)⁻¹ */
  inputInverse: Float64Array;
  /** (G + λ_G I)⁻¹ (I for 'input-only') */
  outputInverse: Float64Array;
  inputDamping: number;
  outputDamping: number;
}

/**
 * Per step (KP BaseKFACPreconditioner.step then optimizer.step):
 * 1. every T_f steps, F ← αF + (1−α)F_batch for A and G (F starts at I, never 0);
 * 2. every T_inv steps, the damped inverses (π-damping by default);
 * 3. every step, U_l = G_l⁻¹ ∇W̄_l A_l⁻¹;
 * 4. KL clip ν = min(1, √(κ / |Σ_l Σ U_l ⊙ ∇W̄_l · η²|)) (ν = 1 when the sum is 0); ĝ_l = ν U_l;
 * 5. SGD with momentum on ĝ.
 * KP's step counter starts at 0, so the first step updates factors and inverses.
 */
export class KfacOptimizer implements Optimizer {
  readonly name = 'kfac' as const;
  readonly options: KfacOptions;
  readonly base: SgdOptimizer;
  private readonly layout: ParameterLayout;
  private readonly preconditioned: boolean[];
  private readonly state: KfacLayerState[];
  private readonly inverseUpdateSteps: number;
  private completed = 0;

  constructor(layout: ParameterLayout, options: Partial<KfacOptions> = {}) {
    this.options = { ...KFAC_DEFAULTS, ...options, sgdLayers: [...(options.sgdLayers ?? [])] };
    const o = this.options;
    if (!(o.damping > 0)) throw new Error(`kfac damping: got ${o.damping}; must be > 0`);
    if (!(o.factorDecay >= 0 && o.factorDecay < 1)) throw new Error(`kfac factorDecay: got ${o.factorDecay}; must be in [0, 1)`);
    this.layout = layout;
    this.preconditioned = preconditionedMask(layout, o.sgdLayers);
    const largest = Math.max(...layout.layers.map((l) => Math.max(l.inputDim + 1, l.outputDim)));
    this.inverseUpdateSteps = o.inverseUpdateSteps ?? (largest <= 257 ? 1 : 10);
    this.base = new SgdOptimizer({ lr: o.lr, momentum: o.momentum, weightDecay: o.weightDecay });
    this.state = layout.layers.map((layer) => {
      const nA = layer.inputDim + 1;
      const nG = layer.outputDim;
      return {
        inputFactor: identityMatrix(nA),
        outputFactor: identityMatrix(nG),
        inputInverse: identityMatrix(nA),
        outputInverse: identityMatrix(nG),
        inputDamping: 0,
        outputDamping: 0,
      };
    });
  }

  get lr(): number {
    return this.base.lr;
  }
  set lr(value: number) {
    this.base.lr = value;
    this.options.lr = value;
  }
  get steps(): number {
    return this.completed;
  }
  /** the factors and inverses of layer l (read-only view of the state) */
  layerState(l: number): Readonly<KfacLayerState> {
    return this.state[l];
  }

  step(params: Float64Array, grads: Float64Array, stats?: TrainingStatistics): StepReport {
    const statistics = requireStatistics('kfac', this.layout, stats);
    // NaN guard before any state changes: a non-finite gradient must not poison the running factors (§2.4)
    if (!finiteNorm(grads)) return { applied: false };
    const o = this.options;
    const alpha = o.factorDecay;
    const updateFactors = this.completed % o.factorUpdateSteps === 0;
    const updateInverses = this.completed % this.inverseUpdateSteps === 0;
    const direction = grads.slice();
    const preconditionedBlocks: { layer: LayerShape; block: Float64Array; gradient: Float64Array }[] = [];
    let vgSum = 0;
    this.layout.layers.forEach((layer, l) => {
      if (!this.preconditioned[l]) return;
      const s = this.state[l];
      const nA = layer.inputDim + 1;
      const nG = layer.outputDim;
      if (updateFactors) {
        const batchA = kfacInputFactor(statistics.layers[l], layer);
        for (let k = 0; k < batchA.length; k++) s.inputFactor[k] = alpha * s.inputFactor[k] + (1 - alpha) * batchA[k];
        if (o.sides === 'both') {
          const batchG = kfacOutputFactor(statistics.layers[l], layer);
          for (let k = 0; k < batchG.length; k++) s.outputFactor[k] = alpha * s.outputFactor[k] + (1 - alpha) * batchG[k];
        }
      }
      if (updateInverses) {
        if (o.sides === 'input-only') {
          s.inputDamping = o.damping;
          s.outputDamping = 0;
          s.inputInverse = choleskyInverse(s.inputFactor, nA, o.damping);
        } else {
          if (o.piDamping) {
            // π = √((tr A / dim A) / (tr G / dim G)) (TFK compute_pi_tracenorm, Martens & Grosse §6.3); λ_A = π√λ, λ_G = √λ/π
            let pi = Math.sqrt(trace(s.inputFactor, nA) / nA / (trace(s.outputFactor, nG) / nG));
            if (!(pi > 0 && Number.isFinite(pi))) pi = 1;
            s.inputDamping = pi * Math.sqrt(o.damping);
            s.outputDamping = Math.sqrt(o.damping) / pi;
          } else {
            // KP inverse method: λ on each factor
            s.inputDamping = o.damping;
            s.outputDamping = o.damping;
          }
          s.inputInverse = choleskyInverse(s.inputFactor, nA, s.inputDamping);
          s.outputInverse = choleskyInverse(s.outputFactor, nG, s.outputDamping);
        }
      }
      const gradient = layerBlock(grads, layer);
      const block = twoSidedProduct(s.outputInverse, gradient, s.inputInverse, nG, nA);
      for (let k = 0; k < block.length; k++) vgSum += block[k] * gradient[k] * o.lr * o.lr;
      preconditionedBlocks.push({ layer, block, gradient });
    });
    // KL clip with the CURRENT learning rate (KP reads self.lr, §8)
    const klScale = o.klClip === null || vgSum === 0 ? 1 : Math.min(1, Math.sqrt(o.klClip / Math.abs(vgSum)));
    for (const { layer, block } of preconditionedBlocks) for (let k = 0; k < block.length; k++) direction[layer.offset + k] = klScale * block[k];
    if (!finiteNorm(direction)) return { applied: false, klScale };
    this.base.step(params, direction);
    this.completed++;
    return { applied: true, klScale };
  }
}

// ---------------------------------------------------------------------------------------------------------------
// §4.4 MKOR: rank-1 Sherman–Morrison updates of the inverse factors

/** The released code's literal blend P′ = 0.95P + 0.05I (MK-pkg _invert_factor, §4.4) */
export const MKOR_RELEASED_BLEND = 0.95;
/** Released reset: max_ij |P_ij| > 2 flags both factors of the layer (MK-pkg _set_reset_factor_flags) */
export const MKOR_RESET_THRESHOLD = 2;

/**
 * The released inverse update (MK-pkg `_invert_factor`, MK-bert `method='approx'`), in place on the n×n inverse P:
 * P′ = βP + (1−β)I (β = 0.95), u = P′v, P ← P′ − uuᵀ/(1 + vᵀu), i.e. P = (P′⁻¹ + vvᵀ)⁻¹ (unit-weight SM).
 */
export function mkorReleasedInverseUpdate(inverse: Float64Array, vector: ArrayLike<number>, n: number, blend = MKOR_RELEASED_BLEND): void {
  for (let k = 0; k < inverse.length; k++) inverse[k] *= blend;
  for (let i = 0; i < n; i++) inverse[i * n + i] += 1 - blend;
  shermanMorrisonSubtract(inverse, vector, n, 1);
}

/**
 * The exact inverse of the EMA factor L_t = γL_{t−1} + (1−γ)ggᵀ (§4.4, the corrected form of MK-alg lines 7–8), in
 * place on P = L_{t−1}⁻¹: with c = (1−γ)/γ and u = Pg,  P ← (1/γ)(P − c·uuᵀ/(1 + c·gᵀu)).
 * The paper's printed line (γ instead of 1/γ, "+" instead of "−") diverges; this one matches the direct inverse.
 */
export function mkorExactInverseUpdate(inverse: Float64Array, vector: ArrayLike<number>, n: number, gamma: number): void {
  shermanMorrisonSubtract(inverse, vector, n, (1 - gamma) / gamma);
  for (let k = 0; k < inverse.length; k++) inverse[k] /= gamma;
}

/**
 * P ← P − c·uuᵀ/(1 + c·vᵀu) with u = Pv: (P⁻¹ + c·vvᵀ)⁻¹ for symmetric P.
 * P is kept EXACTLY symmetric (upper triangle computed, then mirrored). This matters for the exact EMA form: its
 * 1/γ factor passes any antisymmetric part of P through unchanged, so rounding asymmetry (from (c·u_i)·u_j ≠
 * (c·u_j)·u_i in floating point) grows as γ⁻ᵗ: [measured] 1e-16 → 6e5 relative error after 1000 updates at γ = 0.95
 * without the mirror, 1e-15 with it. The symmetric part is an inverse perturbation, which the EMA forgets.
 */
function shermanMorrisonSubtract(inverse: Float64Array, vector: ArrayLike<number>, n: number, c: number): void {
  const u = matVec(inverse, vector, n);
  let vu = 0;
  for (let i = 0; i < n; i++) vu += vector[i] * u[i];
  const scale = c / (1 + c * vu);
  for (let i = 0; i < n; i++) {
    for (let j = i; j < n; j++) {
      const value = inverse[i * n + j] - scale * (u[i] * u[j]);
      inverse[i * n + j] = value;
      inverse[j * n + i] = value;
    }
  }
}

/** The norm-based stabiliser of MK-alg step 2: if max |P_ij| > ε then P ← ζP + (1−ζ)I. Returns whether it fired. */
export function mkorStabilise(inverse: Float64Array, n: number, threshold: number, factor: number): boolean {
  if (!(maxAbs(inverse) > threshold)) return false;
  for (let k = 0; k < inverse.length; k++) inverse[k] *= factor;
  for (let i = 0; i < n; i++) inverse[i * n + i] += 1 - factor;
  return true;
}

export type MkorVariant = 'released' | 'paper-exact';

export interface MkorOptions {
  /** the base optimizer that steps on the rescaled ΔW̄ (MK-pkg 'sgd' or 'adam'); weight decay lives there */
  base: BaseOptimizerConfig;
  /** 'released' (default): blend-then-unit-SM with reset; 'paper-exact': exact EMA inverse with the stabiliser */
  variant: MkorVariant;
  /** inv_freq: statistics and SM run when steps % inv_freq == 0 or steps < warmup_steps; preconditioning every step */
  inverseUpdateSteps: number;
  warmupSteps: number;
  /** the rank-1 vectors are clamped to ±clippingValue */
  clippingValue: number;
  /** released: β of P′ = βP + (1−β)I */
  blend: number;
  /** released: reset both factors of a layer to I at its next update when max |P_ij| exceeds this */
  resetThreshold: number;
  /** paper-exact: γ of L_t = γL_{t−1} + (1−γ)ggᵀ */
  factorDecay: number;
  /** paper-exact: ε of the stabiliser */
  stabiliserThreshold: number;
  /** paper-exact: ζ of the stabiliser */
  stabiliserFactor: number;
  /** layers that are not preconditioned (their rescale ratio is 1) */
  sgdLayers: number[];
}

/** §4.4 lab implementation and §4.6 defaults (FM-2D toy): Adam 1e-3 base, inv_freq 1, ±100 clip, warmup 0 */
export const MKOR_DEFAULTS: MkorOptions = {
  base: { name: 'adam', lr: 1e-3 },
  variant: 'released',
  inverseUpdateSteps: 1,
  warmupSteps: 0,
  clippingValue: MKOR_CLIPPING_VALUE,
  blend: MKOR_RELEASED_BLEND,
  resetThreshold: MKOR_RESET_THRESHOLD,
  factorDecay: 0.95,
  stabiliserThreshold: 100,
  stabiliserFactor: 0.9,
  sgdLayers: [],
};

export interface MkorLayerState {
  /** P_A = R⁻¹, the input-side inverse factor, (d_in+1)² */
  inputInverse: Float64Array;
  /** P_G = L⁻¹, the output-side inverse factor, d_out² */
  outputInverse: Float64Array;
  /** released: reset both factors to I at the next update (starts true, so the first update only sets P = I) */
  resetPending: boolean;
  /** how many times the reset (released) or the stabiliser (paper-exact) has fired */
  resets: number;
}

/** The MKOR-H switching rule (§4.5 lab rule [design]). */
export interface HybridSwitchOptions {
  /** β of the training-loss EMA */
  lossDecay: number;
  /** W: the rule is evaluated every W steps */
  window: number;
  /** S_min: no switch before this many steps */
  minSteps: number;
  /** τ: a window whose relative EMA drop r = (ℓ̄_{t−W} − ℓ̄_t)/ℓ̄_{t−W} is below τ counts as stalled */
  threshold: number;
  /** switch after this many consecutive stalled windows */
  stalledWindows: number;
}

export const MKOR_HYBRID_DEFAULTS: HybridSwitchOptions = { lossDecay: 0.98, window: 200, minSteps: 1000, threshold: 0.01, stalledWindows: 2 };

/**
 * MKOR per step (§4.4, MK-pkg `step`):
 * 1. when steps % inv_freq == 0 or steps < warmup: per layer, a = mean Ā row (with its 1), g = ∇b (§3.2), clamped;
 *    the input inverse P_A is updated with a and the output inverse P_G with g (released: blend + unit SM, reset to I
 *    when flagged; paper-exact: stabiliser then exact EMA SM);
 * 2. every step: U = P_G ∇W̄ P_A;
 * 3. rescale per layer: ΔW̄ = ratio·U with ratio = (‖∇W‖_F + ‖∇b‖₂)/(‖U_W‖_F + ‖U_b‖₂) (sum of norms, as the code);
 *    a layer whose ratio is not finite keeps its plain gradient (MK-pkg skips it);
 * 4. the base optimizer steps on ΔW̄ (the rescale goes BEFORE the base optimizer, §8).
 */
export class MkorOptimizer implements Optimizer {
  readonly name: 'mkor' | 'mkor-h' = 'mkor';
  readonly options: MkorOptions;
  readonly base: SgdOptimizer | AdamOptimizer;
  protected readonly layout: ParameterLayout;
  private readonly preconditioned: boolean[];
  private readonly state: MkorLayerState[];
  private completed = 0;

  constructor(layout: ParameterLayout, options: Partial<MkorOptions> = {}) {
    this.options = { ...MKOR_DEFAULTS, ...options, sgdLayers: [...(options.sgdLayers ?? [])] };
    const o = this.options;
    if (!Number.isInteger(o.inverseUpdateSteps) || o.inverseUpdateSteps < 1) throw new Error(`mkor inverseUpdateSteps: got ${o.inverseUpdateSteps}; must be an integer ≥ 1`);
    if (!(o.factorDecay > 0 && o.factorDecay < 1)) throw new Error(`mkor factorDecay: got ${o.factorDecay}; must be in (0, 1)`);
    this.layout = layout;
    this.preconditioned = preconditionedMask(layout, o.sgdLayers);
    this.base = createBaseOptimizer(o.base);
    this.state = layout.layers.map((layer) => ({
      inputInverse: identityMatrix(layer.inputDim + 1),
      outputInverse: identityMatrix(layer.outputDim),
      resetPending: o.variant === 'released',
      resets: 0,
    }));
  }

  get lr(): number {
    return this.base.lr;
  }
  set lr(value: number) {
    this.base.lr = value;
  }
  get steps(): number {
    return this.completed;
  }
  /** the inverse factors of layer l (read-only view of the state) */
  layerState(l: number): Readonly<MkorLayerState> {
    return this.state[l];
  }

  step(params: Float64Array, grads: Float64Array, stats?: TrainingStatistics): StepReport {
    const statistics = requireStatistics(this.name, this.layout, stats);
    // NaN guard before any state changes: a non-finite gradient must not poison the inverse factors (§2.4)
    if (!finiteNorm(grads)) return { applied: false };
    const o = this.options;
    if (this.completed % o.inverseUpdateSteps === 0 || this.completed < o.warmupSteps) this.updateInverses(statistics);
    const direction = grads.slice();
    this.layout.layers.forEach((layer, l) => {
      if (!this.preconditioned[l]) return;
      const s = this.state[l];
      const nA = layer.inputDim + 1;
      const nG = layer.outputDim;
      const gradient = layerBlock(grads, layer);
      const block = twoSidedProduct(s.outputInverse, gradient, s.inputInverse, nG, nA);
      const ratio = weightAndBiasNorms(gradient, nG, nA) / weightAndBiasNorms(block, nG, nA);
      if (!Number.isFinite(ratio)) return; // 0/0 or overflow: keep the plain gradient for this layer
      for (let k = 0; k < block.length; k++) direction[layer.offset + k] = ratio * block[k];
    });
    if (!finiteNorm(direction)) return { applied: false };
    this.base.step(params, direction);
    this.completed++;
    return { applied: true };
  }

  private updateInverses(statistics: TrainingStatistics): void {
    const o = this.options;
    this.layout.layers.forEach((layer, l) => {
      if (!this.preconditioned[l]) return;
      const s = this.state[l];
      const nA = layer.inputDim + 1;
      const nG = layer.outputDim;
      if (o.variant === 'released') {
        if (s.resetPending) {
          // the reset replaces this update; its rank-1 vectors are skipped (MK-pkg _reset_factors, as written: P = I)
          s.inputInverse = identityMatrix(nA);
          s.outputInverse = identityMatrix(nG);
          s.resetPending = false;
          return;
        }
        mkorReleasedInverseUpdate(s.inputInverse, mkorInputVector(statistics.layers[l], layer, o.clippingValue), nA, o.blend);
        mkorReleasedInverseUpdate(s.outputInverse, mkorOutputVector(statistics.layers[l], layer, o.clippingValue), nG, o.blend);
        // written as !(≤) so that a non-finite factor (fp16 overflow in MK-pkg; impossible in exact arithmetic) also resets
        if (!(maxAbs(s.inputInverse) <= o.resetThreshold) || !(maxAbs(s.outputInverse) <= o.resetThreshold)) {
          s.resetPending = true;
          s.resets++;
        }
      } else {
        if (mkorStabilise(s.inputInverse, nA, o.stabiliserThreshold, o.stabiliserFactor)) s.resets++;
        if (mkorStabilise(s.outputInverse, nG, o.stabiliserThreshold, o.stabiliserFactor)) s.resets++;
        mkorExactInverseUpdate(s.inputInverse, mkorInputVector(statistics.layers[l], layer, o.clippingValue), nA, o.factorDecay);
        mkorExactInverseUpdate(s.outputInverse, mkorOutputVector(statistics.layers[l], layer, o.clippingValue), nG, o.factorDecay);
      }
    });
  }
}

/** ‖W‖_F + ‖b‖₂ of a d_out × (d_in+1) block whose last column is b (MK-pkg adds the two norms, §4.4 "Rescale") */
function weightAndBiasNorms(block: Float64Array, rows: number, cols: number): number {
  let weight = 0;
  let bias = 0;
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols - 1; j++) weight += block[i * cols + j] ** 2;
    bias += block[i * cols + cols - 1] ** 2;
  }
  return Math.sqrt(weight) + Math.sqrt(bias);
}

// ---------------------------------------------------------------------------------------------------------------
// §4.5 MKOR-H

/**
 * MKOR until the training loss stalls, then permanently the base optimizer (§4.5 lab rule [design]). The released
 * code has no automatic switch (the published switch was a restart with LAMB); this is the lab's rule:
 * ℓ̄ ← βℓ̄ + (1−β)ℓ (ℓ̄ starts at the first loss); at every step t (1-based) that is a multiple of W, with t ≥ S_min
 * and ℓ̄_{t−W} recorded, r = (ℓ̄_{t−W} − ℓ̄_t)/ℓ̄_{t−W}; two consecutive windows with r < τ switch. The switch takes
 * effect on the step that detects it. After it, no statistics or SM work; the base optimizer keeps its state and η.
 */
export class MkorHybridOptimizer extends MkorOptimizer {
  override readonly name = 'mkor-h' as const;
  readonly hybrid: HybridSwitchOptions;
  private lossAverage: number | null = null;
  private windowStartAverage: number | null = null;
  private stalled = 0;
  private seenLosses = 0;
  private switchStep: number | null = null;
  private hybridSteps = 0;

  constructor(layout: ParameterLayout, options: Partial<MkorOptions> = {}, hybrid: Partial<HybridSwitchOptions> = {}) {
    super(layout, options);
    this.hybrid = { ...MKOR_HYBRID_DEFAULTS, ...hybrid };
  }

  /** the step index (0-based) from which the optimizer is first-order, or null while it is still MKOR */
  get switchedAt(): number | null {
    return this.switchStep;
  }
  /** the training-loss EMA ℓ̄ */
  get averageLoss(): number | null {
    return this.lossAverage;
  }
  override get steps(): number {
    return this.hybridSteps;
  }

  /** the UI's "switch now" */
  switchNow(): void {
    if (this.switchStep === null) this.switchStep = this.hybridSteps;
  }

  override step(params: Float64Array, grads: Float64Array, stats?: TrainingStatistics): StepReport {
    if (this.switchStep === null) {
      const statistics = requireStatistics(this.name, this.layout, stats);
      this.observeLoss(statistics.loss);
    }
    if (this.switchStep !== null) {
      const report = this.base.step(params, grads);
      if (report.applied) this.hybridSteps++;
      return { ...report, firstOrder: true };
    }
    const report = super.step(params, grads, stats);
    if (report.applied) this.hybridSteps++;
    return { ...report, firstOrder: false };
  }

  private observeLoss(loss: number): void {
    if (!Number.isFinite(loss)) return;
    const h = this.hybrid;
    this.seenLosses++;
    this.lossAverage = this.lossAverage === null ? loss : h.lossDecay * this.lossAverage + (1 - h.lossDecay) * loss;
    if (this.seenLosses % h.window !== 0) return;
    if (this.windowStartAverage !== null && this.seenLosses >= h.minSteps) {
      const drop = (this.windowStartAverage - this.lossAverage) / this.windowStartAverage;
      this.stalled = drop < h.threshold ? this.stalled + 1 : 0;
      if (this.stalled >= h.stalledWindows) this.switchStep = this.hybridSteps;
    }
    this.windowStartAverage = this.lossAverage;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// One entry point

export type OptimizerConfig =
  | ({ name: 'sgd' } & Partial<SgdOptions>)
  | ({ name: 'adam' } & Partial<AdamOptions>)
  | ({ name: 'kfac' } & Partial<KfacOptions>)
  | ({ name: 'mkor' } & Partial<MkorOptions>)
  | ({ name: 'mkor-h' } & Partial<MkorOptions> & { hybrid?: Partial<HybridSwitchOptions> });

/** An optimizer for a parameter vector of this layout; missing fields take the §4.6 FM-2D toy defaults. */
export function createOptimizer(config: OptimizerConfig, layout: ParameterLayout): Optimizer {
  switch (config.name) {
    case 'sgd': {
      const { name: _, ...options } = config;
      return new SgdOptimizer(options);
    }
    case 'adam': {
      const { name: _, ...options } = config;
      return new AdamOptimizer(options);
    }
    case 'kfac': {
      const { name: _, ...options } = config;
      return new KfacOptimizer(layout, options);
    }
    case 'mkor': {
      const { name: _, ...options } = config;
      return new MkorOptimizer(layout, options);
    }
    case 'mkor-h': {
      const { name: _, hybrid, ...options } = config;
      return new MkorHybridOptimizer(layout, options, hybrid);
    }
  }
}

/**
 * §4.6, PDE-surrogate column (the toy column is what the constructors default to): SGD η 0.1 (0.1–0.2); Adam 1e-3;
 * K-FAC η 0.2 (0.2–0.3) with π-damping λ 0.03 and T_inv 1 (the §4.7 Burgers best was λ 0.03, η 0.3); MKOR on Adam 1e-3.
 */
export const SURROGATE_OPTIMIZER_DEFAULTS: Record<OptimizerName, OptimizerConfig> = {
  sgd: { name: 'sgd', lr: 0.1, momentum: 0.9 },
  adam: { name: 'adam', lr: 1e-3 },
  kfac: { name: 'kfac', lr: 0.2, damping: 0.03, piDamping: true, inverseUpdateSteps: 1 },
  mkor: { name: 'mkor', base: { name: 'adam', lr: 1e-3 } },
  'mkor-h': { name: 'mkor-h', base: { name: 'adam', lr: 1e-3 } },
};
