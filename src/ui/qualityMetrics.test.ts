import { describe, expect, it } from 'vitest';
import { summarize } from '../core/metrics/intervals.ts';
import type { SweepCurve, SweepPoint, SweepResult } from '../engine/sampling.ts';
import { QUALITY_METRICS, availableMetrics, liveRings, qualityChartData } from './qualityMetrics.ts';

const metric = (id: string) => QUALITY_METRICS.find((m) => m.id === id)!;

function point(nfe: number, seeds: Record<'mmd2' | 'rmse' | 'sw2', number[]>): SweepPoint {
  const s = (v: number[]) => summarize(v);
  const mean = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
  const stats = { mmd2: s(seeds.mmd2), energy: s([0, 0]), rmse: s(seeds.rmse), sw2: s(seeds.sw2), modeMass: s([0, 0]), nll: s([1, 1]), nllReference: s([1, 1]), wallMs: s([1, 1]) };
  return { nfe, mmd2: mean(seeds.mmd2), energy: 0, rmse: mean(seeds.rmse), wallMs: 1, sw2: mean(seeds.sw2), modeMass: 0, nll: 1, nllReference: 1, stats };
}

const curves: SweepCurve[] = [
  {
    solver: 'ddim',
    points: [point(5, { mmd2: [2e-3, 4e-3], rmse: [0.1, 0.12], sw2: [0.2, 0.3] }), point(10, { mmd2: [-1e-4, 3e-4], rmse: [0.05, 0.06], sw2: [0.1, 0.12] })],
  },
];
const result = {
  nfes: [5, 10],
  curves,
  metricSamples: 512,
  backend: 'gpu',
  seeds: [0, 1],
  nullBands: { mmd2: summarize([-2e-4, 4e-4]), energy: summarize([0, 1e-4]), sw2: summarize([0.05, 0.07]), modeMass: summarize([0.01, 0.02]), nll: summarize([1, 1]) },
} satisfies SweepResult;

describe('qualityChartData', () => {
  it('gives means with their 95% intervals and the null band, scaled like the axis (MMD² ×10³)', () => {
    const { data, nullBand, noiseFloor } = qualityChartData(metric('mmd2'), curves, result, [], (s) => s);
    const [p5, p10] = data.curves[0].points;
    expect(p5.value).toBeCloseTo(3, 12);
    const ci = curves[0].points[0].stats!.mmd2.ci95!;
    expect(p5.low).toBeCloseTo(ci[0] * 1e3, 9);
    expect(p5.high).toBeCloseTo(ci[1] * 1e3, 9);
    expect(p5.low!).toBeLessThan(p5.value);
    expect(p5.high!).toBeGreaterThan(p5.value);
    expect(p10.value).toBeCloseTo(0.1, 12);
    const nb = result.nullBands.mmd2;
    expect(nullBand).toEqual({ low: nb.ci95![0] * 1e3, high: nb.ci95![1] * 1e3, mean: nb.mean! * 1e3 });
    // unbiased MMD²: the floor is the size of the most negative estimate (here none is negative: 0)
    expect(noiseFloor).toBe(0);
  });

  it('has no interval with one seed, and no null band for RMSE', () => {
    const one: SweepCurve[] = [{ solver: 'ddim', points: [{ ...point(5, { mmd2: [1e-3], rmse: [0.1], sw2: [0.2] }) }] }];
    const { data, nullBand, noiseFloor } = qualityChartData(metric('rmse'), one, result, [], (s) => s);
    expect(data.curves[0].points[0]).toEqual({ nfe: 5, value: 0.1 });
    expect(nullBand).toBeUndefined();
    expect(noiseFloor).toBeUndefined();
  });

  it('draws the live run in the same units', () => {
    const live = [{ solver: 'ddim', nfe: 7, metrics: { mmd2: 2e-3, energy: 0, rmse: 0.2, sw2: 0.1, modeMass: 0, nll: null, nllReference: null, nulls: { mmd2: 0, energy: 0, sw2: 0, modeMass: 0 }, metricSamples: 512 } }];
    expect(qualityChartData(metric('mmd2'), curves, result, live, (s) => s).data.live).toEqual([{ solver: 'ddim', nfe: 7, value: 2 }]);
  });

  it('draws a live run of another n than the sweep only for metrics whose expectation does not depend on n', () => {
    const metrics = { mmd2: 2e-3, energy: 0.01, rmse: 0.2, sw2: 0.1, modeMass: 0.02, nll: null, nllReference: null, nulls: { mmd2: 0, energy: 0, sw2: 0, modeMass: 0 }, metricSamples: 4096 };
    const results = [{ solver: 'ddim', nfe: 7, n: 4096, metrics }];
    // unbiased (MMD², energy) or a mean over particles (RMSE): drawn, and the hint says at which sizes
    for (const id of ['mmd2', 'energy', 'rmse'] as const) {
      const { live, note } = liveRings(metric(id), results, 1024);
      expect(live, id).toBe(results);
      expect(note).toBe('Rings: the live run has n = 4,096, the curves n = 1,024; this metric estimates the same value at any n (with more scatter at smaller n).');
    }
    // biased by an amount that shrinks with n: not drawn on curves of another n, and the hint says why
    for (const id of ['sw2', 'modeMass', 'fdRf'] as const) expect(liveRings(metric(id), results, 1024)).toEqual({ live: [], note: 'No rings: the live run has n = 4,096, the curves n = 1,024, and this metric\'s bias depends on n.' });
    // the same n, or no sweep yet: every metric, no note
    expect(liveRings(metric('sw2'), results, 4096)).toEqual({ live: results, note: null });
    expect(liveRings(metric('sw2'), results, 0)).toEqual({ live: results, note: null });
  });

  it('offers FD-RF only when the sweep or the live run has it', () => {
    expect(availableMetrics(curves, false).map((m) => m.id)).toEqual(['mmd2', 'energy', 'sw2', 'modeMass', 'rmse']);
    expect(availableMetrics(curves, true).map((m) => m.id)).toContain('fdRf');
    const withFd: SweepCurve[] = [{ solver: 'ddim', points: [{ ...curves[0].points[0], fdRf: 3 }] }];
    expect(availableMetrics(withFd, false).map((m) => m.id)).toContain('fdRf');
  });

  it('labels the RMSE slope as the global order', () => {
    expect(metric('rmse').slopeLabel(-2.04)).toBe('order 2.0');
    expect(metric('mmd2').slopeLabel(-3.96)).toBe('slope −4.0');
  });
});
