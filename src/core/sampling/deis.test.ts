// tAB-DEIS (specs §8.1): agreement with an independent transcription that integrates its coefficients with a fine
// trapezoid rule (the reference code uses a 10 000-point Riemann sum), first order = DDIM, measured orders r + 1.
import { describe, expect, it } from 'vitest';
import { relativeRms, sameNoiseRmse } from '../metrics/distance.ts';
import { gaussLegendre } from '../util/quadrature.ts';
import { fillNormal } from '../util/rng.ts';
import { mixtureModel } from './experiment.ts';
import { prepareMixture } from './gmm.ts';
import { runProgramCpu } from './interpreter.ts';
import { VpLinearProcess } from './process.ts';
import { targetPreset } from './presets.ts';
import { rk4ReferenceProgram } from './reference.ts';
import { scheduleLogSnrUniform, scheduleTimeQuadratic } from './schedules.ts';
import { buildSolverProgram, programOnGrid, type GridMaker } from './solvers.ts';

const process = new VpLinearProcess();
const model = mixtureModel(prepareMixture(targetPreset('two-moons-gmm')));
const z = fillNormal(new Float64Array(32 * 2), 32, 2, 8, 0);

/** DEIS's update with C_ij from a 20 000-interval trapezoid rule in λ, caches as lists */
function deisTranscription(times: number[], order: number): Float64Array {
  let x = z.slice();
  const history: Float64Array[] = [];
  for (let i = 0; i < times.length - 1; i++) {
    const [t, tn] = [times[i], times[i + 1]];
    const eps = new Float64Array(x.length);
    model.predict(x, 32, t, process.alpha(t), process.sigma(t), 'noise', eps);
    history.unshift(eps);
    const r = Math.min(order - 1, i);
    const ts = times.slice(i - r, i + 1).reverse();
    const next = Float64Array.from(x, (v) => (process.alpha(tn) / process.alpha(t)) * v);
    for (let j = 0; j <= r; j++) {
      const ell = (tau: number) => ts.reduce((acc, tk, k) => (k === j ? acc : (acc * (tau - tk)) / (ts[j] - tk)), 1);
      const [l0, l1] = [process.lambda(t), process.lambda(tn)];
      const M = 20000;
      let integral = 0;
      for (let k = 0; k <= M; k++) {
        const lambda = l0 + ((l1 - l0) * k) / M;
        integral += (k === 0 || k === M ? 0.5 : 1) * Math.exp(-lambda) * ell(process.tOfLambda(lambda));
      }
      const c = -process.alpha(tn) * integral * ((l1 - l0) / M);
      for (let q = 0; q < x.length; q++) next[q] += c * history[j][q];
    }
    x = next;
  }
  return x;
}

describe('tAB-DEIS', () => {
  it('Gauss–Legendre nodes integrate polynomials of degree 2n − 1 exactly', () => {
    const { nodes, weights } = gaussLegendre(8);
    expect(nodes.reduce((s, x, i) => s + weights[i] * x ** 14, 0)).toBeCloseTo(2 / 15, 14);
    expect(weights.reduce((a, b) => a + b)).toBeCloseTo(2, 14);
  });
  for (const order of [1, 2, 3])
    it(`order ${order} equals the transcription with trapezoid coefficients (DEIS's own grid: time-quadratic)`, () => {
      const times = scheduleTimeQuadratic(1, 1e-3, 12);
      const got = runProgramCpu(programOnGrid({ name: 'deis', order }, process, times), model, z).x;
      expect(relativeRms(got, deisTranscription(times, order))).toBeLessThan(1e-7);
    });
  it('order 1 is DDIM', () => {
    const times = scheduleLogSnrUniform(process, 1, 1e-3, 9);
    const a = runProgramCpu(programOnGrid({ name: 'deis', order: 1 }, process, times), model, z).x;
    const b = runProgramCpu(programOnGrid({ name: 'ddim' }, process, times), model, z).x;
    expect(relativeRms(a, b)).toBeLessThan(1e-13);
  });
  it('has global order r + 1 ± 0.2 on the logSNR grid (NFE 320 … 1280)', () => {
    const ring = mixtureModel(prepareMixture(targetPreset('ring8')));
    const x0 = fillNormal(new Float64Array(64 * 2), 64, 2, 5, 0);
    const reference = runProgramCpu(rk4ReferenceProgram(process, 1, 1e-3, 4000), ring, x0).x;
    const grids: GridMaker = { start: 1, grid: (N) => scheduleLogSnrUniform(process, 1, 1e-3, N), inner: () => [], logSnrUniform: true };
    for (const order of [1, 2, 3]) {
      const [e1, e2] = [320, 1280].map((nfe) => sameNoiseRmse(runProgramCpu(buildSolverProgram({ name: 'deis', order }, process, grids, { nfe }), ring, x0).x, reference));
      expect(Math.abs(Math.log(e1 / e2) / Math.log(4) - order), `order ${order}`).toBeLessThan(0.2);
    }
  });
});
