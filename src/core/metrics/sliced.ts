// Sliced 2-Wasserstein distance (specs/samplers.md §17.1, §17.3a diagnostics), float64. The GPU twin is
// shaders/sampler/sliced.wgsl (projection and a bitonic sort per direction, on the GPU).
//   SW2(X, Y) = sqrt( mean_θ W2²(θ·X, θ·Y) ),  W2²(a, b) = (1/m) Σ_i (a_(i) − b_(i))²  for sorted a, b of equal size m
// over a fixed set of directions θ drawn once from the project RNG. SW2 is a plug-in estimate, biased upwards
// by ~n^{−1/2} (§17.2: ≈ 0.11 at n = 4000 on a 2D GMM), so it is always shown next to its null value.

import { RngStream, fillNormal } from '../util/rng.ts';

/** directions per SW2 evaluation (specs §17.2/§17.3a: 256 fixed seeded directions) */
export const SLICED_DIRECTIONS = 256;

/**
 * `count` unit vectors in R^d, uniform on the sphere: normalised standard normals from the RNG stream
 * `slicedDirections` (the direction index is the RNG's particle), so a seed always gives the same directions
 * on CPU and GPU. Row-major count×d.
 */
export function slicedDirections(dim: number, seed: number, count = SLICED_DIRECTIONS): Float64Array {
  const out = fillNormal(new Float64Array(count * dim), count, dim, seed, RngStream.slicedDirections);
  for (let k = 0; k < count; k++) {
    let norm = 0;
    for (let c = 0; c < dim; c++) norm += out[k * dim + c] ** 2;
    // a zero normal draw has probability 0 (Box–Muller radius > 0), but never divide by it
    const inv = norm > 0 ? 1 / Math.sqrt(norm) : 0;
    for (let c = 0; c < dim; c++) out[k * dim + c] *= inv;
  }
  return out;
}

/** θ·x_i for the m points of x (row-major m×d) */
export function project(x: ArrayLike<number>, dim: number, direction: ArrayLike<number>, directionOffset = 0): Float64Array {
  const m = x.length / dim;
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = 0;
    for (let c = 0; c < dim; c++) s += x[i * dim + c] * direction[directionOffset + c];
    out[i] = s;
  }
  return out;
}

/** Σ_i (a_(i) − b_(i))² of two already sorted arrays of equal length (m·W2² in 1D) */
export function sortedSquaredDifference(a: Float64Array, b: Float64Array): number {
  if (a.length !== b.length) throw new Error(`sortedSquaredDifference: sizes differ (${a.length} vs ${b.length})`);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return s;
}

/** 1D W2² between two samples of equal size: the quantile coupling, i.e. sorted order against sorted order */
export function wasserstein2Squared1d(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`wasserstein2Squared1d: sizes differ (${a.length} vs ${b.length}); equal sizes are required`);
  if (a.length === 0) throw new Error('wasserstein2Squared1d: empty samples');
  return sortedSquaredDifference(Float64Array.from(a).sort(), Float64Array.from(b).sort()) / a.length;
}

/** The sorted projections of a set on every direction, count×m: what is cached for a reference set. */
export function sortedProjections(x: ArrayLike<number>, dim: number, directions: Float64Array): Float64Array[] {
  const count = directions.length / dim;
  const out: Float64Array[] = [];
  for (let k = 0; k < count; k++) out.push(project(x, dim, directions, k * dim).sort());
  return out;
}

/** Σ_i (θ_k·x_(i) − θ_k·y_(i))² per direction k, y given by its sorted projections (the GPU reads back the same sums) */
export function slicedSums(x: ArrayLike<number>, dim: number, directions: Float64Array, referenceSorted: Float64Array[]): Float64Array {
  const sums = new Float64Array(referenceSorted.length);
  referenceSorted.forEach((sortedY, k) => {
    const px = project(x, dim, directions, k * dim).sort();
    sums[k] = sortedSquaredDifference(px, sortedY);
  });
  return sums;
}

/** SW2 from the per-direction sums of m points each: sqrt(Σ_k sums_k / (K m)) */
export function slicedW2FromSums(sums: ArrayLike<number>, m: number): number {
  let s = 0;
  for (let k = 0; k < sums.length; k++) s += sums[k];
  return Math.sqrt(s / (sums.length * m));
}

/** SW2 between x and y (equal sizes, row-major ·×d) over the given unit directions */
export function slicedW2(x: ArrayLike<number>, y: ArrayLike<number>, dim: number, directions: Float64Array): number {
  if (x.length !== y.length) throw new Error(`slicedW2: sizes differ (${x.length / dim} vs ${y.length / dim} points); equal sizes are required`);
  return slicedW2FromSums(slicedSums(x, dim, directions, sortedProjections(y, dim, directions)), x.length / dim);
}
