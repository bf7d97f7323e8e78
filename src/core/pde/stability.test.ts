import { describe, expect, it } from 'vitest';
import { EQUATIONS } from './equations.ts';
import { preparePdeProblem } from './run.ts';
import { amplificationFactor, linearEigenvalues, maxAmplification } from './stability.ts';
import { STEPPERS } from './steppers.ts';

const abs = (z: [number, number]) => Math.hypot(z[0], z[1]);

/** the edge of |R| ≤ 1 along a ray from 0, by bisection */
function boundary(stepper: (typeof STEPPERS)[number], direction: [number, number]): number {
  let lo = 1e-6;
  let hi = 10;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (abs(amplificationFactor(stepper, [mid * direction[0], mid * direction[1]])) <= 1) lo = mid;
    else hi = mid;
  }
  return lo;
}

describe('stability regions (specs/pde.md §7.1)', () => {
  it('real-axis intervals: FE and RK2 [−2, 0], RK4 [−2.785, 0]; RK4 imaginary interval ±2.828', () => {
    expect(boundary('euler', [-1, 0])).toBeCloseTo(2, 6);
    expect(boundary('rk2', [-1, 0])).toBeCloseTo(2, 6);
    expect(boundary('rk4', [-1, 0])).toBeCloseTo(2.7853, 4);
    expect(boundary('rk4', [0, 1])).toBeCloseTo(2 * Math.SQRT2, 6);
    // FE and RK2 are unstable on the imaginary axis for every h
    expect(abs(amplificationFactor('euler', [0, 0.01]))).toBeGreaterThan(1);
    expect(abs(amplificationFactor('rk2', [0, 0.01]))).toBeGreaterThan(1);
  });

  it('implicit and exponential steppers are stable on the whole left half-plane; SBDF2 is L-stable, CNAB2 is not', () => {
    for (const stepper of ['imex-euler', 'sbdf2', 'cnab2', 'ifrk4', 'etd1', 'etdrk4'] as const)
      for (const z of [[-1e3, 0], [-0.5, 40], [0, -7], [-50, -50]] as [number, number][]) expect(abs(amplificationFactor(stepper, z))).toBeLessThanOrEqual(1 + 1e-12);
    expect(abs(amplificationFactor('sbdf2', [-1e6, 0]))).toBeLessThan(1e-2);
    expect(abs(amplificationFactor('cnab2', [-1e6, 0]))).toBeGreaterThan(0.99); // R → −1: stiff modes ring
  });

  it('Kassam–Trefethen KS at h = 1/4: RK4 amplifies the stiff modes, ETDRK4 does not; RK4 is stable below 2.785/240', () => {
    const equation = EQUATIONS.ks;
    const grid = equation.defaults[1]!.grid;
    const at = (stepper: 'rk4' | 'etdrk4', dt: number) => maxAmplification(stepper, preparePdeProblem({ equation, grid, stepper, dt }));
    expect(at('rk4', 0.25)).toBeGreaterThan(1e4);
    // the unstable long waves k < 1 grow under every stepper (the KS instability itself): ETDRK4 grows them by e^{h/4} at most
    expect(at('etdrk4', 0.25)).toBeCloseTo(Math.exp(0.25 / 4), 3);
    expect(at('rk4', 0.0115)).toBeLessThan(1.01);
    expect(at('rk4', 0.0118)).toBeGreaterThan(1.01);
    const z = linearEigenvalues(preparePdeProblem({ equation, grid, stepper: 'rk4', dt: 0.25 }));
    expect(Math.min(...z.map((v) => v[0]))).toBeCloseTo(0.25 * (16 - 256), 9);
    expect(z.length).toBeLessThanOrEqual(65); // |k| symmetric: 0 … 64
  });
});
