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
  /**
   * a per-dimension coefficient (DESIGN §2: "per-dimension coefficients are vector registers"): the term is
   * coef·vectors[vector][j]·reg[particle, j] for coordinate j (DPM-Solver-v3's EMS coefficients, specs §6.5)
   */
  vector?: number;
}

export interface CombineOp {
  op: 'combine';
  out: number;
  terms: CombineTerm[];
  /**
   * + coef·z, z ~ N(0, I) drawn from the counter-based RNG at (seed, stream stepNoise, particle, step):
   * the fresh noise of stochastic solvers, identical on CPU and GPU
   */
  noise?: { coef: number; step: number; brownian?: BrownianInterval };
  /** set when this combine leaves x (register 0) at grid time t_gridIndex: a trajectory point */
  gridIndex?: number;
  /** + coef·vectors[vector][j] for coordinate j: a per-dimension constant (DPM-Solver-v3's b_λ terms, specs §6.5) */
  constant?: { vector: number; coef: number };
}

/**
 * Noise from the Brownian tree (util/brownian.ts) instead of a fresh draw: z = (B(to) − B(from))/√|to − from| on
 * the particle's own path, times normalised to [0, 1] (k-diffusion's BrownianTreeNoiseSampler, specs §9.5).
 */
export interface BrownianInterval {
  from: number;
  to: number;
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
  /**
   * the per-dimension coefficient vectors the ops' `vector` and `constant` fields index, each of the target's
   * dimension d (uploaded once; absent when every coefficient is a scalar)
   */
  vectors?: Float64Array[];
}

/** the most terms a combine may have (the WGSL combine kernel's fixed array size) */
export const MAX_COMBINE_TERMS = 6;

// ------------------------------------------------------------------------------------ driven programs
// Adaptive step control (DPM-Solver-12/23, RK45) and the Langevin corrector's step size (Score-SDE PC) depend
// on batch statistics of the particles, so their ops cannot all be written down in advance. Such a solver is a
// driven program: a generator that yields fragments of ops, each followed by measurements (one scalar each,
// a reduction over the whole batch), and receives the measured values before writing the next fragment.
// The official codes do the same (`.item()`/`torch.all(E <= 1)` on the host); on the GPU each measurement is
// one small reduction and an 8-byte readback.

/**
 * A batch statistic of v = reg a − reg b (or reg a) with an optional elementwise scale δ:
 *   'max'  δ = max(atol, rtol·max_j |reg_j|)  (DPM-Solver adaptive, specs §4.8)
 *   'sum'  δ = atol + rtol·max_j |reg_j|      (scipy's RK45)
 * reduced over the batch as
 *   'rms'        sqrt(mean over all n·d elements of (v/δ)²)          (scipy's error norm of one state vector)
 *   'max-rms'    max over particles of the per-particle RMS of v/δ  (DPM-Solver adaptive)
 *   'mean-norm'  mean over particles of the per-particle L2 norm    (Score-SDE Langevin, specs §12, §19.8)
 */
export interface Measure {
  a: number;
  b?: number;
  scale?: { regs: number[]; atol: number; rtol: number; form: 'max' | 'sum' };
  reduce: 'rms' | 'max-rms' | 'mean-norm';
}

export interface Fragment {
  ops: ProgramOp[];
  measures: Measure[];
}

/** what a driven program reports when it is done */
export interface DrivenSummary {
  times: number[];
  nfe: number;
}

export interface DrivenProgram {
  solver: string;
  driven: true;
  registers: number;
  /** the most grid points a run can record (the trajectory buffer's size); more steps than this are an error */
  maxGridPoints: number;
  /** known in advance for solvers whose work does not depend on the data (PC), else undefined */
  nfe?: number;
  /** a fresh driver: yields fragments, receives their measured values (in order), returns the grid used */
  start(): Generator<Fragment, DrivenSummary, number[]>;
}

export type Program = SamplerProgram | DrivenProgram;

export function isDriven(program: Program): program is DrivenProgram {
  return 'driven' in program;
}

/** the program as a fixed list of ops; a driven program has none and is refused by name */
export function fixedProgram(program: Program): SamplerProgram {
  if (isDriven(program)) throw new Error(`${program.solver} chooses its steps while it runs; it has no fixed program`);
  return program;
}
