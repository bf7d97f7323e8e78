// PDE runs (issue #5 "Runs"): a spec → the initial state → steps on a backend → the final field, frames and
// invariants. The CPU backend is the float64 reference (core/pde/run.ts); the GPU backend runs the same
// problem in float32 (engine/pde/gpuPde.ts). Arrays leave as [channel][…spatial] (x last), with a trailing
// axis of 2 (re, im) for complex fields.

import { EQUATIONS } from '../../core/pde/equations.ts';
import { expressionField, gaussianField, randomFourierField, toSpectrum } from '../../core/pde/fields.ts';
import { fftShape, gridSize } from '../../core/pde/grid.ts';
import { CpuPdeSolver, type PdeProblem, preparePdeProblem } from '../../core/pde/run.ts';
import type { Equation } from '../../core/pde/types.ts';
import { type PdeSpec, pdeStepCount } from '../../core/spec/pdeSpec.ts';

/** the array shape of a field on this spec's grid: [C, …spatial] (+ [2] for a complex field) */
export function fieldShape(spec: PdeSpec): number[] {
  const equation = EQUATIONS[spec.equation];
  return [equation.channels.length, ...fftShape(spec.grid), ...(equation.complexField ? [2] : [])];
}

/** interleaved complex [channel][…] → the exported array (real part only for real fields) */
export function fieldToArray(physical: ArrayLike<number>, equation: Equation): Float64Array {
  if (equation.complexField) return Float64Array.from(physical);
  const out = new Float64Array(physical.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = physical[2 * i];
  return out;
}

/** the exported layout → interleaved complex [channel][…] */
export function arrayToField(values: ArrayLike<number>, equation: Equation): Float64Array {
  if (equation.complexField) return Float64Array.from(values);
  const out = new Float64Array(2 * values.length);
  for (let i = 0; i < values.length; i++) out[2 * i] = values[i];
  return out;
}

/** The initial physical state of a spec; `file` needs `init` (interleaved complex, already shape-checked). */
export function initialState(spec: PdeSpec, init?: Float64Array): Float64Array {
  const equation = EQUATIONS[spec.equation];
  switch (spec.ic.type) {
    case 'preset':
      return equation.preset.build(spec.grid, spec.params, spec.seed);
    case 'random':
      return randomFourierField(spec.grid, equation.channels.length, spec.seed, spec.ic.cutoff, spec.ic.amplitude);
    case 'file':
      if (!init) throw new Error("ic.type 'file' needs an initial array (--init in the CLI)");
      return init;
    case 'expression':
      return expressionField(spec.grid, equation.complexField, spec.ic.expressions, spec.params);
    case 'gaussians':
      return gaussianField(spec.grid, equation.channels.length, spec.ic.blobs, spec.ic.background);
  }
}

export function problemOf(spec: PdeSpec): PdeProblem {
  return preparePdeProblem({
    equation: EQUATIONS[spec.equation],
    params: spec.params,
    grid: spec.grid,
    stepper: spec.stepper,
    dt: spec.dt,
    coefficients: spec.coefficients,
  });
}

/** what a solver must do for a run (CpuPdeSolver; GpuPdeSolver adapts to it) */
export interface PdeStepper {
  advance(steps: number): Promise<void> | void;
  /** the physical state, interleaved complex [channel][…] */
  physical(): Promise<ArrayLike<number>> | ArrayLike<number>;
  destroy?(): void;
}

export interface PdeRunOptions {
  /** the initial physical state for ic.type 'file' (interleaved complex) */
  init?: Float64Array;
  /** record a frame every this many steps (step 0 included; the final state always) */
  every?: number;
  onProgress?: (step: number, total: number) => void;
}

export interface PdeRunResult {
  /** final physical state, interleaved complex [channel][…] */
  final: Float64Array;
  steps: number;
  time: number;
  frames: { steps: number[]; times: number[]; states: Float64Array[] };
  /** each invariant at every frame (float64 from the frame's state) */
  invariants: { id: string; description: string; expect: string; values: number[] }[];
  wallMs: number;
}

/** Runs a spec on a stepper made for its problem (the backend's choice). Throws PdeDivergence on blow-up. */
export async function runPde(spec: PdeSpec, makeStepper: (problem: PdeProblem, u0: Float64Array) => Promise<PdeStepper> | PdeStepper, options: PdeRunOptions = {}): Promise<PdeRunResult> {
  const equation = EQUATIONS[spec.equation];
  const problem = problemOf(spec);
  const u0 = initialState(spec, options.init);
  const total = pdeStepCount(spec);
  const every = options.every ?? total;
  const start = performance.now();
  const stepper = await makeStepper(problem, u0);
  const frames: PdeRunResult['frames'] = { steps: [], times: [], states: [] };
  const record = async (step: number) => {
    const state = Float64Array.from(await stepper.physical());
    frames.steps.push(step);
    frames.times.push(step * spec.dt);
    frames.states.push(state);
    return state;
  };
  try {
    await record(0);
    let step = 0;
    while (step < total) {
      const count = Math.min(every - (step % every), total - step);
      await stepper.advance(count);
      step += count;
      options.onProgress?.(step, total);
      if (step % every === 0 || step === total) {
        if (frames.steps[frames.steps.length - 1] !== step) await record(step);
      }
    }
  } finally {
    stepper.destroy?.();
  }
  const wallMs = performance.now() - start;
  const invariants = equation.invariants.map((inv) => ({
    id: inv.id,
    description: inv.description,
    expect: inv.expect,
    values: frames.states.map((state) => inv.compute(state, toSpectrum(state, spec.grid), spec.grid, spec.params)),
  }));
  return { final: frames.states[frames.states.length - 1], steps: total, time: total * spec.dt, frames, invariants, wallMs };
}

/** the float64 CPU stepper */
export function cpuStepper(problem: PdeProblem, u0: Float64Array): PdeStepper {
  const solver = new CpuPdeSolver(problem, u0);
  return { advance: (steps) => solver.advance(steps), physical: () => solver.physical() };
}

/** checks an initial array against the spec's grid; returns the interleaved field or a message */
export function checkInitArray(spec: PdeSpec, shape: number[], values: ArrayLike<number>): Float64Array | string {
  const equation = EQUATIONS[spec.equation];
  const expected = fieldShape(spec);
  // a one-channel field may leave out its channel axis
  const accepted = [expected, ...(expected[0] === 1 ? [expected.slice(1)] : [])];
  if (!accepted.some((s) => s.length === shape.length && s.every((n, i) => n === shape[i])))
    return `has shape (${shape.join(', ')}); the spec's grid needs (${expected.join(', ')})${expected[0] === 1 ? ` or (${expected.slice(1).join(', ')})` : ''}`;
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i])) return 'contains NaN or infinite values';
  const field = arrayToField(values, equation);
  if (field.length !== 2 * equation.channels.length * gridSize(spec.grid)) return 'has the wrong number of values';
  return field;
}
