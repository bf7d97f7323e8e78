// The diagonal GPU denoiser (shaders/sampler/gmm_diag.wgsl) on the 256-D glyphs16 target, against the float64
// core (specs §15.1 diagonal variant, §17.2). Sizes are small: SwiftShader runs these on a shared CPU.

import { describe, expect, it } from 'vitest';
import { relativeRms, sameNoiseRmse } from '../core/metrics/distance.ts';
import { mixtureModel, prepareTarget } from '../core/sampling/experiment.ts';
import { mixtureDenoise, mixtureScale, sampleMixture } from '../core/sampling/gmm.ts';
import { runProgramCpu } from '../core/sampling/interpreter.ts';
import { VpLinearProcess } from '../core/sampling/process.ts';
import { scheduleLogSnrUniform } from '../core/sampling/schedules.ts';
import { programOnGrid, type SolverName } from '../core/sampling/solvers.ts';
import { RngStream, fillNormal } from '../core/util/rng.ts';
import { readBuffer } from '../gpu/readback.ts';
import { testDevice, withGpuErrors } from '../gpu/testing.ts';
import { GpuSampler } from './gpuSampler.ts';
import { CpuSamplerBackend, GpuSamplerBackend } from './sampling.ts';
import { parseSpec } from '../core/spec/spec.ts';

const process = new VpLinearProcess();
const glyphs = prepareTarget({ type: 'glyphs16', components: 10, pixelStd: 0.2 });
const d = 256;

describe('diagonal GMM denoiser kernel on glyphs16 (d = 256)', () => {
  it('matches the float64 denoiser across t, for D and ε̂', async () => {
    const gpu = await testDevice();
    const n = 96;
    // inputs are exact samples of p_t (where the sampler's particles are), rounded to f32 for both sides
    const sampler = new GpuSampler(gpu, 'diag denoise test');
    sampler.setTarget(glyphs);
    for (const t of [1, 0.5, 0.2, 0.05, 1e-3]) {
      const alpha = process.alpha(t);
      const sigma = process.sigma(t);
      const x32 = Float32Array.from(sampleMixture(glyphs, n, alpha, sigma, 4));
      const x = Float64Array.from(x32);
      for (const prediction of ['data', 'noise'] as const) {
        const expected = new Float64Array(n * d);
        mixtureDenoise(glyphs, x, n, alpha, sigma, expected, prediction);
        const run = await withGpuErrors(gpu, () =>
          sampler.run({ solver: 'eval', registers: 2, times: [t], nfe: 1, ops: [{ op: 'eval', x: 0, out: 1, t, alpha, sigma, prediction }] }, { n, seed: 0, noise: x32 }),
        );
        const got = new Float32Array(await readBuffer(gpu, run.regs, n * d * 4, n * d * 4));
        const scale = prediction === 'data' ? mixtureScale(glyphs) / Math.sqrt(d) : 1;
        expect(got.every(Number.isFinite)).toBe(true);
        expect(sameNoiseRmse(got, expected) / scale, `${prediction}, t = ${t}`).toBeLessThan(5e-6);
      }
    }
    sampler.destroy();
  });
});

describe('GPU programs on glyphs16 against the float64 interpreter', () => {
  const cases: [SolverName, number][] = [
    ['ddim', 8],
    ['dpmpp-2m', 10],
    ['unipc', 8],
    ['euler-ancestral', 8],
  ];
  for (const [solver, nfe] of cases) {
    it(`${solver} at ${nfe} NFE: GPU samples equal the interpreter's to 1e-5 relative RMS on the same noise`, async () => {
      const gpu = await testDevice();
      const n = 128;
      const xT = fillNormal(new Float64Array(n * d), n, d, 3, RngStream.initialNoise);
      const program = programOnGrid({ name: solver }, process, scheduleLogSnrUniform(process, 1, 1e-3, nfe));
      const cpu = runProgramCpu(program, mixtureModel(glyphs), xT, { seed: 3 });
      const sampler = new GpuSampler(gpu);
      sampler.setTarget(glyphs);
      const run = await withGpuErrors(gpu, () => sampler.run(program, { n, seed: 3 }));
      const samples = await sampler.readSamples(run);
      const error = relativeRms(samples, cpu.x);
      console.log(`glyphs16 ${solver} ${nfe} NFE: GPU vs float64 relative RMS ${error.toExponential(2)}`);
      expect(error).toBeLessThan(1e-5);
      sampler.destroy();
    });
  }

  it('refuses a full-covariance target above 16 dimensions and a diagonal one above 2048, naming the limits', async () => {
    const gpu = await testDevice();
    const sampler = new GpuSampler(gpu);
    const full = { ...glyphs, diagonal: false, eigenvectors: new Float64Array(10 * d * d) };
    expect(() => sampler.setTarget(full)).toThrow(/dimension 256 exceeds .*16 for full covariances, 2048 for diagonal/);
    const huge = prepareTarget({ type: 'points', points: [new Array(2050).fill(0), new Array(2050).fill(1)] });
    expect(() => sampler.setTarget(huge)).toThrow(/dimension 2050 exceeds/);
    sampler.destroy();
  });
});

describe('FD-RF and FD-pix in sample and sweep runs on glyphs16 (specs §17.3b)', () => {
  // slow on SwiftShader (the same-noise RMSE's 200-step RK4 reference is 800 evaluations), hence the tiny n
  it('the GPU backend reports the same FD-RF, FD-pix and null bands as the float64 CPU backend', { timeout: 400_000 }, async () => {
    const gpu = await testDevice();
    const spec = parseSpec({ version: 1, kind: 'sample', process: { type: 'vp-linear' }, target: { type: 'glyphs16' }, solver: { name: 'dpmpp-2m' }, schedule: { type: 'logsnr' }, nfe: 6, n: 64, seed: 2 });
    const options = { fdReferenceSamples: 300 };
    const gpuBackend = new GpuSamplerBackend(gpu, options);
    const start = performance.now();
    const g = await withGpuErrors(gpu, () => gpuBackend.sample(spec, { metrics: true }));
    const gpuMs = performance.now() - start;
    const c = await new CpuSamplerBackend(options).sample(spec, { metrics: true });
    const gm = g.metrics!;
    const cm = c.metrics!;
    console.log(`glyphs16 n = 64, n_ref = 300: GPU fdRf ${gm.fdRf} (null ${gm.fdRfNull}), fdPix ${gm.fdPix} (null ${gm.fdPixNull}); CPU fdRf ${cm.fdRf}, fdPix ${cm.fdPix}; GPU sample + metrics ${gpuMs.toFixed(0)} ms`);
    for (const key of ['fdRf', 'fdRfNull', 'fdPix', 'fdPixNull'] as const) {
      expect(Number.isFinite(gm[key]) && gm[key]! > 0, key).toBe(true);
      expect(Math.abs(gm[key]! - cm[key]!), key).toBeLessThan(2e-3 * cm[key]!);
    }
    expect(gm.fdSamples).toBe(64);
    expect(gm.fdReferenceSamples).toBe(300);
    // 6-NFE DPM-Solver++(2M) is close to exact: its FD-RF is of the order of the null band, not of a dropped digit
    expect(gm.fdRf!).toBeLessThan(3 * gm.fdRfNull!);
    // and a sweep carries FD per point and the null bands once
    const sweep = await withGpuErrors(gpu, () => gpuBackend.sweep(spec, { nfes: [2, 6], solvers: ['ddim'] }));
    expect(sweep.fdRfNull).toBeCloseTo(gm.fdRfNull!, 10);
    const [p2, p6] = sweep.curves[0].points;
    console.log(`glyphs16 DDIM sweep: fdRf ${p2.fdRf} at 2 NFE, ${p6.fdRf} at 6 NFE; fdPix ${p2.fdPix}, ${p6.fdPix}`);
    expect(p2.fdRf!).toBeGreaterThan(p6.fdRf!);
    // at n = 64 the null band is wide (plug-in bias ~ F/n): 2-NFE DDIM is still twice outside it
    expect(p2.fdRf!).toBeGreaterThan(2 * sweep.fdRfNull!);
    expect(p2.fdPix!).toBeGreaterThan(2 * sweep.fdPixNull!);
    gpuBackend.destroy();
  });
});
