// Linear stability of the steppers (specs/pde.md §7.1, issue #6 view 5): the amplification factor R(z) of a
// stepper on u' = λu with λ in the linear part L (z = hλ), and the grid's z = h·L(k) to overlay. A mode is
// stable when |R(z)| ≤ 1. Explicit methods treat L explicitly (RK4 on KS: z down to −60 at h = 1/4, far
// outside |R| ≤ 1); exponential and integrating-factor methods are exact on L (R = e^z) and IMEX methods
// implicit, so the whole left half-plane is stable for them.

import { cadd, cdiv, cexp, cmul, cscale, csub } from './complex.ts';
import type { PdeProblem } from './run.ts';
import type { StepperName } from './steppers.ts';
import type { Complex } from './types.ts';

const one: Complex = [1, 0];

/** Taylor polynomial Σ_{j≤p} z^j/j! */
function taylor(z: Complex, p: number): Complex {
  let term: Complex = one;
  let sum: Complex = one;
  for (let j = 1; j <= p; j++) {
    term = cscale(cmul(term, z), 1 / j);
    sum = cadd(sum, term);
  }
  return sum;
}

const modulus = (a: Complex) => Math.hypot(a[0], a[1]);

/** complex square root (principal branch) */
function csqrt(a: Complex): Complex {
  const r = modulus(a);
  const re = Math.sqrt((r + a[0]) / 2);
  const im = Math.sign(a[1] || 1) * Math.sqrt(Math.max(0, (r - a[0]) / 2));
  return [re, im];
}

/** R(z) for u' = λu, z = hλ, λ in the linear part (for SBDF2, a two-step method: its root of largest modulus) */
export function amplificationFactor(stepper: StepperName, z: Complex): Complex {
  switch (stepper) {
    case 'euler':
      return taylor(z, 1);
    case 'rk2':
      return taylor(z, 2);
    case 'rk4':
      return taylor(z, 4);
    case 'imex-euler':
      return cdiv(one, csub(one, z));
    case 'cnab2':
      return cdiv(cadd(one, cscale(z, 0.5)), csub(one, cscale(z, 0.5)));
    case 'sbdf2': {
      // (3 − 2z) ζ² − 4ζ + 1 = 0
      const a = csub([3, 0], cscale(z, 2));
      const disc = csqrt(csub([16, 0], cscale(a, 4)));
      const r1 = cdiv(cadd([4, 0], disc), cscale(a, 2));
      const r2 = cdiv(csub([4, 0], disc), cscale(a, 2));
      return modulus(r1) >= modulus(r2) ? r1 : r2;
    }
    case 'ifrk4':
    case 'etd1':
    case 'etdrk2':
    case 'etdrk3':
    case 'etdrk4':
      return cexp(z);
  }
}

/** z = h·L(k) for every channel and wavenumber of the problem, without repeats (rounded to 1e-9 relative) */
export function linearEigenvalues(problem: Pick<PdeProblem, 'symbol' | 'dt'>): Complex[] {
  const seen = new Map<string, Complex>();
  const { symbol, dt } = problem;
  for (let i = 0; i < symbol.length; i += 2) {
    const z: Complex = [dt * symbol[i], dt * symbol[i + 1]];
    const key = `${z[0].toPrecision(9)},${z[1].toPrecision(9)}`;
    if (!seen.has(key)) seen.set(key, z);
  }
  return [...seen.values()];
}

/** the largest |R(z)| over the problem's eigenvalues: > 1 means some mode grows under the linear part alone */
export function maxAmplification(stepper: StepperName, problem: Pick<PdeProblem, 'symbol' | 'dt'>): number {
  return linearEigenvalues(problem).reduce((m, z) => Math.max(m, modulus(amplificationFactor(stepper, z))), 0);
}
