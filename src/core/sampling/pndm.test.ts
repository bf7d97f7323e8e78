// PNDM family (specs §8.4–§8.5): NFE accounting, exactness where the ODE's ε̂ is constant along the path,
// and measured convergence.
import { describe, expect, it } from 'vitest';
import { relativeRms, sameNoiseRmse } from '../metrics/distance.ts';
import { fillNormal } from '../util/rng.ts';
import { mixtureModel } from './experiment.ts';
import { prepareMixture } from './gmm.ts';
import { runProgramCpu } from './interpreter.ts';
import { VpLinearProcess } from './process.ts';
import { targetPreset } from './presets.ts';
import { rk4ReferenceProgram } from './reference.ts';
import { scheduleLogSnrUniform } from './schedules.ts';
import { BudgetError, buildSolverProgram, programOnGrid, type GridMaker } from './solvers.ts';

const process = new VpLinearProcess();
const logSnr: GridMaker = { start: 1, grid: (N) => scheduleLogSnrUniform(process, 1, 1e-3, N), inner: (s, t, k) => scheduleLogSnrUniform(process, s, t, k), logSnrUniform: true };
const z = fillNormal(new Float64Array(64 * 2), 64, 2, 5, 0);

describe('PNDM family', () => {
  it('spends NFE = steps (iPNDM), steps + 1 (S-PNDM), steps + 9 (F-PNDM), and refuses budgets it cannot run in', () => {
    const times = scheduleLogSnrUniform(process, 1, 1e-3, 20);
    expect(programOnGrid({ name: 'ipndm' }, process, times).nfe).toBe(20);
    expect(programOnGrid({ name: 'plms' }, process, times).nfe).toBe(21);
    expect(programOnGrid({ name: 'pndm' }, process, times).nfe).toBe(29);
    expect(buildSolverProgram({ name: 'pndm' }, process, logSnr, { nfe: 20 }).nfe).toBe(20);
    expect(() => buildSolverProgram({ name: 'pndm' }, process, logSnr, { nfe: 3 })).toThrow(BudgetError);
    expect(() => buildSolverProgram({ name: 'flow-rk4' }, process, logSnr, { nfe: 3 })).toThrow(/needs at least 4/);
  });

  it('is exact on a point mass, where ε̂ is constant along every PF-ODE path (AB weights sum to one)', () => {
    const point = prepareMixture({ weights: [1], means: [[0.3, -0.7]], covs: [[[0, 0], [0, 0]]] });
    const times = scheduleLogSnrUniform(process, 1, 1e-3, 8);
    const exact = Float64Array.from(z, (v, i) => {
      const mu = point.means[i % 2];
      return process.alpha(1e-3) * mu + (process.sigma(1e-3) / process.sigma(1)) * (v - process.alpha(1) * mu);
    });
    for (const name of ['ipndm', 'plms', 'pndm'] as const) {
      expect(relativeRms(runProgramCpu(programOnGrid({ name }, process, times), mixtureModel(point), z).x, exact), name).toBeLessThan(1e-12);
    }
  });

  it('converges: measured order 2 ± 0.2 on the logSNR grid for NFE 160 … 1280', () => {
    // The Adams–Bashforth weights assume steps uniform in t; on a λ-uniform grid (not uniform in t) the measured
    // order is 2 for all three — PNDM's 4th order is claimed for its own setting and not reproduced here.
    const ring = mixtureModel(prepareMixture(targetPreset('ring8')));
    const reference = runProgramCpu(rk4ReferenceProgram(process, 1, 1e-3, 4000), ring, z).x;
    for (const name of ['ipndm', 'plms', 'pndm'] as const) {
      const points = [160, 1280].map((nfe) => {
        const result = runProgramCpu(buildSolverProgram({ name }, process, logSnr, { nfe }), ring, z);
        return [Math.log(result.nfe), Math.log(sameNoiseRmse(result.x, reference))];
      });
      const slope = -(points[1][1] - points[0][1]) / (points[1][0] - points[0][0]);
      expect(Math.abs(slope - 2), name).toBeLessThan(0.2);
    }
  });
});
