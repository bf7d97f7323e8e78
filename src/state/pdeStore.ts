// The PDE lab's state (DESIGN §6: a zustand vanilla store in slices; React reads it through a hook, the frame
// loop subscribes outside React). The spec only changes through parsePdeSpec: a rejected input changes nothing.
// Run state is written by the lab's controller (ui/pde/pdeController.ts); views read it.

import { createStore, type StoreApi } from 'zustand/vanilla';
import type { StepperName } from '../core/pde/steppers.ts';
import { parsePdeSpec, type PdeSpec } from '../core/spec/pdeSpec.ts';
import type { ConvergenceResult } from '../engine/pde/convergence.ts';
import type { FieldStats } from '../engine/pde/gpuPde.ts';
import { type NoticeSlice, noticeSlice } from './store.ts';

export interface PdeDivergenceInfo {
  /** the first step whose state was not finite (counted from the run's start) */
  step: number;
  time: number;
  /** what happened and what to do */
  message: string;
}

export interface InvariantSeries {
  id: string;
  description: string;
  expect: string;
  times: number[];
  values: number[];
}

/** one live run: the spec's stepper ('primary') or the side-by-side one ('compare') */
export interface PdeRunInfo {
  role: 'primary' | 'compare';
  stepper: StepperName;
  backend: 'gpu' | 'cpu';
  steps: number;
  time: number;
  /** steps per second of wall time over the last second (0 when paused) */
  stepsPerSecond: number;
  /** steps encoded per frame (adapted to hold ~30 fps) */
  stepsPerFrame: number;
  diverged: PdeDivergenceInfo | null;
  stats: FieldStats | null;
  invariants: InvariantSeries[];
}

export const COLORMAPS = ['viridis', 'inferno', 'turbo', 'RdBu', 'greys'] as const;
export type ColormapName = (typeof COLORMAPS)[number];

export interface PdeViewSettings {
  colormap: ColormapName;
  /** 'auto' follows the field's min/max (from fieldStats); 'fixed' uses `fixed` */
  range: 'auto' | 'fixed';
  fixed: [number, number];
  /** the channel shown (u or v of Gray–Scott) */
  channel: number;
  /** 2D fields: flat colour map or 3D height surface */
  mode: 'map' | 'surface';
  /** surface: height of the colour range, in units of 0.35 box widths */
  heightScale: number;
  /** Navier–Stokes: velocity arrows over the vorticity */
  arrows: boolean;
  /** energy spectrum: the shell sum (Σ over the shell = Parseval) or the shell mean */
  spectrum: 'sum' | 'mean';
}

export interface BrushSettings {
  radius: number;
  value: number;
  mode: 'add' | 'replace' | 'smooth';
}

export interface ConvergenceState {
  status: 'idle' | 'running' | 'done' | 'cancelled' | 'error';
  done: number;
  total: number;
  result: ConvergenceResult | null;
  error: string | null;
}

export interface PdeState extends NoticeSlice {
  spec: PdeSpec;
  /** the side-by-side stepper (UI state; not part of the spec or the link) */
  compare: StepperName | null;
  playing: boolean;
  /** steps per frame: 'auto' adapts to hold ~30 fps; a number fixes it (slow motion) */
  speed: 'auto' | number;
  runs: PdeRunInfo[];
  view: PdeViewSettings;
  brush: BrushSettings;
  convergence: ConvergenceState;
  /** keep the difficulty γ_j of the linear coefficients when the grid changes (specs §3.5) */
  keepDifficulty: boolean;
  /** validate and take a new spec; throws SpecError (and changes nothing) when invalid */
  setSpec(input: unknown): PdeSpec;
  setCompare(stepper: StepperName | null): void;
  setPlaying(playing: boolean): void;
  setSpeed(speed: 'auto' | number): void;
  setRuns(runs: PdeRunInfo[]): void;
  setView(view: Partial<PdeViewSettings>): void;
  setBrush(brush: Partial<BrushSettings>): void;
  setConvergence(state: Partial<ConvergenceState>): void;
  setKeepDifficulty(keep: boolean): void;
}

export type PdeStore = StoreApi<PdeState>;

export function createPdeStore(initial: PdeSpec): PdeStore {
  return createStore<PdeState>()((set, get, api) => ({
    spec: initial,
    compare: null,
    playing: false,
    speed: 'auto',
    runs: [],
    view: { colormap: 'viridis', range: 'auto', fixed: [0, 1], channel: 0, mode: 'map', heightScale: 1, arrows: true, spectrum: 'sum' },
    brush: { radius: 0.05, value: 0.5, mode: 'smooth' },
    convergence: { status: 'idle', done: 0, total: 0, result: null, error: null },
    keepDifficulty: false,
    setSpec(input) {
      const spec = parsePdeSpec(input);
      if (JSON.stringify(spec) !== JSON.stringify(get().spec)) {
        const channels = spec.equation === get().spec.equation ? get().view.channel : 0;
        set({ spec, view: { ...get().view, channel: channels } });
      }
      return spec;
    },
    setCompare: (compare) => set({ compare }),
    setPlaying: (playing) => set({ playing }),
    setSpeed: (speed) => set({ speed }),
    setRuns: (runs) => set({ runs }),
    setView: (view) => set({ view: { ...get().view, ...view } }),
    setBrush: (brush) => set({ brush: { ...get().brush, ...brush } }),
    setConvergence: (convergence) => set({ convergence: { ...get().convergence, ...convergence } }),
    setKeepDifficulty: (keepDifficulty) => set({ keepDifficulty }),
    ...noticeSlice<PdeState>()(set, get, api),
  }));
}
