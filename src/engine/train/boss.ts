// One BOSS straightening run (training.md §3.5; core/train/bossStraighten.ts) on the float64 CPU path, with its
// evaluation (§3.5.7): Euler on the K Bellman times with the student, against the teacher with uniform steps and the
// teacher with the Bellman steps, each scored by the sampler's own metrics (CpuSamplerBackend: the unbiased
// multi-bandwidth MMD² against fresh exact samples of the target, and its null value, two independent exact sets on
// the same reference set — the numbers the sampler lab shows for the same spec, n and seed) and by the RMSE against
// the teacher's K_max-step Euler run from the same x_T. `stepscope train` (task "boss") and the training lab's worker
// both call it, so the CLI's numbers and the page's are the same float64 computation.

import { pathCost, uniformIndices } from '../../core/sampling/boss.ts';
import { type BossKStepComparison, bossKStepComparison, bossStraighten } from '../../core/train/bossStraighten.ts';
import { learnedDenoiser } from '../../core/spec/learnedModel.ts';
import type { ModelFile } from '../../core/spec/modelFile.ts';
import type { BossSpec } from '../../core/spec/bossSpec.ts';
import { parseSpec, type SampleSpec } from '../../core/spec/spec.ts';
import { RngStream, fillNormal } from '../../core/util/rng.ts';
import { CpuSamplerBackend } from '../sampling.ts';

/** the three K-step configurations of §3.5.7, plus the teacher's fine run they are measured against */
export const BOSS_EVAL_ROWS = ['teacher-fine', 'teacher-uniform', 'teacher-bellman', 'student-bellman'] as const;
export type BossEvalRow = (typeof BOSS_EVAL_ROWS)[number];

export const BOSS_EVAL_LABELS: Record<BossEvalRow, string> = {
  'teacher-fine': 'teacher, K_max uniform steps (the reference)',
  'teacher-uniform': 'teacher, K uniform steps',
  'teacher-bellman': 'teacher, K Bellman steps',
  'student-bellman': 'student, K Bellman steps',
};

export interface BossEvaluation {
  n: number;
  seed: number;
  /** the MMD² null value of the reference set (two independent exact sets, specs §17.2) */
  nullMmd2: number;
  rows: { row: BossEvalRow; steps: number; times: number[]; mmd2: number; rmse: number }[];
}

export interface BossOutcome {
  /** the student as a model file (the teacher's config; `straightened` records the run) */
  model: ModelFile;
  /** `step,loss,samples_seen,wall_ms,eval_loss` without the header; eval_loss (held-out pairs) where evaluated, else empty */
  logRows: string[];
  plan: { K: number; kMax: number; indices: number[]; times: number[]; uniformTimes: number[]; optimalCost: number; uniformCost: number; trajectories: number };
  heldOutLoss: { before: number; after: number };
  evaluation: BossEvaluation;
  trainNoises: number;
  heldOutNoises: number;
  skippedSteps: number;
  /** fine-tuning wall time (cost matrix and pairs included), ms */
  wallMs: number;
}

const now = () => performance.now();

/** the sample spec of one evaluation row: flow process, flow-euler, the grid as a custom schedule (or time-uniform), the teacher's target */
export function bossEvalSampleSpec(target: SampleSpec['target'], times: number[], uniform: boolean, n: number, seed: number, file: string): SampleSpec {
  return parseSpec({
    version: 1,
    kind: 'sample',
    process: { type: 'flow' },
    target,
    model: { type: 'mlp', file },
    solver: { name: 'flow-euler' },
    schedule: uniform ? { type: 'time-uniform' } : { type: 'custom', times },
    steps: times.length - 1,
    tStart: times[0],
    tEnd: times[times.length - 1],
    n,
    seed,
  });
}

/** Fine-tune and evaluate; throws when the run diverged (NaN parameters or loss), naming what to try. */
export async function bossStraightenCpu(spec: BossSpec, teacher: ModelFile, onStep: (step: number, total: number, loss: number, wallMs: number, evalLoss: number | null) => void): Promise<BossOutcome> {
  const logRows: string[] = [];
  const start = now();
  const result = bossStraighten(teacher, {
    K: spec.K,
    kMax: spec.kMax,
    trajectories: spec.trajectories,
    seed: spec.seed,
    pairs: spec.pairs,
    noises: spec.noises,
    heldOut: spec.heldOut,
    optimizer: spec.optimizer,
    steps: spec.steps,
    batch: spec.batch,
    evalEvery: spec.evalEvery,
    onStep: (step, loss, _applied, evalLoss) => {
      const done = step + 1;
      const wall = now() - start;
      logRows.push(`${done},${loss},${done * spec.batch},${wall.toFixed(3)},${evalLoss ?? ''}`);
      onStep(done, spec.steps, loss, wall, evalLoss);
    },
  });
  const wallMs = now() - start;
  const losses = Array.from(result.losses);
  const before = result.evalLosses[0].loss;
  const after = result.evalLosses[result.evalLosses.length - 1].loss;
  if (!result.student.every(Number.isFinite) || !Number.isFinite(after)) throw new Error(`boss straightening diverged: the student's parameters or held-out loss are NaN or infinite after ${spec.steps} steps; try a smaller learning rate (nothing written)`);
  const { plan } = result;
  const tail = losses.slice(-100);
  const model: ModelFile = {
    ...teacher,
    params: result.student,
    // the fine-tuning's run (the target is the teacher's; nothing else of the teacher's training carries over)
    trainedOn: { target: teacher.trainedOn.target, steps: spec.steps, batch: spec.batch, seed: spec.seed, optimizer: spec.optimizer as ModelFile['trainedOn']['optimizer'] },
    loss: { final: losses[losses.length - 1], last100: tail.reduce((a, b) => a + b, 0) / tail.length, validation: after },
    straightened: { method: 'boss', K: spec.K, kMax: spec.kMax, times: plan.times, pairs: spec.pairs, heldOutLoss: { before, after } },
  };
  const evaluation = await bossEvaluate(teacher, model, result.plan, spec.eval.n, spec.eval.seed);
  return {
    model,
    logRows,
    plan: {
      K: spec.K,
      kMax: spec.kMax,
      indices: plan.path.indices,
      times: plan.times,
      uniformTimes: evaluation.rows.find((r) => r.row === 'teacher-uniform')!.times,
      optimalCost: plan.path.cost,
      uniformCost: pathCost(plan.matrix.cost, spec.kMax, uniformIndices(spec.kMax, spec.K)),
      trajectories: spec.trajectories,
    },
    heldOutLoss: { before, after },
    evaluation,
    trainNoises: result.trainNoises,
    heldOutNoises: result.heldOutNoises,
    skippedSteps: result.skippedSteps,
    wallMs,
  };
}

/**
 * §3.5.7 on n samples from the sampler's x_T of `seed`: RMSE against the teacher's K_max-step run (core), MMD² and its
 * null value from the sampler's CPU backend on the same x_T (the sampler lab's metric).
 */
export async function bossEvaluate(teacher: ModelFile, student: ModelFile, plan: Parameters<typeof bossKStepComparison>[2], n: number, seed: number): Promise<BossEvaluation> {
  const dim = teacher.config.dataDim;
  // the sampler's x_T for (n, seed): RngStream.initialNoise at step 0 (engine/sampling.ts drawNoise)
  const xT = fillNormal(new Float64Array(n * dim), n, dim, seed, RngStream.initialNoise);
  const comparison: BossKStepComparison = bossKStepComparison(teacher, student, plan, xT);
  const target = teacher.trainedOn.target;
  const { rmse } = comparison;
  const configurations: { row: BossEvalRow; model: ModelFile; times: number[]; uniform: boolean; samples: Float64Array; rmse: number }[] = [
    { row: 'teacher-fine', model: teacher, times: plan.anchors, uniform: false, samples: comparison.teacherFine, rmse: 0 },
    { row: 'teacher-uniform', model: teacher, times: comparison.uniformTimes, uniform: true, samples: comparison.teacherUniform, rmse: rmse.teacherUniform },
    { row: 'teacher-bellman', model: teacher, times: plan.times, uniform: false, samples: comparison.teacherBellman, rmse: rmse.teacherBellman },
    { row: 'student-bellman', model: student, times: plan.times, uniform: false, samples: comparison.studentBellman, rmse: rmse.studentBellman },
  ];
  let nullMmd2 = NaN;
  const rows: BossEvaluation['rows'] = [];
  // one backend for the four rows, so that its reference sets (exact samples, null set, kernel sums) are computed
  // once: the rows share target, range, n, seed and x_T; the model it evaluates is switched per row
  let current = learnedDenoiser(teacher);
  const backend = new CpuSamplerBackend({ model: { dim, predict: (...args) => current.predict(...args) } });
  for (const c of configurations) {
    const sampleSpec = bossEvalSampleSpec(target, c.times, c.uniform, n, seed, c.row);
    current = learnedDenoiser(c.model);
    const outcome = await backend.sample(sampleSpec, { noise: xT, metrics: true });
    // the backend's run and core's are the same float64 program on the same x_T
    if (outcome.samples.length !== c.samples.length || outcome.samples.some((v, i) => v !== c.samples[i])) throw new Error(`boss evaluation: the sampler's ${c.row} run differs from core's (grid or model mismatch)`);
    nullMmd2 = outcome.metrics!.nulls.mmd2;
    rows.push({ row: c.row, steps: c.times.length - 1, times: c.times, mmd2: outcome.metrics!.mmd2, rmse: c.rmse });
  }
  return { n, seed, nullMmd2, rows };
}
