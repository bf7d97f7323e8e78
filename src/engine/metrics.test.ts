// The new metrics wired into sample and sweep results on the float64 CPU backend (the GPU backend is checked
// against this one in metrics.gpu.test.ts): SW2, mode-mass error, NLL with the exact set's NLL, null values, seeds.
import { describe, expect, it } from 'vitest';
import { mmdSquaredUnbiased, mmdBandwidths } from '../core/metrics/distance.ts';
import { slicedDirections, slicedW2 } from '../core/metrics/sliced.ts';
import { resolveExperiment } from '../core/sampling/experiment.ts';
import { mixtureLogDensity, mixtureScale } from '../core/sampling/gmm.ts';
import { DEFAULT_SPEC, parseSpec } from '../core/spec/spec.ts';
import { CpuSamplerBackend, SWEEP_METRICS, exactEndSamples, exactNullSamples, finalAlphaSigma } from './sampling.ts';

const meanNll = (mixture: ReturnType<typeof resolveExperiment>['mixture'], x: Float64Array, alpha: number, sigma: number) => {
  let s = 0;
  for (let i = 0; i < x.length / 2; i++) s -= mixtureLogDensity(mixture, [x[2 * i], x[2 * i + 1]], alpha, sigma);
  return (s / x.length) * 2;
};

describe('sample metrics on the CPU backend', () => {
  it('SW2, NLL and null values are computed against the exact reference set of p_{t_end} with the seed’s directions', async () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, n: 200, nfe: 6, seed: 5 });
    const outcome = await new CpuSamplerBackend().sample(spec, { metrics: true });
    const metrics = outcome.metrics!;
    const experiment = resolveExperiment(spec);
    const reference = exactEndSamples(experiment, spec, 200);
    const nullSet = exactNullSamples(experiment, spec, 200);
    const samples = Float64Array.from(outcome.samples);
    const dirs = slicedDirections(2, 5);
    expect(metrics.sw2).toBeCloseTo(slicedW2(samples, reference, 2, dirs), 12);
    expect(metrics.nulls.sw2).toBeCloseTo(slicedW2(nullSet, reference, 2, dirs), 12);
    expect(metrics.nulls.mmd2).toBeCloseTo(mmdSquaredUnbiased(nullSet, reference, 2, mmdBandwidths(mixtureScale(experiment.mixture))), 12);
    // the null set is a second, independent exact set, not the reference set again
    expect(Array.from(nullSet.subarray(0, 4))).not.toEqual(Array.from(reference.subarray(0, 4)));
    const { alpha, sigma } = finalAlphaSigma(experiment, spec);
    expect(metrics.nll!).toBeCloseTo(meanNll(experiment.mixture, samples, alpha, sigma), 10);
    expect(metrics.nllReference!).toBeCloseTo(meanNll(experiment.mixture, reference, alpha, sigma), 10);
    // 6-NFE samples are a little off: above the null, and less likely than exact samples
    expect(metrics.sw2).toBeGreaterThan(0);
    expect(metrics.modeMass).toBeGreaterThanOrEqual(0);
    expect(metrics.modeMass).toBeLessThanOrEqual(1);
  });

  it('the points target on a grid ending at σ = 0 has no NLL (null), but SW2 and mode mass', async () => {
    const spec = parseSpec({ ...DEFAULT_SPEC, process: { type: 'edm' }, schedule: { type: 'karras' }, tStart: undefined, tEnd: undefined, solver: { name: 'dpmpp-2m' }, target: { type: 'points', points: [[0.5, 0.2], [-0.7, 0.4], [0.1, -0.9]] }, n: 90, nfe: 8 });
    const metrics = (await new CpuSamplerBackend().sample(spec, { metrics: true })).metrics!;
    expect(metrics.nll).toBeNull();
    expect(metrics.nllReference).toBeNull();
    expect(Number.isFinite(metrics.sw2) && Number.isFinite(metrics.modeMass) && Number.isFinite(metrics.nulls.modeMass)).toBe(true);
  });
});

describe('sweeps over seeds', () => {
  const spec = parseSpec({ ...DEFAULT_SPEC, n: 64, seed: 10 });
  const options = { nfes: [3, 6], solvers: ['ddim', 'dpmpp-2m'] as const };

  it('with 3 seeds: each seed’s values are those of a one-seed sweep at that seed; mean and t interval over them', async () => {
    const progress: number[] = [];
    const result = await new CpuSamplerBackend().sweep(spec, { ...options, solvers: [...options.solvers], seeds: 3, onProgress: (done) => progress.push(done) });
    expect(result.seeds).toEqual([10, 11, 12]);
    expect(progress).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    const single = await Promise.all([10, 11, 12].map((seed) => new CpuSamplerBackend().sweep({ ...spec, seed }, { ...options, solvers: [...options.solvers] })));
    const t2 = 0.95 / Math.sqrt(2 * 0.975 * 0.025); // t_{0.975, 2}, closed form for 2 dof
    result.curves.forEach((curve, c) =>
      curve.points.forEach((point, p) => {
        for (const name of SWEEP_METRICS) {
          const stats = point.stats![name];
          const perSeed = single.map((r) => r.curves[c].points[p].stats![name].mean as number);
          if (name !== 'wallMs') stats.values.forEach((v, s) => expect(v).toBeCloseTo(perSeed[s], 12));
          const values = stats.values as number[];
          const mean = values.reduce((a, b) => a + b) / 3;
          const sd = Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / 2);
          expect(stats.mean).toBeCloseTo(mean, 12);
          expect(stats.ci95![0]).toBeCloseTo(mean - (t2 * sd) / Math.sqrt(3), 8);
          expect(stats.ci95![1]).toBeCloseTo(mean + (t2 * sd) / Math.sqrt(3), 8);
          for (const v of values) {
            expect(v).toBeGreaterThanOrEqual(stats.ci95![0]);
            expect(v).toBeLessThanOrEqual(stats.ci95![1]);
          }
        }
        // the plain fields are the means
        expect(point.mmd2).toBe(point.stats!.mmd2.mean);
        expect(point.sw2).toBe(point.stats!.sw2.mean);
        expect(point.nll).toBe(point.stats!.nll.mean);
        // replicates differ: the interval has width
        expect(point.stats!.rmse.ci95![1]).toBeGreaterThan(point.stats!.rmse.ci95![0]);
      }),
    );
    // null bands: one null value per seed (its reference set), equal to the seed's own sample-run nulls
    for (const name of ['mmd2', 'energy', 'sw2', 'modeMass', 'nll'] as const) expect(result.nullBands![name].values).toHaveLength(3);
    const seed11 = (await new CpuSamplerBackend().sample({ ...spec, seed: 11, nfe: 3, solver: { name: 'ddim' } }, { metrics: true })).metrics!;
    expect(result.nullBands!.sw2.values[1]).toBeCloseTo(seed11.nulls.sw2, 12);
    expect(result.nullBands!.mmd2.values[1]).toBeCloseTo(seed11.nulls.mmd2, 12);
    expect(result.nullBands!.nll.values[1]).toBeCloseTo(seed11.nllReference!, 12);
  });

  it('with one seed: the values as before and no interval (null, not zero-width)', async () => {
    const result = await new CpuSamplerBackend().sweep(spec, { ...options, solvers: ['ddim'] });
    expect(result.seeds).toEqual([10]);
    const point = result.curves[0].points[1];
    const sample = (await new CpuSamplerBackend().sample({ ...spec, nfe: 6, solver: { name: 'ddim' } }, { metrics: true })).metrics!;
    expect(point.mmd2).toBe(sample.mmd2);
    expect(point.rmse).toBe(sample.rmse);
    expect(point.sw2).toBe(sample.sw2);
    for (const name of SWEEP_METRICS) expect(point.stats![name].ci95).toBeNull();
    expect(result.nullBands!.sw2.ci95).toBeNull();
    expect(result.nullBands!.sw2.mean).toBe(sample.nulls.sw2);
  });

  it('rejects a bad seed count with a message naming it and what is allowed', async () => {
    for (const seeds of [0, 1.5, 101]) await expect(new CpuSamplerBackend().sweep(spec, { ...options, solvers: ['ddim'], seeds })).rejects.toThrow(new RegExp(`seeds: got ${seeds}; allowed: an integer 1…100`));
    await expect(new CpuSamplerBackend().sweep({ ...spec, seed: 0xffffffff }, { ...options, solvers: ['ddim'], seeds: 2 })).rejects.toThrow(/pass the largest seed/);
  });
});
