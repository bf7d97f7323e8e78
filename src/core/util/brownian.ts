// A Brownian tree on the counter-based RNG (k-diffusion's BrownianTreeNoiseSampler idea, specs §9.5, §19.7):
// every particle and coordinate owns one Brownian path B on [0, 1], B(0) = 0, defined by a fixed binary tree of
// bridge draws, so the noise of a step [τa, τb] is an increment of the SAME path whatever the step sizes —
// results of SDE solvers become consistent across step counts and their strong convergence can be measured.
// Not torchsde's tree (its draws come from torch's generator): the same construction, our RNG.
//
// Node k (root 1 = [0, 1]) splits its interval at the midpoint with B(mid) − B(lo) = Δ/2 + √(w/4)·z_k, Δ the
// node's increment, w its width; children 2k, 2k+1; B(1) = z_0. Below BROWNIAN_DEPTH levels a point is placed by
// the bridge of its leaf (z of the leaf's key; a second point in the same leaf is bridged from the first with a
// draw of the leaf stream: the right distribution, but such a pair is consistent with the rest of the path only to
// O(√leaf width) — steps shorter than 2^-21 of the σ̃ range, e.g. 4e-5 on EDM's [0.002, 80]). Values are kept relative to each interval's left end, so increments of small steps
// are not lost to cancellation in float32. The WGSL twin is shaders/common/brownian.wgsl.

import { RngStream, normalPair } from './rng.ts';

/** levels of the tree: node keys stay below 2^22 (the RNG's step field times its 1024 blocks fits in 32 bits) */
export const BROWNIAN_DEPTH = 21;

type Normal = (key: number, leaf: boolean) => number;

/** B(mid) − B(lo) of node's interval [lo, hi] with increment Δ: the bridge's mean Δ/2 plus √(w/4)·z_node */
function leftHalf(lo: number, hi: number, delta: number, node: number, z: Normal): number {
  return delta / 2 + Math.sqrt((hi - lo) / 4) * z(node, false);
}

/** B(τ) − B(lo) within the interval of `node` ([lo, hi], increment Δ), descending to the leaf */
function offsetWithin(tau: number, lo: number, hi: number, delta: number, node: number, level: number, z: Normal): number {
  let acc = 0;
  for (; level < BROWNIAN_DEPTH; level++) {
    const mid = (lo + hi) / 2;
    const left = leftHalf(lo, hi, delta, node, z);
    if (tau < mid) {
      hi = mid;
      delta = left;
      node = 2 * node;
    } else {
      acc += left;
      lo = mid;
      delta -= left;
      node = 2 * node + 1;
    }
  }
  // the leaf's bridge at τ
  const w = hi - lo;
  return acc + (delta * (tau - lo)) / w + Math.sqrt(((tau - lo) * (hi - tau)) / w) * z(node, false);
}

/**
 * B(τb) − B(τa) for one particle and coordinate, 0 ≤ τa, τb ≤ 1, with `z(key, leaf)` the standard normal of a
 * tree key (leaf = the second-point stream). Float64 here; the GPU computes the same in float32.
 */
export function brownianIncrement(tauA: number, tauB: number, z: Normal): number {
  if (tauA === tauB) return 0;
  if (tauB < tauA) return -brownianIncrement(tauB, tauA, z);
  let lo = 0;
  let hi = 1;
  let delta = z(0, false);
  let node = 1;
  for (let level = 0; level < BROWNIAN_DEPTH; level++) {
    const mid = (lo + hi) / 2;
    const left = leftHalf(lo, hi, delta, node, z);
    if (tauB < mid) {
      hi = mid;
      delta = left;
      node = 2 * node;
    } else if (tauA >= mid) {
      lo = mid;
      delta -= left;
      node = 2 * node + 1;
    } else {
      // the points part here: B(mid) − B(τa) from the left child, B(τb) − B(mid) from the right child
      const fromA = left - offsetWithin(tauA, lo, mid, left, 2 * node, level + 1, z);
      return fromA + offsetWithin(tauB, mid, hi, delta - left, 2 * node + 1, level + 1, z);
    }
  }
  // both in one leaf: τa by the leaf's bridge, then τb bridged between τa and hi
  const w = hi - lo;
  const a = (delta * (tauA - lo)) / w + Math.sqrt(((tauA - lo) * (hi - tauA)) / w) * z(node, false);
  const rest = delta - a;
  return (rest * (tauB - tauA)) / (hi - tauA) + Math.sqrt(((tauB - tauA) * (hi - tauB)) / (hi - tauA)) * z(node, true);
}

/** The tree's normals for (seed, particle, coordinate): pairs of coordinates share a Box–Muller block. */
export function brownianNormals(seed: number, particle: number, coordinate: number): Normal {
  return (key, leaf) => {
    const pair = normalPair(seed, leaf ? RngStream.brownianLeaf : RngStream.brownian, particle, key, coordinate >> 1);
    return pair[coordinate & 1];
  };
}

/**
 * The unit-variance noise of a step between normalised times τa and τb (as float32 on both paths, since the GPU
 * receives them as f32 uniforms): (B(τb) − B(τa)) / √|τb − τa|, for n particles of dimension d.
 */
export function fillBrownian(out: Float64Array, n: number, d: number, seed: number, tauA: number, tauB: number): Float64Array {
  const [a, b] = [Math.fround(tauA), Math.fround(tauB)];
  const scale = 1 / Math.sqrt(Math.abs(b - a));
  for (let p = 0; p < n; p++) for (let c = 0; c < d; c++) out[p * d + c] = brownianIncrement(a, b, brownianNormals(seed, p, c)) * scale;
  return out;
}
