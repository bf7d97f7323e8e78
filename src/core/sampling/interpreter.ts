// The float64 interpreter of solver programs: the test oracle and the no-WebGPU fallback (DESIGN §2).

import type { Prediction } from './gmm.ts';
import type { SamplerProgram } from './program.ts';
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
}

export function runProgramCpu(
  program: SamplerProgram,
  model: DenoiserModel,
  xT: Float64Array,
  options: { recordTrajectory?: boolean; shouldStop?: () => boolean; seed?: number } = {},
): InterpreterResult {
  const size = xT.length;
  const n = size / model.dim;
  const regs = Array.from({ length: program.registers }, () => new Float64Array(size));
  regs[0].set(xT);
  const trajectory = options.recordTrajectory ? [xT.slice()] : undefined;
  for (const op of program.ops) {
    if (options.shouldStop?.()) throw new Error('cancelled');
    if (op.op === 'eval') {
      model.predict(regs[op.x], n, op.t, op.alpha, op.sigma, op.prediction ?? 'data', regs[op.out]);
    } else {
      const out = regs[op.out];
      const terms = op.terms.map((term) => ({ src: regs[term.reg], coef: term.coef }));
      const z = op.noise ? fillNormal(new Float64Array(size), n, model.dim, options.seed ?? 0, RngStream.stepNoise, op.noise.step) : null;
      for (let i = 0; i < size; i++) {
        let v = 0;
        for (const term of terms) v += term.coef * term.src[i];
        out[i] = z ? v + op.noise!.coef * z[i] : v;
      }
      // gridIndex 0 is a prologue that scales x_T (priorNoiseScale): it replaces the recorded z
      if (trajectory && op.gridIndex === 0) trajectory[0] = out.slice();
      else if (trajectory && op.gridIndex !== undefined) trajectory.push(out.slice());
    }
  }
  return { x: regs[0], trajectory };
}
