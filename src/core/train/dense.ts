// Small dense float64 matrix helpers for the training reference (K-FAC factors, MKOR inverse factors).
// Matrices are row-major Float64Arrays with explicit sizes; nothing here allocates more than one result.

/** n×n identity */
export function identityMatrix(n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) out[i * n + i] = 1;
  return out;
}

/** out = left (m×k) · right (k×n), row-major */
export function matMul(left: Float64Array, right: Float64Array, m: number, k: number, n: number, out = new Float64Array(m * n)): Float64Array {
  out.fill(0);
  for (let i = 0; i < m; i++) {
    for (let p = 0; p < k; p++) {
      const lip = left[i * k + p];
      if (lip === 0) continue;
      const rowP = p * n;
      const rowI = i * n;
      for (let j = 0; j < n; j++) out[rowI + j] += lip * right[rowP + j];
    }
  }
  return out;
}

/** out = M v for an n×n matrix */
export function matVec(matrix: Float64Array, vector: ArrayLike<number>, n: number, out = new Float64Array(n)): Float64Array {
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < n; j++) s += matrix[i * n + j] * vector[j];
    out[i] = s;
  }
  return out;
}

/** left (m×m) · middle (m×n) · right (n×n): the two-sided Kronecker preconditioning U = L ∇W̄ R (training.md §4.3 step 3, §4.4 step 4) */
export function twoSidedProduct(left: Float64Array, middle: Float64Array, right: Float64Array, m: number, n: number): Float64Array {
  return matMul(matMul(left, middle, m, m, n), right, m, n, n);
}

/** trace of an n×n matrix */
export function trace(matrix: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += matrix[i * n + i];
  return s;
}

/** max_ij |M_ij| (the MKOR reset and stabiliser norm, training.md §4.4) */
export function maxAbs(values: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < values.length; i++) {
    const a = Math.abs(values[i]);
    if (a > m || a !== a) m = a;
  }
  return m;
}

/**
 * (M + shift·I)⁻¹ for a symmetric positive-definite M (n×n) by Cholesky: M + shift·I = C Cᵀ, then C⁻¹ by forward
 * substitution and the inverse as C⁻ᵀ C⁻¹. This is the "inverse method" of K-FAC (training.md §4.3, KP inverse.py)
 * and the CPU twin of the `chol_inv` kernel. Throws when the matrix is not positive definite.
 */
export function choleskyInverse(matrix: Float64Array, n: number, shift = 0): Float64Array {
  const chol = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let diagonal = matrix[j * n + j] + shift;
    for (let k = 0; k < j; k++) diagonal -= chol[j * n + k] * chol[j * n + k];
    if (!(diagonal > 0)) throw new Error(`choleskyInverse: matrix is not positive definite (pivot ${j} is ${diagonal})`);
    const cjj = Math.sqrt(diagonal);
    chol[j * n + j] = cjj;
    for (let i = j + 1; i < n; i++) {
      let s = matrix[i * n + j];
      for (let k = 0; k < j; k++) s -= chol[i * n + k] * chol[j * n + k];
      chol[i * n + j] = s / cjj;
    }
  }
  // lowerInverse = C⁻¹ (lower triangular), column by column from C·x = e_j
  const lowerInverse = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    for (let i = j; i < n; i++) {
      let s = i === j ? 1 : 0;
      for (let k = j; k < i; k++) s -= chol[i * n + k] * lowerInverse[k * n + j];
      lowerInverse[i * n + j] = s / chol[i * n + i];
    }
  }
  // inverse = C⁻ᵀ C⁻¹ (symmetric)
  const inverse = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j <= i; j++) {
      let s = 0;
      for (let k = i; k < n; k++) s += lowerInverse[k * n + i] * lowerInverse[k * n + j];
      inverse[i * n + j] = s;
      inverse[j * n + i] = s;
    }
  }
  return inverse;
}
