// Runs the engine for the page: live runs of the shown configurations (trajectories for the flow view, metrics for
// the panel) and quality-vs-NFE sweeps, each on its own backend instance (each owns its GPU buffers).
// Live runs are serialised (a request made during a run gets the next run, requests coalesce); a new sweep
// cancels the running one. Spec changes re-run automatically after a short debounce. On device loss both
// switch to the float64 CPU backend.

import { targetImageShape } from '../core/sampling/experiment.ts';
import { SOLVERS, SOLVER_NAMES, type SolverName } from '../core/sampling/solvers.ts';
import { learnedDenoiser } from '../core/spec/learnedModel.ts';
import type { ModelFile } from '../core/spec/modelFile.ts';
import { parseSpec, type SampleSpec } from '../core/spec/spec.ts';
import {
  CancelledError,
  CpuSamplerBackend,
  GpuSamplerBackend,
  MAX_SWEEP_SEEDS,
  referenceSetKey,
  type DeferredOutcome,
  type DiagnosticMetrics,
  type SampleOptions,
  type SampleOutcome,
  type SweepCurve,
  type SweepOptions,
  type SweepResult,
} from '../engine/sampling.ts';
import { sweepConfigurations, sweepExtras, type SweepExtras } from '../engine/configurationSweep.ts';
import type { GpuContext } from '../gpu/device.ts';
import { loadedModel } from '../state/models.ts';
import { effectiveSweepSeeds, liveRunBusy, type AppState, type AppStore, type LiveResult, type ShownCurve } from '../state/store.ts';
import { configurationRunSpec } from '../state/solverRuns.ts';
import { solverColor } from '../views/palette.ts';
import { shownConfigurations, type ShownConfiguration } from './configurations.ts';
import { readFloat32 } from '../gpu/readback.ts';
import type { TrajectorySnapshot } from '../views/flowView.ts';
import { GRID_SAMPLES } from '../views/imageGrid.ts';
import { autoSweepAllowed, flowViewProblem } from './targetInfo.ts';
import { WorkerCpuBackend } from './workerBackend.ts';

/** particles of the automatic sweep on a software adapter (the metrics' cost grows as n²) */
export const SOFTWARE_AUTO_SWEEP_N = 1024;

/**
 * Exact samples behind FD-RF's reference statistics in the browser (image targets). The spec's 50 000 (specs
 * §17.3b, the CLI's default) took minutes on SwiftShader (4096 + a 1024 null set took 21 s there, see
 * engine/frechetMetrics.ts); a page must answer in seconds. Values are comparable only at the same count.
 */
export const FD_REFERENCE_SOFTWARE = 4096;
export const FD_REFERENCE_HARDWARE = 10_000;
/** the float64 CPU fallback spends ~0.7 ms per sample on the feature map */
export const FD_REFERENCE_CPU = 4096;

/** particles an image target gets when picked on a software adapter (every metric grows with n·256) */
export const SOFTWARE_IMAGE_N = 256;

/**
 * Particles of a live run while a slider is dragged (issue #11: recompute at reduced size, refine on release): an
 * eighth of n, at least 256 (below that MMD² and the RMSE are mostly sampling noise), never more than n.
 */
export function dragParticles(n: number): number {
  return Math.min(n, Math.max(256, Math.floor(n / 8)));
}

/** the particles a live run of `state` uses now */
function liveParticles(state: Pick<AppState, 'spec' | 'dragging'>): number {
  return state.dragging ? dragParticles(state.spec.n) : state.spec.n;
}

/** wait after a spec change before its live run (issue #11's NFE-slider figure counts it; it was 250 ms) */
const LIVE_DEBOUNCE_MS = 50;

/**
 * A live run's diagnostics (SW2, mode mass, NLL) start this long after its other metrics are shown, and not at all
 * when a newer run is wanted by then: a person stepping a slider gets each step's chart without waiting for the
 * previous step's diagnostics (~140 ms of GPU work per configuration on a software adapter).
 */
const DIAGNOSTICS_DELAY_MS = 300;

/** NFE list of the quality sweep (every shown configuration) */
export const SWEEP_NFES = [2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50];

export interface SweepRequest {
  nfes?: number[];
  solvers?: string[];
  /** particles for this sweep only (default: the spec's n) */
  n?: number;
  /** seeds to repeat over (default: the store's sweepSeeds, else 1 on a software adapter and 3 on a hardware GPU) */
  seeds?: number;
}

/** what the sweep depends on besides NFE and the configuration (its solver, options and schedule: its curve key) */
export function sweepKey(spec: SampleSpec): string {
  return JSON.stringify([spec.process, spec.target, spec.model ?? null, spec.tStart, spec.tEnd, spec.n, spec.seed]);
}

/** one curve of a sweep: a configuration (the shown ones, or solvers named by a request) */
type SweepConfiguration = Pick<ShownConfiguration, 'key' | 'solver' | 'spec' | 'color' | 'label'>;

/** what a shown sweep was measured for, except n (a sweep may use fewer particles than the spec) */
function sweepShownKey(spec: SampleSpec): string {
  return JSON.stringify([spec.process, spec.target, spec.model ?? null, spec.schedule, spec.tStart, spec.tEnd, spec.seed]);
}

function sweepWanted(spec: SampleSpec, seeds = 1): string {
  return sweepKey(spec) + shownConfigurations(spec).map((c) => c.key).join(',') + `×${seeds}`;
}

/** what a live run computes, except its particle count (the compared configurations are part of the spec) */
function runKey(state: Pick<AppState, 'spec' | 'sameNoise'>): string {
  return JSON.stringify([state.spec, state.sameNoise]);
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function withoutSolver<T extends { solver: SolverName }>(point: T): Omit<T, 'solver'> {
  const { solver: _solver, ...rest } = point;
  return rest;
}

/** what the controller needs of a backend: the engine's GPU and CPU backends, or the CPU one in a worker */
interface Backend {
  readonly kind: 'gpu' | 'cpu';
  sample(spec: SampleSpec, options?: SampleOptions): Promise<SampleOutcome>;
  /** the GPU's: metrics without the diagnostics, which are measured on request (live runs publish them last) */
  sampleDeferred?(spec: SampleSpec, options: Omit<SampleOptions, 'metrics'>, slot: number): Promise<DeferredOutcome>;
  sweep(spec: SampleSpec, options: SweepOptions): Promise<SweepResult>;
  destroy?(): void;
}

/** the CPU fallback, in a worker when the browser allows it (else on the main thread) */
function cpuBackend(): Backend {
  return WorkerCpuBackend.create() ?? new CpuSamplerBackend({ fdReferenceSamples: FD_REFERENCE_CPU });
}

export interface RunControllerOptions {
  /**
   * The flow view cannot draw from the GPU buffers (it runs on WebGL2 because this browser cannot present a
   * WebGPU canvas): read each run's trajectory back once, after the run, instead of copying it GPU → GPU.
   */
  flowReadback?: boolean;
}

export class RunController {
  private live: Backend;
  private sweeper: Backend;
  /**
   * Learned models (spec.model {"type":"mlp"}) sample on the float64 CPU path, in a worker of their own: the GPU's
   * MLP kernels train, the sampler's fused kernels evaluate the exact mixtures only. The model each name last loaded.
   */
  private learned: { backend: Backend & { setModel?(name: string, model: ModelFile): Promise<void> }; loaded: Map<string, ModelFile> } | null = null;
  private liveChain: Promise<unknown> = Promise.resolve();
  /** ends a live run's wait before its diagnostics (DIAGNOSTICS_DELAY_MS) at once: a newer run is queued */
  private wakeDiagnostics: (() => void) | null = null;
  private queuedLive: Promise<LiveResult[]> | null = null;
  private inflightLive: { key: string; promise: Promise<LiveResult[]> } | null = null;
  private sweepChain: Promise<unknown> = Promise.resolve();
  private sweepTicket = 0;
  private sweepAbort: AbortController | null = null;
  private liveTimer: ReturnType<typeof setTimeout> | undefined;
  private sweepTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly unsubscribe: (() => void)[] = [];
  /** by shown configuration index */
  private readonly trajectories = new Map<number, TrajectorySnapshot>();
  private readonly trajectoryListeners = new Set<(snapshots: TrajectorySnapshot[]) => void>();
  /** the seed each configuration's latest live run used (the "same noise" toggle), by index */
  private readonly runSeeds = new Map<number, number>();
  private version = 0;
  private lastRunKey = '';
  /** particles of the latest live run (fewer than n while a slider was dragged) */
  private lastRunN = 0;
  /** what the last completed automatic sweep covered (spec key and solvers) */
  private completedSweepWanted = '';
  private sweepKind: 'auto' | 'manual' | null = null;
  /** curves by configuration key (ShownConfiguration.key: solver with options, and schedule) */
  private sweepCache: { key: string; curves: Map<string, SweepCurve>; metricSamples: number; extras?: SweepExtras } | null = null;
  /** sweepShownKey of the spec the sweep in the store was measured for */
  private shownSweepKey = '';
  private disposed = false;
  /** bumps on device loss: work started before it no longer writes to the store */
  private epoch = 0;

  constructor(
    private readonly store: AppStore,
    private readonly gpu: GpuContext,
    private readonly options: RunControllerOptions = {},
  ) {
    const device = gpu.device;
    const fdReferenceSamples = gpu.status === 'software' ? FD_REFERENCE_SOFTWARE : FD_REFERENCE_HARDWARE;
    this.live = device ? new GpuSamplerBackend(device, { fdReferenceSamples }) : cpuBackend();
    this.sweeper = device ? new GpuSamplerBackend(device, { fdReferenceSamples }) : cpuBackend();
    store.getState().setGpu({ backend: device ? 'gpu' : 'cpu' });
    this.unsubscribe.push(
      gpu.on((event) => {
        if (event.type === 'device-lost') this.onDeviceLost(`${event.reason}${event.message ? `: ${event.message}` : ''}`);
        else store.getState().pushNotice({ level: 'error', key: 'gpu-error', text: `GPU ${event.errorType} error: ${event.message}` });
      }),
    );
    this.unsubscribe.push(
      store.subscribe((state, previous) =>
        this.onStateChange(
          state.spec !== previous.spec || state.dragging !== previous.dragging || state.sweepSeeds !== previous.sweepSeeds || state.sameNoise !== previous.sameNoise,
        ),
      ),
    );
  }

  get backendKind(): 'gpu' | 'cpu' {
    return this.live.kind;
  }

  /** Kick off the first live run and, on a GPU, the first sweep. */
  start(): void {
    // on a software adapter a moment's grace lets a change made right after loading replace the first run
    // (and on the CPU fallback, the page settles before the worker takes a core)
    this.scheduleLive(this.live.kind === 'cpu' ? 1500 : this.software ? 400 : 0);
    // on a hardware GPU the sweep runs beside the first live run; on a software adapter after it
    if (this.autoSweep && !this.software) this.scheduleSweep(0);
  }

  /** a software adapter (SwiftShader …): every run costs CPU time, so automatic sweeps yield to live runs */
  private get software(): boolean {
    return this.store.getState().gpu.status === 'software';
  }

  /**
   * Sweeps recompute by themselves on a GPU; on the CPU fallback (float64, in a worker), and for image targets
   * on a software adapter, they wait for a click (see autoSweepAllowed).
   */
  get autoSweep(): boolean {
    // a learned model samples on the float64 CPU path: its sweeps wait for a click, as on the CPU fallback
    const spec = this.store.getState().spec;
    return spec.model?.type !== 'mlp' && autoSweepAllowed(this.live.kind, this.software, spec.target);
  }

  /** exact samples behind FD-RF's reference statistics on this page (image targets) */
  get fdReferenceSamples(): number {
    return this.live.kind === 'cpu' ? FD_REFERENCE_CPU : this.software ? FD_REFERENCE_SOFTWARE : FD_REFERENCE_HARDWARE;
  }

  // ---------------------------------------------------------------------------------------- live runs

  private onStateChange(changed: boolean): void {
    if (!changed || this.disposed) return;
    const state = this.store.getState();
    // a short debounce coalesces a burst of changes (typing, key repeat); runs in flight are not cut, and requests
    // made during one coalesce into the next (runLive), so a short wait costs little and shows a change sooner
    if (this.liveWanted()) this.scheduleLive(state.dragging ? 60 : LIVE_DEBOUNCE_MS);
    this.maybeScheduleAutoSweep();
  }

  /**
   * Whether the shown results are not those of the current state: another spec, or reduced-size results once the
   * slider is released. Pressing a slider without moving it keeps the full-size results it has.
   */
  private liveWanted(): boolean {
    const state = this.store.getState();
    if (runKey(state) !== this.lastRunKey) return true;
    return !state.dragging && this.lastRunN !== state.spec.n;
  }

  /** Schedule an automatic sweep when the shown curves are not those of the current spec. */
  private maybeScheduleAutoSweep(): void {
    if (this.disposed) return;
    const state = this.store.getState();
    // no sweep while a slider moves: the one for where it stops starts after the release
    if (state.dragging) return;
    if (!this.autoSweep) {
      // curves of another target must not stand under this one's name: clear them (a running automatic
      // sweep of the old spec stops; a requested one finishes and then shows what it was asked for)
      if (this.sweepKind === 'auto') this.cancelSweep();
      if (this.sweepKind !== 'manual' && this.shownSweepKey !== '' && this.shownSweepKey !== sweepShownKey(state.spec)) {
        this.shownSweepKey = '';
        state.setSweep({ status: 'idle', done: 0, total: 0, curves: [], nfes: [], n: 0, result: null, error: null });
      }
      return;
    }
    if (sweepWanted(state.spec, effectiveSweepSeeds(state)) === this.completedSweepWanted) return;
    this.scheduleSweep(this.software ? 2000 : 600);
  }

  private scheduleLive(delay: number): void {
    clearTimeout(this.liveTimer);
    this.liveTimer = setTimeout(() => {
      this.runLive().catch(() => {
        /* reported in the store */
      });
    }, delay);
  }

  /** Run the current spec for every shown solver; resolves with the results once they are in the store. */
  runLive(): Promise<LiveResult[]> {
    clearTimeout(this.liveTimer);
    if (this.software && this.sweepKind === 'auto') {
      // the automatic sweep starts again (reusing finished curves) once the live view is idle
      this.cancelSweep();
    }
    if (this.queuedLive) return this.queuedLive;
    // a run of exactly this spec is under way: its results are the ones a new run would give
    const state = this.store.getState();
    if (this.inflightLive && this.inflightLive.key === `${runKey(state)}×${liveParticles(state)}`) return this.inflightLive.promise;
    const next = this.liveChain.then(() => {
      this.queuedLive = null;
      const current = this.store.getState();
      const promise = this.executeLive();
      const inflight = { key: `${runKey(current)}×${liveParticles(current)}`, promise };
      this.inflightLive = inflight;
      const clear = () => {
        if (this.inflightLive === inflight) this.inflightLive = null;
      };
      promise.then(clear, clear);
      return promise;
    });
    this.queuedLive = next;
    this.liveChain = next.catch(() => {});
    this.wakeDiagnostics?.();
    return next;
  }

  /** the backend a spec runs on: the page's (GPU or CPU fallback), or the learned-model worker with its model loaded */
  private async backendFor(spec: SampleSpec, role: 'live' | 'sweep'): Promise<Backend> {
    if (spec.model?.type !== 'mlp') return role === 'live' ? this.live : this.sweeper;
    const name = spec.model.file;
    const model = loadedModel(name);
    if (!model) throw new Error(`model: the learned model '${name}' is not loaded in this page; load its file under “Model” (a link carries the model's name, not its parameters)`);
    if (!this.learned) {
      const worker = WorkerCpuBackend.create();
      this.learned = { backend: worker ?? new CpuSamplerBackend({ fdReferenceSamples: FD_REFERENCE_CPU, model: learnedDenoiser(model) }), loaded: new Map() };
    }
    const { backend, loaded } = this.learned;
    if (loaded.get(name) !== model) {
      // without workers the main-thread backend was built for the first model: a different one needs its own
      if (!backend.setModel) this.learned = { backend: new CpuSamplerBackend({ fdReferenceSamples: FD_REFERENCE_CPU, model: learnedDenoiser(model) }), loaded: new Map() };
      else await backend.setModel(name, model);
      this.learned.loaded.set(name, model);
    }
    return this.learned.backend;
  }

  private async executeLive(): Promise<LiveResult[]> {
    if (this.disposed) throw new Error('the page is closing');
    const state = this.store.getState();
    const spec = state.spec;
    const configurations = shownConfigurations(spec);
    // while a slider is dragged: fewer particles, refined at n on release (liveWanted)
    const n = liveParticles(state);
    this.lastRunKey = runKey(state);
    this.lastRunN = n;
    const flow = flowViewProblem(spec.target) === null;
    const image = targetImageShape(spec.target) !== undefined;
    state.setRun({ status: 'running', error: null });
    const epoch = this.epoch;
    try {
      const backend = await this.backendFor(spec, 'live');
      const runSpecs = configurations.map((c) => {
        // each configuration runs its own solver, options and schedule (configurations.ts); with "same noise" off
        // each starts from its own x_T (solverRuns.ts)
        const own = configurationRunSpec(c.spec, c.index, state.sameNoise);
        return n === own.n ? own : { ...own, n };
      });
      // the diagnostics wait (two phases, below) when every configuration is measured against the same exact set: the
      // backend keeps one set, and "same noise" off (its own seed each) or another end point would build it again
      const deferred = backend.sampleDeferred && new Set(runSpecs.map(referenceSetKey)).size === 1 ? backend.sampleDeferred.bind(backend) : null;
      const results: LiveResult[] = [];
      // the diagnostics still to measure (GPU): by position in `results`
      const pending: { position: number; diagnostics: () => Promise<DiagnosticMetrics> }[] = [];
      for (const [i, configuration] of configurations.entries()) {
        const { index, solver } = configuration;
        const solverSpec = runSpecs[i];
        this.runSeeds.set(index, solverSpec.seed);
        // targets the flow view does not draw record no trajectory ((steps + 1)·n·d floats)
        const options = { recordTrajectory: flow, readSamples: flow && (backend.kind === 'cpu' || this.options.flowReadback === true) };
        let outcome: SampleOutcome | DeferredOutcome;
        try {
          outcome = deferred ? await deferred(solverSpec, options, index) : await backend.sample(solverSpec, { ...options, metrics: true });
          const stale = this.store.getState().notices.find((notice) => notice.key === `diverged:${index}`);
          if (stale) this.store.getState().dismissNotice(stale.id);
        } catch (error) {
          // a solver that diverges (the watchdog: NaN or ±∞ particles) is left out of this run with a notice that
          // says where; the other solvers still run and show
          if (!(error instanceof Error && error.name === 'SamplerDivergence') || epoch !== this.epoch) throw error;
          this.dropTrajectory(index);
          this.store.getState().pushNotice({ level: 'warning', key: `diverged:${index}`, text: `${configuration.label}: ${error.message}` });
          continue;
        }
        if (epoch !== this.epoch) throw new Error('the GPU device was lost during the run');
        // image targets: the samples the image grid shows, read back once per run (on the GPU only those
        // GRID_SAMPLES rows, 64 KiB, not all n·256 floats), before the next run reuses the register file
        const shownSamples = image ? await this.gridSamples(outcome, n) : undefined;
        if (flow) this.keepTrajectory(configuration, outcome, n);
        if ('diagnostics' in outcome) pending.push({ position: results.length, diagnostics: outcome.diagnostics });
        results.push({
          index,
          solver,
          runSpec: solverSpec,
          color: configuration.color,
          label: configuration.label,
          backend: outcome.backend,
          metrics: outcome.metrics,
          nfe: outcome.nfe,
          times: outcome.times,
          wallMs: outcome.wallMs,
          n,
          ...(shownSamples ? { samples: shownSamples } : {}),
        });
      }
      for (const index of [...this.trajectories.keys()]) if (!flow || index >= configurations.length) this.dropTrajectory(index);
      this.publishTrajectories();
      if (pending.length > 0) {
        // two phases (issue #11: a slider's change must reach the chart fast): the samples, distances and RMSE of every
        // configuration show now ('measuring'); SW2, mode mass and NLL (about 40 % of the metrics' time on a software
        // adapter) follow, unless a newer run is wanted by then: that one publishes its own
        this.store.getState().setRun({ status: 'measuring', results, spec });
        const superseded = () => this.disposed || this.queuedLive !== null || this.liveWanted();
        if (!superseded()) {
          await new Promise<void>((resolve) => {
            const timer = setTimeout(() => this.wakeDiagnostics?.(), DIAGNOSTICS_DELAY_MS);
            this.wakeDiagnostics = () => {
              clearTimeout(timer);
              this.wakeDiagnostics = null;
              resolve();
            };
          });
        }
        for (const { position, diagnostics } of pending) {
          if (superseded()) return results;
          const measured = await diagnostics();
          if (epoch !== this.epoch) throw new Error('the GPU device was lost during the run');
          results[position] = { ...results[position], metrics: { ...results[position].metrics!, ...measured } };
        }
      }
      this.store.getState().setRun({ status: 'done', results: [...results], spec, error: null });
      this.maybeScheduleAutoSweep();
      return results;
    } catch (error) {
      if (epoch !== this.epoch) throw error;
      const message = describeError(error);
      this.store.getState().setRun({ status: 'error', error: message });
      this.store.getState().pushNotice({ level: 'error', key: 'run-error', text: `The run failed: ${message}` });
      throw error;
    }
  }

  /** the first GRID_SAMPLES final samples of a run (image targets) */
  private async gridSamples(outcome: SampleOutcome | DeferredOutcome, n: number): Promise<Float32Array | Float64Array> {
    const run = outcome.gpuRun;
    if (run && this.gpu.device && outcome.samples.length === 0) {
      const rowBytes = run.dim * 4;
      return readFloat32(this.gpu.device, run.regs, run.resultRegister * run.n * rowBytes, Math.min(run.n, GRID_SAMPLES) * rowBytes);
    }
    const dim = outcome.samples.length / n;
    return outcome.samples.slice(0, Math.min(outcome.samples.length, GRID_SAMPLES * dim));
  }

  /**
   * The final samples of one run of the current spec (its own solver), read back: for the test hook, which
   * checks properties of the samples themselves (a dataset target memorises). Queued with the live runs,
   * since they share the backend's buffers.
   */
  samples(): Promise<{ spec: SampleSpec; samples: Float32Array | Float64Array }> {
    const next = this.liveChain.then(async () => {
      if (this.disposed) throw new Error('the page is closing');
      const spec = this.store.getState().spec;
      const outcome = await (await this.backendFor(spec, 'live')).sample(spec, { readSamples: true });
      return { spec, samples: outcome.samples };
    });
    this.liveChain = next.catch(() => {});
    return next;
  }

  /**
   * Keep the solver's trajectory for the flow view. GPU: copy the trajectory registers (GPU → GPU) into a
   * buffer owned here, now, before the backend's next run reuses its register file.
   */
  private keepTrajectory(configuration: ShownConfiguration, outcome: SampleOutcome | DeferredOutcome, particles: number): void {
    const { index, solver, color, key, label } = configuration;
    const steps = outcome.times.length - 1;
    const run = outcome.gpuRun;
    const version = ++this.version;
    // the flow view's layer per configuration (its index and what it runs) and its colour
    const shown = { solver, id: `${index}:${key}`, color, index, label };
    if (run && run.trajectoryRegister !== undefined && !outcome.trajectory) {
      const device = this.gpu.device!;
      const bytes = (steps + 1) * run.n * run.dim * 4;
      let buffer = this.trajectories.get(index)?.gpu;
      if (!buffer || buffer.size < bytes) {
        buffer?.destroy();
        buffer = device.createBuffer({ label: `flow trajectory ${solver}`, size: bytes, usage: GPUBufferUsage.COPY_SRC | GPUBufferUsage.COPY_DST });
      }
      const encoder = device.createCommandEncoder({ label: `keep trajectory ${solver}` });
      encoder.copyBufferToBuffer(run.regs, run.trajectoryRegister * run.n * run.dim * 4, buffer, 0, bytes);
      device.queue.submit([encoder.finish()]);
      this.trajectories.set(index, { ...shown, n: run.n, dim: run.dim, steps, times: outcome.times, version, gpu: buffer });
    } else if (outcome.trajectory) {
      const n = run?.n ?? particles;
      const dim = run?.dim ?? outcome.samples.length / n;
      this.dropTrajectory(index);
      this.trajectories.set(index, { ...shown, n, dim, steps, times: outcome.times, version, cpu: outcome.trajectory });
    }
  }

  private dropTrajectory(index: number): void {
    this.trajectories.get(index)?.gpu?.destroy();
    this.trajectories.delete(index);
  }

  private publishTrajectories(): void {
    const snapshots = this.currentTrajectories();
    this.trajectoryListeners.forEach((l) => l(snapshots));
  }

  /** the latest trajectory of each shown configuration, in display order */
  currentTrajectories(): TrajectorySnapshot[] {
    return [...this.trajectories.entries()].sort((a, b) => a[0] - b[0]).map(([, t]) => t);
  }

  /**
   * x_T as the flow view draws it: the first `count` particles of frame 0 of each shown solver's latest trajectory
   * (read back once, on request), with the seed its run used. For the test hook: with "same noise" on they are equal.
   */
  startingPoints(count = 8): Promise<{ index: number; solver: SolverName; seed: number | null; points: number[] }[]> {
    const next = this.liveChain.then(() =>
      Promise.all(
        [...this.trajectories.entries()]
          .sort((a, b) => a[0] - b[0])
          .map(async ([index, t]) => {
            const floats = Math.min(count, t.n) * t.dim;
            const data = t.cpu ? t.cpu.subarray(0, floats) : await readFloat32(this.gpu.device!, t.gpu!, 0, floats * 4);
            return { index, solver: t.solver as SolverName, seed: this.runSeeds.get(index) ?? null, points: Array.from(data) };
          }),
      ),
    );
    this.liveChain = next.catch(() => {});
    return next;
  }

  onTrajectories(listener: (snapshots: TrajectorySnapshot[]) => void): () => void {
    this.trajectoryListeners.add(listener);
    return () => this.trajectoryListeners.delete(listener);
  }

  // -------------------------------------------------------------------------------------------- sweeps

  private scheduleSweep(delay: number): void {
    clearTimeout(this.sweepTimer);
    this.sweepTimer = setTimeout(() => {
      // never cut a sweep someone asked for; on a software adapter wait until the live view is idle
      if (this.sweepKind === 'manual') return;
      // a sweep that finished while this timer waited (a requested one, say) may already stand for the current state
      const state = this.store.getState();
      if (sweepWanted(state.spec, effectiveSweepSeeds(state)) === this.completedSweepWanted) return;
      if (this.software && (this.queuedLive || liveRunBusy(state.run.status))) return;
      this.startSweep({}, true).catch(() => {
        /* reported in the store */
      });
    }, delay);
  }

  /** Validate a sweep request against the current spec (throws with a message naming the field). */
  private resolveSweep(request: SweepRequest): { spec: SampleSpec; nfes: number[]; configurations: SweepConfiguration[]; seeds: number } {
    const spec = request.n === undefined ? this.store.getState().spec : parseSpec({ ...this.store.getState().spec, n: request.n });
    const nfes = request.nfes ?? SWEEP_NFES;
    if (!Array.isArray(nfes) || nfes.length === 0 || !nfes.every((v) => Number.isInteger(v) && v >= 1 && v <= 2000)) {
      throw new Error(`sweep.nfes: got ${JSON.stringify(nfes)}; expected a non-empty list of integers in 1…2000`);
    }
    const solvers = request.solvers as SolverName[] | undefined;
    if (solvers !== undefined && (!Array.isArray(solvers) || solvers.length === 0 || !solvers.every((s) => (SOLVER_NAMES as readonly string[]).includes(s)))) {
      throw new Error(`sweep.solvers: got ${JSON.stringify(request.solvers)}; allowed: ${SOLVER_NAMES.map((s) => JSON.stringify(s)).join(', ')}`);
    }
    // the shown configurations (each with its own options and schedule); solvers named by a request run on the
    // spec's schedule, the spec's own solver with its options and the others with their defaults
    const configurations: SweepConfiguration[] =
      solvers === undefined
        ? shownConfigurations(spec).map(({ key, solver, spec: own, color, label }) => ({ key, solver, spec: { ...own, n: spec.n }, color, label }))
        : solvers.map((solver) => {
            const own = { ...spec, solver: solver === spec.solver.name ? spec.solver : { name: solver } };
            delete own.compare;
            return { key: JSON.stringify([own.solver, own.schedule]), solver, spec: own, color: solverColor(solver), label: SOLVERS[solver].label };
          });
    const seeds = request.seeds ?? effectiveSweepSeeds(this.store.getState());
    if (!Number.isInteger(seeds) || seeds < 1 || seeds > MAX_SWEEP_SEEDS) throw new Error(`sweep.seeds: got ${JSON.stringify(seeds)}; expected an integer in 1…${MAX_SWEEP_SEEDS}`);
    return { spec, nfes: [...nfes], configurations, seeds };
  }

  /** Start a sweep (cancelling the running one); resolves with its result, rejects when cancelled. */
  sweep(request: SweepRequest = {}): Promise<SweepResult> {
    return this.startSweep(request, false);
  }

  private startSweep(request: SweepRequest, automatic: boolean): Promise<SweepResult> {
    clearTimeout(this.sweepTimer);
    const state = this.store.getState();
    const wanted = sweepWanted(state.spec, effectiveSweepSeeds(state));
    // on a software adapter the automatic sweep measures fewer particles (MMD costs n²); "Sweep again" uses n
    if (automatic && this.software && state.spec.n > SOFTWARE_AUTO_SWEEP_N) request = { ...request, n: SOFTWARE_AUTO_SWEEP_N };
    let resolved: ReturnType<RunController['resolveSweep']>;
    try {
      resolved = this.resolveSweep(request);
    } catch (error) {
      return Promise.reject(error);
    }
    const ticket = ++this.sweepTicket;
    this.sweepAbort?.abort();
    const next = this.sweepChain
      .then(() => {
        if (ticket !== this.sweepTicket) throw new CancelledError();
        return this.executeSweep(resolved.spec, resolved.nfes, resolved.configurations, automatic ? wanted : null, resolved.seeds);
      })
      .then((result) => {
        // a requested sweep stands for what it was asked for: no automatic sweep replaces it until the spec, the
        // shown configurations or the seeds change
        if (!automatic) this.completedSweepWanted = wanted;
        return result;
      });
    this.sweepChain = next.catch(() => {});
    return next;
  }

  cancelSweep(): void {
    this.sweepTicket++;
    clearTimeout(this.sweepTimer);
    this.sweepAbort?.abort();
  }

  /**
   * Automatic sweeps reuse the curves already measured for the same spec key and NFE list (common random
   * numbers make them identical), so adding one configuration only sweeps that configuration. `automatic`: what the
   * automatic sweep stands for (spec key and configurations), null for a requested sweep.
   */
  private async executeSweep(spec: SampleSpec, nfes: number[], configurations: SweepConfiguration[], automatic: string | null, seeds = 1): Promise<SweepResult> {
    if (this.disposed) throw new CancelledError();
    const abort = new AbortController();
    this.sweepAbort = abort;
    const epoch = this.epoch;
    let sweeper: Backend;
    try {
      sweeper = await this.backendFor(spec, 'sweep');
    } catch (error) {
      const message = describeError(error);
      this.store.getState().setSweep({ status: 'error', error: message });
      throw error;
    }
    const key = `${sweepKey(spec)}${JSON.stringify(nfes)}${sweeper.kind}×${seeds}`;
    this.sweepKind = automatic !== null ? 'auto' : 'manual';
    this.shownSweepKey = sweepShownKey(spec);
    if (!this.sweepCache || this.sweepCache.key !== key) this.sweepCache = { key, curves: new Map(), metricSamples: 0 };
    const cache = automatic !== null ? this.sweepCache : { key, curves: new Map<string, SweepCurve>(), metricSamples: 0 };
    const missing = configurations.filter((c) => !cache.curves.has(c.key));
    // the engine counts one step per (seed, configuration, NFE)
    const perConfiguration = nfes.length * seeds;
    const total = missing.length * perConfiguration;
    const setSweep = this.store.getState().setSweep;
    const curvesNow = (): ShownCurve[] =>
      configurations.map(({ key, solver, color, label }) => ({ ...(cache.curves.get(key) ?? { solver, points: [] }), key, color, label }));
    setSweep({ status: 'running', done: 0, total, curves: curvesNow(), nfes, n: spec.n, result: null, error: null });
    try {
      // one engine sweep per configuration (engine/configurationSweep.ts, as `stepscope sweep`): each has its own
      // solver options and schedule (and so, possibly, its own end point σ = 0 or t_end); all share the spec's
      // seeds, x_T and reference sets
      await sweepConfigurations(
        sweeper,
        missing.map((c) => c.spec),
        {
          nfes,
          seeds,
          signal: abort.signal,
          onProgress: (m, done, _total, point) => {
            if (abort.signal.aborted || epoch !== this.epoch) return;
            const curves: ShownCurve[] = this.store.getState().sweep.curves.map((c) =>
              // the whole point (stats over seeds, diagnostics, image metrics), without its solver tag
              point && c.key === missing[m].key ? { ...c, points: [...c.points, withoutSolver(point)] } : c,
            );
            setSweep({ done, curves });
          },
          onConfiguration: (m, partial) => {
            if (epoch !== this.epoch) throw new CancelledError();
            cache.curves.set(missing[m].key, partial.curves[0]);
            cache.metricSamples = partial.metricSamples;
            // null bands and seeds depend on the spec key, the seeds and the end point, not the solver: the spec's own
            // configuration's hold (the first swept, when it is not)
            if (missing[m].key === configurations[0].key || !cache.extras) cache.extras = sweepExtras(partial);
          },
        },
      );
      const result: SweepResult = { nfes, curves: curvesNow(), metricSamples: cache.metricSamples, backend: sweeper.kind, ...cache.extras };
      setSweep({ status: 'done', done: total, total, curves: result.curves, result });
      if (automatic !== null) this.completedSweepWanted = automatic;
      return result;
    } catch (error) {
      if (epoch !== this.epoch) throw error instanceof CancelledError ? error : new CancelledError();
      if (error instanceof CancelledError || abort.signal.aborted) {
        setSweep({ status: 'cancelled' });
        throw error instanceof CancelledError ? error : new CancelledError();
      }
      const message = describeError(error);
      setSweep({ status: 'error', error: message });
      this.store.getState().pushNotice({ level: 'error', key: 'sweep-error', text: `The sweep failed: ${message}` });
      throw error;
    } finally {
      if (this.sweepAbort === abort) {
        this.sweepAbort = null;
        this.sweepKind = null;
      }
    }
  }

  // ----------------------------------------------------------------------------------------- lifecycle

  private onDeviceLost(detail: string): void {
    if (this.disposed || this.live.kind === 'cpu') return;
    this.epoch++;
    this.sweepTicket++;
    this.sweepAbort?.abort();
    this.sweepAbort = null;
    this.sweepKind = null;
    this.sweepCache = null;
    for (const index of [...this.trajectories.keys()]) this.trajectories.delete(index);
    this.live = cpuBackend();
    this.sweeper = cpuBackend();
    const state = this.store.getState();
    state.setGpu({ backend: 'cpu', lost: `The GPU device was lost (${detail}).` });
    if (state.sweep.status === 'running') state.setSweep({ status: 'error', error: 'the GPU device was lost; sweeps now run on the CPU when you ask for them' });
    if (liveRunBusy(state.run.status)) state.setRun({ status: 'idle' });
    state.pushNotice({
      level: 'error',
      key: 'device-lost',
      text: `The GPU device was lost (${detail}). Runs continue on the CPU (float64, slower); “Restart GPU” (top right) requests a new device and runs there again.`,
    });
    this.publishTrajectories();
    // the queue of the lost device never answers: start afresh
    this.liveChain = Promise.resolve();
    this.queuedLive = null;
    this.inflightLive = null;
    this.sweepChain = Promise.resolve();
    this.scheduleLive(0);
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.liveTimer);
    clearTimeout(this.sweepTimer);
    this.sweepAbort?.abort();
    this.unsubscribe.forEach((u) => u());
    this.live.destroy?.();
    this.sweeper.destroy?.();
    this.learned?.backend.destroy?.();
  }
}
