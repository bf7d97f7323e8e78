// DPM-Solver-v3 (specs §6): the program against a literal transcription of the official loop, the degenerate
// statistics against DPM-Solver++, and the §18.6 ordering on the 2D three-component GMM.
import { describe, expect, it } from 'vitest';
import { relativeRms, sameNoiseRmse } from '../metrics/distance.ts';
import { fillNormal } from '../util/rng.ts';
import { computeEms, emsIntegrals } from './ems.ts';
import { mixtureModel } from './experiment.ts';
import { prepareMixture } from './gmm.ts';
import { THREE_COMPONENT_GMM as THREE_COMPONENT } from './presets.ts';
import { runProgramCpu } from './interpreter.ts';
import { officialV3Sample } from './officialV3.testing.ts';
import { VpLinearProcess } from './process.ts';
import { fixedProgram } from './program.ts';
import { sameNoiseReference } from './reference.ts';
import { scheduleLogSnrUniform } from './schedules.ts';
import { type GridMaker, type SolverSpec, buildSolverProgram, programOnGrid } from './solvers.ts';


const process = new VpLinearProcess();
const mixture = prepareMixture(THREE_COMPONENT);
const model = mixtureModel(mixture);
const logSnr: GridMaker = {
  start: 1,
  grid: (N) => scheduleLogSnrUniform(process, 1, 1e-3, N),
  inner: (s, t, k) => scheduleLogSnrUniform(process, s, t, k),
  logSnrUniform: true,
  end: 1e-3,
};
const context = { target: { key: 'three-component', mixture: () => mixture } };
const v3 = (solver: Partial<SolverSpec>, steps: number) => fixedProgram(buildSolverProgram({ name: 'dpm-solver-v3', ...solver }, process, logSnr, { steps }, context));

describe('DPM-Solver-v3 program equals the official sample loop (transcribed, with its ε̂ adjustment)', () => {
  const n = 32;
  const xT = fillNormal(new Float64Array(n * 2), n, 2, 3, 0);
  const emsOptions = { emsPoints: 120, emsSamples: 256 };
  const ems = computeEms(mixture, process, 1, 1e-3, { points: 120, samples: 256 });
  const cases: [Partial<SolverSpec>, { order: number; pPseudo: boolean; useCorrector: boolean; cPseudo: boolean; lowerOrderFinal: boolean; half: boolean }][] = [
    [{}, { order: 3, pPseudo: false, useCorrector: true, cPseudo: false, lowerOrderFinal: true, half: false }],
    [{ order: 2, correctorPseudo: true }, { order: 2, pPseudo: false, useCorrector: true, cPseudo: true, lowerOrderFinal: true, half: false }],
    [{ predictorPseudo: true, lowerOrderFinal: false }, { order: 3, pPseudo: true, useCorrector: true, cPseudo: false, lowerOrderFinal: false, half: false }],
    [{ correctorPseudo: true, predictorPseudo: true }, { order: 3, pPseudo: true, useCorrector: true, cPseudo: true, lowerOrderFinal: true, half: false }],
    [{ corrector: false }, { order: 3, pPseudo: false, useCorrector: false, cPseudo: false, lowerOrderFinal: true, half: false }],
    [{ halfCorrector: 'code' }, { order: 3, pPseudo: false, useCorrector: true, cPseudo: false, lowerOrderFinal: true, half: true }],
    [{ order: 1 }, { order: 1, pPseudo: false, useCorrector: true, cPseudo: false, lowerOrderFinal: true, half: false }],
  ];
  for (const [solver, official] of cases) {
    it(`${JSON.stringify(solver)} at 4, 6, 8 and 12 steps`, () => {
      for (const steps of [4, 6, 8, 12]) {
        const program = v3({ ...emsOptions, ...solver }, steps);
        expect(program.nfe).toBe(steps);
        const indexes = program.times.map((t) => Math.round((120 * (process.lambda(t) - ems.lambdas[0])) / (ems.lambdas[120] - ems.lambdas[0])));
        const expected = officialV3Sample(process, model, emsIntegrals(ems), xT, program.times, indexes, official);
        const got = runProgramCpu(program, model, xT).x;
        expect(relativeRms(got, expected)).toBeLessThan(1e-11);
      }
    });
  }

  it("the half-corrector's two conditions ('code': t > 0.5, 'paper': t ≤ 0.5) split the corrected points between them", () => {
    const combines = (solver: Partial<SolverSpec>) => v3({ ...emsOptions, ...solver }, 8).ops.filter((op) => op.op === 'combine').length;
    // each corrected point costs one combine
    const corrections = (halfCorrector: 'off' | 'code' | 'paper') => combines({ halfCorrector }) - combines({ corrector: false });
    expect(corrections('off')).toBe(8 - 2); // points 2 … N − 1 (point 1 follows a first-order step; x_N is never corrected)
    expect(corrections('code')).toBeGreaterThan(0);
    expect(corrections('paper')).toBeGreaterThan(0);
    expect(corrections('code') + corrections('paper')).toBe(corrections('off'));
  });
});

describe('degenerate statistics (l = 1, s = 0, b = 0): DPM-Solver-v3 is DPM-Solver++ (specs §6.1)', () => {
  const n = 64;
  const xT = fillNormal(new Float64Array(n * 2), n, 2, 5, 0);
  it('order 1 = DDIM and order 2 = DPM-Solver++(2M, taylor) to float64 precision, on the snapped grid', () => {
    // lower_order_final off on both: DPM-Solver lowers the final orders only below 10 steps, v3 always
    for (const [order, base] of [[1, { name: 'ddim' }], [2, { name: 'dpmpp-2m', solverType: 'taylor', lowerOrderFinal: false }]] as const) {
      for (const steps of [3, 6, 12]) {
        const program = v3({ order, degenerate: true, corrector: false, lowerOrderFinal: false, emsPoints: 1200, emsQuadrature: 'gauss' }, steps);
        const expected = runProgramCpu(programOnGrid(base as SolverSpec, process, program.times), model, xT).x;
        expect(relativeRms(runProgramCpu(program, model, xT).x, expected)).toBeLessThan(1e-12);
      }
    }
  });

  it('the non-degenerate statistics change the result (the test above would not pass with the EMS in use)', () => {
    const program = v3({ order: 2, corrector: false, emsPoints: 1200, emsSamples: 256 }, 6);
    const expected = runProgramCpu(programOnGrid({ name: 'dpmpp-2m', solverType: 'taylor' }, process, program.times), model, xT).x;
    expect(relativeRms(runProgramCpu(program, model, xT).x, expected)).toBeGreaterThan(1e-3);
  });
});

describe('specs §18.6 on the 2D GMM (VP-linear, logSNR grid, t_end = 1e-3), same-noise RMSE, n = 4096', () => {
  it('DPM-Solver-v3 (order 3, EMS N_ems = 200, K = 4096) is below DPM-Solver++(3M) and UniPC-bh2 at 6 and 8 NFE', () => {
    const n = 4096;
    const xT = fillNormal(new Float64Array(n * 2), n, 2, 9, 0);
    const reference = runProgramCpu(sameNoiseReference(process, 1, 1e-3, false), model, xT).x;
    const rmse = (solver: SolverSpec, nfe: number) => sameNoiseRmse(runProgramCpu(buildSolverProgram(solver, process, logSnr, { nfe }, context), model, xT).x, reference);
    for (const nfe of [6, 8]) {
      const ours = rmse({ name: 'dpm-solver-v3', emsPoints: 200, emsSamples: 4096 }, nfe);
      expect(ours).toBeLessThan(rmse({ name: 'dpmpp-3m' }, nfe));
      expect(ours).toBeLessThan(rmse({ name: 'unipc', variant: 'bh2' }, nfe));
    }
  });
});
