// The tables behind the views, as CSV rows: built from the very data the views draw (the store's sweep, the views'
// reports, the PDE runs' series), so a file holds the numbers on screen without recomputing anything. Long format
// (one row per point) so that pandas/NumPy read each file with one call.

import type { SweepCurve } from '../../engine/sampling.ts';
import type { QualityMetric } from '../qualityMetrics.ts';
import type { CsvCell } from './exporters.ts';

export interface Table {
  header: string[];
  rows: CsvCell[][];
}

/**
 * The quality sweep: one row per (curve, NFE), every metric the chart can show (its mean over seeds, unscaled,
 * as measured) and, when the sweep had several seeds, each metric's 95% interval; then the wall time. A curve is named
 * by its configuration (its position and its label, as in the legend), since two configurations may share a solver.
 */
export function qualityTable(curves: (SweepCurve & { label?: string })[], metrics: QualityMetric[]): Table {
  const withInterval = metrics.filter((m) => curves.some((c) => c.points.some((p) => m.summary(p)?.ci95)));
  const header = ['configuration', 'label', 'solver', 'nfe'];
  for (const m of metrics) {
    header.push(m.id);
    if (withInterval.includes(m)) header.push(`${m.id}_ci95_low`, `${m.id}_ci95_high`);
  }
  header.push('wall_ms');
  const rows: CsvCell[][] = [];
  for (const [index, curve] of curves.entries())
    for (const p of curve.points) {
      const row: CsvCell[] = [index, curve.label ?? curve.solver, curve.solver, p.nfe];
      for (const m of metrics) {
        row.push(m.mean(p) ?? null);
        if (withInterval.includes(m)) {
          const ci = m.summary(p)?.ci95;
          row.push(ci?.[0] ?? null, ci?.[1] ?? null);
        }
      }
      row.push(p.wallMs);
      rows.push(row);
    }
  return { header, rows };
}

/**
 * time grids: one row per (configuration, grid point) with t, σ̃ and λ (λ = +∞ at σ = 0 is written `Infinity`); a
 * configuration is named by its index (default: its position) and label, since two may share a solver
 */
export function gridTable(configurations: { index?: number; label?: string; solver: string; t: number[]; sigma: number[]; lambda: number[] }[]): Table {
  const rows: CsvCell[][] = [];
  for (const [position, c] of configurations.entries())
    c.t.forEach((t, i) => rows.push([c.index ?? position, c.label ?? c.solver, c.solver, i, t, c.sigma[i] ?? null, c.lambda[i] ?? null]));
  return { header: ['configuration', 'label', 'solver', 'step', 't', 'sigma', 'lambda'], rows };
}

/** labelled series over a shared axis (claims: one value per series and axis point) */
export function seriesTable(axisName: string, axis: number[], series: { label: string; values: (number | null)[] }[]): Table {
  const rows: CsvCell[][] = [];
  for (const s of series) axis.forEach((x, i) => rows.push([s.label, x, s.values[i] ?? null]));
  return { header: ['series', axisName, 'value'], rows };
}

/** time series of several runs (the PDE invariants): one row per (run, series, time) */
export function timeSeriesTable(runs: { run: string; stepper: string; series: { id: string; times: number[]; values: number[] }[] }[]): Table {
  const rows: CsvCell[][] = [];
  for (const r of runs) for (const s of r.series) s.times.forEach((t, i) => rows.push([r.run, r.stepper, s.id, t, s.values[i] ?? null]));
  return { header: ['run', 'stepper', 'quantity', 'time', 'value'], rows };
}

/** a short name of a sampler target for file names: the preset's name, else its type (`ring8`, `glyphs16`, `gmm`) */
export function targetSlug(target: { type: string; name?: string }): string {
  return target.type === 'preset' && target.name ? target.name : target.type;
}
