// DPM-Solver-v3's empirical model statistics against closed forms on Gaussian targets (specs §6.2–§6.4, §15.5).
import { describe, expect, it } from 'vitest';
import { EmsIntegrals, computeEms, smoothedDerivative } from './ems.ts';
import { prepareMixture } from './gmm.ts';
import { VpLinearProcess } from './process.ts';

const process = new VpLinearProcess();

describe('EMS of a single Gaussian N(μ, Σ)', () => {
  // For one Gaussian ε̂ = σ C⁻¹(x − αμ), C = α²Σ + σ²I, so σ∇ε̂ = σ²C⁻¹ for every x: l = σ² diag(C⁻¹); for a
  // diagonal Σ = diag(e) that is 1/(1 + e·e^{2λ}), with dl/dλ = −2l(1 − l). Then f = (σε̂ − l x)/α = −l μ exactly
  // (no spread), s is undetermined (taken 0) and b = E[f⁽¹⁾] = −(dl/dλ)·μ in expectation.
  const e = [0.3, 2];
  const mu = [0.7, -0.4];
  const diagonal = prepareMixture({ weights: [1], means: [mu], covs: [[[e[0], 0], [0, e[1]]]] });

  it('exact l is 1/(1 + e·e^{2λ}) to rounding; dl/dλ follows −2l(1 − l) up to the ±5-point moving average', () => {
    const ems = computeEms(diagonal, process, 1, 1e-3, { points: 200, samples: 256 });
    let worst = 0;
    for (let j = 0; j <= 200; j++) {
      for (let i = 0; i < 2; i++) {
        const l = 1 / (1 + e[i] * Math.exp(2 * ems.lambdas[j]));
        expect(Math.abs(ems.l[j * 2 + i] - l)).toBeLessThan(1e-12);
        if (j >= 5 && j <= 195) worst = Math.max(worst, Math.abs(ems.dl[j * 2 + i] + 2 * l * (1 - l)));
      }
    }
    // the window spans ±5·Δλ ≈ ±0.24 in λ: a smoothing bias ≈ (Δ²/6)·|l'''| ≈ 1e-2 on a derivative of size ≤ 0.5
    expect(worst).toBeLessThan(2e-2);
  });

  it('s = 0 and b = −(dl/dλ)·μ (to the sampling error of K = 4096 points)', () => {
    const ems = computeEms(diagonal, process, 1, 1e-3, { points: 100, samples: 4096 });
    for (let j = 0; j <= 100; j++) {
      for (let i = 0; i < 2; i++) {
        expect(ems.s[j * 2 + i]).toBe(0);
        const expected = -ems.dl[j * 2 + i] * mu[i];
        // the residual is the sample mean of a zero-mean term ∝ (x/α − μ): ≈ |dl − dl_exact|·√e/√K
        expect(Math.abs(ems.b[j * 2 + i] - expected)).toBeLessThan(2e-3);
      }
    }
  });

  it('Hutchinson with Rademacher probes of the exact JVP: unbiased for a full covariance, error ~ 1/√K', () => {
    const full = prepareMixture({ weights: [1], means: [mu], covs: [[[0.3, 0.25], [0.25, 0.5]]] });
    const exact = computeEms(full, process, 1, 1e-3, { points: 20, samples: 64 });
    const hutchinson = computeEms(full, process, 1, 1e-3, { points: 20, samples: 4096, lEstimator: 'hutchinson' });
    let worst = 0;
    for (let q = 0; q < exact.l.length; q++) worst = Math.max(worst, Math.abs(hutchinson.l[q] - exact.l[q]));
    // off-diagonal σ²C⁻¹ entries are ≤ 0.5 in size: 4096 probes give a standard error ≤ 0.5/64 ≈ 0.008
    expect(worst).toBeLessThan(0.03);
    expect(worst).toBeGreaterThan(0); // it is an estimate, not the exact diagonal
  });

  it('l goes from ≈ 1 at λ_T to ≈ 0 at λ_end on the 2D mixture (specs §15.5 numerical check)', () => {
    const m = prepareMixture({ weights: [0.5, 0.3, 0.2], means: [[-1, 0], [1, 0.5], [0, -1]], covs: [[[0.09, 0.05], [0.05, 0.16]], [[0.04, 0], [0, 0.25]], [[0.01, 0], [0, 0.01]]] });
    const ems = computeEms(m, process, 1, 1e-3, { points: 100, samples: 1024 });
    const mean = (j: number) => (ems.l[j * 2] + ems.l[j * 2 + 1]) / 2;
    expect(mean(0)).toBeGreaterThan(0.99);
    expect(mean(100)).toBeLessThan(0.01);
  });
});

describe('EMS integrals (specs §6.4)', () => {
  const grid = (N: number) => Float64Array.from({ length: N + 1 }, (_, j) => -5 + (9.6 * j) / N);
  const table = (N: number, l: (x: number) => number, s: (x: number) => number, b: (x: number) => number) => {
    const lambdas = grid(N);
    return { dim: 1, points: N, lambdas, tStart: 1, tEnd: 1e-3, l: lambdas.map(l), dl: new Float64Array(N + 1), s: lambdas.map(s), b: lambdas.map(b), engine: 'cpu' as const, evaluations: 0, milliseconds: 0 };
  };

  it("with l = 1, s = 0, b = 0 'gauss' is exact: I = e^{λ−λ_T} − 1, E_k = ∫ e^{u} u^k/k!", () => {
    const ems = table(50, () => 1, () => 0, () => 0);
    const integrals = new EmsIntegrals(ems, 'gauss');
    for (let j = 0; j <= 50; j++) {
      expect(integrals.L[j]).toBeCloseTo(ems.lambdas[j] + 5, 12);
      expect(Math.abs(integrals.I[j] - Math.expm1(ems.lambdas[j] + 5)) / Math.exp(ems.lambdas[j] + 5)).toBeLessThan(1e-13);
    }
    // E_1 over [λ_s, λ_s + h] = (h − 1)e^h + 1
    const h = ems.lambdas[20] - ems.lambdas[10];
    expect(integrals.expCoefficient(10, 20, 1)[0]).toBeCloseTo((h - 1) * Math.exp(h) + 1, 12);
    // the official trapezoid is off by O(Δλ²)
    const trapezoid = new EmsIntegrals(ems, 'trapezoid');
    expect(Math.abs(trapezoid.I[50] / integrals.I[50] - 1)).toBeGreaterThan(1e-3);
  });

  it('trapezoid and Gauss agree as the grid is refined (smooth l, s, b), the trapezoid at second order', () => {
    const fine = new EmsIntegrals(table(1600, (x) => 1 / (1 + Math.exp(x)), (x) => 0.3 * Math.sin(x), (x) => 0.1 * x), 'gauss');
    const err = (N: number) => {
      const t = new EmsIntegrals(table(N, (x) => 1 / (1 + Math.exp(x)), (x) => 0.3 * Math.sin(x), (x) => 0.1 * x), 'trapezoid');
      return Math.abs(t.C[N] - fine.C[1600]) / Math.abs(fine.C[1600]);
    };
    const ratio = err(100) / err(200);
    expect(ratio).toBeGreaterThan(3.5);
    expect(ratio).toBeLessThan(4.5);
  });

  it('smoothedDerivative: central differences, one-sided ends, ±half moving average truncated at the ends', () => {
    const lambdas = Float64Array.from([0, 1, 2, 3, 4]);
    const values = Float64Array.from([0, 1, 4, 9, 16]); // x²: raw derivative 1, 2, 4, 6, 7
    expect([...smoothedDerivative(values, lambdas, 1, 0)]).toEqual([1, 2, 4, 6, 7]);
    expect([...smoothedDerivative(values, lambdas, 1, 1)]).toEqual([1.5, 7 / 3, 4, 17 / 3, 6.5]);
  });
});
