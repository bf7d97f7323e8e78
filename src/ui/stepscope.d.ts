// The page's test hook (e2e/ drives the app through it; see src/ui/testHook.ts).

import type { PdeSpec } from '../core/spec/pdeSpec.ts';
import type { SampleSpec } from '../core/spec/spec.ts';
import type { ConvergenceResult } from '../engine/pde/convergence.ts';
import type { FieldStats } from '../engine/pde/gpuPde.ts';
import type { PdeViewReports } from './pde/viewReports.ts';
import type { SweepResult } from '../engine/sampling.ts';
import type { StepscopeBenchHook } from './bench/benchHook.ts';
import type { BossViewReport, ClaimViewReport, GridViewReport, QualityViewReport, StepErrorViewReport, V3ViewReport } from './viewReports.ts';

export interface StepscopeAdapterInfo {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
}

export interface StepscopeRunResult {
  /** unbiased MMD² against exact samples of p_{t_end} (not scaled) */
  mmd2: number;
  /** unbiased energy distance against the same exact samples */
  energy: number;
  /** same-noise RMSE against the RK45 reference (rtol = atol = 1e-7) from the same x_T */
  rmse: number;
  nfe: number;
  /** the time grid t_0 > … > t_N */
  times: number[];
  /** wall time of the sampling itself, ms */
  wallMs: number;
  /** image targets (glyphs16) only: FD-RF and FD-pix of all n samples, and their null values (engine RunMetrics) */
  fdRf?: number;
  fdRfNull?: number;
  fdPix?: number;
  fdPixNull?: number;
  /** exact samples behind FD-RF's reference statistics */
  fdReferenceSamples?: number;
}

/** the live run the page shows now: one entry per shown configuration (the spec's own first, then spec.compare) */
export interface StepscopeShownRun {
  /** 'measuring': the configurations' runs are in; their SW2, mode mass and NLL are being measured */
  status: 'idle' | 'running' | 'measuring' | 'done' | 'error';
  /** the spec the results are of (compared configurations included) */
  spec: SampleSpec;
  /** particles the shown metrics were computed with: spec.n, or fewer (reduced) while a slider was being dragged */
  n: number;
  reduced: boolean;
  configurations: {
    index: number;
    solver: SampleSpec['solver'];
    schedule: SampleSpec['schedule'];
    /** its seed (spec.seed, or seed + index with "Same noise" off) */
    seed: number;
    color: string | null;
    label: string;
    n: number;
    nfe: number;
    times: number[];
    backend: 'gpu' | 'cpu';
    /** sw2 and modeMass are null while status is 'measuring' (or 'running' after a run that was superseded then) */
    metrics: { mmd2: number; energy: number; rmse: number; sw2: number | null; modeMass: number | null } | null;
  }[];
}

export interface StepscopeSweepOptions {
  nfes?: number[];
  solvers?: string[];
  /** particles for this sweep only */
  n?: number;
  /** seeds to repeat over (default: the page's Seeds control) */
  seeds?: number;
}

export interface StepscopeHook {
  /** resolves once the GPU status is known and the UI is mounted */
  ready: Promise<void>;
  readonly status: 'ok' | 'software' | 'none';
  readonly adapterInfo: StepscopeAdapterInfo | null;
  getSpec(): SampleSpec;
  /** validate and apply; throws (changing nothing) with the SpecError message when invalid */
  setSpec(spec: unknown): void;
  /** destroys the page's GPU device, as a driver reset would (tests the device-loss path; throws without a device) */
  loseDevice(): void;
  /** run the current spec with metrics (GPU when available, else CPU); the spec's own configuration's numbers */
  run(): Promise<StepscopeRunResult>;
  /** the live run on show (every configuration's metrics and the particle count they were computed at), null before the first */
  shown(): StepscopeShownRun | null;
  /** whether a slider that changes the spec is being held (live runs are then reduced in size) */
  readonly dragging: boolean;
  sweep(options?: StepscopeSweepOptions): Promise<SweepResult>;
  /** the final samples (n·dim, row-major) of one fresh run of the current spec with its own solver */
  samples(): Promise<{ spec: SampleSpec; n: number; dim: number; data: number[] }>;
  /** absolute shareable URL of the current spec */
  getUrl(): string;
  /**
   * what the quality chart (view 2), the grid view (view 3), the BOSS cost-matrix view and the DPM-Solver-v3
   * statistics view (view 6) last drew: null until each has rendered (boss / v3: while not shown)
   */
  views(): {
    quality: QualityViewReport | null;
    grid: GridViewReport | null;
    boss: BossViewReport | null;
    v3: V3ViewReport | null;
    claim: ClaimViewReport | null;
    stepErrors: StepErrorViewReport | null;
  };
  /**
   * x_T of each shown solver's latest live run as the flow view draws it (the first `count` particles, default 8,
   * row-major) and the seed it ran with: all equal while "Same noise" is on, each its own when off
   */
  startingPoints(count?: number): Promise<{ index: number; solver: string; seed: number | null; points: number[] }[]>;
  /** the PDE lab */
  pde: StepscopePdeHook;
  /** the benchmark page (issue #9) */
  bench: StepscopeBenchHook;
}

export interface StepscopePdeRunState {
  role: 'primary' | 'compare';
  stepper: string;
  backend: 'gpu' | 'cpu';
  steps: number;
  time: number;
  /** steps per second of wall time over the last second while playing (0 when paused) */
  stepsPerSecond: number;
  stepsPerFrame: number;
  /** the first non-finite step, its time and the explanation shown; null while finite */
  diverged: { step: number; time: number; message: string } | null;
  /** per channel of the physical field (GpuPdeSolver.fieldStats' definitions; the CPU path computes the same) */
  stats: FieldStats | null;
}

export interface StepscopePdeState extends Omit<StepscopePdeRunState, 'role' | 'stepper' | 'backend'> {
  playing: boolean;
  backend: 'gpu' | 'cpu' | null;
  /** the primary run (the spec's stepper) first, then the side-by-side one */
  runs: StepscopePdeRunState[];
  /** texts of the PDE lab's notices */
  notices: string[];
}

export interface StepscopePdeHook {
  getSpec(): PdeSpec;
  /** validate and apply (throws with the SpecError message, changing nothing, when invalid) */
  setSpec(spec: unknown): Promise<StepscopePdeState>;
  /** the side-by-side stepper, or null */
  setCompare(stepper: string | null): Promise<StepscopePdeState>;
  setView(view: { colormap?: string; range?: 'auto' | 'fixed'; fixed?: [number, number]; channel?: number; mode?: 'map' | 'surface' }): void;
  state(): StepscopePdeState;
  play(): Promise<void>;
  pause(): Promise<void>;
  /** n steps of every run (one submit on the GPU), then a sample */
  step(n?: number): Promise<StepscopePdeState>;
  /** play until the primary run reaches `time` (or diverges, or is paused) */
  runTo(time: number): Promise<StepscopePdeState>;
  reset(newSeed?: boolean): Promise<StepscopePdeState>;
  /** the brush at (x[, y]) in physical units on every run; channel defaults to the shown one */
  paint(brush: { x: number; y?: number; radius: number; value: number; mode?: 'add' | 'replace' | 'smooth'; channel?: number }): Promise<StepscopePdeState>;
  /** the physical field, interleaved complex [channel][…] (float64 copy) */
  field(role?: 'primary' | 'compare'): Promise<number[] | null>;
  /** the float64 convergence study of the current spec (in a worker) */
  convergence(options: { steppers: string[]; dts: number[]; tEnd?: number }): Promise<ConvergenceResult>;
  /** steps/s of the float64 CPU path on the current spec (in a worker) */
  cpuStepsPerSecond(maxMs?: number): Promise<{ steps: number; seconds: number; stepsPerSecond: number }>;
  views(): PdeViewReports;
  getUrl(): string;
}

declare global {
  interface Window {
    stepscope: StepscopeHook;
  }
}
