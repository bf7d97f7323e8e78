// Solver programs (DESIGN §2). Each function reads like its paper's update and emits eval/combine ops with
// float64 coefficients. Conventions follow the official DPM-Solver implementation [DPMS:dpm_solver_pytorch.py]
// (specs/samplers.md §4.1, §4.5, §4.7, §19.2).

import type { NoiseProcess } from './process.ts';
import type { EvalOp, ProgramOp, SamplerProgram } from './program.ts';

export const SOLVER_NAMES = ['ddim', 'dpmpp-2m'] as const;
export type SolverName = (typeof SOLVER_NAMES)[number];

export interface SolverInfo {
  name: SolverName;
  label: string;
  /** theoretical global order */
  order: number;
  /** model evaluations per step (all current solvers are one-eval-per-step multistep methods) */
  evalsPerStep: number;
}

export const SOLVERS: Record<SolverName, SolverInfo> = {
  ddim: { name: 'ddim', label: 'DDIM', order: 1, evalsPerStep: 1 },
  'dpmpp-2m': { name: 'dpmpp-2m', label: 'DPM-Solver++(2M)', order: 2, evalsPerStep: 1 },
};

/** steps that spend exactly `nfe` model evaluations */
export function stepsForNfe(solver: SolverName, nfe: number): number {
  return Math.max(1, Math.round(nfe / SOLVERS[solver].evalsPerStep));
}

const X = 0;

function evalAt(process: NoiseProcess, t: number, out: number): EvalOp {
  return { op: 'eval', x: X, out, t, alpha: process.alpha(t), sigma: process.sigma(t) };
}

/**
 * DDIM (η = 0) ≡ DPM-Solver-1 in data form (§4.1): x_t = (σ_t/σ_s)·x_s − α_t·(e^{−h} − 1)·D_s, h = λ_t − λ_s.
 */
export function ddimProgram(process: NoiseProcess, times: number[]): SamplerProgram {
  const ops: ProgramOp[] = [];
  const D = 1;
  for (let i = 1; i < times.length; i++) {
    const s = times[i - 1];
    const t = times[i];
    const h = process.lambda(t) - process.lambda(s);
    ops.push(evalAt(process, s, D));
    ops.push({
      op: 'combine',
      out: X,
      terms: [
        { reg: X, coef: process.sigma(t) / process.sigma(s) },
        { reg: D, coef: -process.alpha(t) * Math.expm1(-h) },
      ],
      gridIndex: i,
    });
  }
  return { solver: 'ddim', registers: 2, times, nfe: times.length - 1, ops };
}

/**
 * Multistep DPM-Solver++(2M), 'dpmsolver' (midpoint) type (§4.5), with the official driver loop (§4.7):
 * step 1 is first order (warm-up); then with r0 = h_{i−1}/h_i and D1_0 = (D_{i−1} − D_{i−2})/r0
 *   x_i = (σ_i/σ_{i−1}) x − α_i(e^{−h} − 1) D_{i−1} − ½ α_i(e^{−h} − 1) D1_0,
 * and lower_order_final: when N < 10 (the code's condition, not the docstring's 15) step i uses order
 * min(2, N + 1 − i), i.e. the last step is first order. The model is evaluated at t_0 … t_{N−1}: NFE = N.
 */
export function dpmSolverPlusPlus2M(process: NoiseProcess, times: number[]): SamplerProgram {
  const N = times.length - 1;
  const ops: ProgramOp[] = [];
  // D registers alternate so the previous model value survives one step
  const dReg = (i: number) => 1 + (i % 2);
  const lambda = times.map((t) => process.lambda(t));
  ops.push(evalAt(process, times[0], dReg(0)));
  for (let i = 1; i <= N; i++) {
    const order = i === 1 ? 1 : N < 10 ? Math.min(2, N + 1 - i) : 2;
    const h = lambda[i] - lambda[i - 1];
    const phi1 = Math.expm1(-h);
    const alphaT = process.alpha(times[i]);
    const ratio = process.sigma(times[i]) / process.sigma(times[i - 1]);
    if (order === 1) {
      ops.push({ op: 'combine', out: X, terms: [{ reg: X, coef: ratio }, { reg: dReg(i - 1), coef: -alphaT * phi1 }], gridIndex: i });
    } else {
      const r0 = (lambda[i - 1] - lambda[i - 2]) / h;
      ops.push({
        op: 'combine',
        out: X,
        terms: [
          { reg: X, coef: ratio },
          { reg: dReg(i - 1), coef: -alphaT * phi1 * (1 + 1 / (2 * r0)) },
          { reg: dReg(i - 2), coef: (alphaT * phi1) / (2 * r0) },
        ],
        gridIndex: i,
      });
    }
    if (i < N) ops.push(evalAt(process, times[i], dReg(i)));
  }
  return { solver: 'dpmpp-2m', registers: 3, times, nfe: N, ops };
}

export function buildProgram(solver: SolverName, process: NoiseProcess, times: number[]): SamplerProgram {
  switch (solver) {
    case 'ddim':
      return ddimProgram(process, times);
    case 'dpmpp-2m':
      return dpmSolverPlusPlus2M(process, times);
  }
}
