// The configurations the sampler lab shows (issue #11): the spec's own and its compared ones (spec.compare, each a
// solver with its options and optionally its own schedule), each with its colour and a label, in display order. Every
// view and the run controller read this list, so a configuration means the same thing (and has the same colour)
// everywhere. What each one runs is core's configurationSpecs; this adds what the page needs to show it.

import { scheduleEndsAtZero } from '../core/sampling/schedules.ts';
import { SOLVERS, type SolverName } from '../core/sampling/solvers.ts';
import { configurationSpecs, type CompareEntry, type SampleSpec } from '../core/spec/spec.ts';
import { configurationColors } from '../views/palette.ts';
import { scheduleDescription } from './labels.ts';

/**
 * Compared when a spec names none (no `compare` field): the page's long-standing default pair, DDIM and
 * DPM-Solver++(2M), less the spec's own solver, each with its defaults on the spec's schedule. A spec or link from
 * before `compare` existed shows exactly what it showed then; `compare: []` shows the spec's own alone.
 */
export const PAGE_DEFAULT_COMPARE: readonly SolverName[] = ['ddim', 'dpmpp-2m'];

export interface ShownConfiguration {
  /** 0: the spec's own; k: compare[k − 1] */
  index: number;
  solver: SolverName;
  /** the spec this configuration runs (before the "same noise" seed: solverRuns.ts) */
  spec: SampleSpec;
  /** whether it has a schedule of its own (else it follows the spec's) */
  ownSchedule: boolean;
  color: string;
  /** the solver's name, its options and its schedule when not the spec's, e.g. "UniPC (order 2) · Karras" */
  label: string;
  /** identifies what it computes (solver with options, and schedule): the key of its sweep curve */
  key: string;
}

/** the compared entries the page shows for `spec`: its own list, else the default pair */
export function effectiveCompare(spec: SampleSpec): CompareEntry[] {
  return spec.compare ?? PAGE_DEFAULT_COMPARE.filter((name) => name !== spec.solver.name).map((name) => ({ solver: { name } }));
}

const cache = new WeakMap<SampleSpec, ShownConfiguration[]>();

/** The shown configurations of `spec` (the same array for the same spec object, for React selectors). */
export function shownConfigurations(spec: SampleSpec): ShownConfiguration[] {
  const cached = cache.get(spec);
  if (cached) return cached;
  const compare = effectiveCompare(spec);
  const specs = configurationSpecs(spec, compare);
  const colors = configurationColors(specs.map((s) => s.solver.name));
  const shown = specs.map((s, index): ShownConfiguration => {
    const solver = s.solver.name as SolverName;
    const ownSchedule = index > 0 && compare[index - 1].schedule !== undefined;
    const { name: _name, ...options } = s.solver;
    const optionText = Object.entries(options)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
    const label = `${SOLVERS[solver]?.label ?? solver}${optionText ? ` (${optionText})` : ''}${ownSchedule ? ` · ${scheduleDescription(s.schedule)}` : ''}`;
    return { index, solver, spec: s, ownSchedule, color: colors[index], label, key: JSON.stringify([s.solver, s.schedule]) };
  });
  cache.set(spec, shown);
  return shown;
}

/**
 * One line for the quality chart when the shown configurations end at different points (σ = 0 or t_end): the null band
 * drawn is the spec's own configuration's (each end point has its own exact reference set, so its own band; the sweep
 * keeps the first); null when they all end together.
 */
export function nullBandNote(configurations: readonly Pick<ShownConfiguration, 'label' | 'spec'>[]): string | null {
  const ends = configurations.map((c) => scheduleEndsAtZero(c.spec.schedule));
  const elsewhere = configurations.filter((_, i) => ends[i] !== ends[0]).map((c) => c.label);
  if (elsewhere.length === 0) return null;
  const where = (zero: boolean) => (zero ? 'σ = 0' : 't_end');
  return `The grey band is ${configurations[0].label}'s (the spec's own, ending at ${where(ends[0])}); ${elsewhere.join(', ')} end${elsewhere.length === 1 ? 's' : ''} at ${where(!ends[0])}, where the exact-vs-exact noise differs.`;
}
