// The training lab's link (issue #8 "every state is a URL"): `?lab=train&train=<link>`, the lab's settings in the
// link format of state/linkCodec.ts (their difference from the defaults, compressed, with the format version, a
// checksum and the seed). A tampered or cut link opens the nearest valid settings with a notice naming what was
// dropped, like the other labs' links. The settings are validated here by one schema (the form's ranges are the train
// spec's, core/spec/trainSpec.ts).

import { z } from 'zod';
import { TARGET_PRESETS } from '../../core/sampling/presets.ts';
import { formatZodError, SpecError } from '../../core/spec/spec.ts';
import { GENERATIVE_TASKS, TRAIN_LIMITS, resolveOptimizer } from '../../core/spec/trainSpec.ts';
import type { OptimizerName } from '../../core/train/optimizers.ts';
import { type DecodedLink, type LinkKind, decodeLink, encodeLink } from '../../state/linkCodec.ts';
import { LAB_PARAM } from '../../state/pdeUrl.ts';
import { MAX_PARAM_LENGTH } from '../../state/url.ts';

export const TRAIN_PARAM = 'train';
export const OPTIMIZER_NAMES = ['sgd', 'adam', 'kfac', 'mkor', 'mkor-h'] as const satisfies readonly OptimizerName[];
export const TRAINERS = ['cpu', 'gpu'] as const;
export type Trainer = (typeof TRAINERS)[number];

const int = (range: { min: number; max: number }) => z.number().int().min(range.min).max(range.max);
const formSchema = z
  .object({
    task: z.enum(GENERATIVE_TASKS),
    target: z.enum(TARGET_PRESETS),
    width: int(TRAIN_LIMITS.width),
    depth: int(TRAIN_LIMITS.depth),
    activation: z.enum(['silu', 'relu', 'tanh']),
    batch: int(TRAIN_LIMITS.batch),
    steps: int(TRAIN_LIMITS.steps),
    seed: z.number().int().min(0).max(0xffffffff),
    chosen: z.array(z.enum(OPTIMIZER_NAMES)).max(OPTIMIZER_NAMES.length),
    lr: z.strictObject(Object.fromEntries(OPTIMIZER_NAMES.map((n) => [n, z.number().finite().gt(0)])) as Record<OptimizerName, z.ZodNumber>),
    /** where the runs train: the float64 CPU worker, or the WGSL trainer on this page's GPU (float32; flow matching, SGD and Adam) */
    trainer: z.enum(TRAINERS).default('cpu'),
  })
  .strict();

/** the training lab's settings: the optimizer comparison's network, data, budget and the optimizers with their rates */
export type TrainForm = z.infer<typeof formSchema>;

/** the learning rate a control sets: the optimizer's own, or MKOR's base optimizer's (§4.6 FM-2D column) */
export function defaultLr(name: OptimizerName): number {
  const resolved = resolveOptimizer({ name } as never, 'flow-matching') as { lr?: number; base?: { lr: number } };
  return resolved.base ? resolved.base.lr : resolved.lr!;
}

export function parseTrainForm(input: unknown): TrainForm {
  const result = formSchema.safeParse(input);
  if (!result.success) throw new SpecError(formatZodError(result.error, input));
  return result.data;
}

/** a width and a step count that train in seconds in a float64 worker */
export const DEFAULT_TRAIN_FORM: TrainForm = parseTrainForm({
  task: 'flow-matching',
  target: 'ring8',
  width: 64,
  depth: 2,
  activation: 'silu',
  batch: 256,
  steps: 500,
  seed: 0,
  chosen: ['adam', 'mkor'],
  lr: Object.fromEntries(OPTIMIZER_NAMES.map((n) => [n, defaultLr(n)])),
  trainer: 'cpu',
});

export const TRAIN_LINK: LinkKind<TrainForm> = {
  param: TRAIN_PARAM,
  defaultName: 'the default training settings',
  bases: () => new Map([['default', DEFAULT_TRAIN_FORM]]),
  defaultBase: 'default',
  chooseBase: () => 'default',
  parse: parseTrainForm,
};

/** the settings the lab shows (kept here so that switching labs writes the lab's link) */
let shown: TrainForm = DEFAULT_TRAIN_FORM;

export function rememberTrainForm(form: TrainForm): void {
  shown = form;
}

/** the training lab's link with its current settings */
export function trainUrl(base: string): string {
  const url = new URL(base);
  url.search = '';
  url.searchParams.set(LAB_PARAM, 'train');
  url.searchParams.set(TRAIN_PARAM, encodeLink(TRAIN_LINK, shown));
  return url.toString();
}

/** the settings of a link (the defaults without a `train` parameter); never throws: a bad link gives a notice */
export function trainFormFromSearch(search: string): DecodedLink<TrainForm> {
  const value = new URLSearchParams(search).get(TRAIN_PARAM);
  if (value === null) return { spec: DEFAULT_TRAIN_FORM };
  if (value.length > MAX_PARAM_LENGTH) return { spec: DEFAULT_TRAIN_FORM, notice: `The link's train parameter was not used (train: ${value.length} characters, more than the ${MAX_PARAM_LENGTH} allowed); showing the default training settings instead.` };
  return decodeLink(TRAIN_LINK, value);
}
