// The per-step (local) error of one solver configuration (issue #11, view 4): how much error each step of the grid
// contributes, measured against the exact probability-flow ODE from the solver's own state, in float64.
//
// Definition. Run the solver's program (buildSpecProgram) on the CPU in float64 from the spec's x_T (the first m
// particles of the counter-based initial noise, the very particles the same-noise metric uses), recording x_0 … x_N
// at the grid times t_0 = t_start > … > t_N. For each step i = 0 … N−1
//
//     e_i = sqrt( (1/(m·d)) · Σ_p ‖x_{i+1,p} − Φ(t_{i+1}; t_i, x_{i,p})‖² )
//
// (the root mean square per coordinate, as the same-noise RMSE is measured), where Φ(t; s, x) is the exact flow of
// the probability-flow ODE from state x at time s to time t, computed by the same accurate integrator as the metrics'
// same-noise reference (reference.ts sameNoiseReference: RK45 in λ at rtol = atol = 1e-7) restarted from x_i at t_i.
// The global error shown beside the bars is the same-noise RMSE itself on those m particles:
// G = RMS(x_N − Φ(t_N; t_0, x_0)), with exactly the metric's reference program from t_start.
//
// What e_i means for the kinds of solver:
//  - one-step solvers (DDIM, the singlestep DPM-Solvers, Heun …): the classical local truncation error of the step
//    from the exact-flow-restarted state, O(h^{k+1}) for a solver of order k.
//  - multistep solvers (DPM-Solver++(2M), UniPC, PLMS, DEIS, momentum …) carry history (earlier model outputs,
//    velocities). e_i is the error of the step the solver actually took: from its actual state x_i WITH its actual
//    history (earlier evaluations along its own, already inexact, trajectory), against the exact flow from x_i. It is
//    not the error the formula would make with exact history; on a smooth problem both are O(h^{k+1}).
//  - adaptive solvers (rk45, dpm-solver-adaptive): the steps they chose in this run, N = their accepted steps.
//  - stochastic solvers (ancestral, SDE, DDPM, PC): the step includes injected noise, so e_i is the departure from
//    the deterministic flow, noise included, not a truncation error; the result says `stochastic`.
//  - a grid that ends at σ = 0: the last step t_end → 0 is compared with the reference's own last step,
//    x = α_0·D(x, t_end) (reference.ts), because the same-noise RMSE ends that way (the ODE's σ → 0 limit is that
//    denoise step only up to the model's error at t_end). Solvers whose last step is that denoise step get e = 0.
// Local errors do not add up to the global one: each is carried to t_N by the flow, which may contract or stretch
// it (G ≤ Σ_i L_i·e_i with L_i the flow's Lipschitz constant from t_{i+1} to t_N); the tests check the ratio.
// The reference's own error (≈ 1e-7) is a floor: values near it are not the solver's.

import { sameNoiseRmse } from '../metrics/distance.ts';
import type { SampleSpec } from '../spec/spec.ts';
import { RngStream, fillNormal } from '../util/rng.ts';
import type { StatisticsSource } from './ems.ts';
import { buildSpecProgram, makeProcess, mixtureModel, prepareTarget } from './experiment.ts';
import { runProgramCpu } from './interpreter.ts';
import { priorNoiseScale } from './process.ts';
import { isDriven } from './program.ts';
import { REFERENCE_TOLERANCE, sameNoiseReference } from './reference.ts';
import { scheduleEndsAtZero } from './schedules.ts';
import { rk45 } from './driven.ts';

/** particles the per-step errors are measured on (a subset: the reference runs once per step) */
export const STEP_ERROR_PARTICLES = 256;
/** …and on image-sized targets (d = 256: every evaluation costs m·K·d, 256 particles took 7 s in Node) */
export const STEP_ERROR_PARTICLES_HIGH_DIM = 32;

/** the default m for a target of dimension d */
export function stepErrorParticles(dim: number): number {
  return dim <= 16 ? STEP_ERROR_PARTICLES : STEP_ERROR_PARTICLES_HIGH_DIM;
}

export interface StepErrorOptions {
  /** m, at most spec.n (default stepErrorParticles(d)) */
  particles?: number;
  /** tolerance of the restarted reference (default REFERENCE_TOLERANCE, the metric's own; tighter for tests) */
  tolerance?: number;
  /** where DPM-Solver-v3's statistics come from (default float64, computed here) */
  statistics?: StatisticsSource;
  /** checked between steps: throw 'cancelled' when it returns true */
  shouldStop?: () => boolean;
}

export interface StepErrorResult {
  solver: string;
  /** the grid the solver ran on: t_0 … t_N */
  times: number[];
  /** e_0 … e_{N−1} */
  local: number[];
  /** the same-noise RMSE on the same particles: RMS(x_N − Φ(t_N; t_0, x_0)) */
  global: number;
  particles: number;
  dim: number;
  /** the solver injects noise: e_i includes it (see the definition above) */
  stochastic: boolean;
  /** model evaluations of the solver's run, and of all the references together */
  nfe: number;
  referenceNfe: number;
  tolerance: number;
}

/** The per-step errors of spec's solver from spec's x_T (the definition is at the top of this file). */
export function stepErrors(spec: SampleSpec, options: StepErrorOptions = {}): StepErrorResult {
  const process = makeProcess(spec.process);
  const mixture = prepareTarget(spec.target);
  const model = mixtureModel(mixture);
  const program = buildSpecProgram(spec, process, options.statistics);
  const dim = mixture.dim;
  const m = Math.max(1, Math.min(spec.n, options.particles ?? stepErrorParticles(dim)));
  const tolerance = options.tolerance ?? REFERENCE_TOLERANCE;
  const endsAtZero = scheduleEndsAtZero(spec.schedule);
  // the first m particles of the spec's x_T: the counter-based generator gives particle p the same normals however
  // many are drawn, so these are the particles the live run and the same-noise metric start from
  const xT = fillNormal(new Float64Array(m * dim), m, dim, spec.seed, RngStream.initialNoise);
  const run = runProgramCpu(program, model, xT, { recordTrajectory: true, seed: spec.seed, shouldStop: options.shouldStop });
  const trajectory = run.trajectory!;
  const times = run.times;
  if (trajectory.length !== times.length) throw new Error(`${program.solver}: recorded ${trajectory.length} states for ${times.length} grid times`);
  const steps = times.length - 1;
  const reference = (tStart: number, tEnd: number, zero: boolean) =>
    tolerance === REFERENCE_TOLERANCE
      ? sameNoiseReference(process, tStart, tEnd, zero)
      : rk45(process, tStart, tEnd, { rtol: tolerance, atol: tolerance, endsAtZero: zero }, 'rk45-reference');
  let referenceNfe = 0;
  const local: number[] = [];
  for (let i = 0; i < steps; i++) {
    if (options.shouldStop?.()) throw new Error('cancelled');
    const s = times[i];
    const t = times[i + 1];
    const from = trajectory[i];
    let exact: Float64Array;
    if (t === 0 && endsAtZero && i === steps - 1) {
      // the reference's last step into σ = 0: x = α_0·D(x, t_end)
      exact = new Float64Array(from.length);
      model.predict(from, m, s, process.alpha(s), process.sigma(s), 'data', exact);
      const alpha0 = process.alpha(0);
      for (let j = 0; j < exact.length; j++) exact[j] *= alpha0;
      referenceNfe += 1;
    } else {
      // the reference program opens with the prior's scale at its start time (σ(s) for EDM, else 1): undo it
      const scale = priorNoiseScale(process, s);
      const start = scale === 1 ? from : from.map((v) => v / scale);
      const result = runProgramCpu(reference(s, t, false), model, start);
      exact = result.x;
      referenceNfe += result.nfe;
    }
    local.push(sameNoiseRmse(trajectory[i + 1], exact));
  }
  const whole = runProgramCpu(reference(spec.tStart, spec.tEnd, endsAtZero), model, xT);
  referenceNfe += whole.nfe;
  const stochastic = isDriven(program) ? spec.solver.name === 'pc' : program.ops.some((op) => op.op === 'combine' && op.noise !== undefined);
  return {
    solver: spec.solver.name,
    times: [...times],
    local,
    global: sameNoiseRmse(run.x, whole.x),
    particles: m,
    dim,
    stochastic,
    nfe: run.nfe,
    referenceNfe,
    tolerance,
  };
}
