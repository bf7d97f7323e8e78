// φ-functions of exponential integrators, φ_k(z) = (e^z − Σ_{m<k} z^m/m!)/z^k (φ_0 = e^z), in float64
// without cancellation: a Taylor series φ_k(z) = Σ_{m≥0} z^m/(m+k)! for small |z|, the recursion
// φ_{k+1} = (φ_k − 1/k!)/z otherwise. The solvers' "g" coefficients are g_k(z) = z·φ_{k+1}(z)
// (e.g. g_1 = (e^z − 1)/z − 1, g_2 = g_1/z − ½: specs §4.3–§4.6, §5).

const SERIES_RADIUS = 0.25;

function factorial(k: number): number {
  let f = 1;
  for (let i = 2; i <= k; i++) f *= i;
  return f;
}

export function phi(k: number, z: number): number {
  if (Math.abs(z) < SERIES_RADIUS) {
    // terms fall by ≥ 4× each; 20 terms reach far below float64 resolution
    let term = 1 / factorial(k);
    let sum = term;
    for (let m = 1; m < 20; m++) {
      term *= z / (m + k);
      sum += term;
    }
    return sum;
  }
  if (k === 0) return Math.exp(z);
  // φ_1 = expm1(z)/z, then the recursion (stable for |z| ≥ 0.25 at the orders used here)
  let value = Math.expm1(z) / z;
  for (let j = 1; j < k; j++) value = (value - 1 / factorial(j)) / z;
  return value;
}

/** g_k(z) = z·φ_{k+1}(z): g_0 = e^z − 1, g_1 = (e^z − 1)/z − 1, g_2 = g_1/z − ½, … */
export function g(k: number, z: number): number {
  return k === 0 ? Math.expm1(z) : z * phi(k + 1, z);
}
