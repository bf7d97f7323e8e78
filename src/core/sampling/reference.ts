// High-accuracy reference solutions of the probability-flow ODE from the same x_T (specs §17.1, §17.3c), written
// as solver programs so that the float64 interpreter and the GPU run the very same thing, on
// dx/dλ = (d log α/dλ)·x − σ·ε̂ = (a − 1)·x + α·D   (specs §1, a = d log α/dλ):
//  - the metrics' same-noise reference: RK45 (driven.ts) with rtol = atol = 1e-7 — on ring8 its error is 1.3e-7
//    in float64 and 7e-7 in float32 on the GPU (f32-limited) at 210–310 NFE, where fixed-step RK4 with 200 steps
//    spends 800 NFE for 1.4e-6 in float32 (measured, see the closing note of issue #3);
//  - fixed-step classical RK4, uniform in λ, for the convergence tests (4000 steps, error far below float64 need).
// Their errors are checked by step halving, against the closed-form Gaussian flow (solvers.test.ts) and against
// each other (driven.test.ts).

import { rk45 } from './driven.ts';
import { type NoiseProcess, priorNoiseScale } from './process.ts';
import type { CombineTerm, DrivenProgram, ProgramOp, SamplerProgram } from './program.ts';

/** tolerances of the metrics' same-noise reference (specs §17.3c asks for ≤ 1e-6) */
export const REFERENCE_TOLERANCE = 1e-7;
/** default steps of the fixed-step RK4 reference */
export const REFERENCE_STEPS = 200;

/** The same-noise reference of the metrics: RK45 in λ at REFERENCE_TOLERANCE, ending like the spec's grid. */
export function sameNoiseReference(process: NoiseProcess, tStart: number, tEnd: number, endsAtZero: boolean): DrivenProgram {
  return rk45(process, tStart, tEnd, { rtol: REFERENCE_TOLERANCE, atol: REFERENCE_TOLERANCE, endsAtZero }, 'rk45-reference');
}

/**
 * With `endsAtZero` (grids that end at σ = 0) the reference ends like every solver there: RK4 to tEnd, then the
 * first-order step to σ = 0, x = α_0·D(x, tEnd), so that same-noise errors compare like with like.
 */
export function rk4ReferenceProgram(process: NoiseProcess, tStart: number, tEnd: number, steps = REFERENCE_STEPS, endsAtZero = false): SamplerProgram {
  // registers: 0 x, 1 D, 2 stage point, 3..6 slopes k1..k4
  const X = 0, D = 1, STAGE = 2, K = [3, 4, 5, 6];
  const l0 = process.lambda(tStart);
  const h = (process.lambda(tEnd) - l0) / steps;
  const ops: ProgramOp[] = [];
  const slope = (from: number, lambda: number, k: number) => {
    const t = process.tOfLambda(lambda);
    const alpha = process.alpha(t);
    ops.push({ op: 'eval', x: from, out: D, t, alpha, sigma: process.sigma(t) });
    ops.push({ op: 'combine', out: k, terms: [{ reg: from, coef: process.dLogAlphaDLambda(t) - 1 }, { reg: D, coef: alpha }] });
  };
  const stage = (terms: CombineTerm[]) => ops.push({ op: 'combine', out: STAGE, terms });
  const times = [tStart];
  const scale = priorNoiseScale(process, tStart);
  if (scale !== 1) ops.push({ op: 'combine', out: X, terms: [{ reg: X, coef: scale }], gridIndex: 0 });
  for (let s = 0; s < steps; s++) {
    const lambda = l0 + s * h;
    slope(X, lambda, K[0]);
    stage([{ reg: X, coef: 1 }, { reg: K[0], coef: h / 2 }]);
    slope(STAGE, lambda + h / 2, K[1]);
    stage([{ reg: X, coef: 1 }, { reg: K[1], coef: h / 2 }]);
    slope(STAGE, lambda + h / 2, K[2]);
    stage([{ reg: X, coef: 1 }, { reg: K[2], coef: h }]);
    slope(STAGE, lambda + h, K[3]);
    const t = s === steps - 1 ? tEnd : process.tOfLambda(lambda + h);
    times.push(t);
    ops.push({
      op: 'combine',
      out: X,
      terms: [{ reg: X, coef: 1 }, { reg: K[0], coef: h / 6 }, { reg: K[1], coef: h / 3 }, { reg: K[2], coef: h / 3 }, { reg: K[3], coef: h / 6 }],
      gridIndex: s + 1,
    });
  }
  if (endsAtZero) {
    ops.push({ op: 'eval', x: X, out: D, t: tEnd, alpha: process.alpha(tEnd), sigma: process.sigma(tEnd) });
    ops.push({ op: 'combine', out: X, terms: [{ reg: D, coef: process.alpha(0) }], gridIndex: steps + 1 });
    times.push(0);
  }
  return { solver: 'rk4-reference', registers: 7, times, nfe: 4 * steps + (endsAtZero ? 1 : 0), ops };
}
