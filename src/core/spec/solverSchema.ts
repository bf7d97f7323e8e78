// The `solver` part of the experiment spec: a name from the catalogue and its options (solvers.ts SolverSpec).
// Options a solver does not take are refused by name, so a typo never silently falls back to a default.

import { z } from 'zod';
import { ADAPTIVE_DEFAULTS, PC_DEFAULTS, RK45_DEFAULTS } from '../sampling/driven.ts';
import { EMS_DEFAULTS } from '../sampling/ems.ts';
import { MOMENTUM_BETA, SOLVERS, SOLVER_NAMES, SOLVER_OPTION_DEFAULTS, type SolverName, type SolverSpec } from '../sampling/solvers.ts';

/** which options each solver family takes */
const OPTIONS_BY_FAMILY: Record<string, (keyof SolverSpec)[]> = {
  multistep: ['solverType', 'lowerOrderFinal'],
  singlestep: ['solverType'],
  'singlestep-budget': ['order', 'prediction', 'solverType'],
  unipc: ['order', 'variant', 'corrector', 'prediction', 'lowerOrderFinal'],
  sigma: ['sChurn', 'sTmin', 'sTmax', 'sNoise'],
  'sigma-ancestral': ['eta', 'sNoise'],
  'sigma-sde': ['eta', 'sNoise', 'solverType', 'noiseSampler'],
  'linear-multistep': [],
  deis: ['order'],
  lms: ['order'],
  'ddim-eta': ['eta'],
  flow: [],
  adaptive: ['rtol', 'atol'],
  pc: ['predictor', 'langevinSteps', 'snr', 'noiseRemoval'],
  v3: ['order', 'corrector', 'predictorPseudo', 'correctorPseudo', 'halfCorrector', 'lowerOrderFinal', 'emsPoints', 'emsSamples', 'emsEstimator', 'emsQuadrature', 'degenerate'],
  momentum: ['order', 'beta'],
};

export function solverOptionNames(name: SolverName): (keyof SolverSpec)[] {
  if (name === 'dpmpp-2m-hb') return ['beta', 'lowerOrderFinal'];
  if (name === 'dpm-solver-adaptive') return ['order', 'prediction', 'solverType', 'rtol', 'atol'];
  return name === 'ddim' ? [] : OPTIONS_BY_FAMILY[SOLVERS[name].family];
}

/** the solver options that are numbers */
export const NUMERIC_SOLVER_OPTIONS = ['order', 'sChurn', 'sTmin', 'sTmax', 'sNoise', 'eta', 'rtol', 'atol', 'langevinSteps', 'snr', 'emsPoints', 'emsSamples', 'beta'] as const;
export type NumericSolverOption = (typeof NUMERIC_SOLVER_OPTIONS)[number];

/**
 * The value a numeric option takes when the spec leaves it out: what buildSolverProgram then uses (the official
 * default), or undefined for an option the solver does not take. The configuration cards place a slider at it, so
 * the UI never keeps its own copy. solverSchema.test.ts checks every solver × numeric option against the program
 * built without the option. sTmax's default is ∞ (k-diffusion: churn at every noise level), not a slider position.
 */
export function solverOptionDefault(name: SolverName, option: NumericSolverOption): number | undefined {
  if (!solverOptionNames(name).includes(option)) return undefined;
  const info = SOLVERS[name];
  switch (option) {
    case 'order':
      return info.family === 'momentum' ? SOLVER_OPTION_DEFAULTS.momentumOrder : name === 'dpm-solver-adaptive' ? SOLVER_OPTION_DEFAULTS.adaptiveOrder : info.order;
    case 'sChurn':
    case 'sTmin':
    case 'sTmax':
    case 'sNoise':
    case 'eta':
      return SOLVER_OPTION_DEFAULTS[option];
    case 'rtol':
    case 'atol':
      return (name === 'rk45' ? RK45_DEFAULTS : ADAPTIVE_DEFAULTS)[option];
    case 'langevinSteps':
    case 'snr':
      return PC_DEFAULTS[option];
    case 'emsPoints':
      return EMS_DEFAULTS.points;
    case 'emsSamples':
      return EMS_DEFAULTS.samples;
    case 'beta':
      return MOMENTUM_BETA;
  }
}

/** Adams–Bashforth of order 4: LMS (k-diffusion's default) and PLMS + momentum (AB4 by default, momentum.ts) */
const TAKES_ORDER_4: ReadonlySet<SolverName> = new Set<SolverName>(['lms', 'plms-hb', 'plms-ghvb']);

export const solverSchema = z
  .object({
    name: z.enum(SOLVER_NAMES),
    order: z.number().int().min(1).max(4).optional(),
    solverType: z.enum(['dpmsolver', 'taylor']).optional(),
    prediction: z.enum(['data', 'noise']).optional(),
    variant: z.enum(['bh1', 'bh2']).optional(),
    corrector: z.boolean().optional(),
    lowerOrderFinal: z.boolean().optional(),
    sChurn: z.number().min(0).max(1000).optional(),
    sTmin: z.number().min(0).optional(),
    sTmax: z.number().min(0).optional(),
    sNoise: z.number().min(0).max(10).optional(),
    eta: z.number().min(0).max(1).optional(),
    // tolerances span decades (rk45's default is 1e-5, DPM-Solver-23's 0.05): their sliders move in log10 from logFrom
    rtol: z.number().gt(0).max(1).meta({ logFrom: 1e-6 }).optional(),
    atol: z.number().gt(0).max(1).meta({ logFrom: 1e-6 }).optional(),
    predictor: z.enum(['reverse-diffusion', 'euler-maruyama', 'none']).optional(),
    langevinSteps: z.number().int().min(0).max(10).optional(),
    snr: z.number().gt(0).max(10).optional(),
    noiseRemoval: z.boolean().optional(),
    noiseSampler: z.enum(['brownian-tree', 'iid']).optional(),
    emsPoints: z.number().int().min(10).max(2000).optional(),
    emsSamples: z.number().int().min(16).max(16384).optional(),
    emsEstimator: z.enum(['exact', 'hutchinson']).optional(),
    emsQuadrature: z.enum(['trapezoid', 'gauss']).optional(),
    degenerate: z.boolean().optional(),
    predictorPseudo: z.boolean().optional(),
    correctorPseudo: z.boolean().optional(),
    halfCorrector: z.enum(['off', 'code', 'paper']).optional(),
    beta: z.number().gt(0).max(1).optional(),
  })
  .strict()
  .superRefine((solver, ctx) => {
    // orders 1–3 everywhere, 4 for the Adams–Bashforth ones (TAKES_ORDER_4)
    if (solver.order === 4 && !TAKES_ORDER_4.has(solver.name)) ctx.addIssue({ code: 'custom', path: ['order'], message: `${solver.name} takes order 1, 2 or 3` });
    // DPM-Solver-12 and -23 (specs §4.8)
    if (solver.name === 'dpm-solver-adaptive' && solver.order === 1) ctx.addIssue({ code: 'custom', path: ['order'], message: 'dpm-solver-adaptive takes order 2 (DPM-Solver-12) or 3 (DPM-Solver-23)' });
    if (solver.name === 'pc' && solver.predictor === 'none' && solver.langevinSteps === 0)
      ctx.addIssue({ code: 'custom', path: ['langevinSteps'], message: 'pc with predictor none needs at least 1 Langevin step' });
    const allowed = solverOptionNames(solver.name);
    for (const key of Object.keys(solver) as (keyof SolverSpec)[]) {
      if (key !== 'name' && !allowed.includes(key))
        ctx.addIssue({
          code: 'custom',
          path: [key],
          message: `${solver.name} takes no option '${key}' (its options: ${allowed.length ? allowed.join(', ') : 'none'})`,
        });
    }
  });
