// Linear stability of a run in words (issue #6 view 5 and the divergence explanation). A mode with Re hλ > 0
// grows in the PDE itself (KS's long waves, k < 1): e^{hλ} > 1 is physics, not the stepper's fault. The
// stepper is unstable on the modes the PDE damps or keeps (Re hλ ≤ 0) where |R(hλ)| > 1.

import { amplificationFactor } from '../../core/pde/stability.ts';
import type { StepperName } from '../../core/pde/steppers.ts';
import type { Complex } from '../../core/pde/types.ts';

export interface StabilitySummary {
  /** distinct hλ */
  modes: number;
  /** Re hλ > 0: growing in the PDE itself */
  growing: number;
  /** Re hλ ≤ 0 but |R(hλ)| > 1: made unstable by the stepper */
  unstable: number;
  /** the largest |R| over those */
  maxGrowth: number;
}

/** |R| may exceed 1 by round-off on the imaginary axis (exponential steppers: |e^{iy}| = 1) */
const TOLERANCE = 1e-9;

export function isStepperUnstable(stepper: StepperName, z: Complex): boolean {
  if (z[0] > 0) return false;
  const r = amplificationFactor(stepper, z);
  return Math.hypot(r[0], r[1]) > 1 + TOLERANCE;
}

export function summarizeStability(stepper: StepperName, eigenvalues: Complex[]): StabilitySummary {
  let growing = 0;
  let unstable = 0;
  let maxGrowth = 0;
  for (const z of eigenvalues) {
    if (z[0] > 0) {
      growing++;
      continue;
    }
    const r = amplificationFactor(stepper, z);
    const m = Math.hypot(r[0], r[1]);
    if (m > 1 + TOLERANCE) {
      unstable++;
      maxGrowth = Math.max(maxGrowth, m);
    }
  }
  return { modes: eigenvalues.length, growing, unstable, maxGrowth };
}
