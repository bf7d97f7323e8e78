// Fréchet distance between Gaussian fits (specs/samplers.md §17.1, §17.3b), in float64:
//   FD(μ1, Σ1; μ2, Σ2) = ‖μ1 − μ2‖² + Tr Σ1 + Tr Σ2 − 2 Tr((Σ1^{1/2} Σ2 Σ1^{1/2})^{1/2}).
// The symmetric form needs only symmetric eigen decompositions (cyclic Jacobi, below): Σ1^{1/2} = V diag(√λ) Vᵀ,
// then the eigenvalues of the PSD matrix Σ1^{1/2} Σ2 Σ1^{1/2}. Tiny negative eigenvalues (rounding of a PSD matrix,
// or a rank-deficient sample covariance) are clipped to 0, as §17.3b says; pytorch-fid's non-symmetric sqrtm with
// its ε·I retry is not needed in this form.
// Also the analytic first two moments of a mixture's marginal p_t (the FD-pix reference of §17.3b).

import type { PreparedMixture } from '../sampling/gmm.ts';

export interface FlatEigen {
  /** eigenvalues, ascending */
  values: Float64Array;
  /** eigenvectors as columns, row-major d×d: vectors[i·d + j] is component i of eigenvector j */
  vectors: Float64Array;
  /** sweeps used */
  sweeps: number;
}

/**
 * Eigen decomposition of a symmetric d×d matrix (row-major, not modified) by cyclic Jacobi rotations
 * (Golub & Van Loan Alg. 8.5.3, rotation angle of Alg. 8.5.1), until the off-diagonal Frobenius norm is below
 * `tolerance` times the matrix's. Converges quadratically: ~8–12 sweeps for d = 256.
 */
export function jacobiEigen(matrix: Float64Array, d: number, tolerance = 1e-15, maxSweeps = 60, withVectors = true): FlatEigen {
  if (matrix.length !== d * d) throw new Error(`jacobiEigen: matrix has ${matrix.length} entries; expected d² = ${d * d}`);
  const a = Float64Array.from(matrix);
  // eigenvectors kept as ROWS of vt (vt = Vᵀ) so that a rotation updates two contiguous rows
  const vt = new Float64Array(d * d);
  for (let i = 0; i < d; i++) vt[i * d + i] = 1;
  let total = 0;
  for (let i = 0; i < d * d; i++) total += a[i] * a[i];
  if (!Number.isFinite(total)) throw new Error('jacobiEigen: matrix has NaN or infinite entries');
  let sweep = 0;
  for (; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let i = 0; i < d; i++) for (let j = i + 1; j < d; j++) off += 2 * a[i * d + j] * a[i * d + j];
    if (off <= tolerance * tolerance * total || off === 0) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        const rowP = p * d;
        const rowQ = q * d;
        const apq = a[rowP + q];
        if (apq === 0) continue;
        const app = a[rowP + p];
        const aqq = a[rowQ + q];
        // a rotation that cannot change the diagonal at working precision only costs time: drop the entry
        if (sweep > 3 && Math.abs(apq) < 1e-18 * (Math.abs(app) + Math.abs(aqq))) {
          a[rowP + q] = a[rowQ + p] = 0;
          continue;
        }
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        // A ← Jᵀ A J changes rows and columns p, q only; A stays symmetric, so update the two rows and mirror
        // them into the columns. The 2×2 block has the closed form a_pp − t a_pq, a_qq + t a_pq, 0.
        for (let k = 0; k < d; k++) {
          const apk = a[rowP + k];
          const aqk = a[rowQ + k];
          const np = c * apk - s * aqk;
          const nq = s * apk + c * aqk;
          a[rowP + k] = np;
          a[rowQ + k] = nq;
          a[k * d + p] = np;
          a[k * d + q] = nq;
        }
        a[rowP + p] = app - t * apq;
        a[rowQ + q] = aqq + t * apq;
        a[rowP + q] = a[rowQ + p] = 0;
        if (withVectors)
          for (let k = 0; k < d; k++) {
            const vp = vt[rowP + k];
            const vq = vt[rowQ + k];
            vt[rowP + k] = c * vp - s * vq;
            vt[rowQ + k] = s * vp + c * vq;
          }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => a[i * d + i] - a[j * d + j]);
  const values = Float64Array.from(order, (i) => a[i * d + i]);
  const vectors = new Float64Array(d * d);
  for (let r = 0; r < d; r++) for (let c = 0; c < d; c++) vectors[r * d + c] = vt[order[c] * d + r];
  return { values, vectors, sweeps: sweep };
}

/** C = A·B for d×d row-major matrices */
function multiply(A: Float64Array, B: Float64Array, d: number): Float64Array {
  const C = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    const row = i * d;
    for (let k = 0; k < d; k++) {
      const aik = A[row + k];
      if (aik === 0) continue;
      const bk = k * d;
      for (let j = 0; j < d; j++) C[row + j] += aik * B[bk + j];
    }
  }
  return C;
}

/** Σ^{1/2} of a symmetric PSD matrix, negative eigenvalues clipped to 0 */
export function psdSqrt(matrix: Float64Array, d: number): Float64Array {
  const { values, vectors } = jacobiEigen(matrix, d);
  const out = new Float64Array(d * d);
  for (let j = 0; j < d; j++) {
    const r = Math.sqrt(Math.max(values[j], 0));
    if (r === 0) continue;
    for (let i = 0; i < d; i++) {
      const vij = vectors[i * d + j] * r;
      for (let k = 0; k < d; k++) out[i * d + k] += vij * vectors[k * d + j];
    }
  }
  return out;
}

export interface GaussianFit {
  mean: Float64Array;
  /** row-major d×d covariance */
  cov: Float64Array;
}

function checkFit(name: string, fit: GaussianFit, d: number): void {
  if (fit.mean.length !== d || fit.cov.length !== d * d) throw new Error(`${name}: mean has ${fit.mean.length} and cov ${fit.cov.length} entries; expected ${d} and ${d * d}`);
  if (!fit.mean.every(Number.isFinite) || !fit.cov.every(Number.isFinite)) throw new Error(`${name}: mean or covariance has NaN or infinite entries`);
}

/**
 * One side of the Fréchet distance kept fixed (the reference statistics, §17.3b): Σ_ref^{1/2} is computed once,
 * so each distance costs one more eigen decomposition.
 */
export class FrechetReference {
  readonly dim: number;
  private readonly root: Float64Array;
  private readonly trace: number;

  constructor(readonly fit: GaussianFit) {
    const d = fit.mean.length;
    checkFit('FrechetReference', fit, d);
    this.dim = d;
    this.root = psdSqrt(fit.cov, d);
    let tr = 0;
    for (let i = 0; i < d; i++) tr += fit.cov[i * d + i];
    this.trace = tr;
  }

  /** FD between this reference and another Gaussian fit */
  distance(other: GaussianFit): number {
    const d = this.dim;
    checkFit('FrechetReference.distance', other, d);
    let meanTerm = 0;
    let trace = 0;
    for (let i = 0; i < d; i++) {
      meanTerm += (this.fit.mean[i] - other.mean[i]) ** 2;
      trace += other.cov[i * d + i];
    }
    const m = multiply(multiply(this.root, other.cov, d), this.root, d);
    // symmetrise: the products are symmetric up to rounding, Jacobi needs exact symmetry
    for (let i = 0; i < d; i++)
      for (let j = i + 1; j < d; j++) {
        const s = 0.5 * (m[i * d + j] + m[j * d + i]);
        m[i * d + j] = m[j * d + i] = s;
      }
    // only the eigenvalues are needed: skip the eigenvector updates (a third of the work)
    const { values } = jacobiEigen(m, d, 1e-15, 60, false);
    let rootTrace = 0;
    for (const v of values) rootTrace += Math.sqrt(Math.max(v, 0));
    // the exact FD is ≥ 0; rounding can leave −1e−13 for identical inputs
    return Math.max(0, meanTerm + this.trace + trace - 2 * rootTrace);
  }
}

/** FD(μ1, Σ1; μ2, Σ2) (specs §17.1, symmetric form of §17.3b) */
export function frechetDistance(a: GaussianFit, b: GaussianFit): number {
  return new FrechetReference(a).distance(b);
}

/** Sample mean and covariance (1/(n − 1), like numpy.cov and pytorch-fid) of n rows of width d, in float64. */
export function sampleMoments(rows: ArrayLike<number>, n: number, d: number): GaussianFit {
  if (n < 2) throw new Error(`sampleMoments: needs n ≥ 2 rows, got ${n}`);
  if (rows.length < n * d) throw new Error(`sampleMoments: ${rows.length} values, expected n·d = ${n * d}`);
  const mean = new Float64Array(d);
  for (let p = 0; p < n; p++) for (let i = 0; i < d; i++) mean[i] += rows[p * d + i];
  for (let i = 0; i < d; i++) mean[i] /= n;
  const cov = new Float64Array(d * d);
  const centred = new Float64Array(d);
  for (let p = 0; p < n; p++) {
    for (let i = 0; i < d; i++) centred[i] = rows[p * d + i] - mean[i];
    for (let i = 0; i < d; i++) {
      const ci = centred[i];
      if (ci === 0) continue;
      const row = i * d;
      for (let j = i; j < d; j++) cov[row + j] += ci * centred[j];
    }
  }
  for (let i = 0; i < d; i++)
    for (let j = i; j < d; j++) {
      const v = cov[i * d + j] / (n - 1);
      cov[i * d + j] = cov[j * d + i] = v;
    }
  return { mean, cov };
}

/**
 * Analytic mean and covariance of the marginal p_t = Σ π_k N(αμ_k, α²Σ_k + σ²I) (§17.3b FD-pix reference):
 *   μ = α Σ π_k μ_k,   Σ = Σ π_k (α²Σ_k + σ²I + α² μ_k μ_kᵀ) − μ μᵀ.
 * The between-component part is accumulated centred (π_k α²(μ_k − μ̄)(μ_k − μ̄)ᵀ) to avoid cancellation.
 */
export function mixtureMoments(m: PreparedMixture, alpha: number, sigma: number): GaussianFit {
  const d = m.dim;
  const mean = new Float64Array(d);
  const weights = Array.from(m.logWeights, Math.exp);
  const total = weights.reduce((a, b) => a + b, 0);
  for (let k = 0; k < m.components; k++) for (let i = 0; i < d; i++) mean[i] += (weights[k] / total) * m.means[k * d + i];
  const cov = new Float64Array(d * d);
  const diff = new Float64Array(d);
  for (let k = 0; k < m.components; k++) {
    const w = weights[k] / total;
    for (let i = 0; i < d; i++) diff[i] = m.means[k * d + i] - mean[i];
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) cov[i * d + j] += w * alpha * alpha * diff[i] * diff[j];
    if (m.diagonal) {
      for (let i = 0; i < d; i++) cov[i * d + i] += w * alpha * alpha * m.eigenvalues[k * d + i];
    } else {
      // U diag(e) Uᵀ
      const U = k * d * d;
      for (let j = 0; j < d; j++) {
        const e = m.eigenvalues[k * d + j];
        if (e === 0) continue;
        for (let i = 0; i < d; i++) for (let l = 0; l < d; l++) cov[i * d + l] += w * alpha * alpha * e * m.eigenvectors[U + i * d + j] * m.eigenvectors[U + l * d + j];
      }
    }
  }
  for (let i = 0; i < d; i++) {
    mean[i] *= alpha;
    cov[i * d + i] += sigma * sigma;
  }
  return { mean, cov };
}

/**
 * Running float64 combination of per-batch moments (count, mean, centred sums M2 = Σ (x − μ)(x − μ)ᵀ) by Chan,
 * Golub & LeVeque's pairwise update M2 = M2_a + M2_b + δδᵀ n_a n_b / n, δ = μ_b − μ_a: batches of any size,
 * computed anywhere (GPU batches, CPU chunks), give the moments of their union without a second pass.
 */
export class MomentAccumulator {
  private count = 0;
  private readonly mean: Float64Array;
  private readonly m2: Float64Array;

  constructor(readonly width: number) {
    this.mean = new Float64Array(width);
    this.m2 = new Float64Array(width * width);
  }

  get rows(): number {
    return this.count;
  }

  /** add a batch: its mean and centred sums (only the upper triangle g ≥ f of `centred` is read) */
  add(count: number, mean: ArrayLike<number>, centred: ArrayLike<number>): void {
    if (count <= 0) return;
    const w = this.width;
    const total = this.count + count;
    const delta = Float64Array.from({ length: w }, (_, i) => mean[i] - this.mean[i]);
    const factor = (this.count * count) / total;
    for (let f = 0; f < w; f++)
      for (let g = f; g < w; g++) {
        const v = this.m2[f * w + g] + centred[f * w + g] + delta[f] * delta[g] * factor;
        this.m2[f * w + g] = v;
        this.m2[g * w + f] = v;
      }
    for (let f = 0; f < w; f++) this.mean[f] += (delta[f] * count) / total;
    this.count = total;
  }

  /** add the fit of a batch of `count` rows (covariance with 1/(count − 1)) */
  addFit(count: number, fit: GaussianFit): void {
    this.add(count, fit.mean, Float64Array.from(fit.cov, (v) => v * (count - 1)));
  }

  /** mean and covariance (1/(N − 1)) of everything added */
  fit(): GaussianFit {
    if (this.count < 2) throw new Error(`moments need at least 2 rows, got ${this.count}`);
    const cov = Float64Array.from(this.m2, (v) => v / (this.count - 1));
    if (!cov.every(Number.isFinite) || !this.mean.every(Number.isFinite)) throw new Error('moments are not finite (NaN or infinite samples?)');
    return { mean: Float64Array.from(this.mean), cov };
  }
}
