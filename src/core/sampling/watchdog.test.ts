// The interpreter's divergence watchdog (issue 10): a run stops at the first grid point with a non-finite particle,
// naming the step and its time; metrics that count non-finite samples (guidance.ts) opt out and get them back.
import { describe, expect, it } from 'vitest';
import { fillNormal } from '../util/rng.ts';
import { type DenoiserModel, SamplerDivergence, runProgramCpu } from './interpreter.ts';
import { VpLinearProcess } from './process.ts';
import type { SamplerProgram } from './program.ts';
import { scheduleTimeUniform } from './schedules.ts';
import { type GridMaker, buildSolverProgram } from './solvers.ts';

describe('the sampler watchdog', () => {
  const process = new VpLinearProcess();
  const grids: GridMaker = { start: 1, grid: (N) => scheduleTimeUniform(1, 1e-3, N), inner: (s, t, k) => scheduleTimeUniform(s, t, k), logSnrUniform: false, end: 1e-3 };
  const program = buildSolverProgram({ name: 'ddim' }, process, grids, { nfe: 10 }) as SamplerProgram;
  // a model that breaks below t = 0.45: its first evaluation there is at grid index k, so x_{k+1} is the first bad point
  const model: DenoiserModel = { dim: 2, predict: (_x, _n, t, _a, _s, _p, out) => out.fill(t < 0.45 ? NaN : 0) };
  const xT = fillNormal(new Float64Array(16), 8, 2, 1, 0);
  const firstBad = program.times.findIndex((t) => t < 0.45) + 1;

  it('stops at the first grid point with a non-finite particle, with its step and time', () => {
    expect(firstBad).toBeGreaterThan(1);
    let caught: unknown;
    try {
      runProgramCpu(program, model, xT);
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(SamplerDivergence);
    const divergence = caught as SamplerDivergence;
    expect(divergence.step).toBe(firstBad);
    expect(divergence.t).toBe(program.times[firstBad]);
    expect(divergence.message).toMatch(new RegExp(`ddim diverged at step ${firstBad} \\(t = `));
    expect(divergence.message).toMatch(/more NFE/);
  });

  it('hands the non-finite particles back when asked (for metrics that count them)', () => {
    const { x } = runProgramCpu(program, model, xT, { allowNonFinite: true });
    expect(x.some(Number.isNaN)).toBe(true);
  });
});
