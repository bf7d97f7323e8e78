// The diagnostics kernels (sliced W2 with a bitonic sort on the GPU, mode counts, exact NLL) against their
// float64 twins, on the same float32-rounded inputs.
import { describe, expect, it } from 'vitest';
import { meanNegLogDensity, modeCounts, modeMassError } from '../core/metrics/density.ts';
import { mmdBandwidths } from '../core/metrics/distance.ts';
import { slicedDirections, slicedW2 } from '../core/metrics/sliced.ts';
import { prepareMixture, sampleMixture, type PreparedMixture } from '../core/sampling/gmm.ts';
import { targetPreset } from '../core/sampling/presets.ts';
import { VpLinearProcess } from '../core/sampling/process.ts';
import { DEFAULT_SPEC, parseSpec } from '../core/spec/spec.ts';
import { testDevice, withGpuErrors } from '../gpu/testing.ts';
import { GpuMetrics, SLICED_LANE_BLOCK, type SlicedSortPath } from './gpuMetrics.ts';
import { CpuSamplerBackend, GpuSamplerBackend, SWEEP_METRICS } from './sampling.ts';

const process = new VpLinearProcess();
const f32 = (x: Float64Array) => Float64Array.from(Float32Array.from(x));

async function gpuDiagnostics(gpu: GPUDevice, mixture: PreparedMixture, reference: Float64Array, generated: Float64Array, alpha: number, sigma: number, directions: Float64Array, slicedPath?: SlicedSortPath) {
  const metrics = new GpuMetrics(gpu, slicedPath);
  try {
    return await withGpuErrors(gpu, async () => {
      const d = mixture.dim;
      const m = reference.length / d;
      await metrics.setReference(Float32Array.from(reference), d, mmdBandwidths(1));
      const ofReference = await metrics.setDiagnostics({ mixture, alpha, sigma, directions });
      // generated points in register 1 of a 2-register buffer, as the sampler lays them out
      const regs = gpu.createBuffer({ size: 2 * m * d * 4, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST });
      gpu.queue.writeBuffer(regs, m * d * 4, Float32Array.from(generated));
      const ofGenerated = await metrics.diagnostics(regs, 1, m, m);
      regs.destroy();
      return { ofReference, ofGenerated };
    });
  } finally {
    metrics.destroy();
  }
}

describe('diagnostics kernels against the float64 twins', () => {
  it('ring8 near t_end, m = 1000 (padded sort): SW2 to 1e-4 relative, counts within 2, NLL to 1e-4', async () => {
    const gpu = await testDevice();
    const mixture = prepareMixture(targetPreset('ring8'));
    const m = 1000;
    const [alpha, sigma] = [process.alpha(1e-3), process.sigma(1e-3)];
    const reference = f32(sampleMixture(mixture, m, alpha, sigma, 1));
    // too noisy and with shifted weights would be the usual failure; here: slightly too noisy
    const generated = f32(sampleMixture(mixture, m, process.alpha(0.05), process.sigma(0.05), 2));
    const directions = slicedDirections(2, 7);
    const { ofReference, ofGenerated } = await gpuDiagnostics(gpu, mixture, reference, generated, alpha, sigma, directions);
    const sw2 = slicedW2(generated, reference, 2, directions);
    expect(sw2).toBeGreaterThan(0.01);
    expect(Math.abs(ofGenerated.sw2 - sw2)).toBeLessThan(1e-4 * sw2);
    expect(ofReference.sw2).toBeLessThan(1e-6); // a set against itself
    const counts = modeCounts(mixture, generated, alpha, sigma);
    const countDiff = Array.from(counts).reduce((s, c, k) => s + Math.abs(c - ofGenerated.modeCounts[k]), 0);
    expect(countDiff).toBeLessThanOrEqual(2);
    expect(Math.abs(ofGenerated.modeMass - modeMassError(mixture, generated, alpha, sigma))).toBeLessThanOrEqual(1 / m + 1e-12);
    const nll = meanNegLogDensity(mixture, generated, alpha, sigma)!;
    const nllRef = meanNegLogDensity(mixture, reference, alpha, sigma)!;
    expect(Math.abs(ofGenerated.nll! - nll)).toBeLessThan(1e-4 * Math.max(1, Math.abs(nll)));
    expect(Math.abs(ofReference.nll! - nllRef)).toBeLessThan(1e-4 * Math.max(1, Math.abs(nllRef)));
    // the noisier set is less likely under p_{t_end} than exact samples are
    expect(nll).toBeGreaterThan(nllRef);
  });

  it('a full-covariance 3D mixture with m = 4096 (the largest sort, no padding)', async () => {
    const gpu = await testDevice();
    const mixture = prepareMixture({ weights: [1, 2, 1], means: [[0, 0, 1], [1, -1, 0], [-1, 0.5, 0]], covs: [[[0.2, 0.05, 0], [0.05, 0.1, 0.02], [0, 0.02, 0.3]], [[0.01, 0, 0], [0, 0.02, 0], [0, 0, 0.03]], [[0.05, 0, 0], [0, 0.05, 0], [0, 0, 0.05]]] });
    const m = 4096;
    const reference = f32(sampleMixture(mixture, m, 1, 0.05, 3));
    const generated = f32(sampleMixture(mixture, m, 0.95, 0.1, 4));
    const directions = slicedDirections(3, 11);
    const { ofGenerated } = await gpuDiagnostics(gpu, mixture, reference, generated, 1, 0.05, directions);
    const sw2 = slicedW2(generated, reference, 3, directions);
    expect(Math.abs(ofGenerated.sw2 - sw2)).toBeLessThan(1e-4 * sw2);
    const counts = modeCounts(mixture, generated, 1, 0.05);
    expect(Array.from(counts).reduce((s, c, k) => s + Math.abs(c - ofGenerated.modeCounts[k]), 0)).toBeLessThanOrEqual(2);
    const nll = meanNegLogDensity(mixture, generated, 1, 0.05)!;
    expect(Math.abs(ofGenerated.nll! - nll)).toBeLessThan(1e-4 * Math.max(1, Math.abs(nll)));
  });

  // The sort has two shapes (gpuMetrics.ts SlicedSortPath): the workgroup kernel (hardware GPUs) and the lane
  // kernel (software adapters, the default here). Both against the float64 twin, on points of a coarse grid, so
  // that many projections tie (equal points), at the largest sort, a padded one and one below a register block.
  for (const path of ['workgroup', 'lane'] as const) {
    it(`sliced W2 of the ${path} sort with tied projections, m = 4096, 3001, ${SLICED_LANE_BLOCK - 11}`, async () => {
      const gpu = await testDevice();
      const mixture = prepareMixture(targetPreset('ring8'));
      const grid = (x: Float64Array) => x.map((v) => Math.round(4 * v) / 4);
      for (const m of [4096, 3001, SLICED_LANE_BLOCK - 11]) {
        const reference = grid(sampleMixture(mixture, m, 1, 0.3, 7));
        const generated = grid(sampleMixture(mixture, m, 0.9, 0.5, 8));
        const directions = slicedDirections(2, 3);
        const { ofReference, ofGenerated } = await gpuDiagnostics(gpu, mixture, reference, generated, 1, 0.3, directions, path);
        const sw2 = slicedW2(generated, reference, 2, directions);
        expect(sw2).toBeGreaterThan(0.01);
        expect(Math.abs(ofGenerated.sw2 - sw2)).toBeLessThan(1e-4 * sw2);
        // the same points sort to the same order: exactly 0 against itself
        expect(ofReference.sw2).toBe(0);
      }
    });
  }

  it('point masses at σ = 0: modes by nearest mean, NLL not defined (null)', async () => {
    const gpu = await testDevice();
    const points = [[0.5, 0.2], [-0.7, 0.4], [0.1, -0.9]];
    const mixture = prepareMixture({ weights: [1, 1, 1], means: points, covs: points.map(() => [[0, 0], [0, 0]]) });
    const m = 300;
    // points scattered around the masses with weights 1/2, 1/3, 1/6 (not the target's 1/3 each)
    const generated = new Float64Array(2 * m);
    const jitter = sampleMixture(prepareMixture({ weights: [1], means: [[0, 0]], covs: [[[0.01, 0], [0, 0.01]]] }), m, 1, 0, 5);
    for (let i = 0; i < m; i++) {
      const k = i < m / 2 ? 0 : i < (5 * m) / 6 ? 1 : 2;
      generated[2 * i] = points[k][0] + jitter[2 * i];
      generated[2 * i + 1] = points[k][1] + jitter[2 * i + 1];
    }
    const g32 = f32(generated);
    const reference = f32(sampleMixture(mixture, m, 1, 0, 6));
    const { ofGenerated, ofReference } = await gpuDiagnostics(gpu, mixture, reference, g32, 1, 0, slicedDirections(2, 1));
    expect(Array.from(ofGenerated.modeCounts)).toEqual([150, 100, 50]);
    // ½(|1/2 − 1/3| + |1/3 − 1/3| + |1/6 − 1/3|) = 1/6
    expect(ofGenerated.modeMass).toBeCloseTo(1 / 6, 12);
    expect(ofGenerated.nll).toBeNull();
    expect(ofReference.nll).toBeNull();
  });
});

describe('GPU backend against the CPU backend: diagnostics in sample and sweep results', () => {
  // the GPU samples are float32 (1e-5 relative RMS from the CPU's): SW2 and NLL agree to 1e-3 relative, mode counts
  // within 2 points, the null values (exact sets rounded to f32 on the GPU) to 1e-4 relative or 5e-6 absolute
  const close = (g: number, c: number, rel: number, abs = 0) => expect(Math.abs(g - c)).toBeLessThanOrEqual(rel * Math.abs(c) + abs);

  it('sample: SW2, mode mass, NLL, the exact set’s NLL and all null values', async () => {
    const gpu = await testDevice();
    const spec = parseSpec({ ...DEFAULT_SPEC, n: 512, nfe: 5, target: { type: 'preset', name: 'two-moons-gmm' }, seed: 4 });
    const backend = new GpuSamplerBackend(gpu);
    const g = (await withGpuErrors(gpu, () => backend.sample(spec, { metrics: true }))).metrics!;
    const c = (await new CpuSamplerBackend().sample(spec, { metrics: true })).metrics!;
    expect(c.sw2).toBeGreaterThan(c.nulls.sw2); // 5 NFE is visibly off
    close(g.sw2, c.sw2, 1e-3);
    close(g.modeMass, c.modeMass, 0, 2 / 512 + 1e-12);
    close(g.nll!, c.nll!, 1e-3, 1e-4);
    close(g.nllReference!, c.nllReference!, 1e-4, 1e-5);
    close(g.nulls.sw2, c.nulls.sw2, 1e-4);
    close(g.nulls.mmd2, c.nulls.mmd2, 1e-3, 5e-6);
    close(g.nulls.energy, c.nulls.energy, 1e-3, 5e-6);
    close(g.nulls.modeMass, c.nulls.modeMass, 0, 2 / 512 + 1e-12);
    backend.destroy();
  });

  it('sweep with 2 seeds: every metric per seed (but wall time) and the null bands agree', async () => {
    const gpu = await testDevice();
    const spec = parseSpec({ ...DEFAULT_SPEC, n: 256 });
    const options = { nfes: [4, 8], solvers: ['dpmpp-2m' as const], seeds: 2 };
    const backend = new GpuSamplerBackend(gpu);
    const g = await withGpuErrors(gpu, () => backend.sweep(spec, options));
    const c = await new CpuSamplerBackend().sweep(spec, options);
    expect(g.seeds).toEqual([0, 1]);
    g.curves[0].points.forEach((point, p) => {
      const cpu = c.curves[0].points[p];
      for (const name of SWEEP_METRICS) {
        if (name === 'wallMs') continue;
        const [gv, cv] = [point.stats![name].values as number[], cpu.stats![name].values as number[]];
        expect(gv).toHaveLength(2);
        gv.forEach((v, s) => {
          if (name === 'modeMass') close(v, cv[s], 0, 2 / 256 + 1e-12);
          else if (name === 'mmd2' || name === 'energy') close(v, cv[s], 1e-3, 5e-6);
          else close(v, cv[s], 1e-3, 1e-4);
        });
        expect(point.stats![name].ci95).not.toBeNull();
      }
    });
    close(g.nullBands!.sw2.mean!, c.nullBands!.sw2.mean!, 1e-4);
    close(g.nullBands!.nll.mean!, c.nullBands!.nll.mean!, 1e-4, 1e-5);
    backend.destroy();
  });

  it('the points target ending at σ = 0: NLL null on the GPU too', async () => {
    const gpu = await testDevice();
    const spec = parseSpec({ ...DEFAULT_SPEC, process: { type: 'edm' }, schedule: { type: 'karras' }, tStart: undefined, tEnd: undefined, solver: { name: 'dpmpp-2m' }, target: { type: 'points', points: [[0.5, 0.2], [-0.7, 0.4], [0.1, -0.9]] }, n: 128, nfe: 8 });
    const backend = new GpuSamplerBackend(gpu);
    const g = (await withGpuErrors(gpu, () => backend.sample(spec, { metrics: true }))).metrics!;
    const c = (await new CpuSamplerBackend().sample(spec, { metrics: true })).metrics!;
    expect(g.nll).toBeNull();
    expect(g.nllReference).toBeNull();
    close(g.modeMass, c.modeMass, 0, 2 / 128 + 1e-12);
    close(g.sw2, c.sw2, 1e-3);
    backend.destroy();
  });
});
