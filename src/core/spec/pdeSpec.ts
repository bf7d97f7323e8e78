// The PDE run spec (issue #5 "Runs"; DESIGN §3): one schema for the CLI, the PDE lab's store and its URL.
//   {"version":1,"kind":"pde","equation":"kdv","params":{…},"grid":{"n":[256],"length":[60]},
//    "ic":{"type":"preset"}|{"type":"random",…}|{"type":"file"},"stepper":"etdrk4","dt":…,"tEnd":…,"seed":0}
// Left-out grid, dt, tEnd and stepper take the equation's preset values (for the smallest dimension it
// supports, or for the dimension of the given grid). Every problem names the field, the value and what is allowed.

import { z } from 'zod';
import { EQUATIONS, EQUATION_IDS } from '../pde/equations.ts';
import { ExpressionError, parseExpression } from '../pde/expression.ts';
import { isPowerOfTwo } from '../pde/fft.ts';
import { expressionVariables } from '../pde/fields.ts';
import { STEPPERS } from '../pde/steppers.ts';
import type { Equation, Grid } from '../pde/types.ts';
import { SPEC_VERSION, SpecError, formatZodError } from './spec.ts';

/** supported FFT sizes per dimension (the WGSL FFT's range, issue #5): 1D 16 … 65 536, 2D N×N with N = 8 … 1024 */
export const PDE_GRID_SIZES: Record<number, { min: number; max: number }> = { 1: { min: 16, max: 65_536 }, 2: { min: 8, max: 1024 } };
/** longest run in steps (tEnd/dt) */
export const MAX_PDE_STEPS = 10_000_000;

const sizesText = (dims: number) => {
  const { min, max } = PDE_GRID_SIZES[dims];
  const list: number[] = [];
  for (let n = min; n <= max; n *= 2) list.push(n);
  return list.join(', ');
};

const positive = (what: string) => z.number().refine((x) => Number.isFinite(x) && x > 0, { message: `${what} must be a positive finite number` });

const icSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('preset') }).strict(),
  z
    .object({
      type: z.literal('random'),
      /** highest mode number per axis of the truncated Fourier series */
      cutoff: z.number().int().min(1).max(64).default(5),
      /** max |u| of the field */
      amplitude: positive('amplitude').default(1),
    })
    .strict(),
  /** the array given with --init (CLI) or uploaded in the app */
  z.object({ type: z.literal('file') }).strict(),
  /** typed formulas (core/pde/expression.ts): one per channel, or (re, im) per channel for a complex field */
  z.object({ type: z.literal('expression'), expressions: z.array(z.string()).min(1).max(8) }).strict(),
  /** Gaussian blobs on a background (per channel) */
  z
    .object({
      type: z.literal('gaussians'),
      blobs: z
        .array(
          z
            .object({
              center: z.array(z.number().refine(Number.isFinite, { message: 'must be a finite number' })).min(1).max(3),
              width: positive('width'),
              amplitude: z.number().refine(Number.isFinite, { message: 'must be a finite number' }),
              channel: z.number().int().min(0).default(0),
            })
            .strict(),
        )
        .min(1)
        .max(64),
      background: z.array(z.number().refine(Number.isFinite, { message: 'must be a finite number' })).max(8).default([]),
    })
    .strict(),
]);

export const pdeSpecSchema = z
  .object({
    version: z.literal(SPEC_VERSION),
    kind: z.literal('pde'),
    equation: z.enum(EQUATION_IDS as [string, ...string[]]),
    params: z.record(z.string(), z.number().refine(Number.isFinite, { message: 'must be a finite number' })).default({}),
    grid: z
      .object({
        n: z.array(z.number().int()).min(1).max(3),
        length: z.array(positive('length')).min(1).max(3),
      })
      .strict()
      .optional(),
    ic: icSchema.default({ type: 'preset' }),
    stepper: z.enum(STEPPERS).optional(),
    dt: positive('dt').optional(),
    tEnd: positive('tEnd').optional(),
    /** 'real-part' reproduces the dispersive pitfall on purpose (specs/pde.md §3.3, §7.3) */
    coefficients: z.enum(['complex', 'real-part']).default('complex'),
    seed: z.number().int().min(0).max(0xffffffff).default(0),
  })
  .strict()
  .superRefine((s, ctx) => {
    const equation = EQUATIONS[s.equation];
    if (!equation) return; // the enum has its own issue
    const supported = supportedDims(equation);
    for (const [name, value] of Object.entries(s.params)) {
      const spec = Object.hasOwn(equation.params, name) ? equation.params[name] : undefined;
      if (!spec) {
        const names = Object.keys(equation.params);
        ctx.addIssue({ code: 'custom', path: ['params', name], message: `${s.equation} has no parameter '${name}'; allowed: ${names.length ? names.join(', ') : 'none'}` });
      } else if (!(value >= spec.min && value <= spec.max)) {
        ctx.addIssue({ code: 'custom', path: ['params', name], message: `allowed: ${spec.min} ≤ ${name} ≤ ${spec.max} (${spec.description})` });
      }
    }
    if (s.grid) {
      const dims = s.grid.n.length;
      if (s.grid.length.length !== dims) ctx.addIssue({ code: 'custom', path: ['grid', 'length'], message: `needs one length per axis (${dims})` });
      if (!supported.includes(dims)) {
        ctx.addIssue({ code: 'custom', path: ['grid', 'n'], message: `${s.equation} runs in ${supported.join(' or ')}D; got ${dims} axes` });
        return;
      }
      const { min, max } = PDE_GRID_SIZES[dims];
      s.grid.n.forEach((n, axis) => {
        if (!(isPowerOfTwo(n) && n >= min && n <= max))
          ctx.addIssue({ code: 'custom', path: ['grid', 'n', axis], message: `supported sizes in ${dims}D: ${sizesText(dims)}` });
      });
      if (dims === 2 && s.grid.n[0] !== s.grid.n[1]) ctx.addIssue({ code: 'custom', path: ['grid', 'n'], message: '2D grids are N×N: give the same size on both axes' });
    }
    const defaults = resolveDefaults(equation, s.grid?.n.length);
    checkInitialCondition(s.ic, equation, s.grid?.n.length ?? defaults.grid.n.length, ctx);
    const dt = s.dt ?? defaults.dt;
    const tEnd = s.tEnd ?? defaults.tEnd;
    if (dt > 0 && tEnd > 0 && tEnd / dt > MAX_PDE_STEPS) ctx.addIssue({ code: 'custom', path: [s.dt !== undefined ? 'dt' : 'tEnd'], message: `tEnd/dt = ${Math.ceil(tEnd / dt)} steps; allowed: at most ${MAX_PDE_STEPS}` });
  })
  .transform((s) => {
    const equation = EQUATIONS[s.equation];
    const defaults = resolveDefaults(equation, s.grid?.n.length);
    const params: Record<string, number> = {};
    for (const [name, spec] of Object.entries(equation.params)) params[name] = s.params[name] ?? spec.default;
    return {
      ...s,
      params,
      grid: (s.grid ?? defaults.grid) as Grid,
      stepper: s.stepper ?? (defaults.stepper as (typeof STEPPERS)[number]),
      dt: s.dt ?? defaults.dt,
      tEnd: s.tEnd ?? defaults.tEnd,
    };
  });

export type PdeSpec = z.infer<typeof pdeSpecSchema>;
export type PdeSpecInput = z.input<typeof pdeSpecSchema>;

function checkInitialCondition(ic: z.infer<typeof icSchema>, equation: Equation, dims: number, ctx: z.RefinementCtx): void {
  const channels = equation.channels.length;
  if (ic.type === 'expression') {
    const count = equation.complexField ? 2 * channels : channels;
    const what = equation.complexField ? `(re, im) for ${equation.channels.join(', ')}` : `one per field: ${equation.channels.join(', ')}`;
    if (ic.expressions.length !== count) ctx.addIssue({ code: 'custom', path: ['ic', 'expressions'], message: `${equation.id} needs ${count} expression${count > 1 ? 's' : ''}, ${what}` });
    ic.expressions.forEach((text, i) => {
      try {
        parseExpression(text, expressionVariables(dims, Object.keys(equation.params)));
      } catch (error) {
        if (error instanceof ExpressionError) ctx.addIssue({ code: 'custom', path: ['ic', 'expressions', i], message: error.message });
        else throw error;
      }
    });
  }
  if (ic.type === 'gaussians') {
    ic.blobs.forEach((blob, i) => {
      if (blob.center.length !== dims) ctx.addIssue({ code: 'custom', path: ['ic', 'blobs', i, 'center'], message: `needs ${dims} coordinate${dims > 1 ? 's' : ''} (the grid's axes)` });
      if (blob.channel >= channels) ctx.addIssue({ code: 'custom', path: ['ic', 'blobs', i, 'channel'], message: `allowed: 0 … ${channels - 1} (${equation.channels.join(', ')})` });
    });
    if (ic.background.length > channels) ctx.addIssue({ code: 'custom', path: ['ic', 'background'], message: `at most one value per field (${channels})` });
  }
}

/** the dimensions an equation has presets for */
export function supportedDims(equation: Equation): number[] {
  return Object.keys(equation.defaults).map(Number);
}

function resolveDefaults(equation: Equation, dims?: number) {
  const d = dims ?? Math.min(...supportedDims(equation));
  return equation.defaults[d as 1 | 2 | 3] ?? equation.defaults[Math.min(...supportedDims(equation)) as 1 | 2 | 3]!;
}

/** steps of a run: ⌈tEnd/dt⌉ (the last step may end past tEnd by less than dt; the report gives the final time) */
export function pdeStepCount(spec: Pick<PdeSpec, 'dt' | 'tEnd'>): number {
  return Math.ceil(spec.tEnd / spec.dt - 1e-9);
}

/** Parse and validate a PDE spec (defaults filled in); throws SpecError. */
export function parsePdeSpec(input: unknown): PdeSpec {
  const result = pdeSpecSchema.safeParse(input);
  if (!result.success) throw new SpecError(formatZodError(result.error, input));
  return result.data;
}
