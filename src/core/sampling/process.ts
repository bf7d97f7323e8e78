// Noise processes x_t = α_t·x0 + σ_t·ε (specs/samplers.md §1–§2). Everything in float64; the GPU only ever
// receives α, σ and solver coefficients computed here.
//
// Stepscope's time always runs from noise (t = tStart, large) to data (t = tEnd, small); λ = log α − log σ
// increases as t decreases (§1). Every function below is finite on the process's allowed range [tMin, tMax].
// Closed forms (no root finding) exist for every inverse λ → t here, including the discrete DDPM schedule
// (log α is piecewise linear in t, so its inverse is piecewise linear in log α).

export const PROCESS_TYPES = ['vp-linear', 'vp-cosine', 'vp-discrete', 'edm', 'flow'] as const;
export type ProcessType = (typeof PROCESS_TYPES)[number];

/**
 * A noise process. Its functions are finite on [tMin, tMax]. Besides, t = 0 is the σ = 0 data point that ends
 * the zero-ending grids (schedules.ts): every process gives α(0) = 1, σ(0) = 0, λ(0) = +∞ and tOfLambda(+∞) = 0
 * (the limits; by definition for vp-discrete, whose extrapolated log α would not reach 0 at t = 0). Solvers should
 * still treat that point symbolically (no model evaluation there, coefficients as limits: e^{−h} = 0).
 */
export interface NoiseProcess {
  readonly type: string;
  /** largest time the process is defined on (sampling starts here at most) */
  readonly tMax: number;
  /** smallest time the process is defined on */
  readonly tMin: number;
  /** where sampling starts unless the spec says otherwise (the noise end) */
  readonly defaultTStart: number;
  /** where sampling ends unless the spec says otherwise (the data end) */
  readonly defaultTEnd: number;
  logAlpha(t: number): number;
  alpha(t: number): number;
  sigma(t: number): number;
  /** half log-SNR λ_t = log α_t − log σ_t; increases as t decreases */
  lambda(t: number): number;
  /** inverse of λ */
  tOfLambda(lambda: number): number;
  /** d log α / dλ at time t (the linear coefficient of the PF-ODE in λ, specs §1) */
  dLogAlphaDLambda(t: number): number;
  /** d log α / dt (α'/α, the drift f of the PF-ODE in t, specs §1) */
  dLogAlphaDt(t: number): number;
  /** dλ/dt (negative on the whole range); σ'/σ = d log α/dt − dλ/dt */
  dLambdaDt(t: number): number;
}

/** log(1 + e^x) without overflow */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/** 1/(1 + e^{−x}) without overflow */
export function sigmoid(x: number): number {
  if (x >= 0) return 1 / (1 + Math.exp(-x));
  const e = Math.exp(x);
  return e / (1 + e);
}

/** For every VP process (α² + σ² = 1): log α = −½ log(1 + e^{−2λ}) (specs §2.1 "u"; DPMS inverse_lambda). */
export function vpLogAlphaOfLambda(lambda: number): number {
  return -0.5 * softplus(-2 * lambda);
}

/**
 * The scale of x_T = scale·z, z ~ N(0, I), as each family's official sampler draws it: VP (DPM-Solver, UniPC)
 * and flow (RF, diffusers) start from z itself; EDM / k-diffusion start from σ_max·z (specs §1, §10, §17.4).
 */
export function priorNoiseScale(process: NoiseProcess, tStart: number): number {
  return process.type === 'edm' ? process.sigma(tStart) : 1;
}

/** σ̃ = σ/α = e^{−λ}: the k-diffusion / EDM noise level of time t (specs §1, σ-space) */
export function sigmaTilde(process: NoiseProcess, t: number): number {
  return Math.exp(-process.lambda(t));
}

/** the process time whose σ̃ = σ/α is the given value (λ = −log σ̃) */
export function tOfSigmaTilde(process: NoiseProcess, sigmaTildeValue: number): number {
  return process.tOfLambda(-Math.log(sigmaTildeValue));
}

/**
 * Shared VP algebra (α² + σ² = 1) from log α alone, in the cancellation-free forms of the existing VP-linear
 * process: σ = sqrt(−expm1(2 log α)), λ = log α − ½ log(−expm1(2 log α)), d log α/dλ = σ².
 */
abstract class VpProcess implements NoiseProcess {
  abstract readonly type: string;
  abstract readonly tMax: number;
  abstract readonly tMin: number;
  abstract readonly defaultTStart: number;
  abstract readonly defaultTEnd: number;
  abstract logAlpha(t: number): number;
  abstract tOfLambda(lambda: number): number;
  abstract dLogAlphaDt(t: number): number;

  alpha(t: number): number {
    return Math.exp(this.logAlpha(t));
  }
  sigma(t: number): number {
    // 1 − α² = −expm1(2 log α): no cancellation at small t.
    return Math.sqrt(-Math.expm1(2 * this.logAlpha(t)));
  }
  lambda(t: number): number {
    const logAlpha = this.logAlpha(t);
    return logAlpha - 0.5 * Math.log(-Math.expm1(2 * logAlpha));
  }
  dLogAlphaDLambda(t: number): number {
    // log α = −½ log(1 + e^{−2λ}) for every VP process, so d log α/dλ = e^{−2λ}/(1 + e^{−2λ}) = σ².
    return -Math.expm1(2 * this.logAlpha(t));
  }
  dLambdaDt(t: number): number {
    // λ = log α − ½ log(1 − α²) ⇒ dλ/dt = (d log α/dt)·(1 + α²/σ²) = (d log α/dt)/σ².
    return this.dLogAlphaDt(t) / -Math.expm1(2 * this.logAlpha(t));
  }
}

/**
 * VP with linear β(t) = β0 + t(β1 − β0) (Score-SDE / DPM-Solver default β0 = 0.1, β1 = 20), specs §2.1:
 * log α_t = −(β1 − β0)t²/4 − β0 t/2, σ_t = sqrt(1 − α_t²), and the closed-form inverse of λ.
 * Range [1e−5, 1]; default 1 → 1e−3 (DPMS recommends t_end = 1e−3 for ≤ 15 steps, 1e−4 above).
 */
export class VpLinearProcess extends VpProcess {
  readonly type = 'vp-linear';
  readonly tMax = 1;
  readonly tMin = 1e-5;
  readonly defaultTStart = 1;
  readonly defaultTEnd = 1e-3;
  constructor(
    readonly beta0 = 0.1,
    readonly beta1 = 20,
  ) {
    super();
  }

  logAlpha(t: number): number {
    return (-(this.beta1 - this.beta0) * t * t) / 4 - (this.beta0 * t) / 2;
  }
  tOfLambda(lambda: number): number {
    // u = log(1 + e^{−2λ}); q = 2(β1 − β0)u; t = q / ((sqrt(β0² + q) + β0)(β1 − β0)).
    const db = this.beta1 - this.beta0;
    const q = 2 * db * softplus(-2 * lambda);
    return q / ((Math.sqrt(this.beta0 * this.beta0 + q) + this.beta0) * db);
  }
  dLogAlphaDt(t: number): number {
    return (-(this.beta1 - this.beta0) * t) / 2 - this.beta0 / 2;
  }
}

/** cosine schedule offset s and end time T of the continuous VP-cosine process [DPMS/V3 NoiseScheduleVP('cosine')] */
export const VP_COSINE_S = 0.008;
export const VP_COSINE_T = 0.9946;

/**
 * VP cosine (iDDPM's ᾱ in continuous time), specs §2.2 [V3:dpm_solver_v3.py NoiseScheduleVP 'cosine']:
 *   log α_t = log cos(a(t)) − log cos(a(0)),  a(t) = ((t + s)/(1 + s))·π/2,  s = 0.008,
 * with T = 0.9946 instead of 1 (α → 0 at t = 1; the official code sets T = 0.9946, λ_T ≈ −5.0, the
 * continuous counterpart of the discrete λ-clip at −5.1 of §2.3). Range [1e−5, 0.9946]; default 0.9946 → 1e−3.
 *
 * The official formulas (difference of two logs; arccos for the inverse) lose digits at small t. Written with
 * δ = t·π/(2(1 + s)) and a0 = a(0) instead (same functions, exact algebra):
 *   α = cos(a0 + δ)/cos a0 = cos δ − tan a0·sin δ = 1 − 2 sin²(δ/2) − tan a0·sin δ  ⇒ log α by log1p;
 *   inverse: cos a = α cos a0, sin a = sqrt(sin²a0 + σ² cos²a0), and
 *   sin δ = cos a0·σ²/(sin a + α sin a0), cos δ = α cos²a0 + sin a·sin a0  ⇒ δ = atan2(sin δ, cos δ),
 * where α² = sigmoid(2λ), σ² = sigmoid(−2λ) come straight from λ without cancellation.
 */
export class VpCosineProcess extends VpProcess {
  readonly type = 'vp-cosine';
  readonly tMax = VP_COSINE_T;
  readonly tMin = 1e-5;
  readonly defaultTStart = VP_COSINE_T;
  readonly defaultTEnd = 1e-3;
  readonly s = VP_COSINE_S;
  /** dδ/dt = π/(2(1 + s)) */
  private readonly k = Math.PI / (2 * (1 + VP_COSINE_S));
  private readonly a0 = (VP_COSINE_S / (1 + VP_COSINE_S)) * (Math.PI / 2);
  private readonly tanA0 = Math.tan(this.a0);
  private readonly cosA0 = Math.cos(this.a0);
  private readonly sinA0 = Math.sin(this.a0);

  logAlpha(t: number): number {
    const delta = this.k * t;
    const half = Math.sin(delta / 2);
    return Math.log1p(-2 * half * half - this.tanA0 * Math.sin(delta));
  }
  tOfLambda(lambda: number): number {
    const alpha = Math.sqrt(sigmoid(2 * lambda));
    const sigma2 = sigmoid(-2 * lambda);
    const sinA = Math.sqrt(this.sinA0 * this.sinA0 + sigma2 * this.cosA0 * this.cosA0);
    const sinDelta = (this.cosA0 * sigma2) / (sinA + alpha * this.sinA0);
    const cosDelta = alpha * this.cosA0 * this.cosA0 + sinA * this.sinA0;
    return Math.atan2(sinDelta, cosDelta) / this.k;
  }
  dLogAlphaDt(t: number): number {
    return -this.k * Math.tan(this.a0 + this.k * t);
  }
}

export const BETA_SCHEDULES = ['linear', 'scaled_linear', 'squaredcos_cap_v2'] as const;
export type BetaSchedule = (typeof BETA_SCHEDULES)[number];

/** diffusers' default (β_start, β_end) per preset: DDPM's linear 1e−4…0.02; Stable Diffusion's 0.00085…0.012 */
export const BETA_RANGE_DEFAULTS: Record<Exclude<BetaSchedule, 'squaredcos_cap_v2'>, { betaStart: number; betaEnd: number }> = {
  linear: { betaStart: 1e-4, betaEnd: 0.02 },
  scaled_linear: { betaStart: 0.00085, betaEnd: 0.012 },
};

/** DPM-Solver's λ-clip for discrete schedules [DPMS:numerical_clip_alpha, clipped_lambda = −5.1] */
export const DISCRETE_LAMBDA_CLIP = -5.1;

/**
 * DDPM betas, diffusers names (specs §2.3) [DIFF:scheduling_ddpm.py]:
 * - linear: β_n = linspace(β_start, β_end, N);
 * - scaled_linear: β_n = linspace(√β_start, √β_end, N)²;
 * - squaredcos_cap_v2 (GLIDE / iDDPM cosine): β_n = min(1 − ᾱ((n+1)/N)/ᾱ(n/N), 0.999),
 *   ᾱ(τ) = cos²(((τ + 0.008)/1.008)·π/2) (betas_for_alpha_bar, max_beta = 0.999).
 */
export function ddpmBetas(schedule: BetaSchedule, n = 1000, betaStart?: number, betaEnd?: number): Float64Array {
  const betas = new Float64Array(n);
  if (schedule === 'squaredcos_cap_v2') {
    const alphaBar = (tau: number) => Math.cos(((tau + 0.008) / 1.008) * (Math.PI / 2)) ** 2;
    for (let i = 0; i < n; i++) betas[i] = Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999);
    return betas;
  }
  const b0 = betaStart ?? BETA_RANGE_DEFAULTS[schedule].betaStart;
  const b1 = betaEnd ?? BETA_RANGE_DEFAULTS[schedule].betaEnd;
  const [lo, hi] = schedule === 'linear' ? [b0, b1] : [Math.sqrt(b0), Math.sqrt(b1)];
  for (let i = 0; i < n; i++) {
    const v = n === 1 ? lo : i === n - 1 ? hi : lo + (i / (n - 1)) * (hi - lo);
    betas[i] = schedule === 'linear' ? v : v * v;
  }
  return betas;
}

/**
 * Discrete-time DDPM (β_n, n = 0…N−1) in continuous time, specs §2.3 and §19.5 [DPMS:NoiseScheduleVP('discrete')]:
 *   log α_{t_n} = ½ Σ_{j≤n} log(1 − β_j),  t_n = (n + 1)/N',
 * log α piecewise linear in t between the t_n (linear extrapolation outside, as DPMS's interpolate_fn), and
 * the inverse λ → t the piecewise-linear inverse (log α = −½ log(1 + e^{−2λ}), then interpolate t in log α).
 *
 * λ-clip [DPMS:numerical_clip_alpha]: the trailing levels with λ_n < lambdaClip (−5.1) are dropped (needed
 * for cosine-type schedules, whose ᾱ_{N−1} ≈ 0). Disagreement noted: the spec says t_n = (n + 1)/N; the official
 * code (dpm_solver_pytorch.py, also at 52bc3fbc) recomputes t_array = linspace(0, 1, N' + 1)[1:] over the N'
 * levels kept, i.e. t_n = (n + 1)/N', so the kept levels are re-spread over (0, 1] and T stays 1. We follow the
 * official code (it only changes how t labels the same α levels; for the linear and scaled_linear presets
 * nothing is clipped and N' = N). Model-input time would be 1000·(t − 1/N'); the closed-form targets need none.
 *
 * Range [t_0, 1] = [1/N', 1] (left of t_0 the extrapolated log α crosses 0, so α > 1 would be meaningless);
 * default 1 → 1/N' (DPMS: discrete models use t_end = 1/N).
 */
export class VpDiscreteProcess extends VpProcess {
  readonly type = 'vp-discrete';
  readonly tMax = 1;
  readonly tMin: number;
  readonly defaultTStart = 1;
  readonly defaultTEnd: number;
  /** number of levels kept after the λ-clip (N') */
  readonly levels: number;
  /** log α at t_n = (n + 1)/N', n = 0…N'−1 (strictly decreasing) */
  readonly logAlphas: Float64Array;
  /** t_n = (n + 1)/N' */
  readonly times: Float64Array;

  constructor(
    betas: ArrayLike<number>,
    readonly lambdaClip = DISCRETE_LAMBDA_CLIP,
  ) {
    super();
    if (betas.length < 2) throw new Error(`vp-discrete needs at least 2 betas, got ${betas.length}`);
    const all = new Float64Array(betas.length);
    let sum = 0;
    for (let n = 0; n < betas.length; n++) {
      const b = betas[n];
      if (!(b > 0 && b < 1)) throw new Error(`vp-discrete: beta[${n}] = ${b} is not in (0, 1)`);
      sum += 0.5 * Math.log1p(-b);
      all[n] = sum;
    }
    // drop the tail with λ_n < clip (λ decreases with n; DPMS's searchsorted counts the values strictly below)
    let kept = all.length;
    const lambdaOf = (la: number) => la - 0.5 * Math.log(-Math.expm1(2 * la));
    while (kept > 0 && lambdaOf(all[kept - 1]) < lambdaClip) kept--;
    if (kept < 2)
      throw new Error(`vp-discrete: the λ-clip at ${lambdaClip} keeps ${kept} of ${all.length} levels; at least 2 are needed (lower lambdaClip)`);
    this.levels = kept;
    this.logAlphas = all.slice(0, kept);
    this.times = Float64Array.from({ length: kept }, (_, n) => (n + 1) / kept);
    this.tMin = this.times[0];
    this.defaultTEnd = this.times[0];
  }

  /** segment k with t_k ≤ t ≤ t_{k+1}, clamped to [0, N'−2] (linear extrapolation outside, as interpolate_fn) */
  private segmentOfT(t: number): number {
    const k = Math.floor(t * this.levels) - 1;
    return Math.min(Math.max(k, 0), this.levels - 2);
  }

  logAlpha(t: number): number {
    if (t === 0) return 0; // the σ = 0 data point (see NoiseProcess)
    const k = this.segmentOfT(t);
    const t0 = this.times[k];
    const t1 = this.times[k + 1];
    const y0 = this.logAlphas[k];
    const y1 = this.logAlphas[k + 1];
    return y0 + ((t - t0) * (y1 - y0)) / (t1 - t0);
  }
  tOfLambda(lambda: number): number {
    if (lambda === Infinity) return 0;
    const la = vpLogAlphaOfLambda(lambda);
    // binary search in the decreasing log α array for la_{k+1} ≤ la ≤ la_k, clamped to [0, N'−2]
    let lo = 0;
    let hi = this.levels - 1;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      if (this.logAlphas[mid] >= la) lo = mid;
      else hi = mid;
    }
    const k = lo;
    const y0 = this.logAlphas[k];
    const y1 = this.logAlphas[k + 1];
    const t0 = this.times[k];
    const t1 = this.times[k + 1];
    return t0 + ((la - y0) * (t1 - t0)) / (y1 - y0);
  }
  dLogAlphaDt(t: number): number {
    const k = this.segmentOfT(t);
    return (this.logAlphas[k + 1] - this.logAlphas[k]) / (this.times[k + 1] - this.times[k]);
  }
}

/**
 * VE / EDM: α = 1, σ_t = t (time is σ), specs §2.4 [V3:NoiseScheduleEDM; EDM]. λ = −log t, t(λ) = e^{−λ},
 * d log α/dλ = 0. Range [σ_min, σ_max] = [0.002, 80] by default (EDM's defaults); default 80 → 0.002.
 */
export class EdmProcess implements NoiseProcess {
  readonly type = 'edm';
  readonly tMin: number;
  readonly tMax: number;
  readonly defaultTStart: number;
  readonly defaultTEnd: number;
  constructor(
    readonly sigmaMin = 0.002,
    readonly sigmaMax = 80,
  ) {
    if (!(sigmaMin > 0 && sigmaMax > sigmaMin)) throw new Error(`edm: need 0 < sigmaMin < sigmaMax, got ${sigmaMin}, ${sigmaMax}`);
    this.tMin = sigmaMin;
    this.tMax = sigmaMax;
    this.defaultTStart = sigmaMax;
    this.defaultTEnd = sigmaMin;
  }
  logAlpha(_t: number): number {
    return 0;
  }
  alpha(_t: number): number {
    return 1;
  }
  sigma(t: number): number {
    return t;
  }
  lambda(t: number): number {
    return -Math.log(t);
  }
  tOfLambda(lambda: number): number {
    return Math.exp(-lambda);
  }
  dLogAlphaDLambda(_t: number): number {
    return 0;
  }
  dLogAlphaDt(_t: number): number {
    return 0;
  }
  dLambdaDt(t: number): number {
    return -1 / t;
  }
}

/** how close to t = 1 (α = 0, λ = −∞) and to t = 0 (σ = 0, λ = +∞) a flow time may come */
export const FLOW_T_MARGIN = 1e-5;

/**
 * Flow matching, linear path, specs §1, §2.5, §13 [RF; LUM:path.py ICPlan; DIFF:FlowMatchEulerDiscreteScheduler].
 * Stepscope time runs from noise to data like every other process: x_t = (1 − t)·x0 + t·ε, t = 1 is noise,
 * i.e. α = 1 − t, σ = t, λ = log((1 − t)/t), t(λ) = 1/(1 + e^λ), d log α/dλ = t (= σ).
 * - This is the diffusers / SD3 convention with t = σ_fm (model output v̂ = ε − x0, D = x − t·v̂).
 * - The RF / Lumina / SiT convention counts t_fm from noise (0) to data (1): t_fm = 1 − t, x = t_fm·x1 + (1 − t_fm)·z,
 *   their velocity v_fm = x1 − z = −v̂ and dt_fm = −dt. Convert at the edges with rfTimeOf / fromRfTime.
 * Endpoints: t = 1 has α = 0 (λ = −∞) and t = 0 has σ = 0 (λ = +∞). The allowed range is
 * [1e−5, 1 − 1e−5] (λ ∈ ±11.5), so every function here is finite; a grid that "ends at σ = 0" reaches t = 0
 * only as its symbolic final point (schedules.ts, TimeGrid.endsAtZero). Starting at 1 − 1e−5 instead of exactly 1
 * (diffusers' σ = 1) changes x_T by O(1e−5). Default 1 − 1e−3 → 1e−3 (RF samples t_fm ∈ [ε, 1], ε = 1e−3).
 * Near t = 1, λ(t) has condition number 1/(1 − t) ≈ 1e5 in t itself (t's last bit), not in the formulas.
 */
export class FlowProcess implements NoiseProcess {
  readonly type = 'flow';
  readonly tMin = FLOW_T_MARGIN;
  readonly tMax = 1 - FLOW_T_MARGIN;
  readonly defaultTStart = 1 - 1e-3;
  readonly defaultTEnd = 1e-3;
  logAlpha(t: number): number {
    return Math.log1p(-t);
  }
  alpha(t: number): number {
    return 1 - t;
  }
  sigma(t: number): number {
    return t;
  }
  lambda(t: number): number {
    return Math.log1p(-t) - Math.log(t);
  }
  tOfLambda(lambda: number): number {
    return sigmoid(-lambda);
  }
  dLogAlphaDLambda(t: number): number {
    // log α = λ − softplus(λ) ⇒ d log α/dλ = 1 − sigmoid(λ) = t
    return t;
  }
  dLogAlphaDt(t: number): number {
    return -1 / (1 - t);
  }
  dLambdaDt(t: number): number {
    return -1 / (t * (1 - t));
  }
}

/** RF / Lumina time t_fm (0 = noise, 1 = data) of Stepscope's flow time t (1 = noise): t_fm = 1 − t */
export function rfTimeOf(t: number): number {
  return 1 - t;
}
/** Stepscope's flow time of an RF / Lumina time t_fm: t = 1 − t_fm (diffusers' σ_fm is t itself) */
export function fromRfTime(tFm: number): number {
  return 1 - tFm;
}

/** A process as the spec describes it (spec.ts validates and fills the defaults; a missing field takes it here). */
export type ProcessSpec =
  | { type: 'vp-linear'; beta0?: number; beta1?: number }
  | { type: 'vp-cosine' }
  | { type: 'vp-discrete'; betaSchedule?: BetaSchedule; betaStart?: number; betaEnd?: number; numTimesteps?: number; lambdaClip?: number }
  | { type: 'edm'; sigmaMin?: number; sigmaMax?: number }
  | { type: 'flow' };

/** the parameter defaults of each process (spec.ts fills them in; sources in the classes above) */
export const PROCESS_DEFAULTS = {
  'vp-linear': { beta0: 0.1, beta1: 20 },
  'vp-cosine': {},
  'vp-discrete': { betaSchedule: 'linear' as BetaSchedule, numTimesteps: 1000, lambdaClip: DISCRETE_LAMBDA_CLIP },
  edm: { sigmaMin: 0.002, sigmaMax: 80 },
  flow: {},
} as const;

/** The process a spec names; throws on parameters its class refuses (spec.ts reports those as spec errors first). */
export function createProcess(spec: ProcessSpec): NoiseProcess {
  switch (spec.type) {
    case 'vp-linear':
      return new VpLinearProcess(spec.beta0 ?? PROCESS_DEFAULTS['vp-linear'].beta0, spec.beta1 ?? PROCESS_DEFAULTS['vp-linear'].beta1);
    case 'vp-cosine':
      return new VpCosineProcess();
    case 'vp-discrete': {
      const d = PROCESS_DEFAULTS['vp-discrete'];
      const betas = ddpmBetas(spec.betaSchedule ?? d.betaSchedule, spec.numTimesteps ?? d.numTimesteps, spec.betaStart, spec.betaEnd);
      return new VpDiscreteProcess(betas, spec.lambdaClip ?? d.lambdaClip);
    }
    case 'edm':
      return new EdmProcess(spec.sigmaMin ?? PROCESS_DEFAULTS.edm.sigmaMin, spec.sigmaMax ?? PROCESS_DEFAULTS.edm.sigmaMax);
    case 'flow':
      return new FlowProcess();
  }
}
