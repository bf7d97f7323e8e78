// Driven solvers (driven.ts) against independent transcriptions of their official loops
// (officialLoops.testing.ts: DPM-Solver's dpm_solver_adaptive, scipy's RK45, Score-SDE's pc_sampler), and their
// accuracy against the RK4 reference: DPM-Solver-23's global order, RK45's tolerance proportionality.
import { describe, expect, it } from 'vitest';
import { relativeRms, sameNoiseRmse } from '../metrics/distance.ts';
import { parseSpec, type SampleSpec } from '../spec/spec.ts';
import { RngStream, fillNormal } from '../util/rng.ts';
import { DrivenError, adaptiveDpmSolver, pcSampler, rk45 } from './driven.ts';
import { buildSpecProgram, mixtureModel, resolveExperiment } from './experiment.ts';
import { runProgramCpu } from './interpreter.ts';
import { OfficialSampler, scipyRk45, scoreSdePc } from './officialLoops.testing.ts';
import { EdmProcess, VpLinearProcess } from './process.ts';
import { prepareMixture, sampleMixture } from './gmm.ts';
import { targetPreset } from './presets.ts';
import { rk4ReferenceProgram } from './reference.ts';
import { scheduleLogSnrUniform, scheduleTimeUniform } from './schedules.ts';

const vp = new VpLinearProcess();
const mixture = prepareMixture(targetPreset('ring8'));
const model = mixtureModel(mixture);
const n = 64;
const z = fillNormal(new Float64Array(n * 2), n, 2, 7, RngStream.initialNoise);

const fit = (points: number[][]) => {
  const mx = points.reduce((s, p) => s + p[0], 0) / points.length;
  const my = points.reduce((s, p) => s + p[1], 0) / points.length;
  return points.reduce((s, p) => s + (p[0] - mx) * (p[1] - my), 0) / points.reduce((s, p) => s + (p[0] - mx) ** 2, 0);
};

describe('dpm-solver-adaptive equals the official dpm_solver_adaptive loop', () => {
  for (const [order, prediction] of [[2, 'data'], [3, 'data'], [2, 'noise'], [3, 'noise']] as const) {
    it(`DPM-Solver-${order === 2 ? '12' : '23'} (${prediction} prediction): same accepted times, NFE and samples`, () => {
      const program = adaptiveDpmSolver(vp, 1, 1e-3, { order, prediction, solverType: 'dpmsolver', rtol: 0.05, atol: 0.0078, endsAtZero: false });
      const ours = runProgramCpu(program, model, z);
      const official = new OfficialSampler(vp, model, prediction === 'data').adaptive(z, 1, 1e-3, order, 0.0078, 0.05);
      expect(ours.nfe).toBe(official.nfe);
      expect(ours.times.length).toBe(official.times.length);
      ours.times.forEach((t, i) => expect(Math.abs(t - official.times[i])).toBeLessThan(1e-12));
      expect(relativeRms(ours.x, official.x)).toBeLessThan(1e-10);
      // the controller did work: some steps were rejected or the step size changed along the way
      expect(official.times.length).toBeGreaterThan(5);
    });
  }

  it('DPM-Solver-23 has global order 3: same-noise error against NFE as the tolerance shrinks', () => {
    const reference = runProgramCpu(rk4ReferenceProgram(vp, 1, 1e-3, 4000), model, z).x;
    const points = [1e-5, 1e-6, 1e-7].map((tol) => {
      const result = runProgramCpu(adaptiveDpmSolver(vp, 1, 1e-3, { order: 3, prediction: 'data', solverType: 'dpmsolver', rtol: tol, atol: tol, endsAtZero: false }), model, z);
      return [Math.log(result.nfe), Math.log(sameNoiseRmse(result.x, reference))];
    });
    // measured −2.9 (NFE 336 → 1425)
    expect(-fit(points)).toBeGreaterThan(2.8);
    expect(-fit(points)).toBeLessThan(3.2);
  });

  it('refuses to run away: a tolerance it cannot meet in the attempt budget is a DrivenError that says what to do', () => {
    const program = adaptiveDpmSolver(vp, 1, 1e-3, { order: 2, prediction: 'data', solverType: 'dpmsolver', rtol: 1e-12, atol: 1e-12, endsAtZero: false });
    expect(() => runProgramCpu(program, model, z.subarray(0, 8))).toThrow(DrivenError);
    expect(() => runProgramCpu(program, model, z.subarray(0, 8))).toThrow(/loosen rtol\/atol/);
  });
});

describe('rk45 equals scipy solve_ivp(method="RK45") on the probability-flow ODE in λ', () => {
  const ode = (process: VpLinearProcess | EdmProcess) => (lambda: number, y: Float64Array) => {
    const t = process.tOfLambda(lambda);
    const D = new Float64Array(y.length);
    model.predict(y, y.length / 2, t, process.alpha(t), process.sigma(t), 'data', D);
    const a = process.dLogAlphaDLambda(t);
    return y.map((v, i) => (a - 1) * v + process.alpha(t) * D[i]);
  };
  for (const tol of [1e-3, 1e-6]) {
    it(`VP, rtol = atol = ${tol}: same steps, NFE and solution`, () => {
      const ours = runProgramCpu(rk45(vp, 1, 1e-3, { rtol: tol, atol: tol, endsAtZero: false }), model, z);
      const scipy = scipyRk45(ode(vp), vp.lambda(1), z, vp.lambda(1e-3), tol, tol);
      expect(ours.nfe).toBe(scipy.nfev);
      expect(ours.times.map((t) => vp.lambda(t))).toHaveLength(scipy.ts.length);
      ours.times.forEach((t, i) => expect(Math.abs(vp.lambda(t) - scipy.ts[i])).toBeLessThan(1e-9));
      expect(relativeRms(ours.x, scipy.y)).toBeLessThan(1e-10);
    });
  }

  it('EDM (x_T = σ_max·z) into σ = 0: scipy to σ_min, then the first-order step x = D(x, σ_min)', () => {
    const edm = new EdmProcess();
    const ours = runProgramCpu(rk45(edm, 80, 0.002, { rtol: 1e-5, atol: 1e-5, endsAtZero: true }), model, z);
    const start = z.map((v) => 80 * v);
    const scipy = scipyRk45(ode(edm), edm.lambda(80), start, edm.lambda(0.002), 1e-5, 1e-5);
    const D = new Float64Array(z.length);
    model.predict(scipy.y, n, 0.002, 1, 0.002, 'data', D);
    expect(ours.times[ours.times.length - 1]).toBe(0);
    expect(ours.nfe).toBe(scipy.nfev + 1);
    expect(relativeRms(ours.x, D)).toBeLessThan(1e-10);
  });

  it('its global error follows the tolerance (slope of log error against log tolerance ≈ 1)', () => {
    const reference = runProgramCpu(rk4ReferenceProgram(vp, 1, 1e-3, 4000), model, z).x;
    const points = [1e-5, 1e-6, 1e-7, 1e-8].map((tol) => [Math.log(tol), Math.log(sameNoiseRmse(runProgramCpu(rk45(vp, 1, 1e-3, { rtol: tol, atol: tol, endsAtZero: false }), model, z).x, reference))]);
    // measured 1.14 on ring8 (errors 2.3e-5 … 8.5e-9 at tolerances 1e-5 … 1e-8)
    expect(fit(points)).toBeGreaterThan(0.9);
    expect(fit(points)).toBeLessThan(1.3);
    expect(Math.exp(points[3][1])).toBeLessThan(1e-7);
  });
});

describe('pc equals Score-SDE pc_sampler with the same draws', () => {
  const draws = (count: number) => (k: number) => fillNormal(new Float64Array(count * 2), count, 2, 7, RngStream.stepNoise, k);
  for (const [label, process, times] of [
    ['VP, time-uniform grid', vp, scheduleTimeUniform(1, 1e-3, 30)],
    ['EDM, log-SNR grid', new EdmProcess(), scheduleLogSnrUniform(new EdmProcess(), 80, 0.002, 30)],
  ] as const) {
    for (const predictor of ['reverse-diffusion', 'euler-maruyama'] as const) {
      it(`${label}, ${predictor} + 2 Langevin steps (snr 0.16)`, () => {
        const start = z.map((v) => (process.type === 'edm' ? 80 * v : v));
        const ours = runProgramCpu(pcSampler(process, times, { predictor, langevinSteps: 2, snr: 0.16, noiseRemoval: true }), model, z, { seed: 7 });
        const official = scoreSdePc(process, model, start, times, predictor, 2, 0.16, draws(n));
        expect(ours.nfe).toBe(30 * 3);
        expect(relativeRms(ours.x, official)).toBeLessThan(1e-12);
      });
    }
  }

  it('samples the target: as many samples near the ring as exact samples of p_{t_end} have', () => {
    const spec: SampleSpec = parseSpec({ version: 1, kind: 'sample', process: { type: 'vp-linear' }, target: { type: 'preset', name: 'ring8' }, solver: { name: 'pc' }, schedule: { type: 'time-uniform' }, nfe: 100, n: 512, seed: 1 });
    const experiment = resolveExperiment(spec);
    const x = runProgramCpu(buildSpecProgram(spec), mixtureModel(experiment.mixture), fillNormal(new Float64Array(spec.n * 2), spec.n, 2, 1, RngStream.initialNoise), { seed: 1 }).x;
    // ring8's means lie on the unit circle: the fraction of samples within 0.2 of it, against exact samples
    const nearRing = (v: Float64Array) => Array.from({ length: spec.n }, (_, i) => Math.hypot(v[2 * i], v[2 * i + 1])).filter((r) => Math.abs(r - 1) < 0.2).length / spec.n;
    const exact = nearRing(sampleMixture(experiment.mixture, spec.n, vp.alpha(spec.tEnd), vp.sigma(spec.tEnd), 2));
    expect(exact).toBeGreaterThan(0.8);
    expect(Math.abs(nearRing(x) - exact)).toBeLessThan(0.05);
  });
});
