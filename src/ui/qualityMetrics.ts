// The metrics the quality chart can show, and how a sweep's points become the chart's data: the mean over
// seeds, its 95% interval (stats.<metric>.ci95, present with ≥ 2 seeds), and the metric's null band
// (nullBands.<metric>: two independent exact sets compared, over the same seeds).

import type { MetricSummary } from '../core/metrics/intervals.ts';
import type { RunMetricsSoFar, SweepCurve, SweepPoint, SweepResult } from '../engine/sampling.ts';
import type { QualityChartData, QualityPoint } from '../views/qualityChart.ts';

export type QualityMetricId = 'mmd2' | 'energy' | 'sw2' | 'modeMass' | 'rmse' | 'fdRf';

export interface QualityMetric {
  id: QualityMetricId;
  /** the selector's text */
  name: string;
  /** y axis title */
  title: string;
  /** one line for the selector's hover/focus explanation */
  explain: string;
  /** values are multiplied by this for display (MMD² ×10³ keeps the ticks readable) */
  scale: number;
  mean(point: SweepPoint): number | undefined;
  summary(point: SweepPoint): MetricSummary | undefined;
  nullBand(result: SweepResult | null): { low: number; high: number; mean: number } | undefined;
  /** undefined while a live run's diagnostics are pending (SW2, mode mass) */
  live(metrics: RunMetricsSoFar): number | undefined;
  /**
   * unbiased estimators (MMD², energy) scatter around 0 near convergence: values within the size of the most
   * negative estimate are drawn "below noise" (the chart's existing handling); other metrics only at ≤ 0
   */
  unbiased: boolean;
  /**
   * the estimate's expectation does not depend on the number of particles (MMD², energy: unbiased; RMSE: the root of
   * a mean over particles, whose bias at these n is far below its spread), so a live run at another n than the sweep's
   * can be drawn on its curves; SW2, the mode-mass error and FD-RF are biased by amounts that shrink with n
   */
  sameAtAnyN: boolean;
  /** the slope label: for the same-noise RMSE the slope is minus the global order */
  slopeLabel(slope: number): string;
}

const signed = (v: number) => (v < 0 ? `−${Math.abs(v).toFixed(1)}` : v.toFixed(1));
const slopeText = (slope: number) => `slope ${signed(slope)}`;

function band(summary: MetricSummary | undefined): { low: number; high: number; mean: number } | undefined {
  if (!summary || summary.mean === null) return undefined;
  const [low, high] = summary.ci95 ?? [summary.mean, summary.mean];
  return { low, high, mean: summary.mean };
}

export const QUALITY_METRICS: QualityMetric[] = [
  {
    id: 'mmd2',
    name: 'MMD²',
    title: 'MMD² ×10³',
    explain: 'unbiased multi-bandwidth RBF MMD² against exact samples of p(t_end); can fall to ≤ 0 below its sampling noise',
    scale: 1e3,
    mean: (p) => p.mmd2,
    summary: (p) => p.stats?.mmd2,
    nullBand: (r) => band(r?.nullBands?.mmd2),
    live: (m) => m.mmd2,
    unbiased: true,
    sameAtAnyN: true,
    slopeLabel: slopeText,
  },
  {
    id: 'energy',
    name: 'Energy distance',
    title: 'energy distance',
    explain: 'unbiased energy distance against the same exact samples; like MMD² it can fall to ≤ 0',
    scale: 1,
    mean: (p) => p.energy,
    summary: (p) => p.stats?.energy,
    nullBand: (r) => band(r?.nullBands?.energy),
    live: (m) => m.energy,
    unbiased: true,
    sameAtAnyN: true,
    slopeLabel: slopeText,
  },
  {
    id: 'sw2',
    name: 'Sliced W2',
    title: 'sliced W2',
    explain: 'sliced Wasserstein-2 over 256 fixed directions; biased upwards (~n^−½), so read it against its null band',
    scale: 1,
    mean: (p) => p.sw2,
    summary: (p) => p.stats?.sw2,
    nullBand: (r) => band(r?.nullBands?.sw2),
    live: (m) => m.sw2,
    unbiased: false,
    sameAtAnyN: false,
    slopeLabel: slopeText,
  },
  {
    id: 'modeMass',
    name: 'Mode-mass error',
    title: 'mode-mass error',
    explain: '½ Σ|π̂_k − π_k|: how far the share of samples per mixture component is from the true weights',
    scale: 1,
    mean: (p) => p.modeMass,
    summary: (p) => p.stats?.modeMass,
    nullBand: (r) => band(r?.nullBands?.modeMass),
    live: (m) => m.modeMass,
    unbiased: false,
    sameAtAnyN: false,
    slopeLabel: slopeText,
  },
  {
    id: 'rmse',
    name: 'Same-noise RMSE',
    title: 'same-noise RMSE',
    explain: 'distance to an RK45 solution (tolerance 1e-7) from the same starting noise; its slope is minus the global order',
    scale: 1,
    mean: (p) => p.rmse,
    summary: (p) => p.stats?.rmse,
    nullBand: () => undefined,
    live: (m) => m.rmse,
    unbiased: false,
    sameAtAnyN: true,
    slopeLabel: (slope) => `order ${signed(-slope)}`,
  },
  {
    id: 'fdRf',
    name: 'FD-RF',
    title: 'FD-RF',
    explain: 'Fréchet distance in a fixed random-feature space (image targets); biased ~1/n, so read it against its null',
    scale: 1,
    mean: (p) => p.fdRf,
    summary: (p) => p.imageStats?.fdRf,
    // one null value per sweep (not an interval over seeds): drawn as a thin band at that value
    nullBand: (r) => (r?.fdRfNull !== undefined ? { low: r.fdRfNull, high: r.fdRfNull, mean: r.fdRfNull } : undefined),
    live: (m) => m.fdRf,
    unbiased: false,
    sameAtAnyN: false,
    slopeLabel: slopeText,
  },
];

/**
 * The live run's rings on the chart: drawn when the run has the sweep's particle count, or the metric's expectation does
 * not depend on it (sameAtAnyN: the automatic sweep on a software adapter uses fewer particles than the live run). The
 * note says which, for the chart's hint.
 */
export function liveRings(metric: QualityMetric, results: (LiveValue & { n: number })[], sweepN: number): { live: LiveValue[]; note: string | null } {
  if (results.length === 0) return { live: [], note: null };
  const n = results[0].n;
  // no curves yet: nothing to compare the rings with
  if (n === sweepN || sweepN === 0) return { live: results, note: null };
  const sizes = `the live run has n = ${n.toLocaleString('en-US')}, the curves n = ${sweepN.toLocaleString('en-US')}`;
  return metric.sameAtAnyN
    ? { live: results, note: `Rings: ${sizes}; this metric estimates the same value at any n (with more scatter at smaller n).` }
    : { live: [], note: `No rings: ${sizes}, and this metric's bias depends on n.` };
}

/** the metrics this sweep can show (FD-RF only when its points carry it) */
export function availableMetrics(curves: SweepCurve[], liveHasFd: boolean): QualityMetric[] {
  const fd = liveHasFd || curves.some((c) => c.points.some((p) => p.fdRf !== undefined));
  return QUALITY_METRICS.filter((m) => m.id !== 'fdRf' || fd);
}

export interface LiveValue {
  solver: string;
  /** its configuration's colour (default: the solver's) */
  color?: string;
  nfe: number;
  metrics?: RunMetricsSoFar;
}

/** The chart's data for one metric: means, intervals (scaled), live rings, the null band and the noise floor. */
export function qualityChartData(
  metric: QualityMetric,
  curves: (SweepCurve & { color?: string; label?: string })[],
  result: SweepResult | null,
  live: LiveValue[],
  label: (solver: string) => string,
): { data: QualityChartData; nullBand?: { low: number; high: number; mean: number }; noiseFloor?: number } {
  const k = metric.scale;
  const data: QualityChartData = {
    curves: curves.map((c) => ({
      solver: c.solver,
      // a shown configuration's own label and colour (the same solver may be shown twice, on two schedules)
      label: c.label ?? label(c.solver),
      ...(c.color ? { color: c.color } : {}),
      points: c.points.flatMap((p): QualityPoint[] => {
        const mean = metric.mean(p);
        if (mean === undefined || mean === null || !Number.isFinite(mean)) return [];
        const ci = metric.summary(p)?.ci95;
        return [{ nfe: p.nfe, value: mean * k, ...(ci ? { low: ci[0] * k, high: ci[1] * k } : {}) }];
      }),
    })),
    live: live.flatMap((r) => {
      const v = r.metrics ? metric.live(r.metrics) : undefined;
      return v !== undefined && Number.isFinite(v) ? [{ solver: r.solver, nfe: r.nfe, value: v * k, ...(r.color ? { color: r.color } : {}) }] : [];
    }),
  };
  const nb = metric.nullBand(result);
  const nullBand = nb ? { low: nb.low * k, high: nb.high * k, mean: nb.mean * k } : undefined;
  let noiseFloor: number | undefined;
  if (metric.unbiased) {
    // the size of the most negative estimate: values below it cannot be told from 0
    const values = [...data.curves.flatMap((c) => c.points.map((p) => p.value)), ...(data.live ?? []).map((p) => p.value)];
    noiseFloor = Math.max(0, ...values.map((v) => -v));
  }
  return { data, nullBand, noiseFloor };
}
