// A literal float64 transcription of DPM-Solver-v3's sampling loop [V3:dpm_solver_v3.py DPM_Solver_v3.sample,
// multistep_predictor_update, multistep_corrector_update, get_g, compute_high_order_derivatives] as a test oracle
// for the program in dpmSolverV3.ts: it caches (x, ε̂) and applies the ε̂ adjustment after each correction, as the
// official code does, instead of caching f. Written independently of the program emitter (no shared helpers
// besides the integrals, which ems.test.ts checks on their own).

import type { EmsIntegrals } from './ems.ts';
import type { DenoiserModel } from './interpreter.ts';
import type { NoiseProcess } from './process.ts';

export interface OfficialV3Options {
  order: number;
  pPseudo: boolean;
  useCorrector: boolean;
  cPseudo: boolean;
  lowerOrderFinal: boolean;
  /** the official `half` flag: corrector only where t > 0.5 */
  half: boolean;
}

export function officialV3Sample(
  process: NoiseProcess,
  model: DenoiserModel,
  integrals: EmsIntegrals,
  xT: Float64Array,
  timesteps: number[],
  indexes: number[],
  o: OfficialV3Options,
): Float64Array {
  const d = model.dim;
  const n = xT.length / d;
  const { L, S, I, B, C } = integrals;
  const { l, lambdas } = integrals.ems;
  const at = (A: Float64Array, j: number, q: number) => A[j * d + (q % d)];
  const eps = (x: Float64Array, t: number) => {
    const out = new Float64Array(x.length);
    model.predict(x, n, t, process.alpha(t), process.sigma(t), 'noise', out);
    return out;
  };
  const factorial = (k: number): number => (k <= 1 ? 1 : k * factorial(k - 1));

  // g_i at every element (get_g), anchored at i_s
  const gOf = (x: Float64Array, e: Float64Array, t: number, j: number, is: number) => {
    const out = new Float64Array(x.length);
    const [alpha, sigma] = [process.alpha(t), process.sigma(t)];
    for (let q = 0; q < x.length; q++) {
      const f = (sigma * e[q] - at(l, j, q) * x[q]) / alpha;
      out[q] = Math.exp(at(S, is, q) - at(S, j, q)) * f - Math.exp(at(S, is, q)) * (at(B, j, q) - at(B, is, q));
    }
    return out;
  };

  const derivatives = (nn: number, lam: number[], g: Float64Array[], pseudo: boolean): Float64Array[] => {
    if (pseudo) {
      let D: Float64Array[] = g;
      const out: Float64Array[] = [];
      for (let i = 1; i <= nn; i++) {
        const next: Float64Array[] = [];
        for (let j = 0; j < nn - i + 1; j++) next.push(D[j].map((v, q) => (v - D[j + 1][q]) / (lam[j] - lam[i + j])));
        D = next;
        out.push(D[0].map((v) => v * factorial(i)));
      }
      return out;
    }
    // R[m][k] = (λ_m − λ_0)^k, solve per element by Gaussian elimination
    const out = Array.from({ length: nn }, () => new Float64Array(g[0].length));
    for (let q = 0; q < g[0].length; q++) {
      const M = Array.from({ length: nn }, (_, m) => [...Array.from({ length: nn }, (__, k) => (lam[m + 1] - lam[0]) ** (k + 1)), g[m + 1][q] - g[0][q]]);
      for (let c = 0; c < nn; c++) {
        let p = c;
        for (let r = c + 1; r < nn; r++) if (Math.abs(M[r][c]) > Math.abs(M[p][c])) p = r;
        [M[c], M[p]] = [M[p], M[c]];
        for (let r = c + 1; r < nn; r++) {
          const f = M[r][c] / M[c][c];
          for (let k = c; k <= nn; k++) M[r][k] -= f * M[c][k];
        }
      }
      const sol = new Array<number>(nn).fill(0);
      for (let r = nn - 1; r >= 0; r--) {
        let v = M[r][nn];
        for (let k = r + 1; k < nn; k++) v -= M[r][k] * sol[k];
        sol[r] = v / M[r][r];
      }
      for (let k = 0; k < nn; k++) out[k][q] = sol[k] * factorial(k + 1);
    }
    return out;
  };

  /** the shared body of multistep_predictor_update / multistep_corrector_update for list positions `pos` */
  const update = (xs: Float64Array[], es: Float64Array[], ts: number[], js: number[], pos: number[], t: number, it: number, order: number, pseudo: boolean) => {
    const nn = order - 1;
    const x0n = pos.map((p) => xs[p]);
    const e0n = pos.map((p) => es[p]);
    const t0n = pos.map((p) => ts[p]);
    const j0n = pos.map((p) => js[p]);
    const is = j0n[0];
    const [alphaS, alphaT] = [process.alpha(t0n[0]), process.alpha(t)];
    const g = x0n.map((x, i) => gOf(x, e0n[i], t0n[i], j0n[i], is));
    const out = new Float64Array(xs[0].length);
    for (let q = 0; q < out.length; q++) {
      out[q] =
        (alphaT / alphaS) * Math.exp(at(L, is, q) - at(L, it, q)) * x0n[0][q] -
        alphaT * Math.exp(-at(L, it, q) - at(S, is, q)) * (at(I, it, q) - at(I, is, q)) * g[0][q] -
        alphaT * Math.exp(-at(L, it, q)) * (at(C, it, q) - at(C, is, q) - at(B, is, q) * (at(I, it, q) - at(I, is, q)));
    }
    if (order > 1) {
      const gd = derivatives(nn, j0n.map((j) => lambdas[j]), g, pseudo);
      for (let i = 0; i < order - 1; i++) {
        const coef = integrals.expCoefficient(is, it, i + 1);
        for (let q = 0; q < out.length; q++) out[q] -= alphaT * Math.exp(at(L, is, q) - at(L, it, q)) * coef[q % d] * gd[i][q];
      }
    }
    return out;
  };

  const steps = timesteps.length - 1;
  const cx: Float64Array[] = [];
  const ce: Float64Array[] = [];
  const ct: number[] = [];
  const ci: number[] = [];
  let x = xT.slice();
  let pOrder = 0;
  for (let step = 1; step <= steps; step++) {
    cx.push(x);
    ce.push(eps(x, timesteps[step - 1]));
    ct.push(timesteps[step - 1]);
    ci.push(indexes[step - 1]);
    if (o.useCorrector && (timesteps[step - 1] > 0.5 || !o.half)) {
      const cOrder = pOrder + (o.cPseudo ? 1 : 0);
      if (cOrder > 1) {
        const last = cx.length - 1;
        // indexes [−2, −1, −3, −4, …]
        const pos = Array.from({ length: cOrder }, (_, i) => last - i);
        [pos[0], pos[1]] = [last - 1, last];
        const xNew = update(cx, ce, ct, ci, pos, ct[last], ci[last], cOrder, o.cPseudo);
        const sigma = process.sigma(ct[last]);
        const old = cx[last];
        const e = ce[last];
        ce[last] = e.map((v, q) => (sigma * v - at(l, ci[last], q) * old[q] + at(l, ci[last], q) * xNew[q]) / sigma);
        cx[last] = xNew;
      }
    }
    pOrder = step < o.order ? step : o.order;
    if (o.lowerOrderFinal) pOrder = Math.min(pOrder, steps + 1 - step);
    const last = cx.length - 1;
    x = update(cx, ce, ct, ci, Array.from({ length: pOrder }, (_, i) => last - i), timesteps[step], indexes[step], pOrder, o.pPseudo);
  }
  return x;
}
