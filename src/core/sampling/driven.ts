// Driven solvers (program.ts): the ones whose next ops depend on batch statistics of the particles.
//   dpm-solver-adaptive  DPM-Solver-12 / 23 with its error control in λ (specs §4.8) [DPMS:dpm_solver_adaptive]
//   rk45                 Dormand–Prince 5(4) in λ with scipy's controller (specs §13, §17.3c) [scipy RK45]
//   pc                   Score-SDE predictor–corrector with the Langevin corrector (specs §12) [SSDE:sampling.py]
// Each is a generator of fragments; the measured statistics (one scalar per Measure) come back in float64 on the
// CPU and from a GPU reduction on the GPU, and every decision (accept, next h, Langevin step) is taken in float64.

import type { Prediction } from './gmm.ts';
import type { NoiseProcess } from './process.ts';
import type { DrivenProgram, DrivenSummary, Fragment, Measure } from './program.ts';
import { type DpmSolverType, Emitter, singlestepUpdate } from './solvers.ts';

const X = 0;

/** the most steps (accepted or not) a driven run may take before it is stopped as a runaway */
export const MAX_DRIVEN_ATTEMPTS = 2000;
/** grid points a driven run can record in a trajectory (the GPU trajectory buffer is allocated for this many) */
export const MAX_DRIVEN_GRID_POINTS = 257;

export class DrivenError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DrivenError';
  }
}

/** DPM-Solver's adaptive defaults (dpm_solver_pytorch.py dpm_solver_adaptive / sample(method='adaptive')) */
export const ADAPTIVE_DEFAULTS = { rtol: 0.05, atol: 0.0078, hInit: 0.05, theta: 0.9, tErr: 1e-5 };
/** scipy solve_ivp defaults are rtol 1e-3, atol 1e-6; Rectified Flow's sampler uses 1e-5 for both (specs §13) */
export const RK45_DEFAULTS = { rtol: 1e-5, atol: 1e-5 };

function finiteOrThrow(value: number, what: string, t: number): number {
  if (!Number.isFinite(value)) throw new DrivenError(`${what} is not finite (${value}) at t = ${t}: the particles diverged`);
  return value;
}

/** A step into t = 0 after reaching tEnd (grids that end at the data, specs §3.2): x = α_0·D(x, tEnd), one NFE. */
function finishAtZero(e: Emitter, tEnd: number, gridIndex: number): void {
  const D = 1;
  e.ops.push({ op: 'eval', x: X, out: e.reg(D), t: tEnd, alpha: e.process.alpha(tEnd), sigma: e.process.sigma(tEnd), prediction: 'data' });
  e.nfe++;
  e.combine(X, [[D, e.process.alpha(0)]], gridIndex);
}

// ------------------------------------------------------------------------------------- DPM-Solver-12/23

export interface AdaptiveOptions {
  order: 2 | 3;
  prediction: Prediction;
  solverType: DpmSolverType;
  rtol: number;
  atol: number;
  endsAtZero: boolean;
}

/**
 * DPM-Solver-12 (order 2) / -23 (order 3), specs §4.8: from s try t = t(λ_s + h); x_low is DPM-Solver-1
 * (order 2) or singlestep-2 with r1 = 1/3 (order 3), x_high singlestep-2 with r1 = ½ or singlestep-3 with
 * r1 = 1/3, r2 = 2/3, sharing the model values. E = max over the batch of RMS((x_high − x_low)/δ),
 * δ = max(atol, rtol·max(|x_low|, |x_prev|)); accept if E ≤ 1; always h ← min(θ·h·E^{−1/order}, λ_end − λ_s).
 * NFE += order per attempt (every attempt re-evaluates at s, as the official loop does).
 */
export function adaptiveDpmSolver(process: NoiseProcess, tStart: number, tEnd: number, o: AdaptiveOptions): DrivenProgram {
  const { hInit, theta, tErr } = ADAPTIVE_DEFAULTS;
  const [LOW, HIGH, PREV] = [5, 6, 7];
  return {
    solver: 'dpm-solver-adaptive',
    driven: true,
    registers: 8,
    maxGridPoints: MAX_DRIVEN_GRID_POINTS,
    *start(): Generator<Fragment, DrivenSummary, number[]> {
      const e = new Emitter(process, o.prediction);
      e.reg(PREV);
      e.prior(tStart);
      e.combine(PREV, [[X, 1]]);
      const lambdaEnd = process.lambda(tEnd);
      let s = tStart;
      let lambdaS = process.lambda(s);
      let h = hInit;
      const times = [s];
      const error: Measure = { a: HIGH, b: LOW, scale: { regs: [LOW, PREV], atol: o.atol, rtol: o.rtol, form: 'max' }, reduce: 'max-rms' };
      for (let attempt = 0; Math.abs(s - tEnd) > tErr; attempt++) {
        if (attempt === MAX_DRIVEN_ATTEMPTS) throw new DrivenError(`dpm-solver-adaptive took more than ${MAX_DRIVEN_ATTEMPTS} attempts (at t = ${s}); loosen rtol/atol`);
        const t = lambdaS + h >= lambdaEnd ? tEnd : process.tOfLambda(lambdaS + h);
        if (o.order === 2) {
          singlestepUpdate(e, s, t, 1, [], o.solverType, { out: LOW });
          singlestepUpdate(e, s, t, 2, [0.5], o.solverType, { out: HIGH, reuse: 1 });
        } else {
          singlestepUpdate(e, s, t, 2, [1 / 3], o.solverType, { out: LOW });
          singlestepUpdate(e, s, t, 3, [1 / 3, 2 / 3], o.solverType, { out: HIGH, reuse: 2 });
        }
        const [E] = yield { ops: e.flush(), measures: [error] };
        finiteOrThrow(E, 'the adaptive error estimate', s);
        if (E <= 1) {
          e.combine(X, [[HIGH, 1]], times.length);
          e.combine(PREV, [[LOW, 1]]);
          s = t;
          lambdaS = process.lambda(s);
          times.push(t);
        }
        h = Math.min(theta * h * Math.pow(E, -1 / o.order), lambdaEnd - lambdaS);
      }
      if (o.endsAtZero) {
        finishAtZero(e, tEnd, times.length);
        times.push(0);
      }
      yield { ops: e.flush(), measures: [] };
      return { times, nfe: e.nfe };
    },
  };
}

// ------------------------------------------------------------------------------------- RK45 (Dormand–Prince)

// Dormand–Prince 5(4) tableau (Dormand & Prince 1980; the coefficients of scipy's RK45): nodes c, stages A,
// 5th-order weights B, and the error weights E (y_err = h·Σ E_i K_i, K_7 = f(y_new), first same as last).
const DP_C = [0, 1 / 5, 3 / 10, 4 / 5, 8 / 9, 1];
const DP_A = [
  [],
  [1 / 5],
  [3 / 40, 9 / 40],
  [44 / 45, -56 / 15, 32 / 9],
  [19372 / 6561, -25360 / 2187, 64448 / 6561, -212 / 729],
  [9017 / 3168, -355 / 33, 46732 / 5247, 49 / 176, -5103 / 18656],
];
const DP_B = [35 / 384, 0, 500 / 1113, 125 / 192, -2187 / 6784, 11 / 84];
const DP_E = [-71 / 57600, 0, 71 / 16695, -71 / 1920, 17253 / 339200, -22 / 525, 1 / 40];
/** scipy's controller constants (scipy/integrate/_ivp/rk.py) */
const SAFETY = 0.9;
const MIN_FACTOR = 0.2;
const MAX_FACTOR = 10;
const ERROR_EXPONENT = -1 / 5;

export interface Rk45Options {
  rtol: number;
  atol: number;
  endsAtZero: boolean;
}

/**
 * RK45 (Dormand–Prince, FSAL) on the probability-flow ODE in λ, dx/dλ = (a − 1)·x + α·D(x) (a = d log α/dλ,
 * specs §1; the same ODE as the RK4 reference), with scipy solve_ivp's step control: the whole batch is one
 * state vector, error norm = RMS(y_err / (atol + rtol·max(|y|, |y_new|))), accept if < 1, factors 0.9·E^{−1/5}
 * clipped to [0.2, 10] (≤ 1 right after a rejection), and scipy's initial step (select_initial_step, one
 * extra evaluation). NFE = 2 + 6 per attempt.
 */
export function rk45(process: NoiseProcess, tStart: number, tEnd: number, o: Rk45Options, solver = 'rk45'): DrivenProgram {
  // registers: 0 x, 1 D, 2 stage point, 3..9 slopes K1..K7, 10 y_new, 11 y_err
  const [D, STAGE, YNEW, ERR] = [1, 2, 10, 11];
  const K = [3, 4, 5, 6, 7, 8, 9];
  return {
    solver,
    driven: true,
    registers: 12,
    maxGridPoints: MAX_DRIVEN_GRID_POINTS,
    *start(): Generator<Fragment, DrivenSummary, number[]> {
      const e = new Emitter(process, 'data');
      e.reg(ERR);
      const slope = (from: number, lambda: number, k: number) => {
        const t = process.tOfLambda(lambda);
        const alpha = process.alpha(t);
        e.evaluate(from, t, D);
        e.combine(k, [[from, process.dLogAlphaDLambda(t) - 1], [D, alpha]]);
      };
      const scaleBy = (regs: number[]) => ({ regs, atol: o.atol, rtol: o.rtol, form: 'sum' as const });
      e.prior(tStart);
      const lambdaEnd = process.lambda(tEnd);
      let lambda = process.lambda(tStart);
      const span = lambdaEnd - lambda;
      // select_initial_step: h0 from ‖y0‖ and ‖f0‖, then h1 from the change of f over h0 (order 4 → power 1/5)
      slope(X, lambda, K[0]);
      const [d0, d1] = yield { ops: e.flush(), measures: [{ a: X, scale: scaleBy([X]), reduce: 'rms' }, { a: K[0], scale: scaleBy([X]), reduce: 'rms' }] };
      const h0 = Math.min(d0 < 1e-5 || d1 < 1e-5 ? 1e-6 : (0.01 * d0) / d1, span);
      e.combine(STAGE, [[X, 1], [K[0], h0]]);
      slope(STAGE, lambda + h0, K[1]);
      const [change] = yield { ops: e.flush(), measures: [{ a: K[1], b: K[0], scale: scaleBy([X]), reduce: 'rms' }] };
      const d2 = finiteOrThrow(change, 'the initial slope change', tStart) / h0;
      const h1 = d1 <= 1e-15 && d2 <= 1e-15 ? Math.max(1e-6, h0 * 1e-3) : Math.pow(0.01 / Math.max(d1, d2), 1 / 5);
      let hAbs = Math.min(100 * h0, h1, span);
      const times = [tStart];
      let attempts = 0;
      while (lambda < lambdaEnd) {
        let rejected = false;
        for (;;) {
          if (++attempts > MAX_DRIVEN_ATTEMPTS) throw new DrivenError(`rk45 took more than ${MAX_DRIVEN_ATTEMPTS} attempts (at λ = ${lambda}); loosen rtol/atol`);
          if (hAbs < 1e-12 * Math.max(1, Math.abs(lambda))) throw new DrivenError(`rk45's step size fell below the resolution of λ at λ = ${lambda}`);
          const lambdaNew = lambda + hAbs >= lambdaEnd ? lambdaEnd : lambda + hAbs;
          const h = lambdaNew - lambda;
          for (let i = 1; i < 6; i++) {
            e.combine(STAGE, [[X, 1], ...DP_A[i].map((a, j): [number, number] => [K[j], h * a])]);
            slope(STAGE, lambda + DP_C[i] * h, K[i]);
          }
          e.combine(YNEW, [[X, 1], ...DP_B.map((b, j): [number, number] => [K[j], h * b])]);
          slope(YNEW, lambdaNew, K[6]);
          e.combine(ERR, DP_E.map((c, j): [number, number] => [K[j], h * c]));
          const [norm] = yield { ops: e.flush(), measures: [{ a: ERR, scale: scaleBy([X, YNEW]), reduce: 'rms' }] };
          finiteOrThrow(norm, 'the rk45 error estimate', process.tOfLambda(lambda));
          if (norm < 1) {
            const factor = norm === 0 ? MAX_FACTOR : Math.min(MAX_FACTOR, SAFETY * Math.pow(norm, ERROR_EXPONENT));
            hAbs *= rejected ? Math.min(1, factor) : factor;
            lambda = lambdaNew;
            const t = lambda === lambdaEnd ? tEnd : process.tOfLambda(lambda);
            times.push(t);
            e.combine(X, [[YNEW, 1]], times.length - 1);
            e.combine(K[0], [[K[6], 1]]);
            break;
          }
          hAbs *= Math.max(MIN_FACTOR, SAFETY * Math.pow(norm, ERROR_EXPONENT));
          rejected = true;
        }
      }
      if (o.endsAtZero) {
        finishAtZero(e, tEnd, times.length);
        times.push(0);
      }
      yield { ops: e.flush(), measures: [] };
      return { times, nfe: e.nfe };
    },
  };
}

// ------------------------------------------------------------------------------------- Score-SDE PC

export type PcPredictor = 'reverse-diffusion' | 'euler-maruyama' | 'none';

export interface PcOptions {
  predictor: PcPredictor;
  /** Langevin corrector steps per level (n_steps_each; 0 = no corrector) */
  langevinSteps: number;
  snr: number;
  /** return x_mean after the last step (noise_removal) */
  noiseRemoval: boolean;
}

export const PC_DEFAULTS: PcOptions = { predictor: 'reverse-diffusion', langevinSteps: 1, snr: 0.16, noiseRemoval: true };

/** model evaluations per grid step of a PC sampler */
export function pcEvaluationsPerStep(o: PcOptions): number {
  return o.langevinSteps + (o.predictor === 'none' ? 0 : 1);
}

/**
 * Score-SDE predictor–corrector sampling (specs §12) on the spec's grid t_0 > … > t_N: at each level, first
 * `langevinSteps` Langevin corrector steps, then one predictor step to the next level; the output is x_mean.
 * The score is s = −ε̂/σ_t. Discretisation of a step t → t' of any process: 1 − β = (α_t/α_t')²,
 * G² = σ_t² − (α_t/α_t')²·σ_t'² — for VP this is the DDPM β_i of the level pair and for VE G² = σ_t² − σ_t'²,
 * which is what Score-SDE's discretize() tabulates (its VP table uses β(t_i)/N instead; equal to O(1/N²)).
 *   reverse diffusion:  x_mean = x − f + G²·s, f = (√(1 − β) − 1)·x;  x = x_mean + G·z
 *   Euler–Maruyama:     x_mean = x + (f(t)·x − g²(t)·s)·dt, dt = t' − t < 0, f = d log α/dt, g² = −2σ²·dλ/dt;
 *                       x = x_mean + g·√|dt|·z   (Score-SDE uses dt = −1/N; here the grid's spacing)
 *   Langevin:           ε_L = 2·α_L·(snr·‖z‖/‖s‖)², norms per sample AVERAGED over the batch (§19.8),
 *                       α_L = 1 − β (VP) or 1 (VE); x_mean = x + ε_L·s;  x = x_mean + √(2ε_L)·z
 * A step into σ = 0 never adds noise (§19.7).
 */
export function pcSampler(process: NoiseProcess, times: number[], o: PcOptions): DrivenProgram {
  const N = times.length - 1;
  if (pcEvaluationsPerStep(o) === 0) throw new DrivenError('pc needs a predictor or at least one Langevin step (predictor none with langevinSteps 0 does nothing)');
  const [EPS, Z] = [1, 2];
  return {
    solver: 'pc',
    driven: true,
    registers: 3,
    maxGridPoints: N + 1,
    nfe: N * pcEvaluationsPerStep(o),
    *start(): Generator<Fragment, DrivenSummary, number[]> {
      const e = new Emitter(process, 'noise');
      e.reg(Z);
      e.prior(times[0]);
      let noiseStep = 0;
      for (let k = 0; k < N; k++) {
        const [t, next] = [times[k], times[k + 1]];
        const [alpha, sigma] = [process.alpha(t), process.sigma(t)];
        const ratio = alpha / process.alpha(next);
        const oneMinusBeta = ratio * ratio;
        const last = k === N - 1;
        for (let j = 0; j < o.langevinSteps; j++) {
          e.evaluate(X, t, EPS);
          e.combine(Z, [], undefined, { coef: 1, step: noiseStep++ });
          const [epsNorm, zNorm] = yield { ops: e.flush(), measures: [{ a: EPS, reduce: 'mean-norm' }, { a: Z, reduce: 'mean-norm' }] };
          const scoreNorm = finiteOrThrow(epsNorm, 'the score norm', t) / sigma;
          if (scoreNorm === 0) throw new DrivenError(`the Langevin step is undefined at t = ${t}: the score is zero for every particle`);
          const stepSize = 2 * oneMinusBeta * ((o.snr * zNorm) / scoreNorm) ** 2;
          // x_mean = x + ε_L·s = x − (ε_L/σ)·ε̂; without a predictor the last corrector step ends the level, and the
          // very last one returns x_mean when noise_removal is on
          const endsLevel = o.predictor === 'none' && j === o.langevinSteps - 1;
          const terms: [number, number][] = [[X, 1], [EPS, -stepSize / sigma]];
          if (!(last && endsLevel && o.noiseRemoval)) terms.push([Z, Math.sqrt(2 * stepSize)]);
          e.combine(X, terms, endsLevel ? k + 1 : undefined);
        }
        if (o.predictor === 'none') continue;
        e.evaluate(X, t, EPS);
        let xCoef: number;
        let epsCoef: number;
        let noiseCoef: number;
        if (o.predictor === 'reverse-diffusion') {
          const g2 = sigma * sigma - oneMinusBeta * process.sigma(next) ** 2;
          xCoef = 2 - Math.sqrt(oneMinusBeta);
          epsCoef = -g2 / sigma;
          noiseCoef = Math.sqrt(g2);
        } else {
          const dt = next - t;
          const f = process.dLogAlphaDt(t);
          const g2 = -2 * sigma * sigma * process.dLambdaDt(t);
          xCoef = 1 + f * dt;
          epsCoef = (g2 * dt) / sigma;
          noiseCoef = Math.sqrt(g2 * -dt);
        }
        const quiet = next === 0 || (last && o.noiseRemoval);
        e.combine(X, [[X, xCoef], [EPS, epsCoef]], k + 1, quiet ? undefined : { coef: noiseCoef, step: noiseStep++ });
      }
      yield { ops: e.flush(), measures: [] };
      return { times, nfe: e.nfe };
    },
  };
}

/**
 * The tolerances of the i-th point when a sweep over NFE meets an adaptive solver: its NFE is an outcome, so the
 * sweep walks down a ladder of tolerances (×½ per point, rtol and atol together, from 4× the defaults) and
 * plots each run at the NFE it spent.
 */
export function sweepTolerance(solver: string, index: number): { rtol: number; atol: number } {
  const defaults = solver === 'rk45' ? RK45_DEFAULTS : ADAPTIVE_DEFAULTS;
  const factor = 4 * 0.5 ** index;
  return { rtol: defaults.rtol * factor, atol: defaults.atol * factor };
}
