// From a validated spec to what a run needs: process, prepared target, time grid and solver program.
// One place, used by the CPU interpreter, the GPU engine, the CLI and the UI.

import type { SampleSpec } from '../spec/spec.ts';
import { GLYPH_SIZE, glyphMixture } from './glyphs.ts';
import { type PreparedMixture, mixtureDenoise, prepareDiagonalMixture, prepareMixture, type GaussianMixture } from './gmm.ts';
import type { DenoiserModel } from './interpreter.ts';
import { type NoiseProcess, createProcess } from './process.ts';
import { targetPreset } from './presets.ts';
import type { Program } from './program.ts';
import { type BossRequest, bossGrid, bossTeacherSolver } from './boss.ts';
import type { StatisticsSource } from './ems.ts';
import { buildTimeGrid, scheduleEndsAtZero, scheduleWithoutZero } from './schedules.ts';
import { type GridMaker, type SolverContext, type StepBudget, buildSolverProgram } from './solvers.ts';

export interface ResolvedExperiment {
  process: NoiseProcess;
  mixture: PreparedMixture;
  program: Program;
  dim: number;
}

export function makeProcess(spec: SampleSpec['process']): NoiseProcess {
  return createProcess(spec);
}

/**
 * The target as full covariance matrices. For glyphs16 this builds K dense 256×256 (diagonal) matrices: fine for
 * viewers that take a 2D marginal, but runs use prepareTarget, which never forms them.
 */
export function targetMixture(target: SampleSpec['target']): GaussianMixture {
  switch (target.type) {
    case 'preset':
      return targetPreset(target.name);
    case 'glyphs16': {
      const g = glyphMixture(target);
      return { weights: g.weights, means: g.means, covs: g.variances.map((v) => v.map((vi, i) => v.map((_, j) => (i === j ? vi : 0)))) };
    }
    case 'gmm':
      return { weights: target.weights, means: target.means, covs: target.covs };
    case 'points': {
      // a dataset is the mixture of its point masses: Σ_k = 0, so D = Σ_i softmax_i(−‖x − α y_i‖²/(2σ²)) y_i (§15.3)
      const d = target.points[0].length;
      const zero = Array.from({ length: d }, () => new Array<number>(d).fill(0));
      return { weights: target.points.map(() => 1), means: target.points, covs: target.points.map(() => zero) };
    }
  }
}

/** The target prepared for the denoiser (diagonal fast path when every covariance is diagonal, specs §15.1). */
export function prepareTarget(target: SampleSpec['target']): PreparedMixture {
  if (target.type === 'glyphs16') return prepareDiagonalMixture(glyphMixture(target));
  // point masses are diagonal (zero) covariances: no K·d² zero matrices for high-dimensional datasets
  if (target.type === 'points') return prepareDiagonalMixture({ weights: target.points.map(() => 1), means: target.points, variances: target.points.map((p) => p.map(() => 0)) });
  return prepareMixture(targetMixture(target));
}

/** [height, width] when the target's samples are images (pixel i = row·width + col), else undefined */
export function targetImageShape(target: SampleSpec['target']): [number, number] | undefined {
  return target.type === 'glyphs16' ? [GLYPH_SIZE, GLYPH_SIZE] : undefined;
}

export function mixtureModel(mixture: PreparedMixture): DenoiserModel {
  return { dim: mixture.dim, predict: (x, n, _t, alpha, sigma, prediction, out) => mixtureDenoise(mixture, x, n, alpha, sigma, out, prediction) };
}

/** the work the spec asks for: `steps` intervals (a custom grid fixes them), or an NFE budget */
export function specBudget(spec: SampleSpec): StepBudget {
  if (spec.schedule.type === 'custom') return { steps: spec.schedule.times.length - 1 };
  if (spec.steps !== undefined) return { steps: spec.steps };
  return { nfe: spec.nfe ?? 10 };
}

/** the spec's schedule as grids between any two times (specs §3, §4.4) */
export function specGrids(spec: SampleSpec, process: NoiseProcess): GridMaker {
  // inner grids run between two positive times: never with the appended σ = 0
  const innerSchedule = spec.schedule.type === 'custom' || spec.schedule.type === 'boss' ? ({ type: 'logsnr' } as const) : scheduleWithoutZero(spec.schedule);
  return {
    start: spec.tStart,
    grid: (steps) => (spec.schedule.type === 'boss' ? bossGrid(specBossRequest(spec, process), steps) : buildTimeGrid(spec.schedule, process, spec.tStart, spec.tEnd, steps)),
    inner: (s, t, n) => buildTimeGrid(innerSchedule, process, s, t, n),
    logSnrUniform: spec.schedule.type === 'logsnr',
    end: spec.tEnd,
    endsAtZero: scheduleEndsAtZero(spec.schedule),
  };
}

/** what a boss schedule's grid depends on (boss.ts caches its cost matrix by this) */
export function specBossRequest(spec: SampleSpec, process: NoiseProcess): BossRequest {
  const schedule = spec.schedule as Extract<SampleSpec['schedule'], { type: 'boss' }>;
  return {
    process,
    modelKey: JSON.stringify(spec.target),
    model: () => mixtureModel(prepareTarget(spec.target)),
    solver: bossTeacherSolver(process, spec.solver, schedule.solver),
    tStart: spec.tStart,
    tEnd: spec.tEnd,
    kMax: schedule.kMax,
    samples: schedule.samples,
    seed: spec.seed,
  };
}

/** `statistics`: where DPM-Solver-v3's statistics come from (ems.ts StatisticsSource; default: float64, computed here) */
export function buildSpecProgram(spec: SampleSpec, process: NoiseProcess = makeProcess(spec.process), statistics?: StatisticsSource): Program {
  return buildSolverProgram(spec.solver, process, specGrids(spec, process), specBudget(spec), specSolverContext(spec, statistics));
}

/** the target, for solvers whose program depends on the model (DPM-Solver-v3's statistics, specs §6.3) */
export function specSolverContext(spec: SampleSpec, statistics?: StatisticsSource): SolverContext {
  return { target: { key: JSON.stringify([spec.target, spec.process]), mixture: () => prepareTarget(spec.target) }, statistics };
}

export function resolveExperiment(spec: SampleSpec, statistics?: StatisticsSource): ResolvedExperiment {
  const process = makeProcess(spec.process);
  const mixture = prepareTarget(spec.target);
  return { process, mixture, program: buildSpecProgram(spec, process, statistics), dim: mixture.dim };
}
