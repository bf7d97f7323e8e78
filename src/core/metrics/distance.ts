// Sample-based metrics for 2D toys (specs/samplers.md §17.3): the unbiased multi-bandwidth RBF MMD² and
// the same-noise RMSE ("GTE"). float64; the GPU twin is shaders/sampler/metrics.wgsl.

/** bandwidth multipliers of §17.3a, times s_data */
export const MMD_BANDWIDTH_FACTORS = [0.05, 0.1, 0.2, 0.5, 1, 2];

export function mmdBandwidths(dataScale: number): number[] {
  return MMD_BANDWIDTH_FACTORS.map((f) => f * dataScale);
}

/** a run of bandwidths b, b/2, b/4 …: exp(−d²/(2(b/2)²)) = exp(−d²/(2b²))⁴, so one exp serves the whole run */
export interface BandwidthChain {
  /** 1/(2b²) of the run's widest bandwidth */
  base: number;
  /** bandwidths in the run (b, b/2, … b/2^(length−1)) */
  length: number;
}

/**
 * The bandwidths as runs of halvings, widest first (at most `maxLength` per run), for the GPU's kernel sum
 * (shaders/sampler/metrics.wgsl rbf_sum): §17.3a's factors 2, 1, 0.5 and 0.2, 0.1, 0.05 are two runs of three, so
 * the six exps per pair become two exps and four squarings each (SwiftShader, the CI machine's adapter, spends most
 * of the MMD pass in exp). Halving is tested to 1e-12 relative: products of the factors with s_data round apart.
 */
export function bandwidthChains(bandwidths: number[], maxLength = 3): BandwidthChain[] {
  const widestFirst = [...bandwidths].sort((a, b) => b - a);
  const chains: { widest: number; length: number }[] = [];
  for (const b of widestFirst) {
    const last = chains[chains.length - 1];
    const next = last ? last.widest / 2 ** last.length : NaN;
    if (last && last.length < maxLength && Math.abs(b - next) <= 1e-12 * next) last.length++;
    else chains.push({ widest: b, length: 1 });
  }
  return chains.map(({ widest, length }) => ({ base: 1 / (2 * widest * widest), length }));
}

/** k(a, b) = Σ_b exp(−‖a − b‖² / (2b²)) summed over the bandwidths */
function kernelSum(d2: number, inv2b2: number[]): number {
  let s = 0;
  for (const c of inv2b2) s += Math.exp(-d2 * c);
  return s;
}

export interface PairSums {
  xx: number;
  yy: number;
  xy: number;
}

/**
 * Σ_{i,j} k(a_i, b_j) for the RBF kernel and Σ_{i,j} ‖a_i − b_j‖ (energy distance), leaving out i = j when
 * `skipDiagonal` (a set against itself).
 */
export function pairSum(a: Float64Array, b: Float64Array, d: number, bandwidths: number[], skipDiagonal: boolean): { rbf: number; distance: number } {
  const inv2b2 = bandwidths.map((b) => 1 / (2 * b * b));
  const na = a.length / d;
  const nb = b.length / d;
  let rbf = 0;
  let distance = 0;
  for (let i = 0; i < na; i++) {
    for (let j = 0; j < nb; j++) {
      if (skipDiagonal && i === j) continue;
      let d2 = 0;
      for (let c = 0; c < d; c++) d2 += (a[i * d + c] - b[j * d + c]) ** 2;
      rbf += kernelSum(d2, inv2b2);
      distance += Math.sqrt(d2);
    }
  }
  return { rbf, distance };
}

/**
 * The pair sums of MMD²_u, Σ_{i≠j} k(x_i,x_j), Σ_{i≠j} k(y_i,y_j), Σ_{i,j} k(x_i,y_j), for the RBF kernel and for
 * the Euclidean distance (energy distance), in one pass like the GPU kernel. `referenceSelf`, the y–y sums from an
 * earlier call (pairSum(y, y, …, true)), saves a third of the work when y is a fixed reference set.
 */
export function pairSums(
  x: Float64Array,
  y: Float64Array,
  d: number,
  bandwidths: number[],
  referenceSelf?: { rbf: number; distance: number },
): { rbf: PairSums; distance: PairSums } {
  const xx = pairSum(x, x, d, bandwidths, true);
  const yy = referenceSelf ?? pairSum(y, y, d, bandwidths, true);
  const xy = pairSum(x, y, d, bandwidths, false);
  return { rbf: { xx: xx.rbf, yy: yy.rbf, xy: xy.rbf }, distance: { xx: xx.distance, yy: yy.distance, xy: xy.distance } };
}

/** MMD²_u = Σ_{i≠j}k(x,x')/(m(m−1)) + Σ_{i≠j}k(y,y')/(n(n−1)) − 2Σk(x,y)/(mn) (zero-mean under the null) */
export function mmdFromSums(sums: PairSums, m: number, n: number): number {
  return sums.xx / (m * (m - 1)) + sums.yy / (n * (n - 1)) - (2 * sums.xy) / (m * n);
}

/**
 * Unbiased energy distance (the U-statistic of §17.3a, the square in scipy's naming):
 * 2·mean‖X − Y‖ − mean_{i≠j}‖X − X'‖ − mean_{i≠j}‖Y − Y'‖ = MMD²_u with the kernel −‖x − y‖ (zero-mean null).
 */
export function energyFromSums(sums: PairSums, m: number, n: number): number {
  return -mmdFromSums(sums, m, n);
}

export function mmdSquaredUnbiased(x: Float64Array, y: Float64Array, d: number, bandwidths: number[]): number {
  return mmdFromSums(pairSums(x, y, d, bandwidths).rbf, x.length / d, y.length / d);
}

export function energyDistanceUnbiased(x: Float64Array, y: Float64Array, d: number): number {
  return energyFromSums(pairSums(x, y, d, []).distance, x.length / d, y.length / d);
}

/** GTE = sqrt(mean_i ‖x_i − x*_i‖² / d) (§17.3c) */
export function sameNoiseRmse(x: ArrayLike<number>, reference: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += (x[i] - reference[i]) ** 2;
  return Math.sqrt(s / x.length);
}

/** relative RMS difference ‖a − b‖ / ‖b‖, the tolerance measure for GPU-vs-CPU agreement */
export function relativeRms(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i] - b[i]) ** 2;
    den += b[i] * b[i];
  }
  return Math.sqrt(num / den);
}
