// Gauss–Legendre quadrature in float64: nodes and weights on [−1, 1] by Newton's method on P_n
// (Golub–Welsch would do too; n ≤ 64 here). Exact for polynomials of degree ≤ 2n − 1.

const cache = new Map<number, { nodes: number[]; weights: number[] }>();

export function gaussLegendre(n: number): { nodes: number[]; weights: number[] } {
  const cached = cache.get(n);
  if (cached) return cached;
  const nodes: number[] = [];
  const weights: number[] = [];
  for (let i = 1; i <= n; i++) {
    // Tricomi's initial guess, then Newton on P_n(x) = 0
    let x = Math.cos((Math.PI * (i - 0.25)) / (n + 0.5));
    let dp = 0;
    for (let iteration = 0; iteration < 100; iteration++) {
      let p0 = 1;
      let p1 = x;
      for (let k = 2; k <= n; k++) [p0, p1] = [p1, ((2 * k - 1) * x * p1 - (k - 1) * p0) / k];
      dp = (n * (x * p1 - p0)) / (x * x - 1);
      const step = p1 / dp;
      x -= step;
      if (Math.abs(step) < 1e-16) break;
    }
    nodes.push(x);
    weights.push(2 / ((1 - x * x) * dp * dp));
  }
  const rule = { nodes, weights };
  cache.set(n, rule);
  return rule;
}

/** ∫_a^b f with an n-point Gauss–Legendre rule */
export function integrate(f: (x: number) => number, a: number, b: number, n = 32): number {
  const { nodes, weights } = gaussLegendre(n);
  const half = (b - a) / 2;
  const mid = (a + b) / 2;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += weights[i] * f(mid + half * nodes[i]);
  return half * sum;
}
