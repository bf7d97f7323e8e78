// What the views can show of a target: its dimension, whether the flow view (three.js particles over the true
// density, and the draw-points overlay on it) applies, and whether sweeps run by themselves. Pure, so the rules
// are unit-tested.

import { targetImageShape } from '../core/sampling/experiment.ts';
import { GLYPH_DIM } from '../core/sampling/glyphs.ts';
import { MAX_DIM, type SampleSpec } from '../core/spec/spec.ts';

/** the dimension d of the target's samples */
export function targetDimension(target: SampleSpec['target']): number {
  switch (target.type) {
    case 'preset':
      return 2;
    case 'glyphs16':
      return GLYPH_DIM;
    case 'gmm':
      return target.means[0].length;
    case 'points':
      return target.points[0].length;
  }
}

/**
 * Why the flow view is not shown for this target (null when it is). The flow view draws the first two
 * coordinates, over the exact 2-D marginal density that density.ts computes from full covariance matrices:
 * meaningful and cheap up to MAX_DIM (16) dimensions. Image targets are shown as images instead, and above 16
 * dimensions the dense covariances (K·d² numbers) and the recorded trajectories ((steps + 1)·n·d floats) would
 * stall the page for a projection nobody can read.
 */
export function flowViewProblem(target: SampleSpec['target']): string | null {
  const d = targetDimension(target);
  if (targetImageShape(target)) return `the samples are ${d}-dimensional images, shown as images here: the flow view, its density background and drawing points work in 2-D`;
  if (d > MAX_DIM) return `the target has ${d} dimensions: the flow view draws 2-D particles (the first two coordinates, for targets up to ${MAX_DIM}-D)`;
  return null;
}

/**
 * Whether sweeps start by themselves: on a GPU, except for image targets on a software adapter, where one
 * sweep (11 NFEs × each shown solver, each point with FD-RF / FD-pix) takes many minutes of CPU time.
 * Everywhere else (and on the CPU fallback) a click on "Run sweep" starts one.
 */
export function autoSweepAllowed(backend: 'gpu' | 'cpu', software: boolean, target: SampleSpec['target']): boolean {
  return backend === 'gpu' && !(software && targetImageShape(target) !== undefined);
}
