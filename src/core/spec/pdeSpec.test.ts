import { describe, expect, it } from 'vitest';
import { EQUATIONS } from '../pde/equations.ts';
import { parsePdeSpec, pdeStepCount } from './pdeSpec.ts';
import { specProblems } from './testing.ts';

const problems = (input: unknown) => specProblems(input, parsePdeSpec);

describe('PDE spec', () => {
  it("fills the equation's preset values and parameter defaults", () => {
    const spec = parsePdeSpec({ version: 1, kind: 'pde', equation: 'ks' });
    expect(spec.grid).toEqual(EQUATIONS.ks.defaults[1]!.grid);
    expect([spec.stepper, spec.dt, spec.tEnd, spec.ic, spec.seed, spec.coefficients]).toEqual(['etdrk4', 0.25, 150, { type: 'preset' }, 0, 'complex']);
    expect(pdeStepCount(spec)).toBe(600);
    const gs = parsePdeSpec({ version: 1, kind: 'pde', equation: 'gray-scott', grid: { n: [64, 64], length: [2.5, 2.5] }, params: { F: 0.03 } });
    expect(gs.params).toEqual({ Du: 2e-5, Dv: 1e-5, F: 0.03, k: 0.06 });
    // a 2D grid takes the 2D preset's dt
    expect(gs.dt).toBe(EQUATIONS['gray-scott'].defaults[2]!.dt);
  });

  it('refuses bad input naming the field, the value and what is allowed', () => {
    const base = { version: 1, kind: 'pde' };
    expect(problems({ ...base, equation: 'navier' })[0]).toMatch(/^equation: got "navier"; allowed: "heat", "advection"/);
    expect(problems({ ...base, equation: 'heat', grid: { n: [100], length: [1] } })).toEqual([
      'grid.n.0: got 100; supported sizes in 1D: 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384, 32768, 65536',
    ]);
    expect(problems({ ...base, equation: 'heat', grid: { n: [2048, 2048], length: [1, 1] } })[0]).toMatch(/supported sizes in 2D: 8, 16, .*, 1024$/);
    expect(problems({ ...base, equation: 'kdv', grid: { n: [64, 64], length: [1, 1] } })).toEqual(['grid.n: got [64,64]; kdv runs in 1D; got 2 axes']);
    expect(problems({ ...base, equation: 'heat', params: { nu: -1 } })).toEqual(['params.nu: got -1; allowed: 0 ≤ nu ≤ 10 (diffusivity ν)']);
    expect(problems({ ...base, equation: 'kdv', params: { nu: 1 } })).toEqual(["params.nu: got 1; kdv has no parameter 'nu'; allowed: none"]);
    expect(problems({ ...base, equation: 'heat', dt: 0 })).toEqual(['dt: got 0; dt must be a positive finite number']);
    expect(problems({ ...base, equation: 'heat', stepper: 'rk45' })[0]).toMatch(/^stepper: got "rk45"; allowed: "euler", "rk2", "rk4"/);
    expect(problems({ ...base, equation: 'heat', dt: 1e-9, tEnd: 1 })).toEqual(['dt: got 1e-9; tEnd/dt = 1000000000 steps; allowed: at most 10000000']);
    expect(problems({ ...base, equation: 'heat', ic: { type: 'random', cutoff: 0 } })[0]).toMatch(/^ic.cutoff: got 0; .*>=\s*1/);
  });
});

describe('PDE spec initial conditions', () => {
  const base = { version: 1, kind: 'pde' };
  it('accepts expressions over x, y, the lengths and the parameters, and Gaussian blobs', () => {
    expect(parsePdeSpec({ ...base, equation: 'heat', ic: { type: 'expression', expressions: ['sin(x) * nu'] } }).ic.type).toBe('expression');
    expect(parsePdeSpec({ ...base, equation: 'nls', ic: { type: 'expression', expressions: ['sech(x - Lx/2)', '0'] } }).ic.type).toBe('expression');
    const spec = parsePdeSpec({ ...base, equation: 'gray-scott', grid: { n: [32, 32], length: [2.5, 2.5] }, ic: { type: 'gaussians', blobs: [{ center: [1, 1], width: 0.1, amplitude: 0.5, channel: 1 }], background: [1, 0] } });
    expect(spec.ic).toEqual({ type: 'gaussians', blobs: [{ center: [1, 1], width: 0.1, amplitude: 0.5, channel: 1 }], background: [1, 0] });
  });
  it('refuses bad expressions and blobs naming the field', () => {
    expect(problems({ ...base, equation: 'heat', ic: { type: 'expression', expressions: ['sin(y)'] } })).toEqual([
      "ic.expressions.0: got \"sin(y)\"; unknown name 'y' at position 5; allowed: x, Lx, nu, pi, e and the functions sin, cos, tan, exp, log, sqrt, abs, tanh, sinh, cosh, sech, atan, floor, sign, min, max, atan2, step",
    ]);
    expect(problems({ ...base, equation: 'nls', ic: { type: 'expression', expressions: ['1'] } })).toEqual(['ic.expressions: got ["1"]; nls needs 2 expressions, (re, im) for psi']);
    expect(problems({ ...base, equation: 'heat', ic: { type: 'gaussians', blobs: [{ center: [1, 2], width: 1, amplitude: 1, channel: 1 }] } })).toEqual([
      'ic.blobs.0.center: got [1,2]; needs 1 coordinate (the grid\'s axes)',
      'ic.blobs.0.channel: got 1; allowed: 0 … 0 (u)',
    ]);
  });
});
