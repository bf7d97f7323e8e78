// Sample and sweep runs for one spec, on the GPU (float32) or on the CPU (the float64 interpreter).
// Both backends draw the same x_T (counter-based RNG), compare against the same exact reference samples of
// p_{t_end} and the same RK4 reference solution, so their numbers agree to float32 rounding.

import { energyFromSums, mmdBandwidths, mmdFromSums, pairSums, sameNoiseRmse } from '../core/metrics/distance.ts';
import { buildSpecProgram, mixtureModel, resolveExperiment, targetImageShape, type ResolvedExperiment } from '../core/sampling/experiment.ts';
import { mixtureScale, sampleMixture } from '../core/sampling/gmm.ts';
import { runProgramCpu } from '../core/sampling/interpreter.ts';
import { REFERENCE_STEPS, rk4ReferenceProgram } from '../core/sampling/reference.ts';
import { scheduleEndsAtZero } from '../core/sampling/schedules.ts';
import type { SamplerProgram } from '../core/sampling/program.ts';
import { BudgetError, type SolverName } from '../core/sampling/solvers.ts';
import type { SampleSpec } from '../core/spec/spec.ts';
import { RngStream, fillNormal } from '../core/util/rng.ts';
import { FD_REFERENCE_SAMPLES, FrechetReferences, type FrechetMetrics, type ImageFitter, cpuImageFits } from './frechetMetrics.ts';
import { GpuFeatures } from './gpuFeatures.ts';
import { GpuMetrics } from './gpuMetrics.ts';
import { GpuSampler, type GpuRun } from './gpuSampler.ts';

export type Backend = 'gpu' | 'cpu';

/** metrics use at most this many generated and reference samples (specs §17.3a: 4096 and 4096) */
export const METRIC_SAMPLES = 4096;

export interface RunMetrics {
  /** unbiased multi-bandwidth RBF MMD² against fresh exact samples of p_{t_end} */
  mmd2: number;
  /** unbiased energy distance against the same samples (specs §17.3a, secondary) */
  energy: number;
  /** same-noise RMSE against the RK4 reference solution from the same x_T */
  rmse: number;
  /** particles used for the metrics */
  metricSamples: number;
}

/**
 * Image targets (glyphs16) add FD-RF and FD-pix with their null bands (specs §17.3b; frechetMetrics.ts), over all
 * n generated samples. MMD², energy and RMSE are still reported beside them (same definitions as in 2D; their
 * pairwise pass costs O(m²·d), affordable on a GPU at m = 4096, d = 256).
 */
export interface RunMetrics extends Partial<FrechetMetrics> {}

/** Options of both backends. */
export interface BackendOptions {
  /** exact samples behind FD-RF's reference statistics (default FD_REFERENCE_SAMPLES = 50 000, specs §17.3b) */
  fdReferenceSamples?: number;
}

export interface SampleOutcome {
  backend: Backend;
  samples: Float32Array | Float64Array;
  /** (steps + 1)·n·d, grid-index major, when requested */
  trajectory?: Float32Array | Float64Array;
  times: number[];
  nfe: number;
  metrics?: RunMetrics;
  /** wall time of the sampling itself (no metrics), ms */
  wallMs: number;
  /** GPU handle to the particles (GPU backend only): for drawing without readback */
  gpuRun?: GpuRun;
}

export interface SampleOptions {
  /** x_T (n·d), replacing the drawn noise */
  noise?: Float32Array | Float64Array;
  recordTrajectory?: boolean;
  metrics?: boolean;
  /** read samples back to the CPU (default true) */
  readSamples?: boolean;
}

export interface SweepPoint {
  nfe: number;
  mmd2: number;
  energy: number;
  rmse: number;
  wallMs: number;
  /** image targets only (specs §17.3b) */
  fdRf?: number;
  fdPix?: number;
}

export interface SweepCurve {
  solver: SolverName;
  points: SweepPoint[];
}

export interface SweepResult {
  nfes: number[];
  curves: SweepCurve[];
  metricSamples: number;
  backend: Backend;
  /** image targets only: the null bands of FD-RF and FD-pix at this n, and the reference size */
  fdRfNull?: number;
  fdPixNull?: number;
  fdReferenceSamples?: number;
}

export interface SweepOptions {
  nfes: number[];
  solvers: SolverName[];
  onProgress?: (done: number, total: number, point?: SweepPoint & { solver: SolverName }) => void;
  signal?: AbortSignal;
}

export class CancelledError extends Error {
  constructor() {
    super('cancelled');
    this.name = 'CancelledError';
  }
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

/**
 * The sweep loop shared by both backends: every (solver, NFE) pair from the same x_T (common random
 * numbers, specs §17.4), with progress after each point and cancellation between points.
 */
async function sweepPoints(
  spec: SampleSpec,
  experiment: ResolvedExperiment,
  options: SweepOptions,
  measurePoint: (program: SamplerProgram) => Promise<{ metrics: RunMetrics; wallMs: number }>,
): Promise<SweepCurve[]> {
  const total = options.nfes.length * options.solvers.length;
  let done = 0;
  const curves: SweepCurve[] = [];
  for (const solver of options.solvers) {
    const points: SweepPoint[] = [];
    for (const nfe of options.nfes) {
      if (options.signal?.aborted) throw new CancelledError();
      let program: SamplerProgram;
      try {
        program = buildSpecProgram({ ...spec, solver: { name: solver }, nfe, steps: undefined }, experiment.process);
      } catch (error) {
        // a budget below one step of this solver (e.g. RK4 with 2 NFE) has no point on its curve
        if (!(error instanceof BudgetError)) throw error;
        options.onProgress?.(++done, total);
        continue;
      }
      // budgets below a multiple of a solver's stages give the same program again (e.g. RK4 at 4, 5, 6): one point
      if (points.length && points[points.length - 1].nfe === program.nfe) {
        options.onProgress?.(++done, total);
        continue;
      }
      const { metrics, wallMs } = await measurePoint(program);
      const point: SweepPoint = { nfe: program.nfe, mmd2: metrics.mmd2, energy: metrics.energy, rmse: metrics.rmse, wallMs };
      if (metrics.fdRf !== undefined) Object.assign(point, { fdRf: metrics.fdRf, fdPix: metrics.fdPix });
      points.push(point);
      options.onProgress?.(++done, total, { ...point, solver });
    }
    curves.push({ solver, points });
  }
  return curves;
}

/** Everything the metrics of a spec depend on besides the solver: the key for caching references. */
function referenceKey(spec: SampleSpec): string {
  return JSON.stringify([spec.process, spec.target, spec.tStart, spec.tEnd, scheduleEndsAtZero(spec.schedule), spec.n, spec.seed]);
}

/** where the samples end: tEnd, or t = 0 (the data, σ = 0) for grids that end there (specs §17.4) */
export function finalTime(spec: SampleSpec): number {
  return scheduleEndsAtZero(spec.schedule) ? 0 : spec.tEnd;
}

/** Fresh exact samples of p at the final time (independent of x_T: their own RNG streams), float64. */
export function exactEndSamples(experiment: ResolvedExperiment, spec: SampleSpec, count: number): Float64Array {
  const { process, mixture } = experiment;
  const t = finalTime(spec);
  return sampleMixture(mixture, count, process.alpha(t), process.sigma(t), spec.seed);
}

/** the same-noise reference for the spec's endpoint */
function referenceProgram(spec: SampleSpec, experiment: ResolvedExperiment) {
  return rk4ReferenceProgram(experiment.process, spec.tStart, spec.tEnd, REFERENCE_STEPS, scheduleEndsAtZero(spec.schedule));
}

function drawNoise(spec: SampleSpec, dim: number): Float64Array {
  return fillNormal(new Float64Array(spec.n * dim), spec.n, dim, spec.seed, RngStream.initialNoise);
}

/** FD reference statistics of an image target, cached by everything they depend on */
class FrechetCache {
  private key = '';
  private refs: FrechetReferences | null = null;

  constructor(private readonly referenceSamples: number) {}

  async get(spec: SampleSpec, experiment: ResolvedExperiment, fit: ImageFitter): Promise<FrechetReferences | null> {
    if (!targetImageShape(spec.target)) return null;
    const t = finalTime(spec);
    const key = JSON.stringify([spec.process, spec.target, t, spec.seed, spec.n, this.referenceSamples]);
    if (key !== this.key || !this.refs) {
      const { process, mixture } = experiment;
      this.refs = await FrechetReferences.build(mixture, process.alpha(t), process.sigma(t), spec.seed, this.referenceSamples, spec.n, fit);
      this.key = key;
    }
    return this.refs;
  }
}

function frechetSweepFields(refs: FrechetReferences | null): Partial<SweepResult> {
  return refs ? { fdRfNull: refs.nullRf, fdPixNull: refs.nullPix, fdReferenceSamples: refs.referenceSamples } : {};
}

// ---------------------------------------------------------------------------------------------------- CPU

export class CpuSamplerBackend {
  readonly kind = 'cpu' as const;
  private cache: { key: string; reference: Float64Array; solution: Float64Array; bandwidths: number[] } | null = null;
  private readonly frechet: FrechetCache;

  constructor(options: BackendOptions = {}) {
    this.frechet = new FrechetCache(options.fdReferenceSamples ?? FD_REFERENCE_SAMPLES);
  }

  /** FD-RF / FD-pix of all n samples (image targets), float64 */
  private async frechetMetrics(spec: SampleSpec, experiment: ResolvedExperiment, samples: Float64Array): Promise<FrechetMetrics | undefined> {
    const refs = await this.frechet.get(spec, experiment, cpuImageFits);
    return refs ? refs.measure(await cpuImageFits(samples, spec.n), spec.n) : undefined;
  }

  private references(spec: SampleSpec, experiment: ResolvedExperiment, xT: Float64Array) {
    const key = referenceKey(spec) + (xT === undefined ? '' : `:${xT.length}:${xT[0]}:${xT[xT.length - 1]}`);
    if (this.cache?.key === key) return this.cache;
    const m = Math.min(spec.n, METRIC_SAMPLES);
    const d = experiment.dim;
    const reference = exactEndSamples(experiment, spec, m);
    const solution = runProgramCpu(referenceProgram(spec, experiment), mixtureModel(experiment.mixture), xT.subarray(0, m * d)).x;
    this.cache = { key, reference, solution, bandwidths: mmdBandwidths(mixtureScale(experiment.mixture)) };
    return this.cache;
  }

  private metrics(spec: SampleSpec, experiment: ResolvedExperiment, xT: Float64Array, samples: Float64Array): RunMetrics {
    const refs = this.references(spec, experiment, xT);
    const d = experiment.dim;
    const m = refs.solution.length / d;
    const generated = samples.subarray(0, m * d);
    const sums = pairSums(generated, refs.reference, d, refs.bandwidths);
    return {
      mmd2: mmdFromSums(sums.rbf, m, m),
      energy: energyFromSums(sums.distance, m, m),
      rmse: sameNoiseRmse(generated, refs.solution),
      metricSamples: m,
    };
  }

  async sample(spec: SampleSpec, options: SampleOptions = {}): Promise<SampleOutcome> {
    const experiment = resolveExperiment(spec);
    const xT = options.noise ? Float64Array.from(options.noise) : drawNoise(spec, experiment.dim);
    const start = now();
    const result = runProgramCpu(experiment.program, mixtureModel(experiment.mixture), xT, { recordTrajectory: options.recordTrajectory, seed: spec.seed });
    const wallMs = now() - start;
    let trajectory: Float64Array | undefined;
    if (result.trajectory) {
      trajectory = new Float64Array(result.trajectory.length * xT.length);
      result.trajectory.forEach((frame, i) => trajectory!.set(frame, i * xT.length));
    }
    return {
      backend: 'cpu',
      samples: result.x,
      trajectory,
      times: experiment.program.times,
      nfe: experiment.program.nfe,
      metrics: options.metrics ? { ...this.metrics(spec, experiment, xT, result.x), ...(await this.frechetMetrics(spec, experiment, result.x)) } : undefined,
      wallMs,
    };
  }

  async sweep(spec: SampleSpec, options: SweepOptions): Promise<SweepResult> {
    const experiment = resolveExperiment(spec);
    const xT = drawNoise(spec, experiment.dim);
    const model = mixtureModel(experiment.mixture);
    const curves = await sweepPoints(spec, experiment, options, async (program) => {
      const start = now();
      const x = runProgramCpu(program, model, xT, { seed: spec.seed }).x;
      const wallMs = now() - start;
      // yield to the event loop between points so that progress shows and a cancel can arrive
      await new Promise((resolve) => setTimeout(resolve, 0));
      return { metrics: { ...this.metrics(spec, experiment, xT, x), ...(await this.frechetMetrics(spec, experiment, x)) }, wallMs };
    });
    const refs = await this.frechet.get(spec, experiment, cpuImageFits);
    return { nfes: options.nfes, curves, metricSamples: Math.min(spec.n, METRIC_SAMPLES), backend: 'cpu', ...frechetSweepFields(refs) };
  }
}

// ---------------------------------------------------------------------------------------------------- GPU

export class GpuSamplerBackend {
  readonly kind = 'gpu' as const;
  readonly sampler: GpuSampler;
  private readonly referenceSampler: GpuSampler;
  readonly metrics: GpuMetrics;
  private targetKey = '';
  private referenceSetKey = '';
  private solutionKey = '';
  private readonly frechet: FrechetCache;
  /** the feature map and moment kernels, created on the first image target */
  private features: GpuFeatures | null = null;
  /** reference statistics of the current image target (null for other targets) */
  private frechetRefs: FrechetReferences | null = null;

  constructor(
    readonly device: GPUDevice,
    options: BackendOptions = {},
  ) {
    this.sampler = new GpuSampler(device, 'sampler');
    this.referenceSampler = new GpuSampler(device, 'reference');
    this.metrics = new GpuMetrics(device);
    this.frechet = new FrechetCache(options.fdReferenceSamples ?? FD_REFERENCE_SAMPLES);
  }

  /** φ and the moments on the GPU (f32), for exact sets uploaded from the CPU */
  private gpuImageFits: ImageFitter = async (samples) => {
    this.features ??= new GpuFeatures(this.device);
    const fits = await this.features.momentsOf(samples, { features: true, pixels: true });
    return { features: fits.features!, pixels: fits.pixels! };
  };

  private prepare(spec: SampleSpec): ResolvedExperiment {
    const experiment = resolveExperiment(spec);
    const key = JSON.stringify(spec.target);
    if (key !== this.targetKey) {
      this.sampler.setTarget(experiment.mixture);
      this.referenceSampler.setTarget(experiment.mixture);
      this.targetKey = key;
    }
    return experiment;
  }

  private async prepareMetrics(spec: SampleSpec, experiment: ResolvedExperiment, noise?: Float32Array<ArrayBuffer>): Promise<number> {
    const m = Math.min(spec.n, METRIC_SAMPLES);
    const setKey = JSON.stringify([spec.process, spec.target, finalTime(spec), spec.seed, m]);
    if (setKey !== this.referenceSetKey) {
      const reference = Float32Array.from(exactEndSamples(experiment, spec, m));
      await this.metrics.setReference(reference, experiment.dim, mmdBandwidths(mixtureScale(experiment.mixture)));
      this.referenceSetKey = setKey;
    }
    const solutionKey = referenceKey(spec) + (noise ? `:noise:${noise.length}:${noise[0]}:${noise[noise.length - 1]}` : '');
    if (solutionKey !== this.solutionKey) {
      const run = await this.referenceSampler.run(referenceProgram(spec, experiment), { n: spec.n, seed: spec.seed, noise });
      this.metrics.storeSolution(run.regs, run.resultRegister, spec.n);
      this.solutionKey = solutionKey;
    }
    this.frechetRefs = await this.frechet.get(spec, experiment, this.gpuImageFits);
    return m;
  }

  private async measure(run: GpuRun, m: number): Promise<RunMetrics> {
    const { mmd2, energy } = await this.metrics.distances(run.regs, run.resultRegister, run.n, m);
    const rmse = await this.metrics.rmse(run.regs, run.resultRegister, run.n, m);
    const metrics: RunMetrics = { mmd2, energy, rmse, metricSamples: m };
    if (this.frechetRefs) {
      // FD-RF / FD-pix of all n particles, straight from the register file: only μ and Σ come back
      this.features ??= new GpuFeatures(this.device);
      const fits = await this.features.moments(run.regs, run.resultRegister * run.n * run.dim, run.n, { features: true, pixels: true });
      Object.assign(metrics, this.frechetRefs.measure({ features: fits.features!, pixels: fits.pixels! }, run.n));
    }
    return metrics;
  }

  async sample(spec: SampleSpec, options: SampleOptions = {}): Promise<SampleOutcome> {
    const experiment = this.prepare(spec);
    const noise = options.noise ? Float32Array.from(options.noise) : undefined;
    const m = options.metrics ? await this.prepareMetrics(spec, experiment, noise) : 0;
    const start = now();
    const run = await this.sampler.run(experiment.program, { n: spec.n, seed: spec.seed, noise, recordTrajectory: options.recordTrajectory });
    const wallMs = now() - start;
    const metrics = options.metrics ? await this.measure(run, m) : undefined;
    const read = options.readSamples ?? true;
    return {
      backend: 'gpu',
      samples: read ? await this.sampler.readSamples(run) : new Float32Array(0),
      trajectory: read && options.recordTrajectory ? await this.sampler.readTrajectory(run) : undefined,
      times: run.times,
      nfe: run.nfe,
      metrics,
      wallMs,
      gpuRun: run,
    };
  }

  async sweep(spec: SampleSpec, options: SweepOptions): Promise<SweepResult> {
    const experiment = this.prepare(spec);
    const m = await this.prepareMetrics(spec, experiment);
    const curves = await sweepPoints(spec, experiment, options, async (program) => {
      const start = now();
      const run = await this.sampler.run(program, { n: spec.n, seed: spec.seed });
      const wallMs = now() - start;
      return { metrics: await this.measure(run, m), wallMs };
    });
    return { nfes: options.nfes, curves, metricSamples: m, backend: 'gpu', ...frechetSweepFields(this.frechetRefs) };
  }

  destroy(): void {
    this.sampler.destroy();
    this.referenceSampler.destroy();
    this.metrics.destroy();
    this.features?.destroy();
  }
}

export type SamplerBackend = CpuSamplerBackend | GpuSamplerBackend;
