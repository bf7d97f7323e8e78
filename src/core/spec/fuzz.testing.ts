// Random experiment specs for the fuzz tests (issue 10: "10 000 random specs, valid and invalid, through the schema
// and engine entry points"). Seeded, so a failure names the case that reproduces it. Most fields are drawn from
// their valid range, with a chance of a hostile value (wrong type, NaN, ±∞, huge, missing, unknown key), so that
// a good share parse and run, and every refusal path is reached. Sizes stay small so that ten thousand runs of the
// float64 interpreter take about a minute.

import { SOLVER_NAMES, type SolverName } from '../sampling/solvers.ts';
import { SCHEDULE_TYPES } from '../sampling/schedules.ts';
import { TARGET_PRESETS } from '../sampling/presets.ts';
import { solverOptionNames } from './solverSchema.ts';
import { EQUATIONS, EQUATION_IDS } from '../pde/equations.ts';
import { STEPPERS } from '../pde/steppers.ts';

/** mulberry32: a small seeded generator, enough for test inputs */
export class FuzzRng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(lo: number, hi: number): number {
    return lo + Math.floor(this.next() * (hi - lo + 1));
  }
  uniform(lo: number, hi: number): number {
    return lo + (hi - lo) * this.next();
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }
}

/** values no field accepts, or only some: wrong types, non-finite, huge, fractional, negative */
const HOSTILE: unknown[] = [null, 'x', '', -1, 0, 1.5, 1e308, -1e308, NaN, Infinity, -Infinity, [], {}, true, 2 ** 32, '<script>alert(1)</script>', '__proto__'];

/** `good()` most of the time, else a hostile value */
function maybe(rng: FuzzRng, good: () => unknown, hostile = 0.04): unknown {
  return rng.chance(hostile) ? rng.pick(HOSTILE) : good();
}

/** an object with each entry kept, dropped, or replaced, and sometimes an unknown key */
function mutate(rng: FuzzRng, object: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(object)) {
    if (rng.chance(0.015)) continue;
    out[key] = rng.chance(0.015) ? rng.pick(HOSTILE) : value;
  }
  if (rng.chance(0.015)) out[rng.pick(['extra', 'constructor', 'prototype', 'nfe2'])] = rng.pick(HOSTILE);
  return out;
}

function process(rng: FuzzRng): unknown {
  const type = rng.pick(['vp-linear', 'vp-linear', 'vp-cosine', 'vp-discrete', 'edm', 'flow', 'flow', 'bogus']);
  const p: Record<string, unknown> = { type };
  if (type === 'vp-linear' && rng.chance(0.3)) Object.assign(p, { beta0: maybe(rng, () => rng.uniform(0.01, 1)), beta1: maybe(rng, () => rng.uniform(0.5, 30)) });
  if (type === 'vp-discrete' && rng.chance(0.5))
    Object.assign(p, { betaSchedule: maybe(rng, () => rng.pick(['linear', 'scaled_linear', 'squaredcos_cap_v2', 'nope'])), numTimesteps: maybe(rng, () => rng.int(2, 1000)) });
  if (type === 'edm' && rng.chance(0.3)) Object.assign(p, { sigmaMin: maybe(rng, () => rng.uniform(1e-3, 1)), sigmaMax: maybe(rng, () => rng.uniform(1, 100)) });
  return mutate(rng, p);
}

function matrix(rng: FuzzRng, d: number, symmetric: boolean): number[][] {
  const a = Array.from({ length: d }, () => Array.from({ length: d }, () => rng.uniform(-0.3, 0.3)));
  // A·Aᵀ + εI is positive definite; without `symmetric` a random matrix (usually refused)
  if (!symmetric) return a;
  return a.map((row, i) => row.map((_, j) => a[i].reduce((s, v, k) => s + v * a[j][k], 0) + (i === j ? 0.01 : 0)));
}

function target(rng: FuzzRng): unknown {
  switch (rng.pick(['preset', 'preset', 'gmm', 'points', 'glyphs16', 'bogus'])) {
    case 'preset':
      return mutate(rng, { type: 'preset', name: maybe(rng, () => rng.pick(TARGET_PRESETS)) });
    case 'gmm': {
      const k = rng.int(1, 4);
      const d = rng.int(1, 4);
      const ragged = rng.chance(0.05);
      return mutate(rng, {
        type: 'gmm',
        weights: Array.from({ length: k }, () => maybe(rng, () => rng.uniform(0.1, 1), 0.03)),
        means: Array.from({ length: k }, (_, i) => Array.from({ length: ragged && i === k - 1 ? d + 1 : d }, () => rng.uniform(-2, 2))),
        covs: Array.from({ length: k }, () => matrix(rng, d, !rng.chance(0.05))),
      });
    }
    case 'points': {
      const d = rng.int(1, 3);
      return mutate(rng, { type: 'points', points: Array.from({ length: rng.int(1, 12) }, () => Array.from({ length: rng.chance(0.03) ? d + 1 : d }, () => maybe(rng, () => rng.uniform(-2, 2), 0.02))) });
    }
    case 'glyphs16':
      return mutate(rng, { type: 'glyphs16', components: maybe(rng, () => rng.int(1, 10)), pixelStd: maybe(rng, () => rng.uniform(0.05, 1)) });
    default:
      return { type: 'bogus', name: 'ring8' };
  }
}

function solverOption(rng: FuzzRng, option: string): unknown {
  const choices: Record<string, readonly unknown[]> = {
    order: [1, 2, 3, 4, 5, 0],
    solverType: ['dpmsolver', 'taylor', 'other'],
    prediction: ['data', 'noise', 'eps'],
    variant: ['bh1', 'bh2', 'bh3'],
    corrector: [true, false],
    lowerOrderFinal: [true, false],
    sChurn: [0, 1, 40, 2000],
    sTmin: [0, 0.05, 1],
    sTmax: [1, 50, 1e9],
    sNoise: [1, 1.003, 20],
    eta: [0, 0.5, 1, 1.5],
    rtol: [0.05, 0.01, 0.005, 0, 2],
    atol: [0.01, 0.0078, 0],
    predictor: ['reverse-diffusion', 'euler-maruyama', 'none'],
    langevinSteps: [0, 1, 2],
    snr: [0.01, 0.16, 0.5],
    noiseRemoval: [true, false],
    beta: [0.3, 0.6, 0.8, 1, 0, 1.2],
    halfCorrector: ['off', 'code', 'paper', 'half'],
    predictorPseudo: [true, false],
    correctorPseudo: [true, false],
    emsPoints: [10, 16, 24, 1],
    emsSamples: [8, 16, 32, 0],
    emsEstimator: ['exact', 'hutchinson', 'fd'],
    emsQuadrature: ['trapezoid', 'gauss', 'simpson'],
    degenerate: [false, false, true],
    noiseSampler: ['brownian', 'iid', 'sobol'],
  };
  return maybe(rng, () => rng.pick(choices[option] ?? [1]));
}

function solver(rng: FuzzRng): unknown {
  const name = rng.chance(0.02) ? 'bogus' : rng.pick(SOLVER_NAMES);
  const s: Record<string, unknown> = { name };
  if (name !== 'bogus') for (const option of solverOptionNames(name as SolverName)) if (rng.chance(0.35)) s[option] = solverOption(rng, option as string);
  // the statistics are computed for every v3 run: keep them small unless a hostile value was drawn
  if (name === 'dpm-solver-v3') {
    s.emsPoints ??= rng.pick([10, 16, 24]);
    s.emsSamples ??= rng.pick([8, 16, 32]);
  }
  return mutate(rng, s);
}

function schedule(rng: FuzzRng): unknown {
  const type = rng.chance(0.02) ? 'bogus' : rng.pick(SCHEDULE_TYPES);
  const s: Record<string, unknown> = { type };
  const number = (lo: number, hi: number) => maybe(rng, () => rng.uniform(lo, hi));
  if (type === 'karras' || type === 'polyexponential') s.rho = number(0.5, 10);
  if (type === 'shift') s.s = number(0.1, 8);
  if (type === 'flux-shift') s.mu = number(-3, 3);
  if (type === 'sigmoid') s.a = number(0.1, 10);
  if (type === 'deis-t') s.kappa = number(1, 10);
  if (type === 'edm-vp') s.epsilonS = number(1e-4, 0.1);
  if (type === 'iddpm') Object.assign(s, { M: maybe(rng, () => rng.int(2, 1000)), C1: number(0.0001, 0.01), C2: number(0, 0.1) });
  if (['karras', 'exponential', 'polyexponential', 'edm-vp', 'edm-ve', 'iddpm', 'shift', 'flux-shift'].includes(type) && rng.chance(0.3)) s.appendZero = maybe(rng, () => rng.chance(0.5));
  if (type === 'boss') Object.assign(s, { kMax: maybe(rng, () => rng.int(2, 16)), samples: maybe(rng, () => rng.int(2, 32)) });
  if (type === 'custom') {
    const count = rng.int(2, 8);
    const times = Array.from({ length: count }, () => rng.uniform(1e-3, 1)).sort((a, b) => b - a);
    s.times = rng.chance(0.1) ? times.reverse() : times;
  }
  return mutate(rng, s);
}

/** one spec input: usually a plausible one, sometimes broken in any field */
export function randomSampleSpec(rng: FuzzRng): unknown {
  const spec: Record<string, unknown> = {
    version: maybe(rng, () => 1, 0.02),
    kind: maybe(rng, () => 'sample', 0.02),
    process: process(rng),
    target: target(rng),
    solver: solver(rng),
    schedule: schedule(rng),
    n: maybe(rng, () => rng.int(1, 24), 0.05),
    seed: maybe(rng, () => rng.int(0, 2 ** 31), 0.03),
  };
  if (rng.chance(0.9)) spec.nfe = maybe(rng, () => rng.int(1, 24), 0.05);
  else spec.steps = maybe(rng, () => rng.int(1, 12), 0.05);
  if (rng.chance(0.1)) spec.tStart = maybe(rng, () => rng.uniform(0.1, 80));
  if (rng.chance(0.1)) spec.tEnd = maybe(rng, () => rng.uniform(0, 0.5));
  return mutate(rng, spec);
}

const EXPRESSIONS = ['sin(x)', 'exp(-x^2)', 'cos(2*pi*x/L) + 0.1*sin(y)', '1/(1+x^2)', 'x*', 'sin(', 'alert(1)', 'constructor', '1e400', 'sqrt(-1)', 'tanh(x - 3)', ''];

/** one PDE spec input (specs/pde.md): small grids and at most 20 steps, so that thousands run in seconds */
export function randomPdeSpec(rng: FuzzRng): unknown {
  const id = rng.chance(0.02) ? 'bogus' : rng.pick(EQUATION_IDS);
  const equation = EQUATIONS[id];
  const params: Record<string, unknown> = {};
  if (equation)
    for (const [name, p] of Object.entries(equation.params)) if (rng.chance(0.3)) params[name] = maybe(rng, () => (rng.chance(0.9) ? rng.uniform(p.min, p.max) : rng.uniform(p.max, 2 * p.max + 1)));
  const dims = rng.chance(0.6) ? 1 : rng.chance(0.95) ? 2 : 3;
  const n = dims === 1 ? rng.pick([16, 32, 64, 17]) : rng.pick([8, 16, 12]);
  // always a small grid: the equations' own presets (up to 256² and 1024) would make thousands of runs take minutes
  const grid = { n: Array.from({ length: dims }, () => n), length: Array.from({ length: dims }, () => maybe(rng, () => rng.uniform(1, 100))) };
  const ic = (() => {
    switch (rng.pick(['preset', 'preset', 'random', 'expression', 'gaussians', 'file'])) {
      case 'random':
        return { type: 'random', cutoff: maybe(rng, () => rng.int(1, 8)), amplitude: maybe(rng, () => rng.uniform(0.1, 3)) };
      case 'expression':
        return { type: 'expression', expressions: Array.from({ length: rng.int(1, 2) }, () => rng.pick(EXPRESSIONS)) };
      case 'gaussians':
        return { type: 'gaussians', blobs: [{ center: Array.from({ length: dims }, () => rng.uniform(0, 10)), width: maybe(rng, () => rng.uniform(0.1, 3)), amplitude: rng.uniform(-2, 2) }] };
      case 'file':
        return { type: 'file' };
      default:
        return { type: 'preset' };
    }
  })();
  const dt = rng.pick([1e-4, 1e-3, 1e-2, 0.1, 1, 10]);
  const spec: Record<string, unknown> = {
    version: maybe(rng, () => 1, 0.02),
    kind: maybe(rng, () => 'pde', 0.02),
    equation: id,
    params: mutate(rng, params),
    ic: mutate(rng, ic),
    stepper: maybe(rng, () => rng.pick(STEPPERS)),
    dt: maybe(rng, () => dt),
    tEnd: maybe(rng, () => dt * rng.int(1, 20)),
    seed: maybe(rng, () => rng.int(0, 1000)),
  };
  spec.grid = mutate(rng, grid);
  if (rng.chance(0.1)) spec.coefficients = maybe(rng, () => rng.pick(['complex', 'real-part']));
  return mutate(rng, spec);
}

/** an error is a refusal (a message for a person), not a crash of the code */
export function crashOf(error: unknown): string | null {
  if (!(error instanceof Error)) return `threw a non-Error: ${String(error)}`;
  if (error instanceof TypeError || error instanceof ReferenceError || error instanceof SyntaxError) return `${error.name}: ${error.message}\n${error.stack}`;
  if (!error.message.trim()) return `${error.name} with an empty message`;
  if (/Invalid array length|Maximum call stack|out of memory/i.test(error.message)) return `${error.name}: ${error.message}`;
  return null;
}
