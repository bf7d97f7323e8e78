// What each PDE-lab view last drew, for `window.stepscope.pde.views()` (the e2e tests read numbers, not pixels).

import type { ConvergenceChartReport, InvariantChartReport, LinePlotReport, StabilityReport } from '../../views/pde/charts.ts';
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
}

export interface PdeViewReports {
  fields: FieldMapReport[];
  line: (Omit<LinePlotReport, 'invert'> & { role: string }) | null;
  waterfall: (WaterfallReport & { role: string }) | null;
  invariants: Record<string, InvariantChartReport>;
  stability: StabilityReport | null;
  convergence: ConvergenceChartReport | null;
}

const reports: PdeViewReports = { fields: [], line: null, waterfall: null, invariants: {}, stability: null, convergence: null };

export function reportField(report: FieldMapReport): void {
  const i = reports.fields.findIndex((f) => f.role === report.role);
  if (i >= 0) reports.fields[i] = report;
  else reports.fields.push(report);
}

export function dropFieldReport(role: string): void {
  reports.fields = reports.fields.filter((f) => f.role !== role);
}

export function reportPdeView<K extends Exclude<keyof PdeViewReports, 'fields'>>(key: K, value: PdeViewReports[K]): void {
  reports[key] = value;
}

export function pdeViewReports(): PdeViewReports {
  return structuredClone(reports);
}
