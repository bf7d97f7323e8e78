// The float64 CPU path against exact solutions and measured orders (issue #5 "Done when"; specs/pde.md §6).
import { describe, expect, it } from 'vitest';
import {
  EQUATIONS,
  KDV_TWO_SOLITON,
  NLS_SOLITON,
  coleHopfBurgers,
  kdvSoliton,
  kdvTwoSoliton,
  nlsSoliton,
  phaseMapRates,
  resolveParams,
} from './equations.ts';
import { complexField, realField, toSpectrum } from './fields.ts';
import { CpuPdeSolver, PdeDivergence, preparePdeProblem } from './run.ts';
import { type CoefficientMode, STEPPERS, STEPPER_INFO, type StepperName } from './steppers.ts';
import type { Grid, Params } from './types.ts';

function solve(equation: string, grid: Grid, stepper: StepperName, dt: number, tEnd: number, u0: Float64Array, params?: Params, coefficients?: CoefficientMode) {
  const solver = new CpuPdeSolver(preparePdeProblem({ equation: EQUATIONS[equation], grid, stepper, dt, params, coefficients }), u0);
  solver.advance(Math.round(tEnd / dt));
  return solver;
}

/** max |a − b| over all components */
const maxError = (a: Float64Array, b: Float64Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);

/** least-squares slope of log(error) against log(dt) */
function slope(dts: number[], errors: number[]): number {
  const x = dts.map(Math.log);
  const y = errors.map(Math.log);
  const mx = x.reduce((a, b) => a + b) / x.length;
  const my = y.reduce((a, b) => a + b) / y.length;
  return x.reduce((s, xi, i) => s + (xi - mx) * (y[i] - my), 0) / x.reduce((s, xi) => s + (xi - mx) ** 2, 0);
}

describe('linear equations are exact in time (ETD: v⁺ = e^{hL} v)', () => {
  it('heat, 1D and 2D, matches e^{−ν|k|²t} to 1e-12 at any dt', () => {
    for (const grid of [{ n: [64], length: [2 * Math.PI] }, { n: [32, 32], length: [2 * Math.PI, 2 * Math.PI] }]) {
      const nu = 0.1;
      const f = (t: number) => ([x, y = 0]: number[]) => [
        (Math.exp(-nu * t) * Math.sin(x) + 0.5 * Math.exp(-9 * nu * t) * Math.sin(3 * x) + 0.25 * Math.exp(-49 * nu * t) * Math.cos(7 * x)) *
          (grid.n.length === 2 ? Math.exp(-4 * nu * t) * Math.cos(2 * y) : 1),
      ];
      for (const stepper of ['etdrk4', 'etd1'] as const) {
        const u = solve('heat', grid, stepper, 0.37, 0.37 * 5, realField(grid, 1, f(0)), { nu }).physical();
        expect(maxError(u, realField(grid, 1, f(0.37 * 5)))).toBeLessThan(1e-12);
      }
    }
  });

  it('advection, 1D and 2D, matches u₀(x − ct) to 1e-12 (a complex symbol)', () => {
    const bump = (s: number) => Math.exp(4 * (Math.cos(s - Math.PI) - 1));
    for (const grid of [{ n: [64], length: [2 * Math.PI] }, { n: [64, 64], length: [2 * Math.PI, 2 * Math.PI] }]) {
      const params = { c: 0.7, cy: -0.4 };
      const t = 2.5;
      const u = solve('advection', grid, 'etdrk4', 0.5, t, realField(grid, 1, ([x, y]) => [bump(x) * (y === undefined ? 1 : bump(y))]), params).physical();
      const exact = realField(grid, 1, ([x, y]) => [bump(x - params.c * t) * (y === undefined ? 1 : bump(y - params.cy * t))]);
      // the bump is resolved to round-off at 64 points per 2π (its Fourier coefficients are e^{−4} I_m(4), I_32(4) ≈ 1e-25)
      expect(maxError(u, exact)).toBeLessThan(1e-12);
    }
  });
});

describe('ETDRK4 is fourth order on exact nonlinear solutions (f64, slope within ±0.3)', () => {
  it('KdV one soliton (c = 5, L = 40, N = 512, T = 1): with complex φ-coefficients', () => {
    const grid = { n: [512], length: [40] };
    const u0 = realField(grid, 1, ([x]) => [kdvSoliton(x, 0, 5, 10, 40)]);
    const exact = realField(grid, 1, ([x]) => [kdvSoliton(x, 1, 5, 10, 40)]);
    const dts = [4e-3, 2e-3, 1e-3];
    const errors = dts.map((dt) => maxError(solve('kdv', grid, 'etdrk4', dt, 1, u0).physical(), exact));
    // specs §3.3 [numerical check]: 2.1e-5, 1.1e-6, 7.0e-8
    expect(errors[0]).toBeLessThan(3e-5);
    expect(slope(dts, errors)).toBeGreaterThan(3.7);
    expect(slope(dts, errors)).toBeLessThan(4.3);
  });

  it('the dispersive pitfall: real-part φ-coefficients (Exponax, kursiv.m copies) drop ETDRK4 to first order on KdV', () => {
    const grid = { n: [512], length: [40] };
    const u0 = realField(grid, 1, ([x]) => [kdvSoliton(x, 0, 5, 10, 40)]);
    const exact = realField(grid, 1, ([x]) => [kdvSoliton(x, 1, 5, 10, 40)]);
    const dts = [4e-3, 2e-3, 1e-3];
    const real = dts.map((dt) => maxError(solve('kdv', grid, 'etdrk4', dt, 1, u0, {}, 'real-part').physical(), exact));
    const complex = maxError(solve('kdv', grid, 'etdrk4', 1e-3, 1, u0).physical(), exact);
    // specs §3.3: 0.46, 0.26, 0.14 (order ≈ 0.8–1.0)
    expect(slope(dts, real)).toBeGreaterThan(0.6);
    expect(slope(dts, real)).toBeLessThan(1.2);
    expect(real[2]).toBeGreaterThan(1e5 * complex);
  });

  it('KdV two-soliton (k = 2, 1.2; L = 60, N = 512, T = 2)', () => {
    const grid = { n: [512], length: [60] };
    const u0 = realField(grid, 1, ([x]) => [kdvTwoSoliton(x, 0, KDV_TWO_SOLITON)]);
    const exact = realField(grid, 1, ([x]) => [kdvTwoSoliton(x, 2, KDV_TWO_SOLITON)]);
    const dts = [2e-3, 1e-3, 5e-4];
    const errors = dts.map((dt) => maxError(solve('kdv', grid, 'etdrk4', dt, 2, u0).physical(), exact));
    expect(errors[0]).toBeLessThan(1e-6);
    expect(Math.abs(slope(dts, errors) - 4)).toBeLessThan(0.3);
  });

  it('Cole–Hopf Burgers (ν = 0.1, N = 128, T = 1, dt = 0.2 … 0.025)', () => {
    const grid = { n: [128], length: [2 * Math.PI] };
    const nu = 0.1;
    const u0 = realField(grid, 1, ([x]) => [coleHopfBurgers(x, 0, nu)]);
    const exact = realField(grid, 1, ([x]) => [coleHopfBurgers(x, 1, nu)]);
    const dts = [0.2, 0.1, 0.05, 0.025];
    const errors = dts.map((dt) => maxError(solve('burgers', grid, 'etdrk4', dt, 1, u0, { nu }).physical(), exact));
    // specs §6.4: 8.9e-9, 5.8e-10, 3.7e-11, 2.3e-12
    expect(errors[0]).toBeLessThan(2e-8);
    expect(Math.abs(slope(dts, errors) - 4)).toBeLessThan(0.3);
  });

  it('NLS soliton (a = 1.5, v = 1, L = 40, N = 512, T = 2, dt = 0.1 … 0.0125); RK4 where stable', () => {
    const grid = { n: [512], length: [40] };
    const u0 = complexField(grid, ([x]) => nlsSoliton(x - 20, 0, NLS_SOLITON));
    const exact = complexField(grid, ([x]) => nlsSoliton(x - 20, 2, NLS_SOLITON));
    const dts = [0.1, 0.05, 0.025, 0.0125];
    const errors = dts.map((dt) => maxError(solve('nls', grid, 'etdrk4', dt, 2, u0).physical(), exact));
    // specs §6.9: 5.8e-4, 3.9e-5, 2.4e-6, 1.5e-7
    expect(errors[3]).toBeLessThan(3e-7);
    expect(Math.abs(slope(dts, errors) - 4)).toBeLessThan(0.3);
    // RK4: at N = 512 its stable steps already sit on the spatial floor (3e-9), so its order is measured on
    // N = 256 against a fine same-grid ETDRK4 run (time error only)
    const coarse = { n: [256], length: [40] };
    const c0 = complexField(coarse, ([x]) => nlsSoliton(x - 20, 0, NLS_SOLITON));
    const fine = solve('nls', coarse, 'etdrk4', 5e-4, 2, c0).physical();
    const rk4Dts = [0.01, 0.005, 0.0025];
    const rk4 = rk4Dts.map((dt) => maxError(solve('nls', coarse, 'rk4', dt, 2, c0).physical(), fine));
    expect(Math.abs(slope(rk4Dts, rk4) - 4)).toBeLessThan(0.3);
    // beyond RK4's imaginary-axis limit (2.83 / max|L| = 2.83 / 808 ≈ 3.5e-3) it blows up
    expect(() => solve('nls', grid, 'rk4', 0.005, 2, u0)).toThrow(PdeDivergence);
  });

  it('2D Taylor–Green ω = 2 cos x cos y e^{−2νt}: ETDRK4 exact (J(ψ, ω) = 0), RK4 fourth order', () => {
    const grid = { n: [16, 16], length: [2 * Math.PI, 2 * Math.PI] };
    const nu = 0.1;
    const tg = (t: number) => realField(grid, 1, ([x, y]) => [2 * Math.cos(x) * Math.cos(y) * Math.exp(-2 * nu * t)]);
    expect(maxError(solve('navier-stokes-2d', grid, 'etdrk4', 0.5, 2, tg(0), { nu }).physical(), tg(2))).toBeLessThan(1e-12);
    const dts = [0.2, 0.1, 0.05];
    const errors = dts.map((dt) => maxError(solve('navier-stokes-2d', grid, 'rk4', dt, 2, tg(0), { nu }).physical(), tg(2)));
    expect(Math.abs(slope(dts, errors) - 4)).toBeLessThan(0.3);
  });
});

describe('every stepper has its order (time error against a fine same-grid run; Burgers ν = 0.2, N = 32, T = 1)', () => {
  const grid = { n: [32], length: [2 * Math.PI] };
  const nu = 0.2;
  const u0 = realField(grid, 1, ([x]) => [coleHopfBurgers(x, 0, nu, 2, 1.5)]);
  const reference = solve('burgers', grid, 'etdrk4', 1e-3, 1, u0, { nu }).physical();
  const dts = [0.02, 0.01, 0.005, 0.0025];
  it.each([...STEPPERS])('%s', (stepper) => {
    const errors = dts.map((dt) => maxError(solve('burgers', grid, stepper, dt, 1, u0, { nu }).physical(), reference));
    expect(Math.abs(slope(dts, errors) - STEPPER_INFO[stepper].order)).toBeLessThan(0.15);
  });
});

describe('Kassam–Trefethen KS (32π, N = 128, u₀ = cos(x/16)(1 + sin(x/16)); specs §4.4, §7.1)', () => {
  const equation = EQUATIONS.ks;
  const grid = equation.defaults[1]!.grid;
  const u0 = equation.preset.build(grid, {}, 0);

  it('ETDRK4 runs stably at h = 1/4 to t = 150', () => {
    const u = solve('ks', grid, 'etdrk4', 0.25, 150, u0).physical();
    const peak = u.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(peak).toBeGreaterThan(1); // the chaotic cells have grown
    expect(peak).toBeLessThan(5); // and stay bounded (|u| ≲ 3 on this attractor)
  });

  it('RK4 blows up at h = 1/4 with the step, time and a hint, and at h = 0.0125; it runs at h = 0.01', () => {
    let error: unknown;
    try {
      solve('ks', grid, 'rk4', 0.25, 150, u0);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(PdeDivergence);
    const divergence = error as PdeDivergence;
    expect(divergence.step).toBeLessThan(100);
    expect(divergence.message).toMatch(/step \d+ \(t = .*\) with rk4 at dt = 0\.25.*smaller dt.*stiff stepper/);
    // our symbol keeps the Nyquist mode for even derivatives: max|L| = 4⁴ − 4² = 240, so RK4 needs h < 2.785/240 = 0.0116
    // (kursiv.m zeroes the Nyquist wavenumber: max|L| = 224.9, h < 0.0124)
    expect(() => solve('ks', grid, 'rk4', 0.0125, 150, u0)).toThrow(PdeDivergence);
    const rk4 = solve('ks', grid, 'rk4', 0.01, 8, u0).physical();
    const etd = solve('ks', grid, 'etdrk4', 1 / 32, 8, u0).physical();
    // at T = 8 both agree (specs §4.4: ETDRK4 h = 1/32 error 1.6e-7 against h = 1/256)
    expect(maxError(rk4, etd)).toBeLessThan(1e-5);
  });
});

describe('invariants and structure', () => {
  it("Allen–Cahn's free energy decreases monotonically (Chebfun IC, ε² = 5e-3, ETDRK4 dt = 0.1, t ≤ 100)", () => {
    const equation = EQUATIONS['allen-cahn'];
    const grid = equation.defaults[1]!.grid;
    const params = resolveParams(equation);
    const solver = new CpuPdeSolver(preparePdeProblem({ equation, grid, stepper: 'etdrk4', dt: 0.1 }), equation.preset.build(grid, params, 0));
    const energy = () => equation.invariants[0].compute(solver.physical(), solver.spectrum(), grid, params);
    const values = [energy()];
    for (let i = 0; i < 100; i++) {
      solver.advance(10);
      values.push(energy());
    }
    // specs §6.10 [numerical check]: 1.384 → 0.532, max step-to-step change −1.8e-6
    expect(values[0]).toBeCloseTo(1.384, 3);
    expect(values[100]).toBeCloseTo(0.532, 3);
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
  });

  it('Cahn–Hilliard conserves the mean and its free energy decreases (Chebfun IC)', () => {
    const equation = EQUATIONS['cahn-hilliard'];
    const grid = equation.defaults[1]!.grid;
    const params = resolveParams(equation);
    const solver = new CpuPdeSolver(preparePdeProblem({ equation, grid, stepper: 'etdrk4', dt: 2e-4 }), equation.preset.build(grid, params, 0));
    const [mass, energy] = equation.invariants.map((inv) => () => inv.compute(solver.physical(), solver.spectrum(), grid, params));
    const m0 = mass();
    const values = [energy()];
    for (let i = 0; i < 50; i++) {
      solver.advance(20);
      values.push(energy());
      expect(Math.abs(mass() - m0)).toBeLessThan(1e-12);
    }
    for (let i = 1; i < values.length; i++) expect(values[i]).toBeLessThanOrEqual(values[i - 1]);
    expect(values[50]).toBeLessThan(0.9 * values[0]);
  });

  it('KdV two-soliton conserves mass, energy and the Hamiltonian', () => {
    const equation = EQUATIONS.kdv;
    const grid = { n: [512], length: [60] };
    const solver = new CpuPdeSolver(preparePdeProblem({ equation, grid, stepper: 'etdrk4', dt: 1e-3 }), equation.preset.build(grid, {}, 0));
    const measure = () => equation.invariants.map((inv) => inv.compute(solver.physical(), solver.spectrum(), grid, {}));
    const before = measure();
    solver.advance(3000); // through the overtaking collision
    measure().forEach((value, i) => expect(Math.abs(value - before[i])).toBeLessThan(1e-6 * Math.max(1, Math.abs(before[i]))));
  });

  it("Gray–Scott's homogeneous state (u, v) = (1, 0) is preserved to round-off", () => {
    const grid = { n: [16, 16], length: [2.5, 2.5] };
    const u0 = realField(grid, 2, () => [1, 0]);
    for (const stepper of ['etdrk4', 'sbdf2', 'rk4'] as const) {
      expect(maxError(solve('gray-scott', grid, stepper, 1, 50, u0).physical(), u0)).toBeLessThan(1e-13);
    }
  });

  it("the phase map's rates are triangle ramps (edges → middle) and its homogeneous (1, 0) state is a fixed point", () => {
    const p = { ...resolveParams(EQUATIONS['gray-scott-map']), Lx: 2, Ly: 4 };
    expect(phaseMapRates([0, 0], p)).toEqual([0, 0.02]);
    expect(phaseMapRates([1, 2], p)[0]).toBeCloseTo(0.07, 15);
    expect(phaseMapRates([1, 2], p)[1]).toBeCloseTo(0.068, 15);
    expect(phaseMapRates([0.5, 3], p)[0]).toBeCloseTo(0.035, 15); // halfway down from the middle
    const grid = { n: [16, 16], length: [2, 4] };
    const u0 = realField(grid, 2, () => [1, 0]);
    expect(maxError(solve('gray-scott-map', grid, 'etdrk4', 1, 20, u0).physical(), u0)).toBeLessThan(1e-13);
  });

  it("no equation declares a parameter named Lx or Ly (the pointwise formulas' box lengths would overwrite it)", () => {
    for (const equation of Object.values(EQUATIONS)) expect(Object.keys(equation.params).filter((name) => name === 'Lx' || name === 'Ly'), equation.id).toEqual([]);
  });

  it('the random initial condition is seeded, zero-mean, real and scaled to its amplitude', () => {
    const equation = EQUATIONS.ks;
    const grid = { n: [32, 32], length: [10, 10] };
    const a = equation.preset.build(grid, {}, 3);
    expect(equation.preset.build(grid, {}, 3)).toEqual(a);
    expect(maxError(equation.preset.build(grid, {}, 4), a)).toBeGreaterThan(0.1);
    const spectrum = toSpectrum(a, grid);
    expect(Math.abs(spectrum[0])).toBeLessThan(1e-12);
    expect(a.reduce((m, v, i) => (i % 2 ? Math.max(m, Math.abs(v)) : m), 0)).toBe(0);
    expect(a.reduce((m, v) => Math.max(m, Math.abs(v)), 0)).toBeCloseTo(1, 12);
  });

  it.each(Object.keys(EQUATIONS))("%s: every dimension's preset runs 20 default steps on a reduced grid and stays finite", (id) => {
    const equation = EQUATIONS[id];
    for (const [dims, defaults] of Object.entries(equation.defaults)) {
      const grid = { n: defaults!.grid.n.map((n) => Math.min(n, Number(dims) === 1 ? 256 : 32)), length: defaults!.grid.length };
      const params = resolveParams(equation);
      const solver = new CpuPdeSolver(
        preparePdeProblem({ equation, grid, stepper: defaults!.stepper as StepperName, dt: defaults!.dt }),
        equation.preset.build(grid, params, 0),
      );
      solver.advance(20);
      expect(solver.physical().every(Number.isFinite)).toBe(true);
    }
  });
});
