// High-accuracy reference solution of the probability-flow ODE from the same x_T (specs §17.1, §17.3c),
// written as a solver program so that the float64 interpreter and the GPU run the very same thing:
// classical RK4, uniform in λ, on dx/dλ = (d log α/dλ)·x − σ·ε̂ = (a − 1)·x + α·D   (specs §1, a = d log α/dλ).
// Its own error is checked by step halving and against the closed-form Gaussian flow (solvers.test.ts).

import { type NoiseProcess, priorNoiseScale } from './process.ts';
import type { CombineTerm, ProgramOp, SamplerProgram } from './program.ts';

/** steps used for the same-noise reference unless told otherwise (RK4 error ≈ 1e-7 on the 2D presets, below float32 resolution) */
export const REFERENCE_STEPS = 200;

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
