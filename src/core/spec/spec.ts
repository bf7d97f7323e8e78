// One experiment spec (DESIGN §3): the UI store, the URL and the CLI all read and write this schema.
// Validated with zod; every error names the field, the value and what is allowed.

import { z } from 'zod';
import { GLYPH_COUNT, GLYPH_DEFAULTS } from '../sampling/glyphs.ts';
import { TARGET_PRESETS } from '../sampling/presets.ts';
import { BETA_RANGE_DEFAULTS, BETA_SCHEDULES, PROCESS_DEFAULTS, createProcess } from '../sampling/process.ts';
import { SCHEDULE_DEFAULTS, checkSchedule } from '../sampling/schedules.ts';
import { solverSchema } from './solverSchema.ts';
import { BOSS_LIMITS, BOSS_UNSUITED_FAMILIES } from '../sampling/boss.ts';
import { SOLVERS } from '../sampling/solvers.ts';

export const SPEC_VERSION = 1;
/** largest particle count one run may ask for */
export const MAX_PARTICLES = 1 << 20;
/** largest dimension of a mixture target with full (non-diagonal) covariances: the eigen-form WGSL denoiser's private-array size */
export const MAX_DIM = 16;
/**
 * largest dimension of a target whose covariances are all diagonal (or zero: `points`): the diagonal GPU denoiser
 * (shaders/sampler/gmm_diag.wgsl) has no private arrays, and the limit is the RNG's 2·RNG_BLOCKS_PER_STEP = 2048
 * normals per (particle, step, stream) that the noise and combine kernels draw (src/core/util/rng.ts).
 */
export const MAX_DIAGONAL_DIM = 2048;
export const MAX_COMPONENTS = 256;
export const MAX_STEPS = 2000;

const finite = () => z.number().refine(Number.isFinite, { message: 'must be a finite number' });

// ------------------------------------------------------------------ noise process (specs §2; process.ts)

const vpDiscreteSchema = z
  .object({
    type: z.literal('vp-discrete'),
    /** diffusers' beta_schedule names (specs §2.3) */
    betaSchedule: z.enum(BETA_SCHEDULES).default(PROCESS_DEFAULTS['vp-discrete'].betaSchedule),
    /** linear / scaled_linear only; defaults 1e−4, 0.02 (linear) and 0.00085, 0.012 (scaled_linear, Stable Diffusion) */
    betaStart: finite().pipe(z.number().gt(0).lt(1)).optional(),
    betaEnd: finite().pipe(z.number().gt(0).lt(1)).optional(),
    numTimesteps: z.number().int().min(2).max(10000).default(PROCESS_DEFAULTS['vp-discrete'].numTimesteps),
    /** DPM-Solver's λ-clip: trailing levels with λ below it are dropped (specs §2.3, §19.5) */
    lambdaClip: finite().pipe(z.number().min(-50).max(0)).default(PROCESS_DEFAULTS['vp-discrete'].lambdaClip),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.betaSchedule === 'squaredcos_cap_v2') {
      for (const key of ['betaStart', 'betaEnd'] as const)
        if (p[key] !== undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'not used by betaSchedule squaredcos_cap_v2 (its betas come from the cosine ᾱ); leave it out' });
      if (p.betaStart !== undefined || p.betaEnd !== undefined) return;
    }
    try {
      createProcess(p);
    } catch (error) {
      ctx.addIssue({ code: 'custom', path: ['lambdaClip'], message: (error as Error).message });
    }
  })
  .transform((p) => (p.betaSchedule === 'squaredcos_cap_v2' ? p : { ...p, ...BETA_RANGE_DEFAULTS[p.betaSchedule], ...definedOnly({ betaStart: p.betaStart, betaEnd: p.betaEnd }) }));

function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

export const processSchema = z.discriminatedUnion('type', [
  z
    .object({
      type: z.literal('vp-linear'),
      beta0: finite().pipe(z.number().positive()).default(PROCESS_DEFAULTS['vp-linear'].beta0),
      beta1: finite().pipe(z.number().positive()).default(PROCESS_DEFAULTS['vp-linear'].beta1),
    })
    .strict()
    .refine((p) => p.beta1 > p.beta0, { message: 'beta1 must be greater than beta0', path: ['beta1'] }),
  /** s = 0.008 and T = 0.9946 are fixed by the official code (specs §2.2) */
  z.object({ type: z.literal('vp-cosine') }).strict(),
  vpDiscreteSchema,
  /** α = 1, σ = t; [sigmaMin, sigmaMax] is the allowed time range (specs §2.4) */
  z
    .object({
      type: z.literal('edm'),
      sigmaMin: finite().pipe(z.number().positive()).default(PROCESS_DEFAULTS.edm.sigmaMin),
      sigmaMax: finite().pipe(z.number().positive().max(1e5)).default(PROCESS_DEFAULTS.edm.sigmaMax),
    })
    .strict()
    .refine((p) => p.sigmaMax > p.sigmaMin, { message: 'sigmaMax must be greater than sigmaMin', path: ['sigmaMax'] }),
  /** linear path x_t = (1 − t)·x0 + t·ε, t = 1 noise (specs §1, §13; RF/Lumina time t_fm = 1 − t) */
  z.object({ type: z.literal('flow') }).strict(),
]);

const gmmSchema = z
  .object({
    type: z.literal('gmm'),
    weights: z.array(finite().pipe(z.number().positive())).min(1).max(MAX_COMPONENTS),
    means: z.array(z.array(finite()).min(1).max(MAX_DIAGONAL_DIM)).min(1).max(MAX_COMPONENTS),
    covs: z.array(z.array(z.array(finite()))).min(1).max(MAX_COMPONENTS),
  })
  .strict()
  .superRefine((g, ctx) => {
    const k = g.weights.length;
    const d = g.means[0]?.length ?? 0;
    // above MAX_DIM only diagonal covariances have a GPU denoiser (the eigen form needs d-sized private arrays)
    if (d > MAX_DIM) {
      const full = g.covs.findIndex((c) => Array.isArray(c) && c.some((row, a) => Array.isArray(row) && row.some((v, b) => a !== b && v !== 0)));
      if (full >= 0) {
        ctx.addIssue({ code: 'custom', path: ['covs', full], message: `has off-diagonal entries; full covariances allow dimension ≤ ${MAX_DIM} (got ${d}); diagonal covariances allow ≤ ${MAX_DIAGONAL_DIM}` });
        return;
      }
    }
    if (g.means.length !== k) ctx.addIssue({ code: 'custom', path: ['means'], message: `needs ${k} means (one per weight), got ${g.means.length}` });
    if (g.covs.length !== k) ctx.addIssue({ code: 'custom', path: ['covs'], message: `needs ${k} covariance matrices (one per weight), got ${g.covs.length}` });
    g.means.forEach((m, i) => {
      if (m.length !== d) ctx.addIssue({ code: 'custom', path: ['means', i], message: `has dimension ${m.length}, expected ${d} like means[0]` });
    });
    g.covs.forEach((c, i) => {
      if (c.length !== d || c.some((row) => row.length !== d)) {
        ctx.addIssue({ code: 'custom', path: ['covs', i], message: `must be a ${d}×${d} matrix` });
        return;
      }
      for (let a = 0; a < d; a++)
        for (let b = 0; b < a; b++)
          if (Math.abs(c[a][b] - c[b][a]) > 1e-9 * (Math.abs(c[a][b]) + Math.abs(c[b][a]) + 1e-300))
            ctx.addIssue({ code: 'custom', path: ['covs', i], message: `must be symmetric (entry [${a}][${b}] ≠ [${b}][${a}])` });
      // positive semi-definite via Cholesky with a small tolerance
      if (!isPositiveSemiDefinite(c)) ctx.addIssue({ code: 'custom', path: ['covs', i], message: 'must be positive semi-definite' });
    });
  });

function isPositiveSemiDefinite(c: number[][]): boolean {
  const d = c.length;
  const scale = Math.max(...c.map((row, i) => Math.abs(row[i])), 1e-300);
  const L = Array.from({ length: d }, () => new Array<number>(d).fill(0));
  for (let i = 0; i < d; i++) {
    for (let j = 0; j <= i; j++) {
      let s = c[i][j];
      for (let k = 0; k < j; k++) s -= L[i][k] * L[j][k];
      if (i === j) {
        if (s < -1e-10 * scale) return false;
        L[i][i] = Math.sqrt(Math.max(s, 0));
      } else L[i][j] = L[j][j] > 1e-150 ? s / L[j][j] : 0;
    }
  }
  return true;
}

/** A finite dataset: its exact optimal denoiser is the mixture of point masses (specs §15.3), which memorises. */
const pointsSchema = z
  .object({
    type: z.literal('points'),
    points: z.array(z.array(finite()).min(1).max(MAX_DIAGONAL_DIM)).min(1).max(MAX_COMPONENTS),
  })
  .strict()
  .superRefine((t, ctx) => {
    const d = t.points[0]?.length ?? 0;
    t.points.forEach((point, i) => {
      if (point.length !== d) ctx.addIssue({ code: 'custom', path: ['points', i], message: `has dimension ${point.length}, expected ${d} like points[0]` });
    });
  });

/**
 * glyphs16 (src/core/sampling/glyphs.ts): 256-D mixture of 16×16 digit images with diagonal covariances, the
 * image target of specs §17.2/§17.3b; its samples are scored with FD-RF and FD-pix.
 */
const glyphsSchema = z
  .object({
    type: z.literal('glyphs16'),
    /** digits 0 … components − 1, equal weights */
    components: z.number().int().min(1).max(GLYPH_COUNT).default(GLYPH_DEFAULTS.components),
    /** per-pixel standard deviation scale: background pixels 0.5×, full-ink pixels 1.5× */
    pixelStd: finite().pipe(z.number().gt(0).max(2)).default(GLYPH_DEFAULTS.pixelStd),
  })
  .strict();

export const targetSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('preset'), name: z.enum(TARGET_PRESETS) }).strict(),
  glyphsSchema,
  gmmSchema,
  pointsSchema,
]);

/**
 * The model the solver evaluates: the target's exact denoiser (`exact`, the default when left out) or a trained MLP
 * (`mlp`, a model file: core/spec/modelFile.ts; the CLI resolves `file` relative to the spec file). The metrics
 * always compare against the exact target.
 */
export const modelRefSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('exact') }).strict(),
  z.object({ type: z.literal('mlp'), file: z.string().min(1) }).strict(),
]);

// ------------------------------------------------------------------ time grid (specs §3; schedules.ts)

const D = SCHEDULE_DEFAULTS;
/** end the grid at σ = 0 after tEnd, as k-diffusion / EDM / diffusers' flow schedulers do */
const appendZero = () => z.boolean().default(true);
const rangeNumber = (min: number, max: number, open: 'min' | 'none' = 'min') => finite().pipe(open === 'min' ? z.number().gt(min).max(max) : z.number().min(min).max(max));

export const scheduleSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('time-uniform') }).strict(),
  z.object({ type: z.literal('logsnr') }).strict(),
  z.object({ type: z.literal('time-quadratic') }).strict(),
  z.object({ type: z.literal('karras'), rho: rangeNumber(0, 100).default(D.karras.rho), appendZero: appendZero() }).strict(),
  z.object({ type: z.literal('exponential'), appendZero: appendZero() }).strict(),
  z.object({ type: z.literal('polyexponential'), rho: rangeNumber(0, 100).default(D.polyexponential.rho), appendZero: appendZero() }).strict(),
  z.object({ type: z.literal('edm-vp'), epsilonS: finite().pipe(z.number().gt(0).lt(1)).default(D['edm-vp'].epsilonS), appendZero: appendZero() }).strict(),
  z.object({ type: z.literal('edm-ve'), appendZero: appendZero() }).strict(),
  z
    .object({
      type: z.literal('iddpm'),
      M: z.number().int().min(2).max(100000).default(D.iddpm.M),
      C1: rangeNumber(0, 1).default(D.iddpm.C1),
      C2: finite().pipe(z.number().min(0).lt(1)).default(D.iddpm.C2),
      appendZero: appendZero(),
    })
    .strict(),
  z.object({ type: z.literal('deis-t'), kappa: rangeNumber(0, 20).default(D['deis-t'].kappa) }).strict(),
  z.object({ type: z.literal('shift'), s: rangeNumber(0, 100).default(D.shift.s), appendZero: appendZero() }).strict(),
  z.object({ type: z.literal('flux-shift'), mu: rangeNumber(-10, 10, 'none').default(D['flux-shift'].mu), appendZero: appendZero() }).strict(),
  z
    .object({
      type: z.literal('sigmoid'),
      a: rangeNumber(0.001, 50, 'none').default(D.sigmoid.a).describe('steepness a > 0 of the sigmoid spacing (dense at both ends)'),
    })
    .strict()
    .describe("Stepscope's own sigmoid-spaced grid (specs §3.7), NOT Lumina-Next's sigmoid schedule, whose formula is unpublished"),
  z
    .object({
      type: z.literal('boss'),
      kMax: z.number().int().min(BOSS_LIMITS.kMax.min).max(BOSS_LIMITS.kMax.max).default(D.boss.kMax),
      samples: z.number().int().min(BOSS_LIMITS.samples.min).max(BOSS_LIMITS.samples.max).default(D.boss.samples),
      /** the solver of the teacher run and of the one-jump costs (default: the spec's solver) */
      solver: solverSchema.optional(),
    })
    .strict()
    .refine((s) => s.solver === undefined || !(BOSS_UNSUITED_FAMILIES as readonly string[]).includes(SOLVERS[s.solver.name].family), {
      message: 'must be a deterministic fixed-grid solver (not adaptive, pc, ancestral, SDE or ddpm), e.g. {"name":"flow-euler"}',
      path: ['solver'],
    })
    .describe('Bellman optimal step sizes (BOSS, specs §14): the K-step grid minimising the summed one-jump error against a kMax-step teacher'),
  z
    .object({ type: z.literal('custom'), times: z.array(finite()).min(2).max(MAX_STEPS + 1) })
    .strict()
    .refine((s) => s.times.every((t, i) => i === 0 || t < s.times[i - 1]), {
      message: 'times must be strictly decreasing (from noise to data)',
      path: ['times'],
    }),
]);

// ------------------------------------------------------------------ tStart / tEnd (process-dependent)

/** the spec's process, or undefined when its parameters are refused (reported on the process fields) */
function processOrUndefined(spec: Parameters<typeof createProcess>[0]) {
  try {
    return createProcess(spec);
  } catch {
    return undefined;
  }
}

/** how a number appears in a message */
const num = (x: number) => String(x);

/**
 * tStart and tEnd against the process's range [tMin, tMax] (process.ts): tMin < tStart ≤ tMax, tMin ≤ tEnd < tStart.
 * A field left out takes the process's default (vp-linear 1 → 1e−3, vp-cosine 0.9946 → 1e−3, vp-discrete 1 → 1/N',
 * edm σ_max → σ_min, flow 1 − 1e−3 → 1e−3). Returns the resolved pair and whether it is usable.
 */
function checkTimeRange(
  s: { process: Parameters<typeof createProcess>[0]; tStart?: number; tEnd?: number },
  ctx: z.RefinementCtx,
): { tStart: number; tEnd: number; ok: boolean } {
  // an invalid process has its own issue already (zod runs this refinement after failed field refinements)
  const p = processSchema.safeParse(s.process).success ? processOrUndefined(s.process) : undefined;
  if (p === undefined) return { tStart: NaN, tEnd: NaN, ok: false };
  const tStart = s.tStart ?? p.defaultTStart;
  const tEnd = s.tEnd ?? p.defaultTEnd;
  const where = `allowed for process ${p.type}`;
  let ok = true;
  const problem = (field: 'tStart' | 'tEnd', message: string) => {
    ctx.addIssue({ code: 'custom', path: [field], message });
    ok = false;
  };
  const startInRange = tStart > p.tMin && tStart <= p.tMax;
  if (!startInRange) problem('tStart', `${where}: ${num(p.tMin)} < tStart ≤ ${num(p.tMax)}`);
  if (s.tEnd !== undefined) {
    if (startInRange && tEnd >= tStart) problem('tEnd', `must be less than tStart (${num(tStart)})`);
    else if (!(tEnd >= p.tMin && tEnd < p.tMax)) problem('tEnd', `${where}: ${num(p.tMin)} ≤ tEnd < ${num(p.tMax)}`);
  } else if (startInRange && tEnd >= tStart) problem('tStart', `must be greater than tEnd (${num(tEnd)}, the default for process ${p.type})`);
  return { tStart, tEnd, ok };
}

/** most configurations a spec compares besides its own (issue #11: up to 6 shown, the spec's own first) */
export const MAX_COMPARE = 5;

/**
 * One compared configuration (issue #11): a solver with its options and, optionally, its own time grid; a grid left
 * out is the spec's own (and follows it when it changes). Everything else (process, target, budget, n, seed) is the
 * spec's, so all configurations start from the same x_T and are scored against the same references.
 */
export const compareEntrySchema = z.object({ solver: solverSchema, schedule: scheduleSchema.optional() }).strict();

/** JSON with sorted keys: two configurations are the same when their canonical forms are */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}

type ScheduleInput = z.output<typeof scheduleSchema>;

/**
 * The checks that tie a solver and its grid to the rest of the spec (process range, step budget, BOSS anchors,
 * custom times), for the spec's own pair (`at` = []) and for each compared one (`at` = ['compare', i]), so a
 * compared configuration is refused with the primary's message under its own path (`compare.1.schedule.type`).
 */
function checkGrid(
  s: { process: Parameters<typeof createProcess>[0]; steps?: number; nfe?: number },
  schedule: ScheduleInput,
  range: { tStart: number; tEnd: number; ok: boolean },
  at: (string | number)[],
  ctx: z.RefinementCtx,
): void {
  const { tStart, tEnd, ok } = range;
  if (ok && schedule.type !== 'custom' && scheduleSchema.safeParse(schedule).success) {
    // steps-independent failures always; the step count's only when given (with nfe the solver decides it) and
    // valid: refinements run even when a field's own range check failed, and a grid of 1e308 steps is no check
    const steps = s.steps !== undefined && Number.isInteger(s.steps) && s.steps >= 1 && s.steps <= MAX_STEPS ? s.steps : undefined;
    const why = checkSchedule(schedule, createProcess(s.process), tStart, tEnd, steps);
    if (why !== undefined) ctx.addIssue({ code: 'custom', path: [...at, 'schedule', 'type'], message: why });
  }
  // a boss grid of K steps picks K + 1 of its kMax + 1 anchors; no solver takes more steps than its NFE
  if (schedule.type === 'boss' && s.nfe !== undefined && s.nfe > schedule.kMax)
    ctx.addIssue({ code: 'custom', path: [...at, 'schedule', 'kMax'], message: `must be at least nfe (${s.nfe}): a boss grid picks its steps among kMax + 1 anchors` });
  if (s.steps === undefined && s.nfe === undefined && schedule.type !== 'custom')
    ctx.addIssue({
      code: 'custom',
      path: at.length ? [...at, 'schedule', 'type'] : ['steps'],
      message: at.length ? "needs the spec's steps or nfe (the spec gives neither: its custom grid fixes its own)" : 'give either steps or nfe',
    });
  if (schedule.type === 'custom') {
    const times = schedule.times;
    if (Math.abs(times[0] - tStart) > 1e-12 || Math.abs(times[times.length - 1] - tEnd) > 1e-12)
      ctx.addIssue({ code: 'custom', path: [...at, 'schedule', 'times'], message: `must run from tStart (${tStart}) to tEnd (${tEnd})` });
    const steps = s.steps ?? s.nfe;
    if (steps !== undefined && steps !== times.length - 1)
      ctx.addIssue({
        code: 'custom',
        path: at.length ? [...at, 'schedule', 'times'] : [s.steps !== undefined ? 'steps' : 'nfe'],
        message: at.length ? `needs ${steps} intervals (the spec's ${s.steps !== undefined ? 'steps' : 'nfe'}), got ${times.length - 1}` : `must equal the number of custom intervals (${times.length - 1})`,
      });
  }
}

export const sampleSpecSchema = z
  .object({
    version: z.literal(SPEC_VERSION),
    kind: z.literal('sample'),
    process: processSchema,
    target: targetSchema,
    model: modelRefSchema.optional(),
    solver: solverSchema,
    schedule: scheduleSchema,
    steps: z.number().int().min(1).max(MAX_STEPS).optional(),
    nfe: z.number().int().min(1).max(MAX_STEPS).optional(),
    /** where sampling starts (noise); default and allowed range depend on the process: tMin < tStart ≤ tMax */
    tStart: finite().optional(),
    /** where sampling ends (data, or the last positive time of a grid that ends at σ = 0): tMin ≤ tEnd < tStart */
    tEnd: finite().optional(),
    n: z.number().int().min(2).max(MAX_PARTICLES).default(4096),
    seed: z.number().int().min(0).max(0xffffffff).default(0),
    /** configurations compared with the spec's own (issue #11); left out: none (the page shows its default pair) */
    compare: z.array(compareEntrySchema).max(MAX_COMPARE).optional(),
  })
  .strict()
  .superRefine((s, ctx) => {
    const range = checkTimeRange(s, ctx);
    checkGrid(s, s.schedule, range, [], ctx);
    if (s.steps !== undefined && s.nfe !== undefined) ctx.addIssue({ code: 'custom', path: ['nfe'], message: 'give either steps or nfe, not both' });
    // each compared configuration against the spec's budget and range, and against the others: a configuration
    // that repeats one before it (the spec's own included) would draw the same curve twice under two colours
    const seen = [canonical({ solver: s.solver, schedule: s.schedule })];
    // (refinements also run when a field failed its own check: an entry that did not parse has its own issue)
    (Array.isArray(s.compare) ? s.compare : []).forEach((entry, i) => {
      if (!compareEntrySchema.safeParse(entry).success) return;
      const schedule = entry.schedule ?? s.schedule;
      checkGrid(s, schedule, range, ['compare', i], ctx);
      const key = canonical({ solver: entry.solver, schedule });
      const same = seen.indexOf(key);
      if (same >= 0)
        ctx.addIssue({
          code: 'custom',
          path: ['compare', i],
          message: `the same solver, options and schedule as ${same === 0 ? "the spec's own (solver, schedule)" : `compare.${same - 1}`}; a compared configuration must differ in one of them`,
        });
      seen.push(key);
    });
  })
  .transform((s) => {
    // reached only when every check passed, so the process is valid here
    const p = createProcess(s.process);
    return { ...s, tStart: s.tStart ?? p.defaultTStart, tEnd: s.tEnd ?? p.defaultTEnd };
  });

export type SampleSpec = z.infer<typeof sampleSpecSchema>;
export type CompareEntry = z.infer<typeof compareEntrySchema>;

/**
 * The spec of each configuration a spec compares: its own first (as the spec without `compare`), then one per
 * `compare` entry (that solver, that schedule or the spec's, everything else the spec's). `compare` overrides the
 * spec's list (the page passes its default pair when the spec has none). The one place that says what a compared
 * configuration runs: the CLI, the page's live runs, sweeps and views all go through it.
 */
export function configurationSpecs(spec: SampleSpec, compare: readonly CompareEntry[] = spec.compare ?? []): SampleSpec[] {
  const { compare: _compare, ...own } = spec;
  return [own, ...compare.map((entry) => ({ ...own, solver: entry.solver, schedule: entry.schedule ?? own.schedule }))];
}
export type SampleSpecInput = z.input<typeof sampleSpecSchema>;

export const DEFAULT_SPEC: SampleSpec = {
  version: 1,
  kind: 'sample',
  process: { type: 'vp-linear', beta0: 0.1, beta1: 20 },
  target: { type: 'preset', name: 'ring8' },
  solver: { name: 'dpmpp-2m' },
  schedule: { type: 'logsnr' },
  nfe: 10,
  tStart: 1,
  tEnd: 1e-3,
  n: 4096,
  seed: 0,
};

/** A validation failure: one line per problem, each naming the field, the value and what is allowed. */
export class SpecError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join('\n'));
    this.name = 'SpecError';
  }
}

function valueAt(input: unknown, path: PropertyKey[]): unknown {
  let v: unknown = input;
  for (const key of path) {
    if (v === null || typeof v !== 'object') return undefined;
    v = (v as Record<PropertyKey, unknown>)[key];
  }
  return v;
}

function describe(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value);
  return text === undefined ? String(value) : text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

export function formatZodError(error: z.ZodError, input: unknown, prefix = ''): string[] {
  return error.issues.map((issue) => {
    const field = prefix + (issue.path.length ? issue.path.map(String).join('.') : '(spec)');
    const value = describe(valueAt(input, issue.path));
    let allowed = issue.message;
    if (issue.code === 'invalid_value' && 'values' in issue) allowed = `allowed: ${(issue.values as unknown[]).map((x) => JSON.stringify(x)).join(', ')}`;
    if (issue.code === 'unrecognized_keys') return `${field}: unknown field(s) ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
    if (issue.code === 'invalid_union' && 'discriminator' in issue) {
      return `${field}: got ${value}; ${issue.message}`;
    }
    return `${field}: got ${value}; ${allowed}`;
  });
}

/** Parse and validate a target on its own (a mixture or dataset file); problems are named `target.…`. Throws SpecError. */
export function parseTarget(input: unknown): SampleSpec['target'] {
  const result = targetSchema.safeParse(input);
  if (!result.success) throw new SpecError(formatZodError(result.error, input, 'target.').map((p) => p.replace(/^target\.\(spec\)/, 'target')));
  return result.data;
}

/** Parse and validate a spec (defaults filled in); throws SpecError. */
export function parseSpec(input: unknown): SampleSpec {
  const result = sampleSpecSchema.safeParse(input);
  if (!result.success) throw new SpecError(formatZodError(result.error, input));
  return result.data;
}
