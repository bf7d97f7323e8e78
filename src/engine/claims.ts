// Runs a claim of the catalogue (src/core/claims.ts) point by point: each (series, axis value) is one sample with
// metrics on the given backend, or, for guided series, the guidance artifact metric on the float64 CPU engine. The
// same runner serves the CLI (`stepscope claim`) and the app's claims worker, so both report the same numbers.

import { type Claim, type ClaimCheck, type ClaimMetric, type ClaimValues } from '../core/claims.ts';
import { guidedOutsideMass } from '../core/sampling/guidance.ts';
import type { SampleSpec } from '../core/spec/spec.ts';
import { type Backend, CancelledError, type SampleOptions, type SampleOutcome } from './sampling.ts';

export interface ClaimPoint {
  /** the axis value */
  x: number;
  /** model evaluations the run spent */
  nfe: number;
  rmse: number;
  mmd2: number;
  /** image targets only */
  fdRf?: number;
  /** guided series only */
  outside?: number;
  /** claims with `nearestTo` only: mean distance from a sample to its nearest training point */
  nearest?: number;
}

/** mean over the samples (n × d, row-major) of the Euclidean distance to the nearest of `points` */
export function meanNearestDistance(samples: ArrayLike<number>, dim: number, points: number[][]): number {
  const n = samples.length / dim;
  let total = 0;
  for (let i = 0; i < n; i++) {
    let best = Infinity;
    for (const p of points) {
      let d2 = 0;
      for (let j = 0; j < dim; j++) d2 += (samples[i * dim + j] - p[j]) ** 2;
      best = Math.min(best, d2);
    }
    total += Math.sqrt(best);
  }
  return total / n;
}

export interface ClaimResult {
  id: string;
  title: string;
  statement: string;
  source: string;
  axis: Claim['axis'];
  metrics: ClaimMetric[];
  series: { label: string; engine: Backend; spec: SampleSpec; points: ClaimPoint[] }[];
  checks: ClaimCheck[];
  /** every check holds: the claim reproduced in this run */
  holds: boolean;
  backend: Backend;
  fdReferenceSamples?: number;
  wallMs: number;
}

export interface ClaimBackend {
  readonly kind: Backend;
  sample(spec: SampleSpec, options?: SampleOptions): Promise<SampleOutcome>;
}

export interface ClaimRunOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, point: ClaimPoint & { series: number }) => void;
}

const now = () => (typeof performance !== 'undefined' ? performance.now() : Date.now());

export async function runClaim(claim: Claim, backend: ClaimBackend, options: ClaimRunOptions = {}): Promise<ClaimResult> {
  const start = now();
  const total = claim.series.length * claim.axis.values.length;
  let done = 0;
  const series: ClaimResult['series'] = [];
  for (const [s, entry] of claim.series.entries()) {
    const points: ClaimPoint[] = [];
    for (const x of claim.axis.values) {
      if (options.signal?.aborted) throw new CancelledError();
      const spec = entry.at(x);
      let point: ClaimPoint;
      if (entry.guidance) {
        point = { x, nfe: spec.nfe ?? NaN, rmse: NaN, mmd2: NaN, outside: guidedOutsideMass(spec, entry.guidance) };
      } else {
        const nearestTo = claim.nearestTo;
        const outcome = await backend.sample(spec, { metrics: true, readSamples: nearestTo !== undefined });
        const m = outcome.metrics!;
        point = { x, nfe: outcome.nfe, rmse: m.rmse, mmd2: m.mmd2, ...(m.fdRf !== undefined ? { fdRf: m.fdRf } : {}) };
        if (nearestTo) point.nearest = meanNearestDistance(outcome.samples, nearestTo[0].length, nearestTo);
      }
      points.push(point);
      options.onProgress?.(++done, total, { ...point, series: s });
      // let the event loop deliver a cancel between points
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
    series.push({ label: entry.label, engine: entry.guidance ? 'cpu' : backend.kind, spec: entry.at(claim.axis.values[0]), points });
  }
  const values: ClaimValues = series.map((s) => s.points.map((p) => ({ rmse: p.rmse, mmd2: p.mmd2, fdRf: p.fdRf ?? NaN, outside: p.outside ?? NaN, nearest: p.nearest ?? NaN })));
  const checks = claim.checks(values);
  return {
    id: claim.id,
    title: claim.title,
    statement: claim.statement,
    source: claim.source,
    axis: claim.axis,
    metrics: claim.metrics,
    series,
    checks,
    holds: checks.every((c) => c.holds),
    backend: backend.kind,
    ...(claim.fdReferenceSamples !== undefined ? { fdReferenceSamples: claim.fdReferenceSamples } : {}),
    wallMs: now() - start,
  };
}
