// A sampler is a program of coefficients (DESIGN §2): operations over a register file of particle buffers.
//   eval(x, out, t):  out ← D(reg[x], t)   one model evaluation (data prediction D, or noise prediction ε̂)
//   combine(out, Σ_j coef_j · reg_j):      elementwise linear combination
// Register 0 holds x: x_T on entry, the sample on exit. Coefficients are float64 here; the GPU runs them in f32.

import type { Prediction } from './gmm.ts';

export interface EvalOp {
  op: 'eval';
  /** register read */
  x: number;
  /** register written */
  out: number;
  t: number;
  /** α_t and σ_t, so that no consumer of the program needs the noise process */
  alpha: number;
  sigma: number;
  /** what the evaluation returns (default 'data') */
  prediction?: Prediction;
}

export interface CombineTerm {
  reg: number;
  coef: number;
}

export interface CombineOp {
  op: 'combine';
  out: number;
  terms: CombineTerm[];
  /**
   * + coef·z, z ~ N(0, I) drawn from the counter-based RNG at (seed, stream stepNoise, particle, step):
   * the fresh noise of stochastic solvers, identical on CPU and GPU
   */
  noise?: { coef: number; step: number };
  /** set when this combine leaves x (register 0) at grid time t_gridIndex: a trajectory point */
  gridIndex?: number;
}

export type ProgramOp = EvalOp | CombineOp;

export interface SamplerProgram {
  solver: string;
  /** number of registers, register 0 = x */
  registers: number;
  /** the time grid t_0 … t_N actually used */
  times: number[];
  /** model evaluations spent */
  nfe: number;
  ops: ProgramOp[];
}

/** the most terms a combine may have (the WGSL combine kernel's fixed array size) */
export const MAX_COMBINE_TERMS = 6;
