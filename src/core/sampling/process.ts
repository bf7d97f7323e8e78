// Noise processes x_t = α_t·x0 + σ_t·ε (specs/samplers.md §1–§2). Everything in float64; the GPU only ever
// receives α, σ and solver coefficients computed here.

export interface NoiseProcess {
  readonly type: string;
  /** largest time the process is defined on (sampling starts here at most) */
  readonly tMax: number;
  /** smallest time the process is defined on */
  readonly tMin: number;
  logAlpha(t: number): number;
  alpha(t: number): number;
  sigma(t: number): number;
  /** half log-SNR λ_t = log α_t − log σ_t; increases as t decreases */
  lambda(t: number): number;
  /** inverse of λ */
  tOfLambda(lambda: number): number;
  /** d log α / dλ at time t (the linear coefficient of the PF-ODE in λ, specs §1) */
  dLogAlphaDLambda(t: number): number;
}

/** log(1 + e^x) without overflow */
export function softplus(x: number): number {
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

/**
 * VP with linear β(t) = β0 + t(β1 − β0) (Score-SDE / DPM-Solver default β0 = 0.1, β1 = 20), specs §2.1:
 * log α_t = −(β1 − β0)t²/4 − β0 t/2, σ_t = sqrt(1 − α_t²), and the closed-form inverse of λ.
 */
export class VpLinearProcess implements NoiseProcess {
  readonly type = 'vp-linear';
  readonly tMax = 1;
  readonly tMin = 1e-5;
  constructor(
    readonly beta0 = 0.1,
    readonly beta1 = 20,
  ) {}

  logAlpha(t: number): number {
    return (-(this.beta1 - this.beta0) * t * t) / 4 - (this.beta0 * t) / 2;
  }
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
  tOfLambda(lambda: number): number {
    // u = log(1 + e^{−2λ}); q = 2(β1 − β0)u; t = q / ((sqrt(β0² + q) + β0)(β1 − β0)).
    const db = this.beta1 - this.beta0;
    const q = 2 * db * softplus(-2 * lambda);
    return q / ((Math.sqrt(this.beta0 * this.beta0 + q) + this.beta0) * db);
  }
  dLogAlphaDLambda(t: number): number {
    // log α = −½ log(1 + e^{−2λ}) for every VP process, so d log α/dλ = e^{−2λ}/(1 + e^{−2λ}) = σ².
    return -Math.expm1(2 * this.logAlpha(t));
  }
}
