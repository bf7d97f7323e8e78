// The exponential-integrator catalogue: agreement with the official loops (transcribed independently in
// officialLoops.testing.ts) and measured global orders in float64 (specs §4, §5, §18.7).
import { describe, expect, it } from 'vitest';
import { relativeRms, sameNoiseRmse } from '../metrics/distance.ts';
import { fillNormal } from '../util/rng.ts';
import { mixtureModel } from './experiment.ts';
import { prepareMixture } from './gmm.ts';
import { runProgramCpu } from './interpreter.ts';
import { OfficialSampler } from './officialLoops.testing.ts';
import { VpLinearProcess } from './process.ts';
import { targetPreset } from './presets.ts';
import { rk4ReferenceProgram } from './reference.ts';
import { scheduleLogSnrUniform, scheduleTimeUniform } from './schedules.ts';
import { buildSolverProgram, type GridMaker, type SolverSpec } from './solvers.ts';

const process = new VpLinearProcess();
const model = mixtureModel(prepareMixture(targetPreset('two-moons-gmm')));
const n = 32;
const xT = fillNormal(new Float64Array(n * 2), n, 2, 9, 0);

const logSnr: GridMaker = {
  start: 1,
  grid: (N) => scheduleLogSnrUniform(process, 1, 1e-3, N),
  inner: (s, t, k) => scheduleLogSnrUniform(process, s, t, k),
  logSnrUniform: true,
};
const timeUniform: GridMaker = {
  start: 1,
  grid: (N) => scheduleTimeUniform(1, 1e-3, N),
  inner: (s, t, k) => scheduleTimeUniform(s, t, k),
  logSnrUniform: false,
};

const run = (solver: SolverSpec, grids: GridMaker, budget: { steps: number } | { nfe: number }) => {
  const { x, nfe, times } = runProgramCpu(buildSolverProgram(solver, process, grids, budget), model, xT);
  return { x, nfe, times };
};

describe('multistep DPM-Solver(++) equals the official sample(method="multistep")', () => {
  const cases: [SolverSpec, boolean, number, string][] = [
    [{ name: 'ddim' }, true, 1, 'dpmsolver'],
    [{ name: 'dpm-solver-2m' }, false, 2, 'dpmsolver'],
    [{ name: 'dpm-solver-2m', solverType: 'taylor' }, false, 2, 'taylor'],
    [{ name: 'dpmpp-2m' }, true, 2, 'dpmsolver'],
    [{ name: 'dpmpp-2m', solverType: 'taylor' }, true, 2, 'taylor'],
    [{ name: 'dpm-solver-3m' }, false, 3, 'dpmsolver'],
    [{ name: 'dpmpp-3m' }, true, 3, 'dpmsolver'],
  ];
  for (const [solver, predictX0, order, solverType] of cases) {
    it(`${JSON.stringify(solver)} at 3, 6, 9, 10 and 15 steps, logSNR and time-uniform grids`, () => {
      for (const grids of [logSnr, timeUniform]) {
        for (const steps of [3, 6, 9, 10, 15]) {
          const official = new OfficialSampler(process, model, predictX0);
          const expected = official.multistep(xT, grids.grid(steps), order, solverType);
          const got = run(solver, grids, { nfe: steps });
          expect(got.nfe).toBe(official.nfe);
          expect(relativeRms(got.x, expected)).toBeLessThan(1e-10); // float64 rounding: the official φ1/h ± 1 forms cancel where phi.ts does not
        }
      }
    });
  }
});

describe('singlestep DPM-Solver(++) equals the official singlestep loops', () => {
  /** the official outer grid and orders: 'singlestep_fixed' (K = ⌊nfe/order⌋) or 'singlestep' (budget, §4.4) */
  const officialPlan = (grids: GridMaker, nfe: number, order: number, fixed: boolean) => {
    if (fixed) {
      const K = Math.floor(nfe / order);
      return { outer: grids.grid(K), orders: Array(K).fill(order) };
    }
    let orders: number[];
    if (order === 3) {
      const K = Math.floor(nfe / 3) + 1;
      orders = nfe % 3 === 0 ? [...Array(K - 2).fill(3), 2, 1] : nfe % 3 === 1 ? [...Array(K - 1).fill(3), 1] : [...Array(K - 1).fill(3), 2];
    } else orders = Array(Math.floor(nfe / 2)).fill(2).concat(nfe % 2 ? [1] : []);
    if (grids.logSnrUniform) return { outer: grids.grid(orders.length), orders };
    const fine = grids.grid(nfe);
    const cumulative = orders.reduce((acc, o) => [...acc, acc[acc.length - 1] + o], [0]);
    return { outer: cumulative.map((i) => fine[i]), orders };
  };
  const cases: [SolverSpec, boolean, number, boolean, string][] = [
    [{ name: 'dpm-solver-2s' }, false, 2, true, 'dpmsolver'],
    [{ name: 'dpmpp-2s' }, true, 2, true, 'dpmsolver'],
    [{ name: 'dpmpp-2s', solverType: 'taylor' }, true, 2, true, 'taylor'],
    [{ name: 'dpm-solver-3s' }, false, 3, true, 'dpmsolver'],
    [{ name: 'dpm-solver-3s', solverType: 'taylor' }, false, 3, true, 'taylor'],
    [{ name: 'dpmpp-3s' }, true, 3, true, 'dpmsolver'],
    [{ name: 'dpmpp-3s', solverType: 'taylor' }, true, 3, true, 'taylor'],
    [{ name: 'dpm-solver-fast' }, false, 3, false, 'dpmsolver'],
    [{ name: 'dpm-solver-fast', order: 2, prediction: 'data' }, true, 2, false, 'dpmsolver'],
  ];
  for (const [solver, predictX0, order, fixed, solverType] of cases) {
    it(`${JSON.stringify(solver)} at NFE 6, 7, 8, 10, 20, logSNR and time-uniform grids`, () => {
      for (const grids of [logSnr, timeUniform]) {
        for (const nfe of [6, 7, 8, 10, 20]) {
          const { outer, orders } = officialPlan(grids, nfe, order, fixed);
          const official = new OfficialSampler(process, model, predictX0);
          const expected = official.singlestep(xT, outer, orders, grids.inner, solverType);
          const got = run(solver, grids, { nfe });
          expect(got.times).toEqual(outer);
          expect(got.nfe).toBe(official.nfe);
          expect(relativeRms(got.x, expected)).toBeLessThan(1e-10); // float64 rounding: the official φ1/h ± 1 forms cancel where phi.ts does not
        }
      }
    });
  }
});

describe('UniPC equals the official multistep_uni_pc_bh_update loop', () => {
  for (const variant of ['bh1', 'bh2'] as const)
    for (const prediction of ['data', 'noise'] as const)
      for (const order of [1, 2, 3])
        it(`variant ${variant}, ${prediction} prediction, order ${order}`, () => {
          for (const grids of [logSnr, timeUniform]) {
            for (const steps of [3, 5, 10, 12]) {
              for (const lowerOrderFinal of [true, false]) {
                const official = new OfficialSampler(process, model, prediction === 'data');
                const expected = official.uniPc(xT, grids.grid(steps), order, variant, lowerOrderFinal);
                const got = run({ name: 'unipc', variant, order, prediction, lowerOrderFinal }, grids, { nfe: steps });
                expect(got.nfe).toBe(official.nfe);
                expect(relativeRms(got.x, expected)).toBeLessThan(1e-10); // float64 rounding: the official φ1/h ± 1 forms cancel where phi.ts does not
              }
            }
          }
        });
  it('with bh2 and order 2 the UniP predictor alone is DPM-Solver++(2M) (specs §5)', () => {
    // lower_order_final differs between the two (UniPC: always; DPM-Solver: only when N < 10), so turn it off on both
    const a = run({ name: 'unipc', variant: 'bh2', order: 2, corrector: false, lowerOrderFinal: false }, logSnr, { nfe: 12 });
    const b = run({ name: 'dpmpp-2m', lowerOrderFinal: false }, logSnr, { nfe: 12 });
    expect(relativeRms(a.x, b.x)).toBeLessThan(1e-13);
  });
});

describe('global orders in float64, log-log slope of same-noise RMSE for NFE 160 … 1280 (specs §18.7)', () => {
  const ringModel = mixtureModel(prepareMixture(targetPreset('ring8')));
  const x0 = fillNormal(new Float64Array(64 * 2), 64, 2, 5, 0);
  const reference = runProgramCpu(rk4ReferenceProgram(process, 1, 1e-3, 4000), ringModel, x0).x;
  const slope = (solver: SolverSpec) => {
    const points = [160, 320, 640, 1280].map((nfe) => {
      const result = runProgramCpu(buildSolverProgram(solver, process, logSnr, { nfe }), ringModel, x0);
      return [Math.log(result.nfe), Math.log(sameNoiseRmse(result.x, reference))];
    });
    const mx = points.reduce((s, p) => s + p[0], 0) / points.length;
    const my = points.reduce((s, p) => s + p[1], 0) / points.length;
    return -points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
  };
  const expectations: [SolverSpec, number, string][] = [
    [{ name: 'ddim' }, 1, ''],
    [{ name: 'dpm-solver-2m' }, 2, ''],
    [{ name: 'dpmpp-2m' }, 2, ''],
    [{ name: 'dpmpp-2m', solverType: 'taylor' }, 2, ''],
    [{ name: 'dpm-solver-2s' }, 2, ''],
    [{ name: 'dpmpp-2s' }, 2, ''],
    [{ name: 'dpm-solver-3s' }, 3, ''],
    [{ name: 'dpmpp-3s' }, 3, ''],
    [{ name: 'dpmpp-3s', solverType: 'taylor' }, 3, ''],
    // 3M: the official first-order warm-up step's O(h²) local error limits the global order to 2 (spec §18.7 saw ≈ 2.2)
    [{ name: 'dpm-solver-3m' }, 2, ' (first-order warm-up)'],
    [{ name: 'dpmpp-3m' }, 2, ' (first-order warm-up)'],
    // UniPC-p with UniC has order p + 1; lower_order_final's final first-order step (no corrector) would cap it at 2
    [{ name: 'unipc', order: 1 }, 2, ''],
    [{ name: 'unipc', order: 2, lowerOrderFinal: false }, 3, ''],
    [{ name: 'unipc', order: 3, lowerOrderFinal: false }, 4, ''],
    [{ name: 'unipc', order: 3, variant: 'bh1', lowerOrderFinal: false }, 4, ''],
    [{ name: 'unipc', order: 3, corrector: false, lowerOrderFinal: false }, 3, ' (UniP alone)'],
    // k-diffusion's LMS in σ̃ (its Lagrange weights adapt to the non-uniform steps)
    [{ name: 'lms' }, 4, ''],
    [{ name: 'lms', order: 2 }, 2, ''],
  ];
  for (const [solver, order, note] of expectations) {
    it(`${JSON.stringify(solver)} has order ${order} ± 0.2${note}`, () => {
      expect(Math.abs(slope(solver) - order)).toBeLessThan(0.2);
    });
  }
});
