// Independent transcriptions of the official samplers' loops, for the agreement tests only: written in the
// official code's own form (separate data/noise formulas with φ1 = expm1(∓h), caches as lists, per-step
// branches), deliberately NOT sharing the unified form or the program machinery of solvers.ts.
// Sources: DPM-Solver `dpm_solver_pytorch.py` (multistep_dpm_solver_{second,third}_update,
// singlestep_dpm_solver_{second,third}_update, dpm_solver_first_update, sample) and UniPC `uni_pc.py`
// (multistep_uni_pc_bh_update, sample), as restated in specs/samplers.md §4 and §5.

import type { DenoiserModel } from './interpreter.ts';
import type { NoiseProcess } from './process.ts';

type Vec = Float64Array;
const lin = (...terms: [number, Vec][]): Vec => {
  const out = new Float64Array(terms[0][1].length);
  for (const [c, v] of terms) for (let i = 0; i < out.length; i++) out[i] += c * v[i];
  return out;
};

export class OfficialSampler {
  nfe = 0;
  constructor(
    readonly ns: NoiseProcess,
    readonly model: DenoiserModel,
    readonly predictX0: boolean,
  ) {}

  modelFn(x: Vec, t: number): Vec {
    this.nfe++;
    const out = new Float64Array(x.length);
    this.model.predict(x, x.length / this.model.dim, t, this.ns.alpha(t), this.ns.sigma(t), this.predictX0 ? 'data' : 'noise', out);
    return out;
  }

  firstUpdate(x: Vec, s: number, t: number, modelS: Vec): Vec {
    const ns = this.ns;
    const h = ns.lambda(t) - ns.lambda(s);
    if (this.predictX0) return lin([ns.sigma(t) / ns.sigma(s), x], [-ns.alpha(t) * Math.expm1(-h), modelS]);
    return lin([Math.exp(ns.logAlpha(t) - ns.logAlpha(s)), x], [-ns.sigma(t) * Math.expm1(h), modelS]);
  }

  multistepSecond(x: Vec, models: Vec[], ts: number[], t: number, solverType: string): Vec {
    const ns = this.ns;
    const [m1, m0] = models.slice(-2);
    const [t1, t0] = ts.slice(-2);
    const h = ns.lambda(t) - ns.lambda(t0);
    const h0 = ns.lambda(t0) - ns.lambda(t1);
    const r0 = h0 / h;
    const D1_0 = lin([1 / r0, m0], [-1 / r0, m1]);
    if (this.predictX0) {
      const phi1 = Math.expm1(-h);
      const base = lin([ns.sigma(t) / ns.sigma(t0), x], [-ns.alpha(t) * phi1, m0]);
      return solverType === 'dpmsolver' ? lin([1, base], [-0.5 * ns.alpha(t) * phi1, D1_0]) : lin([1, base], [ns.alpha(t) * (phi1 / h + 1), D1_0]);
    }
    const phi1 = Math.expm1(h);
    const base = lin([Math.exp(ns.logAlpha(t) - ns.logAlpha(t0)), x], [-ns.sigma(t) * phi1, m0]);
    return solverType === 'dpmsolver' ? lin([1, base], [-0.5 * ns.sigma(t) * phi1, D1_0]) : lin([1, base], [-ns.sigma(t) * (phi1 / h - 1), D1_0]);
  }

  multistepThird(x: Vec, models: Vec[], ts: number[], t: number): Vec {
    const ns = this.ns;
    const [m2, m1, m0] = models.slice(-3);
    const [t2, t1, t0] = ts.slice(-3);
    const h = ns.lambda(t) - ns.lambda(t0);
    const h0 = ns.lambda(t0) - ns.lambda(t1);
    const h1 = ns.lambda(t1) - ns.lambda(t2);
    const r0 = h0 / h;
    const r1 = h1 / h;
    const D1_0 = lin([1 / r0, m0], [-1 / r0, m1]);
    const D1_1 = lin([1 / r1, m1], [-1 / r1, m2]);
    const D1 = lin([1, D1_0], [r0 / (r0 + r1), D1_0], [-r0 / (r0 + r1), D1_1]);
    const D2 = lin([1 / (r0 + r1), D1_0], [-1 / (r0 + r1), D1_1]);
    if (this.predictX0) {
      const phi1 = Math.expm1(-h);
      const phi2 = phi1 / h + 1;
      const phi3 = phi2 / h - 0.5;
      return lin([ns.sigma(t) / ns.sigma(t0), x], [-ns.alpha(t) * phi1, m0], [ns.alpha(t) * phi2, D1], [-ns.alpha(t) * phi3, D2]);
    }
    const phi1 = Math.expm1(h);
    const phi2 = phi1 / h - 1;
    const phi3 = phi2 / h - 0.5;
    return lin([Math.exp(ns.logAlpha(t) - ns.logAlpha(t0)), x], [-ns.sigma(t) * phi1, m0], [-ns.sigma(t) * phi2, D1], [-ns.sigma(t) * phi3, D2]);
  }

  /** sample(method='multistep') */
  multistep(x0: Vec, times: number[], order: number, solverType = 'dpmsolver', lowerOrderFinal = true): Vec {
    const steps = times.length - 1;
    let x: Vec = x0.slice();
    const tPrev = [times[0]];
    const models = [this.modelFn(x, times[0])];
    const update = (stepOrder: number, t: number) =>
      stepOrder === 1 ? this.firstUpdate(x, tPrev[tPrev.length - 1], t, models[models.length - 1]) : stepOrder === 2 ? this.multistepSecond(x, models, tPrev, t, solverType) : this.multistepThird(x, models, tPrev, t);
    for (let step = 1; step < order; step++) {
      x = update(step, times[step]);
      tPrev.push(times[step]);
      models.push(this.modelFn(x, times[step]));
    }
    for (let step = order; step <= steps; step++) {
      const stepOrder = lowerOrderFinal && steps < 10 ? Math.min(order, steps + 1 - step) : order;
      x = update(stepOrder, times[step]);
      tPrev.push(times[step]);
      tPrev.shift();
      if (step < steps) {
        models.push(this.modelFn(x, times[step]));
        models.shift();
      }
    }
    return x;
  }

  singlestepSecond(x: Vec, s: number, t: number, r1: number, solverType: string): Vec {
    const ns = this.ns;
    const lambdaS = ns.lambda(s);
    const h = ns.lambda(t) - lambdaS;
    const s1 = ns.tOfLambda(lambdaS + r1 * h);
    const ms = this.modelFn(x, s);
    if (this.predictX0) {
      const phi11 = Math.expm1(-r1 * h);
      const phi1 = Math.expm1(-h);
      const u = lin([ns.sigma(s1) / ns.sigma(s), x], [-ns.alpha(s1) * phi11, ms]);
      const m1 = this.modelFn(u, s1);
      const diff = lin([1, m1], [-1, ms]);
      const base = lin([ns.sigma(t) / ns.sigma(s), x], [-ns.alpha(t) * phi1, ms]);
      return solverType === 'dpmsolver' ? lin([1, base], [(-0.5 / r1) * ns.alpha(t) * phi1, diff]) : lin([1, base], [(1 / r1) * ns.alpha(t) * (phi1 / h + 1), diff]);
    }
    const phi11 = Math.expm1(r1 * h);
    const phi1 = Math.expm1(h);
    const u = lin([Math.exp(ns.logAlpha(s1) - ns.logAlpha(s)), x], [-ns.sigma(s1) * phi11, ms]);
    const m1 = this.modelFn(u, s1);
    const diff = lin([1, m1], [-1, ms]);
    const base = lin([Math.exp(ns.logAlpha(t) - ns.logAlpha(s)), x], [-ns.sigma(t) * phi1, ms]);
    return solverType === 'dpmsolver' ? lin([1, base], [(-0.5 / r1) * ns.sigma(t) * phi1, diff]) : lin([1, base], [(-1 / r1) * ns.sigma(t) * (phi1 / h - 1), diff]);
  }

  singlestepThird(x: Vec, s: number, t: number, r1: number, r2: number, solverType: string): Vec {
    const ns = this.ns;
    const lambdaS = ns.lambda(s);
    const h = ns.lambda(t) - lambdaS;
    const s1 = ns.tOfLambda(lambdaS + r1 * h);
    const s2 = ns.tOfLambda(lambdaS + r2 * h);
    const ms = this.modelFn(x, s);
    if (this.predictX0) {
      const phi11 = Math.expm1(-r1 * h);
      const phi12 = Math.expm1(-r2 * h);
      const phi1 = Math.expm1(-h);
      const phi22 = Math.expm1(-r2 * h) / (r2 * h) + 1;
      const phi2 = phi1 / h + 1;
      const phi3 = phi2 / h - 0.5;
      const u1 = lin([ns.sigma(s1) / ns.sigma(s), x], [-ns.alpha(s1) * phi11, ms]);
      const m1 = this.modelFn(u1, s1);
      const u2 = lin([ns.sigma(s2) / ns.sigma(s), x], [-ns.alpha(s2) * phi12, ms], [(r2 / r1) * ns.alpha(s2) * phi22, lin([1, m1], [-1, ms])]);
      const m2 = this.modelFn(u2, s2);
      const base = lin([ns.sigma(t) / ns.sigma(s), x], [-ns.alpha(t) * phi1, ms]);
      if (solverType === 'dpmsolver') return lin([1, base], [(1 / r2) * ns.alpha(t) * phi2, lin([1, m2], [-1, ms])]);
      const D1_0 = lin([1 / r1, m1], [-1 / r1, ms]);
      const D1_1 = lin([1 / r2, m2], [-1 / r2, ms]);
      const D1 = lin([r2 / (r2 - r1), D1_0], [-r1 / (r2 - r1), D1_1]);
      const D2 = lin([2 / (r2 - r1), D1_1], [-2 / (r2 - r1), D1_0]);
      return lin([1, base], [ns.alpha(t) * phi2, D1], [-ns.alpha(t) * phi3, D2]);
    }
    const phi11 = Math.expm1(r1 * h);
    const phi12 = Math.expm1(r2 * h);
    const phi1 = Math.expm1(h);
    const phi22 = Math.expm1(r2 * h) / (r2 * h) - 1;
    const phi2 = phi1 / h - 1;
    const phi3 = phi2 / h - 0.5;
    const u1 = lin([Math.exp(ns.logAlpha(s1) - ns.logAlpha(s)), x], [-ns.sigma(s1) * phi11, ms]);
    const m1 = this.modelFn(u1, s1);
    const u2 = lin([Math.exp(ns.logAlpha(s2) - ns.logAlpha(s)), x], [-ns.sigma(s2) * phi12, ms], [-(r2 / r1) * ns.sigma(s2) * phi22, lin([1, m1], [-1, ms])]);
    const m2 = this.modelFn(u2, s2);
    const base = lin([Math.exp(ns.logAlpha(t) - ns.logAlpha(s)), x], [-ns.sigma(t) * phi1, ms]);
    if (solverType === 'dpmsolver') return lin([1, base], [-(1 / r2) * ns.sigma(t) * phi2, lin([1, m2], [-1, ms])]);
    const D1_0 = lin([1 / r1, m1], [-1 / r1, ms]);
    const D1_1 = lin([1 / r2, m2], [-1 / r2, ms]);
    const D1 = lin([r2 / (r2 - r1), D1_0], [-r1 / (r2 - r1), D1_1]);
    const D2 = lin([2 / (r2 - r1), D1_1], [-2 / (r2 - r1), D1_0]);
    return lin([1, base], [-ns.sigma(t) * phi2, D1], [-ns.sigma(t) * phi3, D2]);
  }

  /** the singlestep loop over an outer grid with per-step orders and inner grids (sample(method='singlestep'…)) */
  singlestep(x0: Vec, outer: number[], orders: number[], innerGrid: (s: number, t: number, n: number) => number[], solverType = 'dpmsolver'): Vec {
    let x: Vec = x0.slice();
    orders.forEach((order, k) => {
      const [s, t] = [outer[k], outer[k + 1]];
      const lambdaInner = innerGrid(s, t, order).map((v) => this.ns.lambda(v));
      const h = lambdaInner[order] - lambdaInner[0];
      if (order === 1) x = this.firstUpdate(x, s, t, this.modelFn(x, s));
      else if (order === 2) x = this.singlestepSecond(x, s, t, (lambdaInner[1] - lambdaInner[0]) / h, solverType);
      else x = this.singlestepThird(x, s, t, (lambdaInner[1] - lambdaInner[0]) / h, (lambdaInner[2] - lambdaInner[0]) / h, solverType);
    });
    return x;
  }

  /**
   * dpm_solver_adaptive(x, order, t_T, t_0, h_init=0.05, atol, rtol, theta=0.9, t_err=1e-5): the loop as written,
   * with torch's batch norm (per-sample RMS, max over the batch). The higher update re-evaluates the model at
   * s (and s1) where the official code passes the lower update's values in: the values are identical, and the
   * official NFE count (order per attempt) is kept by hand. Returns the sample and the accepted times.
   */
  adaptive(x0: Vec, tT: number, t0: number, order: 2 | 3, atol: number, rtol: number, solverType = 'dpmsolver'): { x: Vec; times: number[]; nfe: number } {
    const ns = this.ns;
    const dim = this.model.dim;
    let s = tT;
    let lambdaS = ns.lambda(s);
    const lambda0 = ns.lambda(t0);
    let h = 0.05;
    let x: Vec = x0.slice();
    let xPrev: Vec = x0.slice();
    let nfe = 0;
    const times = [s];
    while (Math.abs(s - t0) > 1e-5) {
      const t = ns.tOfLambda(lambdaS + h);
      const xLower = order === 2 ? this.firstUpdate(x, s, t, this.modelFn(x, s)) : this.singlestepSecond(x, s, t, 1 / 3, solverType);
      const xHigher = order === 2 ? this.singlestepSecond(x, s, t, 0.5, solverType) : this.singlestepThird(x, s, t, 1 / 3, 2 / 3, solverType);
      let E = 0;
      for (let p = 0; p < x.length / dim; p++) {
        let ss = 0;
        for (let j = p * dim; j < (p + 1) * dim; j++) {
          const delta = Math.max(atol, rtol * Math.max(Math.abs(xLower[j]), Math.abs(xPrev[j])));
          ss += ((xHigher[j] - xLower[j]) / delta) ** 2;
        }
        E = Math.max(E, Math.sqrt(ss / dim));
      }
      if (E <= 1) {
        x = xHigher;
        s = t;
        xPrev = xLower;
        lambdaS = ns.lambda(s);
        times.push(s);
      }
      h = Math.min(0.9 * h * Math.pow(E, -1 / order), lambda0 - lambdaS);
      nfe += order;
    }
    return { x, times, nfe };
  }

  uniPcBhUpdate(x: Vec, models: Vec[], ts: number[], t: number, order: number, variant: string, useCorrector: boolean): { x: Vec; modelT: Vec | null } {
    const ns = this.ns;
    const t0 = ts[ts.length - 1];
    const m0 = models[models.length - 1];
    const h = ns.lambda(t) - ns.lambda(t0);
    const rks: number[] = [];
    const D1s: Vec[] = [];
    for (let i = 1; i < order; i++) {
      const rk = (ns.lambda(ts[ts.length - 1 - i]) - ns.lambda(t0)) / h;
      rks.push(rk);
      D1s.push(lin([1 / rk, models[models.length - 1 - i]], [-1 / rk, m0]));
    }
    rks.push(1);
    const hh = this.predictX0 ? -h : h;
    const hPhi1 = Math.expm1(hh);
    let hPhiK = hPhi1 / hh - 1;
    let factorial = 1;
    const B = variant === 'bh1' ? hh : Math.expm1(hh);
    const R: number[][] = [];
    const b: number[] = [];
    for (let i = 1; i <= order; i++) {
      R.push(rks.map((r) => r ** (i - 1)));
      b.push((hPhiK * factorial) / B);
      factorial *= i + 1;
      hPhiK = hPhiK / hh - 1 / factorial;
    }
    const solve = (A: number[][], y: number[]) => {
      // Cramer's rule for ≤ 3×3 (a different method from the Gaussian elimination in solvers.ts)
      const det = (M: number[][]): number => (M.length === 1 ? M[0][0] : M.length === 2 ? M[0][0] * M[1][1] - M[0][1] * M[1][0] : M[0].reduce((s, v, j) => s + (j % 2 ? -1 : 1) * v * det(M.slice(1).map((row) => row.filter((_, k) => k !== j))), 0));
      const d = det(A);
      return y.map((_, j) => det(A.map((row, i) => row.map((v, k) => (k === j ? y[i] : v)))) / d);
    };
    const rhosP = D1s.length === 0 ? [] : order === 2 ? [0.5] : solve(R.slice(0, -1).map((r) => r.slice(0, -1)), b.slice(0, -1));
    const rhosC = order === 1 ? [0.5] : solve(R, b);
    const c = this.predictX0 ? ns.alpha(t) : ns.sigma(t);
    const a = this.predictX0 ? ns.sigma(t) / ns.sigma(t0) : Math.exp(ns.logAlpha(t) - ns.logAlpha(t0));
    const xT_ = lin([a, x], [-c * hPhi1, m0]);
    const predRes = D1s.length ? lin(...D1s.map((d, k): [number, Vec] => [rhosP[k], d])) : new Float64Array(x.length);
    let xt = lin([1, xT_], [-c * B, predRes]);
    let modelT: Vec | null = null;
    if (useCorrector) {
      modelT = this.modelFn(xt, t);
      const corrRes = D1s.length ? lin(...D1s.map((d, k): [number, Vec] => [rhosC[k], d])) : new Float64Array(x.length);
      const D1t = lin([1, modelT], [-1, m0]);
      xt = lin([1, xT_], [-c * B, corrRes], [-c * B * rhosC[rhosC.length - 1], D1t]);
    }
    return { x: xt, modelT };
  }

  /** UniPC sample(method='multistep') */
  uniPc(x0: Vec, times: number[], order: number, variant: string, lowerOrderFinal = true, corrector = true): Vec {
    const steps = times.length - 1;
    let x: Vec = x0.slice();
    const tPrev = [times[0]];
    const models = [this.modelFn(x, times[0])];
    for (let step = 1; step < order; step++) {
      const r = this.uniPcBhUpdate(x, models, tPrev, times[step], step, variant, corrector);
      x = r.x;
      tPrev.push(times[step]);
      models.push(r.modelT ?? this.modelFn(x, times[step]));
    }
    for (let step = order; step <= steps; step++) {
      const stepOrder = lowerOrderFinal ? Math.min(order, steps + 1 - step) : order;
      const r = this.uniPcBhUpdate(x, models, tPrev, times[step], stepOrder, variant, corrector && step !== steps);
      x = r.x;
      tPrev.shift();
      tPrev.push(times[step]);
      if (step < steps) {
        models.shift();
        models.push(r.modelT ?? this.modelFn(x, times[step]));
      }
    }
    return x;
  }
}

/**
 * k-diffusion's σ-space samplers (sample_euler, sample_heun, sample_dpm_2, sample_euler_ancestral in
 * k_diffusion/sampling.py), transcribed on x̃ = x/α with σ̃ = σ/α; `denoise(x̃, σ̃)` is the wrapped model
 * (for VP: D(α·x̃, t(σ̃)), k-diffusion's DiscreteEpsDDPMDenoiser input scaling). `noise(k, σ, σ_next)` is the k-th
 * draw, with the interval the official code passes its noise_sampler (the SDE samplers' Brownian tree uses it).
 */
export interface KDiffusionOptions {
  sChurn?: number;
  sTmin?: number;
  sTmax?: number;
  sNoise?: number;
  eta?: number;
}

export type KDiffusionName = 'euler' | 'heun' | 'dpm2' | 'lms' | 'euler-ancestral' | 'dpm2-ancestral' | 'dpmpp-2s-ancestral' | 'dpmpp-sde' | 'dpmpp-2m-sde' | 'dpmpp-3m-sde' | 'dpmpp-2m';

export function kDiffusionSample(
  name: KDiffusionName,
  denoise: (x: Vec, sigma: number) => Vec,
  x0: Vec,
  sigmas: number[],
  noise: (k: number, sigma: number, sigmaNext: number) => Vec,
  options: KDiffusionOptions = {},
): Vec {
  const { sChurn = 0, sTmin = 0, sTmax = Infinity, sNoise = 1, eta = 1 } = options;
  let x: Vec = x0.slice();
  let draws = 0;
  const N = sigmas.length - 1;
  let oldDenoised: Vec | null = null;
  let hLast = 0;
  const ds: Vec[] = [];
  let denoised2: Vec | null = null;
  let h2: number | null = null;
  const ancestralStep = (from: number, to: number) => {
    const up = Math.min(to, eta * Math.sqrt((to ** 2 * (from ** 2 - to ** 2)) / from ** 2));
    return [Math.sqrt(to ** 2 - up ** 2), up];
  };
  for (let i = 0; i < N; i++) {
    if (name === 'dpmpp-sde') {
      const denoised = denoise(x, sigmas[i]);
      if (sigmas[i + 1] === 0) {
        x = denoised;
        continue;
      }
      const r = 0.5;
      const [t, tNext] = [-Math.log(sigmas[i]), -Math.log(sigmas[i + 1])];
      const h = tNext - t;
      const s = t + h * r;
      const fac = 1 / (2 * r);
      let [sd, su] = ancestralStep(Math.exp(-t), Math.exp(-s));
      let sLow = -Math.log(sd);
      let x2 = lin([Math.exp(-sLow) / Math.exp(-t), x], [-Math.expm1(t - sLow), denoised]);
      x2 = lin([1, x2], [sNoise * su, noise(draws++, Math.exp(-t), Math.exp(-s))]);
      const denoised2 = denoise(x2, Math.exp(-s));
      [sd, su] = ancestralStep(Math.exp(-t), Math.exp(-tNext));
      sLow = -Math.log(sd);
      const denoisedD = lin([1 - fac, denoised], [fac, denoised2]);
      x = lin([Math.exp(-sLow) / Math.exp(-t), x], [-Math.expm1(t - sLow), denoisedD]);
      x = lin([1, x], [sNoise * su, noise(draws++, Math.exp(-t), Math.exp(-tNext))]);
      continue;
    }
    if (name === 'dpmpp-3m-sde') {
      const denoised = denoise(x, sigmas[i]);
      let h = hLast;
      if (sigmas[i + 1] === 0) {
        x = denoised;
      } else {
        h = -Math.log(sigmas[i + 1]) + Math.log(sigmas[i]);
        const hEta = h * (eta + 1);
        x = lin([Math.exp(-hEta), x], [-Math.expm1(-hEta), denoised]);
        const phi2 = Math.expm1(-hEta) / hEta + 1;
        const phi3 = phi2 / hEta - 0.5;
        if (h2 !== null && oldDenoised && denoised2) {
          const r0 = hLast / h;
          const r1 = h2 / h;
          const d10 = lin([1 / r0, denoised], [-1 / r0, oldDenoised]);
          const d11 = lin([1 / r1, oldDenoised], [-1 / r1, denoised2]);
          const d1 = lin([1, d10], [r0 / (r0 + r1), d10], [-r0 / (r0 + r1), d11]);
          const d2 = lin([1 / (r0 + r1), d10], [-1 / (r0 + r1), d11]);
          x = lin([1, x], [phi2, d1], [-phi3, d2]);
        } else if (oldDenoised) {
          const r = hLast / h;
          x = lin([1, x], [phi2 / r, denoised], [-phi2 / r, oldDenoised]);
        }
        if (eta) x = lin([1, x], [sigmas[i + 1] * Math.sqrt(-Math.expm1(-2 * h * eta)) * sNoise, noise(draws++, sigmas[i], sigmas[i + 1])]);
      }
      denoised2 = oldDenoised;
      oldDenoised = denoised;
      h2 = i === 0 ? null : hLast;
      hLast = h;
      continue;
    }
    if (name === 'lms') {
      // sample_lms (order 4); linear_multistep_coeff integrated here by a 20 000-interval trapezoid rule
      const order = 4;
      const denoised = denoise(x, sigmas[i]);
      ds.push(lin([1 / sigmas[i], x], [-1 / sigmas[i], denoised]));
      if (ds.length > order) ds.shift();
      const q = Math.min(i + 1, order);
      const coeff = (j: number) => {
        const f = (tau: number) => {
          let prod = 1;
          for (let k = 0; k < q; k++) if (k !== j) prod *= (tau - sigmas[i - k]) / (sigmas[i - j] - sigmas[i - k]);
          return prod;
        };
        const M = 20000;
        let sum = 0;
        for (let k = 0; k <= M; k++) sum += (k === 0 || k === M ? 0.5 : 1) * f(sigmas[i] + ((sigmas[i + 1] - sigmas[i]) * k) / M);
        return (sum * (sigmas[i + 1] - sigmas[i])) / M;
      };
      const reversed = [...ds].reverse();
      x = lin([1, x], ...reversed.map((d, j): [number, Vec] => [coeff(j), d]));
      continue;
    }
    if (name === 'dpmpp-2m') {
      // sample_dpmpp_2m: first step and the final step to σ = 0 first order
      const denoised = denoise(x, sigmas[i]);
      const t = -Math.log(sigmas[i]);
      const tNext = -Math.log(sigmas[i + 1]);
      const h = tNext - t;
      if (!oldDenoised || sigmas[i + 1] === 0) {
        x = lin([sigmas[i + 1] / sigmas[i], x], [-Math.expm1(-h), denoised]);
      } else {
        const r = hLast / h;
        const dPrime = lin([1 + 1 / (2 * r), denoised], [-1 / (2 * r), oldDenoised]);
        x = lin([sigmas[i + 1] / sigmas[i], x], [-Math.expm1(-h), dPrime]);
      }
      oldDenoised = denoised;
      hLast = h;
      continue;
    }
    if (name === 'dpmpp-2m-sde') {
      // sample_dpmpp_2m_sde, solver_type 'midpoint'
      const denoised = denoise(x, sigmas[i]);
      if (sigmas[i + 1] === 0) {
        x = denoised;
      } else {
        const h = -Math.log(sigmas[i + 1]) + Math.log(sigmas[i]);
        const etaH = eta * h;
        x = lin([(sigmas[i + 1] / sigmas[i]) * Math.exp(-etaH), x], [-Math.expm1(-h - etaH), denoised]);
        if (oldDenoised) {
          const r = hLast / h;
          x = lin([1, x], [(0.5 * -Math.expm1(-h - etaH)) / r, denoised], [(-0.5 * -Math.expm1(-h - etaH)) / r, oldDenoised]);
        }
        if (eta) x = lin([1, x], [sigmas[i + 1] * Math.sqrt(-Math.expm1(-2 * etaH)) * sNoise, noise(draws++, sigmas[i], sigmas[i + 1])]);
        hLast = h;
      }
      oldDenoised = denoised;
      continue;
    }
    if (name === 'euler-ancestral' || name === 'dpm2-ancestral' || name === 'dpmpp-2s-ancestral') {
      const denoised = denoise(x, sigmas[i]);
      const sigmaUp = Math.min(sigmas[i + 1], eta * Math.sqrt((sigmas[i + 1] ** 2 * (sigmas[i] ** 2 - sigmas[i + 1] ** 2)) / sigmas[i] ** 2));
      const sigmaDown = Math.sqrt(sigmas[i + 1] ** 2 - sigmaUp ** 2);
      const d = lin([1 / sigmas[i], x], [-1 / sigmas[i], denoised]);
      if (name === 'euler-ancestral' || sigmaDown === 0) {
        x = lin([1, x], [sigmaDown - sigmas[i], d]);
      } else if (name === 'dpm2-ancestral') {
        const sigmaMid = Math.exp(0.5 * (Math.log(sigmas[i]) + Math.log(sigmaDown)));
        const x2 = lin([1, x], [sigmaMid - sigmas[i], d]);
        const denoised2 = denoise(x2, sigmaMid);
        const d2 = lin([1 / sigmaMid, x2], [-1 / sigmaMid, denoised2]);
        x = lin([1, x], [sigmaDown - sigmas[i], d2]);
      } else {
        const t = -Math.log(sigmas[i]);
        const tNext = -Math.log(sigmaDown);
        const h = tNext - t;
        const s = t + 0.5 * h;
        const x2 = lin([Math.exp(-s) / Math.exp(-t), x], [-Math.expm1(-0.5 * h), denoised]);
        const denoised2 = denoise(x2, Math.exp(-s));
        x = lin([Math.exp(-tNext) / Math.exp(-t), x], [-Math.expm1(-h), denoised2]);
      }
      if (sigmas[i + 1] > 0) x = lin([1, x], [sNoise * sigmaUp, noise(draws++, sigmas[i], sigmas[i + 1])]);
      continue;
    }
    const gamma = sTmin <= sigmas[i] && sigmas[i] <= sTmax ? Math.min(sChurn / N, Math.SQRT2 - 1) : 0;
    const sigmaHat = sigmas[i] * (gamma + 1);
    if (gamma > 0) x = lin([1, x], [sNoise * Math.sqrt(sigmaHat ** 2 - sigmas[i] ** 2), noise(draws++, sigmas[i], sigmaHat)]);
    const denoised = denoise(x, sigmaHat);
    const d = lin([1 / sigmaHat, x], [-1 / sigmaHat, denoised]);
    if (name === 'euler' || sigmas[i + 1] === 0) {
      x = lin([1, x], [sigmas[i + 1] - sigmaHat, d]);
    } else if (name === 'heun') {
      const dt = sigmas[i + 1] - sigmaHat;
      const x2 = lin([1, x], [dt, d]);
      const denoised2 = denoise(x2, sigmas[i + 1]);
      const d2 = lin([1 / sigmas[i + 1], x2], [-1 / sigmas[i + 1], denoised2]);
      x = lin([1, x], [dt / 2, d], [dt / 2, d2]);
    } else {
      const sigmaMid = Math.exp(0.5 * (Math.log(sigmaHat) + Math.log(sigmas[i + 1])));
      const x2 = lin([1, x], [sigmaMid - sigmaHat, d]);
      const denoised2 = denoise(x2, sigmaMid);
      const d2 = lin([1 / sigmaMid, x2], [-1 / sigmaMid, denoised2]);
      x = lin([1, x], [sigmas[i + 1] - sigmaHat, d2]);
    }
  }
  return x;
}

/**
 * scipy.integrate.solve_ivp(fun, (t0, t_bound), y0, method='RK45', rtol, atol) on one state vector, transcribed
 * from scipy/integrate/_ivp/rk.py (RungeKutta._step_impl, rk_step) and common.py (select_initial_step):
 * the Butcher tableau as scipy stores it (C, A, B, E), FSAL, error norm RMS(err/scale). Returns the final y,
 * the accepted times and the number of evaluations.
 */
export function scipyRk45(fun: (t: number, y: Vec) => Vec, t0: number, y0: Vec, tBound: number, rtol: number, atol: number): { y: Vec; ts: number[]; nfev: number } {
  const C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1];
  const A = [
    [0, 0, 0, 0, 0],
    [1 / 5, 0, 0, 0, 0],
    [3 / 40, 9 / 40, 0, 0, 0],
    [44 / 45, -56 / 15, 32 / 9, 0, 0],
    [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729, 0],
    [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
  ];
  const B = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84];
  const E = [-71 / 57600, 0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40];
  const norm = (v: Vec) => Math.sqrt(v.reduce((acc, e) => acc + e * e, 0) / v.length);
  const divide = (v: Vec, scale: Vec) => v.map((e, i) => e / scale[i]);
  let nfev = 0;
  const f = (t: number, y: Vec) => {
    nfev++;
    return fun(t, y);
  };
  let t = t0;
  let y: Vec = y0.slice();
  let fy = f(t, y);
  // select_initial_step(order = 4)
  const interval = Math.abs(tBound - t0);
  const scale0 = y.map((e) => atol + Math.abs(e) * rtol);
  const d0 = norm(divide(y, scale0));
  const d1 = norm(divide(fy, scale0));
  let h0 = d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1;
  h0 = Math.min(h0, interval);
  const f1 = f(t0 + h0, lin([1, y], [h0, fy]));
  const d2 = norm(divide(lin([1, f1], [-1, fy]), scale0)) / h0;
  const h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / Math.max(d1, d2), 1 / 5);
  let hAbs = Math.min(100 * h0, h1, interval);
  const ts = [t];
  while (t < tBound) {
    let rejected = false;
    for (;;) {
      let tNew = t + hAbs;
      if (tNew - tBound > 0) tNew = tBound;
      const h = tNew - t;
      hAbs = Math.abs(h);
      const K: Vec[] = [fy];
      for (let s = 1; s < 6; s++) {
        const dy = lin(...K.map((k, j): [number, Vec] => [h * A[s][j], k]));
        K.push(f(t + C[s] * h, lin([1, y], [1, dy])));
      }
      const yNew = lin([1, y], ...K.map((k, j): [number, Vec] => [h * B[j], k]));
      const fNew = f(t + h, yNew);
      K.push(fNew);
      const scale = y.map((e, i) => atol + Math.max(Math.abs(e), Math.abs(yNew[i])) * rtol);
      const errorNorm = norm(divide(lin(...K.map((k, j): [number, Vec] => [h * E[j], k])), scale));
      if (errorNorm < 1) {
        let factor = errorNorm === 0 ? 10 : Math.min(10, 0.9 * errorNorm ** (-1 / 5));
        if (rejected) factor = Math.min(1, factor);
        hAbs *= factor;
        t = tNew;
        y = yNew;
        fy = fNew;
        ts.push(t);
        break;
      }
      hAbs *= Math.max(0.2, 0.9 * errorNorm ** (-1 / 5));
      rejected = true;
    }
  }
  return { y, ts, nfev };
}

/**
 * Score-SDE pc_sampler (sampling.py) with ReverseDiffusionPredictor or EulerMaruyamaPredictor and LangevinCorrector,
 * transcribed for a grid `times` (the official grid is linspace(T, eps, N) with dt = −1/N; here each step's dt
 * and discretisation come from the given grid, as in driven.ts), score s = −ε̂/σ, and the draws z taken from
 * `draw(k)` in the order the sampler uses them. Returns x_mean of the last step (noise_removal=True).
 */
export function scoreSdePc(
  ns: NoiseProcess,
  model: DenoiserModel,
  x0: Vec,
  times: number[],
  predictor: 'reverse-diffusion' | 'euler-maruyama',
  nSteps: number,
  snr: number,
  draw: (k: number) => Vec,
): Vec {
  const dim = model.dim;
  const batch = x0.length / dim;
  let drawn = 0;
  const score = (x: Vec, t: number) => {
    const eps = new Float64Array(x.length);
    model.predict(x, batch, t, ns.alpha(t), ns.sigma(t), 'noise', eps);
    return eps.map((e) => -e / ns.sigma(t));
  };
  const meanNorm = (v: Vec) => {
    let total = 0;
    for (let p = 0; p < batch; p++) {
      let ss = 0;
      for (let j = p * dim; j < (p + 1) * dim; j++) ss += v[j] * v[j];
      total += Math.sqrt(ss);
    }
    return total / batch;
  };
  let x: Vec = x0.slice();
  let xMean: Vec = x;
  for (let i = 0; i < times.length - 1; i++) {
    const [t, next] = [times[i], times[i + 1]];
    // the discrete chain of this step: alphas[timestep] = 1 − β_i, G_i² (VP: β_i; VE: σ_i² − σ_{i−1}²)
    const oneMinusBeta = (ns.alpha(t) / ns.alpha(next)) ** 2;
    const G2 = ns.sigma(t) ** 2 - oneMinusBeta * ns.sigma(next) ** 2;
    // LangevinCorrector.update_fn
    for (let j = 0; j < nSteps; j++) {
      const grad = score(x, t);
      const noise = draw(drawn++);
      const stepSize = (snr * meanNorm(noise) / meanNorm(grad)) ** 2 * 2 * oneMinusBeta;
      xMean = lin([1, x], [stepSize, grad]);
      x = lin([1, xMean], [Math.sqrt(stepSize * 2), noise]);
    }
    const last = i === times.length - 2;
    const grad = score(x, t);
    if (predictor === 'reverse-diffusion') {
      // f = (√(1 − β) − 1)·x, rev_f = f − G²·s, x_mean = x − rev_f, x = x_mean + G·z
      const f = x.map((e) => (Math.sqrt(oneMinusBeta) - 1) * e);
      xMean = lin([1, x], [-1, f], [G2, grad]);
      x = last || next === 0 ? xMean : lin([1, xMean], [Math.sqrt(G2), draw(drawn++)]);
    } else {
      // reverse SDE drift f·x − g²·s, diffusion g; x_mean = x + drift·dt; x = x_mean + g·√(−dt)·z
      const dt = next - t;
      const g2 = -2 * ns.sigma(t) ** 2 * ns.dLambdaDt(t);
      xMean = lin([1 + ns.dLogAlphaDt(t) * dt, x], [-g2 * dt, grad]);
      x = last || next === 0 ? xMean : lin([1, xMean], [Math.sqrt(g2 * -dt), draw(drawn++)]);
    }
  }
  return xMean;
}
