// The spec each shown configuration runs with in the live view (flow view, run metrics, per-step errors), and the
// "same noise" toggle (issue #11, teaching details: it makes visible that all configurations start from the same x_T).
//
// On (the default): every configuration runs its own spec (core configurationSpecs: its solver, options and schedule,
// the rest the spec's), so all start from the spec's x_T (common random numbers, DESIGN §4) and the numbers are
// exactly those of `stepscope sample` on the spec.
// Off: the configuration at index k (0 = the spec's own, then the compared ones in display order) runs with seed
// (spec.seed + k) mod 2^32: its own x_T, its own step noise and its own exact reference set. The spec's own
// configuration (k = 0) keeps spec.seed, so its numbers never change with the toggle.
// The toggle is UI state, not part of the spec or the link: a link stands for the spec's numbers, which it does not change.

import type { SampleSpec } from '../core/spec/spec.ts';

/** the seed of the shown configuration at `index` when each configuration gets its own noise */
export function ownNoiseSeed(seed: number, index: number): number {
  return (seed + index) % 0x1_0000_0000;
}

/** The spec the configuration at `index` (whose own spec is `configuration`) runs with under the toggle. */
export function configurationRunSpec(configuration: SampleSpec, index: number, sameNoise: boolean): SampleSpec {
  return sameNoise ? configuration : { ...configuration, seed: ownNoiseSeed(configuration.seed, Math.max(0, index)) };
}
