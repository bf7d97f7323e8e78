// Stochastic DDIM / ancestral DDPM (specs §4.1) against diffusers' DDIMScheduler step, transcribed in ᾱ notation.
import { describe, expect, it } from 'vitest';
import { relativeRms } from '../metrics/distance.ts';
import { RngStream, fillNormal } from '../util/rng.ts';
import { mixtureModel } from './experiment.ts';
import { prepareMixture } from './gmm.ts';
import { runProgramCpu } from './interpreter.ts';
import { VpCosineProcess, VpLinearProcess, type NoiseProcess } from './process.ts';
import { targetPreset } from './presets.ts';
import { scheduleLogSnrUniform, scheduleTimeUniform } from './schedules.ts';
import { programOnGrid } from './solvers.ts';

const model = mixtureModel(prepareMixture(targetPreset('grid25')));
const n = 32;
const z = fillNormal(new Float64Array(n * 2), n, 2, 6, 0);
const seed = 23;

/** diffusers DDIMScheduler.step: var = ((1 − ᾱ')/(1 − ᾱ))(1 − ᾱ/ᾱ'), std = η√var, x' = √ᾱ'·x̂0 + √(1 − ᾱ' − std²)·ε̂ + std·z */
function diffusersDdim(process: NoiseProcess, times: number[], eta: number): Float64Array {
  let x = z.slice();
  times.slice(0, -1).forEach((t, k) => {
    const tn = times[k + 1];
    const [abar, abarPrev] = [process.alpha(t) ** 2, process.alpha(tn) ** 2];
    const x0 = new Float64Array(x.length);
    model.predict(x, n, t, process.alpha(t), process.sigma(t), 'data', x0);
    const epsHat = Float64Array.from(x, (v, i) => (v - Math.sqrt(abar) * x0[i]) / Math.sqrt(1 - abar));
    const variance = ((1 - abarPrev) / (1 - abar)) * (1 - abar / abarPrev);
    const std = eta * Math.sqrt(variance);
    const noise = fillNormal(new Float64Array(x.length), n, 2, seed, RngStream.stepNoise, k);
    x = Float64Array.from(x, (_, i) => Math.sqrt(abarPrev) * x0[i] + Math.sqrt(1 - abarPrev - std * std) * epsHat[i] + std * noise[i]);
  });
  return x;
}

describe('ddpm (DDIM with η)', () => {
  for (const [label, process] of [['vp-linear', new VpLinearProcess()], ['vp-cosine', new VpCosineProcess()]] as const)
    for (const eta of [1, 0.5, 0])
      it(`equals diffusers' DDIM step with η = ${eta} on ${label}`, () => {
        for (const times of [scheduleLogSnrUniform(process, process.defaultTStart, 1e-3, 10), scheduleTimeUniform(process.defaultTStart, 1e-3, 7)]) {
          const got = runProgramCpu(programOnGrid({ name: 'ddpm', eta }, process, times), model, z, { seed }).x;
          expect(relativeRms(got, diffusersDdim(process, times, eta))).toBeLessThan(1e-12);
        }
      });
  it('with η = 0 is DDIM', () => {
    const process = new VpLinearProcess();
    const times = scheduleLogSnrUniform(process, 1, 1e-3, 8);
    const a = runProgramCpu(programOnGrid({ name: 'ddpm', eta: 0 }, process, times), model, z, { seed }).x;
    const b = runProgramCpu(programOnGrid({ name: 'ddim' }, process, times), model, z).x;
    expect(relativeRms(a, b)).toBeLessThan(1e-13);
  });
});
