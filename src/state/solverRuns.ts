// The spec each shown solver runs with in the live view (flow view, run metrics, per-step errors), and the "same
// noise" toggle (issue #11, teaching details: it makes visible that all configurations start from the same x_T).
//
// On (the default): every shown solver runs the spec with its own solver swapped in, so all start from the spec's
// x_T (common random numbers, DESIGN §4) and the numbers are exactly those of the spec alone.
// Off: the shown solver at index k (0 = the spec's own solver, then the compared ones in display order) runs with
// seed (spec.seed + k) mod 2^32: its own x_T, its own step noise and its own exact reference set. The spec's own
// solver (k = 0) keeps spec.seed, so its numbers never change with the toggle.
// The toggle is UI state, not part of the spec or the link, like the compared solvers it applies to: a link stands
// for the spec's numbers, which it does not change.

import type { SolverName } from '../core/sampling/solvers.ts';
import type { SampleSpec } from '../core/spec/spec.ts';

/** the seed of the shown solver at `index` when each solver gets its own noise */
export function ownNoiseSeed(seed: number, index: number): number {
  return (seed + index) % 0x1_0000_0000;
}

/** The spec `solver` runs with among `shown` (the spec's own solver keeps its options; others run with defaults). */
export function solverRunSpec(spec: SampleSpec, shown: readonly SolverName[], solver: SolverName, sameNoise: boolean): SampleSpec {
  const own: SampleSpec = { ...spec, solver: solver === spec.solver.name ? spec.solver : { name: solver } };
  if (sameNoise) return own;
  const index = shown.indexOf(solver);
  return { ...own, seed: ownNoiseSeed(spec.seed, Math.max(0, index)) };
}
