// Every solver on every process family, including grids that end at σ = 0 (EDM/k-diffusion style):
// finite results that converge to the same-noise reference, and random valid specs that never go silent.
import { describe, expect, it } from 'vitest';
import { sameNoiseRmse } from '../metrics/distance.ts';
import { parseSpec, type SampleSpec } from '../spec/spec.ts';
import { fillNormal } from '../util/rng.ts';
import { buildSpecProgram, mixtureModel, resolveExperiment } from './experiment.ts';
import { runProgramCpu } from './interpreter.ts';
import { PROCESS_TYPES } from './process.ts';
import { TARGET_PRESETS } from './presets.ts';
import { rk4ReferenceProgram } from './reference.ts';
import { GridError, SCHEDULE_TYPES, scheduleEndsAtZero } from './schedules.ts';
import { BudgetError, SOLVERS, SOLVER_NAMES } from './solvers.ts';

const base = (process: object, schedule: object): SampleSpec =>
  parseSpec({ version: 1, kind: 'sample', process, target: { type: 'preset', name: 'ring8' }, solver: { name: 'ddim' }, schedule, nfe: 10, n: 48, seed: 2 });

describe('solvers on every process, against the RK4 reference from the same noise', () => {
  const combos: [object, object][] = [
    [{ type: 'edm' }, { type: 'karras' }],
    [{ type: 'edm' }, { type: 'logsnr' }],
    [{ type: 'flow' }, { type: 'time-uniform' }],
    [{ type: 'vp-cosine' }, { type: 'logsnr' }],
    [{ type: 'vp-discrete' }, { type: 'time-uniform' }],
  ];
  for (const [process, schedule] of combos) {
    it(`${JSON.stringify(process)} with ${JSON.stringify(schedule)}: every solver is finite and its error falls from 10 to 40 NFE`, () => {
      const spec = base(process, schedule);
      const experiment = resolveExperiment(spec);
      const model = mixtureModel(experiment.mixture);
      const z = fillNormal(new Float64Array(spec.n * 2), spec.n, 2, spec.seed, 0);
      const endsAtZero = scheduleEndsAtZero(spec.schedule);
      const reference = runProgramCpu(rk4ReferenceProgram(experiment.process, spec.tStart, spec.tEnd, 400, endsAtZero), model, z).x;
      for (const name of SOLVER_NAMES) {
        const [coarse, fine] = [10, 40].map((nfe) => {
          const { x, times } = runProgramCpu(buildSpecProgram({ ...spec, solver: { name }, nfe }), model, z, { seed: spec.seed });
          if (endsAtZero) expect(times[times.length - 1]).toBe(0);
          expect(x.every(Number.isFinite), `${name} at ${nfe} NFE`).toBe(true);
          return sameNoiseRmse(x, reference);
        });
        // a stochastic solver does not follow the ODE's same-noise solution: finiteness is all this test asks of it
        if (['sigma-ancestral', 'sigma-sde', 'ddim-eta', 'pc'].includes(SOLVERS[name].family)) continue;
        // an adaptive solver's accuracy follows its tolerances, not the NFE asked for (and its rtol is relative to
        // |x|, which is σ_max-sized on EDM: DPM-Solver-23's defaults give 0.13 there, k-diffusion's would too)
        if (SOLVERS[name].family === 'adaptive') {
          expect(fine, name).toBeLessThan(0.3);
          continue;
        }
        expect(fine, `${name}: ${coarse} → ${fine}`).toBeLessThan(coarse);
        expect(fine, name).toBeLessThan(0.3);
      }
    });
  }

  it('EDM starts from σ_max·z, like its official sampler (x_T = latents · t_steps[0])', () => {
    const spec = base({ type: 'edm' }, { type: 'karras' });
    const z = fillNormal(new Float64Array(spec.n * 2), spec.n, 2, spec.seed, 0);
    const trajectory = runProgramCpu(buildSpecProgram(spec), mixtureModel(resolveExperiment(spec).mixture), z, { recordTrajectory: true }).trajectory!;
    expect(trajectory).toHaveLength(spec.nfe! + 1);
    expect(Array.from(trajectory[0])).toEqual(Array.from(z, (v) => 80 * v));
  });
});

describe('random valid specs (property test): finite samples or a refusal that says why', () => {
  // a small deterministic generator, so a failure names a reproducible case
  let state = 12345;
  const next = () => ((state = (Math.imul(state, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(next() * list.length)];
  it('300 random process × schedule × solver × NFE × target combinations', () => {
    let refused = 0;
    for (let k = 0; k < 300; k++) {
      // boss grids cost a teacher run each: boss.test.ts has their own property test over every solver
      const scheduleType = pick(SCHEDULE_TYPES.filter((t) => t !== 'custom' && t !== 'boss'));
      const input = {
        version: 1,
        kind: 'sample',
        process: { type: pick(PROCESS_TYPES) },
        target: { type: 'preset', name: pick(TARGET_PRESETS) },
        solver: { name: pick(SOLVER_NAMES) },
        schedule: { type: scheduleType },
        nfe: 2 + Math.floor(next() * 30),
        n: 8,
        seed: k,
      };
      const spec = parseSpec(input);
      let program;
      try {
        program = buildSpecProgram(spec);
      } catch (error) {
        // the only acceptable refusals: a grid that cannot be built, or a budget below one step, with the reason
        expect(error instanceof GridError || error instanceof BudgetError, `${JSON.stringify(input)}: ${error}`).toBe(true);
        expect((error as Error).message.length).toBeGreaterThan(10);
        refused++;
        continue;
      }
      const z = fillNormal(new Float64Array(16), 8, 2, k, 0);
      const { x, nfe } = runProgramCpu(program, mixtureModel(resolveExperiment(spec).mixture), z, { seed: k });
      expect(x.every(Number.isFinite), JSON.stringify(input)).toBe(true);
      // adaptive solvers choose their own NFE from their tolerances
      if (SOLVERS[spec.solver.name].family !== 'adaptive') expect(nfe).toBeLessThanOrEqual(spec.nfe!);
    }
    expect(refused).toBeLessThan(60);
  });
});
