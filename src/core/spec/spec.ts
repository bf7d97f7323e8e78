// One experiment spec (DESIGN §3): the UI store, the URL and the CLI all read and write this schema.
// Validated with zod; every error names the field, the value and what is allowed.

import { z } from 'zod';
import { TARGET_PRESETS } from '../sampling/presets.ts';
import { SOLVER_NAMES } from '../sampling/solvers.ts';

export const SPEC_VERSION = 1;
/** largest particle count one run may ask for */
export const MAX_PARTICLES = 1 << 20;
/** largest dimension of a mixture target (the WGSL denoiser's private-array size) */
export const MAX_DIM = 16;
export const MAX_COMPONENTS = 256;
export const MAX_STEPS = 2000;

const finite = () => z.number().refine(Number.isFinite, { message: 'must be a finite number' });

const processSchema = z
  .object({
    type: z.literal('vp-linear'),
    beta0: finite().pipe(z.number().positive()).default(0.1),
    beta1: finite().pipe(z.number().positive()).default(20),
  })
  .strict()
  .refine((p) => p.beta1 > p.beta0, { message: 'beta1 must be greater than beta0', path: ['beta1'] });

const gmmSchema = z
  .object({
    type: z.literal('gmm'),
    weights: z.array(finite().pipe(z.number().positive())).min(1).max(MAX_COMPONENTS),
    means: z.array(z.array(finite()).min(1).max(MAX_DIM)).min(1).max(MAX_COMPONENTS),
    covs: z.array(z.array(z.array(finite()))).min(1).max(MAX_COMPONENTS),
  })
  .strict()
  .superRefine((g, ctx) => {
    const k = g.weights.length;
    const d = g.means[0]?.length ?? 0;
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

const targetSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('preset'), name: z.enum(TARGET_PRESETS) }).strict(),
  gmmSchema,
]);

const scheduleSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('time-uniform') }).strict(),
  z.object({ type: z.literal('logsnr') }).strict(),
  z.object({ type: z.literal('time-quadratic') }).strict(),
  z
    .object({ type: z.literal('custom'), times: z.array(finite()).min(2).max(MAX_STEPS + 1) })
    .strict()
    .refine((s) => s.times.every((t, i) => i === 0 || t < s.times[i - 1]), {
      message: 'times must be strictly decreasing (from noise to data)',
      path: ['times'],
    }),
]);

export const sampleSpecSchema = z
  .object({
    version: z.literal(SPEC_VERSION),
    kind: z.literal('sample'),
    process: processSchema,
    target: targetSchema,
    solver: z.object({ name: z.enum(SOLVER_NAMES) }).strict(),
    schedule: scheduleSchema,
    steps: z.number().int().min(1).max(MAX_STEPS).optional(),
    nfe: z.number().int().min(1).max(MAX_STEPS).optional(),
    tStart: finite().pipe(z.number().positive().max(1)).default(1),
    tEnd: finite().pipe(z.number().min(1e-5)).default(1e-3),
    n: z.number().int().min(2).max(MAX_PARTICLES).default(4096),
    seed: z.number().int().min(0).max(0xffffffff).default(0),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.tEnd >= s.tStart) ctx.addIssue({ code: 'custom', path: ['tEnd'], message: `must be less than tStart (${s.tStart})` });
    if (s.steps === undefined && s.nfe === undefined && s.schedule.type !== 'custom')
      ctx.addIssue({ code: 'custom', path: ['steps'], message: 'give either steps or nfe' });
    if (s.steps !== undefined && s.nfe !== undefined) ctx.addIssue({ code: 'custom', path: ['nfe'], message: 'give either steps or nfe, not both' });
    if (s.schedule.type === 'custom') {
      const times = s.schedule.times;
      if (Math.abs(times[0] - s.tStart) > 1e-12 || Math.abs(times[times.length - 1] - s.tEnd) > 1e-12)
        ctx.addIssue({ code: 'custom', path: ['schedule', 'times'], message: `must run from tStart (${s.tStart}) to tEnd (${s.tEnd})` });
      const steps = s.steps ?? s.nfe;
      if (steps !== undefined && steps !== times.length - 1)
        ctx.addIssue({ code: 'custom', path: [s.steps !== undefined ? 'steps' : 'nfe'], message: `must equal the number of custom intervals (${times.length - 1})` });
    }
  });

export type SampleSpec = z.infer<typeof sampleSpecSchema>;
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

/** Parse and validate a spec (defaults filled in); throws SpecError. */
export function parseSpec(input: unknown): SampleSpec {
  const result = sampleSpecSchema.safeParse(input);
  if (!result.success) throw new SpecError(formatZodError(result.error, input));
  return result.data;
}
