// The PDE lab's run controller (issue #6): one live run of the spec's stepper, plus a second one of another
// stepper side by side, each a GpuPdeSolver (float32, the app's device) or, without WebGPU, a CpuPdeSolver
// (float64). The frame loop encodes K steps per frame per run and the field views' drawing into one submit,
// waits for the GPU, and adapts K so that a frame costs ~25 ms (≈30 fps with drawing). Every SAMPLE_MS it
// reads the small things back: the divergence watchdog (16 bytes) and the field statistics (32 bytes per
// channel); the field itself only when a view draws from an array (1D views, the 2D-canvas fallback) or, once
// a second, for the invariants; the spectral state at samples while a view needs it (energy spectrum, arrows). Operations that replace solvers (spec changes, painting, reset) and frames
// are serialised, so a frame never runs on a destroyed solver. Replaced solvers' GPU buffers are released.

import { EQUATIONS } from '../../core/pde/equations.ts';
import { type ExactSolution, exactSolution, relativeMaxError } from '../../core/pde/exact.ts';
import { toSpectrum } from '../../core/pde/fields.ts';
import { CpuPdeSolver, PdeDivergence, type PdeProblem } from '../../core/pde/run.ts';
import { linearEigenvalues } from '../../core/pde/stability.ts';
import type { StepperName } from '../../core/pde/steppers.ts';
import { SpecError } from '../../core/spec/spec.ts';
import type { PdeSpec } from '../../core/spec/pdeSpec.ts';
import type { ConvergenceOptions, ConvergenceResult } from '../../engine/pde/convergence.ts';
import { GpuPdeSolver, type FieldStats } from '../../engine/pde/gpuPde.ts';
import { checkInitArray, initialState, problemOf } from '../../engine/pde/pdeRun.ts';
import type { GpuContext } from '../../gpu/device.ts';
import type { InvariantSeries, PdeDivergenceInfo, PdeRunInfo, PdeStore } from '../../state/pdeStore.ts';
import { applyBrush, fieldStatsOf, type Brush } from './fieldOps.ts';
import { type CpuMeasurement, PdeWorkerClient } from './pdeWorkerClient.ts';
import { summarizeStability } from './stabilityInfo.ts';

/** wall time between watchdog/stats reads while playing */
const SAMPLE_MS = 200;
/** wall time between field reads for the invariants when every view draws from the GPU */
const INVARIANT_MS = 1000;
/** compute time a frame aims at (the rest of ~33 ms is drawing and the browser) */
const FRAME_TARGET_MS = 25;
const MAX_STEPS_PER_FRAME = 4096;
/** the CPU path's time budget per frame (float64 on the main thread) */
const CPU_FRAME_MS = 20;
/** points kept per invariant series (older ones are thinned by 2 when full) */
const MAX_SERIES = 1500;

export type RunRole = 'primary' | 'compare';

/** a view of one run: draws from the GPU buffer in the frame's command buffer, or from a read-back array */
export interface RunDisplay {
  /** GPU path: record drawing from the display buffer ([channel][y][x] vec2f) */
  encode?(encoder: GPUCommandEncoder, physical: GPUBuffer): void;
  /** the physical field (interleaved complex [channel][…]) at a sample; every display without `encode` needs it */
  show?(field: ArrayLike<number>, at: { steps: number; time: number }): void;
  /** the spectral state ([channel][k] interleaved complex, unnormalised FFT) at a sample (spectrum, arrows) */
  spectrum?(spectrum: Float64Array, at: { steps: number; time: number }): void;
}

type Solver = GpuPdeSolver | CpuPdeSolver;

class LiveRun {
  diverged: PdeDivergenceInfo | null = null;
  stats: FieldStats | null = null;
  invariants: InvariantSeries[];
  stepOffset = 0;
  timeOffset = 0;
  lastInvariants = -Infinity;
  /** the exact solution of this run (core/pde/exact.ts), recorded as one more series; null once the field is edited */
  exact: ExactSolution | null = null;

  constructor(
    readonly role: RunRole,
    readonly problem: PdeProblem,
    public solver: Solver,
  ) {
    this.invariants = problem.equation.invariants.map((inv) => ({ id: inv.id, description: inv.description, expect: inv.expect, times: [], values: [] }));
  }

  /** starts the error-against-exact series (after the invariants) */
  setExact(exact: ExactSolution | null): void {
    this.exact = exact;
    const at = this.problem.equation.invariants.length;
    this.invariants = this.invariants.slice(0, at);
    if (exact) this.invariants.push({ id: EXACT_ERROR_ID, description: 'max |u − u_exact| / max |u_exact| (the exact solution of this start)', expect: 'none', times: [], values: [] });
  }

  get stepper(): StepperName {
    return this.problem.stepper;
  }
  get gpu(): boolean {
    return this.solver instanceof GpuPdeSolver;
  }
  get steps(): number {
    return this.stepOffset + this.solver.steps;
  }
  get time(): number {
    return this.timeOffset + this.solver.time;
  }

  async physical(): Promise<Float64Array> {
    return this.solver instanceof GpuPdeSolver ? Float64Array.from(await this.solver.readPhysical()) : this.solver.physical();
  }

  /** the solver continues from `field` (a fresh solver: multistep history restarts, as it must after an edit) */
  replace(solver: Solver): void {
    this.stepOffset = this.steps;
    this.timeOffset = this.time;
    this.destroy();
    this.solver = solver;
    // an edited field is no longer the exact solution's (the series so far stays on the chart)
    this.exact = null;
  }

  destroy(): void {
    if (this.solver instanceof GpuPdeSolver) this.solver.destroy();
  }

  markDiverged(step: number, time: number): void {
    const { stepper, dt } = this.problem;
    let message = new PdeDivergence(step, time, stepper, dt).message;
    const { unstable, maxGrowth } = summarizeStability(stepper, linearEigenvalues(this.problem));
    if (unstable > 0)
      message += ` Linear stability: ${unstable} modes that the PDE damps have |R(hλ)| > 1 with ${stepper} at dt = ${dt} (largest ${maxGrowth.toPrecision(3)}), so they grow every step under the linear part alone (see the stability region).`;
    this.diverged = { step, time, message };
  }

  recordInvariants(field: Float64Array, time: number): void {
    const { equation, grid, params } = this.problem;
    if (!field.every(Number.isFinite)) return;
    const spectrum = toSpectrum(field, grid);
    equation.invariants.forEach((inv, i) => {
      const series = this.invariants[i];
      if (series.times.length && time <= series.times[series.times.length - 1]) return;
      pushPoint(series, time, inv.compute(field, spectrum, grid, params));
    });
    const errorSeries = this.invariants[equation.invariants.length];
    if (this.exact && errorSeries && !(errorSeries.times.length && time <= errorSeries.times[errorSeries.times.length - 1]))
      pushPoint(errorSeries, time, relativeMaxError(field, this.exact(time)));
    this.lastInvariants = performance.now();
  }
}

/** the id of the error-against-exact series in a run's invariants */
export const EXACT_ERROR_ID = 'error-vs-exact';

/** appends a point, thinning the series by 2 when it is full */
function pushPoint(series: InvariantSeries, time: number, value: number): void {
  series.times.push(time);
  series.values.push(value);
  if (series.times.length > MAX_SERIES) {
    series.times = series.times.filter((_, j) => j % 2 === 0);
    series.values = series.values.filter((_, j) => j % 2 === 0);
  }
}

/** what decides a fresh start (vs continuing from the current state): the equation, grid and initial state */
function startKey(spec: PdeSpec): string {
  return JSON.stringify([spec.equation, spec.grid, spec.ic, spec.seed]);
}

export class PdeController {
  private runs: LiveRun[] = [];
  private readonly displays = new Map<RunRole, Set<RunDisplay>>([
    ['primary', new Set()],
    ['compare', new Set()],
  ]);
  private lock: Promise<unknown> = Promise.resolve();
  private rafId: number | null = null;
  private stepsPerFrame = 1;
  private rate = { since: 0, steps: 0, value: 0 };
  private lastSample = -Infinity;
  private runTo: { time: number; done: () => void } | null = null;
  private initArray: Float64Array | null = null;
  private device: GPUDevice | null;
  private active = false;
  private readonly worker = new PdeWorkerClient();
  private convergenceAbort: AbortController | null = null;

  constructor(
    private readonly store: PdeStore,
    gpu: GpuContext | null,
  ) {
    this.device = gpu?.device ?? null;
    gpu?.on((event) => {
      if (event.type !== 'device-lost') return;
      this.device = null;
      this.store.getState().pushNotice({ level: 'error', key: 'pde-device', text: `The GPU device was lost (${event.message || event.reason}); the PDE lab continues on the float64 CPU path from the initial state; “Restart GPU” (top right) moves it back to a new device.` });
      void this.exclusive(() => this.rebuild(false));
    });
    store.subscribe((state, previous) => {
      if (state.spec === previous.spec && state.compare === previous.compare) return;
      const fresh = startKey(state.spec) !== startKey(previous.spec) || state.compare !== previous.compare;
      void this.exclusive(() => this.rebuild(!fresh));
    });
    store.subscribe((state, previous) => {
      if (state.playing && !previous.playing) this.schedule();
    });
  }

  get backend(): 'gpu' | 'cpu' {
    return this.device ? 'gpu' : 'cpu';
  }

  /** the lab is on screen: build the runs and let the frame loop draw */
  setActive(active: boolean): void {
    this.active = active;
    if (!active) return this.store.getState().setPlaying(false);
    if (this.runs.length === 0) void this.exclusive(() => this.rebuild(false));
    this.schedule();
  }

  /** resolves once the runs exist (after pending operations) */
  ready(): Promise<void> {
    return this.exclusive(async () => {
      if (this.runs.length === 0) await this.rebuild(false);
    });
  }

  attachDisplay(role: RunRole, display: RunDisplay): () => void {
    this.displays.get(role)!.add(display);
    // a new view gets the current picture at once
    void this.exclusive(() => this.sample(true));
    return () => this.displays.get(role)!.delete(display);
  }

  // ---- operations (each serialised with the frames) -------------------------------------------------------

  private exclusive<T>(operation: () => Promise<T>): Promise<T> {
    const next = this.lock.then(operation);
    this.lock = next.catch(() => {});
    return next;
  }

  private makeSolver(problem: PdeProblem, field: Float64Array): Solver {
    return this.device ? new GpuPdeSolver(this.device, problem, field) : new CpuPdeSolver(problem, field);
  }

  /**
   * (Re)creates the runs for the current spec and compare stepper: from the initial state (`keep` false), or
   * continuing each run from its current field and clock (`keep` true: a parameter, dt or stepper change).
   */
  private async rebuild(keep: boolean): Promise<void> {
    const { spec, compare } = this.store.getState();
    const roles: [RunRole, StepperName][] = [['primary', spec.stepper]];
    if (compare) roles.push(['compare', compare]);
    const continuing = keep && this.runs.length > 0 && this.runs.every((r) => !r.diverged);
    let fields: Float64Array[] = [];
    try {
      fields = continuing ? await Promise.all(this.runs.map((r) => r.physical())) : [initialState(spec, this.initArray ?? undefined)];
    } catch (error) {
      this.failed(error);
      return;
    }
    const previous = this.runs;
    this.runs = [];
    const next: LiveRun[] = [];
    try {
      for (const [i, [role, stepper]] of roles.entries()) {
        const problem = problemOf({ ...spec, stepper });
        const field = fields[i] ?? fields[0];
        const run = new LiveRun(role, problem, this.makeSolver(problem, field));
        const before = continuing ? previous[i] ?? previous[0] : undefined;
        if (!before) run.setExact(exactSolution(problem, spec.ic.type, field));
        else {
          run.stepOffset = before.steps;
          run.timeOffset = before.time;
          if (before.problem.equation === problem.equation) run.invariants = before.invariants;
          // the exact solution does not depend on the stepper or dt, but does on the parameters
          if (before.exact && JSON.stringify(before.problem.params) === JSON.stringify(problem.params)) run.exact = before.exact;
        }
        next.push(run);
      }
    } catch (error) {
      next.forEach((r) => r.destroy());
      previous.forEach((r) => r.destroy());
      this.store.getState().setRuns([]);
      this.failed(error);
      return;
    }
    previous.forEach((r) => r.destroy());
    this.runs = next;
    this.store.getState().notices.filter((n) => n.key === 'pde-run').forEach((n) => this.store.getState().dismissNotice(n.id));
    this.rate = { since: performance.now(), steps: this.totalSteps(), value: 0 };
    if (!continuing) this.stepsPerFrame = 1;
    await this.sample(true);
  }

  private failed(error: unknown): void {
    const text = error instanceof SpecError ? error.problems.join('; ') : error instanceof Error ? error.message : String(error);
    this.store.getState().setPlaying(false);
    this.store.getState().pushNotice({ level: 'error', key: 'pde-run', text: `The PDE run could not start: ${text}` });
    this.publish();
  }

  play(): void {
    if (this.runs.length > 0 && this.runs.every((r) => r.diverged)) return;
    this.store.getState().setPlaying(true);
  }

  pause(): void {
    this.store.getState().setPlaying(false);
  }

  /** advances `n` steps (one submit on the GPU), then samples */
  step(n = 1): Promise<void> {
    return this.exclusive(async () => {
      if (this.runs.length === 0) await this.rebuild(false);
      await this.advance(n);
      await this.sample(true);
    });
  }

  /** plays until the primary run's time reaches `time` (or every run has diverged, or someone pauses) */
  runToTime(time: number): Promise<void> {
    return new Promise<void>((resolve) => {
      this.runTo?.done();
      this.runTo = { time, done: resolve };
      this.play();
      if (!this.store.getState().playing) this.finishRunTo();
    });
  }

  private finishRunTo(): void {
    const waiting = this.runTo;
    this.runTo = null;
    waiting?.done();
  }

  /** back to the initial state; `newSeed` draws a new random initial state (seed + 1, through the spec) */
  reset(newSeed = false): Promise<void> {
    if (newSeed) {
      const { spec } = this.store.getState();
      this.store.getState().setSpec({ ...spec, seed: (spec.seed + 1) % 0x100000000 });
      return this.exclusive(async () => {});
    }
    return this.exclusive(() => this.rebuild(false));
  }

  /** paints on every run's field (read back, edited in float64, continued by a fresh solver) */
  paint(brush: Omit<Brush, 'channel'> & { channel?: number }): Promise<void> {
    return this.exclusive(async () => {
      if (this.runs.length === 0) await this.rebuild(false);
      const channel = brush.channel ?? this.store.getState().view.channel;
      for (const run of this.runs) {
        if (run.diverged) continue;
        const field = await run.physical();
        applyBrush(field, run.problem.grid, { ...brush, channel });
        run.replace(this.makeSolver(run.problem, field));
      }
      await this.sample(true);
    });
  }

  /** an uploaded initial state: checked against the grid; on success the spec's ic becomes 'file' */
  setInitArray(shape: number[], values: ArrayLike<number>): string | null {
    const { spec } = this.store.getState();
    const checked = checkInitArray(spec, shape, values);
    if (typeof checked === 'string') return checked;
    this.initArray = checked;
    if (spec.ic.type === 'file') void this.exclusive(() => this.rebuild(false));
    else this.store.getState().setSpec({ ...spec, ic: { type: 'file' } });
    return null;
  }

  /** whether an uploaded array fits this spec (the grid may have changed since the upload) */
  initFits(spec: PdeSpec): boolean {
    if (!this.initArray) return false;
    const equation = EQUATIONS[spec.equation];
    return this.initArray.length === 2 * equation.channels.length * spec.grid.n.reduce((a, b) => a * b, 1);
  }

  // ---- the frame loop ------------------------------------------------------------------------------------

  private schedule(): void {
    // frames run while the lab is on screen (requestAnimationFrame does not fire in a hidden tab anyway)
    if (this.rafId !== null || !this.active || !this.store.getState().playing) return;
    this.rafId = requestAnimationFrame(() => {
      this.rafId = null;
      void this.exclusive(() => this.frame()).then(
        () => this.schedule(),
        (error: unknown) => this.failed(error),
      );
    });
  }

  private totalSteps(): number {
    return this.runs.reduce((s, r) => s + r.steps, 0);
  }

  private async frame(): Promise<void> {
    const state = this.store.getState();
    if (!state.playing) return this.finishRunTo();
    const live = this.runs.filter((r) => !r.diverged);
    if (live.length === 0) {
      state.setPlaying(false);
      return this.finishRunTo();
    }
    let k = state.speed === 'auto' ? this.stepsPerFrame : state.speed;
    let limited = state.speed !== 'auto';
    if (this.runTo) {
      const remaining = Math.ceil((this.runTo.time - live[0].time) / live[0].problem.dt - 1e-9);
      if (remaining <= 0) {
        state.setPlaying(false);
        await this.sample(true);
        return this.finishRunTo();
      }
      if (remaining < k) {
        k = remaining;
        limited = true;
      }
    }
    const start = performance.now();
    await this.advance(k, true);
    const elapsed = performance.now() - start;
    // hold ~30 fps: scale K by the time a step took, at most ×2 or ÷2 per frame (smooth, no oscillation)
    if (!limited && elapsed > 0) {
      const ratio = Math.min(2, Math.max(0.5, FRAME_TARGET_MS / elapsed));
      this.stepsPerFrame = Math.max(1, Math.min(MAX_STEPS_PER_FRAME, Math.round(k * ratio)));
    }
    const now = performance.now();
    if (now - this.rate.since >= 1000) {
      const steps = this.totalSteps();
      this.rate = { since: now, steps, value: ((steps - this.rate.steps) / (now - this.rate.since)) * 1000 / Math.max(1, this.runs.length) };
    }
    if (now - this.lastSample >= SAMPLE_MS) await this.sample(false);
    else this.publish(false);
  }

  /** `k` steps of every live run; with `draw`, the GPU views' drawing goes into the same submit */
  private async advance(k: number, draw = false): Promise<void> {
    const live = this.runs.filter((r) => !r.diverged);
    if (this.device && live.some((r) => r.gpu)) {
      const device = this.device;
      const encoder = device.createCommandEncoder({ label: 'pde lab frame' });
      for (const run of live) (run.solver as GpuPdeSolver).encodeSteps(encoder, k);
      if (draw) this.encodeDisplays(encoder);
      device.queue.submit([encoder.finish()]);
      // one frame in flight: a slow (software) GPU must not queue up unbounded work
      await device.queue.onSubmittedWorkDone();
      return;
    }
    for (const run of live) {
      const solver = run.solver as CpuPdeSolver;
      // the CPU path runs on the main thread: stop early when a frame's budget is spent
      const start = performance.now();
      try {
        for (let i = 0; i < k; i++) {
          solver.advance(1);
          if (draw && performance.now() - start > CPU_FRAME_MS) break;
        }
      } catch (error) {
        if (!(error instanceof PdeDivergence)) throw error;
        run.markDiverged(run.stepOffset + error.step, run.timeOffset + error.time);
      }
    }
  }

  private encodeDisplays(encoder: GPUCommandEncoder): void {
    for (const run of this.runs) {
      if (!run.gpu || run.diverged) continue;
      const gpuDisplays = [...this.displays.get(run.role)!].filter((d) => d.encode);
      if (gpuDisplays.length === 0) continue;
      const buffer = (run.solver as GpuPdeSolver).physicalBuffer(encoder);
      for (const display of gpuDisplays) display.encode!(encoder, buffer);
    }
  }

  /** watchdog, statistics, and (when a view or the invariants need it) the field; `force` draws every view */
  private async sample(force: boolean): Promise<void> {
    this.lastSample = performance.now();
    for (const run of this.runs) {
      if (run.diverged && !force) continue;
      const displays = [...this.displays.get(run.role)!];
      if (run.solver instanceof GpuPdeSolver) {
        const solver = run.solver;
        if (!run.diverged) {
          const bad = await solver.divergedAt();
          if (bad !== null) run.markDiverged(run.stepOffset + bad, run.timeOffset + bad * run.problem.dt);
        }
        if (run.diverged) continue; // keep the last finite picture and statistics
        run.stats = await solver.fieldStats();
        const needField = force || displays.some((d) => d.show) || performance.now() - run.lastInvariants >= INVARIANT_MS;
        if (force && this.device && displays.some((d) => d.encode)) {
          const encoder = this.device.createCommandEncoder({ label: 'pde lab redraw' });
          this.encodeDisplays(encoder);
          this.device.queue.submit([encoder.finish()]);
        }
        if (displays.some((d) => d.spectrum)) {
          const spectrum = Float64Array.from(await solver.readSpectrum());
          for (const d of displays) d.spectrum?.(spectrum, { steps: run.steps, time: run.time });
        }
        if (!needField) continue;
        const field = Float64Array.from(await solver.readPhysical());
        run.recordInvariants(field, run.time);
        for (const d of displays) d.show?.(field, { steps: run.steps, time: run.time });
      } else {
        if (run.diverged && run.stats) continue;
        const field = run.solver.physical();
        run.stats = fieldStatsOf(field, run.problem.channels);
        run.recordInvariants(field, run.time);
        for (const d of displays) d.show?.(field, { steps: run.steps, time: run.time });
        if (displays.some((d) => d.spectrum)) {
          const spectrum = run.solver.spectrum();
          for (const d of displays) d.spectrum?.(spectrum, { steps: run.steps, time: run.time });
        }
      }
    }
    this.publish();
    if (this.runs.length > 0 && this.runs.every((r) => r.diverged)) this.store.getState().setPlaying(false);
  }

  /** writes the runs' state to the store; the invariant series are copied only when `full` (at samples) */
  private publish(full = true): void {
    const { playing, runs: previous } = this.store.getState();
    const runs: PdeRunInfo[] = this.runs.map((r, i) => ({
      role: r.role,
      stepper: r.stepper,
      backend: r.gpu ? 'gpu' : 'cpu',
      steps: r.steps,
      time: r.time,
      stepsPerSecond: playing && !r.diverged ? this.rate.value : 0,
      stepsPerFrame: this.stepsPerFrame,
      diverged: r.diverged,
      stats: r.stats,
      invariants:
        full || previous[i]?.stepper !== r.stepper ? r.invariants.map((s) => ({ ...s, times: s.times.slice(), values: s.values.slice() })) : previous[i].invariants,
    }));
    this.store.getState().setRuns(runs);
  }

  /** the physical field of a run (a copy, float64), for the hook and tests */
  field(role: RunRole = 'primary'): Promise<Float64Array | null> {
    return this.exclusive(async () => {
      const run = this.runs.find((r) => r.role === role);
      return run ? run.physical() : null;
    });
  }

  // ---- float64 studies (in the worker) --------------------------------------------------------------------

  async convergence(options: Omit<ConvergenceOptions, 'signal' | 'onProgress'> & { spec?: PdeSpec }): Promise<ConvergenceResult> {
    this.convergenceAbort?.abort();
    const abort = new AbortController();
    this.convergenceAbort = abort;
    const store = this.store.getState();
    const spec = options.spec ?? store.spec;
    const total = 1 + options.steppers.length * options.dts.length;
    store.setConvergence({ status: 'running', done: 0, total, result: null, error: null });
    try {
      const result = await this.worker.convergence(spec, {
        ...options,
        init: spec.ic.type === 'file' ? this.initArray ?? undefined : undefined,
        signal: abort.signal,
        onProgress: (done, all) => this.store.getState().setConvergence({ done, total: all }),
      });
      this.store.getState().setConvergence({ status: 'done', result });
      return result;
    } catch (error) {
      const cancelled = (error as Error).name === 'AbortError';
      this.store.getState().setConvergence({ status: cancelled ? 'cancelled' : 'error', error: cancelled ? null : (error as Error).message });
      throw error;
    } finally {
      if (this.convergenceAbort === abort) this.convergenceAbort = null;
    }
  }

  /** redraws every view from the current state (after a colour-map, range or channel change) */
  redraw(): Promise<void> {
    return this.exclusive(() => this.sample(true));
  }

  cancelConvergence(): void {
    this.convergenceAbort?.abort();
  }

  /** steps/s of the float64 CPU path on the current spec (in the worker, so the frame loop is unaffected) */
  measureCpu(maxMs = 3000): Promise<CpuMeasurement> {
    const { spec } = this.store.getState();
    return this.worker.measureCpu(spec, maxMs, spec.ic.type === 'file' ? this.initArray ?? undefined : undefined);
  }

  destroy(): void {
    this.pause();
    if (this.rafId !== null) cancelAnimationFrame(this.rafId);
    this.runs.forEach((r) => r.destroy());
    this.runs = [];
    this.worker.destroy();
  }
}
