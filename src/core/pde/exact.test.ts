import { describe, expect, it } from 'vitest';
import { EQUATIONS } from './equations.ts';
import { exactSolution, relativeMaxError } from './exact.ts';
import { randomFourierField } from './fields.ts';
import { CpuPdeSolver, preparePdeProblem } from './run.ts';

describe('exact solutions for the diagnostics view', () => {
  it('a linear equation is exact from any initial state (heat and advection, random fields): ETDRK4 matches it to 1e-12', () => {
    for (const [id, params] of [['heat', { nu: 0.3 }], ['advection', { c: 0.7, cy: -0.2 }]] as const) {
      const grid = { n: [32, 32], length: [2 * Math.PI, 2 * Math.PI] };
      const problem = preparePdeProblem({ equation: EQUATIONS[id], grid, stepper: 'etdrk4', dt: 0.1, params });
      const u0 = randomFourierField(grid, 1, 3, 6, 1);
      const exact = exactSolution(problem, 'random', u0)!;
      expect(relativeMaxError(u0, exact(0))).toBeLessThan(1e-14);
      const solver = new CpuPdeSolver(problem, u0);
      solver.advance(10);
      expect(relativeMaxError(solver.physical(), exact(1))).toBeLessThan(1e-12);
    }
  });

  it('KdV and NLS presets are exact solutions (the run converges to them); other initial states have none', () => {
    for (const [id, dt, steps, tolerance] of [['kdv', 1e-3, 500, 1e-6], ['nls', 0.0125, 80, 1e-6]] as const) {
      const equation = EQUATIONS[id];
      const grid = equation.defaults[1]!.grid;
      const problem = preparePdeProblem({ equation, grid, stepper: 'etdrk4', dt });
      const u0 = equation.preset.build(grid, {}, 0);
      const exact = exactSolution(problem, 'preset', u0)!;
      expect(relativeMaxError(u0, exact(0))).toBeLessThan(1e-14);
      const solver = new CpuPdeSolver(problem, u0);
      solver.advance(steps);
      expect(relativeMaxError(solver.physical(), exact(steps * dt))).toBeLessThan(tolerance);
      expect(exactSolution(problem, 'random', u0)).toBeNull();
    }
    const ks = EQUATIONS.ks;
    expect(exactSolution(preparePdeProblem({ equation: ks, grid: ks.defaults[1]!.grid, stepper: 'etdrk4', dt: 0.25 }), 'preset', new Float64Array(256))).toBeNull();
  });
});
