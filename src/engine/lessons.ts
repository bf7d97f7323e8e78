// Runs one figure of a lesson (src/core/lessons/lesson.ts) and decides its checks: sampler figures through the claims
// runner (the same numbers as `stepscope claim`), PDE figures point by point on the float64 CPU solver, where a run
// that blows up is a measurement (the time it became non-finite), not a failure. The app's lesson worker and
// `stepscope lesson FILE.md` both call this, so a lesson shows the numbers the CLI prints.

import type { ClaimCheck } from '../core/claims.ts';
import { type FigureAxis, type LessonFigure, type PdeFigure, type PdeFigureMetric } from '../core/lessons/lesson.ts';
import { exactSolution, relativeMaxError } from '../core/pde/exact.ts';
import { PdeDivergence } from '../core/pde/run.ts';
import { pdeStepCount } from '../core/spec/pdeSpec.ts';
import { runClaim, type ClaimBackend } from './claims.ts';
import { cpuStepper, initialState, problemOf } from './pde/pdeRun.ts';
import { type Backend, CancelledError } from './sampling.ts';

export interface FigurePoint {
  series: number;
  x: number;
  /** metric → value (NaN where not measured; `blowUp` NaN: it stayed finite) */
  values: Record<string, number>;
}

export interface FigureResult {
  axis: FigureAxis;
  labels: string[];
  metrics: string[];
  points: FigurePoint[];
  checks: ClaimCheck[];
  holds: boolean;
  /** the engine the numbers come from */
  backend: Backend;
  wallMs: number;
}

export interface FigureRunOptions {
  signal?: AbortSignal;
  onProgress?: (done: number, total: number, point: FigurePoint) => void;
}

const now = () => performance.now();

/** the last field's standard deviation over the grid (real part), e.g. how much pattern Gray–Scott's v keeps */
function lastFieldStd(physical: ArrayLike<number>, channels: number): number {
  const size = physical.length / 2 / channels;
  const offset = (channels - 1) * size;
  let mean = 0;
  for (let i = 0; i < size; i++) mean += physical[2 * (offset + i)];
  mean /= size;
  let variance = 0;
  for (let i = 0; i < size; i++) variance += (physical[2 * (offset + i)] - mean) ** 2;
  return Math.sqrt(variance / size);
}

/** One PDE run to its tEnd on the float64 solver; a blow-up ends it and is recorded as `blowUp`. */
async function measurePde(figure: PdeFigure, series: number, x: number, signal?: AbortSignal): Promise<Record<PdeFigureMetric, number>> {
  const spec = figure.series[series].at(x);
  const problem = problemOf(spec);
  const u0 = initialState(spec);
  const stepper = cpuStepper(problem, u0);
  const total = pdeStepCount(spec);
  // chunks of steps, yielding between them so that a cancel is seen
  const chunk = Math.max(1, Math.floor(2e6 / (u0.length * Math.max(1, problem.program.step.length))));
  try {
    for (let step = 0; step < total; step += chunk) {
      if (signal?.aborted) throw new CancelledError();
      stepper.advance(Math.min(chunk, total - step));
      await new Promise((resolve) => setTimeout(resolve, 0));
    }
  } catch (error) {
    if (error instanceof PdeDivergence) return { blowUp: error.time, error: NaN, maxAbs: NaN, std: NaN };
    throw error;
  }
  const final = stepper.physical() as ArrayLike<number>;
  const exact = exactSolution(problem, spec.ic.type, u0);
  let maxAbs = 0;
  for (let i = 0; i < final.length; i += 2) maxAbs = Math.max(maxAbs, Math.hypot(final[i], final[i + 1]));
  return {
    blowUp: NaN,
    error: exact ? relativeMaxError(final, exact(total * spec.dt)) : NaN,
    maxAbs,
    std: lastFieldStd(final, problem.channels),
  };
}

async function runPdeFigure(figure: PdeFigure, options: FigureRunOptions): Promise<FigureResult> {
  const start = now();
  const points: FigurePoint[] = [];
  const total = figure.series.length * figure.axis.values.length;
  for (let s = 0; s < figure.series.length; s++) {
    for (const x of figure.axis.values) {
      const point = { series: s, x, values: await measurePde(figure, s, x, options.signal) };
      points.push(point);
      options.onProgress?.(points.length, total, point);
    }
  }
  const values = figure.series.map((_, s) => figure.axis.values.map((x) => points.find((p) => p.series === s && p.x === x)!.values));
  const checks = figure.checks(values);
  return { axis: figure.axis, labels: figure.series.map((s) => s.label), metrics: figure.metrics, points, checks, holds: checks.every((c) => c.holds), backend: 'cpu', wallMs: now() - start };
}

/** Run a lesson figure: sampler figures on `sampler` (any ClaimBackend), PDE figures on the float64 CPU solver. */
export async function runLessonFigure(figure: LessonFigure, sampler: ClaimBackend, options: FigureRunOptions = {}): Promise<FigureResult> {
  if (figure.kind === 'pde') return runPdeFigure(figure.pde, options);
  const { claim } = figure;
  const result = await runClaim(claim, sampler, {
    signal: options.signal,
    onProgress: (done, total, point) => options.onProgress?.(done, total, { series: point.series, x: point.x, values: pointValues(point) }),
  });
  return {
    axis: claim.axis,
    labels: claim.series.map((s) => s.label),
    metrics: claim.metrics,
    points: result.series.flatMap((series, s) => series.points.map((p) => ({ series: s, x: p.x, values: pointValues(p) }))),
    checks: result.checks,
    holds: result.holds,
    backend: result.backend,
    wallMs: result.wallMs,
  };
}

function pointValues(p: { rmse: number; mmd2: number; fdRf?: number; outside?: number; nearest?: number }): Record<string, number> {
  return { rmse: p.rmse, mmd2: p.mmd2, fdRf: p.fdRf ?? NaN, outside: p.outside ?? NaN, nearest: p.nearest ?? NaN };
}
