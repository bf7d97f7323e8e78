// The convergence study (issue #6; specs/pde.md §6.14, §9.4): run one spec with several steppers at a
// sequence of time steps on the float64 CPU path, measure each run's error at tEnd against a fine reference
// on the same grid (time error only), fit the order, and mark the steps where a stepper blew up (its
// stability limit). Orders are measured in float64 (f32 results plateau near 1e-7 and grow as dt shrinks).

import { CpuPdeSolver, PdeDivergence, preparePdeProblem } from '../../core/pde/run.ts';
import { EQUATIONS } from '../../core/pde/equations.ts';
import type { StepperName } from '../../core/pde/steppers.ts';
import type { PdeSpec } from '../../core/spec/pdeSpec.ts';
import { initialState } from './pdeRun.ts';

export interface ConvergencePoint {
  dt: number;
  /** max |u − u_ref| / max |u_ref| at tEnd; null when the run blew up */
  error: number | null;
  /** where the state became non-finite */
  diverged?: { step: number; time: number };
  /** blown up, or an error above UNSTABLE_ERROR: beyond the stepper's stability limit at this dt */
  unstable: boolean;
}

/** a relative error above this is no longer an approximation (an unstable mode has grown to the solution's size) */
export const UNSTABLE_ERROR = 1;

export interface ConvergenceResult {
  reference: { stepper: StepperName; dt: number };
  tEnd: number;
  curves: { stepper: StepperName; points: ConvergencePoint[]; order: number | null }[];
}

export interface ConvergenceOptions {
  steppers: StepperName[];
  /** time steps; each must divide tEnd (to 1e-9) */
  dts: number[];
  /** default: the spec's tEnd */
  tEnd?: number;
  /** the reference: ETDRK4 at min(dts)/8 unless given */
  reference?: { stepper: StepperName; dt: number };
  /** the initial state for ic.type 'file' */
  init?: Float64Array;
  signal?: AbortSignal;
  onProgress?(done: number, total: number): void;
}

/** errors below this (relative) are round-off, above it pre-asymptotic or unstable: the fit ignores both */
const FIT_RANGE = [1e-13, 1e-1] as const;

/** least-squares slope of log(error) against log(dt) over the points inside FIT_RANGE (≥ 2 of them) */
export function fittedOrder(points: ConvergencePoint[]): number | null {
  const usable = points.filter((p) => p.error !== null && p.error > FIT_RANGE[0] && p.error < FIT_RANGE[1]);
  if (usable.length < 2) return null;
  const x = usable.map((p) => Math.log(p.dt));
  const y = usable.map((p) => Math.log(p.error!));
  const mx = x.reduce((a, b) => a + b) / x.length;
  const my = y.reduce((a, b) => a + b) / y.length;
  return x.reduce((s, xi, i) => s + (xi - mx) * (y[i] - my), 0) / x.reduce((s, xi) => s + (xi - mx) ** 2, 0);
}

const stepsFor = (tEnd: number, dt: number, what: string): number => {
  const steps = Math.round(tEnd / dt);
  if (steps < 1 || Math.abs(steps * dt - tEnd) > 1e-9 * tEnd) throw new Error(`${what}: dt = ${dt} does not divide tEnd = ${tEnd}`);
  return steps;
};

/** lets the page breathe between runs (and a cancel arrive) */
const yieldToEventLoop = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

export async function convergenceStudy(spec: PdeSpec, options: ConvergenceOptions): Promise<ConvergenceResult> {
  const tEnd = options.tEnd ?? spec.tEnd;
  const equation = EQUATIONS[spec.equation];
  const u0 = initialState(spec, options.init);
  const reference = options.reference ?? { stepper: 'etdrk4' as StepperName, dt: Math.min(...options.dts) / 8 };
  const setup = (stepper: StepperName, dt: number) =>
    preparePdeProblem({ equation, params: spec.params, grid: spec.grid, stepper, dt, coefficients: spec.coefficients });
  const total = 1 + options.steppers.length * options.dts.length;
  let done = 0;
  const checkCancel = () => {
    if (options.signal?.aborted) throw new DOMException('convergence study cancelled', 'AbortError');
  };
  const refSolver = new CpuPdeSolver(setup(reference.stepper, reference.dt), u0);
  refSolver.advance(stepsFor(tEnd, reference.dt, 'reference'));
  const ref = refSolver.physical();
  const scale = ref.reduce((m, v) => Math.max(m, Math.abs(v)), 0) || 1;
  options.onProgress?.(++done, total);
  const curves: ConvergenceResult['curves'] = [];
  for (const stepper of options.steppers) {
    const points: ConvergencePoint[] = [];
    for (const dt of options.dts) {
      await yieldToEventLoop();
      checkCancel();
      const solver = new CpuPdeSolver(setup(stepper, dt), u0);
      try {
        solver.advance(stepsFor(tEnd, dt, stepper));
        const u = solver.physical();
        const error = u.reduce((m, v, i) => Math.max(m, Math.abs(v - ref[i])), 0) / scale;
        points.push({ dt, error, unstable: !(error <= UNSTABLE_ERROR) });
      } catch (error) {
        if (!(error instanceof PdeDivergence)) throw error;
        points.push({ dt, error: null, diverged: { step: error.step, time: error.time }, unstable: true });
      }
      options.onProgress?.(++done, total);
    }
    curves.push({ stepper, points, order: fittedOrder(points) });
  }
  return { reference, tEnd, curves };
}
