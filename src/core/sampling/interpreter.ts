// The float64 interpreter of solver programs: the test oracle and the no-WebGPU fallback (DESIGN §2).

import type { Prediction } from './gmm.ts';
import { type Measure, type Program, type ProgramOp, isDriven } from './program.ts';
import { fillBrownian } from '../util/brownian.ts';
import { RngStream, fillNormal } from '../util/rng.ts';

/** A model: D(x, t) or ε̂(x, t) for n particles of dimension d (row-major), written to out. */
export interface DenoiserModel {
  dim: number;
  predict(x: Float64Array, n: number, t: number, alpha: number, sigma: number, prediction: Prediction, out: Float64Array): void;
}

export interface InterpreterResult {
  x: Float64Array;
  /** [N+1][n·d] when recorded: x at t_0 … t_N */
  trajectory?: Float64Array[];
  /** the grid actually used and the evaluations spent (a driven program knows them only now) */
  times: number[];
  nfe: number;
}

/**
 * A run whose particles left the floats (NaN or ±∞) at a grid point: the first such step, its time when the grid is
 * known in advance, and what to try instead (issue 10: the watchdog stops a run at the first bad step).
 */
export class SamplerDivergence extends Error {
  constructor(
    readonly solver: string,
    readonly step: number | null,
    readonly t: number | null,
  ) {
    const where = step === null ? 'in its final samples' : `at step ${step}${t === null ? '' : ` (t = ${t.toPrecision(4)})`}`;
    super(`${solver} diverged ${where}: some particles are NaN or infinite. Try more NFE, another time grid, or a lower-order solver.`);
    this.name = 'SamplerDivergence';
  }
}

/** whether every value is finite */
export function allFinite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return false;
  return true;
}

/** A batch statistic of the registers (program.ts Measure), in float64. */
export function measureCpu(measure: Measure, regs: Float64Array[], dim: number): number {
  const a = regs[measure.a];
  const b = measure.b === undefined ? null : regs[measure.b];
  const scaleRegs = measure.scale?.regs.map((r) => regs[r]) ?? [];
  const n = a.length / dim;
  let total = 0;
  let max = 0;
  for (let p = 0; p < n; p++) {
    let ss = 0;
    for (let j = p * dim; j < (p + 1) * dim; j++) {
      let v = b ? a[j] - b[j] : a[j];
      if (measure.scale) {
        const { atol, rtol, form } = measure.scale;
        let big = 0;
        for (const s of scaleRegs) big = Math.max(big, Math.abs(s[j]));
        v /= form === 'max' ? Math.max(atol, rtol * big) : atol + rtol * big;
      }
      ss += v * v;
    }
    const row = measure.reduce === 'rms' ? ss : measure.reduce === 'max-rms' ? Math.sqrt(ss / dim) : Math.sqrt(ss);
    total += row;
    max = Math.max(max, row);
  }
  return measure.reduce === 'rms' ? Math.sqrt(total / (n * dim)) : measure.reduce === 'max-rms' ? max : total / n;
}

export function runProgramCpu(
  program: Program,
  model: DenoiserModel,
  xT: Float64Array,
  options: {
    recordTrajectory?: boolean;
    shouldStop?: () => boolean;
    seed?: number;
    /** return non-finite particles instead of raising SamplerDivergence (metrics that count them, e.g. guidance.ts) */
    allowNonFinite?: boolean;
  } = {},
): InterpreterResult {
  const size = xT.length;
  const n = size / model.dim;
  const regs = Array.from({ length: program.registers }, () => new Float64Array(size));
  regs[0].set(xT);
  const trajectory = options.recordTrajectory ? [xT.slice()] : undefined;
  const vectors = isDriven(program) ? [] : (program.vectors ?? []);
  for (const v of vectors) if (v.length !== model.dim) throw new Error(`${program.solver}: a coefficient vector has ${v.length} entries, the model's dimension is ${model.dim}`);
  const execute = (ops: ProgramOp[]) => {
    for (const op of ops) {
      if (options.shouldStop?.()) throw new Error('cancelled');
      if (op.op === 'eval') {
        model.predict(regs[op.x], n, op.t, op.alpha, op.sigma, op.prediction ?? 'data', regs[op.out]);
        continue;
      }
      const out = regs[op.out];
      const terms = op.terms.map((term) => ({ src: regs[term.reg], coef: term.coef, vector: term.vector === undefined ? null : vectors[term.vector] }));
      const constant = op.constant ? { coef: op.constant.coef, vector: vectors[op.constant.vector] } : null;
      const dim = model.dim;
      const seed = options.seed ?? 0;
      const z = !op.noise
        ? null
        : op.noise.brownian
          ? fillBrownian(new Float64Array(size), n, model.dim, seed, op.noise.brownian.from, op.noise.brownian.to)
          : fillNormal(new Float64Array(size), n, model.dim, seed, RngStream.stepNoise, op.noise.step);
      for (let i = 0; i < size; i++) {
        let v = 0;
        for (const term of terms) v += (term.vector ? term.coef * term.vector[i % dim] : term.coef) * term.src[i];
        if (constant) v += constant.coef * constant.vector[i % dim];
        out[i] = z ? v + op.noise!.coef * z[i] : v;
      }
      // the watchdog: the first grid point with a non-finite particle stops the run
      if (!options.allowNonFinite && op.gridIndex !== undefined && !allFinite(out))
        throw new SamplerDivergence(program.solver, op.gridIndex, isDriven(program) ? null : (program.times[op.gridIndex] ?? null));
      // gridIndex 0 is a prologue that scales x_T (priorNoiseScale): it replaces the recorded z
      if (trajectory && op.gridIndex === 0) trajectory[0] = out.slice();
      else if (trajectory && op.gridIndex !== undefined) trajectory.push(out.slice());
    }
  };
  if (!isDriven(program)) {
    execute(program.ops);
    return { x: regs[0], trajectory, times: program.times, nfe: program.nfe };
  }
  const driver = program.start();
  let step = driver.next([]);
  while (!step.done) {
    execute(step.value.ops);
    step = driver.next(step.value.measures.map((m) => measureCpu(m, regs, model.dim)));
  }
  if (!options.allowNonFinite && !allFinite(regs[0])) throw new SamplerDivergence(program.solver, null, null);
  return { x: regs[0], trajectory, ...step.value };
}
