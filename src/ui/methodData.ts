// The data behind the BOSS view (the cost matrix, the Bellman path and the uniform one) and the DPM-Solver-v3
// statistics view (l, s, b on the EMS grid), read from the same core caches the runs fill (boss.ts costCache,
// ems.ts cache), so a view never computes what a run already has. `peek…` never computes; `compute…` does,
// once, and is called off the render path (a timer) by the panels.

import { bellmanPath, cachedBossCostMatrix, pathCost, peekBossCostMatrix, uniformIndices, type BossCostMatrix } from '../core/sampling/boss.ts';
import { type Ems, EmsNotCached, type EmsRequest, peekEms, statisticsFor } from '../core/sampling/ems.ts';
import { buildSpecProgram, makeProcess, specBossRequest, specSolverContext } from '../core/sampling/experiment.ts';
import { isDriven } from '../core/sampling/program.ts';
import { dpmSolverV3EmsOptions } from '../core/sampling/solvers.ts';
import type { SampleSpec } from '../core/spec/spec.ts';
import { targetDimension } from './targetInfo.ts';

export interface BossView {
  kMax: number;
  K: number;
  samples: number;
  /** the teacher's solver and how its jumps were costed */
  solver: string;
  jumps: 'linear' | 'stepped';
  matrix: BossCostMatrix;
  indices: number[];
  uniformIndices: number[];
  times: number[];
  uniformTimes: number[];
  optimalCost: number;
  uniformCost: number;
}

export type BossLookup = { status: 'off' } | { status: 'pending' } | { status: 'ready'; view: BossView } | { status: 'error'; message: string };

/** the number of steps the spec's solver takes on its grid (its program's grid), or an explanation */
function stepsOf(spec: SampleSpec): number | string {
  let program;
  try {
    // a view never computes DPM-Solver-v3's statistics (see gridData.ts)
    program = buildSpecProgram(spec, undefined, 'cached');
  } catch (error) {
    if (error instanceof EmsNotCached) return 'DPM-Solver-v3 snaps its grid to statistics computed with the run: run it first';
    throw error;
  }
  if (isDriven(program)) return 'this solver chooses its steps while it runs: the Bellman grid is not used';
  return program.times.length - 1;
}

function viewOf(spec: SampleSpec, matrix: BossCostMatrix): BossLookup {
  const steps = stepsOf(spec);
  if (typeof steps === 'string') return { status: 'error', message: steps };
  const K = Math.min(steps, matrix.kMax);
  const path = bellmanPath(matrix.cost, matrix.kMax, K);
  const uniform = uniformIndices(matrix.kMax, K);
  return {
    status: 'ready',
    view: {
      kMax: matrix.kMax,
      K,
      samples: matrix.samples,
      solver: matrix.solver,
      jumps: matrix.jumps,
      matrix,
      indices: path.indices,
      uniformIndices: uniform,
      times: path.indices.map((i) => matrix.anchors[i]),
      uniformTimes: uniform.map((i) => matrix.anchors[i]),
      optimalCost: path.cost,
      uniformCost: pathCost(matrix.cost, matrix.kMax, uniform),
    },
  };
}

/** the BOSS view of the spec from the cache: 'pending' when its cost matrix has not been computed yet */
export function peekBoss(spec: SampleSpec): BossLookup {
  if (spec.schedule.type !== 'boss') return { status: 'off' };
  try {
    const matrix = peekBossCostMatrix(specBossRequest(spec, makeProcess(spec.process)));
    return matrix ? viewOf(spec, matrix) : { status: 'pending' };
  } catch (error) {
    return { status: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}

/** the BOSS view, computing (and caching) the cost matrix when needed: 0.1–0.4 s on the 2-D targets */
export function computeBoss(spec: SampleSpec): BossLookup {
  if (spec.schedule.type !== 'boss') return { status: 'off' };
  try {
    return viewOf(spec, cachedBossCostMatrix(specBossRequest(spec, makeProcess(spec.process))));
  } catch (error) {
    return { status: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}

export type V3Lookup =
  | { status: 'off' }
  /** not cached, cheap to compute (2-D targets) */
  | { status: 'pending' }
  /** not cached and too costly to compute for a view: shown once a run has computed them */
  | { status: 'absent'; message: string }
  | { status: 'ready'; ems: Ems }
  | { status: 'error'; message: string };

/** the largest dimension for which the view computes the statistics itself (the presets and small GMMs) */
export const V3_VIEW_COMPUTE_MAX_DIM = 2;
export const V3_ABSENT_MESSAGE = 'The statistics are computed when a v3 run is made (for this target they take a while): run it to see them here.';

function emsRequest(spec: SampleSpec): EmsRequest {
  const process = makeProcess(spec.process);
  const target = specSolverContext(spec).target!;
  // DPM-Solver-v3 computes them between its grid's ends: t_start and the last positive time, t_end
  return { process, key: target.key, mixture: target.mixture, tStart: spec.tStart, tEnd: spec.tEnd, options: dpmSolverV3EmsOptions(spec.solver) };
}

export function peekV3(spec: SampleSpec): V3Lookup {
  if (spec.solver.name !== 'dpm-solver-v3') return { status: 'off' };
  try {
    // what a GPU run computed first (the runs on this page used those), else the float64 ones
    const request = emsRequest(spec);
    const ems = peekEms(request, 'gpu') ?? peekEms(request, 'cpu');
    if (ems) return { status: 'ready', ems };
    return targetDimension(spec.target) <= V3_VIEW_COMPUTE_MAX_DIM ? { status: 'pending' } : { status: 'absent', message: V3_ABSENT_MESSAGE };
  } catch (error) {
    return { status: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}

/** compute (and cache) the statistics for a 2-D target; other targets are left to the runs */
export function computeV3(spec: SampleSpec): V3Lookup {
  const peeked = peekV3(spec);
  if (peeked.status !== 'pending') return peeked;
  try {
    return { status: 'ready', ems: statisticsFor(emsRequest(spec), 'cpu') };
  } catch (error) {
    return { status: 'error', message: error instanceof Error ? error.message : String(error) };
  }
}
