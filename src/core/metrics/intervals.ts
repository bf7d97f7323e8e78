// Confidence intervals over seeds for sweep metrics: each seed is an independent replicate (its own x_T, exact
// reference set, reference solution and SW2 directions), so the mean over S seeds gets the two-sided 95% Student-t
// interval mean ± t_{0.975, S−1} · s/√S (s the sample standard deviation). With S = 1 there is no interval.

/** Regularised incomplete beta I_x(a, b), by its continued fraction (modified Lentz), float64. */
export function regularizedIncompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  // the continued fraction converges fast for x < (a + 1)/(a + b + 2); use the symmetry I_x(a,b) = 1 − I_{1−x}(b,a) otherwise
  if (x > (a + 1) / (a + b + 2)) return 1 - regularizedIncompleteBeta(1 - x, b, a);
  const logFront = a * Math.log(x) + b * Math.log1p(-x) - logBeta(a, b);
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let f = d;
  for (let i = 1; i <= 500; i++) {
    // even step d_{2i} = i(b − i)x / ((a + 2i − 1)(a + 2i)), odd step d_{2i+1} = −(a + i)(a + b + i)x / ((a + 2i)(a + 2i + 1))
    for (const coef of [(i * (b - i) * x) / ((a + 2 * i - 1) * (a + 2 * i)), (-(a + i) * (a + b + i) * x) / ((a + 2 * i) * (a + 2 * i + 1))]) {
      d = 1 + coef * d;
      if (Math.abs(d) < tiny) d = tiny;
      c = 1 + coef / c;
      if (Math.abs(c) < tiny) c = tiny;
      d = 1 / d;
      f *= c * d;
    }
    if (Math.abs(c * d - 1) < 1e-16) break;
  }
  return (Math.exp(logFront) * f) / a;
}

/** log Γ by the Lanczos approximation (g = 7, 9 terms; ~1e-15 relative for x > 0) */
export function logGamma(x: number): number {
  const g = 7;
  const coefs = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * x))) - logGamma(1 - x);
  const z = x - 1;
  let s = coefs[0];
  for (let i = 1; i < g + 2; i++) s += coefs[i] / (z + i);
  const t = z + g + 0.5;
  return 0.5 * Math.log(2 * Math.PI) + (z + 0.5) * Math.log(t) - t + Math.log(s);
}

function logBeta(a: number, b: number): number {
  return logGamma(a) + logGamma(b) - logGamma(a + b);
}

/** P(T ≤ t) for Student's t with ν degrees of freedom: 1 − ½ I_{ν/(ν+t²)}(ν/2, ½) for t ≥ 0 */
export function studentTCdf(t: number, dof: number): number {
  const tail = 0.5 * regularizedIncompleteBeta(dof / (dof + t * t), dof / 2, 0.5);
  return t >= 0 ? 1 - tail : tail;
}

/** the p-quantile of Student's t (p in (0, 1)), by bisection on the CDF (monotone; 200 halvings reach float64 resolution) */
export function studentTQuantile(p: number, dof: number): number {
  if (!(p > 0 && p < 1)) throw new Error(`studentTQuantile: p must be in (0, 1), got ${p}`);
  if (!(dof > 0)) throw new Error(`studentTQuantile: degrees of freedom must be positive, got ${dof}`);
  if (p < 0.5) return -studentTQuantile(1 - p, dof);
  let lo = 0;
  let hi = 1;
  while (studentTCdf(hi, dof) < p) hi *= 2;
  for (let i = 0; i < 200 && hi - lo > 1e-15 * hi; i++) {
    const mid = 0.5 * (lo + hi);
    if (studentTCdf(mid, dof) < p) lo = mid;
    else hi = mid;
  }
  return 0.5 * (lo + hi);
}

/** A metric over seeds: the mean, its 95% interval (null with one seed) and the per-seed values. */
export interface MetricSummary {
  /** mean over the seeds; null when the metric is not defined (e.g. NLL of a point-mass target at σ = 0) */
  mean: number | null;
  /** two-sided 95% Student-t interval [low, high] for the mean; null with fewer than two seeds or when undefined */
  ci95: [number, number] | null;
  /** the value of each seed, in seed order (null where undefined) */
  values: (number | null)[];
}

/**
 * Mean and 95% t interval of per-seed values. A metric is defined for all seeds or for none (its definedness
 * depends on the target and final time, not the seed); a mix is a bug upstream and throws instead of hiding it.
 */
export function summarize(values: (number | null)[]): MetricSummary {
  if (values.length === 0) throw new Error('summarize: no values');
  const defined = values.filter((v): v is number => v !== null);
  if (defined.length === 0) return { mean: null, ci95: null, values: [...values] };
  if (defined.length !== values.length) throw new Error(`summarize: ${values.length - defined.length} of ${values.length} seeds have no value`);
  if (!defined.every(Number.isFinite)) throw new Error(`summarize: non-finite value among ${JSON.stringify(values)}`);
  const s = defined.length;
  const mean = defined.reduce((a, b) => a + b, 0) / s;
  if (s < 2) return { mean, ci95: null, values: [...values] };
  const variance = defined.reduce((a, v) => a + (v - mean) ** 2, 0) / (s - 1);
  const half = studentTQuantile(0.975, s - 1) * Math.sqrt(variance / s);
  return { mean, ci95: [mean - half, mean + half], values: [...values] };
}
