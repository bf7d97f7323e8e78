// DPM-Solver-v3's empirical model statistics (EMS) and their integrals (specs §6.2–§6.4, [V3P App. C.1.1; V3EMS]),
// in float64 from the exact Gaussian-mixture model of the target (specs §15.5: no autodiff needed).
//
//   l_λ = E[diag(σ ∇_x ε̂(x_λ, λ))]                                   per dimension (§6.2)
//   f   = (σ ε̂ − l x)/α,   f⁽¹⁾ = e^{−λ}((l − 1) ε̂ + ε̂⁽¹⁾) − (dl/dλ)·x/α   (ε̂⁽¹⁾: total derivative along the ODE)
//   s_λ = Cov(f, f⁽¹⁾)/Var(f),  b_λ = E[f⁽¹⁾] − s_λ E[f]                (elementwise least squares, §6.2)
// on N_ems + 1 points uniform in λ between λ(t_start) and λ(t_end), from K data points x0 pushed through q_λ:
// x_λ = α x0 + σ z (§6.3). The same K pairs (x0, z) are used at every λ (common random numbers), so the
// finite-difference dl/dλ sees no sampling noise between neighbouring grid points.

import { gaussLegendre } from '../util/quadrature.ts';
import { randomBits } from '../util/rng.ts';
import { fillNormal } from '../util/rng.ts';
import { type PreparedMixture, mixtureDenoise, sampleMixture } from './gmm.ts';
import type { NoiseProcess } from './process.ts';

/** how l is estimated: the exact per-dimension diagonal of σ·J_ε̂, or Hutchinson with Rademacher probes of σ·J_ε̂·v */
export type LEstimator = 'exact' | 'hutchinson';

export interface EmsOptions {
  /** N_ems: the grid has N_ems + 1 points uniform in λ */
  points: number;
  /** K: data points pushed through q_λ */
  samples: number;
  lEstimator?: LEstimator;
  /** Rademacher probes per data point of the Hutchinson estimator (V3EMS uses one) */
  probes?: number;
  seed?: number;
  /** l = 1, s = 0, b = 0: the statistics under which DPM-Solver-v3 is DPM-Solver++ (specs §6.1, V3 'degenerated') */
  degenerate?: boolean;
  /** the half-width of dl/dλ's moving average in grid points (V3EMS: 5) */
  smoothing?: number;
  /**
   * |s| ≤ sClip. Not in the official code: at very high noise (EDM's σ = 80, flow near t = 1) f barely varies
   * and the least squares returns |s| in the hundreds (measured: −1280 on ring8 under EDM), S = ∫s reaches −222
   * and B = ∫e^{−S}b overflows to 1e92; the v3 updates are then not finite. Clipping at 10 leaves the VP toys'
   * statistics untouched (|s| < 10 there) and keeps every process finite and convergent (processSolvers.test.ts).
   */
  sClip?: number;
}

export const EMS_DEFAULTS = { points: 200, samples: 1024, lEstimator: 'exact' as LEstimator, probes: 1, seed: 20231020, smoothing: 5, sClip: 10 };

/** Statistics on the EMS grid: arrays are (N_ems + 1) × d, row j at λ_j. */
export interface Ems {
  dim: number;
  /** N_ems */
  points: number;
  lambdas: Float64Array;
  tStart: number;
  tEnd: number;
  l: Float64Array;
  /** dl/dλ after the moving average */
  dl: Float64Array;
  s: Float64Array;
  b: Float64Array;
  /** what computed them: the float64 CPU path or the float32 GPU path (engine/emsGpu.ts) */
  engine: 'cpu' | 'gpu';
  /** model evaluations spent (ε̂ or its Jacobian at one point counts one) and the wall time */
  evaluations: number;
  milliseconds: number;
}

/** RNG streams of the EMS data (chosen apart from util/rng.ts RngStream's) */
const EMS_NOISE_STREAM = 20;
const EMS_PROBE_STREAM = 21;

/**
 * Per-point Gaussian-mixture quantities (specs §15.1, §15.5): ε̂ = σ Σ_k w_k a_k with a_k = C_k⁻¹(x − αμ_k),
 * ∇ε̂ = σ[Σ w_k C_k⁻¹ − Σ w_k a_k a_kᵀ + ā āᵀ], ā = Σ w_k a_k. Returns ε̂ and, on request, σ·diag(∇ε̂) or σ·(∇ε̂)v.
 */
class MixtureJacobian {
  private readonly a: Float64Array;
  private readonly diagInv: Float64Array;
  private readonly logW: Float64Array;
  private readonly y: Float64Array;
  private readonly c: Float64Array;
  private readonly tmp: Float64Array;
  readonly bar: Float64Array;
  constructor(readonly m: PreparedMixture) {
    const { dim: d, components: K } = m;
    this.a = new Float64Array(K * d);
    this.diagInv = new Float64Array(K * d);
    this.logW = new Float64Array(K);
    this.y = new Float64Array(d);
    this.c = new Float64Array(d);
    this.tmp = new Float64Array(d);
    this.bar = new Float64Array(d);
  }

  /** responsibilities and a_k at x; returns the weights (normalised) */
  private prepare(x: Float64Array, offset: number, alpha: number, sigma: number, wantDiag: boolean): Float64Array {
    const { dim: d, components: K } = this.m;
    const m = this.m;
    const s2 = sigma * sigma;
    for (let k = 0; k < K; k++) {
      let quad = 0;
      let logDet = 0;
      const ak = k * d;
      if (m.diagonal) {
        for (let i = 0; i < d; i++) {
          const c = alpha * alpha * m.eigenvalues[ak + i] + s2;
          const r = x[offset + i] - alpha * m.means[ak + i];
          this.a[ak + i] = r / c;
          if (wantDiag) this.diagInv[ak + i] = 1 / c;
          quad += (r * r) / c;
          logDet += Math.log(c);
        }
      } else {
        const U = k * d * d;
        for (let j = 0; j < d; j++) {
          let yj = 0;
          for (let i = 0; i < d; i++) yj += m.eigenvectors[U + i * d + j] * (x[offset + i] - alpha * m.means[ak + i]);
          this.c[j] = alpha * alpha * m.eigenvalues[ak + j] + s2;
          this.y[j] = yj / this.c[j];
          quad += (yj * yj) / this.c[j];
          logDet += Math.log(this.c[j]);
        }
        for (let i = 0; i < d; i++) {
          let v = 0;
          let dv = 0;
          for (let j = 0; j < d; j++) {
            const u = m.eigenvectors[U + i * d + j];
            v += u * this.y[j];
            if (wantDiag) dv += (u * u) / this.c[j];
          }
          this.a[ak + i] = v;
          if (wantDiag) this.diagInv[ak + i] = dv;
        }
      }
      this.logW[k] = m.logWeights[k] - 0.5 * quad - 0.5 * logDet;
    }
    let max = -Infinity;
    for (let k = 0; k < K; k++) max = Math.max(max, this.logW[k]);
    let norm = 0;
    for (let k = 0; k < K; k++) norm += this.logW[k] = Math.exp(this.logW[k] - max);
    for (let k = 0; k < K; k++) this.logW[k] /= norm;
    this.bar.fill(0);
    for (let k = 0; k < K; k++) for (let i = 0; i < d; i++) this.bar[i] += this.logW[k] * this.a[k * d + i];
    return this.logW;
  }

  /** σ·diag(∇_x ε̂) at x, added (times `weight`) into acc */
  addDiagonal(x: Float64Array, offset: number, alpha: number, sigma: number, acc: Float64Array, weight: number): void {
    const { dim: d, components: K } = this.m;
    const w = this.prepare(x, offset, alpha, sigma, true);
    const s2 = sigma * sigma * weight;
    for (let i = 0; i < d; i++) {
      let v = this.bar[i] * this.bar[i];
      for (let k = 0; k < K; k++) {
        const a = this.a[k * d + i];
        v += w[k] * (this.diagInv[k * d + i] - a * a);
      }
      acc[i] += s2 * v;
    }
  }

  /** (σ·(∇_x ε̂) v) ⊙ v at x (one Hutchinson term), added (times `weight`) into acc; the exact JVP of the mixture */
  addHutchinson(x: Float64Array, offset: number, alpha: number, sigma: number, v: Float64Array, acc: Float64Array, weight: number): void {
    const { dim: d, components: K } = this.m;
    const m = this.m;
    const w = this.prepare(x, offset, alpha, sigma, false);
    const jv = this.tmp;
    let barV = 0;
    for (let i = 0; i < d; i++) barV += this.bar[i] * v[i];
    for (let i = 0; i < d; i++) jv[i] = this.bar[i] * barV;
    const s2 = sigma * sigma;
    for (let k = 0; k < K; k++) {
      const ak = k * d;
      let aV = 0;
      for (let i = 0; i < d; i++) aV += this.a[ak + i] * v[i];
      // C_k⁻¹ v
      if (m.diagonal) {
        for (let i = 0; i < d; i++) jv[i] += w[k] * (v[i] / (alpha * alpha * m.eigenvalues[ak + i] + s2) - this.a[ak + i] * aV);
      } else {
        const U = k * d * d;
        for (let j = 0; j < d; j++) {
          let uv = 0;
          for (let i = 0; i < d; i++) uv += m.eigenvectors[U + i * d + j] * v[i];
          this.y[j] = uv / (alpha * alpha * m.eigenvalues[ak + j] + s2);
        }
        for (let i = 0; i < d; i++) {
          let cv = 0;
          for (let j = 0; j < d; j++) cv += m.eigenvectors[U + i * d + j] * this.y[j];
          jv[i] += w[k] * (cv - this.a[ak + i] * aV);
        }
      }
    }
    for (let i = 0; i < d; i++) acc[i] += weight * s2 * jv[i] * v[i];
  }
}

/**
 * dl/dλ on the grid: central differences (one-sided at the ends), then a moving average over ±`half` grid points,
 * the window truncated at the ends [V3EMS compute_l_d; specs §6.3].
 */
export function smoothedDerivative(values: Float64Array, lambdas: Float64Array, d: number, half: number): Float64Array {
  const N = lambdas.length - 1;
  const raw = new Float64Array(values.length);
  for (let j = 0; j <= N; j++) {
    const [lo, hi] = j === 0 ? [0, 1] : j === N ? [N - 1, N] : [j - 1, j + 1];
    for (let i = 0; i < d; i++) raw[j * d + i] = (values[hi * d + i] - values[lo * d + i]) / (lambdas[hi] - lambdas[lo]);
  }
  const out = new Float64Array(values.length);
  for (let j = 0; j <= N; j++) {
    const [lo, hi] = [Math.max(0, j - half), Math.min(N, j + half)];
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let q = lo; q <= hi; q++) s += raw[q * d + i];
      out[j * d + i] = s / (hi - lo + 1);
    }
  }
  return out;
}

/** The EMS grid: N + 1 points uniform in λ from λ(tStart) to λ(tEnd), and the time of each (the ends exact). */
export function emsGrid(process: NoiseProcess, tStart: number, tEnd: number, N: number): { lambdas: Float64Array; timeOf: (j: number) => number } {
  const lambdaT = process.lambda(tStart);
  const lambda0 = process.lambda(tEnd);
  const lambdas = Float64Array.from({ length: N + 1 }, (_, j) => lambdaT + ((lambda0 - lambdaT) * j) / N);
  return { lambdas, timeOf: (j: number) => (j === 0 ? tStart : j === N ? tEnd : process.tOfLambda(lambdas[j])) };
}

/** The K data points x0 and noises z pushed through q_λ (§6.3), the same for every λ and every engine. */
export function emsData(mixture: PreparedMixture, K: number, seed: number): { x0: Float64Array; z: Float64Array } {
  return { x0: sampleMixture(mixture, K, 1, 0, seed), z: fillNormal(new Float64Array(K * mixture.dim), K, mixture.dim, seed, EMS_NOISE_STREAM) };
}

/** below this fraction of Σ(size of f's terms)², Var(f) is rounding (float64 here; the GPU's float32 uses its own) */
const FLOAT64_ROUNDING = 1e-20;

/**
 * s = Cov(f, f⁽¹⁾)/Var(f) clipped to |s| ≤ sClip, b = E[f⁽¹⁾] − s·E[f], from centred sums (specs §6.2). A dimension
 * where f does not vary beyond rounding (a Gaussian target under its optimal l: f is constant) leaves s undetermined;
 * take s = 0, b = E[f⁽¹⁾] there (V3EMS would divide rounding noise by rounding noise).
 */
export function leastSquaresSB(meanF: number, meanF1: number, cov: number, variance: number, terms: number, sClip: number, rounding: number): [number, number] {
  const s = variance > rounding * terms ? Math.max(-sClip, Math.min(sClip, cov / variance)) : 0;
  return [s, meanF1 - s * meanF];
}

/** The EMS of a Gaussian-mixture target under a noise process, on the grid λ(tStart) … λ(tEnd). */
export function computeEms(mixture: PreparedMixture, process: NoiseProcess, tStart: number, tEnd: number, options: Partial<EmsOptions> = {}): Ems {
  const o = { ...EMS_DEFAULTS, ...options };
  const started = performance.now();
  const d = mixture.dim;
  const N = o.points;
  const K = o.samples;
  if (!(N >= 2) || !Number.isInteger(N)) throw new Error(`EMS points must be an integer ≥ 2 (got ${N})`);
  if (!(tEnd > 0)) throw new Error(`DPM-Solver-v3 needs a positive end time for its statistics (got t_end = ${tEnd}); pick a schedule that does not end at σ = 0`);
  const { lambdas, timeOf } = emsGrid(process, tStart, tEnd, N);
  const size = (N + 1) * d;
  const l = new Float64Array(size);
  const dl = new Float64Array(size);
  const s = new Float64Array(size);
  const b = new Float64Array(size);
  if (o.degenerate) {
    l.fill(1);
    return { dim: d, points: N, lambdas, tStart, tEnd, l, dl, s, b, engine: 'cpu', evaluations: 0, milliseconds: performance.now() - started };
  }
  const { x0, z } = emsData(mixture, K, o.seed);
  const x = new Float64Array(K * d);
  const jacobian = new MixtureJacobian(mixture);
  const probe = new Float64Array(d);
  let evaluations = 0;

  // l: the diagonal of σ∇ε̂ averaged over x_λ (exact, or Hutchinson with Rademacher v)
  for (let j = 0; j <= N; j++) {
    const t = timeOf(j);
    const [alpha, sigma] = [process.alpha(t), process.sigma(t)];
    for (let q = 0; q < K * d; q++) x[q] = alpha * x0[q] + sigma * z[q];
    const row = l.subarray(j * d, (j + 1) * d);
    for (let p = 0; p < K; p++) {
      if (o.lEstimator === 'exact') jacobian.addDiagonal(x, p * d, alpha, sigma, row, 1 / K);
      else
        for (let r = 0; r < o.probes; r++) {
          for (let i = 0; i < d; i++) probe[i] = randomBits(o.seed, EMS_PROBE_STREAM, p, r, i)[0] & 1 ? 1 : -1;
          jacobian.addHutchinson(x, p * d, alpha, sigma, probe, row, 1 / (K * o.probes));
        }
      evaluations++;
    }
  }
  dl.set(smoothedDerivative(l, lambdas, d, o.smoothing));

  // f and f⁽¹⁾ per data point, then the elementwise least squares (two-pass: centred sums)
  const eps = new Float64Array(K * d);
  const epsPlus = new Float64Array(K * d);
  const epsMinus = new Float64Array(K * d);
  const xShift = new Float64Array(K * d);
  const f = new Float64Array(K * d);
  const f1 = new Float64Array(K * d);
  /** the size of the two terms of f (σε̂/α and l x/α): f's rounding level is ~1e-16 of it */
  const fTerms = new Float64Array(K * d);
  const delta = 1e-4; // central difference in λ of the total derivative ε̂⁽¹⁾ (specs §15.5: 1e−4 in float64)
  for (let j = 0; j <= N; j++) {
    const t = timeOf(j);
    const lambda = lambdas[j];
    const [alpha, sigma] = [process.alpha(t), process.sigma(t)];
    const dLogAlpha = process.dLogAlphaDLambda(t);
    for (let q = 0; q < K * d; q++) x[q] = alpha * x0[q] + sigma * z[q];
    mixtureDenoise(mixture, x, K, alpha, sigma, eps, 'noise');
    // ε̂⁽¹⁾ = d/dλ ε̂(x(λ), λ) along dx/dλ = (d log α/dλ) x − σ ε̂
    for (const [sign, out] of [[1, epsPlus], [-1, epsMinus]] as const) {
      const tShift = process.tOfLambda(lambda + sign * delta);
      const [aS, sS] = [process.alpha(tShift), process.sigma(tShift)];
      for (let q = 0; q < K * d; q++) xShift[q] = x[q] + sign * delta * (dLogAlpha * x[q] - sigma * eps[q]);
      mixtureDenoise(mixture, xShift, K, aS, sS, out, 'noise');
    }
    evaluations += 3 * K;
    const expMinus = Math.exp(-lambda);
    for (let p = 0; p < K; p++) {
      for (let i = 0; i < d; i++) {
        const q = p * d + i;
        const li = l[j * d + i];
        const e1 = (epsPlus[q] - epsMinus[q]) / (2 * delta);
        f[q] = (sigma * eps[q] - li * x[q]) / alpha;
        fTerms[q] = (Math.abs(sigma * eps[q]) + Math.abs(li * x[q])) / alpha;
        f1[q] = expMinus * ((li - 1) * eps[q] + e1) - (dl[j * d + i] * x[q]) / alpha;
      }
    }
    for (let i = 0; i < d; i++) {
      let mf = 0;
      let mf1 = 0;
      for (let p = 0; p < K; p++) {
        mf += f[p * d + i];
        mf1 += f1[p * d + i];
      }
      mf /= K;
      mf1 /= K;
      let cov = 0;
      let variance = 0;
      let terms = 0;
      for (let p = 0; p < K; p++) {
        const df = f[p * d + i] - mf;
        cov += df * (f1[p * d + i] - mf1);
        variance += df * df;
        terms += fTerms[p * d + i] ** 2;
      }
      [s[j * d + i], b[j * d + i]] = leastSquaresSB(mf, mf1, cov, variance, terms, o.sClip, FLOAT64_ROUNDING);
    }
  }
  return { dim: d, points: N, lambdas, tStart, tEnd, l, dl, s, b, engine: 'cpu', evaluations, milliseconds: performance.now() - started };
}

// ------------------------------------------------------------------------------------------ integrals (§6.4)

/** how the integrals are taken: the official cumulative trapezoid, or exactly for piecewise-linear l, s, b */
export type EmsQuadrature = 'trapezoid' | 'gauss';

/**
 * The precomputed integrals of specs §6.4 [V3:weighted_cumsumexp_trapezoid], all from λ_T, per dimension:
 * L = ∫l, S = ∫s, I = ∫e^{L+S}, B = ∫e^{−S} b, C = ∫e^{L+S} B, and the lazily cached high-order coefficients
 * E_k(i_s, i_t) = ∫_{λ_s}^{λ_t} e^{(L+S)(λ) − (L+S)(λ_s)} (λ − λ_s)^k/k! dλ.
 * 'trapezoid' is the official rule on the grid. 'gauss' reads l, s, b as piecewise linear in λ: then L and S are
 * exact piecewise quadratics and I, B, C, E_k are taken with 8-point Gauss–Legendre per interval (nested for C),
 * so that with l = 1, s = 0, b = 0 every integral is exact to rounding and v3 is DPM-Solver++ to float64 precision
 * (the trapezoid's O(Δλ²) error would show there).
 */
export class EmsIntegrals {
  readonly L: Float64Array;
  readonly S: Float64Array;
  readonly I: Float64Array;
  readonly B: Float64Array;
  readonly C: Float64Array;
  private readonly coefficients = new Map<string, Float64Array>();

  constructor(
    readonly ems: Ems,
    readonly quadrature: EmsQuadrature = 'trapezoid',
  ) {
    const { dim: d, lambdas } = ems;
    const N = lambdas.length - 1;
    const size = (N + 1) * d;
    this.L = new Float64Array(size);
    this.S = new Float64Array(size);
    this.I = new Float64Array(size);
    this.B = new Float64Array(size);
    this.C = new Float64Array(size);
    const { L, S, I, B, C } = this;
    const { l, s, b } = ems;
    const rule = gaussLegendre(8);
    for (let j = 1; j <= N; j++) {
      const h = lambdas[j] - lambdas[j - 1];
      for (let i = 0; i < d; i++) {
        const [p, q] = [(j - 1) * d + i, j * d + i];
        L[q] = L[p] + 0.5 * h * (l[p] + l[q]);
        S[q] = S[p] + 0.5 * h * (s[p] + s[q]);
        if (quadrature === 'trapezoid') {
          I[q] = I[p] + 0.5 * h * (Math.exp(L[p] + S[p]) + Math.exp(L[q] + S[q]));
          B[q] = B[p] + 0.5 * h * (Math.exp(-S[p]) * b[p] + Math.exp(-S[q]) * b[q]);
          C[q] = C[p] + 0.5 * h * (Math.exp(L[p] + S[p]) * B[p] + Math.exp(L[q] + S[q]) * B[q]);
          continue;
        }
        // within the interval at u ∈ [0, h]: l, s linear, L, S quadratic, B(u) by an inner rule
        const at = (u: number) => {
          const w = u / h;
          return {
            LS: L[p] + S[p] + u * (l[p] + s[p]) + ((u * u) / (2 * h)) * (l[q] + s[q] - l[p] - s[p]),
            S: S[p] + u * s[p] + ((u * u) / (2 * h)) * (s[q] - s[p]),
            b: (1 - w) * b[p] + w * b[q],
          };
        };
        const Bof = (u: number) => {
          let acc = 0;
          for (let r = 0; r < rule.nodes.length; r++) {
            const v = (u / 2) * (rule.nodes[r] + 1);
            const pt = at(v);
            acc += rule.weights[r] * Math.exp(-pt.S) * pt.b;
          }
          return B[p] + (u / 2) * acc;
        };
        let accI = 0;
        let accB = 0;
        let accC = 0;
        for (let r = 0; r < rule.nodes.length; r++) {
          const u = (h / 2) * (rule.nodes[r] + 1);
          const pt = at(u);
          const e = Math.exp(pt.LS);
          accI += rule.weights[r] * e;
          accB += rule.weights[r] * Math.exp(-pt.S) * pt.b;
          accC += rule.weights[r] * e * Bof(u);
        }
        I[q] = I[p] + (h / 2) * accI;
        B[q] = B[p] + (h / 2) * accB;
        C[q] = C[p] + (h / 2) * accC;
      }
    }
  }

  /** E_k(i_s, i_t) per dimension, k ≥ 1 (specs §6.4; cached per (i_s, i_t, k) as the official code does) */
  expCoefficient(is: number, it: number, k: number): Float64Array {
    const key = `${is},${it},${k}`;
    const cached = this.coefficients.get(key);
    if (cached) return cached;
    const { dim: d, lambdas, l, s } = this.ems;
    const { L, S } = this;
    const out = new Float64Array(d);
    let factorial = 1;
    for (let q = 2; q <= k; q++) factorial *= q;
    const lambdaS = lambdas[is];
    if (this.quadrature === 'trapezoid') {
      for (let j = is + 1; j <= it; j++) {
        const h = lambdas[j] - lambdas[j - 1];
        const [wp, wq] = [(lambdas[j - 1] - lambdaS) ** k / factorial, (lambdas[j] - lambdaS) ** k / factorial];
        for (let i = 0; i < d; i++) {
          const base = L[is * d + i] + S[is * d + i];
          out[i] += 0.5 * h * (Math.exp(L[(j - 1) * d + i] + S[(j - 1) * d + i] - base) * wp + Math.exp(L[j * d + i] + S[j * d + i] - base) * wq);
        }
      }
    } else {
      const rule = gaussLegendre(8);
      for (let j = is + 1; j <= it; j++) {
        const h = lambdas[j] - lambdas[j - 1];
        for (let i = 0; i < d; i++) {
          const [p, q] = [(j - 1) * d + i, j * d + i];
          const base = L[is * d + i] + S[is * d + i];
          let acc = 0;
          for (let r = 0; r < rule.nodes.length; r++) {
            const u = (h / 2) * (rule.nodes[r] + 1);
            const LS = L[p] + S[p] + u * (l[p] + s[p]) + ((u * u) / (2 * h)) * (l[q] + s[q] - l[p] - s[p]);
            acc += rule.weights[r] * Math.exp(LS - base) * (lambdas[j - 1] + u - lambdaS) ** k;
          }
          out[i] += ((h / 2) * acc) / factorial;
        }
      }
    }
    this.coefficients.set(key, out);
    return out;
  }
}

// ------------------------------------------------------------------------------------------ cache

/**
 * Where a program's statistics come from. 'cpu': computeEms (float64), cached; 'gpu': only statistics the GPU backend
 * computed and cached (engine/emsGpu.ts), else EmsNotCached, which the backend answers by computing them (async) and
 * building again; 'cached': whatever is cached (the GPU's first), else EmsNotCached: for views, which never compute.
 * The engines' statistics are cached apart, so a float64 run never picks up float32 statistics.
 */
export type StatisticsSource = 'cpu' | 'gpu' | 'cached';

/** everything a table of statistics depends on */
export interface EmsRequest {
  /** identifies the target and process (the cache key's first part) */
  key: string;
  mixture: () => PreparedMixture;
  process: NoiseProcess;
  tStart: number;
  tEnd: number;
  options: Partial<EmsOptions>;
}

/** thrown while building a program from statistics that are not cached and may not be computed here */
export class EmsNotCached extends Error {
  constructor(readonly request: EmsRequest) {
    super('the DPM-Solver-v3 statistics for this target are not computed yet');
    this.name = 'EmsNotCached';
  }
}

const cache = new Map<string, Ems>();
const CACHE_SIZE = 6;

function emsCacheKey(r: Omit<EmsRequest, 'mixture'>, engine: 'cpu' | 'gpu'): string {
  return `${engine}|${r.key}|${r.process.type}|${r.tStart}|${r.tEnd}|${JSON.stringify({ ...EMS_DEFAULTS, ...r.options })}`;
}

/** The cached statistics of one engine for these arguments, or null (never computes). */
export function peekEms(request: Omit<EmsRequest, 'mixture'>, engine: 'cpu' | 'gpu' = 'cpu'): Ems | null {
  const full = emsCacheKey(request, engine);
  const hit = cache.get(full);
  if (hit) {
    // least recently used goes first
    cache.delete(full);
    cache.set(full, hit);
  }
  return hit ?? null;
}

/** Put statistics in one engine's cache (the GPU backend's, computed by emsGpu.ts), evicting the least recently used. */
export function putEms(request: Omit<EmsRequest, 'mixture'>, engine: 'cpu' | 'gpu', ems: Ems): void {
  cache.set(emsCacheKey(request, engine), ems);
  while (cache.size > CACHE_SIZE) cache.delete(cache.keys().next().value!);
}

/** The statistics a program is built from (see StatisticsSource). */
export function statisticsFor(request: EmsRequest, source: StatisticsSource = 'cpu'): Ems {
  const hit = source === 'cpu' ? peekEms(request, 'cpu') : source === 'gpu' ? peekEms(request, 'gpu') : (peekEms(request, 'gpu') ?? peekEms(request, 'cpu'));
  if (hit) return hit;
  if (source !== 'cpu') throw new EmsNotCached(request);
  const ems = computeEms(request.mixture(), request.process, request.tStart, request.tEnd, request.options);
  putEms(request, 'cpu', ems);
  return ems;
}

const integralCache = new WeakMap<Ems, Partial<Record<EmsQuadrature, EmsIntegrals>>>();

/** the integrals of a statistics table, kept with it (so are their E_k caches) */
export function emsIntegrals(ems: Ems, quadrature: EmsQuadrature = 'trapezoid'): EmsIntegrals {
  const entry = integralCache.get(ems) ?? {};
  integralCache.set(ems, entry);
  return (entry[quadrature] ??= new EmsIntegrals(ems, quadrature));
}
