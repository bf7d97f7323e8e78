// The per-step errors (stepErrors.ts): orders by step halving, the exact step into σ = 0, an exact solver on a point
// mass, the global error against the sum of local ones, and the prior scale of EDM restarts.

import { describe, expect, it } from 'vitest';
import { DEFAULT_SPEC, parseSpec } from '../spec/spec.ts';
import { STEP_ERROR_PARTICLES, STEP_ERROR_PARTICLES_HIGH_DIM, stepErrorParticles, stepErrors } from './stepErrors.ts';

/** a spec with `steps` intervals (no NFE budget) over the default ring8 / VP-linear / log-SNR setting */
const specWith = (over: Record<string, unknown>) => parseSpec({ ...DEFAULT_SPEC, n: 256, nfe: undefined, ...over });
/** tight reference (well below every error asserted on) and fewer particles, for speed */
const measure = (over: Record<string, unknown>, tolerance = 1e-10, particles = 128) => stepErrors(specWith(over), { tolerance, particles });

/**
 * e_i on N steps over the geometric mean of the two half-steps that cover the same λ interval on 2N steps: the
 * error constant varies like e^{cλ} here, so the geometric mean sits at the interval's middle and the ratio is 2^{k+1}
 * for local error O(h^{k+1})
 */
function halvingRatios(coarse: number[], fine: number[]): number[] {
  return coarse.map((e, i) => e / Math.sqrt(fine[2 * i] * fine[2 * i + 1]));
}

describe('stepErrors', () => {
  it('gives one error per step, on the solver’s grid, and flags stochastic solvers', () => {
    const ddim = measure({ solver: { name: 'ddim' }, steps: 7 }, undefined, 32);
    expect(ddim.local).toHaveLength(7);
    expect(ddim.times).toHaveLength(8);
    expect(ddim.times[0]).toBe(1);
    expect(ddim.times[7]).toBe(1e-3);
    expect(ddim.stochastic).toBe(false);
    expect(ddim.local.every((e) => Number.isFinite(e) && e > 0)).toBe(true);
    expect(measure({ solver: { name: 'euler-ancestral' }, steps: 7 }, undefined, 32).stochastic).toBe(true);
    expect(measure({ solver: { name: 'pc' }, steps: 7 }, undefined, 32).stochastic).toBe(true);
  });

  it('DDIM’s local errors fall 4× when the steps are halved (O(h²) per step) on a log-SNR-uniform grid', () => {
    const coarse = measure({ solver: { name: 'ddim' }, steps: 20 }).local;
    const fine = measure({ solver: { name: 'ddim' }, steps: 40 }).local;
    // measured 4.06 … 3.93 over the first ten steps (the smooth part; near the data the mixture's modes separate)
    for (const r of halvingRatios(coarse, fine).slice(0, 10)) expect(r).toBeGreaterThan(3.8), expect(r).toBeLessThan(4.2);
  });

  it('DPM-Solver++(2M)’s fall about 8× (O(h³), second order with its actual history)', () => {
    const coarse = measure({ solver: { name: 'dpmpp-2m' }, steps: 20 }).local;
    const fine = measure({ solver: { name: 'dpmpp-2m' }, steps: 40 }).local;
    // step 0 is its first-order start; measured 7.25 … 7.38 on steps 1–9 at 20 → 40 (7.58 at 40 → 80: towards 8)
    for (const r of halvingRatios(coarse, fine).slice(1, 10)) expect(r).toBeGreaterThan(6.8), expect(r).toBeLessThan(8.5);
  });

  it('restarts an EDM run from x_i itself (the reference’s prior scale undone): DDIM still O(h²)', () => {
    const edm = { process: { type: 'edm' }, tEnd: 0.002, solver: { name: 'ddim' } };
    const coarse = measure({ ...edm, steps: 20 }).local;
    const fine = measure({ ...edm, steps: 40 }).local;
    // measured 3.77 … 4.27; a wrong scale would leave an O(σ_max = 80) error that does not shrink
    for (const r of halvingRatios(coarse, fine)) expect(r).toBeGreaterThan(3.6), expect(r).toBeLessThan(5.1);
    expect(Math.max(...coarse)).toBeLessThan(0.2);
  });

  it('an exact solver has no local error: DDIM (data prediction) on a point mass, where D is constant', () => {
    const exact = measure({ solver: { name: 'ddim' }, steps: 10, target: { type: 'points', points: [[1, 0.5]] } }, 1e-11);
    // measured ≤ 3.4e-12 (the reference's tolerance); on ring8 the same solver's errors reach 1e-1
    expect(Math.max(...exact.local)).toBeLessThan(1e-9);
    expect(exact.global).toBeLessThan(1e-9);
    expect(Math.max(...measure({ solver: { name: 'ddim' }, steps: 10 }, 1e-11).local)).toBeGreaterThan(1e-2);
  });

  it('the last step into σ = 0 is the reference’s own denoise step: DDIM’s error there is exactly 0', () => {
    const karras = measure({ solver: { name: 'ddim' }, steps: 10, schedule: { type: 'karras' } }, undefined, 64);
    expect(karras.times.at(-1)).toBe(0);
    expect(karras.local).toHaveLength(10);
    expect(karras.local.at(-1)).toBe(0);
    expect(karras.local[karras.local.length - 2]).toBeGreaterThan(1e-3);
  });

  it('the global error never exceeds the sum of the local ones here (the flow does not stretch them on ring8)', () => {
    // measured G / Σe_i between 0.05 and 0.96 over these solvers, grids and step counts
    for (const solver of ['ddim', 'dpmpp-2m', 'dpmpp-3m', 'unipc', 'heun', 'deis'])
      for (const schedule of ['logsnr', 'time-uniform', 'karras'])
        for (const steps of [5, 12]) {
          const r = measure({ solver: { name: solver }, steps, schedule: { type: schedule } }, 1e-7, 64);
          const sum = r.local.reduce((a, b) => a + b, 0);
          expect(r.global, `${solver} ${schedule} ${steps}`).toBeGreaterThan(0);
          expect(r.global, `${solver} ${schedule} ${steps}`).toBeLessThanOrEqual(sum);
        }
  });

  it('on a time-uniform grid DDIM’s largest error is at the last step (the grid is coarsest in λ there)', () => {
    const r = measure({ solver: { name: 'ddim' }, steps: 10, schedule: { type: 'time-uniform' } }, 1e-7, 256);
    expect(r.local.indexOf(Math.max(...r.local))).toBe(9);
    // and it grows step by step (measured 2.8e-5 … 9.9e-2)
    for (let i = 1; i < 10; i++) expect(r.local[i]).toBeGreaterThan(r.local[i - 1]);
  });

  it('measures at most n particles, fewer on image-sized targets', () => {
    expect(stepErrorParticles(2)).toBe(STEP_ERROR_PARTICLES);
    expect(stepErrorParticles(256)).toBe(STEP_ERROR_PARTICLES_HIGH_DIM);
    expect(stepErrors(specWith({ solver: { name: 'ddim' }, steps: 4, n: 40 })).particles).toBe(40);
  });
});
