// Lessons (issue #8 "Lessons"): a Markdown file with a YAML front matter (id, title, claim, source) and figures in
// fenced ```stepscope blocks of JSON. A figure is an experiment whose checks decide the lesson's claim on the numbers
// it measures: a claim of the paper catalogue (src/core/claims.ts), a sampler comparison (series of sample specs over
// one axis, compiled into the same Claim type and run by the same runner), or a PDE comparison (series of PDE specs,
// run by engine/lessons.ts). The format is documented in README "Lessons"; this file is its only parser, shared by the
// app (bundled lessons and files an instructor opens), the CLI (`stepscope lesson FILE.md`) and the tests.
// Every spec is validated here, so a malformed lesson fails on load with the line and field, before anything runs.

import { parse as parseYaml, YAMLParseError } from 'yaml';
import { z } from 'zod';
import { CLAIMS, CLAIM_METRIC_LABELS, type Claim, type ClaimCheck, type ClaimMetric, findClaim } from '../claims.ts';
import { PDE_PRESETS } from '../pde/presets.ts';
import { FIELD_PATH, withField } from '../spec/fieldPath.ts';
import { DEFAULT_SPEC, formatZodError, parseSpec, type SampleSpec, SpecError } from '../spec/spec.ts';
import { parsePdeSpec, type PdeSpec } from '../spec/pdeSpec.ts';

export class LessonError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LessonError';
  }
}

/** what a PDE figure measures at the end of each run */
export const PDE_FIGURE_METRICS = {
  error: 'relative max error against the exact solution',
  blowUp: 'time the solution became non-finite',
  maxAbs: 'max |u| at the end',
  std: 'standard deviation of the last field at the end',
} as const;
export type PdeFigureMetric = keyof typeof PDE_FIGURE_METRICS;

/** what a sampler figure measures (RunMetrics, and the distance to the training points for dataset targets) */
const SAMPLER_FIGURE_METRICS = ['rmse', 'mmd2', 'fdRf', 'nearest'] as const;

export type FigureMetric = ClaimMetric | PdeFigureMetric;
/** values[series][axis index][metric]; NaN where not measured (and `blowUp` NaN: it stayed finite) */
export type FigureValues = Record<string, number>[][];

export interface FigureAxis {
  label: string;
  values: number[];
  log: boolean;
}

export interface PdeFigure {
  axis: FigureAxis;
  series: { label: string; at(x: number): PdeSpec }[];
  metrics: PdeFigureMetric[];
  checks(values: FigureValues): ClaimCheck[];
}

export type LessonFigure = { kind: 'sampler'; caption?: string; claim: Claim } | { kind: 'pde'; caption?: string; pde: PdeFigure };

export type LessonBlock = { type: 'text'; markdown: string } | { type: 'figure'; figure: number };

export interface Lesson {
  id: string;
  title: string;
  /** the one claim the lesson proves with the numbers of its figures */
  claim: string;
  /** the paper, spec section or official code the claim comes from */
  source: string;
  blocks: LessonBlock[];
  figures: LessonFigure[];
}

// ------------------------------------------------------------------------------------------------ the schemas

const frontMatterSchema = z.strictObject({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'lower-case letters, digits and dashes (at most 64)'),
  title: z.string().min(1).max(200),
  claim: z.string().min(1).max(1000),
  source: z.string().min(1).max(1000),
});

const seriesIndex = z.number().int().min(0);
const axisSchema = z.strictObject({
  label: z.string().min(1).max(40),
  /** the dotted spec field the axis sets, e.g. `nfe`, `schedule.s`, `dt` */
  path: z.string().regex(FIELD_PATH, 'a dotted spec field such as nfe or schedule.s'),
  values: z.array(z.number().finite()).min(1).max(12),
  log: z.boolean().default(false),
});

const checkSchema = z.union([
  z.strictObject({ below: z.strictObject({ metric: z.string(), a: seriesIndex, b: seriesIndex, at: z.array(z.number()).min(1).optional() }) }),
  z.strictObject({ optimum: z.strictObject({ metric: z.string(), series: seriesIndex }) }),
  z.strictObject({ bound: z.strictObject({ metric: z.string(), series: seriesIndex, at: z.array(z.number()).min(1).optional(), min: z.number().optional(), max: z.number().optional() }) }),
  // the order p of error ∝ h^p: against a step size (`dt`) the log-log slope, against a step count (`nfe`) minus it
  z.strictObject({ order: z.strictObject({ metric: z.string(), series: seriesIndex, axisIs: z.enum(['step size', 'step count']), min: z.number().optional(), max: z.number().optional() }) }),
  z.strictObject({ blowsUp: z.strictObject({ series: seriesIndex }) }),
  z.strictObject({ finite: z.strictObject({ series: seriesIndex }) }),
]);
type CheckSpec = z.infer<typeof checkSchema>;

const samplerFigureSchema = z.strictObject({
  caption: z.string().max(500).optional(),
  sampler: z.strictObject({
    base: z.record(z.string(), z.unknown()),
    axis: axisSchema,
    series: z.array(z.strictObject({ label: z.string().min(1).max(60), set: z.record(z.string(), z.unknown()).default({}) })).min(1).max(6),
    metrics: z.array(z.enum(SAMPLER_FIGURE_METRICS)).min(1),
    checks: z.array(checkSchema).min(1),
  }),
});

const pdeFigureSchema = z.strictObject({
  caption: z.string().max(500).optional(),
  pde: z.strictObject({
    axis: axisSchema.optional(),
    series: z
      .array(
        z.strictObject({
          label: z.string().min(1).max(60),
          preset: z.enum(PDE_PRESETS.map((p) => p.id) as [string, ...string[]]).optional(),
          set: z.record(z.string(), z.unknown()).default({}),
        }),
      )
      .min(1)
      .max(6),
    metrics: z.array(z.enum(Object.keys(PDE_FIGURE_METRICS) as [PdeFigureMetric, ...PdeFigureMetric[]])).min(1),
    checks: z.array(checkSchema).min(1),
  }),
});

const claimFigureSchema = z.strictObject({ caption: z.string().max(500).optional(), claim: z.string() });

// ------------------------------------------------------------------------------------------------ the checks

const fmt = (v: number) => (Number.isFinite(v) ? v.toPrecision(3) : v !== v ? 'never' : String(v));

/** least-squares slope of log(value) against log(axis) over the points where the value is finite and positive */
export function logLogSlope(axis: number[], values: number[]): number {
  const pts = axis.map((x, i) => [Math.log(x), Math.log(values[i])]).filter(([x, y]) => Number.isFinite(x) && Number.isFinite(y));
  if (pts.length < 2) return NaN;
  const mx = pts.reduce((s, [x]) => s + x, 0) / pts.length;
  const my = pts.reduce((s, [, y]) => s + y, 0) / pts.length;
  const sxy = pts.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const sxx = pts.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return sxy / sxx;
}

/** the checks of a figure, evaluated on its measured values (every check names the numbers it compared) */
function evaluateChecks(specs: CheckSpec[], axis: FigureAxis, labels: string[], metricLabel: (m: string) => string, values: FigureValues): ClaimCheck[] {
  const at = (x: number) => axis.values.indexOf(x);
  const where = (x: number) => (axis.values.length > 1 ? `${axis.label} ${x}: ` : '');
  return specs.flatMap((spec): ClaimCheck[] => {
    if ('below' in spec) {
      const { metric, a, b } = spec.below;
      return (spec.below.at ?? axis.values).map((x) => {
        const [va, vb] = [values[a][at(x)][metric], values[b][at(x)][metric]];
        return { text: `${where(x)}${labels[a]} ${fmt(va)} < ${labels[b]} ${fmt(vb)} (${metricLabel(metric)})`, holds: va < vb };
      });
    }
    if ('optimum' in spec) {
      const { metric, series } = spec.optimum;
      const v = values[series].map((row) => row[metric]);
      const best = v.reduce((arg, value, i) => (value < v[arg] ? i : arg), 0);
      const [first, last] = [v[0], v[v.length - 1]];
      // a clear dip: both ends at least a fifth of their own size above the optimum (not noise on a flat curve)
      const clear = (end: number) => end - v[best] >= 0.2 * Math.abs(end);
      return [
        {
          text: `${labels[series]}: optimum at ${axis.label} = ${axis.values[best]} (${fmt(v[best])}), ends ${fmt(first)} and ${fmt(last)} (${metricLabel(metric)})`,
          holds: best > 0 && best < v.length - 1 && clear(first) && clear(last),
        },
      ];
    }
    if ('bound' in spec) {
      const { metric, series, min, max } = spec.bound;
      return (spec.bound.at ?? axis.values).map((x) => {
        const v = values[series][at(x)][metric];
        const range = [min !== undefined ? `≥ ${min}` : '', max !== undefined ? `≤ ${max}` : ''].filter(Boolean).join(' and ');
        return { text: `${where(x)}${labels[series]}: ${metricLabel(metric)} ${fmt(v)} ${range}`, holds: Number.isFinite(v) && (min === undefined || v >= min) && (max === undefined || v <= max) };
      });
    }
    if ('order' in spec) {
      const { metric, series, min, max, axisIs } = spec.order;
      const slope = logLogSlope(axis.values, values[series].map((row) => row[metric]));
      const order = axisIs === 'step size' ? slope : -slope;
      const range = [min !== undefined ? `≥ ${min}` : '', max !== undefined ? `≤ ${max}` : ''].filter(Boolean).join(' and ');
      return [{ text: `${labels[series]}: measured order ${fmt(order)} ${range} (from the log-log slope of ${metricLabel(metric)} against ${axis.label})`, holds: Number.isFinite(order) && (min === undefined || order >= min) && (max === undefined || order <= max) }];
    }
    if ('blowsUp' in spec) {
      const s = spec.blowsUp.series;
      return axis.values.map((x, i) => ({ text: `${where(x)}${labels[s]} blows up (non-finite at t = ${fmt(values[s][i].blowUp)})`, holds: Number.isFinite(values[s][i].blowUp) }));
    }
    const s = spec.finite.series;
    return axis.values.map((x, i) => ({ text: `${where(x)}${labels[s]} stays finite to the end (blow-up: ${fmt(values[s][i].blowUp)})`, holds: !Number.isFinite(values[s][i].blowUp) }));
  });
}

/** a check that names a series, metric or axis value the figure does not have: the message names it */
function checkProblems(specs: CheckSpec[], seriesCount: number, metrics: readonly string[], axis: FigureAxis): string[] {
  const problems: string[] = [];
  specs.forEach((spec, i) => {
    const [kind, body] = Object.entries(spec)[0] as [string, Record<string, unknown>];
    const field = `checks.${i}.${kind}`;
    for (const key of ['a', 'b', 'series'] as const) {
      const v = body[key];
      if (typeof v === 'number' && v >= seriesCount) problems.push(`${field}.${key}: got ${v}; the figure has series 0 … ${seriesCount - 1}`);
    }
    if (kind === 'blowsUp' || kind === 'finite') {
      // every PDE run records when it blew up; a sampler run cannot
      if (!metrics.includes('blowUp')) problems.push(`${field}: only PDE figures have blow-ups`);
    } else if (!metrics.includes(body.metric as string)) problems.push(`${field}.metric: got ${JSON.stringify(body.metric)}; the figure measures ${metrics.join(', ')}`);
    for (const x of (body.at as number[] | undefined) ?? []) if (!axis.values.includes(x)) problems.push(`${field}.at: got ${x}; the axis has ${axis.values.join(', ')}`);
    if (kind === 'optimum' && axis.values.length < 3) problems.push(`${field}: an interior optimum needs at least 3 axis values`);
    if (kind === 'order' && axis.values.length < 2) problems.push(`${field}: an order needs at least 2 axis values`);
  });
  return problems;
}

// ------------------------------------------------------------------------------------------------ the figures

/** what a sampler figure's specs start from: the sampler lab's default process, target, solver, grid and NFE */
const SAMPLER_BASE = (({ version, kind, process, target, solver, schedule, nfe }) => ({ version, kind, process, target, solver, schedule, nfe }))(DEFAULT_SPEC);

/** Validate and compile one figure block; throws LessonError naming the figure, the field and the value. */
function compileFigure(input: unknown, lesson: { id: string; title: string; claim: string; source: string }, index: number): LessonFigure {
  const fail = (problems: string[]): never => {
    throw new LessonError(problems.join('\n'));
  };
  if (input === null || typeof input !== 'object' || Array.isArray(input)) fail([`a figure is a JSON object with one of "claim", "sampler" or "pde"`]);
  const object = input as Record<string, unknown>;
  if ('claim' in object) {
    const parsed = claimFigureSchema.safeParse(input);
    if (!parsed.success) fail(formatZodError(parsed.error, input));
    const { claim, caption } = parsed.data!;
    if (!CLAIMS.some((c) => c.id === claim)) fail([`claim: got ${JSON.stringify(claim)}; allowed: ${CLAIMS.map((c) => c.id).join(', ')}`]);
    return { kind: 'sampler', caption, claim: findClaim(claim) };
  }
  if ('sampler' in object) {
    const parsed = samplerFigureSchema.safeParse(input);
    if (!parsed.success) fail(formatZodError(parsed.error, input));
    const { sampler, caption } = parsed.data!;
    const axis = sampler.axis;
    const labels = sampler.series.map((s) => s.label);
    const problems = checkProblems(sampler.checks, labels.length, sampler.metrics, axis);
    // every spec of the figure, validated now (a typo fails on load, not after minutes of running)
    const specs: SampleSpec[][] = sampler.series.map((series, s) =>
      axis.values.map((x) => {
        try {
          return parseSpec(withField({ ...SAMPLER_BASE, ...sampler.base, ...series.set }, axis.path, x));
        } catch (error) {
          problems.push(...(error instanceof SpecError ? error.problems : [(error as Error).message]).map((p) => `sampler.series.${s} (${series.label}) at ${axis.path} = ${x}: ${p}`));
          return null as unknown as SampleSpec;
        }
      }),
    );
    const nearest = sampler.metrics.includes('nearest') ? specs.map((row) => row[0]?.target).find((t) => t?.type === 'points') : undefined;
    if (sampler.metrics.includes('nearest') && !nearest) problems.push(`sampler.metrics: 'nearest' needs a series whose target is a dataset ({"type":"points", …})`);
    if (problems.length) fail(problems);
    const claim: Claim = {
      id: `${lesson.id}-${index + 1}`,
      title: lesson.title,
      paper: lesson.source,
      source: lesson.source,
      statement: lesson.claim,
      axis: { label: axis.label, values: axis.values, log: axis.log },
      series: sampler.series.map((series, s) => ({ label: series.label, at: (x: number) => specs[s][axis.values.indexOf(x)] })),
      metrics: sampler.metrics,
      ...(nearest?.type === 'points' ? { nearestTo: nearest.points } : {}),
      checks: (values) => evaluateChecks(sampler.checks, axis, labels, (m) => CLAIM_METRIC_LABELS[m as ClaimMetric], values as FigureValues),
    };
    return { kind: 'sampler', caption, claim };
  }
  if ('pde' in object) {
    const parsed = pdeFigureSchema.safeParse(input);
    if (!parsed.success) fail(formatZodError(parsed.error, input));
    const { pde, caption } = parsed.data!;
    const axis: FigureAxis = pde.axis ?? { label: 'run', values: [0], log: false };
    const labels = pde.series.map((s) => s.label);
    const problems = checkProblems(pde.checks, labels.length, [...pde.metrics, 'blowUp'], axis);
    const specs: PdeSpec[][] = pde.series.map((series, s) =>
      axis.values.map((x) => {
        const base = series.preset ? PDE_PRESETS.find((p) => p.id === series.preset)!.spec : { version: 1, kind: 'pde' };
        try {
          const merged = { ...base, ...series.set };
          return parsePdeSpec(pde.axis ? withField(merged, pde.axis.path, x) : merged);
        } catch (error) {
          problems.push(...(error instanceof SpecError ? error.problems : [(error as Error).message]).map((p) => `pde.series.${s} (${series.label})${pde.axis ? ` at ${pde.axis.path} = ${x}` : ''}: ${p}`));
          return null as unknown as PdeSpec;
        }
      }),
    );
    if (problems.length) fail(problems);
    return {
      kind: 'pde',
      caption,
      pde: {
        axis,
        series: pde.series.map((series, s) => ({ label: series.label, at: (x: number) => specs[s][axis.values.indexOf(x)] })),
        metrics: pde.metrics,
        checks: (values) => evaluateChecks(pde.checks, axis, labels, (m) => PDE_FIGURE_METRICS[m as PdeFigureMetric], values),
      },
    };
  }
  return fail([`a figure needs one of "claim", "sampler" or "pde"; got the field(s) ${Object.keys(object).map((k) => JSON.stringify(k)).join(', ') || 'none'}`]);
}

// ------------------------------------------------------------------------------------------------ the file

const FENCE = /^```\s*stepscope\s*$/;

/**
 * Parse a lesson file. Throws LessonError with `fileName:line: what is wrong` (the field, the value, what is allowed).
 * Blocks alternate between Markdown text and figures, in file order.
 */
export function parseLesson(text: string, fileName = 'lesson.md'): Lesson {
  const lines = text.replace(/\r\n?/g, '\n').split('\n');
  const at = (line: number, message: string) => new LessonError(`${fileName}:${line}: ${message}`);
  if (lines[0]?.trim() !== '---') throw at(1, 'a lesson starts with a front matter: a line "---", then id, title, claim and source, then "---"');
  const end = lines.findIndex((line, i) => i > 0 && line.trim() === '---');
  if (end < 0) throw at(1, 'the front matter has no closing "---" line');
  let meta: unknown;
  try {
    meta = parseYaml(lines.slice(1, end).join('\n'));
  } catch (error) {
    const line = error instanceof YAMLParseError && error.linePos ? error.linePos[0].line + 1 : 2;
    throw at(line, `front matter: ${(error as Error).message.split('\n')[0]}`);
  }
  const front = frontMatterSchema.safeParse(meta ?? {});
  if (!front.success) throw at(2, `front matter: ${formatZodError(front.error, meta).join('; ')}`);
  const lesson = front.data;

  const blocks: LessonBlock[] = [];
  const figures: LessonFigure[] = [];
  let textStart = end + 1;
  const pushText = (from: number, to: number) => {
    const markdown = lines.slice(from, to).join('\n').trim();
    if (markdown) blocks.push({ type: 'text', markdown });
  };
  for (let i = end + 1; i < lines.length; i++) {
    if (!FENCE.test(lines[i])) continue;
    const close = lines.findIndex((line, j) => j > i && line.trim() === '```');
    if (close < 0) throw at(i + 1, 'a ```stepscope block is never closed with ```');
    pushText(textStart, i);
    const source = lines.slice(i + 1, close).join('\n');
    let json: unknown;
    try {
      json = JSON.parse(source);
    } catch (error) {
      throw at(i + 2, `figure ${figures.length + 1}: not valid JSON (${(error as Error).message})`);
    }
    try {
      figures.push(compileFigure(json, lesson, figures.length));
    } catch (error) {
      if (error instanceof LessonError) throw at(i + 2, `figure ${figures.length + 1}: ${error.message.replace(/\n/g, '\n  ')}`);
      throw error;
    }
    blocks.push({ type: 'figure', figure: figures.length - 1 });
    textStart = close + 1;
    i = close;
  }
  pushText(textStart, lines.length);
  if (figures.length === 0) throw at(end + 2, 'a lesson needs at least one ```stepscope figure whose numbers prove its claim');
  return { ...lesson, blocks, figures };
}
