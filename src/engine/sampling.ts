// Sample and sweep runs for one spec, on the GPU (float32) or on the CPU (the float64 interpreter).
// Both backends draw the same x_T (counter-based RNG), compare against the same exact reference samples of
// p_{t_end} and the same RK45 reference solution (reference.ts), so their numbers agree to float32 rounding.

import { meanNegLogDensity, modeMassError } from '../core/metrics/density.ts';
import { energyFromSums, mmdBandwidths, mmdFromSums, pairSum, pairSums, sameNoiseRmse } from '../core/metrics/distance.ts';
import { summarize, type MetricSummary } from '../core/metrics/intervals.ts';
import { slicedDirections, slicedSums, slicedW2FromSums, sortedProjections } from '../core/metrics/sliced.ts';
import { buildSpecProgram, makeProcess, mixtureModel, prepareTarget, resolveExperiment, targetImageShape, type ResolvedExperiment } from '../core/sampling/experiment.ts';
import { EmsNotCached, putEms } from '../core/sampling/ems.ts';
import type { NoiseProcess } from '../core/sampling/process.ts';
import { mixtureScale, sampleMixture, type PreparedMixture } from '../core/sampling/gmm.ts';
import { type DenoiserModel, SamplerDivergence, allFinite, runProgramCpu } from '../core/sampling/interpreter.ts';
import { sameNoiseReference } from '../core/sampling/reference.ts';
import { scheduleEndsAtZero } from '../core/sampling/schedules.ts';
import type { Program } from '../core/sampling/program.ts';
import { BudgetError, SOLVERS, type SolverName } from '../core/sampling/solvers.ts';
import { sweepTolerance } from '../core/sampling/driven.ts';
import type { SampleSpec } from '../core/spec/spec.ts';
import { RngStream, fillNormal } from '../core/util/rng.ts';
import { FD_REFERENCE_SAMPLES, FrechetReferences, type FrechetMetrics, type ImageFitter, cpuImageFits } from './frechetMetrics.ts';
import { GpuEms } from './emsGpu.ts';
import { GpuFeatures } from './gpuFeatures.ts';
import { GpuMetrics } from './gpuMetrics.ts';
import { GpuSampler, type GpuRun } from './gpuSampler.ts';

export type Backend = 'gpu' | 'cpu';

/** metrics use at most this many generated and reference samples (specs §17.3a: 4096 and 4096) */
export const METRIC_SAMPLES = 4096;

/**
 * The metrics' null values (specs §17.2, §17.4): each metric between a second independent exact set of p_{t_end}
 * (same size m) and the reference set, computed once per reference set. MMD² and energy have a zero-mean null
 * (this is one draw of it); SW2 is biased upwards (~m^{−1/2}) and the mode-mass error by multinomial noise
 * (~√(K/m)), so a generated set cannot be told from exact below these values.
 */
export interface NullValues {
  mmd2: number;
  energy: number;
  sw2: number;
  modeMass: number;
}

export interface RunMetrics {
  /** unbiased multi-bandwidth RBF MMD² against fresh exact samples of p_{t_end} */
  mmd2: number;
  /** unbiased energy distance against the same samples (specs §17.3a, secondary) */
  energy: number;
  /** same-noise RMSE against the RK45 reference solution (rtol = atol = 1e-7) from the same x_T */
  rmse: number;
  /** sliced W2 against the same exact samples, 256 seeded directions (specs §17.3a diagnostics; biased: see nulls.sw2) */
  sw2: number;
  /** mode-mass error ½Σ_k|π̂_k − π_k|, π̂ from argmax responsibilities under p_{t_end} (specs §17.3a) */
  modeMass: number;
  /**
   * mean exact NLL −E_gen[log p_{t_end}(x)]; null when p_{t_end} has no density (point masses at σ = 0).
   * Only meaningful next to nllReference (§17.3a: a low NLL alone is gamed by mode collapse).
   */
  nll: number | null;
  /** the same mean NLL on the exact reference set: a Monte-Carlo estimate of the entropy H(p_{t_end}); null likewise */
  nllReference: number | null;
  /** null values of mmd2, energy, sw2 and modeMass for this reference set */
  nulls: NullValues;
  /** particles used for the metrics */
  metricSamples: number;
}

/** the diagnostics among RunMetrics: a live view may measure them after the rest (GpuSamplerBackend.sampleDeferred) */
export type DiagnosticMetrics = Pick<RunMetrics, 'sw2' | 'modeMass' | 'nll'>;

/** RunMetrics whose diagnostics may still be pending (a deferred run's, until its `diagnostics()` resolves) */
export type RunMetricsSoFar = Omit<RunMetrics, keyof DiagnosticMetrics> & Partial<DiagnosticMetrics>;

/** whether the diagnostics of `metrics` are in */
export function hasDiagnostics(metrics: RunMetricsSoFar): metrics is RunMetrics {
  return metrics.sw2 !== undefined && metrics.modeMass !== undefined && metrics.nll !== undefined;
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
  /**
   * CPU only: the model a spec with `"model":{"type":"mlp",…}` samples with, loaded by the caller (core/spec
   * learnedModel.ts learnedDenoiser). The metrics' references (exact sets, the same-noise RK45 solution) stay the
   * exact target's, so a learned model's error shows as a floor in every metric.
   */
  model?: DenoiserModel;
}

/** the model a CPU run evaluates: the exact denoiser, or the learned model the spec names (given in BackendOptions) */
function samplingModel(spec: SampleSpec, experiment: ResolvedExperiment, learned: DenoiserModel | undefined): DenoiserModel {
  if (spec.model?.type !== 'mlp') return mixtureModel(experiment.mixture);
  if (!learned) throw new Error(`spec.model is a learned model ('${spec.model.file}'): load it and pass it as the backend's model (core/spec/learnedModel.ts)`);
  if (learned.dim !== experiment.dim) throw new Error(`spec.model: the learned model has dimension ${learned.dim}; the target has ${experiment.dim}`);
  return learned;
}

/** the GPU backend samples the exact denoiser only */
function refuseLearnedOnGpu(spec: SampleSpec): void {
  if (spec.model?.type === 'mlp') throw new Error(`learned models ("model":{"type":"mlp"}) sample on the CPU for now: use --backend cpu`);
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

/**
 * A run whose diagnostics (SW2, mode mass, NLL) are measured on request: its metrics are the distances, the RMSE and
 * (image targets) FD-RF / FD-pix. The final samples wait in a copy slot until `diagnostics()`; a later deferred run
 * in the same slot replaces them (its earlier `diagnostics()` then rejects).
 */
export interface DeferredOutcome extends Omit<SampleOutcome, 'metrics'> {
  metrics: RunMetricsSoFar;
  diagnostics(): Promise<DiagnosticMetrics>;
}

export interface SampleOptions {
  /** x_T (n·d), replacing the drawn noise */
  noise?: Float32Array | Float64Array;
  recordTrajectory?: boolean;
  metrics?: boolean;
  /** read samples back to the CPU (default true) */
  readSamples?: boolean;
}

/** the per-point metrics of a sweep that get a mean and an interval over seeds */
export const SWEEP_METRICS = ['mmd2', 'energy', 'rmse', 'sw2', 'modeMass', 'nll', 'nllReference', 'wallMs'] as const;
export type SweepMetric = (typeof SWEEP_METRICS)[number];

/** the metrics with a null band (NullValues), plus `nll`: the exact set's own NLL, the level a perfect sampler reaches */
export const NULL_BAND_METRICS = ['mmd2', 'energy', 'sw2', 'modeMass', 'nll'] as const;
export type NullBandMetric = (typeof NULL_BAND_METRICS)[number];

/**
 * One (solver, NFE) point of a sweep. The plain numbers are means over the sweep's seeds (with one seed, the
 * values themselves, as before); `stats` has each metric's mean, 95% Student-t interval over the seeds (null
 * with one seed) and per-seed values. The engine always sets the diagnostics and `stats`; they are optional in
 * the type only so that points built from older results still type-check.
 */
export interface SweepPoint {
  nfe: number;
  mmd2: number;
  energy: number;
  rmse: number;
  wallMs: number;
  sw2?: number;
  modeMass?: number;
  /** null when p_{t_end} has no density (see RunMetrics.nll) */
  nll?: number | null;
  nllReference?: number | null;
  stats?: Record<SweepMetric, MetricSummary>;
  /** image targets only (specs §17.3b): mean over the seeds, and the intervals in imageStats */
  fdRf?: number;
  fdPix?: number;
  imageStats?: { fdRf: MetricSummary; fdPix: MetricSummary };
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
  /** the seeds of the replicates, spec.seed … spec.seed + S − 1 (set by the engine) */
  seeds?: number[];
  /**
   * Null bands over the seeds, for charts to draw under the curves: MMD², energy, SW2 and mode-mass error between
   * two independent exact sets, and `nll` the exact reference set's own mean NLL (set by the engine).
   */
  nullBands?: Record<NullBandMetric, MetricSummary>;
  /** image targets only: the null bands of FD-RF and FD-pix at this n, and the reference size */
  fdRfNull?: number;
  fdPixNull?: number;
  fdReferenceSamples?: number;
}

/** most seeds one sweep accepts (each seed is a full replicate of the sweep) */
export const MAX_SWEEP_SEEDS = 100;

export interface SweepOptions {
  nfes: number[];
  solvers: SolverName[];
  /**
   * number of seeds S (default 1): replicates with seeds spec.seed … spec.seed + S − 1, each with its own x_T,
   * exact reference set, reference solution and SW2 directions; every metric gets a mean and a 95% t interval
   */
  seeds?: number;
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

/** The seeds of a sweep with `count` replicates, checked: an integer 1…MAX_SWEEP_SEEDS that keeps seeds in uint32. */
export function sweepSeeds(spec: SampleSpec, count = 1): number[] {
  if (!Number.isInteger(count) || count < 1 || count > MAX_SWEEP_SEEDS) throw new RangeError(`seeds: got ${count}; allowed: an integer 1…${MAX_SWEEP_SEEDS}`);
  if (spec.seed + count - 1 > 0xffffffff) throw new RangeError(`seeds: ${count} seeds from seed ${spec.seed} pass the largest seed ${0xffffffff}`);
  return Array.from({ length: count }, (_, i) => spec.seed + i);
}

/** What one seed of a sweep provides: a point measurement, and the null values of its reference set. */
interface SeedContext {
  measure: (program: Program) => Promise<{ metrics: RunMetrics; wallMs: number; nfe: number }>;
  nulls: NullValues;
  nllReference: number | null;
}

const pointValues = (m: RunMetrics, wallMs: number): Record<SweepMetric, number | null> => ({
  mmd2: m.mmd2,
  energy: m.energy,
  rmse: m.rmse,
  sw2: m.sw2,
  modeMass: m.modeMass,
  nll: m.nll,
  nllReference: m.nllReference,
  wallMs,
});

/**
 * The sweep loop shared by both backends: for each seed (an independent replicate), every (solver, NFE) pair
 * from that seed's x_T (common random numbers, specs §17.4), with progress after each point and cancellation
 * between points. Seeds run outermost so each seed's references are built once; a point is complete (mean and
 * interval over the seeds) after the last seed, and only then passed to onProgress.
 */
async function sweepPoints(
  spec: SampleSpec,
  build: (spec: SampleSpec) => Promise<Program>,
  options: SweepOptions,
  openSeed: (seedSpec: SampleSpec) => Promise<SeedContext>,
  /** called once with every program of the plan before the first point (the GPU sizes its buffers for all of them) */
  planned?: (programs: Program[]) => void,
): Promise<{ curves: SweepCurve[]; seeds: number[]; nullBands: Record<NullBandMetric, MetricSummary> }> {
  const seeds = sweepSeeds(spec, options.seeds);
  // the plan, the same for every seed: one program per distinct point of each solver's curve
  const plan: { solver: SolverName; entries: (Program | null)[] }[] = [];
  for (const solver of options.solvers) {
    const entries: (Program | null)[] = [];
    let last: Program | null = null;
    for (const [index, nfe] of options.nfes.entries()) {
      let program: Program;
      try {
        // the spec's own solver keeps its options (β, order, EMS sizes …: what `--vary solver.X` varies); a compared
        // solver runs with its defaults. An adaptive solver is swept over its tolerance ladder instead: its NFE is what
        // that tolerance costs
        const own = solver === spec.solver.name ? spec.solver : { name: solver };
        const solverSpec = SOLVERS[solver].family === 'adaptive' ? { ...own, ...sweepTolerance(solver, index) } : own;
        program = await build({ ...spec, solver: solverSpec, nfe, steps: undefined });
      } catch (error) {
        // a budget below one step of this solver (e.g. RK4 with 2 NFE) has no point on its curve
        if (!(error instanceof BudgetError)) throw error;
        entries.push(null);
        continue;
      }
      // budgets below a multiple of a solver's stages give the same program again (e.g. RK4 at 4, 5, 6): one point
      // (an adaptive solver's NFE is known only after it has run: each tolerance is its own point)
      if (last && last.nfe !== undefined && last.nfe === program.nfe) {
        entries.push(null);
        continue;
      }
      entries.push(program);
      last = program;
    }
    plan.push({ solver, entries });
  }
  planned?.(plan.flatMap(({ entries }) => entries.filter((p): p is Program => p !== null)));
  const total = seeds.length * options.nfes.length * options.solvers.length;
  let done = 0;
  // per solver, per plan entry: the values of each seed, and the NFE each seed's run spent
  const values = plan.map(({ entries }) => entries.map(() => [] as Record<SweepMetric, number | null>[]));
  const spent = plan.map(({ entries }) => entries.map(() => [] as number[]));
  // FD-RF and FD-pix of image targets (each seed against its own reference statistics)
  const frechet = plan.map(({ entries }) => entries.map(() => [] as [number, number][]));
  const nulls: { nulls: NullValues; nllReference: number | null }[] = [];
  const curves: SweepCurve[] = plan.map(({ solver }) => ({ solver, points: [] }));
  for (const [s, seed] of seeds.entries()) {
    if (options.signal?.aborted) throw new CancelledError();
    const context = await openSeed({ ...spec, seed });
    nulls.push({ nulls: context.nulls, nllReference: context.nllReference });
    const lastSeed = s === seeds.length - 1;
    for (const [c, { solver, entries }] of plan.entries()) {
      for (const [e, program] of entries.entries()) {
        if (options.signal?.aborted) throw new CancelledError();
        if (!program) {
          options.onProgress?.(++done, total);
          continue;
        }
        const { metrics, wallMs, nfe } = await context.measure(program);
        values[c][e].push(pointValues(metrics, wallMs));
        spent[c][e].push(nfe);
        if (metrics.fdRf !== undefined) frechet[c][e].push([metrics.fdRf, metrics.fdPix!]);
        if (!lastSeed) {
          options.onProgress?.(++done, total);
          continue;
        }
        const stats = Object.fromEntries(SWEEP_METRICS.map((name) => [name, summarize(values[c][e].map((v) => v[name]))])) as Record<SweepMetric, MetricSummary>;
        const mean = (name: SweepMetric) => stats[name].mean as number;
        const point: SweepPoint = {
          // a fixed program spends the same NFE for every seed; an adaptive one is plotted at its mean over the seeds
          nfe: spent[c][e].reduce((a, b) => a + b, 0) / spent[c][e].length,
          mmd2: mean('mmd2'),
          energy: mean('energy'),
          rmse: mean('rmse'),
          wallMs: mean('wallMs'),
          sw2: mean('sw2'),
          modeMass: mean('modeMass'),
          nll: stats.nll.mean,
          nllReference: stats.nllReference.mean,
          stats,
        };
        const fd = frechet[c][e];
        if (fd.length) {
          const imageStats = { fdRf: summarize(fd.map((v) => v[0])), fdPix: summarize(fd.map((v) => v[1])) };
          Object.assign(point, { fdRf: imageStats.fdRf.mean, fdPix: imageStats.fdPix.mean, imageStats });
        }
        curves[c].points.push(point);
        options.onProgress?.(++done, total, { ...point, solver });
      }
    }
  }
  for (const curve of curves) curve.points.sort((a, b) => a.nfe - b.nfe);
  const nullBands = {
    mmd2: summarize(nulls.map((n) => n.nulls.mmd2)),
    energy: summarize(nulls.map((n) => n.nulls.energy)),
    sw2: summarize(nulls.map((n) => n.nulls.sw2)),
    modeMass: summarize(nulls.map((n) => n.nulls.modeMass)),
    nll: summarize(nulls.map((n) => n.nllReference)),
  };
  return { curves, seeds, nullBands };
}

/** Everything the metrics of a spec depend on besides the solver: the key for caching references. */
function referenceKey(spec: SampleSpec): string {
  return JSON.stringify([spec.process, spec.target, spec.tStart, spec.tEnd, scheduleEndsAtZero(spec.schedule), spec.n, spec.seed]);
}

/**
 * What a spec's exact reference set of p_{t_end} (and its null values) depends on: runs with the same key are measured
 * against the same exact samples. The GPU backend keeps one set at a time.
 */
export function referenceSetKey(spec: SampleSpec): string {
  return JSON.stringify([spec.process, spec.target, finalTime(spec), spec.seed, Math.min(spec.n, METRIC_SAMPLES)]);
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

/**
 * A second exact set of the same size, independent of the reference set: the particles count … 2·count − 1 of the
 * same counter-based streams (the reference set is particles 0 … count − 1), for the null values (specs §17.2).
 */
export function exactNullSamples(experiment: ResolvedExperiment, spec: SampleSpec, count: number): Float64Array {
  return exactEndSamples(experiment, spec, 2 * count).subarray(count * experiment.dim);
}

/** α and σ of p_{t_end}, the distribution the metrics compare against (specs §17.4) */
export function finalAlphaSigma(experiment: ResolvedExperiment, spec: SampleSpec): { alpha: number; sigma: number } {
  const t = finalTime(spec);
  return { alpha: experiment.process.alpha(t), sigma: experiment.process.sigma(t) };
}

/** the same-noise reference for the spec's endpoint */
function referenceProgram(spec: SampleSpec, experiment: ResolvedExperiment) {
  return sameNoiseReference(experiment.process, spec.tStart, spec.tEnd, scheduleEndsAtZero(spec.schedule));
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

/** What the CPU metrics of one reference set need, computed once per set. */
interface CpuReferenceSet {
  key: string;
  reference: Float64Array;
  solution: Float64Array;
  bandwidths: number[];
  /** Σ_{i≠j} k(y_i, y_j) and Σ_{i≠j} ‖y_i − y_j‖ of the reference set, computed once per set (as on the GPU) */
  referenceSelf: { rbf: number; distance: number };
  mixture: PreparedMixture;
  alpha: number;
  sigma: number;
  directions: Float64Array;
  /** the reference set's sorted projections on each direction */
  referenceSorted: Float64Array[];
  nulls: NullValues;
  nllReference: number | null;
}

export class CpuSamplerBackend {
  readonly kind = 'cpu' as const;
  private cache: CpuReferenceSet | null = null;
  private readonly frechet: FrechetCache;
  private readonly learned: DenoiserModel | undefined;

  constructor(options: BackendOptions = {}) {
    this.frechet = new FrechetCache(options.fdReferenceSamples ?? FD_REFERENCE_SAMPLES);
    this.learned = options.model;
  }

  /** FD-RF / FD-pix of all n samples (image targets), float64 */
  private async frechetMetrics(spec: SampleSpec, experiment: ResolvedExperiment, samples: Float64Array): Promise<FrechetMetrics | undefined> {
    const refs = await this.frechet.get(spec, experiment, cpuImageFits);
    return refs ? refs.measure(await cpuImageFits(samples, spec.n), spec.n) : undefined;
  }

  private references(spec: SampleSpec, experiment: ResolvedExperiment, xT: Float64Array): CpuReferenceSet {
    const key = referenceKey(spec) + (xT === undefined ? '' : `:${xT.length}:${xT[0]}:${xT[xT.length - 1]}`);
    if (this.cache?.key === key) return this.cache;
    const m = Math.min(spec.n, METRIC_SAMPLES);
    const d = experiment.dim;
    const reference = exactEndSamples(experiment, spec, m);
    const solution = runProgramCpu(referenceProgram(spec, experiment), mixtureModel(experiment.mixture), xT.subarray(0, m * d)).x;
    const { alpha, sigma } = finalAlphaSigma(experiment, spec);
    // SW2 directions keyed by the spec's seed: fixed for a run, independent across the seeds of a sweep
    const directions = slicedDirections(d, spec.seed);
    const bandwidths = mmdBandwidths(mixtureScale(experiment.mixture));
    const referenceSorted = sortedProjections(reference, d, directions);
    const referenceSelf = pairSum(reference, reference, d, bandwidths, true);
    const nullSet = exactNullSamples(experiment, spec, m);
    const nullSums = pairSums(nullSet, reference, d, bandwidths, referenceSelf);
    const nulls: NullValues = {
      mmd2: mmdFromSums(nullSums.rbf, m, m),
      energy: energyFromSums(nullSums.distance, m, m),
      sw2: slicedW2FromSums(slicedSums(nullSet, d, directions, referenceSorted), m),
      modeMass: modeMassError(experiment.mixture, nullSet, alpha, sigma),
    };
    const nllReference = meanNegLogDensity(experiment.mixture, reference, alpha, sigma);
    this.cache = { key, reference, solution, bandwidths, referenceSelf, mixture: experiment.mixture, alpha, sigma, directions, referenceSorted, nulls, nllReference };
    return this.cache;
  }

  private metrics(spec: SampleSpec, experiment: ResolvedExperiment, xT: Float64Array, samples: Float64Array): RunMetrics {
    const refs = this.references(spec, experiment, xT);
    const d = experiment.dim;
    const m = refs.solution.length / d;
    const generated = samples.subarray(0, m * d);
    const sums = pairSums(generated, refs.reference, d, refs.bandwidths, refs.referenceSelf);
    return {
      mmd2: mmdFromSums(sums.rbf, m, m),
      energy: energyFromSums(sums.distance, m, m),
      rmse: sameNoiseRmse(generated, refs.solution),
      sw2: slicedW2FromSums(slicedSums(generated, d, refs.directions, refs.referenceSorted), m),
      modeMass: modeMassError(refs.mixture, generated, refs.alpha, refs.sigma),
      nll: meanNegLogDensity(refs.mixture, generated, refs.alpha, refs.sigma),
      nllReference: refs.nllReference,
      nulls: refs.nulls,
      metricSamples: m,
    };
  }

  async sample(spec: SampleSpec, options: SampleOptions = {}): Promise<SampleOutcome> {
    const experiment = resolveExperiment(spec);
    const xT = options.noise ? Float64Array.from(options.noise) : drawNoise(spec, experiment.dim);
    const start = now();
    const result = runProgramCpu(experiment.program, samplingModel(spec, experiment, this.learned), xT, { recordTrajectory: options.recordTrajectory, seed: spec.seed });
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
      metrics: options.metrics ? { ...this.metrics(spec, experiment, xT, result.x), ...(await this.frechetMetrics(spec, experiment, result.x)) } : undefined,
      wallMs,
    };
  }

  async sweep(spec: SampleSpec, options: SweepOptions): Promise<SweepResult> {
    const experiment = resolveExperiment(spec);
    const model = samplingModel(spec, experiment, this.learned);
    const build = async (pointSpec: SampleSpec) => buildSpecProgram(pointSpec, experiment.process);
    const { curves, seeds, nullBands } = await sweepPoints(spec, build, options, async (seedSpec) => {
      const xT = drawNoise(seedSpec, experiment.dim);
      const refs = this.references(seedSpec, experiment, xT);
      return {
        nulls: refs.nulls,
        nllReference: refs.nllReference,
        measure: async (program) => {
          const start = now();
          // a diverged point stays in the curve as non-finite values (the chart marks it), not a failed sweep
          const { x, nfe } = runProgramCpu(program, model, xT, { seed: seedSpec.seed, allowNonFinite: true });
          const wallMs = now() - start;
          // yield to the event loop between points so that progress shows and a cancel can arrive
          await new Promise((resolve) => setTimeout(resolve, 0));
          return { metrics: { ...this.metrics(seedSpec, experiment, xT, x), ...(await this.frechetMetrics(seedSpec, experiment, x)) }, wallMs, nfe };
        },
      };
    });
    const refs = await this.frechet.get(spec, experiment, cpuImageFits);
    return { nfes: options.nfes, curves, metricSamples: Math.min(spec.n, METRIC_SAMPLES), backend: 'cpu', seeds, nullBands, ...frechetSweepFields(refs) };
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
  /** the current reference set's null values and own NLL */
  private referenceSet: { nulls: NullValues; nllReference: number | null } | null = null;
  private readonly frechet: FrechetCache;
  private readonly ems: GpuEms;
  /** the feature map and moment kernels, created on the first image target */
  private features: GpuFeatures | null = null;
  /** reference statistics of the current image target (null for other targets) */
  private frechetRefs: FrechetReferences | null = null;
  /** copies of deferred runs' final samples (m·d floats), by slot, for their diagnostics (sampleDeferred) */
  private readonly keptSamples: { buffer: GPUBuffer; generation: number }[] = [];

  constructor(
    readonly device: GPUDevice,
    options: BackendOptions = {},
  ) {
    this.sampler = new GpuSampler(device, 'sampler');
    this.referenceSampler = new GpuSampler(device, 'reference');
    this.ems = new GpuEms(device);
    this.metrics = new GpuMetrics(device);
    this.frechet = new FrechetCache(options.fdReferenceSamples ?? FD_REFERENCE_SAMPLES);
  }

  /** φ and the moments on the GPU (f32), for exact sets uploaded from the CPU */
  private gpuImageFits: ImageFitter = async (samples) => {
    this.features ??= new GpuFeatures(this.device);
    const fits = await this.features.momentsOf(samples, { features: true, pixels: true });
    return { features: fits.features!, pixels: fits.pixels! };
  };

  /**
   * The program of a spec on this backend: DPM-Solver-v3's statistics come from the GPU (emsGpu.ts; computed on the
   * CPU for targets it does not cover, but cached as this engine's either way), computed on the first build that
   * needs them.
   */
  private async program(spec: SampleSpec, process: NoiseProcess): Promise<Program> {
    try {
      return buildSpecProgram(spec, process, 'gpu');
    } catch (error) {
      if (!(error instanceof EmsNotCached)) throw error;
      const { request } = error;
      const ems = await this.ems.compute(request.mixture(), request.process, request.tStart, request.tEnd, request.options);
      putEms(request, 'gpu', ems);
      return buildSpecProgram(spec, process, 'gpu');
    }
  }

  private async prepare(spec: SampleSpec): Promise<ResolvedExperiment> {
    refuseLearnedOnGpu(spec);
    const process = makeProcess(spec.process);
    const mixture = prepareTarget(spec.target);
    const experiment = { process, mixture, program: await this.program(spec, process), dim: mixture.dim };
    const key = JSON.stringify(spec.target);
    if (key !== this.targetKey) {
      this.sampler.setTarget(experiment.mixture);
      this.referenceSampler.setTarget(experiment.mixture);
      this.targetKey = key;
    }
    return experiment;
  }

  /** the exact reference set of p_{t_end} for a spec's metrics, with its null values (cached by what it depends on) */
  private async prepareReferenceSet(spec: SampleSpec, experiment: ResolvedExperiment): Promise<number> {
    const m = Math.min(spec.n, METRIC_SAMPLES);
    const setKey = referenceSetKey(spec);
    if (setKey !== this.referenceSetKey) {
      this.referenceSetKey = '';
      const reference = Float32Array.from(exactEndSamples(experiment, spec, m));
      await this.metrics.setReference(reference, experiment.dim, mmdBandwidths(mixtureScale(experiment.mixture)));
      const { alpha, sigma } = finalAlphaSigma(experiment, spec);
      // the same directions as the CPU backend (seeded by the spec's seed, stream slicedDirections)
      const own = await this.metrics.setDiagnostics({ mixture: experiment.mixture, alpha, sigma, directions: slicedDirections(experiment.dim, spec.seed) });
      const nullValues = await this.metrics.nullValues(Float32Array.from(exactNullSamples(experiment, spec, m)));
      this.referenceSet = {
        nulls: { mmd2: nullValues.mmd2, energy: nullValues.energy, sw2: nullValues.sw2, modeMass: nullValues.modeMass },
        nllReference: own.nll,
      };
      this.referenceSetKey = setKey;
    }
    return m;
  }

  /** the reference set, the same-noise reference solution and (image targets) the FD statistics of a spec */
  private async prepareMetrics(spec: SampleSpec, experiment: ResolvedExperiment, noise?: Float32Array<ArrayBuffer>): Promise<number> {
    const m = await this.prepareReferenceSet(spec, experiment);
    const solutionKey = referenceKey(spec) + (noise ? `:noise:${noise.length}:${noise[0]}:${noise[noise.length - 1]}` : '');
    if (solutionKey !== this.solutionKey) {
      const run = await this.referenceSampler.run(referenceProgram(spec, experiment), { n: spec.n, seed: spec.seed, noise });
      this.metrics.storeSolution(run.regs, run.resultRegister, spec.n);
      this.solutionKey = solutionKey;
    }
    this.frechetRefs = await this.frechet.get(spec, experiment, this.gpuImageFits);
    return m;
  }

  /**
   * The metrics of a run. All passes are submitted before any is awaited (each submits its work and its copy at the
   * call, in queue order, so sharing the row buffer is safe): one wait for the slowest readback instead of round trips
   * in a row. `withDiagnostics` false leaves out SW2, mode mass and NLL (sampleDeferred measures them later).
   */
  private async measure(run: GpuRun, m: number, withDiagnostics: true): Promise<RunMetrics>;
  private async measure(run: GpuRun, m: number, withDiagnostics: boolean): Promise<RunMetricsSoFar>;
  private async measure(run: GpuRun, m: number, withDiagnostics: boolean): Promise<RunMetricsSoFar> {
    const [{ mmd2, energy }, rmse, diagnostics] = await Promise.all([
      this.metrics.distances(run.regs, run.resultRegister, run.n, m),
      this.metrics.rmse(run.regs, run.resultRegister, run.n, m),
      withDiagnostics ? this.metrics.diagnostics(run.regs, run.resultRegister, run.n, m) : null,
    ]);
    const set = this.referenceSet!;
    const metrics: RunMetricsSoFar = { mmd2, energy, rmse, nllReference: set.nllReference, nulls: set.nulls, metricSamples: m };
    if (diagnostics) Object.assign(metrics, { sw2: diagnostics.sw2, modeMass: diagnostics.modeMass, nll: diagnostics.nll });
    if (this.frechetRefs) {
      // FD-RF / FD-pix of all n particles, straight from the register file: only μ and Σ come back
      this.features ??= new GpuFeatures(this.device);
      const fits = await this.features.moments(run.regs, run.resultRegister * run.n * run.dim, run.n, { features: true, pixels: true });
      Object.assign(metrics, this.frechetRefs.measure({ features: fits.features!, pixels: fits.pixels! }, run.n));
    }
    return metrics;
  }

  async sample(spec: SampleSpec, options: SampleOptions = {}): Promise<SampleOutcome> {
    const { outcome } = await this.runSpec(spec, options, options.metrics ? 'all' : 'none');
    // 'all' measures the diagnostics too: the metrics, when asked for, are complete RunMetrics
    return outcome as SampleOutcome;
  }

  /**
   * A run with metrics whose diagnostics wait (DeferredOutcome): a live view publishes the distances of all its
   * configurations first and measures SW2, mode mass and NLL after. `slot` names the copy of the final samples the
   * diagnostics read (one per configuration: the register file is reused by the next run).
   */
  async sampleDeferred(spec: SampleSpec, options: Omit<SampleOptions, 'metrics'>, slot: number): Promise<DeferredOutcome> {
    const { outcome, experiment, m } = await this.runSpec(spec, options, 'deferred');
    const run = outcome.gpuRun!;
    const bytes = m * run.dim * 4;
    let kept = this.keptSamples[slot];
    if (!kept || kept.buffer.size < bytes) {
      kept?.buffer.destroy();
      kept = { buffer: this.device.createBuffer({ label: `kept samples ${slot}`, size: bytes, usage: GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_DST }), generation: 0 };
      this.keptSamples[slot] = kept;
    }
    const generation = ++kept.generation;
    const encoder = this.device.createCommandEncoder({ label: 'keep samples for diagnostics' });
    encoder.copyBufferToBuffer(run.regs, run.resultRegister * run.n * run.dim * 4, kept.buffer, 0, bytes);
    this.device.queue.submit([encoder.finish()]);
    const held = kept;
    return {
      ...outcome,
      metrics: outcome.metrics!,
      diagnostics: async () => {
        if (held.generation !== generation || this.keptSamples[slot] !== held) throw new Error(`GpuSamplerBackend: the samples in slot ${slot} were replaced by a later run`);
        // another configuration's spec (its own seed with "same noise" off, its own end point) may have replaced the set
        await this.prepareReferenceSet(spec, experiment);
        const { sw2, modeMass, nll } = await this.metrics.diagnostics(held.buffer, 0, m, m);
        return { sw2, modeMass, nll };
      },
    };
  }

  /** one run of a spec with all its metrics, those without the diagnostics ('deferred'), or none */
  private async runSpec(
    spec: SampleSpec,
    options: SampleOptions,
    measured: 'all' | 'deferred' | 'none',
  ): Promise<{ outcome: Omit<SampleOutcome, 'metrics'> & { metrics?: RunMetricsSoFar }; experiment: ResolvedExperiment; m: number }> {
    const experiment = await this.prepare(spec);
    const noise = options.noise ? Float32Array.from(options.noise) : undefined;
    const m = measured !== 'none' ? await this.prepareMetrics(spec, experiment, noise) : 0;
    const start = now();
    const run = await this.sampler.run(experiment.program, { n: spec.n, seed: spec.seed, noise, recordTrajectory: options.recordTrajectory });
    const wallMs = now() - start;
    const metrics = measured !== 'none' ? await this.measure(run, m, measured === 'all') : undefined;
    const read = options.readSamples ?? true;
    const samples = read ? await this.sampler.readSamples(run) : new Float32Array(0);
    // the watchdog of a single-submit run: whatever came back (samples, or the metrics they feed) must be finite
    if (!allFinite(samples) || (metrics && !(Number.isFinite(metrics.rmse) && Number.isFinite(metrics.mmd2)))) throw new SamplerDivergence(experiment.program.solver, null, null);
    const outcome = {
      backend: 'gpu' as const,
      samples,
      trajectory: read && options.recordTrajectory ? await this.sampler.readTrajectory(run) : undefined,
      times: run.times,
      nfe: run.nfe,
      metrics,
      wallMs,
      gpuRun: run,
    };
    return { outcome, experiment, m };
  }

  async sweep(spec: SampleSpec, options: SweepOptions): Promise<SweepResult> {
    const experiment = await this.prepare(spec);
    const m = Math.min(spec.n, METRIC_SAMPLES);
    const build = (pointSpec: SampleSpec) => this.program(pointSpec, experiment.process);
    const { curves, seeds, nullBands } = await sweepPoints(spec, build, options, async (seedSpec) => {
      await this.prepareMetrics(seedSpec, experiment);
      const set = this.referenceSet!;
      return {
        nulls: set.nulls,
        nllReference: set.nllReference,
        measure: async (program) => {
          const start = now();
          const run = await this.sampler.run(program, { n: seedSpec.n, seed: seedSpec.seed });
          const wallMs = now() - start;
          return { metrics: await this.measure(run, m, true), wallMs, nfe: run.nfe };
        },
      };
    }, (programs) => this.sampler.reserve(programs, spec.n));
    return { nfes: options.nfes, curves, metricSamples: m, backend: 'gpu', seeds, nullBands, ...frechetSweepFields(this.frechetRefs) };
  }

  destroy(): void {
    this.sampler.destroy();
    this.referenceSampler.destroy();
    this.metrics.destroy();
    this.features?.destroy();
    for (const kept of this.keptSamples) kept?.buffer.destroy();
  }
}

export type SamplerBackend = CpuSamplerBackend | GpuSamplerBackend;
