// Exact solutions to compare a running simulation against (issue #6 view 3: "the error against the exact
// solution when the preset has one"; specs/pde.md §6). A linear equation (no nonlinear term) is solved exactly
// from ANY initial state by propagating its spectrum, û(t) = e^{L t} û(0). A nonlinear equation has one only
// for its preset initial state, when that is an exact solution (KdV two-soliton, NLS soliton).

import { fftNd } from './fft.ts';
import { KDV_TWO_SOLITON, NLS_SOLITON, kdvTwoSoliton, nlsSoliton } from './equations.ts';
import { complexField, realField, toSpectrum } from './fields.ts';
import { fftShape } from './grid.ts';
import type { PdeProblem } from './run.ts';

/** physical state at time t (interleaved complex [channel][…]) */
export type ExactSolution = (t: number) => Float64Array;

const PRESET_SOLUTIONS: Record<string, (problem: PdeProblem) => ExactSolution> = {
  kdv: ({ grid }) => (t) => realField(grid, 1, ([x]) => [kdvTwoSoliton(x, t, KDV_TWO_SOLITON)]),
  nls: ({ grid }) => (t) => complexField(grid, ([x]) => nlsSoliton(x - 20, t, NLS_SOLITON)),
};

/**
 * The exact solution of a run that starts from `u0` (physical) with initial condition of type `icType`, or null.
 * The preset solutions hold on ℝ: on the periodic box they are exact while the solitons stay away from the
 * box's edges (true over the presets' tEnd).
 */
export function exactSolution(problem: PdeProblem, icType: string, u0: Float64Array): ExactSolution | null {
  if (!problem.nonlinear) {
    const spectrum0 = toSpectrum(u0, problem.grid);
    const { symbol } = problem;
    return (t) => {
      const out = new Float64Array(spectrum0.length);
      for (let i = 0; i < out.length; i += 2) {
        // e^{L t} with L = symbol (complex)
        const m = Math.exp(symbol[i] * t);
        const c = m * Math.cos(symbol[i + 1] * t);
        const s = m * Math.sin(symbol[i + 1] * t);
        out[i] = c * spectrum0[i] - s * spectrum0[i + 1];
        out[i + 1] = c * spectrum0[i + 1] + s * spectrum0[i];
      }
      fftNd(out, fftShape(problem.grid), true, problem.channels);
      return out;
    };
  }
  const preset = PRESET_SOLUTIONS[problem.equation.id];
  return icType === 'preset' && preset ? preset(problem) : null;
}

/** max |u − u_exact| / max |u_exact| over all components */
export function relativeMaxError(u: ArrayLike<number>, exact: Float64Array): number {
  let error = 0;
  let scale = 0;
  for (let i = 0; i < exact.length; i++) {
    error = Math.max(error, Math.abs(u[i] - exact[i]));
    scale = Math.max(scale, Math.abs(exact[i]));
  }
  return error / (scale || 1);
}
