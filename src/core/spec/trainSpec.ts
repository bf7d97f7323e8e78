// The training spec (issue 7 "the CLI runs the same trainings"; DESIGN §3): one schema for `stepscope train`, the
// training lab's store and its URL.
//   {"version":1,"kind":"train","task":"flow-matching"|"score-matching"|"surrogate","target":{…},
//    "model":{"type":"mlp","width":128,"depth":3,"activation":"silu"},
//    "optimizer":{"name":"adam"|"sgd"|"kfac"|"mkor"|"mkor-h",…},"steps":2000,"batch":1024,"seed":0}
// Every field but `task` and `target` has a default. Optimizer hyperparameters left out take training.md §4.6's
// defaults: the FM-2D toy column for the generative tasks, the PDE-surrogate column for `surrogate` (so the
// defaults are filled after the task is known, in the transform, not by zod's per-field defaults).
// Every problem names the field, the value and what is allowed (formatZodError).

import { z } from 'zod';
import { DEFAULT_TIME_EMBEDDING, type MlpConfig, type TimeEmbedding } from '../train/mlp.ts';
import {
  ADAM_DEFAULTS,
  KFAC_DEFAULTS,
  MKOR_DEFAULTS,
  MKOR_HYBRID_DEFAULTS,
  SGD_DEFAULTS,
  SURROGATE_OPTIMIZER_DEFAULTS,
  type AdamOptions,
  type HybridSwitchOptions,
  type KfacOptions,
  type MkorOptions,
  type OptimizerName,
  type SgdOptions,
} from '../train/optimizers.ts';
import { SPEC_VERSION, SpecError, formatZodError, targetSchema, type SampleSpec } from './spec.ts';

export const TRAIN_TASKS = ['flow-matching', 'score-matching', 'surrogate'] as const;
export type TrainTask = (typeof TRAIN_TASKS)[number];
/** the tasks whose runner exists (core/train/loop.ts trainGenerativeModel); `surrogate` is validated but not run yet */
export const GENERATIVE_TASKS = ['flow-matching', 'score-matching'] as const;
export type GenerativeTask = (typeof GENERATIVE_TASKS)[number];

/** limits of one run: what a browser tab or the CLI can hold (a 1024-wide MLP is ~3 M parameters per layer pair) */
export const TRAIN_LIMITS = {
  width: { min: 1, max: 1024 },
  depth: { min: 0, max: 16 },
  frequencies: { min: 1, max: 64 },
  steps: { min: 1, max: 1_000_000 },
  batch: { min: 1, max: 65_536 },
} as const;

export const TRAIN_DEFAULTS = { width: 128, depth: 3, activation: 'silu', steps: 2000, batch: 1024, seed: 0, optimizer: 'adam' } as const;

/**
 * The default time embedding of a train spec: mlp.ts's sinusoidal K = 8 WITH the linear term τ in front (d₀ = 2 + 17).
 * Without it the embedding is 1-periodic in τ (integer frequencies): flow matching's τ = 0 (noise) and τ = 1 (data)
 * get the same features, and score matching's τ = log σ / 4 ∈ [−1.15, 0.27] aliases σ ∈ [0.01, 0.055] onto
 * σ ∈ [0.55, 3]. The linear term (the §4.7 prototype's [t, sin, cos]) removes the ambiguity.
 */
export const TRAIN_TIME_EMBEDDING: TimeEmbedding = { kind: 'sinusoidal', frequencies: (DEFAULT_TIME_EMBEDDING as { frequencies: number }).frequencies, includeLinear: true };

const finite = () => z.number().refine(Number.isFinite, { message: 'must be a finite number' });
const positive = () => finite().pipe(z.number().gt(0));
const nonNegative = () => finite().pipe(z.number().min(0));
const unit = () => finite().pipe(z.number().min(0).lt(1));
const count = (min: number) => z.number().int().min(min).max(1_000_000);

const timeEmbeddingSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('sinusoidal'),
      frequencies: z.number().int().min(TRAIN_LIMITS.frequencies.min).max(TRAIN_LIMITS.frequencies.max).default(8),
      includeLinear: z.boolean().default(true),
    })
    .strict(),
  z.object({ kind: z.literal('linear'), scale: positive().default(1) }).strict(),
]);

const modelSchema = z
  .object({
    type: z.literal('mlp'),
    width: z.number().int().min(TRAIN_LIMITS.width.min).max(TRAIN_LIMITS.width.max).default(TRAIN_DEFAULTS.width),
    depth: z.number().int().min(TRAIN_LIMITS.depth.min).max(TRAIN_LIMITS.depth.max).default(TRAIN_DEFAULTS.depth),
    activation: z.enum(['silu', 'relu', 'tanh']).default(TRAIN_DEFAULTS.activation),
    timeEmbedding: timeEmbeddingSchema.prefault(TRAIN_TIME_EMBEDDING as z.input<typeof timeEmbeddingSchema>),
  })
  .strict();

// Optimizer hyperparameters: all optional here, filled from the task's §4.6 column in the transform below.
const sgdFields = { lr: positive(), momentum: unit(), dampening: unit(), weightDecay: nonNegative(), nesterov: z.boolean() };
const adamFields = { lr: positive(), beta1: unit(), beta2: unit(), eps: positive(), weightDecay: nonNegative(), decoupledWeightDecay: z.boolean() };
const baseSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('sgd'), ...partial(sgdFields) }).strict(),
  z.object({ name: z.literal('adam'), ...partial(adamFields) }).strict(),
]);
const mkorFields = {
  base: baseSchema,
  variant: z.enum(['released', 'paper-exact']),
  inverseUpdateSteps: count(1),
  warmupSteps: count(0),
  clippingValue: positive(),
  blend: unit(),
  resetThreshold: positive(),
  factorDecay: unit(),
  stabiliserThreshold: positive(),
  stabiliserFactor: unit(),
};
const hybridSchema = z
  .object(partial({ lossDecay: unit(), window: count(1), minSteps: count(0), threshold: nonNegative(), stalledWindows: count(1) }))
  .strict();

const optimizerSchema = z.discriminatedUnion('name', [
  z.object({ name: z.literal('sgd'), ...partial(sgdFields) }).strict(),
  z.object({ name: z.literal('adam'), ...partial(adamFields) }).strict(),
  z
    .object({
      name: z.literal('kfac'),
      ...partial({
        lr: positive(),
        momentum: unit(),
        weightDecay: nonNegative(),
        damping: positive(),
        piDamping: z.boolean(),
        factorDecay: unit(),
        factorUpdateSteps: count(1),
        /** T_inv; left out: 1 when every factor has dimension ≤ 257, else 10 (§4.3) */
        inverseUpdateSteps: count(1),
        /** κ; null turns the KL clip off */
        klClip: positive().nullable(),
      }),
    })
    .strict(),
  z.object({ name: z.literal('mkor'), ...partial(mkorFields) }).strict(),
  z.object({ name: z.literal('mkor-h'), ...partial(mkorFields), hybrid: hybridSchema.optional() }).strict(),
]);

function partial<T extends Record<string, z.ZodType>>(fields: T): { [K in keyof T]: z.ZodOptional<T[K]> } {
  return Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, v.optional()])) as { [K in keyof T]: z.ZodOptional<T[K]> };
}

/** The optimizer of a resolved spec: every hyperparameter filled in (the shape createOptimizer takes). */
export type TrainOptimizer =
  | ({ name: 'sgd' } & SgdOptions)
  | ({ name: 'adam' } & AdamOptions)
  | ({ name: 'kfac' } & Omit<KfacOptions, 'sides' | 'sgdLayers'>)
  | ({ name: 'mkor' } & Omit<MkorOptions, 'sgdLayers' | 'base'> & { base: ({ name: 'sgd' } & SgdOptions) | ({ name: 'adam' } & AdamOptions) })
  | ({ name: 'mkor-h' } & Omit<MkorOptions, 'sgdLayers' | 'base'> & { base: ({ name: 'sgd' } & SgdOptions) | ({ name: 'adam' } & AdamOptions); hybrid: HybridSwitchOptions });

const dropUndefined = <T extends object>(o: T): Partial<T> => Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;

function resolveBase(base: z.infer<typeof baseSchema> | undefined, fallback: { name: 'sgd' | 'adam'; lr?: number }) {
  const given = base ?? fallback;
  return given.name === 'sgd' ? { ...SGD_DEFAULTS, ...dropUndefined(given), name: 'sgd' as const } : { ...ADAM_DEFAULTS, ...dropUndefined(given), name: 'adam' as const };
}

/** §4.6: the FM-2D toy column (the constructors' defaults) or, for `surrogate`, the PDE-surrogate column */
export function resolveOptimizer(given: z.infer<typeof optimizerSchema>, task: TrainTask): TrainOptimizer {
  const column = task === 'surrogate' ? (dropUndefined(SURROGATE_OPTIMIZER_DEFAULTS[given.name as OptimizerName]) as Record<string, unknown>) : {};
  const { name: _, ...overrides } = { ...column, ...dropUndefined(given) } as Record<string, unknown> & { name: OptimizerName };
  switch (given.name) {
    case 'sgd':
      return { ...SGD_DEFAULTS, ...overrides, name: 'sgd' };
    case 'adam':
      return { ...ADAM_DEFAULTS, ...overrides, name: 'adam' };
    case 'kfac': {
      const { sides: _s, sgdLayers: _l, ...defaults } = KFAC_DEFAULTS;
      return { ...dropUndefined(defaults), ...overrides, name: 'kfac' } as TrainOptimizer;
    }
    case 'mkor':
    case 'mkor-h': {
      const { sgdLayers: _l, base: defaultBase, ...defaults } = MKOR_DEFAULTS;
      const { base, hybrid, ...rest } = overrides as { base?: z.infer<typeof baseSchema>; hybrid?: Partial<HybridSwitchOptions> };
      const resolved = { ...defaults, ...rest, base: resolveBase(base, defaultBase) };
      return given.name === 'mkor' ? { ...resolved, name: 'mkor' } : { ...resolved, name: 'mkor-h', hybrid: { ...MKOR_HYBRID_DEFAULTS, ...dropUndefined(hybrid ?? {}) } };
    }
  }
}

export const trainSpecSchema = z
  .object({
    version: z.literal(SPEC_VERSION),
    kind: z.literal('train'),
    task: z.enum(TRAIN_TASKS),
    /**
     * flow-matching / score-matching: a sampler target (spec.ts targetSchema: preset, gmm, points, glyphs16).
     * surrogate: an object its runner defines and validates (the surrogate runner is not built yet).
     */
    target: z.record(z.string(), z.unknown()),
    // prefault: the default is parsed, so its own fields' defaults are filled in (zod 4's .default returns it as is)
    model: modelSchema.prefault({ type: 'mlp' }),
    optimizer: optimizerSchema.default({ name: TRAIN_DEFAULTS.optimizer }),
    steps: z.number().int().min(TRAIN_LIMITS.steps.min).max(TRAIN_LIMITS.steps.max).default(TRAIN_DEFAULTS.steps),
    batch: z.number().int().min(TRAIN_LIMITS.batch.min).max(TRAIN_LIMITS.batch.max).default(TRAIN_DEFAULTS.batch),
    seed: z.number().int().min(0).max(0xffffffff).default(TRAIN_DEFAULTS.seed),
    /**
     * Step decay of the learning rate (training.md §4.2: the ML-uc surrogate's MultiStepLR, γ 0.5 every 6250 steps):
     * η_t = η·factor^⌊t/every⌋ for the step t counted from 0. Left out: η is constant.
     */
    lrDecay: z.object({ every: z.number().int().min(1).max(TRAIN_LIMITS.steps.max), factor: finite().pipe(z.number().gt(0).max(1)) }).strict().optional(),
  })
  .strict()
  .transform((s, ctx) => {
    let target: SampleSpec['target'] | Record<string, unknown> = s.target;
    if (s.task !== 'surrogate') {
      const parsed = targetSchema.safeParse(s.target);
      if (!parsed.success) {
        for (const issue of parsed.error.issues) ctx.addIssue({ ...issue, path: ['target', ...issue.path] } as Parameters<typeof ctx.addIssue>[0]);
        return z.NEVER;
      }
      target = parsed.data;
    }
    return { ...s, target, optimizer: resolveOptimizer(s.optimizer, s.task) };
  });

export type TrainSpecInput = z.input<typeof trainSpecSchema>;
/** A validated train spec with every default filled in. For the generative tasks `target` is a sampler target. */
export type TrainSpec = Omit<z.infer<typeof trainSpecSchema>, 'target'> & { target: SampleSpec['target'] | Record<string, unknown> };
export type GenerativeTrainSpec = Omit<TrainSpec, 'task' | 'target'> & { task: GenerativeTask; target: SampleSpec['target'] };

export function isGenerativeTrainSpec(spec: TrainSpec): spec is GenerativeTrainSpec {
  return (GENERATIVE_TASKS as readonly string[]).includes(spec.task);
}

/** Parse and validate a train spec (defaults filled in); throws SpecError naming field, value and what is allowed. */
export function parseTrainSpec(input: unknown): TrainSpec {
  const result = trainSpecSchema.safeParse(input);
  if (!result.success) throw new SpecError(formatZodError(result.error, input));
  return result.data as TrainSpec;
}

/** The MlpConfig of a spec's model for data of dimension `dim` (the output is the velocity or ε̂: also `dim`). */
export function trainMlpConfig(model: TrainSpec['model'], dim: number): MlpConfig {
  return { dataDim: dim, outputDim: dim, width: model.width, depth: model.depth, activation: model.activation, timeEmbedding: model.timeEmbedding };
}
