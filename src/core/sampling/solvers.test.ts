import { describe, expect, it } from 'vitest';
import { relativeRms, sameNoiseRmse } from '../metrics/distance.ts';
import { fillNormal } from '../util/rng.ts';
import { mixtureModel } from './experiment.ts';
import { prepareMixture } from './gmm.ts';
import { runProgramCpu, type DenoiserModel } from './interpreter.ts';
import { VpLinearProcess, type NoiseProcess } from './process.ts';
import { targetPreset } from './presets.ts';
import { rk4ReferenceProgram } from './reference.ts';
import { scheduleLogSnrUniform, scheduleTimeUniform } from './schedules.ts';
import { programOnGrid } from './solvers.ts';

const ddimProgram = (p: NoiseProcess, ts: number[]) => programOnGrid({ name: 'ddim' }, p, ts);
const dpmSolverPlusPlus2M = (p: NoiseProcess, ts: number[]) => programOnGrid({ name: 'dpmpp-2m' }, p, ts);

const process = new VpLinearProcess(0.1, 20);
const ring = prepareMixture(targetPreset('ring8'));
const model = mixtureModel(ring);
const n = 64;
const xT = fillNormal(new Float64Array(n * 2), n, 2, 5, 0);
const referenceSolution = (p: NoiseProcess, m: DenoiserModel, x: Float64Array, tStart: number, tEnd: number, steps: number) =>
  runProgramCpu(rk4ReferenceProgram(p, tStart, tEnd, steps), m, x).x;

/**
 * An independent transcription of the official DPM-Solver `sample(method='multistep', order, skip_type,
 * lower_order_final=True, algorithm_type='dpmsolver++', solver_type='dpmsolver')` loop with its caches
 * (t_prev_list, model_prev_list), written without the program/register machinery, to check the program
 * emitter's bookkeeping (warm-up, lower_order_final when steps < 10, NFE = steps).
 */
function officialMultistepLoop(p: NoiseProcess, m: DenoiserModel, x0: Float64Array, ts: number[], order: number): { x: Float64Array; nfe: number } {
  const size = x0.length;
  let nfe = 0;
  const dataPrediction = (x: Float64Array, t: number) => {
    nfe++;
    const out = new Float64Array(size);
    m.predict(x, size / m.dim, t, p.alpha(t), p.sigma(t), 'data', out);
    return out;
  };
  const steps = ts.length - 1;
  let x = x0.slice();
  const tPrev: number[] = [ts[0]];
  const modelPrev: Float64Array[] = [dataPrediction(x, ts[0])];
  const update = (x: Float64Array, t: number, stepOrder: number) => {
    const [tp0, mp0] = [tPrev[tPrev.length - 1], modelPrev[modelPrev.length - 1]];
    const lp0 = p.lambda(tp0);
    const lt = p.lambda(t);
    const h = lt - lp0;
    const phi1 = Math.expm1(-h);
    const out = new Float64Array(size);
    if (stepOrder === 1) {
      for (let i = 0; i < size; i++) out[i] = (p.sigma(t) / p.sigma(tp0)) * x[i] - p.alpha(t) * phi1 * mp0[i];
    } else {
      const tp1 = tPrev[tPrev.length - 2];
      const mp1 = modelPrev[modelPrev.length - 2];
      const h0 = lp0 - p.lambda(tp1);
      const r0 = h0 / h;
      for (let i = 0; i < size; i++) {
        const D1_0 = (1 / r0) * (mp0[i] - mp1[i]);
        out[i] = (p.sigma(t) / p.sigma(tp0)) * x[i] - p.alpha(t) * phi1 * mp0[i] - 0.5 * p.alpha(t) * phi1 * D1_0;
      }
    }
    return out;
  };
  for (let step = 1; step < order; step++) {
    x = update(x, ts[step], step);
    tPrev.push(ts[step]);
    modelPrev.push(dataPrediction(x, ts[step]));
  }
  for (let step = order; step <= steps; step++) {
    const stepOrder = steps < 10 ? Math.min(order, steps + 1 - step) : order;
    x = update(x, ts[step], stepOrder);
    tPrev.push(ts[step]);
    tPrev.shift();
    if (step < steps) {
      modelPrev.push(dataPrediction(x, ts[step]));
      modelPrev.shift();
    }
  }
  return { x, nfe };
}

describe('solver programs against the official loop (specs §4.5, §4.7)', () => {
  for (const steps of [2, 3, 5, 9, 10, 15]) {
    it(`DPM-Solver++(2M) with ${steps} steps equals the official multistep loop`, () => {
      const ts = scheduleLogSnrUniform(process, 1, 1e-3, steps);
      const official = officialMultistepLoop(process, model, xT, ts, 2);
      const program = dpmSolverPlusPlus2M(process, ts);
      expect(program.nfe).toBe(official.nfe);
      expect(program.ops.filter((o) => o.op === 'eval').length).toBe(steps);
      expect(relativeRms(runProgramCpu(program, model, xT).x, official.x)).toBeLessThan(1e-13);
    });
  }
  it('DDIM equals the official first-order loop, on a time-uniform grid too', () => {
    for (const ts of [scheduleLogSnrUniform(process, 1, 1e-3, 7), scheduleTimeUniform(1, 1e-3, 12)]) {
      const official = officialMultistepLoop(process, model, xT, ts, 1);
      expect(relativeRms(runProgramCpu(ddimProgram(process, ts), model, xT).x, official.x)).toBeLessThan(1e-13);
    }
  });
});

describe('exactness on a point mass (specs §15.4): D is constant, so data-form integrators are exact', () => {
  const point = prepareMixture({ weights: [1], means: [[0.3, -0.7]], covs: [[[0, 0], [0, 0]]] });
  const pm = mixtureModel(point);
  it('DDIM and DPM-Solver++(2M) hit the exact PF-ODE solution with 3 steps', () => {
    const ts = scheduleLogSnrUniform(process, 1, 1e-3, 3);
    // exact: x_t = α_t μ + (σ_t/σ_T)(x_T − α_T μ)
    const exact = new Float64Array(xT.length);
    for (let i = 0; i < xT.length; i++) {
      const mu = point.means[i % 2];
      exact[i] = process.alpha(1e-3) * mu + (process.sigma(1e-3) / process.sigma(1)) * (xT[i] - process.alpha(1) * mu);
    }
    expect(relativeRms(runProgramCpu(ddimProgram(process, ts), pm, xT).x, exact)).toBeLessThan(1e-13);
    expect(relativeRms(runProgramCpu(dpmSolverPlusPlus2M(process, ts), pm, xT).x, exact)).toBeLessThan(1e-13);
  });
});

describe('global convergence orders in float64 (specs §18.7)', () => {
  const reference = referenceSolution(process, model, xT, 1, 1e-3, 4000);

  it('the RK4 reference is converged (step halving changes it by < 1e-9)', () => {
    const coarse = referenceSolution(process, model, xT, 1, 1e-3, 2000);
    expect(sameNoiseRmse(coarse, reference)).toBeLessThan(1e-9);
  });

  it('the default reference (REFERENCE_STEPS) is within 1e-7 of the converged one', () => {
    expect(sameNoiseRmse(runProgramCpu(rk4ReferenceProgram(process, 1, 1e-3), model, xT).x, reference)).toBeLessThan(1e-7);
  });

  it('the reference is exact on a single Gaussian (closed-form flow, §15.4)', () => {
    const g = prepareMixture({ weights: [1], means: [[0.5, -0.2]], covs: [[[0.3, 0.1], [0.1, 0.2]]] });
    const ref = referenceSolution(process, mixtureModel(g), xT, 1, 1e-3, 2000);
    // x_t = α_t μ + U diag(c(t)/c(s)) Uᵀ (x_s − α_s μ), c_d = sqrt(α² e_d + σ²)
    const exact = new Float64Array(xT.length);
    const [a1, s1, a0, s0] = [process.alpha(1e-3), process.sigma(1e-3), process.alpha(1), process.sigma(1)];
    for (let p = 0; p < n; p++) {
      const y = [0, 1].map((j) => [0, 1].reduce((s, i) => s + g.eigenvectors[i * 2 + j] * (xT[2 * p + i] - a0 * g.means[i]), 0));
      const scaled = [0, 1].map((j) => (y[j] * Math.sqrt(a1 * a1 * g.eigenvalues[j] + s1 * s1)) / Math.sqrt(a0 * a0 * g.eigenvalues[j] + s0 * s0));
      for (let i = 0; i < 2; i++) exact[2 * p + i] = a1 * g.means[i] + [0, 1].reduce((s, j) => s + g.eigenvectors[i * 2 + j] * scaled[j], 0);
    }
    expect(sameNoiseRmse(ref, exact)).toBeLessThan(1e-10);
  });

  const slope = (build: (ts: number[]) => ReturnType<typeof ddimProgram>) => {
    const nfes = [80, 160, 320, 640];
    const errors = nfes.map((k) => sameNoiseRmse(runProgramCpu(build(scheduleLogSnrUniform(process, 1, 1e-3, k)), model, xT).x, reference));
    // least-squares slope of log error against log NFE
    const lx = nfes.map(Math.log);
    const ly = errors.map(Math.log);
    const mx = lx.reduce((a, b) => a + b) / lx.length;
    const my = ly.reduce((a, b) => a + b) / ly.length;
    const s = lx.reduce((acc, v, i) => acc + (v - mx) * (ly[i] - my), 0) / lx.reduce((acc, v) => acc + (v - mx) ** 2, 0);
    return { order: -s, errors };
  };

  it('DDIM has global order 1 ± 0.15', () => {
    const { order, errors } = slope((ts) => ddimProgram(process, ts));
    expect(errors[errors.length - 1]).toBeGreaterThan(1e-8); // far above the reference's error
    expect(Math.abs(order - 1)).toBeLessThan(0.15);
  });

  it('DPM-Solver++(2M) has global order 2 ± 0.15', () => {
    const { order, errors } = slope((ts) => dpmSolverPlusPlus2M(process, ts));
    expect(errors[errors.length - 1]).toBeGreaterThan(1e-8);
    expect(Math.abs(order - 2)).toBeLessThan(0.15);
  });
});
