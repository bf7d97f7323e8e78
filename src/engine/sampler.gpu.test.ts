import { describe, expect, it } from 'vitest';
import { shaders } from '../../shaders/index.ts';
import { energyDistanceUnbiased, mmdBandwidths, mmdSquaredUnbiased, relativeRms, sameNoiseRmse } from '../core/metrics/distance.ts';
import { mixtureModel, resolveExperiment } from '../core/sampling/experiment.ts';
import { mixtureDenoise, mixtureScale, prepareMixture, sampleMixture } from '../core/sampling/gmm.ts';
import { runProgramCpu } from '../core/sampling/interpreter.ts';
import { VpLinearProcess } from '../core/sampling/process.ts';
import { TARGET_PRESETS, targetPreset } from '../core/sampling/presets.ts';
import { rk4ReferenceProgram, sameNoiseReference } from '../core/sampling/reference.ts';
import { scheduleLogSnrUniform } from '../core/sampling/schedules.ts';
import { programOnGrid, type SolverName } from '../core/sampling/solvers.ts';
import { DEFAULT_SPEC, parseSpec } from '../core/spec/spec.ts';
import { RngStream, fillNormal, normalPair, randomBits } from '../core/util/rng.ts';
import { bindGroup, getKernel } from '../gpu/kernels.ts';
import { readBuffer } from '../gpu/readback.ts';
import { testDevice, withGpuErrors } from '../gpu/testing.ts';
import { GpuMetrics } from './gpuMetrics.ts';
import { inlinable } from './gmmInline.ts';
import { GpuSampler, packMixture } from './gpuSampler.ts';
import { CpuSamplerBackend, GpuSamplerBackend } from './sampling.ts';

const process = new VpLinearProcess();

describe('counter-based RNG: WGSL twin', () => {
  it('produces the same bits as the TypeScript twin, and the same normals to f32 rounding', async () => {
    const gpu = await testDevice();
    const cases: number[][] = [];
    for (const seed of [0, 1, 0xdeadbeef, 0xffffffff])
      for (const stream of [0, 1, 3]) for (const particle of [0, 5, 65535, 4000000]) for (const step of [0, 1, 999]) cases.push([seed, stream, particle, step, (particle * 7 + step) % 1024]);
    const code = `${shaders.rng}
@group(0) @binding(0) var<storage, read> inputs: array<u32>;
@group(0) @binding(1) var<storage, read_write> outputs: array<u32>;
@compute @workgroup_size(64)
fn main(@builtin(global_invocation_id) gid: vec3u) {
  let i = gid.x;
  if (i >= arrayLength(&inputs) / 5u) { return; }
  let b = random_bits(inputs[5u*i], inputs[5u*i+1u], inputs[5u*i+2u], inputs[5u*i+3u], inputs[5u*i+4u]);
  let z = normal_pair(inputs[5u*i], inputs[5u*i+1u], inputs[5u*i+2u], inputs[5u*i+3u], inputs[5u*i+4u]);
  outputs[4u*i] = b.x; outputs[4u*i+1u] = b.y; outputs[4u*i+2u] = bitcast<u32>(z.x); outputs[4u*i+3u] = bitcast<u32>(z.y);
}`;
    await withGpuErrors(gpu, async () => {
      const kernel = getKernel(gpu, { label: 'rng test', code, entryPoint: 'main', bindings: ['read-only-storage', 'storage'] });
      const input = gpu.createBuffer({ size: cases.length * 20, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      gpu.queue.writeBuffer(input, 0, Uint32Array.from(cases.flat()));
      const output = gpu.createBuffer({ size: cases.length * 16, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC });
      const encoder = gpu.createCommandEncoder();
      const pass = encoder.beginComputePass();
      pass.setPipeline(kernel.pipeline);
      pass.setBindGroup(0, bindGroup(gpu, kernel, [{ buffer: input }, { buffer: output }]));
      pass.dispatchWorkgroups(Math.ceil(cases.length / 64));
      pass.end();
      gpu.queue.submit([encoder.finish()]);
      const raw = await readBuffer(gpu, output);
      const bits = new Uint32Array(raw);
      const floats = new Float32Array(raw);
      cases.forEach(([seed, stream, particle, step, block], i) => {
        expect([bits[4 * i], bits[4 * i + 1]]).toEqual(randomBits(seed, stream, particle, step, block));
        const [z0, z1] = normalPair(seed, stream, particle, step, block);
        expect(Math.abs(floats[4 * i + 2] - z0)).toBeLessThan(2e-6 * Math.max(1, Math.abs(z0)));
        expect(Math.abs(floats[4 * i + 3] - z1)).toBeLessThan(2e-6 * Math.max(1, Math.abs(z1)));
      });
    });
  });
});

describe('GMM denoiser kernel', () => {
  it('matches the float64 denoiser for every preset and a full-covariance mixture, across t, generated and generic', async () => {
    const gpu = await testDevice();
    const mixtures = [
      ...TARGET_PRESETS.map((name) => prepareMixture(targetPreset(name))),
      prepareMixture({ weights: [1, 2], means: [[0, 0, 1], [1, -1, 0]], covs: [[[0.2, 0.05, 0], [0.05, 0.1, 0.02], [0, 0.02, 0.3]], [[0.01, 0, 0], [0, 0.02, 0], [0, 0, 0.03]]] }),
    ];
    const inlined = mixtures.filter((m) => !m.diagonal && inlinable(packMixture(m), m.dim)).length;
    // ring8, grid25 and the 3-D mixture at least: the generated kernel is what the 2D presets run on
    expect(inlined).toBeGreaterThanOrEqual(3);
    for (const [mixture, inline] of mixtures.flatMap((m) => [[m, true], [m, false]] as const)) {
      const n = 512;
      const d = mixture.dim;
      // both sides see the same float32-rounded input: D is ill-conditioned between modes at small σ
      const x32 = Float32Array.from(fillNormal(new Float64Array(n * d), n, d, 1, 0));
      const x = Float64Array.from(x32);
      const sampler = new GpuSampler(gpu, 'denoise test', inline);
      const generic = new GpuSampler(gpu, 'denoise test, generic', false);
      sampler.setTarget(mixture);
      generic.setTarget(mixture);
      for (const t of [1, 0.5, 0.1, 1e-3]) {
        const alpha = process.alpha(t);
        const sigma = process.sigma(t);
        for (const prediction of ['data', 'noise'] as const) {
          const expected = new Float64Array(n * d);
          mixtureDenoise(mixture, x, n, alpha, sigma, expected, prediction);
          // a one-op program: reg1 ← D(reg0, t) or ε̂(reg0, t)
          const run = await withGpuErrors(gpu, () =>
            sampler.run({ solver: 'eval', registers: 2, times: [t], nfe: 1, ops: [{ op: 'eval', x: 0, out: 1, t, alpha, sigma, prediction }] }, { n, seed: 0, noise: x32 }),
          );
          const got = new Float32Array(await readBuffer(gpu, run.regs, n * d * 4, n * d * 4));
          // D: relative to the data's length scale, not to ‖D‖: at t = 1, D ≈ Σ w_k μ_k ≈ the (near-zero) data mean,
          // a cancellation that costs f32 digits relative to ‖D‖ but not relative to the data. ε̂ is O(1).
          const scale = prediction === 'data' ? mixtureScale(mixture) : 1;
          expect(sameNoiseRmse(got, expected) / scale, `${prediction}, dim ${d}, t = ${t}`).toBeLessThan(2e-6);
          if (inline) {
            // the generated kernel does the generic one's f32 operations in the same order: on SwiftShader the results
            // are identical bits; a hardware compiler may contract differently into FMAs
            const program = { solver: 'eval', registers: 2, times: [t], nfe: 1, ops: [{ op: 'eval' as const, x: 0, out: 1, t, alpha, sigma, prediction }] };
            const genericRun = await withGpuErrors(gpu, () => generic.run(program, { n, seed: 0, noise: x32 }));
            const fromBuffer = new Float32Array(await readBuffer(gpu, genericRun.regs, n * d * 4, n * d * 4));
            expect(sameNoiseRmse(got, fromBuffer) / scale, `generated vs generic, ${prediction}, dim ${d}, t = ${t}`).toBeLessThan(1e-7);
          }
        }
      }
      sampler.destroy();
      generic.destroy();
    }
  });
});

describe('GPU programs against the float64 interpreter', () => {
  const cases: [string, SolverName, number][] = [
    ['ring8', 'ddim', 10],
    ['ring8', 'dpmpp-2m', 10],
    ['grid25', 'dpmpp-2m', 5],
    ['two-moons-gmm', 'dpmpp-2m', 50],
    ['swiss-roll-gmm', 'ddim', 20],
    // noise prediction (ε̂ from the kernel's stable form), singlestep intermediate points, UniC corrector
    ['ring8', 'dpm-solver-3m', 10],
    ['grid25', 'dpm-solver-3s', 6],
    ['two-moons-gmm', 'dpmpp-2s', 8],
    ['swiss-roll-gmm', 'unipc', 10],
    // σ-space with its second evaluation, stochastic ancestral noise drawn in the combine kernel, flow RK4
    ['ring8', 'heun', 10],
    ['two-moons-gmm', 'euler-ancestral', 12],
    ['grid25', 'flow-rk4', 8],
    ['ring8', 'pndm', 6],
    ['swiss-roll-gmm', 'dpmpp-2m-sde', 10],
    ['grid25', 'dpmpp-2s-ancestral', 8],
    ['ring8', 'deis', 10],
    ['two-moons-gmm', 'lms', 12],
    ['ring8', 'dpmpp-3m-sde', 9],
    ['swiss-roll-gmm', 'ddpm', 10],
    ['two-moons-gmm', 'dpmpp-sde', 10],
  ];
  for (const [preset, solver, nfe] of cases) {
    it(`${solver} on ${preset} at ${nfe} NFE: GPU samples equal the interpreter's to 1e-5 relative RMS on the same noise`, async () => {
      const gpu = await testDevice();
      const mixture = prepareMixture(targetPreset(preset as (typeof TARGET_PRESETS)[number]));
      const n = 1024;
      const xT = fillNormal(new Float64Array(n * 2), n, 2, 3, RngStream.initialNoise);
      const program = programOnGrid({ name: solver }, process, scheduleLogSnrUniform(process, 1, 1e-3, nfe));
      const cpu = runProgramCpu(program, mixtureModel(mixture), xT, { recordTrajectory: true, seed: 3 });
      const sampler = new GpuSampler(gpu);
      sampler.setTarget(mixture);
      const run = await withGpuErrors(gpu, () => sampler.run(program, { n, seed: 3, noise: Float32Array.from(xT), recordTrajectory: true }));
      const samples = await sampler.readSamples(run);
      expect(relativeRms(samples, cpu.x)).toBeLessThan(1e-5);
      const trajectory = await sampler.readTrajectory(run);
      expect(trajectory.length).toBe((nfe + 1) * n * 2);
      for (const i of [0, Math.floor(nfe / 2), nfe]) expect(relativeRms(trajectory.subarray(i * n * 2, (i + 1) * n * 2), cpu.trajectory![i])).toBeLessThan(1e-5);
      // the RNG-drawn x_T of the GPU equals the CPU's to f32 rounding
      const drawn = await sampler.run(program, { n, seed: 3 });
      expect(relativeRms(await sampler.readSamples(drawn), cpu.x)).toBeLessThan(1e-5);
      sampler.destroy();
    });
  }
});

describe('GPU metrics against float64', () => {
  it('MMD², energy distance and same-noise RMSE agree with the core twins', async () => {
    const gpu = await testDevice();
    const mixture = prepareMixture(targetPreset('ring8'));
    const n = 1000;
    const bandwidths = mmdBandwidths(mixtureScale(mixture));
    const reference = sampleMixture(mixture, n, process.alpha(1e-3), process.sigma(1e-3), 1);
    const generated = sampleMixture(mixture, n, process.alpha(0.05), process.sigma(0.05), 2); // slightly too noisy
    const metrics = new GpuMetrics(gpu);
    await withGpuErrors(gpu, async () => {
      await metrics.setReference(Float32Array.from(reference), 2, bandwidths);
      const regs = gpu.createBuffer({ size: n * 2 * 4 * 2, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST | GPUBufferUsage.COPY_SRC });
      gpu.queue.writeBuffer(regs, n * 8, Float32Array.from(generated)); // register 1
      const [g32, r32] = [Float64Array.from(Float32Array.from(generated)), Float64Array.from(Float32Array.from(reference))];
      const expected = mmdSquaredUnbiased(g32, r32, 2, bandwidths);
      const expectedEnergy = energyDistanceUnbiased(g32, r32, 2);
      const got = await metrics.distances(regs, 1, n, n);
      expect(expected).toBeGreaterThan(1e-3);
      expect(Math.abs(got.mmd2 - expected)).toBeLessThan(1e-3 * Math.abs(expected) + 2e-6);
      expect(expectedEnergy).toBeGreaterThan(1e-3);
      expect(Math.abs(got.energy - expectedEnergy)).toBeLessThan(1e-3 * Math.abs(expectedEnergy) + 2e-6);
      // rmse: store register 1 as the solution, compare register 0 (zeros) with it
      metrics.storeSolution(regs, 1, n);
      expect((await metrics.rmse(regs, 0, n, n)) / sameNoiseRmse(new Float64Array(n * 2), generated)).toBeCloseTo(1, 5);
    });
    metrics.destroy();
  });
});

describe('GPU MMD² and energy distance: every kernel path and set size', () => {
  // dim ≤ 4 runs four rows per thread with the generated pairs as half rows at cyclic offsets 1 … ⌊m/2⌋ (each
  // unordered pair once, the offset m/2 of an even m at weight ½) and only dim coordinates loaded (POINT_DIM);
  // dim 5 runs the general full-row kernel. Odd and even m, m below the four rows of one thread, m not a
  // multiple of 4, and a reference set of another size.
  const cases: [dim: number, m: number, nRef: number][] = [
    [1, 2, 3],
    [2, 2, 5],
    [2, 3, 7],
    [2, 5, 4],
    [2, 8, 8],
    [2, 9, 6],
    [2, 998, 1001],
    [2, 999, 1000],
    [3, 10, 13],
    [4, 7, 9],
    [5, 10, 11],
  ];
  it.each(cases)('dim %i, m = %i against %i reference points, to 1e-5 of the float64 twins', async (dim, m, nRef) => {
    const gpu = await testDevice();
    const points = (count: number, shift: number, stream: number) => {
      const out = fillNormal(new Float64Array(count * dim + 1), count, dim, dim * 1000 + m, stream).subarray(0, count * dim);
      return Float64Array.from(Float32Array.from(out.map((v, k) => v + (k % dim === 0 ? shift : 0))));
    };
    const generated = points(m, 0.4, 1);
    const reference = points(nRef, 0, 2);
    const bandwidths = mmdBandwidths(1.3);
    const metrics = new GpuMetrics(gpu);
    await withGpuErrors(gpu, async () => {
      await metrics.setReference(Float32Array.from(reference), dim, bandwidths);
      // the generated set as register 2 of a register file with n = m + 1 particles per register
      const n = m + 1;
      const regs = gpu.createBuffer({ size: 3 * n * dim * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      gpu.queue.writeBuffer(regs, 2 * n * dim * 4, Float32Array.from(generated));
      const got = await metrics.distances(regs, 2, n, m);
      expect(Math.abs(got.mmd2 - mmdSquaredUnbiased(generated, reference, dim, bandwidths))).toBeLessThan(1e-5);
      expect(Math.abs(got.energy - energyDistanceUnbiased(generated, reference, dim))).toBeLessThan(1e-5);
      regs.destroy();
    });
    metrics.destroy();
  });
});

describe('sample and sweep runs: GPU backend against CPU backend', () => {
  it('gives the same samples and metrics for the same spec', async () => {
    const gpu = await testDevice();
    const spec = parseSpec({ ...DEFAULT_SPEC, n: 512, nfe: 8, target: { type: 'preset', name: 'grid25' } });
    const gpuBackend = new GpuSamplerBackend(gpu);
    const cpuBackend = new CpuSamplerBackend();
    const g = await withGpuErrors(gpu, () => gpuBackend.sample(spec, { metrics: true }));
    const c = await cpuBackend.sample(spec, { metrics: true });
    expect(relativeRms(g.samples, c.samples)).toBeLessThan(1e-5);
    expect(Math.abs(g.metrics!.rmse - c.metrics!.rmse)).toBeLessThan(1e-4 * c.metrics!.rmse + 1e-6);
    expect(Math.abs(g.metrics!.mmd2 - c.metrics!.mmd2)).toBeLessThan(1e-3 * Math.abs(c.metrics!.mmd2) + 5e-6);
    expect(Math.abs(g.metrics!.energy - c.metrics!.energy)).toBeLessThan(1e-3 * Math.abs(c.metrics!.energy) + 5e-6);
    // the reference solution itself: RK45 at 1e-7 in float64, which agrees with fixed-step RK4 (200 steps)
    const experiment = resolveExperiment(spec);
    const xT = fillNormal(new Float64Array(spec.n * 2), spec.n, 2, spec.seed, RngStream.initialNoise);
    const reference = runProgramCpu(sameNoiseReference(process, 1, 1e-3, false), mixtureModel(experiment.mixture), xT).x;
    expect(c.metrics!.rmse).toBeCloseTo(sameNoiseRmse(c.samples, reference), 12);
    const rk4 = runProgramCpu(rk4ReferenceProgram(process, 1, 1e-3), mixtureModel(experiment.mixture), xT).x;
    expect(sameNoiseRmse(reference, rk4)).toBeLessThan(1e-6);
    gpuBackend.destroy();
  });

  it('on EDM with a Karras grid ending at σ = 0, and on flow: GPU equals CPU (prior scale, final step to the data)', async () => {
    const gpu = await testDevice();
    const backend = new GpuSamplerBackend(gpu);
    const cpuBackend = new CpuSamplerBackend();
    for (const [process, schedule, solver] of [
      [{ type: 'edm' }, { type: 'karras' }, { name: 'unipc' }],
      [{ type: 'edm' }, { type: 'karras' }, { name: 'dpm-solver-2m' }],
      [{ type: 'flow' }, { type: 'time-uniform' }, { name: 'dpmpp-3s' }],
    ] as const) {
      const spec = parseSpec({ ...DEFAULT_SPEC, process, schedule, solver, tStart: undefined, tEnd: undefined, n: 256, nfe: 9 });
      const g = await withGpuErrors(gpu, () => backend.sample(spec, { metrics: true, recordTrajectory: true }));
      const c = await cpuBackend.sample(spec, { metrics: true, recordTrajectory: true });
      expect(relativeRms(g.samples, c.samples), JSON.stringify(spec.process)).toBeLessThan(1e-5);
      expect(relativeRms(g.trajectory!, c.trajectory!)).toBeLessThan(1e-5);
      expect(Math.abs(g.metrics!.rmse - c.metrics!.rmse)).toBeLessThan(1e-4 * c.metrics!.rmse + 1e-6);
    }
    backend.destroy();
  });

  it('a finite dataset (points target, zero covariances) runs on the GPU like on the CPU', async () => {
    const gpu = await testDevice();
    const spec = parseSpec({ ...DEFAULT_SPEC, target: { type: 'points', points: [[0.5, 0.2], [-0.7, 0.4], [0.1, -0.9]] }, n: 256, nfe: 12, solver: { name: 'unipc' } });
    const backend = new GpuSamplerBackend(gpu);
    const g = await withGpuErrors(gpu, () => backend.sample(spec, { metrics: true }));
    const c = await new CpuSamplerBackend().sample(spec, { metrics: true });
    expect(relativeRms(g.samples, c.samples)).toBeLessThan(1e-5);
    expect(Math.abs(g.metrics!.rmse - c.metrics!.rmse)).toBeLessThan(1e-4 * c.metrics!.rmse + 1e-6);
    backend.destroy();
  });

  it('a deferred run measures the same metrics as a full one, the diagnostics on request (two reference sets, slots)', async () => {
    const gpu = await testDevice();
    const backend = new GpuSamplerBackend(gpu);
    // two configurations with their own seeds ("same noise" off): each has its own reference set, so the second run
    // replaces the first's set before the first's diagnostics are asked for
    const specs = [1, 2].map((seed) => parseSpec({ ...DEFAULT_SPEC, n: 600, nfe: 6, seed, target: { type: 'preset', name: 'ring8' } }));
    const full = [];
    for (const spec of specs) full.push((await withGpuErrors(gpu, () => backend.sample(spec, { metrics: true }))).metrics!);
    const deferred = [];
    for (const [slot, spec] of specs.entries()) deferred.push(await withGpuErrors(gpu, () => backend.sampleDeferred(spec, {}, slot)));
    for (const [i, outcome] of deferred.entries()) {
      const { sw2, modeMass, nll, ...rest } = full[i];
      expect(outcome.metrics).toEqual(rest);
      expect(outcome.metrics.sw2).toBeUndefined();
      // the same kernels on a copy of the same samples: the same numbers
      expect(await outcome.diagnostics()).toEqual({ sw2, modeMass, nll });
    }
    expect(full[0].sw2).not.toBe(full[1].sw2);
    // a later run in the same slot replaces the kept samples: the earlier diagnostics refuse rather than measure it
    const first = await backend.sampleDeferred(specs[0], {}, 0);
    await backend.sampleDeferred(specs[1], {}, 0);
    await expect(first.diagnostics()).rejects.toThrow(/slot 0 were replaced/);
    backend.destroy();
  });

  it('a sweep ranks DPM-Solver++(2M) below DDIM in same-noise RMSE at every NFE ≥ 4', async () => {
    const gpu = await testDevice();
    const spec = parseSpec({ ...DEFAULT_SPEC, n: 512 });
    const backend = new GpuSamplerBackend(gpu);
    const progress: number[] = [];
    const result = await withGpuErrors(gpu, () => backend.sweep(spec, { nfes: [4, 10, 20], solvers: ['ddim', 'dpmpp-2m'], onProgress: (done) => progress.push(done) }));
    expect(progress).toEqual([1, 2, 3, 4, 5, 6]);
    const [ddim, pp] = result.curves;
    ddim.points.forEach((p, i) => expect(pp.points[i].rmse).toBeLessThan(p.rmse));
    // errors shrink with NFE
    expect(ddim.points[2].rmse).toBeLessThan(ddim.points[0].rmse);
    expect(pp.points[2].rmse).toBeLessThan(pp.points[0].rmse);
    const controller = new AbortController();
    controller.abort();
    await expect(backend.sweep(spec, { nfes: [4], solvers: ['ddim'], signal: controller.signal })).rejects.toThrow('cancelled');
    backend.destroy();
  });
});
