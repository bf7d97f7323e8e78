// `stepscope train --spec boss.json --out student.json [--log log.csv]` with `"task":"boss"` (training.md §3.5; spec
// fields: core/spec/bossSpec.ts): fine-tunes a copy of the teacher model file toward its Bellman-optimal K-step grid
// (engine/train/boss.ts) and prints the K-step sample quality before and after. --out is the student model file (the
// sampler takes it as "model":{"type":"mlp","file":…}; its `straightened.times` are the K Bellman steps, to use as a
// custom schedule); --log has one row per step: step,loss,samples_seen,wall_ms,eval_loss (the held-out pairs' loss
// where evaluated, empty elsewhere).

import type { BossSpec } from '../core/spec/bossSpec.ts';
import type { ModelFile } from '../core/spec/modelFile.ts';
import { BOSS_EVAL_LABELS, type BossOutcome, bossStraightenCpu } from '../engine/train/boss.ts';
import { serializeModelFile } from '../core/spec/modelFile.ts';
import { InputError } from './main.ts';

/** the teacher a boss spec may use: a flow-matching model (checked before any work, bad input) */
export function checkBossTeacher(spec: BossSpec, teacher: ModelFile): void {
  if (teacher.task !== 'flow-matching') throw new InputError(`--spec: teacher '${spec.teacher}' is a ${teacher.task} model; allowed: a flow-matching model (BOSS straightens a velocity model, training.md §3.5)`);
}

/** the summary table of an outcome, one line per evaluation row */
export function bossSummaryLines(outcome: BossOutcome, spec: BossSpec): string[] {
  const { plan, evaluation } = outcome;
  // online pairs come from fresh noise every step (⌈B/K⌉ noises per step); only the fixed set's held-out part is used
  const training = spec.pairs === 'offline' ? `${outcome.trainNoises} training noises` : `${spec.steps * Math.ceil(spec.batch / spec.K)} fresh training noises (online)`;
  const lines = [
    `Bellman steps (K = ${plan.K} of K_max = ${plan.kMax}, ${plan.trajectories} teacher trajectories): indices ${plan.indices.join(' ')}; t = ${plan.times.map((t) => t.toFixed(4)).join(' ')}`,
    `summed one-jump cost: Bellman ${plan.optimalCost.toPrecision(4)}, uniform ${plan.uniformCost.toPrecision(4)}`,
    `held-out pair loss ${outcome.heldOutLoss.before.toPrecision(4)} (teacher) → ${outcome.heldOutLoss.after.toPrecision(4)} (student); ${training}, ${outcome.heldOutNoises} held out`,
    `K-step quality on n = ${evaluation.n} (seed ${evaluation.seed}); MMD² null value ${evaluation.nullMmd2.toExponential(3)}`,
    `${'configuration'.padEnd(46)}${'MMD²'.padStart(12)}${'RMSE vs teacher K_max'.padStart(24)}`,
  ];
  for (const row of evaluation.rows) lines.push(`${BOSS_EVAL_LABELS[row.row].padEnd(46)}${row.mmd2.toExponential(3).padStart(12)}${(row.row === 'teacher-fine' ? '–' : row.rmse.toExponential(3)).padStart(24)}`);
  return lines;
}

export async function bossTrainRun(spec: BossSpec, teacher: ModelFile, out: string, log: string | undefined): Promise<[string, string][]> {
  checkBossTeacher(spec, teacher);
  let lastReport = -Infinity;
  const outcome = await bossStraightenCpu(spec, teacher, (step, total, loss) => {
    const t = performance.now();
    if (step === total || t - lastReport > 250) {
      process.stderr.write(`\rstep ${step}/${total} loss ${loss.toPrecision(4)}   `);
      lastReport = t;
    }
  });
  process.stderr.write('\n');
  console.log(`straightened ${spec.teacher} (${spec.pairs} pairs): ${spec.steps} steps × ${spec.batch} in ${(outcome.wallMs / 1000).toFixed(1)} s${outcome.skippedSteps ? `; ${outcome.skippedSteps} steps skipped by the NaN guard` : ''}`);
  for (const line of bossSummaryLines(outcome, spec)) console.log(line);
  const files: [string, string][] = [[out, serializeModelFile(outcome.model)]];
  if (log) files.push([log, `step,loss,samples_seen,wall_ms,eval_loss\n${outcome.logRows.join('\n')}\n`]);
  return files;
}
