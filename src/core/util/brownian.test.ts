// The Brownian tree (brownian.ts): one consistent path per particle and coordinate, with the increments'
// distribution of a Brownian motion, and what it buys: SDE solvers that converge to the same path's solution.
import { describe, expect, it } from 'vitest';
import { sameNoiseRmse } from '../metrics/distance.ts';
import { mixtureModel } from '../sampling/experiment.ts';
import { prepareMixture } from '../sampling/gmm.ts';
import { runProgramCpu } from '../sampling/interpreter.ts';
import { EdmProcess } from '../sampling/process.ts';
import { targetPreset } from '../sampling/presets.ts';
import { buildTimeGrid } from '../sampling/schedules.ts';
import { programOnGrid } from '../sampling/solvers.ts';
import { brownianIncrement, brownianNormals, fillBrownian } from './brownian.ts';
import { RngStream, fillNormal } from './rng.ts';

const path = (particle: number, coordinate = 0) => brownianNormals(11, particle, coordinate);

describe('Brownian tree', () => {
  it('is one path: increments add up (a → b → c equals a → c), and run backwards with the opposite sign', () => {
    // points at least a leaf (2^-21) apart: closer points are bridged within their leaf (see brownian.ts)
    const points = [0, 0.1, 0.1 + 1e-6, 0.1 + 3e-6, 0.37, 0.5, 0.500001, 0.9, 1];
    for (let p = 0; p < 20; p++) {
      const z = path(p, p % 3);
      for (let i = 0; i + 2 < points.length; i++) {
        const [a, b, c] = [points[i], points[i + 1], points[i + 2]];
        expect(brownianIncrement(a, b, z) + brownianIncrement(b, c, z)).toBeCloseTo(brownianIncrement(a, c, z), 12);
      }
      expect(brownianIncrement(0.7, 0.2, z)).toBe(-brownianIncrement(0.2, 0.7, z));
    }
  });

  it('has the increments of a Brownian motion: variance |Δτ|, independent over disjoint intervals, cov = overlap', () => {
    const N = 4000;
    const stats = (f: (p: number) => [number, number]) => {
      let [sx, sy, sxx, syy, sxy] = [0, 0, 0, 0, 0];
      for (let p = 0; p < N; p++) {
        const [x, y] = f(p);
        sx += x;
        sy += y;
        sxx += x * x;
        syy += y * y;
        sxy += x * y;
      }
      return { varX: sxx / N - (sx / N) ** 2, varY: syy / N - (sy / N) ** 2, cov: sxy / N - (sx / N) * (sy / N), meanX: sx / N };
    };
    // a tolerance of 4 standard errors of a variance estimate, √(2/N) relative
    const tol = 4 * Math.sqrt(2 / N);
    // disjoint [0.2, 0.45] and [0.45, 0.46]; a tiny interval inside one leaf (1e-8 wide)
    const disjoint = stats((p) => [brownianIncrement(0.2, 0.45, path(p)) / Math.sqrt(0.25), brownianIncrement(0.45, 0.46, path(p)) / Math.sqrt(0.01)]);
    expect(Math.abs(disjoint.varX - 1)).toBeLessThan(tol);
    expect(Math.abs(disjoint.varY - 1)).toBeLessThan(tol);
    expect(Math.abs(disjoint.cov)).toBeLessThan(tol);
    expect(Math.abs(disjoint.meanX)).toBeLessThan(4 / Math.sqrt(N));
    // overlapping [0, 0.3] and [0, 0.8]: cov = 0.3, so corr = 0.3/√(0.3·0.8)
    const overlap = stats((p) => [brownianIncrement(0, 0.3, path(p)) / Math.sqrt(0.3), brownianIncrement(0, 0.8, path(p)) / Math.sqrt(0.8)]);
    expect(Math.abs(overlap.cov - 0.3 / Math.sqrt(0.24))).toBeLessThan(tol);
    const tiny = stats((p) => [brownianIncrement(0.6, 0.6 + 1e-8, path(p, 1)) / 1e-4, fillBrownian(new Float64Array(2), 1, 2, 11, 0.6, 0.6 + 1e-8)[0]]);
    expect(Math.abs(tiny.varX - 1)).toBeLessThan(tol);
  });

  it('makes SDE solvers converge to the solution on the same path as the step count grows (i.i.d. noise cannot)', () => {
    const edm = new EdmProcess();
    const model = mixtureModel(prepareMixture(targetPreset('ring8')));
    const n = 200;
    const z = fillNormal(new Float64Array(n * 2), n, 2, 3, RngStream.initialNoise);
    const run = (steps: number, noiseSampler: 'brownian-tree' | 'iid') => {
      const times = buildTimeGrid({ type: 'logsnr' }, edm, 80, 0.002, steps);
      return runProgramCpu(programOnGrid({ name: 'dpmpp-2m-sde', noiseSampler }, edm, times), model, z, { seed: 5 }).x;
    };
    const fine = run(1024, 'brownian-tree');
    const [coarse, medium] = [run(32, 'brownian-tree'), run(128, 'brownian-tree')];
    const errors = [sameNoiseRmse(coarse, fine), sameNoiseRmse(medium, fine)];
    const iid = sameNoiseRmse(run(128, 'iid'), run(1024, 'iid'));
    // measured: 0.19 at 32 steps, 0.070 at 128 (strong order ≈ 0.7); i.i.d. noise 1.04 at 128
    expect(errors[1]).toBeLessThan(errors[0] / 2);
    // with fresh draws at every step, 128 steps land nowhere near the 1024-step sample of the same x_T
    expect(iid).toBeGreaterThan(5 * errors[1]);
  });
});
