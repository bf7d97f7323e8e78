// 2D target presets. All are Gaussian mixtures (so their denoiser is exact, §15.1), scaled to about unit
// radius like normalised data. Curved shapes use full covariances aligned with the curve's tangent.

import type { GaussianMixture } from './gmm.ts';

export const TARGET_PRESETS = ['ring8', 'grid25', 'two-moons-gmm', 'swiss-roll-gmm'] as const;
export type TargetPresetName = (typeof TARGET_PRESETS)[number];

const iso = (s: number): number[][] => [
  [s * s, 0],
  [0, s * s],
];

/** covariance with standard deviation `along` on the unit direction (cos θ, sin θ) and `across` normal to it */
function oriented(theta: number, along: number, across: number): number[][] {
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const a = along * along;
  const b = across * across;
  return [
    [a * c * c + b * s * s, (a - b) * c * s],
    [(a - b) * c * s, a * s * s + b * c * c],
  ];
}

function ring8(): GaussianMixture {
  const means = Array.from({ length: 8 }, (_, k) => [Math.cos((2 * Math.PI * k) / 8), Math.sin((2 * Math.PI * k) / 8)]);
  return { weights: means.map(() => 1 / 8), means, covs: means.map(() => iso(0.08)) };
}

function grid25(): GaussianMixture {
  const means: number[][] = [];
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) means.push([-1 + 0.5 * i, -1 + 0.5 * j]);
  return { weights: means.map(() => 1 / 25), means, covs: means.map(() => iso(0.05)) };
}

/** Two interleaving half circles (radius 0.8), 8 components each, covariances along the arc. */
function twoMoons(): GaussianMixture {
  const means: number[][] = [];
  const covs: number[][][] = [];
  const r = 0.8;
  for (let k = 0; k < 8; k++) {
    const a = (Math.PI * (k + 0.5)) / 8;
    means.push([r * Math.cos(a) - 0.4, r * Math.sin(a) - 0.2]);
    covs.push(oriented(a + Math.PI / 2, 0.12, 0.05));
    means.push([0.4 - r * Math.cos(a), 0.2 - r * Math.sin(a)]);
    covs.push(oriented(a + Math.PI / 2, 0.12, 0.05));
  }
  return { weights: means.map(() => 1 / 16), means, covs };
}

/** Archimedean spiral r = 0.12 θ for θ ∈ [1.5π, 4.5π], 12 components, covariances along the tangent. */
function swissRoll(): GaussianMixture {
  const means: number[][] = [];
  const covs: number[][][] = [];
  const count = 12;
  for (let k = 0; k < count; k++) {
    const theta = 1.5 * Math.PI + (3 * Math.PI * (k + 0.5)) / count;
    const r = 0.09 * theta;
    means.push([r * Math.cos(theta), r * Math.sin(theta)]);
    // tangent of (r cos θ, r sin θ) with dr/dθ = 0.09
    const tangent = Math.atan2(0.09 * Math.sin(theta) + r * Math.cos(theta), 0.09 * Math.cos(theta) - r * Math.sin(theta));
    covs.push(oriented(tangent, 0.1, 0.04));
  }
  // weight proportional to arc length near the component (outer turns are longer)
  const weights = means.map((m) => Math.hypot(m[0], m[1]));
  const total = weights.reduce((a, b) => a + b, 0);
  return { weights: weights.map((w) => w / total), means, covs };
}

/**
 * The 2D three-component GMM of specs §15.5 (full, diagonal and isotropic covariances): the toy on which §18.6 checked
 * DPM-Solver-v3 against DPM-Solver++(3M) and UniPC. Not a named preset: specs carry it as a `gmm` target.
 */
export const THREE_COMPONENT_GMM: GaussianMixture = {
  weights: [0.5, 0.3, 0.2],
  means: [[-1, 0], [1, 0.5], [0, -1]],
  covs: [
    [[0.09, 0.05], [0.05, 0.16]],
    [[0.04, 0], [0, 0.25]],
    [[0.01, 0], [0, 0.01]],
  ],
};

export function targetPreset(name: TargetPresetName): GaussianMixture {
  switch (name) {
    case 'ring8':
      return ring8();
    case 'grid25':
      return grid25();
    case 'two-moons-gmm':
      return twoMoons();
    case 'swiss-roll-gmm':
      return swissRoll();
  }
}
