// The equation registry (issue #5; specs/pde.md §3.2, §4, §8, §9.3). Each equation is its linear symbol
// L(k) plus its pseudo-spectral nonlinear term (types.ts), with parameters, presets and invariants.
// Conventions: periodic box x_j = j·L/n on [0, L) per axis; parameters named by the ASCII spelling of
// their symbol; k = 2π m/L, with the Nyquist mode zeroed in odd derivatives (WaveVector.kOdd).

import { ipow } from './complex.ts';
import { complexField, gradientSquaredIntegral, integral, randomFourierField, realField, volume } from './fields.ts';
import { gridSize, waveVectors } from './grid.ts';
import type { Complex, Equation, Grid, Invariant, NonlinearTerm, Params, WaveVector } from './types.ts';

const QUADRATIC = 2 / 3;
const CUBIC = 1 / 2;
const identity = (): Complex => [1, 0];
/** i·k along an axis (odd derivative: Nyquist zeroed) */
const ddx = (axis: number) => (w: WaveVector): Complex => ipow(w.kOdd[axis] ?? 0, 1);

// ---- invariants -------------------------------------------------------------------------------------

const mass = (c = 0, name = 'mass'): Invariant => ({
  id: name,
  description: `∫ ${name === 'mass' ? 'u' : name} dx`,
  expect: 'conserved',
  compute: (u, _s, g) => integral(u, g, c, (re) => re),
});
const l2Energy = (expect: Invariant['expect'], c = 0): Invariant => ({
  id: 'energy',
  description: '½ ∫ u² dx',
  expect,
  compute: (u, _s, g) => 0.5 * integral(u, g, c, (re, im) => re * re + im * im),
});
/** the Ginzburg–Landau free energy ∫ (κ/2 |∇u|² + ¼(u² − 1)²) dx of Allen–Cahn (κ = ε²) and Cahn–Hilliard (κ = γ) */
const freeEnergy = (kappa: (p: Params) => number): Invariant => ({
  id: 'free-energy',
  description: '∫ (κ/2 |∇u|² + ¼(u² − 1)²) dx',
  expect: 'non-increasing',
  compute: (u, s, g, p) => (kappa(p) / 2) * gradientSquaredIntegral(s, g, 0) + integral(u, g, 0, (re) => 0.25 * (re * re - 1) ** 2),
});
/** Σ_k w(k) |û_k|² scaled to an integral (Parseval) */
function spectralIntegral(s: Float64Array, g: Grid, c: number, w: (k: WaveVector) => number): number {
  const size = gridSize(g);
  const waves = waveVectors(g);
  let sum = 0;
  for (let i = 0; i < size; i++) sum += w(waves[i]) * (s[2 * (c * size + i)] ** 2 + s[2 * (c * size + i) + 1] ** 2);
  return (sum * volume(g)) / (size * size);
}

// ---- nonlinear terms ----------------------------------------------------------------------------------

/** N = −½ ∂x(u²) (conservative form of −u u_x) */
function conservativeAdvection(scale: number): NonlinearTerm {
  return {
    inputs: [{ channel: 0, multiplier: identity }],
    outputs: [{ channel: 0, multiplier: ddx(0) }],
    pointwise: (inp, _x, _p, out) => {
      out[0] = -0.5 * scale * inp[0] * inp[0];
      out[1] = 0;
    },
    wgsl: `let u = inp[0].x; return array<vec2f, 1>(vec2f(${(-0.5 * scale).toFixed(1)} * u * u, 0.0));`,
    dealias: QUADRATIC,
  };
}

/** N = a·u² + b·u³ + c (a polynomial reaction, coefficients from the parameters) */
function polynomial(coefs: (p: Params) => [number, number, number], wgsl: string): NonlinearTerm {
  return {
    inputs: [{ channel: 0, multiplier: identity }],
    outputs: [{ channel: 0, multiplier: identity }],
    pointwise: (inp, _x, p, out) => {
      const [a, b, c] = coefs(p);
      const u = inp[0];
      out[0] = a * u * u + b * u * u * u + c;
      out[1] = 0;
    },
    wgsl,
    dealias: CUBIC,
  };
}

/** a reaction of two fields (u, v): both taken to physical space as they are, both outputs added to N̂ as they are */
const TWO_FIELD_REACTION: Pick<NonlinearTerm, 'inputs' | 'outputs'> = {
  inputs: [
    { channel: 0, multiplier: identity },
    { channel: 1, multiplier: identity },
  ],
  outputs: [
    { channel: 0, multiplier: identity },
    { channel: 1, multiplier: identity },
  ],
};

// ---- the registry -------------------------------------------------------------------------------------

const box = (n: number, length: number, dims: number): Grid => ({ n: Array(dims).fill(n), length: Array(dims).fill(length) });

export const EQUATIONS: Record<string, Equation> = {
  heat: {
    id: 'heat',
    title: 'Heat equation',
    formula: 'u_t = ν Δu',
    channels: ['u'],
    complexField: false,
    params: { nu: { default: 0.1, min: 0, max: 10, description: 'diffusivity ν', unit: 'L²/T' } },
    linear: (w, p) => [[-p.nu * w.k2, 0]],
    defaults: {
      1: { grid: box(128, 2 * Math.PI, 1), dt: 0.01, tEnd: 2, stepper: 'etdrk4' },
      2: { grid: box(64, 2 * Math.PI, 2), dt: 0.01, tEnd: 2, stepper: 'etdrk4' },
    },
    preset: {
      description: 'a few sine modes: sin x + ½ sin 3x + ¼ cos 7x (× cos 2y in 2D)',
      build: (g) => realField(g, 1, ([x, y = 0]) => [(Math.sin(x) + 0.5 * Math.sin(3 * x) + 0.25 * Math.cos(7 * x)) * Math.cos(2 * y)]),
    },
    invariants: [mass(), l2Energy('non-increasing')],
    source: 'exact: û_k(t) = e^{−ν|k|²t} û_k(0) (specs/pde.md §6.1)',
  },

  advection: {
    id: 'advection',
    title: 'Advection',
    formula: 'u_t + c·∇u = 0',
    channels: ['u'],
    complexField: false,
    params: {
      c: { default: 1, min: -10, max: 10, description: 'velocity c along x', unit: 'L/T' },
      cy: { default: 0, min: -10, max: 10, description: 'velocity along y (2D)', unit: 'L/T' },
    },
    linear: (w, p) => [[0, -(p.c * w.kOdd[0] + (w.kOdd[1] ?? 0) * p.cy)]],
    defaults: {
      1: { grid: box(128, 2 * Math.PI, 1), dt: 0.05, tEnd: 2 * Math.PI, stepper: 'etdrk4' },
      2: { grid: box(64, 2 * Math.PI, 2), dt: 0.05, tEnd: 2 * Math.PI, stepper: 'etdrk4' },
    },
    preset: {
      description: 'a smooth periodic bump e^{4(cos(x − π) − 1)} (× the same in y)',
      build: (g) => realField(g, 1, ([x, y]) => [Math.exp(4 * (Math.cos(x - Math.PI) - 1)) * (y === undefined ? 1 : Math.exp(4 * (Math.cos(y - Math.PI) - 1)))]),
    },
    invariants: [mass(), l2Energy('conserved')],
    source: 'exact: u(x, t) = u₀(x − ct) (specs/pde.md §6.2)',
  },

  burgers: {
    id: 'burgers',
    title: 'Viscous Burgers',
    formula: 'u_t + u u_x = ν u_xx',
    channels: ['u'],
    complexField: false,
    params: { nu: { default: 1e-3, min: 1e-5, max: 10, description: 'viscosity ν', unit: 'L²/T' } },
    linear: (w, p) => [[-p.nu * w.k2, 0]],
    nonlinear: () => conservativeAdvection(1),
    defaults: { 1: { grid: box(512, 2, 1), dt: 5e-3, tEnd: 20, stepper: 'etdrk4' } },
    preset: {
      description: "Chebfun spin('Burg'): (1 − x²) e^{−30(x + ½)²} on [−1, 1)",
      build: (g) => realField(g, 1, ([x]) => [(1 - (x - 1) ** 2) * Math.exp(-30 * (x - 1 + 0.5) ** 2)]),
    },
    invariants: [mass(), l2Energy('non-increasing')],
    source: "Chebfun spin('Burg') (specs/pde.md §4.2); exact Cole–Hopf test §6.4",
  },

  kdv: {
    id: 'kdv',
    title: 'Korteweg–de Vries',
    formula: 'u_t + 6 u u_x + u_xxx = 0',
    channels: ['u'],
    complexField: false,
    params: {},
    // u_t = −u_xxx: L = −(ik)³ = i k³ (dispersive: imaginary symbol)
    linear: (w) => [[0, w.kOdd[0] ** 3]],
    nonlinear: () => conservativeAdvection(6),
    defaults: { 1: { grid: box(512, 60, 1), dt: 1e-3, tEnd: 6, stepper: 'etdrk4' } },
    preset: {
      description: 'two solitons (k = 2 at x = 15 overtakes k = 1.2 at x = 25), the exact solution at t = 0',
      build: (g) => realField(g, 1, ([x]) => [kdvTwoSoliton(x, 0, KDV_TWO_SOLITON)]),
    },
    invariants: [
      mass(),
      l2Energy('conserved'),
      {
        id: 'hamiltonian',
        description: '∫ (½ u_x² − u³) dx',
        expect: 'conserved',
        compute: (u, s, g) => 0.5 * gradientSquaredIntegral(s, g, 0) - integral(u, g, 0, (re) => re ** 3),
      },
    ],
    source: 'exact two-soliton (specs/pde.md §6.6)',
  },

  ks: {
    id: 'ks',
    title: 'Kuramoto–Sivashinsky',
    formula: '1D: u_t + u u_x + u_xx + u_xxxx = 0; 2D: u_t + ½|∇u|² + Δu + Δ²u = 0',
    channels: ['u'],
    complexField: false,
    params: {},
    linear: (w) => [[w.k2 - w.k2 * w.k2, 0]],
    nonlinear: (dims) =>
      dims === 1
        ? conservativeAdvection(1)
        : {
            inputs: [
              { channel: 0, multiplier: ddx(0) },
              { channel: 0, multiplier: ddx(1) },
            ],
            outputs: [{ channel: 0, multiplier: identity }],
            pointwise: (inp, _x, _p, out) => {
              out[0] = -0.5 * (inp[0] * inp[0] + inp[2] * inp[2]);
              out[1] = 0;
            },
            wgsl: 'let ux = inp[0].x; let uy = inp[1].x; return array<vec2f, 1>(vec2f(-0.5 * (ux * ux + uy * uy), 0.0));',
            dealias: QUADRATIC,
          },
    defaults: {
      // Kassam–Trefethen kursiv.m: domain 32π, N = 128, h = 1/4, t ≤ 150 (specs §4.4)
      1: { grid: box(128, 32 * Math.PI, 1), dt: 0.25, tEnd: 150, stepper: 'etdrk4' },
      2: { grid: box(128, 20 * Math.PI, 2), dt: 0.1, tEnd: 100, stepper: 'etdrk4' },
    },
    preset: {
      description: '1D: Kassam–Trefethen u₀ = cos(x/16)(1 + sin(x/16)); 2D: random truncated Fourier series (cutoff 5, max |u| = 1)',
      build: (g, _p, seed) =>
        g.n.length === 1 ? realField(g, 1, ([x]) => [Math.cos(x / 16) * (1 + Math.sin(x / 16))]) : randomFourierField(g, 1, seed, 5, 1),
    },
    invariants: [mass()],
    source: 'Kassam & Trefethen 2005, kursiv.m (specs/pde.md §4.4); 2D: Exponax KuramotoSivashinsky',
  },

  'allen-cahn': {
    id: 'allen-cahn',
    title: 'Allen–Cahn',
    formula: 'u_t = ε² Δu + u − u³',
    channels: ['u'],
    complexField: false,
    params: { eps: { default: Math.sqrt(5e-3), min: 1e-3, max: 1, description: 'interface width ε', unit: 'L' } },
    linear: (w, p) => [[1 - p.eps * p.eps * w.k2, 0]],
    nonlinear: () => polynomial(() => [0, -1, 0], 'let u = inp[0].x; return array<vec2f, 1>(vec2f(-u * u * u, 0.0));'),
    defaults: {
      1: { grid: box(256, 2 * Math.PI, 1), dt: 0.1, tEnd: 500, stepper: 'etdrk4' },
      2: { grid: box(128, 2 * Math.PI, 2), dt: 0.1, tEnd: 50, stepper: 'etdrk4' },
    },
    preset: {
      description: "1D: Chebfun spin('AC') ⅓tanh(2 sin x) − e^{−23.5(x−π/2)²} + e^{−27(x−4.2)²} + e^{−38(x−5.4)²}; 2D: random (cutoff 8, max |u| = 1)",
      build: (g, _p, seed) =>
        g.n.length === 1
          ? realField(g, 1, ([x]) => [
              Math.tanh(2 * Math.sin(x)) / 3 - Math.exp(-23.5 * (x - Math.PI / 2) ** 2) + Math.exp(-27 * (x - 4.2) ** 2) + Math.exp(-38 * (x - 5.4) ** 2),
            ])
          : randomFourierField(g, 1, seed, 8, 1),
    },
    invariants: [freeEnergy((p) => p.eps * p.eps)],
    source: "Chebfun spin('AC') (specs/pde.md §4.2); energy decay §6.10",
  },

  'cahn-hilliard': {
    id: 'cahn-hilliard',
    title: 'Cahn–Hilliard',
    formula: 'u_t = Δ(u³ − u − γ Δu)',
    channels: ['u'],
    complexField: false,
    params: { gamma: { default: 1e-3, min: 1e-5, max: 1, description: 'interface energy γ', unit: 'L²' } },
    // Δ(−u − γΔu) → k² − γ k⁴
    linear: (w, p) => [[w.k2 - p.gamma * w.k2 * w.k2, 0]],
    nonlinear: () => ({
      inputs: [{ channel: 0, multiplier: identity }],
      outputs: [{ channel: 0, multiplier: (w) => [-w.k2, 0] }],
      pointwise: (inp, _x, _p, out) => {
        out[0] = inp[0] ** 3;
        out[1] = 0;
      },
      wgsl: 'let u = inp[0].x; return array<vec2f, 1>(vec2f(u * u * u, 0.0));',
      dealias: CUBIC,
    }),
    defaults: {
      // Chebfun's CH is u_t = 0.01·Δ(u³ − u − 1e-3 Δu) on [−1, 1], t ≤ 100, dt 0.02: in our time units ×0.01
      1: { grid: box(256, 2, 1), dt: 2e-4, tEnd: 1, stepper: 'etdrk4' },
      2: { grid: box(64, 2, 2), dt: 1e-4, tEnd: 0.5, stepper: 'etdrk4' },
    },
    preset: {
      description: "1D: Chebfun spin('CH') ⅕ sin⁵(4πx) − ⅘ sin(πx) on [−1, 1) (time rescaled by 0.01); 2D: random (cutoff 10, max |u| = 0.1)",
      build: (g, _p, seed) =>
        g.n.length === 1
          ? realField(g, 1, ([x]) => [Math.sin(4 * Math.PI * (x - 1)) ** 5 / 5 - (4 / 5) * Math.sin(Math.PI * (x - 1))])
          : randomFourierField(g, 1, seed, 10, 0.1),
    },
    invariants: [mass(), freeEnergy((p) => p.gamma)],
    source: "Chebfun spin('CH') (specs/pde.md §4.2); mass conservation and energy decay §6.11",
  },

  'swift-hohenberg': {
    id: 'swift-hohenberg',
    title: 'Swift–Hohenberg',
    formula: 'u_t = r u − (1 + Δ)² u + g u² − u³',
    channels: ['u'],
    complexField: false,
    params: {
      r: { default: 0.1, min: -1, max: 2, description: 'bifurcation parameter r', unit: '1' },
      g: { default: 0, min: -2, max: 2, description: 'quadratic coefficient g', unit: '1/U' },
    },
    linear: (w, p) => [[p.r - (1 - w.k2) ** 2, 0]],
    nonlinear: () => polynomial((p) => [p.g, -1, 0], 'let u = inp[0].x; return array<vec2f, 1>(vec2f(P.g * u * u - u * u * u, 0.0));'),
    defaults: {
      1: { grid: box(256, 32 * Math.PI, 1), dt: 1, tEnd: 400, stepper: 'etdrk4' },
      // Chebfun spin2('SH'): [0, 50]², N = 128, dt = 1, t ≤ 800, r = 0.1
      2: { grid: box(128, 50, 2), dt: 1, tEnd: 800, stepper: 'etdrk4' },
    },
    preset: {
      description: 'random truncated Fourier series (cutoff 16, max |u| = 0.1)',
      build: (g, _p, seed) => randomFourierField(g, 1, seed, 16, 0.1),
    },
    invariants: [
      {
        id: 'lyapunov',
        description: '∫ (½((1 + Δ)u)² − r/2 u² − g/3 u³ + ¼u⁴) dx',
        expect: 'non-increasing',
        compute: (u, s, g, p) =>
          0.5 * spectralIntegral(s, g, 0, (w) => (1 - w.k2) ** 2) + integral(u, g, 0, (re) => (-p.r / 2) * re * re - (p.g / 3) * re ** 3 + 0.25 * re ** 4),
      },
    ],
    source: "Chebfun spin2('SH') (specs/pde.md §4.3)",
  },

  'fisher-kpp': {
    id: 'fisher-kpp',
    title: 'Fisher–KPP',
    formula: 'u_t = D Δu + r u (1 − u)',
    channels: ['u'],
    complexField: false,
    params: {
      D: { default: 0.01, min: 0, max: 10, description: 'diffusivity D', unit: 'L²/T' },
      r: { default: 1, min: 0, max: 100, description: 'growth rate r', unit: '1/T' },
    },
    linear: (w, p) => [[p.r - p.D * w.k2, 0]],
    nonlinear: () => ({ ...polynomial((p) => [-p.r, 0, 0], 'let u = inp[0].x; return array<vec2f, 1>(vec2f(-P.r * u * u, 0.0));'), dealias: QUADRATIC }),
    defaults: {
      1: { grid: box(256, 1, 1), dt: 0.01, tEnd: 2, stepper: 'etdrk4' },
      2: { grid: box(128, 1, 2), dt: 0.01, tEnd: 2, stepper: 'etdrk4' },
    },
    preset: {
      description: 'a population bump e^{−400|x − ½|²} spreading as two fronts of speed 2√(Dr)',
      build: (g) => realField(g, 1, (x) => [Math.exp(-400 * x.reduce((s, xi) => s + (xi - 0.5) ** 2, 0))]),
    },
    invariants: [mass()],
    source: 'Exponax FisherKPP good values (specs/pde.md §3.2)',
  },

  'gray-scott': {
    id: 'gray-scott',
    title: 'Gray–Scott',
    formula: 'u_t = D_u Δu − u v² + F (1 − u), v_t = D_v Δv + u v² − (F + k) v',
    channels: ['u', 'v'],
    complexField: false,
    params: {
      Du: { default: 2e-5, min: 0, max: 10, description: 'diffusivity of u', unit: 'L²/T' },
      Dv: { default: 1e-5, min: 0, max: 10, description: 'diffusivity of v', unit: 'L²/T' },
      F: { default: 0.037, min: 0, max: 0.2, description: 'feed rate F', unit: '1/T' },
      k: { default: 0.06, min: 0, max: 0.2, description: 'kill rate k', unit: '1/T' },
    },
    linear: (w, p) => [
      [-p.Du * w.k2 - p.F, 0],
      [-p.Dv * w.k2 - (p.F + p.k), 0],
    ],
    nonlinear: () => ({
      ...TWO_FIELD_REACTION,
      pointwise: (inp, _x, p, out) => {
        const uvv = inp[0] * inp[2] * inp[2];
        out[0] = -uvv + p.F;
        out[1] = 0;
        out[2] = uvv;
        out[3] = 0;
      },
      wgsl: 'let uvv = inp[0].x * inp[1].x * inp[1].x; return array<vec2f, 2>(vec2f(-uvv + P.F, 0.0), vec2f(uvv, 0.0));',
      dealias: CUBIC,
    }),
    defaults: {
      // Chebfun spin('GS'): [−50, 50], N = 512, dt = 2, t ≤ 8000 with D_u = 1, D_v = 0.01, F = 0.02, F + k = 0.0862
      1: { grid: box(512, 100, 1), dt: 2, tEnd: 8000, stepper: 'etdrk4' },
      // Pearson 1993: 2.5 × 2.5 on 256², D_u = 2e-5, D_v = 1e-5 (specs §8)
      2: { grid: box(256, 2.5, 2), dt: 1, tEnd: 5000, stepper: 'etdrk4' },
    },
    preset: {
      description: "2D: Pearson's (½, ¼) square of side 0.2 on (1, 0) with 1% seeded noise; 1D: Chebfun's sin¹⁰⁰ pulse",
      build: (g, _p, seed) => {
        if (g.n.length === 1) {
          return realField(g, 2, ([x]) => {
            const s = Math.sin((Math.PI * (x - 100)) / 100) ** 100;
            return [1 - 0.5 * s, 0.25 * s];
          });
        }
        const noise = randomFourierField(g, 2, seed, 32, 0.01);
        return realField(g, 2, ([x, y]) => {
          const inside = Math.abs(x - g.length[0] / 2) < 0.1 && Math.abs(y - g.length[1] / 2) < 0.1;
          return inside ? [0.5, 0.25] : [1, 0];
        }).map((value, i) => value + noise[i]);
      },
    },
    invariants: [mass(0, 'u'), mass(1, 'v')].map((inv) => ({ ...inv, expect: 'none' as const })),
    source: 'Pearson 1993, Science 261:189 (specs/pde.md §8); 1D: Chebfun spin(\'GS\')',
  },

  'gray-scott-map': {
    id: 'gray-scott-map',
    title: 'Gray–Scott phase map (F along y, k along x)',
    formula: 'Gray–Scott with F = F(y), k = k(x): u_t = D_u Δu − u v² + F(y)(1 − u), v_t = D_v Δv + u v² − (F(y) + k(x)) v',
    channels: ['u', 'v'],
    complexField: false,
    params: {
      Du: { default: 2e-5, min: 0, max: 10, description: 'diffusivity of u', unit: 'L²/T' },
      Dv: { default: 1e-5, min: 0, max: 10, description: 'diffusivity of v', unit: 'L²/T' },
      Fmin: { default: 0, min: 0, max: 0.2, description: 'feed rate at the edges (y = 0, L)', unit: '1/T' },
      Fmax: { default: 0.07, min: 0, max: 0.2, description: 'feed rate in the middle (y = L/2)', unit: '1/T' },
      kmin: { default: 0.02, min: 0, max: 0.2, description: 'kill rate at the edges (x = 0, L)', unit: '1/T' },
      kmax: { default: 0.068, min: 0, max: 0.2, description: 'kill rate in the middle (x = L/2)', unit: '1/T' },
    },
    // only diffusion is linear: F and k vary in space, so the reaction (with its F, F + k terms) is all in N
    linear: (w, p) => [
      [-p.Du * w.k2, 0],
      [-p.Dv * w.k2, 0],
    ],
    nonlinear: () => ({
      ...TWO_FIELD_REACTION,
      pointwise: (inp, x, p, out) => {
        const [F, k] = phaseMapRates(x, p);
        const [u, v] = [inp[0], inp[2]];
        const uvv = u * v * v;
        out[0] = -uvv + F * (1 - u);
        out[1] = 0;
        out[2] = uvv - (F + k) * v;
        out[3] = 0;
      },
      // the ramps read the box lengths P.Lx, P.Ly (phaseMapRates is the float64 twin)
      wgsl:
        'let s = x / vec2f(P.Lx, P.Ly); let tri = 1.0 - abs(2.0 * s - 1.0); let F = P.Fmin + (P.Fmax - P.Fmin) * tri.y; let k = P.kmin + (P.kmax - P.kmin) * tri.x; ' +
        'let u = inp[0].x; let v = inp[1].x; let uvv = u * v * v; return array<vec2f, 2>(vec2f(-uvv + F * (1.0 - u), 0.0), vec2f(uvv - (F + k) * v, 0.0));',
      dealias: CUBIC,
    }),
    defaults: { 2: { grid: box(256, 2.5, 2), dt: 1, tEnd: 10000, stepper: 'etdrk4' } },
    preset: {
      description: 'u = 1, v = 0 with seeded spots of (½, ¼) everywhere, so every (F, k) gets a seed',
      build: (g, _p, seed) => {
        const noise = randomFourierField(g, 1, seed, 24, 1);
        const size = gridSize(g);
        const out = realField(g, 2, () => [1, 0]);
        for (let i = 0; i < size; i++) {
          if (noise[2 * i] <= 0.45) continue;
          out[2 * i] = 0.5;
          out[2 * (size + i)] = 0.25;
        }
        return out;
      },
    },
    invariants: [mass(0, 'u'), mass(1, 'v')].map((inv) => ({ ...inv, expect: 'none' as const })),
    source:
      "VisualPDE's GrayScottPearsonClassification (specs §8), made periodic: F and k rise as triangle ramps from the edges to the middle, so the map appears mirrored four times without a seam",
  },

  nls: {
    id: 'nls',
    title: 'Nonlinear Schrödinger (focusing)',
    formula: 'i ψ_t + ½ ψ_xx + |ψ|² ψ = 0',
    channels: ['psi'],
    complexField: true,
    params: {},
    // ψ_t = (i/2) ψ_xx + i|ψ|²ψ: L = −i k²/2
    linear: (w) => [[0, -0.5 * w.k2]],
    nonlinear: () => ({
      inputs: [{ channel: 0, multiplier: identity }],
      outputs: [{ channel: 0, multiplier: identity }],
      pointwise: (inp, _x, _p, out) => {
        const m = inp[0] * inp[0] + inp[1] * inp[1];
        // i|ψ|²ψ
        out[0] = -m * inp[1];
        out[1] = m * inp[0];
      },
      wgsl: 'let psi = inp[0]; let m = dot(psi, psi); return array<vec2f, 1>(vec2f(-m * psi.y, m * psi.x));',
      dealias: CUBIC,
    }),
    defaults: { 1: { grid: box(512, 40, 1), dt: 0.0125, tEnd: 2, stepper: 'etdrk4' } },
    preset: {
      description: 'a moving soliton a = 1.5, v = 1 at x = −5 on [−20, 20)',
      build: (g) => complexField(g, ([x]) => nlsSoliton(x - 20, 0, NLS_SOLITON)),
    },
    invariants: [
      { id: 'mass', description: '∫ |ψ|² dx', expect: 'conserved', compute: (u, _s, g) => integral(u, g, 0, (re, im) => re * re + im * im) },
      {
        id: 'hamiltonian',
        description: '∫ (½|ψ_x|² − ½|ψ|⁴) dx',
        expect: 'conserved',
        compute: (u, s, g) => 0.5 * gradientSquaredIntegral(s, g, 0) - 0.5 * integral(u, g, 0, (re, im) => (re * re + im * im) ** 2),
      },
    ],
    source: 'exact soliton (specs/pde.md §6.9)',
  },

  'navier-stokes-2d': {
    id: 'navier-stokes-2d',
    title: '2D Navier–Stokes (vorticity)',
    formula: 'ω_t + u·∇ω = ν Δω − μ ω + f, u = (∂_y ψ, −∂_x ψ), Δψ = −ω, f = A·k_f·cos(k_f y)',
    channels: ['omega'],
    complexField: false,
    params: {
      nu: { default: 1e-3, min: 1e-6, max: 1, description: 'viscosity ν', unit: 'L²/T' },
      mu: { default: 0, min: 0, max: 1, description: 'linear drag μ', unit: '1/T' },
      A: { default: 0, min: 0, max: 10, description: 'Kolmogorov forcing amplitude A', unit: 'L/T²' },
      kf: { default: 4, min: 1, max: 32, description: 'forcing wavenumber k_f', unit: '1/L' },
    },
    linear: (w, p) => [[-p.nu * w.k2 - p.mu, 0]],
    nonlinear: () => {
      // ψ̂ = ω̂/|k|² (k = 0 → 0); u = ∂_y ψ → i k_y/|k|², v = −∂_x ψ → −i k_x/|k|²
      const inverseLaplacian = (w: WaveVector) => (w.k2 === 0 ? 0 : 1 / w.k2);
      return {
        inputs: [
          { channel: 0, multiplier: (w) => [0, w.kOdd[1] * inverseLaplacian(w)] },
          { channel: 0, multiplier: (w) => [0, -w.kOdd[0] * inverseLaplacian(w)] },
          { channel: 0, multiplier: ddx(0) },
          { channel: 0, multiplier: ddx(1) },
        ],
        outputs: [{ channel: 0, multiplier: identity }],
        pointwise: (inp, x, p, out) => {
          out[0] = -(inp[0] * inp[4] + inp[2] * inp[6]) + p.A * p.kf * Math.cos(p.kf * x[1]);
          out[1] = 0;
        },
        wgsl: 'let adv = inp[0].x * inp[2].x + inp[1].x * inp[3].x; return array<vec2f, 1>(vec2f(-adv + P.A * P.kf * pde_cos(P.kf * x.y), 0.0));',
        dealias: QUADRATIC,
      };
    },
    defaults: { 2: { grid: box(128, 2 * Math.PI, 2), dt: 0.01, tEnd: 50, stepper: 'etdrk4' } },
    preset: {
      description: 'decaying turbulence: random vorticity (cutoff 4, max |ω| = 5)',
      build: (g, _p, seed) => randomFourierField(g, 1, seed, 4, 5),
    },
    invariants: [
      { id: 'energy', description: '½ ∫ |u|² dx', expect: 'none', compute: (_u, s, g) => 0.5 * spectralIntegral(s, g, 0, (w) => (w.k2 === 0 ? 0 : 1 / w.k2)) },
      { id: 'enstrophy', description: '½ ∫ ω² dx', expect: 'none', compute: (u, _s, g) => 0.5 * integral(u, g, 0, (re) => re * re) },
    ],
    source: 'Exponax NavierStokesVorticity / KolmogorovFlowVorticity (specs/pde.md §3.2); Taylor–Green §6.7',
  },
};

export const EQUATION_IDS = Object.keys(EQUATIONS);

/** F(y), k(x) of the phase map: triangle ramps 0 at the box edges → 1 in the middle (periodic, no seam) */
export function phaseMapRates(x: number[], p: Params): [number, number] {
  const tri = (value: number, length: number) => 1 - Math.abs((2 * value) / length - 1);
  return [p.Fmin + (p.Fmax - p.Fmin) * tri(x[1], p.Ly), p.kmin + (p.kmax - p.kmin) * tri(x[0], p.Lx)];
}

/** the equation's parameters with defaults filled in (unknown names are the spec's job to refuse) */
export function resolveParams(equation: Equation, given: Params = {}): Params {
  const out: Params = {};
  for (const [name, spec] of Object.entries(equation.params)) out[name] = given[name] ?? spec.default;
  return out;
}

// ---- exact solutions used by presets and tests (specs/pde.md §6) ----------------------------------------

export interface KdvTwoSoliton {
  k: [number, number];
  x0: [number, number];
}
export const KDV_TWO_SOLITON: KdvTwoSoliton = { k: [2, 1.2], x0: [15, 25] };

/** u = 2 ∂²_x ln τ, τ = 1 + e^{η₁} + e^{η₂} + A₁₂ e^{η₁+η₂}, η_i = k_i(x − x_i) − k_i³ t (u_t + 6uu_x + u_xxx = 0, on ℝ) */
export function kdvTwoSoliton(x: number, t: number, { k, x0 }: KdvTwoSoliton): number {
  const [k1, k2] = k;
  const a12 = ((k1 - k2) / (k1 + k2)) ** 2;
  // shift η by its maximum so that no exponential overflows (τ is rescaled; ln τ'' is invariant)
  const eta1 = k1 * (x - x0[0]) - k1 ** 3 * t;
  const eta2 = k2 * (x - x0[1]) - k2 ** 3 * t;
  const shift = Math.max(0, eta1, eta2, eta1 + eta2);
  const e0 = Math.exp(-shift);
  const e1 = Math.exp(eta1 - shift);
  const e2 = Math.exp(eta2 - shift);
  const e12 = a12 * Math.exp(eta1 + eta2 - shift);
  const tau = e0 + e1 + e2 + e12;
  const tau1 = k1 * e1 + k2 * e2 + (k1 + k2) * e12;
  const tau2 = k1 * k1 * e1 + k2 * k2 * e2 + (k1 + k2) ** 2 * e12;
  return 2 * (tau2 / tau - (tau1 / tau) ** 2);
}

/** single KdV soliton u = (c/2) sech²(√c (x − ct − x₀)/2), on the periodic box of length L (nearest image) */
export function kdvSoliton(x: number, t: number, c: number, x0: number, length: number): number {
  let s = x - c * t - x0;
  s -= length * Math.round(s / length);
  return (c / 2) / Math.cosh((Math.sqrt(c) * s) / 2) ** 2;
}

export interface NlsSoliton {
  a: number;
  v: number;
  x0: number;
}
export const NLS_SOLITON: NlsSoliton = { a: 1.5, v: 1, x0: -5 };

/** ψ = a sech(a(x − x₀ − vt)) exp(i(v(x − x₀) + (a² − v²)t/2)) (iψ_t + ½ψ_xx + |ψ|²ψ = 0, on ℝ) */
export function nlsSoliton(x: number, t: number, { a, v, x0 }: NlsSoliton): [number, number] {
  const amplitude = a / Math.cosh(a * (x - x0 - v * t));
  const phase = v * (x - x0) + ((a * a - v * v) * t) / 2;
  return [amplitude * Math.cos(phase), amplitude * Math.sin(phase)];
}

/** Cole–Hopf Burgers: u = 2νκ a₁ e^{−νκ²t} sin(κx) / (a₀ + a₁ e^{−νκ²t} cos(κx)) (specs §6.4) */
export function coleHopfBurgers(x: number, t: number, nu: number, a0 = 2, a1 = 1, kappa = 1): number {
  const decay = a1 * Math.exp(-nu * kappa * kappa * t);
  return (2 * nu * kappa * decay * Math.sin(kappa * x)) / (a0 + decay * Math.cos(kappa * x));
}
