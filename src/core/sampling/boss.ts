// BOSS — Bellman optimal step sizes (specs/samplers.md §14) [BOSS:sampling.py get_bellman_disc / find_minimum_cost_path]:
//  1. anchors τ_0 = tStart > … > τ_{K_max} = tEnd: uniform in t for the flow process (BOSS's 'bellman_uniform'),
//     the Karras ρ = 7 grid without the zero for EDM ('bellman_edm'), uniform in λ (logSNR) for the VP processes
//     (Stepscope's choice: λ is the variable their exponential integrators step in);
//  2. teacher trajectories: a K_max-step run of the chosen solver over the anchors from n fresh noises
//     (the initial-noise stream at step BOSS_TEACHER_NOISE_STEP, independent of every run's x_T, which is step 0);
//  3. the one-jump cost c_kj = (1/n)·Σ_p ‖x̂_{k→j} − x_{τ_j}‖², x̂_{k→j} = ONE step of that solver from (x_{τ_k}, τ_k)
//     to τ_j (for Euler: x_{τ_k} + v_k·(τ_j − τ_k)); c_{k,k+1} = 0 for the teacher's own solver;
//  4. the dynamic program for exactly K jumps from τ_0 to τ_{K_max}:
//     V(k, 1) = c_{k,K_max};  V(k, m) = min_{k<j<K_max} c_kj + V(j, m − 1);  answer V(0, K); backtrack the argmins.
// Everything here is float64. The engine's GPU twin of step 3 is src/engine/bossGpu.ts.
//
// Solvers. Euler-type solvers (flow-euler, euler, ddim, DPM-Solver-1, …: one model evaluation at (x_k, τ_k), the
// step linear in x_k and that evaluation) jump without any new model evaluation: linearJump() finds the step's
// coefficients by running its one-step program symbolically, and the teacher's evaluation D_k is reused. Other
// single-step solvers (flow-heun, flow-rk4, dpmpp-2s, …) spend their remaining stages per pair. For MULTISTEP solvers
// (dpmpp-2m/3m, unipc, deis, ipndm, …) the one-jump cost is an approximation: one step of the solver started
// from x_k has no history, so it is the solver's own warm-up (first-order) step, and the cost ignores how the
// history of earlier steps changes later ones. Stochastic solvers (ancestral, SDE, DDIM-η, PC) and adaptive ones
// take the deterministic first-order solver's costs by default (bossTeacherSolver) and are refused as `solver`.

import type { Prediction } from './gmm.ts';
import type { DenoiserModel } from './interpreter.ts';
import { runProgramCpu } from './interpreter.ts';
import type { NoiseProcess } from './process.ts';
import type { ProgramOp, SamplerProgram } from './program.ts';
import { SCHEDULE_DEFAULTS, bossAnchorSchedule, buildTimeGrid } from './schedules.ts';

export { bossAnchorSchedule };
import { SOLVERS, type SolverSpec, programOnGrid } from './solvers.ts';
import { RngStream, fillNormal } from '../util/rng.ts';

/** the paper's K_max and Stepscope's default number of teacher samples (the paper uses 100) */
export const BOSS_DEFAULTS = SCHEDULE_DEFAULTS.boss;
/** allowed ranges (the schedule schema reports them) */
export const BOSS_LIMITS = { kMax: { min: 2, max: 1000 }, samples: { min: 2, max: 65536 } } as const;
/** the teacher's noise: RngStream.initialNoise at this step (x_T of every run is step 0) */
export const BOSS_TEACHER_NOISE_STEP = 1;

/** τ_0 = tStart … τ_{K_max} = tEnd */
export function bossAnchors(process: NoiseProcess, tStart: number, tEnd: number, kMax: number): number[] {
  return buildTimeGrid(bossAnchorSchedule(process), process, tStart, tEnd, kMax);
}

/**
 * solver families whose steps are chosen while they run, that draw noise every step (ancestral, SDE, DDIM-η), or
 * whose program depends on the model's statistics on its own grid (DPM-Solver-v3: one jump would need its EMS)
 */
export const BOSS_UNSUITED_FAMILIES = ['adaptive', 'pc', 'sigma-ancestral', 'sigma-sde', 'ddim-eta', 'v3'] as const;

/**
 * The solver whose teacher run and one-step jumps define the costs: the override, else the spec's solver, except
 * for adaptive, PC and stochastic solvers, which take the process's deterministic first-order solver
 * (flow-euler on flow, ddim otherwise): their teacher would be a random path, and the Brownian-tree solvers would
 * rebuild a tree per pair.
 */
export function bossTeacherSolver(process: NoiseProcess, solver: SolverSpec, override?: SolverSpec): SolverSpec {
  if (override) return override;
  if ((BOSS_UNSUITED_FAMILIES as readonly string[]).includes(SOLVERS[solver.name].family)) return { name: process.type === 'flow' ? 'flow-euler' : 'ddim' };
  return solver;
}

/** The one-step program of `solver` from s to t, without the prior's x_T scaling (gridIndex 0). */
export function jumpProgram(solver: SolverSpec, process: NoiseProcess, s: number, t: number): SamplerProgram {
  const program = programOnGrid(solver, process, [s, t]);
  return { ...program, ops: program.ops.filter((op) => !(op.op === 'combine' && op.gridIndex === 0)) };
}

/**
 * A step x_t = a·x_s + b·D(x_s, s) found by running the program symbolically: every register is a pair of
 * coefficients on (x_s, D(x_s, s)). Null when the step is not of that form (a second evaluation, noise).
 */
export function linearJump(program: SamplerProgram, s: number, alpha: number, sigma: number): { a: number; b: number } | null {
  const regs: [number, number][] = Array.from({ length: program.registers }, () => [0, 0]);
  regs[0] = [1, 0];
  for (const op of program.ops as ProgramOp[]) {
    if (op.op === 'eval') {
      const [cx, cd] = regs[op.x];
      if (op.t !== s || cx !== 1 || cd !== 0) return null;
      const prediction: Prediction = op.prediction ?? 'data';
      // ε̂ = (x − α·D)/σ
      regs[op.out] = prediction === 'data' ? [0, 1] : [1 / sigma, -alpha / sigma];
      continue;
    }
    if (op.noise) return null;
    let cx = 0;
    let cd = 0;
    for (const term of op.terms) {
      cx += term.coef * regs[term.reg][0];
      cd += term.coef * regs[term.reg][1];
    }
    regs[op.out] = [cx, cd];
  }
  return { a: regs[0][0], b: regs[0][1] };
}

export interface BossCostOptions {
  process: NoiseProcess;
  model: DenoiserModel;
  /** the teacher's solver (bossTeacherSolver) */
  solver: SolverSpec;
  tStart: number;
  tEnd: number;
  kMax: number;
  samples: number;
  seed: number;
}

export interface BossTeacher {
  anchors: number[];
  /** x at τ_0 … τ_{K_max}, each samples·d */
  frames: Float64Array[];
  dim: number;
  samples: number;
  nfe: number;
}

/** the teacher's noise: samples·d standard normals, independent of every run's x_T */
export function bossTeacherNoise(samples: number, dim: number, seed: number): Float64Array {
  return fillNormal(new Float64Array(samples * dim), samples, dim, seed, RngStream.initialNoise, BOSS_TEACHER_NOISE_STEP);
}

/** Step 2: the K_max-step run of the solver over the anchors, every anchor recorded. */
export function bossTeacher(options: BossCostOptions): BossTeacher {
  const { process, model, solver, tStart, tEnd, kMax, samples, seed } = options;
  const anchors = bossAnchors(process, tStart, tEnd, kMax);
  const program = programOnGrid(solver, process, anchors);
  const run = runProgramCpu(program, model, bossTeacherNoise(samples, model.dim, seed), { recordTrajectory: true, seed });
  const frames = run.trajectory!;
  if (frames.length !== kMax + 1) throw new Error(`boss: the ${solver.name} teacher recorded ${frames.length} anchors, expected ${kMax + 1}`);
  return { anchors, frames, dim: model.dim, samples, nfe: run.nfe };
}

/** A cost matrix: c_kj at cost[k·(K_max + 1) + j] for k < j (zero elsewhere). */
export interface BossCostMatrix {
  kMax: number;
  anchors: number[];
  cost: Float64Array;
  samples: number;
  solver: string;
  /** 'linear': Euler-type jumps reusing the teacher's evaluations; 'stepped': one solver step per pair */
  jumps: 'linear' | 'stepped';
  /** model evaluations spent (teacher + jumps), in units of one evaluation of all samples */
  nfe: number;
}

/** mean over samples of ‖a·x + b·D − y‖² (b·D skipped when D is null) */
function meanSquaredResidual(x: Float64Array, D: Float64Array | null, y: Float64Array, a: number, b: number, samples: number): number {
  let s = 0;
  if (D) for (let i = 0; i < x.length; i++) {
    const r = a * x[i] + b * D[i] - y[i];
    s += r * r;
  }
  else for (let i = 0; i < x.length; i++) {
    const r = x[i] - y[i];
    s += r * r;
  }
  return s / samples;
}

/** Steps 2–3: the teacher and the one-jump cost matrix, float64. */
export function bossCostMatrix(options: BossCostOptions): BossCostMatrix {
  const { process, model, solver, kMax, samples, seed } = options;
  const teacher = bossTeacher(options);
  const { anchors, frames } = teacher;
  const n1 = kMax + 1;
  const cost = new Float64Array(n1 * n1);
  const d = model.dim;
  // D_k = D(x_{τ_k}, τ_k) in data form, evaluated once per anchor (the teacher's own evaluations are not kept)
  const evals = frames.map((x, k) => {
    if (k === kMax) return new Float64Array(0);
    const out = new Float64Array(x.length);
    model.predict(x, samples, anchors[k], process.alpha(anchors[k]), process.sigma(anchors[k]), 'data', out);
    return out;
  });
  let nfe = teacher.nfe + kMax;
  let linear = true;
  for (let k = 0; k < kMax; k++) {
    const s = anchors[k];
    const alpha = process.alpha(s);
    const sigma = process.sigma(s);
    for (let j = k + 1; j <= kMax; j++) {
      const program = jumpProgram(solver, process, s, anchors[j]);
      const coefficients = linearJump(program, s, alpha, sigma);
      if (coefficients) {
        cost[k * n1 + j] = meanSquaredResidual(frames[k], evals[k], frames[j], coefficients.a, coefficients.b, samples);
        continue;
      }
      linear = false;
      // the first evaluation at (x_k, τ_k) is the stored one; the solver's other stages are evaluated
      const cached: DenoiserModel = {
        dim: d,
        predict: (x, n, t, a, sg, prediction, out) => {
          if (t === s && sameArray(x, frames[k])) {
            const D = evals[k];
            if (prediction === 'data') out.set(D);
            else for (let i = 0; i < out.length; i++) out[i] = (x[i] - a * D[i]) / sg;
            return;
          }
          nfe++;
          model.predict(x, n, t, a, sg, prediction, out);
        },
      };
      const jumped = runProgramCpu(program, cached, frames[k], { seed }).x;
      cost[k * n1 + j] = meanSquaredResidual(jumped, null, frames[j], 1, 0, samples);
    }
  }
  return { kMax, anchors, cost, samples, solver: solver.name, jumps: linear ? 'linear' : 'stepped', nfe };
}

function sameArray(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

export interface BellmanPath {
  /** anchor indices 0 = i_0 < i_1 < … < i_K = K_max */
  indices: number[];
  /** Σ_m c_{i_m, i_{m+1}} */
  cost: number;
}

/**
 * Step 4: the cheapest path from anchor 0 to anchor K_max with exactly K jumps, O(K·K_max²).
 * `cost` is (K_max + 1)² row-major, c_kj read for k < j only.
 */
export function bellmanPath(cost: ArrayLike<number>, kMax: number, K: number): BellmanPath {
  if (!(Number.isInteger(K) && K >= 1 && K <= kMax)) throw new RangeError(`boss: K = ${K} jumps need 1 ≤ K ≤ kMax (${kMax})`);
  const n1 = kMax + 1;
  // V[m][k]: cheapest m jumps from anchor k to K_max; next[m][k]: the first jump's target
  const V = Array.from({ length: K + 1 }, () => new Float64Array(n1).fill(Infinity));
  const next = Array.from({ length: K + 1 }, () => new Int32Array(n1).fill(-1));
  for (let k = 0; k < kMax; k++) {
    V[1][k] = cost[k * n1 + kMax];
    next[1][k] = kMax;
  }
  for (let m = 2; m <= K; m++) {
    // from k, m jumps need k ≤ K_max − m
    for (let k = 0; k <= kMax - m; k++) {
      let best = Infinity;
      let arg = -1;
      for (let j = k + 1; j <= kMax - m + 1; j++) {
        const v = cost[k * n1 + j] + V[m - 1][j];
        if (v < best) {
          best = v;
          arg = j;
        }
      }
      V[m][k] = best;
      next[m][k] = arg;
    }
  }
  const indices = [0];
  for (let m = K, k = 0; m >= 1; m--) {
    k = next[m][k];
    indices.push(k);
  }
  return { indices, cost: V[K][0] };
}

/** Σ c over consecutive indices of a path */
export function pathCost(cost: ArrayLike<number>, kMax: number, indices: number[]): number {
  let s = 0;
  for (let m = 1; m < indices.length; m++) s += cost[indices[m - 1] * (kMax + 1) + indices[m]];
  return s;
}

/** The K-jump path nearest to the anchors' own spacing: i_m = round(m·K_max/K) (the uniform grid when K divides K_max). */
export function uniformIndices(kMax: number, K: number): number[] {
  return Array.from({ length: K + 1 }, (_, m) => Math.round((m * kMax) / K));
}

/** What a boss grid reports (CLI --metrics, UI): the optimal path against the uniform one on the same costs. */
export interface BossSummary {
  kMax: number;
  samples: number;
  solver: string;
  jumps: 'linear' | 'stepped';
  /** the anchor grid's schedule type */
  anchorSchedule: string;
  indices: number[];
  times: number[];
  /** Σ c along the Bellman path and along uniformIndices */
  optimalCost: number;
  uniformCost: number;
  uniformIndices: number[];
}

export function bossSummary(matrix: BossCostMatrix, process: NoiseProcess, K: number): BossSummary {
  const path = bellmanPath(matrix.cost, matrix.kMax, K);
  const uniform = uniformIndices(matrix.kMax, K);
  return {
    kMax: matrix.kMax,
    samples: matrix.samples,
    solver: matrix.solver,
    jumps: matrix.jumps,
    anchorSchedule: bossAnchorSchedule(process).type,
    indices: path.indices,
    times: path.indices.map((i) => matrix.anchors[i]),
    optimalCost: path.cost,
    uniformCost: pathCost(matrix.cost, matrix.kMax, uniform),
    uniformIndices: uniform,
  };
}

// ------------------------------------------------------------------------------------------ cache

/** cost matrices by everything they depend on (process, target, teacher solver, range, K_max, samples, seed) */
const costCache = new Map<string, BossCostMatrix>();
const COST_CACHE_SIZE = 16;

export interface BossRequest extends Omit<BossCostOptions, 'model'> {
  /** identifies the model (e.g. the target's JSON): part of the cache key */
  modelKey: string;
  /** built only when the matrix is not cached */
  model: () => DenoiserModel;
}

export function bossCacheKey(request: Omit<BossRequest, 'model'>): string {
  const { process, modelKey, solver, tStart, tEnd, kMax, samples, seed } = request;
  return JSON.stringify([process.type, processParameters(process), modelKey, solver, tStart, tEnd, kMax, samples, seed]);
}

function processParameters(process: NoiseProcess): number[] {
  // the process's functions at a few times identify its parameters without knowing their names
  return [0.1, 0.5, 0.9].map((u) => process.lambda(process.tMin + u * (process.tMax - process.tMin)));
}

/** A cost matrix from the cache, or computed (float64) and cached. */
export function cachedBossCostMatrix(request: BossRequest): BossCostMatrix {
  const key = bossCacheKey(request);
  const hit = costCache.get(key);
  if (hit) {
    costCache.delete(key);
    costCache.set(key, hit);
    return hit;
  }
  const matrix = bossCostMatrix({ ...request, model: request.model() });
  putBossCostMatrix(key, matrix);
  return matrix;
}

/** The cached matrix of this request, or null (never computes: for views that must not block). */
export function peekBossCostMatrix(request: Omit<BossRequest, 'model'>): BossCostMatrix | null {
  return costCache.get(bossCacheKey(request)) ?? null;
}

/** Put a matrix in the cache (e.g. one the GPU computed), evicting the least recently used. */
export function putBossCostMatrix(key: string, matrix: BossCostMatrix): void {
  costCache.set(key, matrix);
  while (costCache.size > COST_CACHE_SIZE) costCache.delete(costCache.keys().next().value!);
}

/** The Bellman grid with K steps: τ at the optimal indices (K = 1 needs no teacher). */
export function bossGrid(request: BossRequest, K: number): number[] {
  if (!(Number.isInteger(K) && K >= 1)) throw new RangeError(`boss: steps must be a positive integer, got ${K}`);
  if (K > request.kMax) throw new RangeError(`boss: ${K} steps need kMax ≥ ${K} (got kMax = ${request.kMax})`);
  if (K === 1) return [request.tStart, request.tEnd];
  const matrix = cachedBossCostMatrix(request);
  return bellmanPath(matrix.cost, matrix.kMax, K).indices.map((i) => matrix.anchors[i]);
}
