// k-diffusion / EDM σ-space samplers and the flow-ODE Runge–Kutta family (specs §9, §10, §13).
import { describe, expect, it } from 'vitest';
import { relativeRms, sameNoiseRmse } from '../metrics/distance.ts';
import { fillBrownian } from '../util/brownian.ts';
import { RngStream, fillNormal } from '../util/rng.ts';
import { mixtureModel } from './experiment.ts';
import { prepareMixture } from './gmm.ts';
import { runProgramCpu } from './interpreter.ts';
import { kDiffusionSample, type KDiffusionName } from './officialLoops.testing.ts';
import { EdmProcess, FlowProcess, VpLinearProcess, sigmaTilde, tOfSigmaTilde, type NoiseProcess } from './process.ts';
import { targetPreset } from './presets.ts';
import { rk4ReferenceProgram } from './reference.ts';
import { buildTimeGrid } from './schedules.ts';
import { buildSolverProgram, programOnGrid, type GridMaker, type SolverSpec } from './solvers.ts';

const mixture = prepareMixture(targetPreset('two-moons-gmm'));
const model = mixtureModel(mixture);
const n = 24;
const z = fillNormal(new Float64Array(n * 2), n, 2, 4, RngStream.initialNoise);
const seed = 17;

/** the official loop on x̃ = x/α with k-diffusion's VP wrapping: D(x̃, σ̃) = D_model(α·x̃, t(σ̃)) */
function official(process: NoiseProcess, times: number[], name: KDiffusionName, options = {}, brownian = false) {
  const sigmas = times.map((t) => (t === 0 ? 0 : sigmaTilde(process, t)));
  // BrownianTreeNoiseSampler(x, sigma_min, sigma_max): sigma_min = sigmas[sigmas > 0].min(), times normalised to [0, 1]
  const [sMin, sMax] = [Math.min(...sigmas.filter((v) => v > 0)), Math.max(...sigmas)];
  const denoise = (xt: Float64Array, s: number) => {
    const t = tOfSigmaTilde(process, s);
    const a = process.alpha(t);
    const out = new Float64Array(xt.length);
    model.predict(Float64Array.from(xt, (v) => a * v), n, t, a, process.sigma(t), 'data', out);
    return out;
  };
  const noise = (k: number, from: number, to: number) =>
    brownian ? fillBrownian(new Float64Array(n * 2), n, 2, seed, (from - sMin) / (sMax - sMin), (to - sMin) / (sMax - sMin)) : fillNormal(new Float64Array(n * 2), n, 2, seed, RngStream.stepNoise, k);
  const scale = process.type === 'edm' ? process.sigma(times[0]) : 1;
  const x0 = Float64Array.from(z, (v) => (scale * v) / process.alpha(times[0]));
  const end = times[times.length - 1];
  return Float64Array.from(kDiffusionSample(name, denoise, x0, sigmas, noise, options), (v) => v * (end === 0 ? 1 : process.alpha(end)));
}

describe('σ-space samplers equal k-diffusion', () => {
  const edm = new EdmProcess();
  const vp = new VpLinearProcess();
  const karras = (p: NoiseProcess, steps: number) => buildTimeGrid({ type: 'karras', rho: 7 } as never, p, p.defaultTStart, p.defaultTEnd, steps);
  const cases: [string, NoiseProcess, number[]][] = [
    ['EDM, Karras grid to σ = 0', edm, karras(edm, 8)],
    ['EDM, logSNR grid', edm, buildTimeGrid({ type: 'logsnr' }, edm, 80, 0.002, 7)],
    ['VP-linear (k-diffusion VP wrapper), Karras grid', vp, karras(vp, 9)],
  ];
  const solvers: [SolverSpec, KDiffusionName, object][] = [
    [{ name: 'lms' }, 'lms', {}],
    [{ name: 'dpmpp-3m-sde' }, 'dpmpp-3m-sde', {}],
    [{ name: 'dpmpp-sde' }, 'dpmpp-sde', {}],
    [{ name: 'dpmpp-sde', eta: 0.6, sNoise: 0.95 }, 'dpmpp-sde', { eta: 0.6, sNoise: 0.95 }],
    [{ name: 'dpmpp-3m-sde', eta: 0.5 }, 'dpmpp-3m-sde', { eta: 0.5 }],
    [{ name: 'dpm2-ancestral' }, 'dpm2-ancestral', {}],
    [{ name: 'dpmpp-2s-ancestral' }, 'dpmpp-2s-ancestral', {}],
    [{ name: 'dpmpp-2s-ancestral', eta: 0.7, sNoise: 1.05 }, 'dpmpp-2s-ancestral', { eta: 0.7, sNoise: 1.05 }],
    // DPM-Solver++(2M) equals k-diffusion's sample_dpmpp_2m ("DPM++ 2M Karras") when it does not lower its order early
    [{ name: 'dpmpp-2m', lowerOrderFinal: false }, 'dpmpp-2m', {}],
    [{ name: 'dpmpp-2m-sde' }, 'dpmpp-2m-sde', {}],
    [{ name: 'dpmpp-2m-sde', eta: 0.3, sNoise: 1.1 }, 'dpmpp-2m-sde', { eta: 0.3, sNoise: 1.1 }],
    [{ name: 'dpmpp-2m-sde', noiseSampler: 'iid' }, 'dpmpp-2m-sde', {}],
    [{ name: 'dpmpp-sde', noiseSampler: 'iid' }, 'dpmpp-sde', {}],
    [{ name: 'dpmpp-3m-sde', noiseSampler: 'iid' }, 'dpmpp-3m-sde', {}],
    [{ name: 'euler' }, 'euler', {}],
    [{ name: 'heun' }, 'heun', {}],
    [{ name: 'dpm2' }, 'dpm2', {}],
    [{ name: 'heun', sChurn: 40, sTmin: 0.05, sTmax: 50, sNoise: 1.003 }, 'heun', { sChurn: 40, sTmin: 0.05, sTmax: 50, sNoise: 1.003 }],
    [{ name: 'euler', sChurn: 10 }, 'euler', { sChurn: 10 }],
    [{ name: 'euler-ancestral' }, 'euler-ancestral', {}],
    [{ name: 'euler-ancestral', eta: 0.5, sNoise: 0.9 }, 'euler-ancestral', { eta: 0.5, sNoise: 0.9 }],
  ];
  for (const [label, process, times] of cases)
    for (const [solver, name, options] of solvers)
      it(`${JSON.stringify(solver)} on ${label}`, () => {
        const program = programOnGrid(solver, process, times);
        const got = runProgramCpu(program, model, z, { seed }).x;
        // LMS: the transcription integrates its coefficients with a trapezoid rule (exactly here: Gauss–Legendre)
        // the SDE samplers draw from the Brownian tree unless told otherwise, as k-diffusion's do
        const brownian = name.endsWith('sde') && solver.noiseSampler !== 'iid';
        expect(relativeRms(got, official(process, times, name, options, brownian))).toBeLessThan(name === 'lms' ? 1e-8 : 1e-12);
      });

  it('euler is DDIM, and euler-ancestral with η = 0 is euler', () => {
    const times = karras(edm, 8);
    const euler = runProgramCpu(programOnGrid({ name: 'euler' }, edm, times), model, z).x;
    expect(relativeRms(runProgramCpu(programOnGrid({ name: 'ddim' }, edm, times), model, z).x, euler)).toBeLessThan(1e-12);
    expect(relativeRms(runProgramCpu(programOnGrid({ name: 'euler-ancestral', eta: 0 }, edm, times), model, z, { seed }).x, euler)).toBeLessThan(1e-12);
  });

  it('dpmpp-2m-sde with η = 0 is DPM-Solver++(2M) without lower_order_final (specs §9.6)', () => {
    const times = buildTimeGrid({ type: 'logsnr' }, edm, 80, 0.002, 9);
    const sde = runProgramCpu(programOnGrid({ name: 'dpmpp-2m-sde', eta: 0 }, edm, times), model, z, { seed }).x;
    const ode = runProgramCpu(programOnGrid({ name: 'dpmpp-2m', lowerOrderFinal: false }, edm, times), model, z).x;
    expect(relativeRms(sde, ode)).toBeLessThan(1e-12);
  });

  it('heun spends 2N − 1 evaluations on a grid ending at σ = 0 (EDM: 18 steps → 35 NFE)', () => {
    expect(programOnGrid({ name: 'heun' }, edm, karras(edm, 18)).nfe).toBe(35);
  });
});

describe('flow-ODE Runge–Kutta family', () => {
  const flow = new FlowProcess();
  const grids = (p: NoiseProcess): GridMaker => ({
    start: p.defaultTStart,
    grid: (steps) => buildTimeGrid({ type: 'time-uniform' }, p, p.defaultTStart, p.defaultTEnd, steps),
    inner: () => [],
    logSnrUniform: false,
  });
  it('flow-euler on the flow process is DDIM (Euler on the linear path = DDIM)', () => {
    const times = grids(flow).grid(12);
    const a = runProgramCpu(programOnGrid({ name: 'flow-euler' }, flow, times), model, z).x;
    const b = runProgramCpu(programOnGrid({ name: 'ddim' }, flow, times), model, z).x;
    expect(relativeRms(a, b)).toBeLessThan(1e-12);
  });
  for (const [name, order, stages] of [['flow-euler', 1, 1], ['flow-midpoint', 2, 2], ['flow-heun', 2, 2], ['flow-rk4', 4, 4]] as const) {
    it(`${name}: global order ${order} ± 0.2 in t, ${stages} NFE per step`, () => {
      const ring = mixtureModel(prepareMixture(targetPreset('ring8')));
      const x = fillNormal(new Float64Array(64 * 2), 64, 2, 5, 0);
      const reference = runProgramCpu(rk4ReferenceProgram(flow, flow.defaultTStart, flow.defaultTEnd, 4000), ring, x).x;
      const points = [800, 1600, 3200].map((nfe) => {
        const result = runProgramCpu(buildSolverProgram({ name }, flow, grids(flow), { nfe }), ring, x);
        expect(result.nfe).toBe(stages * Math.floor(nfe / stages));
        return [Math.log(result.nfe), Math.log(sameNoiseRmse(result.x, reference))];
      });
      const slope = -(points[2][1] - points[0][1]) / (points[2][0] - points[0][0]);
      expect(Math.abs(slope - order)).toBeLessThan(0.2);
    });
  }
});
