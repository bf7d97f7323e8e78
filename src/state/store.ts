// The app's state (DESIGN §6: a zustand vanilla store in slices; React reads it through a hook, the frame
// loop and the run controller subscribe outside React). The spec is always valid: it only changes through
// parseSpec, and a rejected input changes nothing.

import { createStore, type StateCreator, type StoreApi } from 'zustand/vanilla';
import type { SolverName } from '../core/sampling/solvers.ts';
import { MAX_COMPONENTS, parseSpec, type SampleSpec } from '../core/spec/spec.ts';
import type { Backend, RunMetricsSoFar, SweepCurve, SweepResult } from '../engine/sampling.ts';
import type { AdapterSummary, GpuStatusKind } from '../gpu/device.ts';

// ---------------------------------------------------------------------------------------------- spec

export interface SpecSlice {
  /** the experiment, compared configurations (spec.compare) included: what a link and the CLI reproduce */
  spec: SampleSpec;
  /** validate and take a new spec; throws SpecError (and changes nothing) when invalid */
  setSpec(input: unknown): SampleSpec;
  /** every shown configuration starts from the spec's x_T (on, the default); off: each its own (solverRuns.ts; UI state, not in the link) */
  sameNoise: boolean;
  setSameNoise(on: boolean): void;
  /**
   * A slider that changes the spec (NFE, a schedule parameter, a solver option) is being dragged: live runs use fewer
   * particles until it is released (controller.ts DRAG_PARTICLES), then refine at the spec's n. UI state.
   */
  dragging: boolean;
  setDragging(on: boolean): void;
}

// ----------------------------------------------------------------------------------------------- gpu

export type GpuStatus = 'pending' | GpuStatusKind;

export interface GpuSlice {
  gpu: {
    status: GpuStatus;
    reason: string;
    adapterInfo: AdapterSummary | null;
    /** where runs execute now (null until known) */
    backend: Backend | null;
    /** set when the device was lost: the message shown to the user */
    lost: string | null;
  };
  setGpu(gpu: Partial<GpuSlice['gpu']>): void;
}

// ------------------------------------------------------------------------------------------- live run

export interface LiveResult {
  /** the shown configuration it belongs to (ui/configurations.ts: 0 = the spec's own) */
  index: number;
  solver: SolverName;
  /** the spec it ran (the configuration's own; with "same noise" off, its seed) */
  runSpec: SampleSpec;
  /** its configuration's colour and label (ui/configurations.ts) */
  color?: string;
  label?: string;
  backend: Backend;
  /** without SW2, mode mass and NLL while the run's status is 'measuring' (the controller measures them last) */
  metrics?: RunMetricsSoFar;
  nfe: number;
  times: number[];
  wallMs: number;
  /** particles it ran with: the spec's n, or fewer while a slider is dragged (controller.ts dragParticles) */
  n: number;
  /** image targets only: the final samples (n·d, row-major), read back once per run for the image grid */
  samples?: Float32Array | Float64Array;
}

/** whether a live run is under way: sampling, or measuring the diagnostics of what it shows */
export function liveRunBusy(status: RunSlice['run']['status']): boolean {
  return status === 'running' || status === 'measuring';
}

export interface RunSlice {
  run: {
    /** 'measuring': the results are shown; their diagnostics (SW2, mode mass, NLL) are being measured */
    status: 'idle' | 'running' | 'measuring' | 'done' | 'error';
    /** the latest result per solver (of the latest finished run) */
    results: LiveResult[];
    error: string | null;
    /** the spec the results belong to */
    spec: SampleSpec | null;
  };
  setRun(run: Partial<RunSlice['run']>): void;
}

// --------------------------------------------------------------------------------------------- sweep

/** a configuration's quality curve as the page shows it: its key (ui/configurations.ts), colour and label */
export interface ShownCurve extends SweepCurve {
  key?: string;
  color?: string;
  label?: string;
}

export interface SweepSlice {
  sweep: {
    status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
    done: number;
    total: number;
    /** curves so far, one per shown configuration (grow during a sweep; the full result once done) */
    curves: ShownCurve[];
    nfes: number[];
    /** particles used by the sweep (may differ from spec.n when a sweep overrides it) */
    n: number;
    result: SweepResult | null;
    error: string | null;
  };
  setSweep(sweep: Partial<SweepSlice['sweep']>): void;
}

// ---------------------------------------------------------------------------------------- sweep seeds

/**
 * How many seeds a quality sweep repeats over (each a full replicate: its own x_T and exact reference set), for
 * the curves' 95% intervals. UI state, not part of the spec or the link; null = the adapter's default
 * (defaultSweepSeeds).
 */
export interface SeedsSlice {
  sweepSeeds: number | null;
  setSweepSeeds(seeds: number | null): void;
}

/** 1 on a software adapter or the CPU fallback (every seed costs a full sweep of CPU time), 3 on a hardware GPU */
export function defaultSweepSeeds(gpu: Pick<GpuSlice['gpu'], 'status' | 'backend'>): number {
  return gpu.status === 'ok' && gpu.backend !== 'cpu' ? 3 : 1;
}

/** the seeds the next sweep uses */
export function effectiveSweepSeeds(state: Pick<SeedsSlice, 'sweepSeeds'> & Pick<GpuSlice, 'gpu'>): number {
  return state.sweepSeeds ?? defaultSweepSeeds(state.gpu);
}

// ------------------------------------------------------------------------------------- drawn dataset

/**
 * A dataset drawn by hand on the flow view (2-D points in data coordinates). UI state until "done" makes
 * it the spec's `points` target; not part of the spec or the link while drawing.
 */
export interface DrawSlice {
  draw: { active: boolean; points: number[][] };
  /** enter drawing mode with these points (e.g. the current 2-D dataset), or none */
  startDrawing(points?: number[][]): void;
  /** add a point; false (and nothing added) when the dataset is full (MAX_COMPONENTS points) */
  addDrawnPoint(point: number[]): boolean;
  undoDrawnPoint(): void;
  clearDrawnPoints(): void;
  stopDrawing(): void;
}

// ------------------------------------------------------------------------------------------- notices

export interface Notice {
  id: number;
  level: 'info' | 'warning' | 'error';
  text: string;
  /** notices with the same key replace each other */
  key?: string;
}

export interface NoticeSlice {
  notices: Notice[];
  pushNotice(notice: Omit<Notice, 'id'>): number;
  dismissNotice(id: number): void;
}

export type AppState = SpecSlice & GpuSlice & RunSlice & SweepSlice & DrawSlice & NoticeSlice & SeedsSlice;
export type AppStore = StoreApi<AppState>;

const specSlice =
  (initial: SampleSpec): StateCreator<AppState, [], [], SpecSlice> =>
  (set, get) => ({
    spec: initial,
    setSpec(input) {
      const spec = parseSpec(input);
      if (JSON.stringify(spec) !== JSON.stringify(get().spec)) set({ spec });
      return spec;
    },
    sameNoise: true,
    setSameNoise: (sameNoise) => set({ sameNoise }),
    dragging: false,
    setDragging: (dragging) => {
      if (get().dragging !== dragging) set({ dragging });
    },
  });

const gpuSlice: StateCreator<AppState, [], [], GpuSlice> = (set, get) => ({
  gpu: { status: 'pending', reason: 'Looking for a WebGPU adapter…', adapterInfo: null, backend: null, lost: null },
  setGpu: (gpu) => set({ gpu: { ...get().gpu, ...gpu } }),
});

const runSlice: StateCreator<AppState, [], [], RunSlice> = (set, get) => ({
  run: { status: 'idle', results: [], error: null, spec: null },
  setRun: (run) => set({ run: { ...get().run, ...run } }),
});

const sweepSlice: StateCreator<AppState, [], [], SweepSlice> = (set, get) => ({
  sweep: { status: 'idle', done: 0, total: 0, curves: [], nfes: [], n: 0, result: null, error: null },
  setSweep: (sweep) => set({ sweep: { ...get().sweep, ...sweep } }),
});

const seedsSlice: StateCreator<AppState, [], [], SeedsSlice> = (set) => ({
  sweepSeeds: null,
  setSweepSeeds: (sweepSeeds) => set({ sweepSeeds }),
});

const drawSlice: StateCreator<AppState, [], [], DrawSlice> = (set, get) => ({
  draw: { active: false, points: [] },
  startDrawing: (points = []) => set({ draw: { active: true, points: points.slice(0, MAX_COMPONENTS) } }),
  addDrawnPoint(point) {
    const { draw } = get();
    if (draw.points.length >= MAX_COMPONENTS) return false;
    set({ draw: { ...draw, points: [...draw.points, point] } });
    return true;
  },
  undoDrawnPoint: () => set({ draw: { ...get().draw, points: get().draw.points.slice(0, -1) } }),
  clearDrawnPoints: () => set({ draw: { ...get().draw, points: [] } }),
  stopDrawing: () => set({ draw: { active: false, points: [] } }),
});

let noticeIds = 0;
/** notices with replace-by-key, shared by both labs' stores (ids are unique across them) */
export function noticeSlice<S extends NoticeSlice>(): StateCreator<S, [], [], NoticeSlice> {
  return (set, get) => ({
    notices: [],
    pushNotice(notice) {
      const id = ++noticeIds;
      const rest = notice.key ? get().notices.filter((n) => n.key !== notice.key) : get().notices;
      set({ notices: [...rest, { ...notice, id }] } as Partial<S>);
      return id;
    },
    dismissNotice: (id) => set({ notices: get().notices.filter((n) => n.id !== id) } as Partial<S>),
  });
}

export function createAppStore(initialSpec: SampleSpec): AppStore {
  return createStore<AppState>()((...a) => ({
    ...specSlice(initialSpec)(...a),
    ...gpuSlice(...a),
    ...runSlice(...a),
    ...sweepSlice(...a),
    ...drawSlice(...a),
    ...noticeSlice<AppState>()(...a),
    ...seedsSlice(...a),
  }));
}
