// A tiny 1D Fourier neural operator in float64 (training.md §3.4; NO = neuraloperator's SpectralConv, FNOBlocks,
// FNO), forward and exact backward: the PDE surrogate of the online-versus-offline experiment (§5) on the CPU path.
//
// Per sample, activations are channel-major [c][n] on the N-point periodic grid.
//   lifting     h⁰ = W_lift x + b_lift                  (1×1 conv; in-channels (u, p̃, x): NO's "grid" embedding)
//   block l     s = SpecConv_l(h) + W_skip,l h + b_l,   h ← φ(s) except after the last block (NO: no activation there)
//   projection  q = φ(P₁ h + c₁),  r̂ = P₂ q + c₂        (1×1 convs, w → 2w → out)
// Simplified against NO [design, §3.4]: no channel-MLP sub-block inside the blocks.
//
// SpecConv (§3.4, NO conventions: fft_norm 'forward', K = n_modes//2 + 1 kept rfft modes, complex weight (in, out, K)):
//   V̂_{c,k} = (1/N) Σ_n v_{c,n} e^{−2πikn/N}, k < K;  Ŵ_{o,k} = Σ_c R_{c,o,k} V̂_{c,k};  Im Ŵ_{o,0} := 0 (and Nyquist);
//   u_{o,n} = Σ_k m_k [Re Ŵ_{o,k} cos(2πkn/N) − Im Ŵ_{o,k} sin(2πkn/N)],  m₀ = 1, m_k = 2 (0 < k < N/2), m_{N/2} = 1.
// The transforms are real matrices [design, §3.4: with K ≤ 16, N ≤ 256 the partial DFT is cheaper than an FFT plus
// truncation, and its adjoint is just the transpose]: Re V̂ = v Cᵀ, Im V̂ = v Sᵀ, u = Re Ŵ C′ + Im Ŵ S′, where
// C_{k,n} = cos(2πkn/N)/N, S_{k,n} = −sin(2πkn/N)/N, C′_{k,n} = m_k cos(2πkn/N), S′_{k,n} = −m_k sin(2πkn/N), with
// row 0 of S′ (and the Nyquist row) zeroed: the Hermitian enforcement, so ∂ℒ/∂Im R at k = 0 is exactly 0.
// fno.test.ts checks these matrices against the PDE engine's FFT (core/pde/fft.ts, §7 item 6).
//
// The backward (§3.4 table, G = ∂ℒ/∂Ŵ):
//   ∂ℒ/∂Re Ŵ = (∂ℒ/∂u) C′ᵀ, ∂ℒ/∂Im Ŵ = (∂ℒ/∂u) S′ᵀ;  ∂ℒ/∂Re R = G_re V_re + G_im V_im, ∂ℒ/∂Im R = G_im V_re − G_re V_im;
//   ∂ℒ/∂V̂ = Σ_o conj(R)·G;  ∂ℒ/∂v = (∂ℒ/∂Re V̂) C + (∂ℒ/∂Im V̂) S.

import { randomBits, normalPair, uniformOpen } from '../util/rng.ts';
import { type Activation, activate, activationDerivative } from '../train/mlp.ts';
import type { LayerShape, ParameterLayout } from '../train/mlp.ts';

/** GELU (NO's default) in PyTorch's tanh form [design: differentiable in closed form, so the gradient check is exact]. */
export type FnoActivation = 'gelu' | Activation;

export interface FnoConfig {
  /** grid points N */
  n: number;
  /** input channels (the surrogate: u, the normalised parameter, the grid coordinate) */
  inChannels: number;
  /** output channels (the surrogate: the residual r̂) */
  outChannels: number;
  /** hidden width w */
  width: number;
  /** number of Fourier blocks L (NO default 4) */
  layers: number;
  /** NO's n_modes (a total): K = n_modes//2 + 1 rfft modes are kept, K ≤ N/2 + 1 */
  modes: number;
  activation: FnoActivation;
}

export interface FnoBlockLayout {
  /** R_re and R_im, each (in = w) × (out = w) × K, index (c·w + o)·K + k */
  spectralRe: number;
  spectralIm: number;
  /** W̄_skip = [W | b], w × (w+1) row-major (bias last column, as core/train's layers) */
  skip: LayerShape;
}

export interface FnoLayout extends ParameterLayout {
  config: FnoConfig;
  /** kept rfft modes K */
  keptModes: number;
  lift: LayerShape;
  blocks: FnoBlockLayout[];
  project1: LayerShape;
  project2: LayerShape;
  /** [offset, length] of every complex spectral weight block (first-order "sgd_layers" in the §3.4 sense) */
  spectralBlocks: [number, number][];
}

export function fnoLayout(config: FnoConfig): FnoLayout {
  const { n, inChannels, outChannels, width, layers, modes } = config;
  for (const [name, value] of [['n', n], ['inChannels', inChannels], ['outChannels', outChannels], ['width', width], ['layers', layers], ['modes', modes]] as const)
    if (!Number.isInteger(value) || value < 1) throw new Error(`fno ${name}: got ${value}; must be an integer ≥ 1`);
  const keptModes = Math.floor(modes / 2) + 1;
  if (keptModes > Math.floor(n / 2) + 1) throw new Error(`fno modes: got ${modes} (K = ${keptModes} rfft modes); N = ${n} has at most ${Math.floor(n / 2) + 1}`);
  let offset = 0;
  const linear = (inputDim: number, outputDim: number): LayerShape => {
    const shape = { inputDim, outputDim, offset };
    offset += outputDim * (inputDim + 1);
    return shape;
  };
  const lift = linear(inChannels, width);
  const blocks: FnoBlockLayout[] = [];
  const spectralBlocks: [number, number][] = [];
  const spectralSize = width * width * keptModes;
  for (let l = 0; l < layers; l++) {
    const spectralRe = offset;
    const spectralIm = offset + spectralSize;
    spectralBlocks.push([offset, 2 * spectralSize]);
    offset += 2 * spectralSize;
    blocks.push({ spectralRe, spectralIm, skip: linear(width, width) });
  }
  const project1 = linear(width, 2 * width);
  const project2 = linear(2 * width, outChannels);
  return {
    config,
    keptModes,
    lift,
    blocks,
    project1,
    project2,
    spectralBlocks,
    layers: [lift, ...blocks.map((b) => b.skip), project1, project2],
    parameterCount: offset,
  };
}

/** RNG stream of the FNO's initialisation (streams 40–49 are the surrogate experiment's; 30–39 are core/train's) */
export const FNO_INIT_STREAM = 40;

/**
 * Seeded initialisation. 1×1 convs: PyTorch's Conv1d default U(±1/√fan_in) for weights and bias. Spectral weights:
 * NO's complex normal with std √(2/(in+out)), i.e. real and imaginary parts each N(0, (2/(in+out))/2).
 * Parameter j takes the draw (seed, FNO_INIT_STREAM, particle 0, step ⌊j/2048⌋, block (j mod 2048)/2).
 */
export function initFnoParameters(layout: FnoLayout, seed: number): Float64Array {
  const params = new Float64Array(layout.parameterCount);
  const draw = (j: number, normal: boolean): number => {
    const step = Math.floor(j / 2048);
    const block = (j % 2048) >> 1;
    if (normal) return normalPair(seed, FNO_INIT_STREAM, 0, step, block)[j & 1];
    return 2 * uniformOpen(randomBits(seed, FNO_INIT_STREAM, 0, step, block)[j & 1]) - 1;
  };
  for (const layer of layout.layers) {
    const bound = 1 / Math.sqrt(layer.inputDim);
    const count = layer.outputDim * (layer.inputDim + 1);
    for (let j = layer.offset; j < layer.offset + count; j++) params[j] = bound * draw(j, false);
  }
  const w = layout.config.width;
  const std = Math.sqrt(2 / (w + w)) / Math.SQRT2;
  for (const [start, length] of layout.spectralBlocks) for (let j = start; j < start + length; j++) params[j] = std * draw(j, true);
  return params;
}

// ---------------------------------------------------------------------------------------------------------------
// Transform matrices

export interface DftMatrices {
  n: number;
  keptModes: number;
  /** C, S: K × N forward (1/N normalised); Cinv, Sinv: K × N inverse (m_k weights, rows of Sinv zeroed at DC/Nyquist) */
  forwardCos: Float64Array;
  forwardSin: Float64Array;
  inverseCos: Float64Array;
  inverseSin: Float64Array;
}

const dftCache = new Map<string, DftMatrices>();

/** The §3.4 real matrices for N points and K kept modes (angles reduced mod N so they are exact at every n). */
export function dftMatrices(n: number, keptModes: number): DftMatrices {
  const key = `${n}:${keptModes}`;
  let m = dftCache.get(key);
  if (m) return m;
  const forwardCos = new Float64Array(keptModes * n);
  const forwardSin = new Float64Array(keptModes * n);
  const inverseCos = new Float64Array(keptModes * n);
  const inverseSin = new Float64Array(keptModes * n);
  for (let k = 0; k < keptModes; k++) {
    const nyquist = 2 * k === n;
    const weight = k === 0 || nyquist ? 1 : 2;
    for (let j = 0; j < n; j++) {
      const angle = (2 * Math.PI * ((k * j) % n)) / n;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      forwardCos[k * n + j] = c / n;
      // sin(πj) is exactly 0 at DC and Nyquist; the rounded value (~1e-16) would leak into Im V̂ there
      forwardSin[k * n + j] = k === 0 || nyquist ? 0 : -s / n;
      inverseCos[k * n + j] = weight * c;
      inverseSin[k * n + j] = k === 0 || nyquist ? 0 : -weight * s;
    }
  }
  m = { n, keptModes, forwardCos, forwardSin, inverseCos, inverseSin };
  dftCache.set(key, m);
  return m;
}

// ---------------------------------------------------------------------------------------------------------------
// Activation

const GELU_A = Math.sqrt(2 / Math.PI);
const GELU_B = 0.044715;

function act(kind: FnoActivation, s: number): number {
  if (kind !== 'gelu') return activate(kind, s);
  return 0.5 * s * (1 + Math.tanh(GELU_A * (s + GELU_B * s * s * s)));
}

function actDerivative(kind: FnoActivation, s: number): number {
  if (kind !== 'gelu') return activationDerivative(kind, s);
  const t = Math.tanh(GELU_A * (s + GELU_B * s * s * s));
  return 0.5 * (1 + t) + 0.5 * s * (1 - t * t) * GELU_A * (1 + 3 * GELU_B * s * s);
}

export function fnoActivation(kind: FnoActivation, s: number): number {
  return act(kind, s);
}

// ---------------------------------------------------------------------------------------------------------------
// Forward and backward, one sample at a time through a reusable workspace

/** Per-sample intermediates (allocated once per layout): what the backward needs. */
class Workspace {
  /** input x, inChannels × N */
  readonly input: Float64Array;
  /** h⁰ … h^L: the block inputs and the projection's input, each w × N */
  readonly hidden: Float64Array[];
  /** s per block (pre-activation), w × N */
  readonly pre: Float64Array[];
  /** V̂ per block: re and im, w × K */
  readonly specRe: Float64Array[];
  readonly specIm: Float64Array[];
  /** P₁ h^L + c₁ (2w × N) and its activation */
  readonly projectPre: Float64Array;
  readonly projectHidden: Float64Array;
  readonly output: Float64Array;
  // backward scratch
  readonly gradHidden: Float64Array;
  readonly gradPre: Float64Array;
  readonly gradProject: Float64Array;
  readonly mixRe: Float64Array;
  readonly mixIm: Float64Array;
  readonly gradSpecRe: Float64Array;
  readonly gradSpecIm: Float64Array;
  readonly spectralOut: Float64Array;

  constructor(layout: FnoLayout) {
    const { n, inChannels, outChannels, width, layers } = layout.config;
    const K = layout.keptModes;
    this.input = new Float64Array(inChannels * n);
    this.hidden = Array.from({ length: layers + 1 }, () => new Float64Array(width * n));
    this.pre = Array.from({ length: layers }, () => new Float64Array(width * n));
    this.specRe = Array.from({ length: layers }, () => new Float64Array(width * K));
    this.specIm = Array.from({ length: layers }, () => new Float64Array(width * K));
    this.projectPre = new Float64Array(2 * width * n);
    this.projectHidden = new Float64Array(2 * width * n);
    this.output = new Float64Array(outChannels * n);
    this.gradHidden = new Float64Array(Math.max(width, inChannels) * n);
    this.gradPre = new Float64Array(width * n);
    this.gradProject = new Float64Array(2 * width * n);
    this.mixRe = new Float64Array(width * K);
    this.mixIm = new Float64Array(width * K);
    this.gradSpecRe = new Float64Array(width * K);
    this.gradSpecIm = new Float64Array(width * K);
    this.spectralOut = new Float64Array(width * n);
  }
}

/** out[o][n] = Σ_c W[o][c] in[c][n] + b[o], with W̄ = [W | b] row-major at layer.offset */
function pointwise(params: Float64Array, layer: LayerShape, input: Float64Array, n: number, out: Float64Array, accumulate = false): void {
  const { inputDim: din, outputDim: dout, offset } = layer;
  const cols = din + 1;
  for (let o = 0; o < dout; o++) {
    const row = offset + o * cols;
    const b = params[row + din];
    const base = o * n;
    if (accumulate) for (let j = 0; j < n; j++) out[base + j] += b;
    else out.fill(b, base, base + n);
    for (let c = 0; c < din; c++) {
      const w = params[row + c];
      if (w === 0) continue;
      const inBase = c * n;
      for (let j = 0; j < n; j++) out[base + j] += w * input[inBase + j];
    }
  }
}

/**
 * Backward of `pointwise`: grads[W̄] += gradOut ⊗ [input; 1]; gradIn (if given) = Wᵀ gradOut (overwritten, or
 * accumulated with `accumulateIn`).
 */
function pointwiseBackward(
  params: Float64Array,
  grads: Float64Array,
  layer: LayerShape,
  input: Float64Array,
  gradOut: Float64Array,
  n: number,
  gradIn: Float64Array | null,
  accumulateIn = false,
): void {
  const { inputDim: din, outputDim: dout, offset } = layer;
  const cols = din + 1;
  if (gradIn && !accumulateIn) gradIn.fill(0, 0, din * n);
  for (let o = 0; o < dout; o++) {
    const row = offset + o * cols;
    const gBase = o * n;
    let bias = 0;
    for (let j = 0; j < n; j++) bias += gradOut[gBase + j];
    grads[row + din] += bias;
    for (let c = 0; c < din; c++) {
      const inBase = c * n;
      let s = 0;
      for (let j = 0; j < n; j++) s += gradOut[gBase + j] * input[inBase + j];
      grads[row + c] += s;
      if (gradIn) {
        const w = params[row + c];
        if (w === 0) continue;
        for (let j = 0; j < n; j++) gradIn[inBase + j] += w * gradOut[gBase + j];
      }
    }
  }
}

/** forward of one sample; `ws.input` must hold x. Leaves r̂ in ws.output. */
function forwardSample(layout: FnoLayout, params: Float64Array, ws: Workspace): void {
  const { n, width: w, activation } = layout.config;
  const K = layout.keptModes;
  const T = dftMatrices(n, K);
  pointwise(params, layout.lift, ws.input, n, ws.hidden[0]);
  layout.blocks.forEach((block, l) => {
    const h = ws.hidden[l];
    const vRe = ws.specRe[l];
    const vIm = ws.specIm[l];
    // V̂ = truncated forward-normalised rfft of every channel
    projectOntoModes(h, w, n, K, T.forwardCos, T.forwardSin, vRe, vIm);
    // Ŵ_{o,k} = Σ_c R_{c,o,k} V̂_{c,k}
    const mRe = ws.mixRe;
    const mIm = ws.mixIm;
    mRe.fill(0);
    mIm.fill(0);
    for (let c = 0; c < w; c++) {
      const cb = c * K;
      for (let o = 0; o < w; o++) {
        const re0 = block.spectralRe + (c * w + o) * K;
        const im0 = block.spectralIm + (c * w + o) * K;
        const ob = o * K;
        for (let k = 0; k < K; k++) {
          const rr = params[re0 + k];
          const ri = params[im0 + k];
          const xr = vRe[cb + k];
          const xi = vIm[cb + k];
          mRe[ob + k] += rr * xr - ri * xi;
          mIm[ob + k] += rr * xi + ri * xr;
        }
      }
    }
    // s = irfft(Ŵ) + W_skip h + b
    const s = ws.pre[l];
    pointwise(params, block.skip, h, n, s);
    addFromModes(mRe, mIm, w, n, K, T.inverseCos, T.inverseSin, s);
    const next = ws.hidden[l + 1];
    if (l < layout.blocks.length - 1) for (let i = 0; i < w * n; i++) next[i] = act(activation, s[i]);
    else next.set(s);
  });
  pointwise(params, layout.project1, ws.hidden[layout.blocks.length], n, ws.projectPre);
  for (let i = 0; i < ws.projectPre.length; i++) ws.projectHidden[i] = act(activation, ws.projectPre[i]);
  pointwise(params, layout.project2, ws.projectHidden, n, ws.output);
}

/** out{Re,Im}[c·K + k] = Σ_j x[c·n + j]·(cos, sin)[k·n + j] for each of `channels` rows: a truncated DFT projection */
function projectOntoModes(x: Float64Array, channels: number, n: number, K: number, cos: Float64Array, sin: Float64Array, outRe: Float64Array, outIm: Float64Array): void {
  for (let c = 0; c < channels; c++) {
    const xb = c * n;
    for (let k = 0; k < K; k++) {
      const tb = k * n;
      let re = 0;
      let im = 0;
      for (let j = 0; j < n; j++) {
        const v = x[xb + j];
        re += v * cos[tb + j];
        im += v * sin[tb + j];
      }
      outRe[c * K + k] = re;
      outIm[c * K + k] = im;
    }
  }
}

/** out[c·n + j] += Σ_k re[c·K + k]·cos[k·n + j] + im[c·K + k]·sin[k·n + j]: the transpose of projectOntoModes, accumulated */
function addFromModes(re: Float64Array, im: Float64Array, channels: number, n: number, K: number, cos: Float64Array, sin: Float64Array, out: Float64Array): void {
  for (let c = 0; c < channels; c++) {
    const ob = c * n;
    for (let k = 0; k < K; k++) {
      const a = re[c * K + k];
      const b = im[c * K + k];
      const tb = k * n;
      for (let j = 0; j < n; j++) out[ob + j] += a * cos[tb + j] + b * sin[tb + j];
    }
  }
}

/** backward of one sample given ∂ℒ/∂r̂ (outChannels × N); accumulates into grads */
function backwardSample(layout: FnoLayout, params: Float64Array, ws: Workspace, gradOutput: Float64Array, grads: Float64Array): void {
  const { n, width: w, activation } = layout.config;
  const K = layout.keptModes;
  const T = dftMatrices(n, K);
  const L = layout.blocks.length;
  // projection
  pointwiseBackward(params, grads, layout.project2, ws.projectHidden, gradOutput, n, ws.gradProject);
  for (let i = 0; i < ws.gradProject.length; i++) ws.gradProject[i] *= actDerivative(activation, ws.projectPre[i]);
  const gh = ws.gradHidden; // ∂ℒ/∂h^l, w × N
  pointwiseBackward(params, grads, layout.project1, ws.hidden[L], ws.gradProject, n, gh);
  for (let l = L - 1; l >= 0; l--) {
    const block = layout.blocks[l];
    const gs = ws.gradPre; // ∂ℒ/∂s
    if (l < L - 1) for (let i = 0; i < w * n; i++) gs[i] = gh[i] * actDerivative(activation, ws.pre[l][i]);
    else gs.set(gh.subarray(0, w * n));
    const h = ws.hidden[l];
    // skip path: grads of W̄_skip, and ∂ℒ/∂h = W_skipᵀ gs (overwrites gh)
    pointwiseBackward(params, grads, block.skip, h, gs, n, gh);
    // spectral path: G = ∂ℒ/∂Ŵ = (gs C′ᵀ, gs S′ᵀ)
    const gRe = ws.mixRe;
    const gIm = ws.mixIm;
    projectOntoModes(gs, w, n, K, T.inverseCos, T.inverseSin, gRe, gIm);
    // ∂ℒ/∂R = G·conj(V̂) summed over samples; ∂ℒ/∂V̂ = Σ_o conj(R)·G
    const vRe = ws.specRe[l];
    const vIm = ws.specIm[l];
    const dvRe = ws.gradSpecRe;
    const dvIm = ws.gradSpecIm;
    dvRe.fill(0);
    dvIm.fill(0);
    for (let c = 0; c < w; c++) {
      const cb = c * K;
      for (let o = 0; o < w; o++) {
        const re0 = block.spectralRe + (c * w + o) * K;
        const im0 = block.spectralIm + (c * w + o) * K;
        const ob = o * K;
        for (let k = 0; k < K; k++) {
          const xr = vRe[cb + k];
          const xi = vIm[cb + k];
          const g0 = gRe[ob + k];
          const g1 = gIm[ob + k];
          grads[re0 + k] += g0 * xr + g1 * xi;
          grads[im0 + k] += g1 * xr - g0 * xi;
          const rr = params[re0 + k];
          const ri = params[im0 + k];
          // conj(R)·G = (rr − i ri)(g0 + i g1)
          dvRe[cb + k] += rr * g0 + ri * g1;
          dvIm[cb + k] += rr * g1 - ri * g0;
        }
      }
    }
    // ∂ℒ/∂h += (∂ℒ/∂Re V̂) C + (∂ℒ/∂Im V̂) S
    addFromModes(dvRe, dvIm, w, n, K, T.forwardCos, T.forwardSin, gh);
  }
  // lifting (no gradient with respect to the input is needed)
  pointwiseBackward(params, grads, layout.lift, ws.input, gh, n, null);
}

const workspaces = new WeakMap<FnoLayout, Workspace>();
function workspaceOf(layout: FnoLayout): Workspace {
  let ws = workspaces.get(layout);
  if (!ws) {
    ws = new Workspace(layout);
    workspaces.set(layout, ws);
  }
  return ws;
}

/** r̂ for a batch: inputs B × inChannels × N (channel-major per sample) → B × outChannels × N. */
export function fnoForward(layout: FnoLayout, params: Float64Array, inputs: Float64Array, batch: number): Float64Array {
  const { n, inChannels, outChannels } = layout.config;
  const ws = workspaceOf(layout);
  const inSize = inChannels * n;
  const outSize = outChannels * n;
  if (inputs.length !== batch * inSize) throw new Error(`fnoForward: expected ${batch * inSize} inputs, got ${inputs.length}`);
  const out = new Float64Array(batch * outSize);
  for (let b = 0; b < batch; b++) {
    ws.input.set(inputs.subarray(b * inSize, (b + 1) * inSize));
    forwardSample(layout, params, ws);
    out.set(ws.output, b * outSize);
  }
  return out;
}

export interface FnoLossAndGradients {
  /** ℒ = (1/(B·D)) Σ ‖r̂ − r‖², D = outChannels·N (§3.1's mean MSE) */
  loss: number;
  gradients: Float64Array;
}

/** The mean-squared loss of a batch against targets (B × outChannels × N) and its exact gradient. */
export function fnoLossAndGradients(layout: FnoLayout, params: Float64Array, inputs: Float64Array, targets: Float64Array, batch: number): FnoLossAndGradients {
  const { n, inChannels, outChannels } = layout.config;
  const ws = workspaceOf(layout);
  const inSize = inChannels * n;
  const outSize = outChannels * n;
  if (inputs.length !== batch * inSize) throw new Error(`fnoLossAndGradients: expected ${batch * inSize} inputs, got ${inputs.length}`);
  if (targets.length !== batch * outSize) throw new Error(`fnoLossAndGradients: expected ${batch * outSize} targets, got ${targets.length}`);
  const gradients = new Float64Array(layout.parameterCount);
  const gradOutput = new Float64Array(outSize);
  const scale = 2 / (batch * outSize);
  let loss = 0;
  for (let b = 0; b < batch; b++) {
    ws.input.set(inputs.subarray(b * inSize, (b + 1) * inSize));
    forwardSample(layout, params, ws);
    for (let i = 0; i < outSize; i++) {
      const r = ws.output[i] - targets[b * outSize + i];
      loss += r * r;
      gradOutput[i] = scale * r;
    }
    backwardSample(layout, params, ws, gradOutput, gradients);
  }
  return { loss: loss / (batch * outSize), gradients };
}
