// The true density of p_{t_end} on a grid, as an RGBA image for the flow view's background. Computed once
// per (target, process, t_end, extent) on the CPU from the closed-form mixture density (gmm.ts). Targets of
// dimension > 2 are shown through their exact marginal on the first two coordinates (a Gaussian mixture's
// marginal keeps the weights and takes the sub-means and sub-covariances).

import { interpolateRgbBasis } from 'd3';
import { makeProcess, targetMixture } from '../core/sampling/experiment.ts';
import { mixtureLogDensity, prepareMixture, type GaussianMixture } from '../core/sampling/gmm.ts';
import type { SampleSpec } from '../core/spec/spec.ts';

export interface DensityImage {
  width: number;
  height: number;
  /** row 0 is the bottom of the view (y = −extent) */
  rgba: Uint8Array<ArrayBuffer>;
  /** half-width of the square [−extent, extent]² the image covers */
  extent: number;
}

/** background (no mass) → high density; dark so that the solvers' particles stand out */
const ramp = interpolateRgbBasis(['#0c111b', '#18233a', '#2e3f63', '#5a6f9c', '#aab7d6']);
/** decades of density shown below the peak */
const LOG_RANGE = Math.log(1e4);

function marginal2d(m: GaussianMixture): GaussianMixture {
  const d = m.means[0].length;
  if (d === 2) return m;
  if (d === 1) return { weights: m.weights, means: m.means.map((mu) => [mu[0], 0]), covs: m.covs.map((c) => [[c[0][0], 0], [0, 1e-6]]) };
  return {
    weights: m.weights,
    means: m.means.map((mu) => [mu[0], mu[1]]),
    covs: m.covs.map((c) => [
      [c[0][0], c[0][1]],
      [c[1][0], c[1][1]],
    ]),
  };
}

/** Half-width of a square view that holds the data and most of the initial noise N(0, I). */
export function viewExtent(spec: SampleSpec): number {
  const m = marginal2d(targetMixture(spec.target));
  let r = 0;
  m.means.forEach((mu, k) => {
    const s = Math.sqrt(Math.max(m.covs[k][0][0], m.covs[k][1][1]));
    r = Math.max(r, Math.abs(mu[0]) + 3 * s, Math.abs(mu[1]) + 3 * s);
  });
  return Math.max(2.6, 1.15 * r);
}

export function densityImage(spec: SampleSpec, size = 192, extent = viewExtent(spec)): DensityImage {
  const process = makeProcess(spec.process);
  const mixture = prepareMixture(marginal2d(targetMixture(spec.target)));
  const alpha = process.alpha(spec.tEnd);
  const sigma = process.sigma(spec.tEnd);
  const logp = new Float64Array(size * size);
  let max = -Infinity;
  const point = [0, 0];
  for (let j = 0; j < size; j++) {
    point[1] = -extent + ((j + 0.5) / size) * 2 * extent;
    for (let i = 0; i < size; i++) {
      point[0] = -extent + ((i + 0.5) / size) * 2 * extent;
      const v = mixtureLogDensity(mixture, point, alpha, sigma);
      logp[j * size + i] = v;
      if (v > max) max = v;
    }
  }
  const rgba = new Uint8Array(size * size * 4);
  const parse = /rgb\((\d+), (\d+), (\d+)\)/;
  const table: number[][] = Array.from({ length: 256 }, (_, k) => {
    const match = parse.exec(ramp(k / 255));
    return match ? [Number(match[1]), Number(match[2]), Number(match[3])] : [0, 0, 0];
  });
  for (let k = 0; k < size * size; k++) {
    const v = Math.min(1, Math.max(0, 1 + (logp[k] - max) / LOG_RANGE));
    const c = table[Math.round(v * v * 255)];
    rgba[4 * k] = c[0];
    rgba[4 * k + 1] = c[1];
    rgba[4 * k + 2] = c[2];
    rgba[4 * k + 3] = 255;
  }
  return { width: size, height: size, rgba, extent };
}
