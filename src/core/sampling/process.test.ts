import { describe, expect, it } from 'vitest';
import { VpLinearProcess } from './process.ts';
import { scheduleLogSnrUniform, scheduleTimeQuadratic, scheduleTimeUniform } from './schedules.ts';

describe('VP-linear process (specs §2.1)', () => {
  const p = new VpLinearProcess(0.1, 20);
  it('has α² + σ² = 1 and the closed-form log α', () => {
    for (const t of [1e-5, 1e-3, 0.1, 0.5, 1]) {
      expect(p.alpha(t) ** 2 + p.sigma(t) ** 2).toBeCloseTo(1, 14);
      // ∫0^t β(s) ds = β0 t + (β1 − β0) t²/2, and log α = −½ of it
      expect(p.logAlpha(t)).toBeCloseTo(-0.5 * (0.1 * t + (19.9 * t * t) / 2), 14);
      expect(p.lambda(t)).toBeCloseTo(Math.log(p.alpha(t) / p.sigma(t)), 10);
    }
  });
  it('inverts λ to float64 precision over the whole range', () => {
    for (const t of [1e-5, 1e-4, 1e-3, 0.01, 0.3, 0.77, 1]) expect(Math.abs(p.tOfLambda(p.lambda(t)) - t) / t).toBeLessThan(1e-12);
  });
  it('has σ accurate at tiny t (no cancellation)', () => {
    const t = 1e-5;
    // σ² = 1 − e^{−x}, x = β0 t + (β1 − β0)t²/2, by its Taylor series (exact to 1e−18 here)
    const x = 0.1 * t + (19.9 * t * t) / 2;
    const exact = Math.sqrt(x - (x * x) / 2 + (x * x * x) / 6);
    expect(Math.abs(p.sigma(t) - exact) / exact).toBeLessThan(1e-12);
  });
});

describe('time grids (specs §3.1)', () => {
  const p = new VpLinearProcess();
  it('logSNR is uniform in λ and pinned at both ends', () => {
    const g = scheduleLogSnrUniform(p, 1, 1e-3, 10);
    expect(g[0]).toBe(1);
    expect(g[10]).toBe(1e-3);
    const l = g.map((t) => p.lambda(t));
    for (let i = 1; i <= 10; i++) expect(l[i] - l[i - 1]).toBeCloseTo((l[10] - l[0]) / 10, 10);
  });
  it('time-uniform and time-quadratic follow their formulas', () => {
    const u = scheduleTimeUniform(1, 0.2, 4);
    [1, 0.8, 0.6, 0.4, 0.2].forEach((v, i) => expect(u[i]).toBeCloseTo(v, 14));
    const q = scheduleTimeQuadratic(1, 0.01, 3);
    expect(Math.sqrt(q[1])).toBeCloseTo(1 + (0.1 - 1) / 3, 14);
    expect(Math.sqrt(q[2])).toBeCloseTo(1 + (2 * (0.1 - 1)) / 3, 14);
  });
});
