// Small dense float64 linear algebra for covariance matrices (d ≤ a few dozen): symmetric eigen-decomposition
// by cyclic Jacobi rotations. Matrices are arrays of rows.

export interface SymmetricEigen {
  /** eigenvalues, ascending */
  values: number[];
  /** eigenvectors as columns: vectors[i][j] is component i of eigenvector j */
  vectors: number[][];
}

export function symmetricEigen(matrix: number[][], tolerance = 1e-15, maxSweeps = 100): SymmetricEigen {
  const d = matrix.length;
  const a = matrix.map((row) => row.slice());
  const v: number[][] = Array.from({ length: d }, (_, i) => Array.from({ length: d }, (_, j) => (i === j ? 1 : 0)));
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < d; i++) {
      diag += a[i][i] * a[i][i];
      for (let j = i + 1; j < d; j++) off += a[i][j] * a[i][j];
    }
    if (off <= tolerance * tolerance * Math.max(diag, 1e-300)) break;
    for (let p = 0; p < d; p++) {
      for (let q = p + 1; q < d; q++) {
        if (a[p][q] === 0) continue;
        // Rotation angle that zeroes a[p][q] (Golub & Van Loan, Alg. 8.4.1).
        const theta = (a[q][q] - a[p][p]) / (2 * a[p][q]);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < d; k++) {
          const akp = a[k][p];
          const akq = a[k][q];
          a[k][p] = c * akp - s * akq;
          a[k][q] = s * akp + c * akq;
        }
        for (let k = 0; k < d; k++) {
          const apk = a[p][k];
          const aqk = a[q][k];
          a[p][k] = c * apk - s * aqk;
          a[q][k] = s * apk + c * aqk;
        }
        for (let k = 0; k < d; k++) {
          const vkp = v[k][p];
          const vkq = v[k][q];
          v[k][p] = c * vkp - s * vkq;
          v[k][q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const order = Array.from({ length: d }, (_, i) => i).sort((i, j) => a[i][i] - a[j][j]);
  return {
    values: order.map((i) => a[i][i]),
    vectors: Array.from({ length: d }, (_, r) => order.map((c) => v[r][c])),
  };
}
