// Curated PDE presets (issue #5: "presets reproducing the published figures (Chebfun spin catalogue,
// Kassam–Trefethen KS, Pearson's Gray–Scott classes with a class picker)"; specs/pde.md §4, §7.3, §8).
// Each is a spec (pdeSpec.ts) plus where it comes from; the Gray–Scott classes are data for the class picker.

import type { PdeSpecInput } from '../spec/pdeSpec.ts';

export interface PdePreset {
  id: string;
  title: string;
  /** the published source it reproduces, or the lesson it demonstrates */
  source: string;
  spec: PdeSpecInput;
}

const pde = (spec: Omit<PdeSpecInput, 'version' | 'kind'>): PdeSpecInput => ({ version: 1, kind: 'pde', ...spec });

/** Pearson's classes (Science 1993) as catalogued by Munafo's xmorphia, specs §8: example (F, k) and behaviour */
export const PEARSON_CLASSES: { name: string; examples: [number, number][]; behaviour: string }[] = [
  { name: 'α', examples: [[0.01, 0.047], [0.014, 0.053]], behaviour: 'spatio-temporal chaos of wavelets, "fledgling spirals"' },
  { name: 'β', examples: [[0.014, 0.039], [0.026, 0.051]], behaviour: 'chaos with voids opening and refilling' },
  { name: 'γ', examples: [[0.022, 0.051], [0.026, 0.055]], behaviour: 'wormlike or branching stripes with ongoing instability' },
  { name: 'δ', examples: [[0.03, 0.055]], behaviour: 'hexagonal-ish spots and holes (example from a transcription, not confirmed on xmorphia)' },
  { name: 'ε', examples: [[0.018, 0.055], [0.022, 0.059]], behaviour: 'unstable spots with mitosis and die-outs' },
  { name: 'ζ', examples: [[0.022, 0.061], [0.026, 0.059]], behaviour: 'pulsating solitons' },
  { name: 'η', examples: [[0.034, 0.063]], behaviour: 'spots and worms, slow oscillation, eventually steady' },
  { name: 'θ', examples: [[0.03, 0.057], [0.038, 0.061]], behaviour: 'rings turning into stripes and networks' },
  { name: 'ι', examples: [[0.046, 0.0594]], behaviour: 'negatons with molecule-like interactions' },
  { name: 'κ', examples: [[0.05, 0.063]], behaviour: 'worms and stripes growing (example from a transcription, unconfirmed)' },
  { name: 'λ', examples: [[0.026, 0.061], [0.034, 0.065]], behaviour: 'solitons dividing by mitosis into a hexagonal packing, then steady' },
  { name: 'μ', examples: [[0.046, 0.065], [0.058, 0.065]], behaviour: 'worms growing from their ends into parallel stripes' },
];

/** the Pearson-setup spec (D_u = 2e-5, D_v = 1e-5, 2.5 × 2.5, the (½, ¼) square) at one (F, k) */
export function grayScottPearson(F: number, k: number, n = 256): PdeSpecInput {
  return pde({ equation: 'gray-scott', params: { F, k }, grid: { n: [n, n], length: [2.5, 2.5] }, stepper: 'etdrk4', dt: 1, tEnd: 5000 });
}

export const PDE_PRESETS: PdePreset[] = [
  {
    id: 'ks-kassam-trefethen',
    title: 'Kuramoto–Sivashinsky, Kassam–Trefethen (ETDRK4, h = 1/4)',
    source: 'Kassam & Trefethen 2005, kursiv.m: 32π, N = 128, h = 1/4, t ≤ 150 (specs §4.4)',
    spec: pde({ equation: 'ks', grid: { n: [128], length: [32 * Math.PI] }, stepper: 'etdrk4', dt: 0.25, tEnd: 150 }),
  },
  {
    id: 'ks-rk4-blows-up',
    title: 'Kuramoto–Sivashinsky with RK4 at h = 1/4: stiffness',
    source: 'RK4 needs h < 2.785/max|L| = 0.0116 here; ETDRK4 runs at h = 1/4 (specs §4.4, §7.1, §7.3)',
    spec: pde({ equation: 'ks', grid: { n: [128], length: [32 * Math.PI] }, stepper: 'rk4', dt: 0.25, tEnd: 150 }),
  },
  {
    id: 'ks-2d',
    title: 'Kuramoto–Sivashinsky in 2D',
    source: 'u_t + ½|∇u|² + Δu + Δ²u = 0 (Exponax KuramotoSivashinsky, specs §3.2)',
    spec: pde({ equation: 'ks', grid: { n: [128, 128], length: [20 * Math.PI, 20 * Math.PI] } }),
  },
  {
    id: 'kdv-two-soliton',
    title: 'KdV two-soliton collision',
    source: 'exact two-soliton, k = (2, 1.2) (specs §6.6)',
    spec: pde({ equation: 'kdv' }),
  },
  {
    id: 'kdv-real-part-pitfall',
    title: 'KdV with real-part φ-coefficients (the pitfall)',
    source: 'Exponax and kursiv.m copies take .real of the contour means: ETDRK4 drops to first order on KdV (specs §3.3, §7.3)',
    spec: pde({ equation: 'kdv', coefficients: 'real-part' }),
  },
  {
    id: 'burgers-chebfun',
    title: 'Burgers: a steepening front',
    source: "Chebfun spin('Burg') (specs §4.2)",
    spec: pde({ equation: 'burgers' }),
  },
  {
    id: 'allen-cahn-chebfun',
    title: 'Allen–Cahn: metastable interfaces',
    source: "Chebfun spin('AC'): ε² = 5e-3, N = 256, dt = 0.1 (specs §4.2)",
    spec: pde({ equation: 'allen-cahn' }),
  },
  {
    id: 'allen-cahn-2d',
    title: 'Allen–Cahn in 2D: coarsening',
    source: 'random initial state, ε = 0.0707 (specs §6.10)',
    spec: pde({ equation: 'allen-cahn', grid: { n: [128, 128], length: [2 * Math.PI, 2 * Math.PI] } }),
  },
  {
    id: 'cahn-hilliard-chebfun',
    title: 'Cahn–Hilliard: phase separation',
    source: "Chebfun spin('CH') on [−1, 1] (time rescaled by 0.01 to u_t = Δ(u³ − u − γΔu)) (specs §4.2)",
    spec: pde({ equation: 'cahn-hilliard' }),
  },
  {
    id: 'swift-hohenberg-rolls',
    title: 'Swift–Hohenberg: Rayleigh–Bénard rolls',
    source: "Chebfun spin2('SH'): [0, 50]², N = 128, r = 0.1, dt = 1 (specs §4.3)",
    spec: pde({ equation: 'swift-hohenberg', grid: { n: [128, 128], length: [50, 50] } }),
  },
  {
    id: 'gray-scott-1d',
    title: 'Gray–Scott in 1D: pulse splitting',
    source: "Chebfun spin('GS'): [−50, 50], D_u = 1, D_v = 0.01, F = 0.02, F + k = 0.0862 (specs §4.2)",
    spec: pde({ equation: 'gray-scott', params: { Du: 1, Dv: 0.01, F: 0.02, k: 0.0662 } }),
  },
  ...PEARSON_CLASSES.map(
    (c): PdePreset => ({
      id: `gray-scott-pearson-${c.name}`,
      title: `Gray–Scott, Pearson class ${c.name}`,
      source: `Pearson 1993 class ${c.name} at (F, k) = (${c.examples[0].join(', ')}): ${c.behaviour} (specs §8)`,
      spec: grayScottPearson(c.examples[0][0], c.examples[0][1]),
    }),
  ),
  {
    id: 'gray-scott-phase-map',
    title: 'Gray–Scott phase map: every (F, k) in one simulation',
    source: "VisualPDE's GrayScottPearsonClassification (F = 0 … 0.07 along y, k = 0.02 … 0.068 along x; specs §8), mirrored to fit the periodic box",
    spec: pde({ equation: 'gray-scott-map' }),
  },
  {
    id: 'nls-soliton',
    title: 'Nonlinear Schrödinger: a moving soliton',
    source: 'exact soliton a = 1.5, v = 1 (specs §6.9)',
    spec: pde({ equation: 'nls' }),
  },
  {
    id: 'fisher-kpp-fronts',
    title: 'Fisher–KPP: travelling fronts',
    source: 'fronts at speed 2√(Dr) (Exponax FisherKPP, specs §3.2)',
    spec: pde({ equation: 'fisher-kpp' }),
  },
  {
    id: 'navier-stokes-decaying',
    title: '2D Navier–Stokes: decaying turbulence',
    source: 'Exponax NavierStokesVorticity "decaying turbulence" (specs §3.2)',
    spec: pde({ equation: 'navier-stokes-2d' }),
  },
  {
    id: 'navier-stokes-kolmogorov',
    title: '2D Navier–Stokes: Kolmogorov flow',
    source: 'Exponax KolmogorovFlowVorticity: forcing at k_f = 4, drag μ = 0.1, ν = 1e-3 (specs §3.2)',
    spec: pde({ equation: 'navier-stokes-2d', params: { A: 1, kf: 4, mu: 0.1 }, ic: { type: 'random', cutoff: 4, amplitude: 1 } }),
  },
  {
    id: 'heat-unstable-euler',
    title: 'Heat equation with forward Euler beyond its limit',
    source: 'FE needs ν·dt·k_max² ≤ 2: here 0.1·0.02·64² = 8.2 (specs §7.1, §7.3)',
    spec: pde({ equation: 'heat', stepper: 'euler', dt: 0.02 }),
  },
];
