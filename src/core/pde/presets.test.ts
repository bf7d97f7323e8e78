import { describe, expect, it } from 'vitest';
import { parsePdeSpec } from '../spec/pdeSpec.ts';
import { EQUATIONS } from './equations.ts';
import { PDE_PRESETS, PEARSON_CLASSES } from './presets.ts';
import { CpuPdeSolver, PdeDivergence, preparePdeProblem } from './run.ts';

describe('PDE presets', () => {
  it('every preset is a valid spec with a source; ids are unique; every Pearson class has one', () => {
    expect(new Set(PDE_PRESETS.map((p) => p.id)).size).toBe(PDE_PRESETS.length);
    for (const preset of PDE_PRESETS) {
      expect(() => parsePdeSpec(preset.spec), preset.id).not.toThrow();
      expect(preset.source.length).toBeGreaterThan(10);
    }
    for (const c of PEARSON_CLASSES) expect(PDE_PRESETS.some((p) => p.id === `gray-scott-pearson-${c.name}`)).toBe(true);
  });

  it('the two stiffness demonstrations blow up as they claim; the rest run 10 steps on a reduced grid', () => {
    for (const preset of PDE_PRESETS) {
      const spec = parsePdeSpec(preset.spec);
      const equation = EQUATIONS[spec.equation];
      const grid = { n: spec.grid.n.map((n) => Math.min(n, spec.grid.n.length === 1 ? 256 : 32)), length: spec.grid.length };
      const solver = new CpuPdeSolver(preparePdeProblem({ equation, grid, stepper: spec.stepper, dt: spec.dt, params: spec.params, coefficients: spec.coefficients }), equation.preset.build(grid, spec.params, 0));
      if (preset.id === 'ks-rk4-blows-up' || preset.id === 'heat-unstable-euler') expect(() => solver.advance(400), preset.id).toThrow(PdeDivergence);
      else {
        solver.advance(10);
        expect(solver.physical().every(Number.isFinite), preset.id).toBe(true);
      }
    }
  });
});
