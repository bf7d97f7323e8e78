import { describe, expect, it } from 'vitest';
import { EQUATIONS } from '../../core/pde/equations.ts';
import { difficultyOrder, fromDifficulty, keepDifficulty, toDifficulty } from './difficulty.ts';

describe('difficulty units (specs §3.5)', () => {
  it('reads the derivative order off the unit', () => {
    expect(difficultyOrder({ unit: 'L/T' })).toBe(1);
    expect(difficultyOrder({ unit: 'L²/T' })).toBe(2);
    expect(difficultyOrder({ unit: 'L³/T' })).toBe(3);
    expect(difficultyOrder({ unit: '1/T' })).toBeNull();
    expect(difficultyOrder({ unit: 'L' })).toBeNull();
    expect(difficultyOrder(EQUATIONS['gray-scott'].params.Du)).toBe(2);
    expect(difficultyOrder(EQUATIONS.advection.params.c)).toBe(1);
  });

  it('γ₂ = 2D·νΔt/Δx² and |γ₁| = CFL·D (the compact FD stability numbers)', () => {
    const g = { n: 64, length: 2, dims: 1, dt: 0.01 };
    const dx = g.length / g.n;
    expect(toDifficulty(0.05, 2, g)).toBeCloseTo((2 * 0.05 * g.dt) / dx ** 2, 12);
    expect(toDifficulty(3, 1, g)).toBeCloseTo((3 * g.dt) / dx, 12);
    expect(toDifficulty(3, 1, { ...g, dims: 2 })).toBeCloseTo((2 * 3 * g.dt) / dx, 12);
    // Exponax's DifficultyLinearStepper default: γ₁ = −2 is advection at CFL 2 (N = 48, 1D)
    const e = { n: 48, length: 1, dims: 1, dt: 1 };
    expect(fromDifficulty(-2, 1, e)).toBeCloseTo(-2 / 48, 14);
  });

  it('round trip: physical → γ → physical, for j = 1…4, 1D and 2D', () => {
    for (const j of [1, 2, 3, 4])
      for (const dims of [1, 2]) {
        const g = { n: 128, length: 2.5, dims, dt: 0.37 };
        for (const a of [1e-5, 0.3, -4]) {
          expect(fromDifficulty(toDifficulty(a, j, g), j, g) / a).toBeCloseTo(1, 12);
          expect(toDifficulty(fromDifficulty(a, j, g), j, g) / a).toBeCloseTo(1, 12);
        }
      }
  });

  it('keeping γ over a grid change: halving N multiplies a diffusivity by 4; other parameters stay; the range clamps', () => {
    const specs = EQUATIONS['gray-scott'].params;
    const before = { n: 256, length: 2.5, dims: 2, dt: 1 };
    const after = { ...before, n: 128 };
    const params = { Du: 2e-5, Dv: 1e-5, F: 0.037, k: 0.06 };
    const kept = keepDifficulty(params, specs, before, after);
    expect(kept.params.Du).toBeCloseTo(8e-5, 15);
    expect(kept.params.Dv).toBeCloseTo(4e-5, 15);
    expect(kept.params.F).toBe(0.037);
    expect(kept.params.k).toBe(0.06);
    expect(kept.clamped).toEqual([]);
    expect(toDifficulty(kept.params.Du, 2, after)).toBeCloseTo(toDifficulty(params.Du, 2, before), 12);
    const big = keepDifficulty({ ...params, Du: 5 }, specs, before, { ...before, n: 16 });
    expect(big.params.Du).toBe(10);
    expect(big.clamped).toEqual(['Du']);
  });
});
