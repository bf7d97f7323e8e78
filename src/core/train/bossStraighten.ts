// BOSS straightening (training.md §3.5; the step-size DP of specs/samplers.md §14): fine-tune a COPY of a trained
// flow-matching velocity net (the student) so that Euler on the K Bellman-optimal times lands where the frozen teacher's
// fine K_max-step Euler run lands. float64, the oracle of everything the training lab and `stepscope train` show.
//
// 1. Teacher: the model file's network, frozen (its parameters are read, never written: §8 "fine-tuning the same net
//    that generates the training pairs" is the classic bug). The student starts as a copy of its parameters.
// 2. Fine grid and cost: core/sampling/boss.ts on Stepscope's flow process with the flow-euler teacher (its anchors are
//    uniform in t, BOSS's 'bellman_uniform'; M teacher trajectories; c_kj = (1/M)·Σ‖x_j − (x_k + (t_j − t_k)·v_k)‖²).
// 3. DP for exactly K jumps: bellmanPath of the same file (no second DP here).
// 4. Data: pairs (z_{τ_k}, z_{τ_{k+1}}) of the teacher's K_max-step Euler run from a fixed set of noises (offline, BOSS
//    `gen_data.sh` uses 5000) or from fresh noise every batch (online, §3.5.6); 10 % of the fixed noises are held out.
// 5. Loss ‖v_θ(z_k, τ_k) − (z_{k+1} − z_k)/(τ_{k+1} − τ_k)‖², mean-reduced (BOSS get_redress_loss_fn 'l2'): the
//    mean-squared regression of mlp.ts, so its backward is the MLP's own.
//
// Time conventions (samplers.md §1, training.md §8 pitfall): the network speaks RF time τ (0 = noise, 1 = data, output
// v ≈ x₁ − x₀); Stepscope's flow process runs t = 1 − τ from noise (t = 1) to data (t = 0) with D = x + t·v
// (learnedModel.ts). The anchors, the Bellman times and every sampler grid here are flow times t, decreasing; the
// student's training rows get τ_k = 1 − t_k and the chord over τ_{k+1} − τ_k = t_k − t_{k+1} > 0. With α + σ = 1 the
// network's input is x itself. Euler on the flow process, x' = x + (t' − t)·(x − D)/t = x + (τ' − τ)·v, is then BOSS's
// RF Euler step, so a student with zero loss reproduces z_{τ_{k+1}} exactly.
// The fine grid spans the flow process's default range [1e−3, 1 − 1e−3] (τ ∈ [ε, 1 − ε], RF's ε = 1e−3), where the
// teacher was trained, instead of BOSS's [0, 1].

import { type BellmanPath, type BossCostMatrix, bellmanPath, bossCostMatrix } from '../sampling/boss.ts';
import { runProgramCpu } from '../sampling/interpreter.ts';
import { type NoiseProcess, createProcess, rfTimeOf } from '../sampling/process.ts';
import { buildTimeGrid } from '../sampling/schedules.ts';
import { programOnGrid } from '../sampling/solvers.ts';
import { learnedDenoiser } from '../spec/learnedModel.ts';
import type { ModelFile } from '../spec/modelFile.ts';
import { sameNoiseRmse } from '../metrics/distance.ts';
import { fillNormal, randomBits, uniformOpen } from '../util/rng.ts';
import { type MlpLayout, type TrainingBatch, mlpLayout, mlpLoss, mlpLossAndGradients } from './mlp.ts';
import { type OptimizerConfig, createOptimizer } from './optimizers.ts';

/** training.md §3.5: K_max = 100, M = 1024 teacher trajectories, 5000 noises, 10 % held out, Adam 1e-3, B = 1024, 2–5k steps */
export const BOSS_STRAIGHTEN_DEFAULTS = {
  K: 6,
  kMax: 100,
  trajectories: 1024,
  pairs: 'offline' as 'offline' | 'online',
  noises: 5000,
  heldOut: 0.1,
  steps: 2000,
  batch: 1024,
  lr: 1e-3,
  seed: 0,
  /** steps between held-out evaluations (and always after the first and the last step) */
  evalEvery: 100,
} as const;

/** RNG streams (mlp.ts uses 30, losses.ts 31–38, fno.ts 40): the pairs' noises (offline set: step 0; online batch s: step s + 1) and the offline row choice */
export const BOSS_PAIR_NOISE_STREAM = 50;
export const BOSS_PAIR_CHOICE_STREAM = 51;

/** the flow process every run here lives on (samplers.md §1 flow; t = 1 is noise) */
export function bossFlowProcess(): NoiseProcess {
  return createProcess({ type: 'flow' });
}

const FLOW_EULER = { name: 'flow-euler' } as const;

export interface BossPlanOptions {
  K: number;
  kMax: number;
  /** M, the teacher trajectories of the cost matrix */
  trajectories: number;
  seed: number;
  /** the flow-time range, default the flow process's [1e−3, 1 − 1e−3] */
  tStart?: number;
  tEnd?: number;
}

/** The teacher's cost matrix and its K-jump Bellman path (steps 2–3). */
export interface BossPlan {
  process: NoiseProcess;
  tStart: number;
  tEnd: number;
  matrix: BossCostMatrix;
  path: BellmanPath;
  /** the anchors t_0 = tStart > … > t_{K_max} = tEnd (flow time) */
  anchors: number[];
  /** the K + 1 Bellman times (flow time, decreasing) and their RF times τ = 1 − t (increasing) */
  times: number[];
  rfTimes: number[];
}

/** A flow-matching model, or an error naming what it is. */
function requireFlowModel(model: ModelFile, role: string): void {
  if (model.task !== 'flow-matching') throw new Error(`${role}: a ${model.task} model; BOSS straightening fine-tunes a flow-matching (velocity) model (training.md §3.5)`);
}

export function bossStraightenPlan(teacher: ModelFile, options: BossPlanOptions): BossPlan {
  requireFlowModel(teacher, 'teacher');
  const process = bossFlowProcess();
  const tStart = options.tStart ?? process.defaultTStart;
  const tEnd = options.tEnd ?? process.defaultTEnd;
  const matrix = bossCostMatrix({ process, model: learnedDenoiser(teacher), solver: FLOW_EULER, tStart, tEnd, kMax: options.kMax, samples: options.trajectories, seed: options.seed });
  const path = bellmanPath(matrix.cost, matrix.kMax, options.K);
  const times = path.indices.map((i) => matrix.anchors[i]);
  return { process, tStart, tEnd, matrix, path, anchors: matrix.anchors, times, rfTimes: times.map(rfTimeOf) };
}

/** Euler (flow-euler) with `model` on the flow-time grid `times` from x_T = noise (rows·d), float64; with `record`, x at every grid time. */
export function bossEuler(model: ModelFile, process: NoiseProcess, times: number[], noise: Float64Array, record = false): { x: Float64Array; frames?: Float64Array[] } {
  const run = runProgramCpu(programOnGrid(FLOW_EULER, process, times), learnedDenoiser(model), noise, { recordTrajectory: record });
  return { x: run.x, frames: run.trajectory };
}

/** `rows` standard normals of the pairs' noise stream at `step` (offline set: step 0; online batch s: s + 1) */
export function bossPairNoise(rows: number, dim: number, seed: number, step: number): Float64Array {
  return fillNormal(new Float64Array(rows * dim), rows, dim, seed, BOSS_PAIR_NOISE_STREAM, step);
}

/** The teacher's states at the K + 1 Bellman times of its K_max-step Euler run from `noise` (step 4). */
export interface BossPairSet {
  rows: number;
  dim: number;
  /** K + 1 frames, each rows·d: z at t_{i_0}, …, t_{i_K} */
  frames: Float64Array[];
}

/** rows per teacher run when collecting pairs: bounds the recorded trajectory (rows × (K_max + 1) × d) */
const PAIR_CHUNK_ROWS = 4096;

export function bossPairSet(teacher: ModelFile, plan: BossPlan, noise: Float64Array): BossPairSet {
  const dim = teacher.config.dataDim;
  const rows = noise.length / dim;
  const kept = plan.path.indices.map(() => new Float64Array(rows * dim));
  // rows are independent: the run in chunks keeps only the K + 1 Bellman frames of each
  for (let first = 0; first < rows; first += PAIR_CHUNK_ROWS) {
    const chunk = noise.subarray(first * dim, Math.min(rows, first + PAIR_CHUNK_ROWS) * dim);
    const { frames } = bossEuler(teacher, plan.process, plan.anchors, chunk.slice(), true);
    if (!frames || frames.length !== plan.anchors.length) throw new Error(`boss straightening: the teacher run recorded ${frames?.length ?? 0} frames, expected ${plan.anchors.length}`);
    plan.path.indices.forEach((i, m) => kept[m].set(frames[i], first * dim));
  }
  return { rows, dim, frames: kept };
}

/**
 * Training rows of the loss (step 5): for each (noise row r, jump k), input z_k(r) with time input τ_k and target the
 * chord (z_{k+1}(r) − z_k(r))/(τ_{k+1} − τ_k). `choice` lists (r, k) pairs; the MSE of mlp.ts is then the §3.5 loss.
 */
export function bossBatch(pairs: BossPairSet, plan: BossPlan, choice: { row: Int32Array; jump: Int32Array }): TrainingBatch {
  const d = pairs.dim;
  const batch = choice.row.length;
  const inputs = new Float64Array(batch * d);
  const targets = new Float64Array(batch * d);
  const times = new Float64Array(batch);
  for (let i = 0; i < batch; i++) {
    const r = choice.row[i];
    const k = choice.jump[i];
    const from = pairs.frames[k];
    const to = pairs.frames[k + 1];
    // τ_{k+1} − τ_k = t_k − t_{k+1} (flow time decreases along sampling)
    const dTau = plan.times[k] - plan.times[k + 1];
    times[i] = plan.rfTimes[k];
    for (let j = 0; j < d; j++) {
      inputs[i * d + j] = from[r * d + j];
      targets[i * d + j] = (to[r * d + j] - from[r * d + j]) / dTau;
    }
  }
  return { batch, inputs, times, targets };
}

/** Every (row, jump) pair of a set, rows of `first … first + count − 1` (the held-out evaluation set). */
export function allPairs(first: number, count: number, K: number): { row: Int32Array; jump: Int32Array } {
  const row = new Int32Array(count * K);
  const jump = new Int32Array(count * K);
  for (let r = 0; r < count; r++) for (let k = 0; k < K; k++) {
    row[r * K + k] = first + r;
    jump[r * K + k] = k;
  }
  return { row, jump };
}

/** Offline batch `step`: B pairs drawn uniformly (with replacement) from the `rows` training noises × K jumps. */
export function offlineChoice(batch: number, rows: number, K: number, seed: number, step: number): { row: Int32Array; jump: Int32Array } {
  const row = new Int32Array(batch);
  const jump = new Int32Array(batch);
  for (let i = 0; i < batch; i++) {
    const [a, b] = randomBits(seed, BOSS_PAIR_CHOICE_STREAM, i, step, 0);
    row[i] = Math.min(rows - 1, Math.floor(uniformOpen(a) * rows));
    jump[i] = Math.min(K - 1, Math.floor(uniformOpen(b) * K));
  }
  return { row, jump };
}

export interface BossStraightenOptions extends BossPlanOptions {
  pairs: 'offline' | 'online';
  /** the fixed noise set (offline: training + held out; online: only its held-out part is used) */
  noises: number;
  /** fraction of the fixed noises held out for the evaluation loss */
  heldOut: number;
  optimizer: OptimizerConfig;
  steps: number;
  batch: number;
  evalEvery?: number;
  /** after every step: the batch loss (before the update), whether it was applied, and the held-out loss when evaluated */
  onStep?: (step: number, loss: number, applied: boolean, evalLoss: number | null) => void;
}

export interface BossStraightenResult {
  plan: BossPlan;
  layout: MlpLayout;
  /** the fine-tuned parameters (a new array; the teacher's are untouched) */
  student: Float64Array;
  losses: Float64Array;
  /** the held-out loss before fine-tuning (step 0) and after the evaluated steps (step counted from 1) */
  evalLosses: { step: number; loss: number }[];
  skippedSteps: number;
  trainNoises: number;
  heldOutNoises: number;
}

/** held-out noise count of a fixed set: round(noises·heldOut), at least 1, leaving at least 1 for training */
export function heldOutCount(noises: number, heldOut: number): number {
  return Math.min(noises - 1, Math.max(1, Math.round(noises * heldOut)));
}

/** Steps 1–5: plan, pairs, and the fine-tuning of the student. */
export function bossStraighten(teacher: ModelFile, options: BossStraightenOptions): BossStraightenResult {
  requireFlowModel(teacher, 'teacher');
  const { K, seed, steps, batch } = options;
  const evalEvery = options.evalEvery ?? BOSS_STRAIGHTEN_DEFAULTS.evalEvery;
  const dim = teacher.config.dataDim;
  // the teacher is read only through this frozen copy: nothing below can write the caller's parameters
  const frozen: ModelFile = { ...teacher, params: teacher.params.slice() };
  const plan = bossStraightenPlan(frozen, options);
  const layout = mlpLayout(teacher.config);
  const student = teacher.params.slice();
  const optimizer = createOptimizer(options.optimizer, layout);
  const heldOutNoises = heldOutCount(options.noises, options.heldOut);
  const trainNoises = options.noises - heldOutNoises;
  const fixedNoise = bossPairNoise(options.noises, dim, seed, 0);
  // offline: one teacher run over the whole fixed set (training rows first, the held-out rows last); online: only the held-out rows
  const fixed = options.pairs === 'offline' ? bossPairSet(frozen, plan, fixedNoise) : bossPairSet(frozen, plan, fixedNoise.slice(trainNoises * dim));
  const heldOutFirst = options.pairs === 'offline' ? trainNoises : 0;
  const evalBatch = bossBatch(fixed, plan, allPairs(heldOutFirst, heldOutNoises, K));
  const evalLosses = [{ step: 0, loss: mlpLoss(layout, student, evalBatch) }];
  const losses = new Float64Array(steps);
  let skippedSteps = 0;
  for (let step = 0; step < steps; step++) {
    let rows: BossStraightenBatchRows;
    if (options.pairs === 'offline') rows = { set: fixed, choice: offlineChoice(batch, trainNoises, K, seed, step) };
    else {
      // online (§3.5.6): ⌈B/K⌉ fresh noises through the frozen teacher, all K jumps of each, the first B rows
      const fresh = Math.ceil(batch / K);
      const set = bossPairSet(frozen, plan, bossPairNoise(fresh, dim, seed, step + 1));
      const all = allPairs(0, fresh, K);
      rows = { set, choice: { row: all.row.subarray(0, batch), jump: all.jump.subarray(0, batch) } };
    }
    const { loss, gradients, statistics } = mlpLossAndGradients(layout, student, bossBatch(rows.set, plan, rows.choice));
    const { applied } = optimizer.step(student, gradients, statistics);
    if (!applied) skippedSteps++;
    losses[step] = loss;
    const done = step + 1;
    let evalLoss: number | null = null;
    if (done % evalEvery === 0 || done === steps || done === 1) {
      evalLoss = mlpLoss(layout, student, evalBatch);
      evalLosses.push({ step: done, loss: evalLoss });
    }
    options.onStep?.(step, loss, applied, evalLoss);
  }
  return { plan, layout, student, losses, evalLosses, skippedSteps, trainNoises, heldOutNoises };
}

interface BossStraightenBatchRows {
  set: BossPairSet;
  choice: { row: Int32Array; jump: Int32Array };
}

/** The K-step sample sets of the evaluation (§3.5.7) from one x_T, and each one's RMSE against the teacher's K_max-step run. */
export interface BossKStepComparison {
  /** the teacher's K_max-step Euler run (the fine anchors): the same-noise reference */
  teacherFine: Float64Array;
  studentBellman: Float64Array;
  teacherUniform: Float64Array;
  teacherBellman: Float64Array;
  /** the uniform K-step grid (the sampler's time-uniform schedule over the same range) */
  uniformTimes: number[];
  rmse: { studentBellman: number; teacherUniform: number; teacherBellman: number };
}

/** Euler on the K Bellman times with the student vs the teacher with uniform steps vs the teacher with Bellman steps. */
export function bossKStepComparison(teacher: ModelFile, student: ModelFile, plan: BossPlan, xT: Float64Array): BossKStepComparison {
  const K = plan.times.length - 1;
  const uniformTimes = buildTimeGrid({ type: 'time-uniform' }, plan.process, plan.tStart, plan.tEnd, K);
  const teacherFine = bossEuler(teacher, plan.process, plan.anchors, xT).x;
  const studentBellman = bossEuler(student, plan.process, plan.times, xT).x;
  const teacherUniform = bossEuler(teacher, plan.process, uniformTimes, xT).x;
  const teacherBellman = bossEuler(teacher, plan.process, plan.times, xT).x;
  return {
    teacherFine,
    studentBellman,
    teacherUniform,
    teacherBellman,
    uniformTimes,
    rmse: { studentBellman: sameNoiseRmse(studentBellman, teacherFine), teacherUniform: sameNoiseRmse(teacherUniform, teacherFine), teacherBellman: sameNoiseRmse(teacherBellman, teacherFine) },
  };
}
