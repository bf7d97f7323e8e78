// Counter-based random numbers (DESIGN §4): Threefry-2x32 with 20 rounds (Salmon et al., "Parallel random
// numbers: as easy as 1, 2, 3", SC'11). Keyed by (seed, stream), counter (particle, step·BLOCKS + block), so
// every particle, step and stream has its own independent draw and GPU and CPU draw the same bits.
// The WGSL twin is shaders/common/rng.wgsl; both must stay bit-identical (tested in rng.gpu.test.ts).

/** rotation constants of Threefry-2x32 */
const ROTATIONS = [13, 15, 26, 6, 17, 29, 16, 24];
/** key-schedule parity constant of Threefry */
const SKEIN_PARITY = 0x1bd11bda;
/** 2-word blocks per (particle, step): a particle may draw 2·BLOCKS numbers per step and stream */
export const RNG_BLOCKS_PER_STEP = 1024;

/** Streams: independent noise for separate purposes under one seed. */
export const RngStream = {
  /** x_T, the starting noise of sampling */
  initialNoise: 0,
  /** per-step noise of stochastic solvers */
  stepNoise: 1,
  /** exact samples of the target (metric reference sets): component choice */
  referenceComponent: 2,
  /** exact samples of the target: Gaussian draws */
  referenceGaussian: 3,
  /** sliced-W2 directions on the unit sphere (specs §17.3a diagnostics): direction index as the particle */
  slicedDirections: 4,
  /** the weights of FD-RF's fixed random feature map φ (src/core/metrics/features.ts, specs §17.3b) */
  featureMap: 6,
  /** the Brownian tree of SDE solvers (util/brownian.ts): node draws, and the second point in one leaf */
  brownian: 8,
  brownianLeaf: 9,
} as const;

const rotl = (x: number, r: number) => ((x << r) | (x >>> (32 - r))) >>> 0;

/** Threefry-2x32-20 on counter (c0, c1) with key (k0, k1); returns two uint32 words. */
export function threefry2x32(k0: number, k1: number, c0: number, c1: number): [number, number] {
  const ks = [k0 >>> 0, k1 >>> 0, (SKEIN_PARITY ^ k0 ^ k1) >>> 0];
  let x0 = (c0 + ks[0]) >>> 0;
  let x1 = (c1 + ks[1]) >>> 0;
  for (let round = 0; round < 20; round++) {
    x0 = (x0 + x1) >>> 0;
    x1 = rotl(x1, ROTATIONS[round % 8]);
    x1 = (x1 ^ x0) >>> 0;
    if (round % 4 === 3) {
      const s = (round + 1) / 4;
      x0 = (x0 + ks[s % 3]) >>> 0;
      x1 = (x1 + ks[(s + 1) % 3] + s) >>> 0;
    }
  }
  return [x0, x1];
}

/** The raw words for (seed, stream, particle, step, block). */
export function randomBits(seed: number, stream: number, particle: number, step: number, block: number): [number, number] {
  return threefry2x32(seed, stream, particle, (step * RNG_BLOCKS_PER_STEP + block) >>> 0);
}

/** uint32 → uniform in (0, 1): 24 high bits, centred in their cell, exact in float32 and float64. */
export function uniformOpen(bits: number): number {
  return ((bits >>> 8) + 0.5) * 5.9604644775390625e-8;
}

/** Two standard normals from one block by Box–Muller. */
export function normalPair(seed: number, stream: number, particle: number, step: number, block: number): [number, number] {
  const [w0, w1] = randomBits(seed, stream, particle, step, block);
  const radius = Math.sqrt(-2 * Math.log(uniformOpen(w0)));
  const angle = 2 * Math.PI * uniformOpen(w1);
  return [radius * Math.cos(angle), radius * Math.sin(angle)];
}

/** Fill out[i·d + j] with standard normals for particles i = 0..n−1 at (seed, stream, step). */
export function fillNormal(out: Float64Array, n: number, d: number, seed: number, stream: number, step = 0): Float64Array {
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j += 2) {
      const [z0, z1] = normalPair(seed, stream, i, step, j >> 1);
      out[i * d + j] = z0;
      if (j + 1 < d) out[i * d + j + 1] = z1;
    }
  }
  return out;
}
