// What each PDE-lab view last drew, for `window.stepscope.pde.views()` (the e2e tests read numbers, not pixels).

import type { ConvergenceChartReport, InvariantChartReport, LinePlotReport, StabilityReport } from '../../views/pde/charts.ts';
import type { SurfaceReport } from '../../views/pde/surface.ts';
import type { WaterfallReport } from '../../views/pde/waterfall.ts';

export interface FieldMapReport {
  role: 'primary' | 'compare';
  /** 'gpu': drawn from the solver's buffer on a WebGPU canvas; 'canvas': from a read-back (or CPU) field */
  path: 'gpu' | 'canvas';
  mode: 'map' | 'surface';
  colormap: string;
  channel: number;
  range: [number, number];
  draws: number;
  /** mode 'surface': the three.js height surface (renderer, mesh size, height scale, drawn heights) */
  surface?: SurfaceReport;
}

/** the energy spectrum of one run as last drawn */
export interface SpectrumReport {
  role: 'primary' | 'compare';
  channel: number;
  /** 'sum': Σ|û|²/N² over each shell; 'mean': divided by the modes in the shell */
  which: 'sum' | 'mean';
  /** shells (k > 0) drawn, their k and energies */
  k: number[];
  energy: number[];
  /** Σ over all shells (k = 0 included) = ⟨|u|²⟩ (Parseval) */
  total: number;
  steps: number;
  updates: number;
}

/** the Navier–Stokes velocity arrows as last drawn */
export interface ArrowsReport {
  role: 'primary' | 'compare';
  grid: [number, number];
  drawn: number;
  maxSpeed: number;
  /** the velocity at the first few arrows (x, y, u, v) */
  sample: [number, number, number, number][];
  steps: number;
  updates: number;
}

export interface PdeViewReports {
  fields: FieldMapReport[];
  line: (Omit<LinePlotReport, 'invert'> & { role: string }) | null;
  waterfall: (WaterfallReport & { role: string }) | null;
  invariants: Record<string, InvariantChartReport>;
  stability: StabilityReport | null;
  convergence: ConvergenceChartReport | null;
  spectrum: SpectrumReport[];
  arrows: ArrowsReport[];
}

const reports: PdeViewReports = { fields: [], line: null, waterfall: null, invariants: {}, stability: null, convergence: null, spectrum: [], arrows: [] };

export function reportField(report: FieldMapReport): void {
  const i = reports.fields.findIndex((f) => f.role === report.role);
  if (i >= 0) reports.fields[i] = report;
  else reports.fields.push(report);
}

export function dropFieldReport(role: string): void {
  reports.fields = reports.fields.filter((f) => f.role !== role);
}

/** one run's entry of a per-run list ('spectrum', 'arrows'); null drops it */
export function reportPerRun<K extends 'spectrum' | 'arrows'>(key: K, role: string, report: PdeViewReports[K][number] | null): void {
  const list = (reports[key] as { role: string }[]).filter((r) => r.role !== role);
  if (report) list.push(report);
  (reports[key] as { role: string }[]) = list;
}

export function reportPdeView<K extends Exclude<keyof PdeViewReports, 'fields' | 'spectrum' | 'arrows'>>(key: K, value: PdeViewReports[K]): void {
  reports[key] = value;
}

export function pdeViewReports(): PdeViewReports {
  return structuredClone(reports);
}
