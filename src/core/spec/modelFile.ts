// The model file (issue 7 "models can be saved and loaded"): a trained MLP as one JSON document.
//
//   {"format":"stepscope-model","version":1,"kind":"mlp","task":"flow-matching"|"score-matching",
//    "config":{"dataDim":2,"outputDim":2,"width":128,"depth":3,"activation":"silu",
//              "timeEmbedding":{"kind":"sinusoidal","frequencies":8,"includeLinear":true}},
//    "params":[…float64 numbers…],
//    "trainedOn":{"target":{…},"steps":2000,"batch":1024,"seed":0,"optimizer":{"name":"adam",…}[,"lrDecay":{…}]},
//    "loss":{"final":…,"last100":…,"validation":…}}
//
// - `config` is core/train/mlp.ts's MlpConfig; `params` the flat parameter vector in mlp.ts's layout (per layer
//   W̄ = [W | b], d_out × (d_in + 1) row-major, bias last column, layers in order); its length must equal the layout's
//   parameterCount. JSON numbers written by JavaScript round-trip float64 exactly.
// - The network's output and time input follow the task (training.md §3.3, core/train/losses.ts):
//   flow-matching: the RF velocity v̂ ≈ x₁ − x₀ at x_τ = τ·x₁ + (1 − τ)·x₀, time input τ (0 = noise, 1 = data);
//   score-matching: ε̂ at x̃ = x + σ·ε, time input log σ / 4 (score = −ε̂/σ).
//   `timeInput` records the range the model was trained on (τ ∈ [ε, 1], or σ ∈ [σ_min, σ_max]).
// - `trainedOn.target` is the sampler target it learned (spec.ts targetSchema); `loss` the last step's batch loss,
//   the mean of the last ≤ 100 steps' batch losses and the loss on the fixed validation set (§3.3).

import { z } from 'zod';
import { type MlpConfig, mlpLayout } from '../train/mlp.ts';
import { FLOW_MATCHING_EPSILON, SCORE_MATCHING_SIGMA_MAX, SCORE_MATCHING_SIGMA_MIN } from '../train/losses.ts';
import { type SampleSpec, formatZodError, targetSchema } from './spec.ts';
import { GENERATIVE_TASKS, type GenerativeTask, TRAIN_LIMITS } from './trainSpec.ts';

export const MODEL_FORMAT = 'stepscope-model';
export const MODEL_FORMAT_VERSION = 1;

/** the time range a model was trained on (what the sampler may ask of it without extrapolating) */
export type TimeInputRange = { kind: 'rf-time'; min: number; max: number } | { kind: 'log-sigma-over-4'; sigmaMin: number; sigmaMax: number };

/** the training time range of a task (losses.ts defaults) */
export function taskTimeInput(task: GenerativeTask): TimeInputRange {
  return task === 'flow-matching' ? { kind: 'rf-time', min: FLOW_MATCHING_EPSILON, max: 1 } : { kind: 'log-sigma-over-4', sigmaMin: SCORE_MATCHING_SIGMA_MIN, sigmaMax: SCORE_MATCHING_SIGMA_MAX };
}

export interface ModelFile {
  format: typeof MODEL_FORMAT;
  version: typeof MODEL_FORMAT_VERSION;
  kind: 'mlp';
  task: GenerativeTask;
  config: MlpConfig;
  params: Float64Array;
  timeInput: TimeInputRange;
  trainedOn: {
    target: SampleSpec['target'];
    steps: number;
    batch: number;
    seed: number;
    optimizer: Record<string, unknown> & { name: string };
    /** the train spec's step decay of the learning rate, when it had one */
    lrDecay?: { every: number; factor: number };
  };
  loss: { final: number; last100: number; validation: number | null };
  /**
   * a BOSS-straightened student (training.md §3.5, core/train/bossStraighten.ts): its K Bellman steps (flow times t,
   * from noise to data, the sampler's custom schedule), K_max, how its pairs were drawn and the held-out loss before
   * (the teacher's) and after fine-tuning; `loss.validation` is the latter
   */
  straightened?: BossStraightenedInfo;
}

export interface BossStraightenedInfo {
  method: 'boss';
  K: number;
  kMax: number;
  times: number[];
  pairs: 'offline' | 'online';
  heldOutLoss: { before: number; after: number };
}

/** A model file that cannot be used: one line per problem, each naming the field, the value and what is expected. */
export class ModelFileError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'ModelFileError';
  }
}

const finite = () => z.number().refine(Number.isFinite, { message: 'must be a finite number' });
const dimension = () => z.number().int().min(1).max(4096);

const configSchema = z
  .object({
    dataDim: dimension(),
    outputDim: dimension(),
    width: z.number().int().min(TRAIN_LIMITS.width.min).max(TRAIN_LIMITS.width.max),
    depth: z.number().int().min(TRAIN_LIMITS.depth.min).max(TRAIN_LIMITS.depth.max),
    activation: z.enum(['silu', 'relu', 'tanh']),
    timeEmbedding: z.discriminatedUnion('kind', [
      z.object({ kind: z.literal('sinusoidal'), frequencies: z.number().int().min(TRAIN_LIMITS.frequencies.min).max(TRAIN_LIMITS.frequencies.max), includeLinear: z.boolean().optional() }).strict(),
      z.object({ kind: z.literal('linear'), scale: finite().pipe(z.number().gt(0)) }).strict(),
    ]),
  })
  .strict();

const timeInputSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('rf-time'), min: finite().pipe(z.number().min(0).lt(1)), max: finite().pipe(z.number().gt(0).max(1)) }).strict(),
  z.object({ kind: z.literal('log-sigma-over-4'), sigmaMin: finite().pipe(z.number().gt(0)), sigmaMax: finite().pipe(z.number().gt(0)) }).strict(),
]);

const modelFileSchema = z
  .object({
    format: z.literal(MODEL_FORMAT),
    version: z.literal(MODEL_FORMAT_VERSION),
    kind: z.literal('mlp'),
    task: z.enum(GENERATIVE_TASKS),
    config: configSchema,
    // checked element by element below (one message, not one per bad number)
    params: z.array(z.unknown()),
    timeInput: timeInputSchema,
    trainedOn: z
      .object({
        target: targetSchema,
        steps: z.number().int().min(0),
        batch: z.number().int().min(1),
        seed: z.number().int().min(0).max(0xffffffff),
        optimizer: z.looseObject({ name: z.string() }),
        lrDecay: z.object({ every: z.number().int().min(1), factor: finite() }).strict().optional(),
      })
      .strict(),
    loss: z.object({ final: finite(), last100: finite(), validation: finite().nullable() }).strict(),
    straightened: z
      .object({
        method: z.literal('boss'),
        K: z.number().int().min(1),
        kMax: z.number().int().min(1),
        times: z.array(finite()).min(2),
        pairs: z.enum(['offline', 'online']),
        heldOutLoss: z.object({ before: finite(), after: finite() }).strict(),
      })
      .strict()
      .optional(),
  })
  .strict()
  .superRefine((m, ctx) => {
    if (m.config.outputDim !== m.config.dataDim)
      ctx.addIssue({ code: 'custom', path: ['config', 'outputDim'], message: `must equal config.dataDim (${m.config.dataDim}): the network predicts a velocity or ε̂ of the data's dimension` });
    const bad = m.params.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v));
    if (bad >= 0) ctx.addIssue({ code: 'custom', path: ['params', bad], message: 'must be a finite number (every parameter is)' });
    if (m.timeInput.kind === 'rf-time' ? m.task !== 'flow-matching' || !(m.timeInput.min < m.timeInput.max) : m.task !== 'score-matching' || !(m.timeInput.sigmaMin < m.timeInput.sigmaMax))
      ctx.addIssue({ code: 'custom', path: ['timeInput'], message: `must be ${JSON.stringify(taskTimeInput(m.task))}-shaped for task ${m.task} (min < max)` });
    const targetDim = targetDimension(m.trainedOn.target);
    if (targetDim !== undefined && targetDim !== m.config.dataDim)
      ctx.addIssue({ code: 'custom', path: ['trainedOn', 'target'], message: `has dimension ${targetDim}; config.dataDim is ${m.config.dataDim}` });
  });

/** the widths d₀-…-d_L of a config, e.g. 19-64-64-64-2 */
export function layoutText(config: MlpConfig): string {
  const layout = mlpLayout(config);
  return [layout.inputDim, ...layout.layers.map((l) => l.outputDim)].join('-');
}

/** the dimension of a sampler target without preparing it (undefined for glyphs16: 256) */
function targetDimension(target: SampleSpec['target']): number | undefined {
  switch (target.type) {
    case 'preset':
      return 2;
    case 'glyphs16':
      return 256;
    case 'gmm':
      return target.means[0]?.length;
    case 'points':
      return target.points[0]?.length;
  }
}

/** Validate a parsed JSON value as a model file; throws ModelFileError naming each problem. */
export function parseModelFile(input: unknown): ModelFile {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) throw new ModelFileError([`(file): got ${input === null ? 'null' : Array.isArray(input) ? 'an array' : typeof input}; a model file is a JSON object with "format": "${MODEL_FORMAT}"`]);
  const format = (input as Record<string, unknown>).format;
  if (format !== MODEL_FORMAT) throw new ModelFileError([`format: got ${JSON.stringify(format) ?? 'nothing'}; allowed: "${MODEL_FORMAT}" (not a Stepscope model file)`]);
  const result = modelFileSchema.safeParse(input);
  if (!result.success) throw new ModelFileError(formatZodError(result.error, input));
  const m = result.data;
  // the shape check (after the config is known to be valid): one line naming both counts, not the whole array
  const expected = mlpLayout(m.config as MlpConfig).parameterCount;
  if (m.params.length !== expected) throw new ModelFileError([`params: got ${m.params.length} numbers; the layout of config (${layoutText(m.config as MlpConfig)}) needs ${expected}`]);
  return { ...m, config: m.config as MlpConfig, params: Float64Array.from(m.params as number[]) } as ModelFile;
}

/** Parse the text of a model file (JSON); throws ModelFileError. */
export function parseModelFileText(text: string): ModelFile {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new ModelFileError([`(file): not valid JSON: ${(error as Error).message}`]);
  }
  return parseModelFile(json);
}

/**
 * The model file as JSON text: metadata indented, the parameters on one line (shortest round-trip decimal of
 * each float64). Refuses non-finite parameters: a diverged training has nothing worth saving.
 */
export function serializeModelFile(model: ModelFile): string {
  const bad = model.params.findIndex((v) => !Number.isFinite(v));
  if (bad >= 0) throw new ModelFileError([`params.${bad}: got ${model.params[bad]}; every parameter must be finite (the training diverged)`]);
  const expected = mlpLayout(model.config).parameterCount;
  if (model.params.length !== expected) throw new ModelFileError([`params: got ${model.params.length} numbers; the layout of config (${layoutText(model.config)}) needs ${expected}`]);
  const placeholder = '"__PARAMS__"';
  const { params, ...rest } = model;
  const ordered = { format: rest.format, version: rest.version, kind: rest.kind, task: rest.task, config: rest.config, timeInput: rest.timeInput, trainedOn: rest.trainedOn, loss: rest.loss, ...(rest.straightened ? { straightened: rest.straightened } : {}), params: '__PARAMS__' };
  return `${JSON.stringify(ordered, null, 2).replace(placeholder, `[${Array.from(params).join(',')}]`)}\n`;
}
