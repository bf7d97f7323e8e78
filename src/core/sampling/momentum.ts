// Momentum samplers (specs §11, [MOM:momentum_scheduler.py]): Polyak's Heavy Ball (HB) and the Generalized Heavy
// Ball (GHVB) on PLMS, and HB on DPM-Solver++(2M). β = 1 is the base method exactly; β < 1 damps the multistep
// extrapolation, which enlarges the stability region (the paper's cure for divergence artifacts at low NFE and
// large guidance).
//
// "PLMS" here is the momentum code's: Adams–Bashforth of order k on the ε̂ history with a lower-order warm-up
// (cur_order = min(k, len(history))) and the DDIM transfer x_{n+1}/α_{n+1} = x_n/α_n + (g_{n+1} − g_n)·U,
// g = σ/α ("scale" output mode) — with k = 4 this catalogue's iPNDM.

import type { Emitter } from './solvers.ts';
import { g } from './phi.ts';

/** Generalised Adams–Bashforth weights AB_k(·; b)/b, newest first (specs §11; b = 1: classical AB1–AB4) */
export function adamsBashforthMixer(order: number, b: number): number[] {
  switch (order) {
    case 1:
      return [1];
    case 2:
      return [(2 + b) / 2, -(2 - b) / 2].map((w) => w / b);
    case 3:
      return [18 + 5 * b, -(24 - 8 * b), 6 - b].map((w) => w / 12 / b);
    case 4:
      return [46 + 9 * b, -(78 - 19 * b), 42 - 5 * b, -(10 - b)].map((w) => w / 24 / b);
    default:
      throw new Error(`the Adams–Bashforth mixer takes orders 1–4 (got ${order})`);
  }
}

const X = 0;

/** DDIM transfer x' = (α'/α)·x + (σ' − (α'/α)·σ)·U with U a combination of registers (specs §8.4, §11) */
function transfer(e: Emitter, t: number, tn: number, u: [number, number][], gridIndex: number): void {
  const p = e.process;
  const ratio = p.alpha(tn) / p.alpha(t);
  const c = p.sigma(tn) - ratio * p.sigma(t);
  e.combine(X, [[X, ratio], ...u.map(([reg, w]): [number, number] => [reg, c * w])], gridIndex);
}

/**
 * PLMS + HB: P = AB_k(ε̂ history; 1), v ← (1 − β)v + βP, U = v.
 * PLMS + GHVB: v ← (1 − β)v + β ε̂_n, push v, U = AB_k(v history; β)/β.
 * v starts as the first ε̂ (both). A step into σ = 0 is the first-order one of the base family (as iPNDM's).
 * Registers: x, a ring of `order` histories (ε̂ for HB, v for GHVB), v (HB), ε̂ (GHVB).
 */
export function plmsMomentum(e: Emitter, times: number[], order: number, beta: number, kind: 'hb' | 'ghvb'): void {
  const N = times.length - 1;
  const history = (i: number) => 1 + (i % order);
  const [V, EPS] = [order + 1, order + 2];
  for (let i = 1; i <= N; i++) {
    const [t, tn] = [times[i - 1], times[i]];
    const k = Math.min(order, i);
    if (kind === 'hb') {
      e.evaluate(X, t, history(i - 1));
      if (tn === 0) {
        e.toZero(t, X, history(i - 1), i);
        continue;
      }
      const mix = adamsBashforthMixer(k, 1).map((w, j): [number, number] => [history(i - 1 - j), w * (i === 1 ? 1 : beta)]);
      e.combine(V, i === 1 ? mix : [[V, 1 - beta], ...mix]);
      transfer(e, t, tn, [[V, 1]], i);
    } else {
      e.evaluate(X, t, EPS);
      if (tn === 0) {
        e.toZero(t, X, EPS, i);
        continue;
      }
      e.combine(history(i - 1), i === 1 ? [[EPS, 1]] : [[history(i - 2), 1 - beta], [EPS, beta]]);
      transfer(e, t, tn, adamsBashforthMixer(k, beta).map((w, j): [number, number] => [history(i - 1 - j), w]), i);
    }
  }
}

/**
 * DPM-Solver++(2M) + HB (midpoint type, [MOM:MomentumDPMSolverMultistepScheduler]): on second-order steps
 * D' = D_0 + ½D_1 (D_1 = (m_{i−1} − m_{i−2})/r0), v ← (1 − β)v + βD' (v = D' on the first), x_t = (σ_t/σ_s)x −
 * α_t(e^{−h} − 1)·v. First-order steps (the first, and lower_order_final's when N < 10, as dpmpp-2m) are plain.
 */
export function dpmSolverPlusPlus2MMomentum(e: Emitter, times: number[], beta: number, lowerOrderFinal: boolean): void {
  const N = times.length - 1;
  const lambda = times.map((t) => e.process.lambda(t));
  const m = (i: number) => 1 + (i % 2);
  const V = 3;
  let started = false;
  e.evaluate(X, times[0], m(0));
  for (let i = 1; i <= N; i++) {
    if (times[i] === 0) {
      e.toZero(times[i - 1], X, m(i - 1), i);
      continue;
    }
    const p = i < 2 ? 1 : lowerOrderFinal && N < 10 ? Math.min(2, N + 1 - i) : 2;
    const { h, hh, c, terms } = e.base(times[i - 1], times[i], X, m(i - 1));
    if (p === 1) e.combine(X, terms, i);
    else {
      const r0 = (lambda[i - 1] - lambda[i - 2]) / h;
      const diff: [number, number][] = [[m(i - 1), 1 + 0.5 / r0], [m(i - 2), -0.5 / r0]];
      e.combine(V, started ? [[V, 1 - beta], ...diff.map(([r, w]): [number, number] => [r, beta * w])] : diff);
      started = true;
      e.combine(X, [terms[0], [V, -c * g(0, hh)]], i);
    }
    if (i < N) e.evaluate(X, times[i], m(i));
  }
}
