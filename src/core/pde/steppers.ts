// Time steppers as programs (types.ts) with per-wavenumber coefficients computed in float64
// (specs/pde.md §3.3 ETDRK, §7.2 the teaching menu). z = h·L(k) per channel and wavenumber.
//
// The φ-type functions are evaluated by the Kassam–Trefethen contour mean: g(z) ≈ (1/M) Σ_j g(z + e^{iθ_j}),
// M = 32 points on the full unit circle, θ_j = 2π(j − ½)/M (specs §9.2: ≤ 5e-15 for F₁ over the checked z).
// The mean stays complex: its real part is taken only when L is real everywhere (Chebfun's rule, C5/C6).
// Exponax and `kursiv.m` copies take `.real` unconditionally, which makes ETDRK4 first order on KdV (§3.3);
// `coefficients: 'real-part'` reproduces that pitfall on purpose, for the lesson and the test.

import { cadd, cdiv, cexp, cmul, cscale, csub } from './complex.ts';
import type { Coefficient, Complex, StepperOp, StepperProgram } from './types.ts';

export const STEPPERS = ['euler', 'rk2', 'rk4', 'imex-euler', 'sbdf2', 'cnab2', 'ifrk4', 'etd1', 'etdrk2', 'etdrk3', 'etdrk4'] as const;
export type StepperName = (typeof STEPPERS)[number];

export interface StepperInfo {
  title: string;
  /** classical order of accuracy */
  order: number;
  /** true when the linear part is treated exactly or implicitly (no stiff time-step limit) */
  stiff: boolean;
}

export const STEPPER_INFO: Record<StepperName, StepperInfo> = {
  euler: { title: 'Forward Euler', order: 1, stiff: false },
  rk2: { title: 'RK2 (Heun)', order: 2, stiff: false },
  rk4: { title: 'RK4 (classical)', order: 4, stiff: false },
  'imex-euler': { title: 'IMEX Euler (SBDF1)', order: 1, stiff: true },
  sbdf2: { title: 'SBDF2 (IMEX BDF2)', order: 2, stiff: true },
  cnab2: { title: 'CNAB2 (Crank–Nicolson / Adams–Bashforth)', order: 2, stiff: true },
  ifrk4: { title: 'IF-RK4 (Lawson)', order: 4, stiff: true },
  etd1: { title: 'ETD1 (exponential Euler)', order: 1, stiff: true },
  etdrk2: { title: 'ETDRK2 (Cox–Matthews)', order: 2, stiff: true },
  etdrk3: { title: 'ETDRK3 (Cox–Matthews)', order: 3, stiff: true },
  etdrk4: { title: 'ETDRK4 (Cox–Matthews)', order: 4, stiff: true },
};

export type CoefficientMode = 'complex' | 'real-part';

export const CONTOUR_POINTS = 32;

/** Kassam–Trefethen contour mean of g around z (radius 1, M points on the full circle) */
export function contourMean(g: (w: Complex) => Complex, z: Complex, m = CONTOUR_POINTS): Complex {
  let re = 0;
  let im = 0;
  for (let j = 0; j < m; j++) {
    const theta = (2 * Math.PI * (j + 0.5)) / m;
    const value = g([z[0] + Math.cos(theta), z[1] + Math.sin(theta)]);
    re += value[0];
    im += value[1];
  }
  return [re / m, im / m];
}

// The φ-type functions of z (without the factor h), written in their direct form: the contour mean
// evaluates them only at points at distance 1 from z, away from the cancellation at 0.
const one: Complex = [1, 0];
/** φ₁(z) = (e^z − 1)/z */
const phi1 = (z: Complex) => cdiv(csub(cexp(z), one), z);
/** φ₂(z) = (e^z − 1 − z)/z² */
const phi2 = (z: Complex) => cdiv(csub(csub(cexp(z), one), z), cmul(z, z));
/** ψ(z) = (e^{z/2} − 1)/z (ETDRK3/4's half step, Q = hψ) */
const halfPhi = (z: Complex) => cdiv(csub(cexp(cscale(z, 0.5)), one), z);
const cube = (z: Complex) => cmul(z, cmul(z, z));
/** Cox–Matthews F₁ = [−4 − z + e^z(4 − 3z + z²)]/z³ */
const f1 = (z: Complex) => cdiv(cadd(cadd([-4, 0], cscale(z, -1)), cmul(cexp(z), cadd(csub([4, 0], cscale(z, 3)), cmul(z, z)))), cube(z));
/** F₂ = [2 + z + e^z(z − 2)]/z³ */
const f2 = (z: Complex) => cdiv(cadd(cadd([2, 0], z), cmul(cexp(z), csub(z, [2, 0]))), cube(z));
/** F₃ = [−4 − 3z − z² + e^z(4 − z)]/z³ */
const f3 = (z: Complex) => cdiv(cadd(csub(csub([-4, 0], cscale(z, 3)), cmul(z, z)), cmul(cexp(z), csub([4, 0], z))), cube(z));

/** the stepper's coefficient functions of z (h included where the update needs it) */
type CoefficientFunctions = Record<string, { f: (z: Complex, h: number) => Complex; contour: boolean }>;

const direct = (f: (z: Complex, h: number) => Complex) => ({ f, contour: false });
const viaContour = (f: (z: Complex) => Complex, scale: (h: number) => number = (h) => h) => ({
  f: (z: Complex, h: number) => cscale(f(z), scale(h)),
  contour: true,
});

const scalar = (re: number, im = 0): Coefficient => ({ scalar: [re, im] });
const arr = (name: string): Coefficient => ({ array: name });
const N = (src: string, dst: string): StepperOp => ({ op: 'nonlinear', src, dst });
const combine = (dst: string, ...terms: [string, Coefficient][]): StepperOp => ({
  op: 'combine',
  dst,
  terms: terms.map(([reg, coef]) => ({ reg, coef })),
});

interface StepperDefinition {
  registers: string[];
  coefficients: (h: number) => CoefficientFunctions;
  first?: (h: number) => StepperOp[];
  step: (h: number) => StepperOp[];
}

// 1 + z, etc. as direct (exact, no cancellation) arrays
const linearIn = (f: (z: Complex, h: number) => Complex) => direct(f);

const DEFINITIONS: Record<StepperName, StepperDefinition> = {
  // v⁺ = (1 + z) v + h N(v)
  euler: {
    registers: ['v', 'Nv'],
    coefficients: () => ({ onePlusZ: linearIn((z) => cadd(one, z)) }),
    step: (h) => [N('v', 'Nv'), combine('v', ['v', arr('onePlusZ')], ['Nv', scalar(h)])],
  },
  // Heun: a = v + h k₁, v⁺ = v + h/2 (k₁ + k₂), k = Lv + N(v)
  rk2: {
    registers: ['v', 'a', 'Nv', 'Na'],
    coefficients: () => ({
      onePlusZ: linearIn((z) => cadd(one, z)),
      onePlusHalfZ: linearIn((z) => cadd(one, cscale(z, 0.5))),
      halfZ: linearIn((z) => cscale(z, 0.5)),
    }),
    step: (h) => [
      N('v', 'Nv'),
      combine('a', ['v', arr('onePlusZ')], ['Nv', scalar(h)]),
      N('a', 'Na'),
      combine('v', ['v', arr('onePlusHalfZ')], ['a', arr('halfZ')], ['Nv', scalar(h / 2)], ['Na', scalar(h / 2)]),
    ],
  },
  // classical RK4 on v' = Lv + N(v), stages a = v + h/2 k₁, b = v + h/2 k₂, c = v + h k₃
  rk4: {
    registers: ['v', 'a', 'b', 'c', 'Nv', 'Na', 'Nb', 'Nc'],
    coefficients: () => ({
      onePlusHalfZ: linearIn((z) => cadd(one, cscale(z, 0.5))),
      onePlusSixthZ: linearIn((z) => cadd(one, cscale(z, 1 / 6))),
      halfZ: linearIn((z) => cscale(z, 0.5)),
      thirdZ: linearIn((z) => cscale(z, 1 / 3)),
      sixthZ: linearIn((z) => cscale(z, 1 / 6)),
      z: linearIn((z) => z),
    }),
    step: (h) => [
      N('v', 'Nv'),
      combine('a', ['v', arr('onePlusHalfZ')], ['Nv', scalar(h / 2)]),
      N('a', 'Na'),
      combine('b', ['v', scalar(1)], ['a', arr('halfZ')], ['Na', scalar(h / 2)]),
      N('b', 'Nb'),
      combine('c', ['v', scalar(1)], ['b', arr('z')], ['Nb', scalar(h)]),
      N('c', 'Nc'),
      combine(
        'v',
        ['v', arr('onePlusSixthZ')],
        ['a', arr('thirdZ')],
        ['b', arr('thirdZ')],
        ['c', arr('sixthZ')],
        ['Nv', scalar(h / 6)],
        ['Na', scalar(h / 3)],
        ['Nb', scalar(h / 3)],
        ['Nc', scalar(h / 6)],
      ),
    ],
  },
  // (1 − z) v⁺ = v + h N(v)
  'imex-euler': {
    registers: ['v', 'Nv'],
    coefficients: (h) => ({
      implicit: linearIn((z) => cdiv(one, csub(one, z))),
      implicitH: linearIn((z) => cdiv([h, 0], csub(one, z))),
    }),
    step: () => [N('v', 'Nv'), combine('v', ['v', arr('implicit')], ['Nv', arr('implicitH')])],
  },
  // (3 − 2z) v⁺ = 4v − v⁻ + 2h(2N(v) − N(v⁻)); the first step is IMEX Euler (local error O(h²) keeps order 2)
  sbdf2: {
    registers: ['v', 'Nv', 'vPrev', 'NvPrev', 'a'],
    coefficients: (h) => {
      const d = (z: Complex) => csub([3, 0], cscale(z, 2));
      return {
        implicit: linearIn((z) => cdiv(one, csub(one, z))),
        implicitH: linearIn((z) => cdiv([h, 0], csub(one, z))),
        bdfV: linearIn((z) => cdiv([4, 0], d(z))),
        bdfVPrev: linearIn((z) => cdiv([-1, 0], d(z))),
        bdfN: linearIn((z) => cdiv([4 * h, 0], d(z))),
        bdfNPrev: linearIn((z) => cdiv([-2 * h, 0], d(z))),
      };
    },
    first: () => [
      N('v', 'Nv'),
      combine('vPrev', ['v', scalar(1)]),
      combine('NvPrev', ['Nv', scalar(1)]),
      combine('v', ['v', arr('implicit')], ['Nv', arr('implicitH')]),
    ],
    step: () => [
      N('v', 'Nv'),
      combine('a', ['v', arr('bdfV')], ['vPrev', arr('bdfVPrev')], ['Nv', arr('bdfN')], ['NvPrev', arr('bdfNPrev')]),
      combine('vPrev', ['v', scalar(1)]),
      combine('NvPrev', ['Nv', scalar(1)]),
      combine('v', ['a', scalar(1)]),
    ],
  },
  // (1 − z/2) v⁺ = (1 + z/2) v + h(3N(v) − N(v⁻))/2; the first step uses N(v) alone (Crank–Nicolson/Euler)
  cnab2: {
    registers: ['v', 'Nv', 'NvPrev'],
    coefficients: (h) => {
      const d = (z: Complex) => csub(one, cscale(z, 0.5));
      return {
        cn: linearIn((z) => cdiv(cadd(one, cscale(z, 0.5)), d(z))),
        cnH: linearIn((z) => cdiv([h, 0], d(z))),
        abN: linearIn((z) => cdiv([1.5 * h, 0], d(z))),
        abNPrev: linearIn((z) => cdiv([-0.5 * h, 0], d(z))),
      };
    },
    first: () => [N('v', 'Nv'), combine('NvPrev', ['Nv', scalar(1)]), combine('v', ['v', arr('cn')], ['Nv', arr('cnH')])],
    step: () => [
      N('v', 'Nv'),
      combine('v', ['v', arr('cn')], ['Nv', arr('abN')], ['NvPrev', arr('abNPrev')]),
      combine('NvPrev', ['Nv', scalar(1)]),
    ],
  },
  // Lawson: RK4 on w = e^{−tL} v, written back in v (E = e^z, E₂ = e^{z/2})
  ifrk4: {
    registers: ['v', 'a', 'b', 'c', 'Nv', 'Na', 'Nb', 'Nc'],
    coefficients: (h) => ({
      E: linearIn((z) => cexp(z)),
      E2: linearIn((z) => cexp(cscale(z, 0.5))),
      hHalfE2: linearIn((z) => cscale(cexp(cscale(z, 0.5)), h / 2)),
      hE2: linearIn((z) => cscale(cexp(cscale(z, 0.5)), h)),
      hSixthE: linearIn((z) => cscale(cexp(z), h / 6)),
      hThirdE2: linearIn((z) => cscale(cexp(cscale(z, 0.5)), h / 3)),
    }),
    step: (h) => [
      N('v', 'Nv'),
      combine('a', ['v', arr('E2')], ['Nv', arr('hHalfE2')]),
      N('a', 'Na'),
      combine('b', ['v', arr('E2')], ['Na', scalar(h / 2)]),
      N('b', 'Nb'),
      combine('c', ['v', arr('E')], ['Nb', arr('hE2')]),
      N('c', 'Nc'),
      combine('v', ['v', arr('E')], ['Nv', arr('hSixthE')], ['Na', arr('hThirdE2')], ['Nb', arr('hThirdE2')], ['Nc', scalar(h / 6)]),
    ],
  },
  // v⁺ = E v + h φ₁(z) N(v)
  etd1: {
    registers: ['v', 'Nv'],
    coefficients: () => ({ E: linearIn((z) => cexp(z)), hPhi1: viaContour(phi1) }),
    step: () => [N('v', 'Nv'), combine('v', ['v', arr('E')], ['Nv', arr('hPhi1')])],
  },
  // a = E v + hφ₁ N(v); v⁺ = a + hφ₂ (N(a) − N(v))
  etdrk2: {
    registers: ['v', 'a', 'Nv', 'Na'],
    coefficients: () => ({
      E: linearIn((z) => cexp(z)),
      hPhi1: viaContour(phi1),
      hPhi2: viaContour(phi2),
      minusHPhi2: viaContour(phi2, (h) => -h),
    }),
    step: () => [
      N('v', 'Nv'),
      combine('a', ['v', arr('E')], ['Nv', arr('hPhi1')]),
      N('a', 'Na'),
      combine('v', ['a', scalar(1)], ['Na', arr('hPhi2')], ['Nv', arr('minusHPhi2')]),
    ],
  },
  // a = E₂ v + Q N(v); b = E v + hφ₁(2N(a) − N(v)); v⁺ = E v + F₁N(v) + 4F₂N(a) + F₃N(b)
  etdrk3: {
    registers: ['v', 'a', 'b', 'Nv', 'Na', 'Nb'],
    coefficients: () => ({
      E: linearIn((z) => cexp(z)),
      E2: linearIn((z) => cexp(cscale(z, 0.5))),
      Q: viaContour(halfPhi),
      twoHPhi1: viaContour(phi1, (h) => 2 * h),
      minusHPhi1: viaContour(phi1, (h) => -h),
      F1: viaContour(f1),
      fourF2: viaContour(f2, (h) => 4 * h),
      F3: viaContour(f3),
    }),
    step: () => [
      N('v', 'Nv'),
      combine('a', ['v', arr('E2')], ['Nv', arr('Q')]),
      N('a', 'Na'),
      combine('b', ['v', arr('E')], ['Na', arr('twoHPhi1')], ['Nv', arr('minusHPhi1')]),
      N('b', 'Nb'),
      combine('v', ['v', arr('E')], ['Nv', arr('F1')], ['Na', arr('fourF2')], ['Nb', arr('F3')]),
    ],
  },
  // Cox–Matthews: a = E₂v + QN(v); b = E₂v + QN(a); c = E₂a + Q(2N(b) − N(v));
  // v⁺ = Ev + F₁N(v) + 2F₂(N(a) + N(b)) + F₃N(c)  (stage c uses E₂·a, not E·v: the Exponax docstring erratum, §3.3)
  etdrk4: {
    registers: ['v', 'a', 'b', 'c', 'Nv', 'Na', 'Nb', 'Nc'],
    coefficients: () => ({
      E: linearIn((z) => cexp(z)),
      E2: linearIn((z) => cexp(cscale(z, 0.5))),
      Q: viaContour(halfPhi),
      twoQ: viaContour(halfPhi, (h) => 2 * h),
      minusQ: viaContour(halfPhi, (h) => -h),
      F1: viaContour(f1),
      twoF2: viaContour(f2, (h) => 2 * h),
      F3: viaContour(f3),
    }),
    step: () => [
      N('v', 'Nv'),
      combine('a', ['v', arr('E2')], ['Nv', arr('Q')]),
      N('a', 'Na'),
      combine('b', ['v', arr('E2')], ['Na', arr('Q')]),
      N('b', 'Nb'),
      combine('c', ['a', arr('E2')], ['Nb', arr('twoQ')], ['Nv', arr('minusQ')]),
      N('c', 'Nc'),
      combine('v', ['v', arr('E')], ['Nv', arr('F1')], ['Na', arr('twoF2')], ['Nb', arr('twoF2')], ['Nc', arr('F3')]),
    ],
  },
};

function countNonlinear(ops: StepperOp[]): number {
  return ops.filter((op) => op.op === 'nonlinear').length;
}

/**
 * The program of one stepper for time step h, given the linear symbol per [channel][k] (interleaved
 * complex, length 2·C·K). Coefficient arrays have the same layout.
 */
export function stepperProgram(name: StepperName, symbol: Float64Array, h: number, mode: CoefficientMode = 'complex'): StepperProgram {
  const definition = DEFINITIONS[name];
  if (!definition) throw new Error(`unknown stepper "${name}"; allowed: ${STEPPERS.join(', ')}`);
  if (!(h > 0 && Number.isFinite(h))) throw new Error(`time step must be a positive finite number, got ${h}`);
  const count = symbol.length / 2;
  let realSymbol = true;
  for (let i = 0; i < count; i++) if (symbol[2 * i + 1] !== 0) realSymbol = false;
  const keepImaginary = mode === 'complex' && !realSymbol;
  const coefficients: Record<string, Float64Array> = {};
  for (const [key, { f, contour }] of Object.entries(definition.coefficients(h))) {
    const out = new Float64Array(2 * count);
    for (let i = 0; i < count; i++) {
      const z: Complex = [h * symbol[2 * i], h * symbol[2 * i + 1]];
      const value = contour ? contourMean((w) => f(w, h), z) : f(z, h);
      out[2 * i] = value[0];
      // contour means: real part only for a real symbol (or on purpose in 'real-part' mode); direct ones are exact
      out[2 * i + 1] = contour && !keepImaginary ? 0 : value[1];
    }
    coefficients[key] = out;
  }
  const step = definition.step(h);
  const first = definition.first?.(h) ?? step;
  return { registers: definition.registers, coefficients, first, step, nonlinearPerStep: countNonlinear(step) };
}
