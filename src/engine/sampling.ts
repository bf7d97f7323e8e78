// Sample and sweep runs for one spec, on the GPU (float32) or on the CPU (the float64 interpreter).
// Both backends draw the same x_T (counter-based RNG), compare against the same exact reference samples of
// p_{t_end} and the same RK45 reference solution (reference.ts), so their numbers agree to float32 rounding.

import { energyFromSums, mmdBandwidths, mmdFromSums, pairSums, sameNoiseRmse } from '../core/metrics/distance.ts';
import { buildSpecProgram, mixtureModel, resolveExperiment, type ResolvedExperiment } from '../core/sampling/experiment.ts';
import { mixtureScale, sampleMixture } from '../core/sampling/gmm.ts';
import { runProgramCpu } from '../core/sampling/interpreter.ts';
import { sameNoiseReference } from '../core/sampling/reference.ts';
import { scheduleEndsAtZero } from '../core/sampling/schedules.ts';
import type { Program } from '../core/sampling/program.ts';
import { BudgetError, SOLVERS, type SolverName } from '../core/sampling/solvers.ts';
import { sweepTolerance } from '../core/sampling/driven.ts';
import type { SampleSpec } from '../core/spec/spec.ts';
import { RngStream, fillNormal } from '../core/util/rng.ts';
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
  /** same-noise RMSE against the RK45 reference solution (rtol = atol = 1e-7) from the same x_T */
  rmse: number;
  /** particles used for the metrics */
  metricSamples: number;
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
  measurePoint: (program: Program) => Promise<{ metrics: RunMetrics; wallMs: number; nfe: number }>,
): Promise<SweepCurve[]> {
  const total = options.nfes.length * options.solvers.length;
  let done = 0;
  const curves: SweepCurve[] = [];
  for (const solver of options.solvers) {
    const points: SweepPoint[] = [];
    for (const [index, nfe] of options.nfes.entries()) {
      if (options.signal?.aborted) throw new CancelledError();
      let program: Program;
      try {
        // an adaptive solver is swept over its tolerance ladder instead: its NFE is what that tolerance costs
        const solverSpec = SOLVERS[solver].family === 'adaptive' ? { name: solver, ...sweepTolerance(solver, index) } : { name: solver };
        program = buildSpecProgram({ ...spec, solver: solverSpec, nfe, steps: undefined }, experiment.process);
      } catch (error) {
        // a budget below one step of this solver (e.g. RK4 with 2 NFE) has no point on its curve
        if (!(error instanceof BudgetError)) throw error;
        options.onProgress?.(++done, total);
        continue;
      }
      // budgets below a multiple of a solver's stages give the same program again (e.g. RK4 at 4, 5, 6): one point
      const known = program.nfe; // undefined for adaptive solvers until they have run
      if (known !== undefined && points.some((p) => p.nfe === known)) {
        options.onProgress?.(++done, total);
        continue;
      }
      const measured = await measurePoint(program);
      const point = { nfe: measured.nfe, mmd2: measured.metrics.mmd2, energy: measured.metrics.energy, rmse: measured.metrics.rmse, wallMs: measured.wallMs };
      if (!points.some((p) => p.nfe === point.nfe)) points.push(point);
      options.onProgress?.(++done, total, { ...point, solver });
    }
    points.sort((a, b) => a.nfe - b.nfe);
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
  return sameNoiseReference(experiment.process, spec.tStart, spec.tEnd, scheduleEndsAtZero(spec.schedule));
}

function drawNoise(spec: SampleSpec, dim: number): Float64Array {
  return fillNormal(new Float64Array(spec.n * dim), spec.n, dim, spec.seed, RngStream.initialNoise);
}

// ---------------------------------------------------------------------------------------------------- CPU

export class CpuSamplerBackend {
  readonly kind = 'cpu' as const;
  private cache: { key: string; reference: Float64Array; solution: Float64Array; bandwidths: number[] } | null = null;

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
      times: result.times,
      nfe: result.nfe,
      metrics: options.metrics ? this.metrics(spec, experiment, xT, result.x) : undefined,
      wallMs,
    };
  }

  async sweep(spec: SampleSpec, options: SweepOptions): Promise<SweepResult> {
    const experiment = resolveExperiment(spec);
    const xT = drawNoise(spec, experiment.dim);
    const model = mixtureModel(experiment.mixture);
    const curves = await sweepPoints(spec, experiment, options, async (program) => {
      const start = now();
      const { x, nfe } = runProgramCpu(program, model, xT, { seed: spec.seed });
      const wallMs = now() - start;
      // yield to the event loop between points so that progress shows and a cancel can arrive
      await new Promise((resolve) => setTimeout(resolve, 0));
      return { metrics: this.metrics(spec, experiment, xT, x), wallMs, nfe };
    });
    return { nfes: options.nfes, curves, metricSamples: Math.min(spec.n, METRIC_SAMPLES), backend: 'cpu' };
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

  constructor(readonly device: GPUDevice) {
    this.sampler = new GpuSampler(device, 'sampler');
    this.referenceSampler = new GpuSampler(device, 'reference');
    this.metrics = new GpuMetrics(device);
  }

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
    return m;
  }

  private async measure(run: GpuRun, m: number): Promise<RunMetrics> {
    const { mmd2, energy } = await this.metrics.distances(run.regs, run.resultRegister, run.n, m);
    const rmse = await this.metrics.rmse(run.regs, run.resultRegister, run.n, m);
    return { mmd2, energy, rmse, metricSamples: m };
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
      return { metrics: await this.measure(run, m), wallMs, nfe: run.nfe };
    });
    return { nfes: options.nfes, curves, metricSamples: m, backend: 'gpu' };
  }

  destroy(): void {
    this.sampler.destroy();
    this.referenceSampler.destroy();
    this.metrics.destroy();
  }
}

export type SamplerBackend = CpuSamplerBackend | GpuSamplerBackend;
