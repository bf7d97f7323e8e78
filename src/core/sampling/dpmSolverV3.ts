// DPM-Solver-v3 as a solver program (specs §6.5–§6.6, [V3:dpm_solver_v3.py multistep_predictor_update,
// multistep_corrector_update, sample]). Every coefficient is per dimension (the EMS l, s, b), so the updates are
// combines with coefficient vectors (program.ts CombineTerm.vector, DESIGN §2).
//
// Registers: x (0), the predicted point P, the model output (D, see below), and a ring of f_i = (σ_i ε̂_i − l_i x_i)/α_i, one per cached point.
// The official loop caches (x_i, ε̂_i) and, after correcting x_i, shifts ε̂_i ← ε̂_i + l_i(x_i^c − x_i)/σ_i so that
// N_θ = σε̂ − l x (hence f_i and g_i) is unchanged [V3P Alg. 2 line 13]. Every later use of point i reads (x_i, ε̂_i)
// only through f_i, and x_i only as the anchor x_s. So caching f_i (computed at the evaluated point) and the
// corrected x is the same update in exact arithmetic: the ε̂ adjustment is what keeps f_i fixed, and here f_i is
// the register. The test against a literal float64 transcription of the official loop (v3.test.ts) checks this.

import type { Ems, EmsIntegrals } from './ems.ts';
import type { Emitter } from './solvers.ts';

/**
 * When the corrector runs (specs §6.6): 'off' always (the default, half=False); 'code' only where t > 0.5, the
 * condition in dpm_solver_v3.py and the stable-diffusion codebase for half=True; 'paper' only where t ≤ 0.5, as the
 * paper and README describe the half-corrector. Times are the process's own t, as in the official code.
 */
export type HalfCorrector = 'off' | 'code' | 'paper';

export interface DpmSolverV3Options {
  order: number;
  /** pseudo-order predictor (p_pseudo): Newton divided differences instead of the Vandermonde solve */
  predictorPseudo: boolean;
  /** use_corrector */
  corrector: boolean;
  /** pseudo-order corrector (c_pseudo): one order more than the predictor of that step, divided differences */
  correctorPseudo: boolean;
  lowerOrderFinal: boolean;
  halfCorrector: HalfCorrector;
}

/** the official snapping of a time grid to EMS grid indices [V3:convert_to_indexes/convert_to_timesteps, §6.4] */
export function snapToEms(ems: Ems, lambdaOf: (t: number) => number, times: number[]): number[] {
  const { lambdas, points: N } = ems;
  const [l0, l1] = [lambdas[0], lambdas[N]];
  const indexes = times.map((t) => Math.round((N * (lambdaOf(t) - l0)) / (l1 - l0)));
  for (let k = 1; k < indexes.length; k++)
    if (indexes[k] <= indexes[k - 1])
      throw new RangeError(`dpm-solver-v3: ${times.length - 1} steps need distinct points of the EMS grid; raise emsPoints (now ${N}) above the number of steps`);
  return indexes;
}

/** ĝ^(k) = Σ_m W[k−1][m]·g_m (k = 1..n) from the anchor (m = 0) and n more points at δ_m = λ_m − λ_s (§6.5) */
export function derivativeWeights(lambdas: number[], pseudo: boolean): number[][] {
  const n = lambdas.length - 1;
  if (n === 0) return [];
  let factorial = 1;
  const factorials = Array.from({ length: n }, (_, k) => (factorial *= k + 1));
  if (pseudo) {
    // Newton divided differences: D[0] = g; D[i][j] = (D[i−1][j] − D[i−1][j+1])/(λ_j − λ_{i+j}); ĝ^(i) = i!·D[i][0]
    let D: number[][] = lambdas.map((_, j) => lambdas.map((__, m) => (m === j ? 1 : 0)));
    const out: number[][] = [];
    for (let i = 1; i <= n; i++) {
      const next: number[][] = [];
      for (let j = 0; j <= n - i; j++) next.push(D[j].map((v, m) => (v - D[j + 1][m]) / (lambdas[j] - lambdas[i + j])));
      D = next;
      out.push(D[0].map((v) => v * factorials[i - 1]));
    }
    return out;
  }
  // Vandermonde: Σ_k δ_m^k c_k = g_m − g_0 (m = 1..n), ĝ^(k) = k!·c_k
  const delta = lambdas.slice(1).map((l) => l - lambdas[0]);
  const inverse = invert(delta.map((dm) => Array.from({ length: n }, (_, k) => dm ** (k + 1))));
  return inverse.map((row, k) => {
    const w = [-row.reduce((a, b) => a + b, 0), ...row];
    return w.map((v) => v * factorials[k]);
  });
}

function invert(A: number[][]): number[][] {
  const n = A.length;
  const M = A.map((row, i) => [...row, ...Array.from({ length: n }, (_, j) => (i === j ? 1 : 0))]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r][col]) > Math.abs(M[pivot][col])) pivot = r;
    [M[col], M[pivot]] = [M[pivot], M[col]];
    const p = M[col][col];
    for (let k = 0; k < 2 * n; k++) M[col][k] /= p;
    for (let r = 0; r < n; r++) {
      if (r === col) continue;
      const f = M[r][col];
      for (let k = 0; k < 2 * n; k++) M[r][k] -= f * M[col][k];
    }
  }
  return M.map((row) => row.slice(n));
}

interface Point {
  /** register holding f_i */
  f: number;
  /** EMS grid index */
  index: number;
  t: number;
}

/**
 * The multistep predictor–corrector loop of specs §6.6 on the EMS-snapped grid `indexes` (N + 1 points).
 * Returns nothing; the caller's emitter collects the ops (NFE = N).
 */
export function dpmSolverV3(e: Emitter, ems: Ems, integrals: EmsIntegrals, indexes: number[], times: number[], o: DpmSolverV3Options): void {
  const p = e.process;
  const d = ems.dim;
  const N = indexes.length - 1;
  const [X, P, E] = [0, 1, 2];
  const ring = o.order + 2;
  const f = (k: number) => 3 + (k % ring);
  const { L, S, I, B, C } = integrals;
  const row = (A: Float64Array, j: number) => A.subarray(j * d, (j + 1) * d);
  const lambdaOf = (j: number) => ems.lambdas[j];

  /**
   * x_t from the anchor (x register, point s) and extra points (specs §6.5): writes
   * out ← A⊙x_s + Σ_m ω_m e^{S_s − S_m}⊙f_m + constant.
   */
  const update = (out: number, anchorX: number, anchor: Point, extra: Point[], target: { index: number; t: number }, pseudo: boolean, gridIndex?: number) => {
    const [is, it] = [anchor.index, target.index];
    const alphaT = p.alpha(target.t);
    const alphaS = p.alpha(anchor.t);
    const points = [anchor, ...extra];
    const W = derivativeWeights(points.map((pt) => lambdaOf(pt.index)), pseudo);
    const E = W.map((_, k) => integrals.expCoefficient(is, it, k + 1));
    const A = new Float64Array(d);
    const omega = points.map(() => new Float64Array(d));
    const constant = new Float64Array(d);
    for (let i = 0; i < d; i++) {
      const [Ls, Lt, Ss] = [L[is * d + i], L[it * d + i], S[is * d + i]];
      const [Is, It, Bs, Cs, Ct] = [I[is * d + i], I[it * d + i], B[is * d + i], C[is * d + i], C[it * d + i]];
      A[i] = (alphaT / alphaS) * Math.exp(Ls - Lt);
      omega[0][i] = -alphaT * Math.exp(-Lt - Ss) * (It - Is);
      constant[i] = -alphaT * Math.exp(-Lt) * (Ct - Cs - Bs * (It - Is));
      const high = -alphaT * Math.exp(Ls - Lt);
      for (let k = 0; k < W.length; k++) for (let m = 0; m < points.length; m++) omega[m][i] += high * E[k][i] * W[k][m];
    }
    // g_m = e^{S_s − S_m} f_m − e^{S_s}(B_m − B_s)  (g_0 = f_0)
    const terms: [number, Float64Array][] = [[anchorX, A], [anchor.f, omega[0]]];
    extra.forEach((pt, j) => {
      const w = omega[j + 1];
      const coef = new Float64Array(d);
      for (let i = 0; i < d; i++) {
        const [Ss, Sm, Bs, Bm] = [S[is * d + i], S[pt.index * d + i], B[is * d + i], B[pt.index * d + i]];
        coef[i] = w[i] * Math.exp(Ss - Sm);
        constant[i] -= w[i] * Math.exp(Ss) * (Bm - Bs);
      }
      terms.push([pt.f, coef]);
    });
    e.combineVector(out, terms, constant, gridIndex);
  };

  const predictorOrder = (step: number) => {
    const order = Math.min(step, o.order);
    return o.lowerOrderFinal ? Math.min(order, N + 1 - step) : order;
  };
  const halfAllows = (t: number) => o.halfCorrector === 'off' || (o.halfCorrector === 'code' ? t > 0.5 : t <= 0.5);
  /** whether point k (1 ≤ k < N, made by the predictor of step k) is corrected at the start of step k + 1 */
  const corrected = (k: number) => k >= 1 && k < N && o.corrector && halfAllows(times[k]) && predictorOrder(k) + (o.correctorPseudo ? 1 : 0) > 1;

  const points: Point[] = [];
  for (let step = 1; step <= N; step++) {
    const k = step - 1;
    const src = corrected(k) ? P : X;
    // the step's only model evaluation, at the point the previous predictor produced; f_k from it. The program
    // evaluates D, not ε̂: f = (σε̂ − l x)/α = ((1 − l)/α)·x − D (σε̂ = x − αD), which has no cancellation where
    // l ≈ 1 (high noise: σε̂ and l x are both ≈ x there, and their f32 difference lost 3e-5 relative on the GPU)
    const t = times[k];
    e.evaluate(src, t, E);
    const alpha = p.alpha(t);
    const oneMinusLOverAlpha = row(ems.l, indexes[k]).map((v) => (1 - v) / alpha);
    e.combineVector(f(k), [[E, -1], [src, oneMinusLOverAlpha]]);
    points.push({ f: f(k), index: indexes[k], t });
    if (corrected(k)) {
      // recompute x_k from x_{k−1} with points [x_{k−1}, x_k, x_{k−2}, …] (c in all), pseudo iff c_pseudo
      const c = predictorOrder(k) + (o.correctorPseudo ? 1 : 0);
      const extra = [points[k], ...points.slice(Math.max(0, k - c + 1), k - 1).reverse()];
      update(X, X, points[k - 1], extra, { index: indexes[k], t }, o.correctorPseudo, k);
    }
    // predictor of order p from x_k with points x_{k−1}, …, x_{k−p+1}
    const order = predictorOrder(step);
    const extra = points.slice(Math.max(0, k - order + 1), k).reverse();
    const out = corrected(step) ? P : X;
    update(out, X, points[k], extra, { index: indexes[step], t: times[step] }, o.predictorPseudo, out === X ? step : undefined);
  }
}
