// The train spec of BOSS straightening (training.md §3.5; issue 7 part 4): `stepscope train` with `"task":"boss"`.
//   {"version":1,"kind":"train","task":"boss","teacher":"model.json",
//    "K":6,"kMax":100,"trajectories":1024,"pairs":"offline"|"online","noises":5000,"heldOut":0.1,
//    "optimizer":{"name":"adam","lr":0.001},"steps":2000,"batch":1024,"seed":0,"evalEvery":100,
//    "eval":{"n":4096,"seed":0}}
// Every field but `task` and `teacher` has a default (core/train/bossStraighten.ts BOSS_STRAIGHTEN_DEFAULTS: §3.5's
// K_max = 100, M = 1024, 5000 noises, 10 % held out, Adam 1e-3, B = 1024). `teacher` is the flow-matching model file
// to straighten (the CLI resolves it relative to the spec file; the training lab passes its own model). `optimizer`
// is the train spec's optimizer schema with the same §4.6 defaults. `eval` is the K-step evaluation: n samples from
// the sampler's x_T of `seed` (the sampler lab's numbers for the same n and seed).
// Every problem names the field, the value and what is allowed (formatZodError); nothing runs on a bad spec.

import { z } from 'zod';
import { BOSS_LIMITS } from '../sampling/boss.ts';
import { BOSS_STRAIGHTEN_DEFAULTS as D } from '../train/bossStraighten.ts';
import { MAX_PARTICLES, SPEC_VERSION, SpecError, formatZodError } from './spec.ts';
import { type TrainOptimizer, type TrainSpec, TRAIN_LIMITS, TRAIN_TASKS, parseTrainSpec, resolveOptimizer, trainSpecSchema } from './trainSpec.ts';

export const BOSS_TASK = 'boss';

/** limits of a straightening run (K and K_max as the sampler's boss schedule, core/sampling/boss.ts) */
export const BOSS_STRAIGHTEN_LIMITS = {
  kMax: BOSS_LIMITS.kMax,
  trajectories: BOSS_LIMITS.samples,
  noises: { min: 2, max: 100_000 },
  evalEvery: { min: 1, max: 1_000_000 },
} as const;

const int = (range: { min: number; max: number }) => z.number().int().min(range.min).max(range.max);

export const bossSpecSchema = z
  .object({
    version: z.literal(SPEC_VERSION),
    kind: z.literal('train'),
    task: z.literal(BOSS_TASK),
    teacher: z.string().min(1),
    K: z.number().int().min(1).max(BOSS_LIMITS.kMax.max).default(D.K),
    kMax: int(BOSS_STRAIGHTEN_LIMITS.kMax).default(D.kMax),
    trajectories: int(BOSS_STRAIGHTEN_LIMITS.trajectories).default(D.trajectories),
    pairs: z.enum(['offline', 'online']).default(D.pairs),
    noises: int(BOSS_STRAIGHTEN_LIMITS.noises).default(D.noises),
    heldOut: z.number().gt(0).lt(1).default(D.heldOut),
    // the train spec's own optimizer schema (one place), defaults resolved below as for flow matching (§4.6)
    optimizer: trainSpecSchema.in.shape.optimizer,
    steps: int(TRAIN_LIMITS.steps).default(D.steps),
    batch: int(TRAIN_LIMITS.batch).default(D.batch),
    seed: z.number().int().min(0).max(0xffffffff).default(D.seed),
    evalEvery: int(BOSS_STRAIGHTEN_LIMITS.evalEvery).default(D.evalEvery),
    eval: z
      .object({ n: z.number().int().min(2).max(MAX_PARTICLES).default(4096), seed: z.number().int().min(0).max(0xffffffff).default(0) })
      .strict()
      .prefault({}),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.K > s.kMax) ctx.addIssue({ code: 'custom', path: ['K'], message: `must be at most kMax (${s.kMax}): the K jumps are chosen among kMax + 1 anchors` });
  })
  .transform((s) => ({ ...s, optimizer: resolveOptimizer(s.optimizer, 'flow-matching') as TrainOptimizer }));

export type BossSpecInput = z.input<typeof bossSpecSchema>;
export type BossSpec = z.infer<typeof bossSpecSchema>;

/** Parse and validate a BOSS straightening spec (defaults filled in); throws SpecError naming field, value and what is allowed. */
export function parseBossSpec(input: unknown): BossSpec {
  const result = bossSpecSchema.safeParse(input);
  if (!result.success) throw new SpecError(formatZodError(result.error, input));
  return result.data;
}

/** every task `stepscope train` runs */
export const ALL_TRAIN_TASKS = [...TRAIN_TASKS, BOSS_TASK] as const;

/**
 * A train spec of any task: `"task":"boss"` here, every other task by parseTrainSpec. An unknown task is named with
 * all the allowed ones (boss included).
 */
export function parseAnyTrainSpec(input: unknown): TrainSpec | BossSpec {
  const task = input !== null && typeof input === 'object' && !Array.isArray(input) ? (input as Record<string, unknown>).task : undefined;
  if (task === BOSS_TASK) return parseBossSpec(input);
  if (task !== undefined && !(ALL_TRAIN_TASKS as readonly unknown[]).includes(task))
    throw new SpecError([`task: got ${JSON.stringify(task)}; allowed: ${ALL_TRAIN_TASKS.map((t) => JSON.stringify(t)).join(', ')}`]);
  return parseTrainSpec(input);
}

export function isBossSpec(spec: TrainSpec | BossSpec): spec is BossSpec {
  return spec.task === BOSS_TASK;
}
