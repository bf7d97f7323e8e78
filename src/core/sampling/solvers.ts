// Solver programs (DESIGN §2). Each solver is a short function that emits eval/combine ops with float64
// coefficients and reads like its paper's update. Conventions follow the official implementations
// (DPM-Solver [DPMS:dpm_solver_pytorch.py], UniPC [UNIPC:uni_pc.py]); specs/samplers.md §4, §5, §19.
//
// All exponential integrators are written once, in a form shared by data and noise prediction:
//   step s → t, h = λ_t − λ_s, hh = −h (data) or +h (noise), c_t = α_t (data) or σ_t (noise),
//   x̃ = a·x_s − c_t·(e^{hh} − 1)·m_s,  a = σ_t/σ_s (data) or α_t/α_s (noise),
// and higher-order corrections −c_t·Σ g_k(hh)·(divided differences of m), g_k(z) = z·φ_{k+1}(z) (phi.ts).
// This is the official formulas rewritten (e.g. DPM-Solver++'s +α_t·((e^{−h} − 1)/h + 1)·D1 = −α_t·g_1(−h)·D1).

import type { Prediction } from './gmm.ts';
import { g } from './phi.ts';
import { type NoiseProcess, priorNoiseScale } from './process.ts';
import type { ProgramOp, SamplerProgram } from './program.ts';

export const SOLVER_NAMES = [
  'ddim',
  'dpm-solver-2m',
  'dpm-solver-3m',
  'dpmpp-2m',
  'dpmpp-3m',
  'dpm-solver-2s',
  'dpm-solver-3s',
  'dpmpp-2s',
  'dpmpp-3s',
  'dpm-solver-fast',
  'unipc',
] as const;
export type SolverName = (typeof SOLVER_NAMES)[number];

/** 'dpmsolver' (midpoint-like) or 'taylor' update of DPM-Solver's second-order terms (specs §4.2, §4.5) */
export type DpmSolverType = 'dpmsolver' | 'taylor';

/** A solver and its options; options left out take the official defaults listed in SOLVERS. */
export interface SolverSpec {
  name: SolverName;
  /** order of dpm-solver-fast and unipc (1–3) */
  order?: number;
  solverType?: DpmSolverType;
  /** model parameterisation of dpm-solver-fast and unipc */
  prediction?: Prediction;
  /** unipc B(h): 'bh1' B = hh, 'bh2' B = e^{hh} − 1 */
  variant?: 'bh1' | 'bh2';
  /** unipc: apply the UniC corrector (never at the last step) */
  corrector?: boolean;
  /** lower the order on the final steps (DPM-Solver: only when steps < 10, as the code does; UniPC: always) */
  lowerOrderFinal?: boolean;
}

type Family = 'multistep' | 'singlestep' | 'singlestep-budget' | 'unipc';

export interface SolverInfo {
  name: SolverName;
  label: string;
  family: Family;
  /** theoretical global order with the default options */
  order: number;
  prediction: Prediction;
  /** what the defaults reproduce in the official code */
  official: string;
}

export const SOLVERS: Record<SolverName, SolverInfo> = {
  ddim: { name: 'ddim', label: 'DDIM', family: 'multistep', order: 1, prediction: 'data', official: "DPM-Solver sample(method='multistep', order=1) ≡ DDIM η = 0" },
  'dpm-solver-2m': { name: 'dpm-solver-2m', label: 'DPM-Solver-2M', family: 'multistep', order: 2, prediction: 'noise', official: "DPM-Solver algorithm_type='dpmsolver', method='multistep', order=2, solver_type='dpmsolver', lower_order_final=True" },
  'dpm-solver-3m': { name: 'dpm-solver-3m', label: 'DPM-Solver-3M', family: 'multistep', order: 3, prediction: 'noise', official: "DPM-Solver algorithm_type='dpmsolver', method='multistep', order=3, lower_order_final=True" },
  'dpmpp-2m': { name: 'dpmpp-2m', label: 'DPM-Solver++(2M)', family: 'multistep', order: 2, prediction: 'data', official: "DPM-Solver algorithm_type='dpmsolver++', method='multistep', order=2, solver_type='dpmsolver', lower_order_final=True" },
  'dpmpp-3m': { name: 'dpmpp-3m', label: 'DPM-Solver++(3M)', family: 'multistep', order: 3, prediction: 'data', official: "DPM-Solver algorithm_type='dpmsolver++', method='multistep', order=3, lower_order_final=True" },
  'dpm-solver-2s': { name: 'dpm-solver-2s', label: 'DPM-Solver-2S', family: 'singlestep', order: 2, prediction: 'noise', official: "DPM-Solver algorithm_type='dpmsolver', method='singlestep_fixed', order=2, solver_type='dpmsolver'" },
  'dpm-solver-3s': { name: 'dpm-solver-3s', label: 'DPM-Solver-3S', family: 'singlestep', order: 3, prediction: 'noise', official: "DPM-Solver algorithm_type='dpmsolver', method='singlestep_fixed', order=3, solver_type='dpmsolver'" },
  'dpmpp-2s': { name: 'dpmpp-2s', label: 'DPM-Solver++(2S)', family: 'singlestep', order: 2, prediction: 'data', official: "DPM-Solver algorithm_type='dpmsolver++', method='singlestep_fixed', order=2, solver_type='dpmsolver'" },
  'dpmpp-3s': { name: 'dpmpp-3s', label: 'DPM-Solver++(3S)', family: 'singlestep', order: 3, prediction: 'data', official: "DPM-Solver algorithm_type='dpmsolver++', method='singlestep_fixed', order=3, solver_type='dpmsolver'" },
  'dpm-solver-fast': { name: 'dpm-solver-fast', label: 'DPM-Solver-fast', family: 'singlestep-budget', order: 3, prediction: 'noise', official: "DPM-Solver algorithm_type='dpmsolver', method='singlestep', order=3 (orders allocated to fill the NFE budget)" },
  unipc: { name: 'unipc', label: 'UniPC', family: 'unipc', order: 3, prediction: 'data', official: "UniPC variant='bh2', order=3, predict_x0=True, lower_order_final=True, corrector on except at the last step" },
};

/** order a solver runs at with its options */
export function solverOrder(spec: SolverSpec): number {
  const info = SOLVERS[spec.name];
  return info.family === 'unipc' || info.family === 'singlestep-budget' ? (spec.order ?? info.order) : info.order;
}

/** How a solver gets its time grids: N + 1 times from tStart to tEnd, and an inner grid between two times. */
export interface GridMaker {
  /** t_0, where x_T lives */
  start: number;
  /** N + 1 times t_0 … t_N; a grid that ends at the data has t_N = 0 (σ = 0) */
  grid(steps: number): number[];
  /** the same schedule between s and t with n intervals (singlestep intermediate points, specs §4.4, §19.4) */
  inner(s: number, t: number, n: number): number[];
  /** whether the schedule is uniform in λ (the singlestep outer grid then has K + 1 points, §4.4) */
  logSnrUniform: boolean;
}

/** How much work a program may do: `steps` intervals, or an NFE budget. */
export type StepBudget = { steps: number } | { nfe: number };

// ------------------------------------------------------------------------------------------ emitter

const X = 0;

/** Collects ops; combine terms are summed per register and zero terms dropped. */
class Emitter {
  readonly ops: ProgramOp[] = [];
  nfe = 0;
  registers = 1;
  constructor(
    readonly process: NoiseProcess,
    readonly prediction: Prediction,
  ) {}

  reg(index: number): number {
    this.registers = Math.max(this.registers, index + 1);
    return index;
  }

  evaluate(x: number, t: number, out: number): void {
    this.ops.push({ op: 'eval', x, out: this.reg(out), t, alpha: this.process.alpha(t), sigma: this.process.sigma(t), prediction: this.prediction });
    this.nfe++;
  }

  combine(out: number, terms: [number, number][], gridIndex?: number): void {
    const summed = new Map<number, number>();
    for (const [reg, coef] of terms) summed.set(reg, (summed.get(reg) ?? 0) + coef);
    const list = [...summed].filter(([, coef]) => coef !== 0).map(([reg, coef]) => ({ reg, coef }));
    this.ops.push({ op: 'combine', out: this.reg(out), terms: list, ...(gridIndex !== undefined ? { gridIndex } : {}) });
  }

  /**
   * The first-order part of a step s → t in the shared form: returns h, hh, c_t and the terms of
   * x̃ = a·x − c_t·(e^{hh} − 1)·m_s.
   */
  /**
   * A step into t = 0 (σ = 0, grids that end at the data, specs §3.2): every solver's last step there is the
   * first-order one, x = α_0·D_s (k-diffusion's final Euler/DPM++ step), with D_s = m_s or (x − σ_s·ε̂_s)/α_s.
   */
  toZero(s: number, x: number, ms: number, gridIndex: number): void {
    const p = this.process;
    if (this.prediction === 'data') this.combine(X, [[ms, p.alpha(0)]], gridIndex);
    else this.combine(X, [[x, p.alpha(0) / p.alpha(s)], [ms, (-p.alpha(0) * p.sigma(s)) / p.alpha(s)]], gridIndex);
  }

  /** x_T = scale·z: a prologue when the family's prior is not z itself (trajectory point 0) */
  prior(tStart: number): void {
    const scale = priorNoiseScale(this.process, tStart);
    if (scale !== 1) this.combine(X, [[X, scale]], 0);
  }

  base(s: number, t: number, x: number, ms: number) {
    const p = this.process;
    const h = p.lambda(t) - p.lambda(s);
    const data = this.prediction === 'data';
    const hh = data ? -h : h;
    const c = data ? p.alpha(t) : p.sigma(t);
    const a = data ? p.sigma(t) / p.sigma(s) : p.alpha(t) / p.alpha(s);
    const terms: [number, number][] = [
      [x, a],
      [ms, -c * g(0, hh)],
    ];
    return { h, hh, c, terms };
  }

  program(solver: string, times: number[]): SamplerProgram {
    return { solver, registers: this.registers, times, nfe: this.nfe, ops: this.ops };
  }
}

// ------------------------------------------------------------------------------------------ multistep

/**
 * Multistep DPM-Solver / DPM-Solver++ of order 1–3 (specs §4.1, §4.5–§4.7): warm-up with orders 1, 2, …;
 * lower_order_final only when N < 10 (the code's condition; the docstring says 15); NFE = N.
 * Order 1 is DDIM.
 */
function multistepDpmSolver(e: Emitter, times: number[], order: number, solverType: DpmSolverType, lowerOrderFinal: boolean): void {
  const N = times.length - 1;
  const lambda = times.map((t) => e.process.lambda(t));
  // model values m_i live in a ring of `order` registers
  const m = (i: number) => 1 + (i % order);
  e.evaluate(X, times[0], m(0));
  for (let i = 1; i <= N; i++) {
    if (times[i] === 0) {
      e.toZero(times[i - 1], X, m(i - 1), i);
      continue;
    }
    const p = i < order ? i : lowerOrderFinal && N < 10 ? Math.min(order, N + 1 - i) : order;
    const { h, hh, c, terms } = e.base(times[i - 1], times[i], X, m(i - 1));
    if (p === 2) {
      // D1_0 = (m_{i−1} − m_{i−2})/r0
      const r0 = (lambda[i - 1] - lambda[i - 2]) / h;
      const w = solverType === 'dpmsolver' ? 0.5 * g(0, hh) : g(1, hh);
      terms.push([m(i - 1), -(c * w) / r0], [m(i - 2), (c * w) / r0]);
    } else if (p === 3) {
      const r0 = (lambda[i - 1] - lambda[i - 2]) / h;
      const r1 = (lambda[i - 2] - lambda[i - 3]) / h;
      // D1_0 = (m1 − m2)/r0, D1_1 = (m2 − m3)/r1, D1 = D1_0 + r0/(r0+r1)·(D1_0 − D1_1), D2 = (D1_0 − D1_1)/(r0+r1)
      const d10 = new Map([[m(i - 1), 1 / r0], [m(i - 2), -1 / r0]]);
      const d11 = new Map([[m(i - 2), 1 / r1], [m(i - 3), -1 / r1]]);
      const k1 = g(1, hh);
      const k2 = g(2, hh);
      const wD10 = k1 * (1 + r0 / (r0 + r1)) + k2 / (r0 + r1);
      const wD11 = -k1 * (r0 / (r0 + r1)) - k2 / (r0 + r1);
      for (const [reg, coef] of d10) terms.push([reg, -c * wD10 * coef]);
      for (const [reg, coef] of d11) terms.push([reg, -c * wD11 * coef]);
    }
    e.combine(X, terms, i);
    if (i < N) e.evaluate(X, times[i], m(i));
  }
}

// ------------------------------------------------------------------------------------------ singlestep

/** Orders of the budget-filling singlestep method for `nfe` evaluations (specs §4.4). */
export function singlestepOrders(nfe: number, order: number): number[] {
  if (order === 3) {
    const K = Math.floor(nfe / 3) + 1;
    if (nfe % 3 === 0) return [...Array(K - 2).fill(3), 2, 1];
    return [...Array(K - 1).fill(3), nfe % 3];
  }
  if (order === 2) return nfe % 2 === 0 ? Array(nfe / 2).fill(2) : [...Array(Math.floor(nfe / 2)).fill(2), 1];
  return Array(nfe).fill(1);
}

/**
 * One singlestep DPM-Solver(++) step of order 1–3 from s to t (specs §4.2–§4.3), with intermediate points at
 * λ_s + r1·h, λ_s + r2·h taken from the inner grid of the schedule (§4.4, §19.4). Registers: m_s, m_1, m_2, U.
 */
function singlestepUpdate(e: Emitter, s: number, t: number, order: number, inner: number[], solverType: DpmSolverType, gridIndex: number): void {
  const p = e.process;
  const [MS, M1, M2, U] = [1, 2, 3, 4];
  e.evaluate(X, s, MS);
  if (t === 0) {
    e.toZero(s, X, MS, gridIndex);
    return;
  }
  const { h, hh, c, terms } = e.base(s, t, X, MS);
  if (order >= 2) {
    const lambdaS = p.lambda(s);
    const r1 = (p.lambda(inner[1]) - lambdaS) / h;
    const s1 = p.tOfLambda(lambdaS + r1 * h);
    const u1 = e.base(s, s1, X, MS);
    e.combine(U, u1.terms);
    e.evaluate(U, s1, M1);
    if (order === 2) {
      // 'dpmsolver': −c·(e^{hh} − 1)/(2 r1)·(m1 − m_s);  'taylor': −(c/r1)·g1(hh)·(m1 − m_s)
      const w = solverType === 'dpmsolver' ? g(0, hh) / (2 * r1) : g(1, hh) / r1;
      terms.push([M1, -c * w], [MS, c * w]);
    } else {
      const r2 = (p.lambda(inner[2]) - lambdaS) / h;
      const s2 = p.tOfLambda(lambdaS + r2 * h);
      // u2 = x̃(s → s2) − (r2/r1)·c_{s2}·g1(r2·hh)·(m1 − m_s)
      const u2 = e.base(s, s2, X, MS);
      const w2 = (r2 / r1) * u2.c * g(1, u2.hh);
      e.combine(U, [...u2.terms, [M1, -w2], [MS, w2]]);
      e.evaluate(U, s2, M2);
      if (solverType === 'dpmsolver') {
        // −(c/r2)·g1(hh)·(m2 − m_s)
        const w = (c * g(1, hh)) / r2;
        terms.push([M2, -w], [MS, w]);
      } else {
        // D1 = (r2·D1_0 − r1·D1_1)/(r2 − r1), D2 = 2(D1_1 − D1_0)/(r2 − r1), D1_0 = (m1 − m_s)/r1, D1_1 = (m2 − m_s)/r2
        const k1 = g(1, hh);
        const k2 = g(2, hh);
        const wD10 = (k1 * r2) / (r2 - r1) - (2 * k2) / (r2 - r1);
        const wD11 = (-k1 * r1) / (r2 - r1) + (2 * k2) / (r2 - r1);
        terms.push([M1, (-c * wD10) / r1], [MS, (c * wD10) / r1], [M2, (-c * wD11) / r2], [MS, (c * wD11) / r2]);
      }
    }
  }
  e.combine(X, terms, gridIndex);
}

/** Outer grid and per-step orders of a singlestep run (specs §4.4: 'singlestep' budget and 'singlestep_fixed'). */
function singlestepPlan(grids: GridMaker, budget: StepBudget, order: number, fillBudget: boolean): { times: number[]; orders: number[] } {
  if ('steps' in budget) return { times: grids.grid(budget.steps), orders: Array(budget.steps).fill(order) };
  if (!fillBudget) {
    // 'singlestep_fixed': ⌊nfe/order⌋ steps; a budget below one full step gets one step of order nfe
    const K = Math.floor(budget.nfe / order);
    return K === 0 ? { times: grids.grid(1), orders: [budget.nfe] } : { times: grids.grid(K), orders: Array(K).fill(order) };
  }
  const orders = singlestepOrders(budget.nfe, order);
  if (grids.logSnrUniform) return { times: grids.grid(orders.length), orders };
  // fine grid of nfe + 1 points, outer points at the cumulative sums of the orders
  const fine = grids.grid(budget.nfe);
  let index = 0;
  return { times: [fine[0], ...orders.map((o) => fine[(index += o)])], orders };
}

// ------------------------------------------------------------------------------------------ UniPC

/** Solve the small dense system A·x = b (Gaussian elimination with partial pivoting). */
function solveLinear(A: number[][], b: number[]): number[] {
  const n = b.length;
  const M = A.map((row, i) => [...row, b[i]]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let r = col + 1; r < n; r++) if (Math.abs(M[r][col]) > Math.abs(M[pivot][col])) pivot = r;
    [M[col], M[pivot]] = [M[pivot], M[col]];
    for (let r = col + 1; r < n; r++) {
      const f = M[r][col] / M[col][col];
      for (let k = col; k <= n; k++) M[r][k] -= f * M[col][k];
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let v = M[r][n];
    for (let k = r + 1; k < n; k++) v -= M[r][k] * x[k];
    x[r] = v / M[r][r];
  }
  return x;
}

/**
 * Multistep UniPC with the B(h) variants (specs §5, [UNIPC:multistep_uni_pc_bh_update, sample]):
 * UniP predictor of order p from m_{i−1} … m_{i−p}; UniC corrector using the model value at the predicted
 * point, which is then reused as m_i (no extra evaluation); no corrector at the last step; warm-up orders
 * 1, 2, …; lower_order_final: p = min(order, N + 1 − i) (always, unlike DPM-Solver). NFE = N.
 * Registers: x, the predicted point P, and a ring of `order` model values.
 */
function uniPc(e: Emitter, times: number[], order: number, variant: 'bh1' | 'bh2', corrector: boolean, lowerOrderFinal: boolean): void {
  const N = times.length - 1;
  const lambda = times.map((t) => e.process.lambda(t));
  const P = 1;
  const m = (i: number) => 2 + (i % (order + 1));
  e.evaluate(X, times[0], m(0));
  for (let i = 1; i <= N; i++) {
    if (times[i] === 0) {
      e.toZero(times[i - 1], X, m(i - 1), i);
      continue;
    }
    const p = i < order ? i : lowerOrderFinal ? Math.min(order, N + 1 - i) : order;
    const useCorrector = corrector && i < N;
    const { h, hh, c, terms: base } = e.base(times[i - 1], times[i], X, m(i - 1));
    // rks: r_k = (λ_{i−1−k} − λ_{i−1})/h for k = 1..p−1 (negative), then 1; D_k = (m_{i−1−k} − m_{i−1})/r_k
    const rks: number[] = [];
    for (let k = 1; k < p; k++) rks.push((lambda[i - 1 - k] - lambda[i - 1]) / h);
    rks.push(1);
    const B = variant === 'bh1' ? hh : g(0, hh);
    // b_k = g_k(hh)·k!/B, R[k][j] = rks_j^(k−1)
    let factorial = 1;
    const b = rks.map((_, k) => {
      factorial *= k + 1;
      return (g(k + 1, hh) * factorial) / B;
    });
    const R = rks.map((_, k) => rks.map((r) => r ** k));
    // the residual Σ ρ_k D_k as register terms, scaled by −c·B
    const residual = (rho: number[]): [number, number][] =>
      rho.flatMap((rhoK, k): [number, number][] => [
        [m(i - 2 - k), (-c * B * rhoK) / rks[k]],
        [m(i - 1), (c * B * rhoK) / rks[k]],
      ]);
    const rhoP = p === 1 ? [] : p === 2 ? [0.5] : solveLinear(R.slice(0, -1).map((row) => row.slice(0, -1)), b.slice(0, -1));
    if (!useCorrector) {
      e.combine(X, [...base, ...residual(rhoP)], i);
      if (i < N) e.evaluate(X, times[i], m(i));
      continue;
    }
    e.combine(P, [...base, ...residual(rhoP)]);
    e.evaluate(P, times[i], m(i));
    const rhoC = p === 1 ? [0.5] : solveLinear(R, b);
    // corrector: x̃ − c·B·(Σ_{k<p} ρC_k D_k + ρC_p·(m_i − m_{i−1}))
    const last = rhoC[rhoC.length - 1];
    e.combine(X, [...base, ...residual(rhoC.slice(0, -1)), [m(i), -c * B * last], [m(i - 1), c * B * last]], i);
  }
}

// ------------------------------------------------------------------------------------------ entry point

export function buildSolverProgram(solver: SolverSpec, process: NoiseProcess, grids: GridMaker, budget: StepBudget): SamplerProgram {
  const info = SOLVERS[solver.name];
  const order = solverOrder(solver);
  const prediction = solver.prediction ?? info.prediction;
  const solverType = solver.solverType ?? 'dpmsolver';
  const e = new Emitter(process, prediction);
  const steps = 'steps' in budget ? budget.steps : budget.nfe;
  e.prior(grids.start);
  switch (info.family) {
    case 'multistep': {
      const times = grids.grid(steps);
      multistepDpmSolver(e, times, order, solverType, solver.lowerOrderFinal ?? true);
      return e.program(solver.name, times);
    }
    case 'unipc': {
      const times = grids.grid(steps);
      uniPc(e, times, order, solver.variant ?? 'bh2', solver.corrector ?? true, solver.lowerOrderFinal ?? true);
      return e.program(solver.name, times);
    }
    case 'singlestep':
    case 'singlestep-budget': {
      const { times, orders } = singlestepPlan(grids, budget, order, info.family === 'singlestep-budget');
      orders.forEach((o, k) => {
        const [s, t] = [times[k], times[k + 1]];
        singlestepUpdate(e, s, t, o, t === 0 ? [] : grids.inner(s, t, o), solverType, k + 1);
      });
      return e.program(solver.name, times);
    }
  }
}

/** A solver on an explicit grid t_0 … t_N (N steps). */
export function programOnGrid(solver: SolverSpec, process: NoiseProcess, times: number[]): SamplerProgram {
  return buildSolverProgram(solver, process, fixedGrid(process, times), { steps: times.length - 1 });
}

/** n intervals between s and t, uniform in λ */
export function lambdaUniform(process: NoiseProcess, s: number, t: number, n: number): number[] {
  const ls = process.lambda(s);
  const lt = process.lambda(t);
  return Array.from({ length: n + 1 }, (_, i) => (i === 0 ? s : i === n ? t : process.tOfLambda(ls + (i / n) * (lt - ls))));
}

/** A GridMaker for an explicit grid (a custom schedule); inner points uniform in λ. */
export function fixedGrid(process: NoiseProcess, times: number[]): GridMaker {
  return {
    start: times[0],
    grid: (steps) => {
      if (steps !== times.length - 1) throw new Error(`the given grid has ${times.length - 1} steps, not ${steps}`);
      return times;
    },
    inner: (s, t, n) => lambdaUniform(process, s, t, n),
    logSnrUniform: false,
  };
}
