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
import { integrate } from '../util/quadrature.ts';
import { g } from './phi.ts';
import { type NoiseProcess, priorNoiseScale, sigmaTilde, tOfSigmaTilde } from './process.ts';
import { type CombineOp, type CombineTerm, type Program, type ProgramOp, type SamplerProgram, fixedProgram } from './program.ts';
import { type EmsOptions, type EmsQuadrature, type LEstimator, type StatisticsSource, EMS_DEFAULTS, emsIntegrals, statisticsFor } from './ems.ts';
import { type HalfCorrector, dpmSolverV3, snapToEms } from './dpmSolverV3.ts';
import type { PreparedMixture } from './gmm.ts';
import { dpmSolverPlusPlus2MMomentum, plmsMomentum } from './momentum.ts';
import { type PcPredictor, PC_DEFAULTS, ADAPTIVE_DEFAULTS, RK45_DEFAULTS, adaptiveDpmSolver, pcEvaluationsPerStep, pcSampler, rk45 } from './driven.ts';

/**
 * What a solver uses for an option the spec leaves out (the official defaults): k-diffusion's churn (s_churn = 0,
 * s_tmin = 0, s_tmax = ∞, s_noise = 1) and ancestral eta = 1 (also DDIM-η's: the DDPM step); PLMS + momentum is AB4,
 * DPM-Solver-adaptive is DPM-Solver-23. One place, read by the solvers and by spec/solverSchema.ts
 * solverOptionDefault (the UI's sliders sit there).
 */
export const SOLVER_OPTION_DEFAULTS = { sChurn: 0, sTmin: 0, sTmax: Infinity, sNoise: 1, eta: 1, momentumOrder: 4, adaptiveOrder: 3 } as const;

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
  'euler',
  'heun',
  'dpm2',
  'lms',
  'euler-ancestral',
  'dpm2-ancestral',
  'dpmpp-2s-ancestral',
  'ddpm',
  'dpmpp-sde',
  'dpmpp-2m-sde',
  'dpmpp-3m-sde',
  'deis',
  'ipndm',
  'plms',
  'pndm',
  'flow-euler',
  'flow-midpoint',
  'flow-heun',
  'flow-rk4',
  'dpm-solver-adaptive',
  'rk45',
  'pc',
  'dpm-solver-v3',
  'plms-hb',
  'plms-ghvb',
  'dpmpp-2m-hb',
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
  /** EDM stochastic churn of euler/heun/dpm2 (k-diffusion s_churn, s_tmin, s_tmax, s_noise; specs §9, §10, §19.6) */
  sChurn?: number;
  sTmin?: number;
  sTmax?: number;
  sNoise?: number;
  /** ancestral noise fraction of euler-ancestral (k-diffusion eta) */
  eta?: number;
  /** error tolerances of the adaptive solvers (dpm-solver-adaptive, rk45) */
  rtol?: number;
  atol?: number;
  /** Score-SDE pc: predictor, Langevin corrector steps per level, target signal-to-noise ratio, noise removal */
  predictor?: PcPredictor;
  langevinSteps?: number;
  snr?: number;
  noiseRemoval?: boolean;
  /** noise of the SDE solvers (dpmpp-sde, -2m-sde, -3m-sde): k-diffusion's default Brownian tree, or i.i.d. draws */
  noiseSampler?: NoiseSampler;
  /** dpm-solver-v3 (specs §6): EMS grid points N_ems, data points K, the l estimator, the integrals' quadrature */
  emsPoints?: number;
  emsSamples?: number;
  emsEstimator?: LEstimator;
  emsQuadrature?: EmsQuadrature;
  /** dpm-solver-v3 with l = 1, s = 0, b = 0 (the official `degenerated`: DPM-Solver++ with v3's loop) */
  degenerate?: boolean;
  /** dpm-solver-v3: pseudo-order predictor (p_pseudo) and corrector (c_pseudo) */
  predictorPseudo?: boolean;
  correctorPseudo?: boolean;
  /** dpm-solver-v3 half-corrector: 'off', 'code' (corrector where t > 0.5) or 'paper' (where t ≤ 0.5), specs §6.6 */
  halfCorrector?: HalfCorrector;
  /** momentum samplers (specs §11): β ∈ (0, 1], 1 = the base method */
  beta?: number;
}

export type NoiseSampler = 'brownian-tree' | 'iid';

/**
 * Where a stochastic solver's noise comes from: fresh i.i.d. draws (one RNG step each), or, for the SDE solvers
 * with noiseSampler 'brownian-tree', increments of one Brownian path per particle over σ̃ ∈ [σ̃_min, σ̃_max] of the
 * grid (k-diffusion's BrownianTreeNoiseSampler(x, sigma_min, sigma_max), times normalised to [0, 1]; §9.5, §19.7).
 */
class NoiseSource {
  next = 0;
  constructor(private readonly tree?: { min: number; max: number }) {}

  /** z for a step from σ̃a to σ̃b, times coef */
  sde(coef: number, sigmaFrom: number, sigmaTo: number): NonNullable<CombineOp['noise']> {
    if (!this.tree) return { coef, step: this.next++ };
    const tau = (sigma: number) => (sigma - this.tree!.min) / (this.tree!.max - this.tree!.min);
    return { coef, step: 0, brownian: { from: tau(sigmaFrom), to: tau(sigmaTo) } };
  }
}

type Family = 'v3' | 'momentum' | 'adaptive' | 'pc' | 'multistep' | 'singlestep' | 'singlestep-budget' | 'unipc' | 'deis' | 'lms' | 'ddim-eta' | 'sigma' | 'sigma-ancestral' | 'sigma-sde' | 'linear-multistep' | 'flow';

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
  euler: { name: 'euler', label: 'Euler (σ)', family: 'sigma', order: 1, prediction: 'data', official: 'k-diffusion sample_euler (s_churn=0) ≡ DDIM' },
  heun: { name: 'heun', label: 'Heun (EDM)', family: 'sigma', order: 2, prediction: 'data', official: 'k-diffusion sample_heun / EDM edm_sampler (S_churn=0): Euler on the last step into σ = 0' },
  dpm2: { name: 'dpm2', label: 'DPM2', family: 'sigma', order: 2, prediction: 'data', official: 'k-diffusion sample_dpm_2 (midpoint in log σ)' },
  lms: { name: 'lms', label: 'LMS (σ)', family: 'lms', order: 4, prediction: 'data', official: 'k-diffusion sample_lms (order=4; Lagrange coefficients integrated exactly instead of scipy quad)' },
  'euler-ancestral': { name: 'euler-ancestral', label: 'Euler ancestral', family: 'sigma-ancestral', order: 1, prediction: 'data', official: 'k-diffusion sample_euler_ancestral (eta=1, s_noise=1)' },
  'dpm2-ancestral': { name: 'dpm2-ancestral', label: 'DPM2 ancestral', family: 'sigma-ancestral', order: 1, prediction: 'data', official: 'k-diffusion sample_dpm_2_ancestral (eta=1, s_noise=1)' },
  'dpmpp-2s-ancestral': { name: 'dpmpp-2s-ancestral', label: 'DPM-Solver++(2S) ancestral', family: 'sigma-ancestral', order: 1, prediction: 'data', official: 'k-diffusion sample_dpmpp_2s_ancestral (eta=1, s_noise=1)' },
  ddpm: { name: 'ddpm', label: 'DDPM (DDIM η = 1)', family: 'ddim-eta', order: 1, prediction: 'data', official: 'diffusers DDIMScheduler step with eta=1 (ancestral DDPM sampling); eta is an option' },
  'dpmpp-sde': { name: 'dpmpp-sde', label: 'DPM-Solver++ SDE', family: 'sigma-sde', order: 1, prediction: 'data', official: 'k-diffusion sample_dpmpp_sde (eta=1, r=1/2, BrownianTreeNoiseSampler over [sigma_min, sigma_max]; the tree is built on our RNG, not torchsde\'s)' },
  'dpmpp-2m-sde': { name: 'dpmpp-2m-sde', label: 'DPM-Solver++(2M) SDE', family: 'sigma-sde', order: 1, prediction: 'data', official: "k-diffusion sample_dpmpp_2m_sde (eta=1, solver_type='midpoint', Brownian tree noise on our RNG)" },
  'dpmpp-3m-sde': { name: 'dpmpp-3m-sde', label: 'DPM-Solver++(3M) SDE', family: 'sigma-sde', order: 1, prediction: 'data', official: 'k-diffusion sample_dpmpp_3m_sde (eta=1, Brownian tree noise on our RNG)' },
  deis: { name: 'deis', label: 'DEIS (tAB)', family: 'deis', order: 3, prediction: 'noise', official: "DEIS th_deis 't_ab' with ab_order=3 (Lagrange extrapolation of ε̂ in t; coefficients by 32-point Gauss–Legendre in λ instead of the reference's 10 000-point Riemann sum)" },
  ipndm: { name: 'ipndm', label: 'iPNDM', family: 'linear-multistep', order: 4, prediction: 'noise', official: 'DEIS get_sampler_ipndm: DDIM transfer of Adams–Bashforth-extrapolated ε̂, warm start by lower orders' },
  plms: { name: 'plms', label: 'S-PNDM', family: 'linear-multistep', order: 2, prediction: 'noise', official: "PNDM runner/method.py 'S-PNDM': pseudo improved Euler first step, then AB2 on ε̂ (NFE = steps + 1)" },
  pndm: { name: 'pndm', label: 'F-PNDM', family: 'linear-multistep', order: 4, prediction: 'noise', official: "PNDM runner/method.py 'F-PNDM': 3 pseudo-RK4 steps, then AB4 on ε̂ (NFE = steps + 9)" },
  'flow-euler': { name: 'flow-euler', label: 'Flow Euler', family: 'flow', order: 1, prediction: 'data', official: 'Euler in t on dx/dt = v (diffusers FlowMatchEulerDiscreteScheduler on the flow process)' },
  'flow-midpoint': { name: 'flow-midpoint', label: 'Flow midpoint', family: 'flow', order: 2, prediction: 'data', official: "torchdiffeq fixed-grid 'midpoint' as in Lumina-Next (2 NFE per step)" },
  'flow-heun': { name: 'flow-heun', label: 'Flow Heun', family: 'flow', order: 2, prediction: 'data', official: 'Heun in t (diffusers FlowMatchHeunDiscreteScheduler); Euler into σ = 0' },
  'flow-rk4': { name: 'flow-rk4', label: 'Flow RK4', family: 'flow', order: 4, prediction: 'data', official: 'classical RK4 in t on dx/dt = v' },
  'dpm-solver-adaptive': { name: 'dpm-solver-adaptive', label: 'DPM-Solver-23 (adaptive)', family: 'adaptive', order: 3, prediction: 'data', official: "DPM-Solver algorithm_type='dpmsolver++', method='adaptive', order=3, rtol=0.05, atol=0.0078, h_init=0.05, theta=0.9, t_err=1e-5 (NFE follows from the tolerances)" },
  rk45: { name: 'rk45', label: 'RK45 (Dormand–Prince, λ)', family: 'adaptive', order: 5, prediction: 'data', official: 'scipy solve_ivp(method=RK45) on the probability-flow ODE in λ, rtol=atol=1e-5 as Rectified Flow (NFE follows from the tolerances)' },
  pc: { name: 'pc', label: 'Score-SDE PC', family: 'pc', order: 1, prediction: 'noise', official: "Score-SDE pc_sampler: ReverseDiffusionPredictor + LangevinCorrector, snr=0.16, n_steps_each=1, noise_removal=True" },
  'dpm-solver-v3': { name: 'dpm-solver-v3', label: 'DPM-Solver-v3', family: 'v3', order: 3, prediction: 'data', official: 'DPM-Solver-v3 sample(order=3, p_pseudo=False, use_corrector=True, c_pseudo=False, lower_order_final=True, half=False); EMS from the exact model (N_ems = 200, K = 1024, exact diagonal l), times snapped to the EMS grid' },
  'plms-hb': { name: 'plms-hb', label: 'PLMS + Heavy Ball', family: 'momentum', order: 1, prediction: 'noise', official: 'momentum-diffusion PLMSWithHBScheduler, order 3.8 (AB4, β = 0.8), DDIM transfer in σ/α (output_mode scale); β = 1 is iPNDM' },
  'plms-ghvb': { name: 'plms-ghvb', label: 'PLMS + GHVB', family: 'momentum', order: 1, prediction: 'noise', official: 'momentum-diffusion GHVBScheduler, order 3.8 (AB4 mixer with b = β = 0.8), output_mode scale; β = 1 is iPNDM' },
  'dpmpp-2m-hb': { name: 'dpmpp-2m-hb', label: 'DPM-Solver++(2M) + Heavy Ball', family: 'momentum', order: 1, prediction: 'data', official: "momentum-diffusion MomentumDPMSolverMultistepScheduler (dpmsolver++, midpoint), β = 0.8; β = 1 is dpmpp-2m" },
};

/** A budget a solver cannot run in (e.g. RK4 with fewer than 4 evaluations); the message says what it needs. */
export class BudgetError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BudgetError';
  }
}

/** model evaluations per step of the fixed-stage families (an NFE budget buys ⌊nfe/stages⌋ steps) */
const STAGES: Partial<Record<SolverName, number>> = { heun: 2, dpm2: 2, 'dpm2-ancestral': 2, 'dpmpp-2s-ancestral': 2, 'dpmpp-sde': 2, 'flow-midpoint': 2, 'flow-heun': 2, 'flow-rk4': 4 };

/** steps that fit an NFE budget for the fixed-stage and PNDM families */
function stepsForBudget(name: SolverName, nfe: number): number {
  if (name === 'plms') {
    if (nfe < 2) throw new BudgetError('plms (S-PNDM) needs at least 2 model evaluations (its first step is a pseudo improved Euler step)');
    return nfe - 1;
  }
  if (name === 'pndm') {
    // 4 NFE for each of the first three steps, then 1 per step
    if (nfe < 4) throw new BudgetError('pndm (F-PNDM) needs at least 4 model evaluations (its first step is a pseudo-RK4 step)');
    return nfe >= 12 ? nfe - 9 : Math.floor(nfe / 4);
  }
  const stages = STAGES[name] ?? 1;
  if (nfe < stages) throw new BudgetError(`${name} needs at least ${stages} model evaluations per step (got a budget of ${nfe})`);
  return Math.floor(nfe / stages);
}

/** order a solver runs at with its options */
export function solverOrder(spec: SolverSpec): number {
  const info = SOLVERS[spec.name];
  if (info.family === 'momentum') return (spec.beta ?? MOMENTUM_BETA) === 1 ? (spec.name === 'dpmpp-2m-hb' ? 2 : (spec.order ?? SOLVER_OPTION_DEFAULTS.momentumOrder)) : 1;
  return ['unipc', 'singlestep-budget', 'deis', 'lms', 'v3'].includes(info.family) ? (spec.order ?? info.order) : info.order;
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
  /** the last positive time, and whether the grid then steps to σ = 0 (adaptive solvers need no grid, just these) */
  end?: number;
  endsAtZero?: boolean;
}

/** How much work a program may do: `steps` intervals, or an NFE budget. */
export type StepBudget = { steps: number } | { nfe: number };

// ------------------------------------------------------------------------------------------ emitter

const X = 0;

/** Collects ops; combine terms are summed per register and zero terms dropped. */
export class Emitter {
  readonly ops: ProgramOp[] = [];
  nfe = 0;
  registers = 1;
  /** per-dimension coefficient vectors (program.ts SamplerProgram.vectors) */
  readonly vectors: Float64Array[] = [];
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

  combine(out: number, terms: [number, number][], gridIndex?: number, noise?: { coef: number; step: number }): void {
    const summed = new Map<number, number>();
    for (const [reg, coef] of terms) summed.set(reg, (summed.get(reg) ?? 0) + coef);
    const list = [...summed].filter(([, coef]) => coef !== 0).map(([reg, coef]) => ({ reg, coef }));
    this.ops.push({ op: 'combine', out: this.reg(out), terms: list, ...(gridIndex !== undefined ? { gridIndex } : {}), ...(noise ? { noise } : {}) });
  }

  /**
   * out ← Σ_j vec_j ⊙ reg_j (+ constant), with per-dimension coefficient vectors (a scalar where a term gives a
   * number): DPM-Solver-v3's EMS updates (specs §6.5). Each vector is stored once in the program.
   */
  combineVector(out: number, terms: [number, Float64Array | number][], constant?: Float64Array, gridIndex?: number): void {
    const vector = (v: Float64Array) => this.vectors.push(Float64Array.from(v)) - 1;
    const list: CombineTerm[] = terms.map(([reg, c]) => (typeof c === 'number' ? { reg, coef: c } : { reg, coef: 1, vector: vector(c) }));
    this.ops.push({
      op: 'combine',
      out: this.reg(out),
      terms: list,
      ...(constant ? { constant: { vector: vector(constant), coef: 1 } } : {}),
      ...(gridIndex !== undefined ? { gridIndex } : {}),
    });
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

  /** the ops written since the last call (a driven program's next fragment) */
  flush(): ProgramOp[] {
    return this.ops.splice(0);
  }

  program(solver: string, times: number[]): SamplerProgram {
    return { solver, registers: this.registers, times, nfe: this.nfe, ops: this.ops, ...(this.vectors.length ? { vectors: this.vectors } : {}) };
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
 * λ_s + r1·h, λ_s + r2·h (r = [r1, r2]; from the inner grid of the schedule, §4.4, §19.4, or fixed by the adaptive
 * solver, §4.8). Registers: m_s, m_1, m_2, U. `reuse` model values (m_s, then m_1) are already in place from an
 * earlier update of the same step (the adaptive solver's lower-order update shares them, §4.8); the result goes
 * to `out`.
 */
export function singlestepUpdate(
  e: Emitter,
  s: number,
  t: number,
  order: number,
  r: number[],
  solverType: DpmSolverType,
  { gridIndex, out = X, reuse = 0 }: { gridIndex?: number; out?: number; reuse?: number } = {},
): void {
  const p = e.process;
  const [MS, M1, M2, U] = [1, 2, 3, 4];
  if (reuse < 1) e.evaluate(X, s, MS);
  if (t === 0) {
    e.toZero(s, X, MS, gridIndex!);
    return;
  }
  const { h, hh, c, terms } = e.base(s, t, X, MS);
  if (order >= 2) {
    const lambdaS = p.lambda(s);
    const r1 = r[0];
    const s1 = p.tOfLambda(lambdaS + r1 * h);
    if (reuse < 2) {
      const u1 = e.base(s, s1, X, MS);
      e.combine(U, u1.terms);
      e.evaluate(U, s1, M1);
    }
    if (order === 2) {
      // 'dpmsolver': −c·(e^{hh} − 1)/(2 r1)·(m1 − m_s);  'taylor': −(c/r1)·g1(hh)·(m1 − m_s)
      const w = solverType === 'dpmsolver' ? g(0, hh) / (2 * r1) : g(1, hh) / r1;
      terms.push([M1, -c * w], [MS, c * w]);
    } else {
      const r2 = r[1];
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
  e.combine(out, terms, gridIndex);
}

/** the λ fractions r_k = (λ(inner_k) − λ_s)/h of an inner grid's intermediate points (specs §4.4) */
function innerFractions(process: NoiseProcess, inner: number[]): number[] {
  const ls = process.lambda(inner[0]);
  const h = process.lambda(inner[inner.length - 1]) - ls;
  return inner.slice(1, -1).map((t) => (process.lambda(t) - ls) / h);
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

// ------------------------------------------------------------------------------------------ σ-space (k-diffusion, EDM)

/**
 * k-diffusion's samplers work on x̃ = x/α at noise level σ̃ = σ/α = e^{−λ} with dx̃/dσ̃ = (x̃ − D)/σ̃ (specs §1, §9).
 * Registers hold x itself; a point is (register, time), so every σ̃-space combination is rewritten in x with
 * x̃ = x/α_t — for EDM (α = 1) the coefficients are k-diffusion's own.
 */
interface SigmaPoint {
  reg: number;
  t: number;
}

function sigmaSpaceSolvers(e: Emitter, times: number[], solver: SolverSpec, seedStepBase: { next: number }): void {
  const p = e.process;
  const st = (t: number) => sigmaTilde(p, t);
  const N = times.length - 1;
  const [XHAT, D1, X2, D2] = [1, 2, 3, 4];
  const sChurn = solver.sChurn ?? SOLVER_OPTION_DEFAULTS.sChurn;
  const sTmin = solver.sTmin ?? SOLVER_OPTION_DEFAULTS.sTmin;
  const sTmax = solver.sTmax ?? SOLVER_OPTION_DEFAULTS.sTmax;
  const sNoise = solver.sNoise ?? SOLVER_OPTION_DEFAULTS.sNoise;
  for (let i = 1; i <= N; i++) {
    const ti = times[i - 1];
    const tn = times[i];
    // EDM churn: raise the noise to σ̂ = σ(1 + γ), γ = min(S_churn/N, √2 − 1) inside [S_tmin, S_tmax] (§10, §19.6)
    const sigmaI = st(ti);
    const gamma = sChurn > 0 && sigmaI >= sTmin && sigmaI <= sTmax ? Math.min(sChurn / N, Math.SQRT2 - 1) : 0;
    let at: SigmaPoint = { reg: X, t: ti };
    if (gamma > 0) {
      const tHat = tOfSigmaTilde(p, sigmaI * (1 + gamma));
      const sigmaHat = st(tHat);
      // x̂̃ = x̃ + s_noise·√(σ̂² − σ²)·z
      e.combine(XHAT, [[X, p.alpha(tHat) / p.alpha(ti)]], undefined, { coef: p.alpha(tHat) * sNoise * Math.sqrt(sigmaHat ** 2 - sigmaI ** 2), step: seedStepBase.next++ });
      at = { reg: XHAT, t: tHat };
    }
    e.evaluate(at.reg, at.t, D1);
    const sigmaHat = st(at.t);
    // Euler in σ̃ from `from` (D at `from`) to time `to`: x_to = (α_to/α_from)(σ̃_to/σ̃_from)·x + α_to(1 − σ̃_to/σ̃_from)·D
    const euler = (from: SigmaPoint, d: number, to: number, out: number, gridIndex?: number) => {
      const ratio = st(to) / st(from.t);
      e.combine(out, [[from.reg, (p.alpha(to) / p.alpha(from.t)) * ratio], [d, p.alpha(to) * (1 - ratio)]], gridIndex);
    };
    if (tn === 0) {
      e.toZero(at.t, at.reg, D1, i);
      continue;
    }
    if (solver.name === 'euler') {
      euler(at, D1, tn, X, i);
    } else if (solver.name === 'heun') {
      // x̃2 = x̂̃ + Δ·d;  x̃_n = x̂̃ + Δ·(d + d2)/2, d = (x̂̃ − D1)/σ̂, d2 = (x̃2 − D2)/σ_n, Δ = σ_n − σ̂
      euler(at, D1, tn, X2);
      e.evaluate(X2, tn, D2);
      const dt = st(tn) - sigmaHat;
      const an = p.alpha(tn);
      e.combine(
        X,
        [
          [at.reg, (an / p.alpha(at.t)) * (1 + dt / (2 * sigmaHat))],
          [D1, (-an * dt) / (2 * sigmaHat)],
          [X2, dt / (2 * st(tn))],
          [D2, (-an * dt) / (2 * st(tn))],
        ],
        i,
      );
    } else {
      // dpm2: midpoint in log σ̃: x̃2 = x̂̃ + (σ_mid − σ̂)·d, then x̃_n = x̂̃ + (σ_n − σ̂)·d2 with d2 at σ_mid
      const tMid = tOfSigmaTilde(p, Math.exp(0.5 * (Math.log(sigmaHat) + Math.log(st(tn)))));
      euler(at, D1, tMid, X2);
      e.evaluate(X2, tMid, D2);
      const sigmaMid = st(tMid);
      const dt = st(tn) - sigmaHat;
      const an = p.alpha(tn);
      e.combine(
        X,
        [
          [at.reg, an / p.alpha(at.t)],
          [X2, dt / (sigmaMid * p.alpha(tMid)) * an],
          [D2, (-an * dt) / sigmaMid],
        ],
        i,
      );
    }
  }
}

/**
 * k-diffusion's ancestral samplers (specs §9.2, §9.4): a deterministic step from σ_i down to
 * σ_down = √(σ_{i+1}² − σ_up²), σ_up = min(σ_{i+1}, η·√(σ_{i+1}²(σ_i² − σ_{i+1}²)/σ_i²)), then fresh noise s_noise·σ_up·z.
 * euler-ancestral: Euler to σ_down; dpm2-ancestral: DPM2 (midpoint in log σ̃) to σ_down; dpmpp-2s-ancestral:
 * DPM-Solver++(2S) with its midpoint s = t + h/2 in λ. The final step into σ = 0 is deterministic (§19.7).
 * Written in x with x̃ = x/α; the output lives at t_{i+1}, x_{i+1} = α_{i+1}·x̃_{i+1}.
 */
function ancestralSamplers(e: Emitter, times: number[], solver: SolverSpec, noiseSteps: { next: number }): void {
  const p = e.process;
  const st = (t: number) => sigmaTilde(p, t);
  const eta = solver.eta ?? SOLVER_OPTION_DEFAULTS.eta;
  const sNoise = solver.sNoise ?? SOLVER_OPTION_DEFAULTS.sNoise;
  const N = times.length - 1;
  const [D, X2, D2] = [1, 2, 3];
  for (let i = 1; i <= N; i++) {
    const [from, to] = [times[i - 1], times[i]];
    e.evaluate(X, from, D);
    if (to === 0) {
      e.toZero(from, X, D, i);
      continue;
    }
    const [sf, sTo] = [st(from), st(to)];
    const sigmaUp = Math.min(sTo, eta * Math.sqrt((sTo ** 2 * (sf ** 2 - sTo ** 2)) / sf ** 2));
    const sigmaDown = Math.sqrt(sTo ** 2 - sigmaUp ** 2);
    const [af, at] = [p.alpha(from), p.alpha(to)];
    const noise = sigmaUp > 0 ? { coef: at * sNoise * sigmaUp, step: noiseSteps.next++ } : undefined;
    if (solver.name === 'euler-ancestral') {
      const ratio = sigmaDown / sf;
      e.combine(X, [[X, (at / af) * ratio], [D, at * (1 - ratio)]], i, noise);
    } else if (solver.name === 'dpm2-ancestral') {
      // x̃2 = x̃ + (σ_mid − σ_i)·d at σ_mid = √(σ_i·σ_down); x̃_down = x̃ + (σ_down − σ_i)·d2, d2 = (x̃2 − D2)/σ_mid
      const sigmaMid = Math.sqrt(sf * sigmaDown);
      const tMid = tOfSigmaTilde(p, sigmaMid);
      const am = p.alpha(tMid);
      const dt1 = sigmaMid - sf;
      const dt2 = sigmaDown - sf;
      e.combine(X2, [[X, (am / af) * (1 + dt1 / sf)], [D, (-am * dt1) / sf]]);
      e.evaluate(X2, tMid, D2);
      e.combine(X, [[X, at / af], [X2, (at * dt2) / (sigmaMid * am)], [D2, (-at * dt2) / sigmaMid]], i, noise);
    } else {
      // λ = −log σ̃: h = λ_down − λ_i, s = λ_i + h/2; x̃2 = (σ_s/σ_i)x̃ − (e^{−h/2} − 1)D; x̃_down = (σ_down/σ_i)x̃ − (e^{−h} − 1)D2
      const h = Math.log(sf) - Math.log(sigmaDown);
      const sigmaS = sf * Math.exp(-h / 2);
      const tS = tOfSigmaTilde(p, sigmaS);
      const as = p.alpha(tS);
      e.combine(X2, [[X, (as / af) * (sigmaS / sf)], [D, -as * Math.expm1(-h / 2)]]);
      e.evaluate(X2, tS, D2);
      e.combine(X, [[X, (at / af) * (sigmaDown / sf)], [D2, -at * Math.expm1(-h)]], i, noise);
    }
  }
}

/**
 * k-diffusion sample_dpmpp_2m_sde (specs §9.6) in σ̃-space: with h = λ_{i+1} − λ_i and η_h = η·h,
 * x̃ ← (σ̃_{i+1}/σ̃_i)e^{−η_h}·x̃ + (1 − e^{−h−η_h})·D_i + [midpoint] ½(1 − e^{−h−η_h})(D_i − D_{i−1})/r
 *   [heun: (1 − (1 − e^{−h−η_h})/(h + η_h))(D_i − D_{i−1})/r] + σ̃_{i+1}·√(1 − e^{−2η_h})·s_noise·z,
 * first step without history, into σ = 0: x = D. Noise from NoiseSource (Brownian tree by default, as k-diffusion).
 */
function dpmSolverPlusPlus2MSde(e: Emitter, times: number[], solver: SolverSpec, noise: NoiseSource): void {
  const p = e.process;
  const eta = solver.eta ?? SOLVER_OPTION_DEFAULTS.eta;
  const sNoise = solver.sNoise ?? SOLVER_OPTION_DEFAULTS.sNoise;
  const heun = solver.solverType === 'taylor';
  const m = (i: number) => 1 + (i % 2);
  const lambda = times.map((t) => (t === 0 ? Infinity : p.lambda(t)));
  const N = times.length - 1;
  for (let i = 1; i <= N; i++) {
    const [from, to] = [times[i - 1], times[i]];
    e.evaluate(X, from, m(i - 1));
    if (to === 0) {
      e.toZero(from, X, m(i - 1), i);
      continue;
    }
    const h = lambda[i] - lambda[i - 1];
    const etaH = eta * h;
    const w = -Math.expm1(-h - etaH); // 1 − e^{−h−η_h}
    const at = p.alpha(to);
    const terms: [number, number][] = [
      [X, (at / p.alpha(from)) * (sigmaTilde(p, to) / sigmaTilde(p, from)) * Math.exp(-etaH)],
      [m(i - 1), at * w],
    ];
    if (i >= 2) {
      const r = (lambda[i - 1] - lambda[i - 2]) / h;
      const c = heun ? 1 - w / (h + etaH) : 0.5 * w;
      terms.push([m(i - 1), (at * c) / r], [m(i - 2), (-at * c) / r]);
    }
    const noiseScale = sigmaTilde(p, to) * Math.sqrt(-Math.expm1(-2 * etaH)) * sNoise;
    e.combine(X, terms, i, noiseScale > 0 ? noise.sde(at * noiseScale, sigmaTilde(p, from), sigmaTilde(p, to)) : undefined);
  }
}

// ------------------------------------------------------------------------------------------ stochastic DDIM

/**
 * DDIM with η (specs §4.1; η = 1 is ancestral DDPM): x' = α'·D + √(σ'² − s²)·ε̂ + s·z with
 * s² = η²·σ'²·(1 − e^{−2h}). On VP processes this is exactly diffusers' variance ((1−ᾱ')/(1−ᾱ))(1 − ᾱ/ᾱ')
 * (1 − σ² = α² makes the two equal); written this way it holds for every process. With ε̂ = (x − αD)/σ the
 * update is a combine of x and D plus noise; into σ = 0 it is x = D.
 */
function stochasticDdim(e: Emitter, times: number[], eta: number, noiseSteps: { next: number }): void {
  const p = e.process;
  const D = 1;
  for (let i = 1; i < times.length; i++) {
    const [t, tn] = [times[i - 1], times[i]];
    e.evaluate(X, t, D);
    if (tn === 0) {
      e.toZero(t, X, D, i);
      continue;
    }
    const h = p.lambda(tn) - p.lambda(t);
    const [a, s, an, sn] = [p.alpha(t), p.sigma(t), p.alpha(tn), p.sigma(tn)];
    const std = eta * sn * Math.sqrt(-Math.expm1(-2 * h));
    const keep = Math.sqrt(sn * sn - std * std);
    e.combine(X, [[X, keep / s], [D, an - (keep * a) / s]], i, std > 0 ? { coef: std, step: noiseSteps.next++ } : undefined);
  }
}

// ------------------------------------------------------------------------------------------ LMS (k-diffusion)

/**
 * k-diffusion sample_lms (specs §9.3): x̃_{i+1} = x̃_i + Σ_{j<q} c_j·d_{i−j}, d = (x̃ − D)/σ̃, q = min(i + 1, order),
 * c_j = ∫_{σ̃_i}^{σ̃_{i+1}} ℓ_j(τ) dτ over the Lagrange basis in σ̃ at σ̃_i, …, σ̃_{i−q+1} (a polynomial: the
 * Gauss–Legendre rule is exact). The slopes d are kept in registers, since past x are overwritten.
 */
function lms(e: Emitter, times: number[], order: number): void {
  const p = e.process;
  const st = (t: number) => (t === 0 ? 0 : sigmaTilde(p, t));
  const N = times.length - 1;
  const D = 1;
  const slope = (i: number) => 2 + (i % order);
  for (let i = 0; i < N; i++) {
    const [t, tn] = [times[i], times[i + 1]];
    e.evaluate(X, t, D);
    // d_i = (x/α − D)/σ̃
    e.combine(slope(i), [[X, 1 / (p.alpha(t) * st(t))], [D, -1 / st(t)]]);
    const q = Math.min(i + 1, order);
    const sigmas = Array.from({ length: q }, (_, j) => st(times[i - j]));
    const terms: [number, number][] = [[X, p.alpha(tn) / p.alpha(t)]];
    for (let j = 0; j < q; j++) {
      const ell = (tau: number) => sigmas.reduce((acc, sk, k) => (k === j ? acc : (acc * (tau - sk)) / (sigmas[j] - sk)), 1);
      terms.push([slope(i - j), p.alpha(tn) * integrate(ell, st(t), st(tn), 8)]);
    }
    e.combine(X, terms, i + 1);
  }
}

// ------------------------------------------------------------------------------------------ DEIS

/**
 * tAB-DEIS (specs §8.1): x_{i+1} = (α_{i+1}/α_i)·x_i + Σ_{j ≤ r} C_ij·ε̂_{i−j},
 * C_ij = −α_{i+1}·∫_{λ_i}^{λ_{i+1}} e^{−λ}·ℓ_j(t(λ)) dλ with ℓ_j the Lagrange basis in t over t_i, …, t_{i−r};
 * warm start with order i (r = 0 is DDIM). Into σ = 0 the step is first order.
 */
function deisTab(e: Emitter, times: number[], order: number): void {
  const p = e.process;
  const N = times.length - 1;
  const eps = (i: number) => 1 + (i % (order + 1));
  for (let i = 0; i < N; i++) {
    const [t, tn] = [times[i], times[i + 1]];
    e.evaluate(X, t, eps(i));
    if (tn === 0) {
      e.toZero(t, X, eps(i), i + 1);
      continue;
    }
    const r = Math.min(order - 1, i);
    const nodes = Array.from({ length: r + 1 }, (_, j) => times[i - j]);
    const lagrange = (j: number, tau: number) => nodes.reduce((acc, tk, k) => (k === j ? acc : (acc * (tau - tk)) / (nodes[j] - tk)), 1);
    const terms: [number, number][] = [[X, p.alpha(tn) / p.alpha(t)]];
    for (let j = 0; j <= r; j++) {
      const c = -p.alpha(tn) * integrate((lambda) => Math.exp(-lambda) * lagrange(j, p.tOfLambda(lambda)), p.lambda(t), p.lambda(tn), 32);
      terms.push([eps(i - j), c]);
    }
    e.combine(X, terms, i + 1);
  }
}

/**
 * k-diffusion sample_dpmpp_sde (specs §9.5, r = ½): an ancestral DPM-Solver++(1) step to the λ-midpoint s with
 * noise, D2 there, then from x_i with D' = (1 − 1/(2r))·D + (1/(2r))·D2 an ancestral step to σ_{i+1}; each ancestral
 * step x̃ ← (σ_down/σ_i)·x̃ + (1 − σ_down/σ_i)·D + s_noise·σ_up·z. Into σ = 0: x = D. The two draws are the tree's
 * increments over [σ_i, σ_s] and [σ_i, σ_{i+1}] (overlapping, as k-diffusion calls its noise sampler).
 */
function dpmSolverPlusPlusSde(e: Emitter, times: number[], solver: SolverSpec, noise: NoiseSource): void {
  const p = e.process;
  const st = (t: number) => sigmaTilde(p, t);
  const eta = solver.eta ?? SOLVER_OPTION_DEFAULTS.eta;
  const sNoise = solver.sNoise ?? SOLVER_OPTION_DEFAULTS.sNoise;
  const r = 0.5;
  const [D, X2, D2] = [1, 2, 3];
  const ancestral = (from: number, to: number) => {
    const up = Math.min(to, eta * Math.sqrt((to ** 2 * (from ** 2 - to ** 2)) / from ** 2));
    return { down: Math.sqrt(to ** 2 - up ** 2), up };
  };
  for (let i = 1; i < times.length; i++) {
    const [t, tn] = [times[i - 1], times[i]];
    e.evaluate(X, t, D);
    if (tn === 0) {
      e.toZero(t, X, D, i);
      continue;
    }
    const [si, sn] = [st(t), st(tn)];
    const sigmaS = si * Math.exp(-r * (Math.log(si) - Math.log(sn)));
    const tS = tOfSigmaTilde(p, sigmaS);
    const [ai, aS, an] = [p.alpha(t), p.alpha(tS), p.alpha(tn)];
    const step1 = ancestral(si, sigmaS);
    e.combine(X2, [[X, (aS / ai) * (step1.down / si)], [D, aS * (1 - step1.down / si)]], undefined, step1.up > 0 ? noise.sde(aS * sNoise * step1.up, si, sigmaS) : undefined);
    e.evaluate(X2, tS, D2);
    const step2 = ancestral(si, sn);
    const fac = 1 / (2 * r);
    const w = an * (1 - step2.down / si);
    e.combine(X, [[X, (an / ai) * (step2.down / si)], [D, w * (1 - fac)], [D2, w * fac]], i, step2.up > 0 ? noise.sde(an * sNoise * step2.up, si, sn) : undefined);
  }
}

/**
 * k-diffusion sample_dpmpp_3m_sde (specs §9.7) in σ̃-space: h_η = (1 + η)h, x̃ ← e^{−h_η}x̃ + (1 − e^{−h_η})D_i
 * + φ2·d1 − φ3·d2 with two previous outputs (φ2·(D_i − D_{i−1})/r0 with one), φ2 = (e^{−h_η} − 1)/h_η + 1,
 * φ3 = φ2/h_η − ½; then + σ̃_{i+1}√(1 − e^{−2ηh})·s_noise·z. Into σ = 0: x = D. Noise from NoiseSource.
 */
function dpmSolverPlusPlus3MSde(e: Emitter, times: number[], solver: SolverSpec, noise: NoiseSource): void {
  const p = e.process;
  const eta = solver.eta ?? SOLVER_OPTION_DEFAULTS.eta;
  const sNoise = solver.sNoise ?? SOLVER_OPTION_DEFAULTS.sNoise;
  const m = (i: number) => 1 + (i % 3);
  const lambda = times.map((t) => (t === 0 ? Infinity : p.lambda(t)));
  const N = times.length - 1;
  for (let i = 1; i <= N; i++) {
    const [from, to] = [times[i - 1], times[i]];
    e.evaluate(X, from, m(i - 1));
    if (to === 0) {
      e.toZero(from, X, m(i - 1), i);
      continue;
    }
    const h = lambda[i] - lambda[i - 1];
    const hEta = h * (eta + 1);
    const at = p.alpha(to);
    const phi2 = Math.expm1(-hEta) / hEta + 1;
    const phi3 = phi2 / hEta - 0.5;
    const terms: [number, number][] = [
      [X, (at / p.alpha(from)) * Math.exp(-hEta)],
      [m(i - 1), -at * Math.expm1(-hEta)],
    ];
    if (i >= 3) {
      const r0 = (lambda[i - 1] - lambda[i - 2]) / h;
      const r1 = (lambda[i - 2] - lambda[i - 3]) / h;
      // d1 = d1_0 + (d1_0 − d1_1)·r0/(r0 + r1), d2 = (d1_0 − d1_1)/(r0 + r1); d1_0 = (D_i − D_{i−1})/r0, d1_1 = (D_{i−1} − D_{i−2})/r1
      const wD10 = phi2 * (1 + r0 / (r0 + r1)) - phi3 / (r0 + r1);
      const wD11 = -phi2 * (r0 / (r0 + r1)) + phi3 / (r0 + r1);
      terms.push([m(i - 1), (at * wD10) / r0], [m(i - 2), (-at * wD10) / r0], [m(i - 2), (at * wD11) / r1], [m(i - 3), (-at * wD11) / r1]);
    } else if (i === 2) {
      const r0 = (lambda[i - 1] - lambda[i - 2]) / h;
      terms.push([m(i - 1), (at * phi2) / r0], [m(i - 2), (-at * phi2) / r0]);
    }
    const noiseScale = sigmaTilde(p, to) * Math.sqrt(-Math.expm1(-2 * eta * h)) * sNoise;
    e.combine(X, terms, i, noiseScale > 0 ? noise.sde(at * noiseScale, sigmaTilde(p, from), sigmaTilde(p, to)) : undefined);
  }
}

// ------------------------------------------------------------------------------------------ PNDM family

/** Adams–Bashforth weights on ε̂ (newest first) for orders 1–4 (specs §8.4, §8.5) */
const ADAMS_BASHFORTH = [[1], [3 / 2, -1 / 2], [23 / 12, -16 / 12, 5 / 12], [55 / 24, -59 / 24, 37 / 24, -9 / 24]];

/**
 * PNDM's "transfer" φ(x, t → t', ε) is the DDIM step with a given noise: x' = (α'/α)·x + (σ' − (α'/α)·σ)·ε
 * (specs §8.4–§8.5; PNDM writes it in a rearranged but equal form). `eps` lists (register, weight) pairs.
 */
function transfer(e: Emitter, x: number, t: number, tn: number, eps: [number, number][], out: number, gridIndex?: number): void {
  const p = e.process;
  const ratio = p.alpha(tn) / p.alpha(t);
  const c = p.sigma(tn) - ratio * p.sigma(t);
  e.combine(out, [[x, ratio], ...eps.map(([reg, weight]): [number, number] => [reg, c * weight])], gridIndex);
}

/**
 * iPNDM (DEIS), S-PNDM ('plms') and F-PNDM ('pndm'): ε̂ histories combined by Adams–Bashforth and moved by the
 * DDIM transfer. iPNDM warms up with lower AB orders; S-PNDM's first step is a pseudo improved Euler step
 * (2 NFE); F-PNDM's first three are pseudo-RK4 steps (4 NFE each; only the first ε̂ of each enters the history).
 * Into σ = 0 the step is first order.
 */
function pndmFamily(e: Emitter, times: number[], name: SolverName): void {
  const N = times.length - 1;
  const maxOrder = name === 'plms' ? 2 : 4;
  const history = (i: number) => 1 + (i % 4); // ε̂ at t_i, four registers
  const [STAGE, E2, E3, E4] = [5, 6, 7, 8];
  for (let i = 1; i <= N; i++) {
    const [t, tn] = [times[i - 1], times[i]];
    e.evaluate(X, t, history(i - 1));
    if (tn === 0) {
      e.toZero(t, X, history(i - 1), i);
      continue;
    }
    const e1 = history(i - 1);
    if (name === 'plms' && i === 1) {
      // pseudo improved Euler: e' = (e1 + ε̂(φ(x, t→t', e1), t'))/2
      transfer(e, X, t, tn, [[e1, 1]], STAGE);
      e.evaluate(STAGE, tn, E2);
      transfer(e, X, t, tn, [[e1, 0.5], [E2, 0.5]], X, i);
    } else if (name === 'pndm' && i <= 3) {
      // pseudo RK4 with the transfer: e' = (e1 + 2e2 + 2e3 + e4)/6
      const tMid = (t + tn) / 2;
      transfer(e, X, t, tMid, [[e1, 1]], STAGE);
      e.evaluate(STAGE, tMid, E2);
      transfer(e, X, t, tMid, [[E2, 1]], STAGE);
      e.evaluate(STAGE, tMid, E3);
      transfer(e, X, t, tn, [[E3, 1]], STAGE);
      e.evaluate(STAGE, tn, E4);
      transfer(e, X, t, tn, [[e1, 1 / 6], [E2, 2 / 6], [E3, 2 / 6], [E4, 1 / 6]], X, i);
    } else {
      // Adams–Bashforth on the stored ε̂ (iPNDM ramps its order up from 1; PNDM's histories are full by now)
      const order = Math.min(maxOrder, i);
      const weights = ADAMS_BASHFORTH[order - 1];
      transfer(e, X, t, tn, weights.map((w, k): [number, number] => [history(i - 1 - k), w]), X, i);
    }
  }
}

// ------------------------------------------------------------------------------------------ flow ODE in t

/**
 * Explicit Runge–Kutta in the process time t on the probability-flow ODE written with D (specs §1):
 * dx/dt = a(t)·x + b(t)·D, a = d log σ/dt, b = α·dλ/dt. On the flow process (α = 1 − t, σ = t) this is
 * dx/dt = v = ε̂ − D (diffusers' convention). Stages never evaluate at t = 0; a step into σ = 0 is first order.
 */
function flowRungeKutta(e: Emitter, times: number[], solver: SolverName): void {
  const p = e.process;
  const a = (t: number) => p.dLogAlphaDt(t) - p.dLambdaDt(t);
  const b = (t: number) => p.alpha(t) * p.dLambdaDt(t);
  const [D, STAGE, K1, K2, K3, K4] = [1, 2, 3, 4, 5, 6];
  const slope = (reg: number, t: number, k: number) => {
    e.evaluate(reg, t, D);
    e.combine(k, [[reg, a(t)], [D, b(t)]]);
  };
  const N = times.length - 1;
  for (let i = 1; i <= N; i++) {
    const [t0, t1] = [times[i - 1], times[i]];
    const dt = t1 - t0;
    if (t1 === 0) {
      e.evaluate(X, t0, D);
      e.toZero(t0, X, D, i);
      continue;
    }
    slope(X, t0, K1);
    if (solver === 'flow-euler') {
      e.combine(X, [[X, 1], [K1, dt]], i);
    } else if (solver === 'flow-midpoint') {
      e.combine(STAGE, [[X, 1], [K1, dt / 2]]);
      slope(STAGE, t0 + dt / 2, K2);
      e.combine(X, [[X, 1], [K2, dt]], i);
    } else if (solver === 'flow-heun') {
      e.combine(STAGE, [[X, 1], [K1, dt]]);
      slope(STAGE, t1, K2);
      e.combine(X, [[X, 1], [K1, dt / 2], [K2, dt / 2]], i);
    } else {
      e.combine(STAGE, [[X, 1], [K1, dt / 2]]);
      slope(STAGE, t0 + dt / 2, K2);
      e.combine(STAGE, [[X, 1], [K2, dt / 2]]);
      slope(STAGE, t0 + dt / 2, K3);
      e.combine(STAGE, [[X, 1], [K3, dt]]);
      slope(STAGE, t1, K4);
      e.combine(X, [[X, 1], [K1, dt / 6], [K2, dt / 3], [K3, dt / 3], [K4, dt / 6]], i);
    }
  }
}

// ------------------------------------------------------------------------------------------ entry point

/** momentum samplers' default β (the paper's fractional orders 3.8 / 1.8) */
export const MOMENTUM_BETA = 0.8;

/** What a program may need besides the process and the grid: the target, for DPM-Solver-v3's statistics. */
export interface SolverContext {
  /** the target the program will run on, and a key that identifies it (the statistics are cached under it) */
  target?: { key: string; mixture: () => PreparedMixture };
  /** where DPM-Solver-v3's statistics come from (ems.ts StatisticsSource; default: computed in float64) */
  statistics?: StatisticsSource;
}

export function buildSolverProgram(solver: SolverSpec, process: NoiseProcess, grids: GridMaker, budget: StepBudget, context: SolverContext = {}): Program {
  const info = SOLVERS[solver.name];
  if (info.family === 'adaptive') {
    const oneStep = grids.grid(1);
    const endsAtZero = grids.endsAtZero ?? oneStep[oneStep.length - 1] === 0;
    const end = grids.end ?? oneStep[oneStep.length - 1];
    const tolerances = { rtol: solver.rtol ?? (solver.name === 'rk45' ? RK45_DEFAULTS : ADAPTIVE_DEFAULTS).rtol, atol: solver.atol ?? (solver.name === 'rk45' ? RK45_DEFAULTS : ADAPTIVE_DEFAULTS).atol };
    if (solver.name === 'rk45') return rk45(process, grids.start, end, { ...tolerances, endsAtZero });
    return adaptiveDpmSolver(process, grids.start, end, { order: (solver.order ?? SOLVER_OPTION_DEFAULTS.adaptiveOrder) as 2 | 3, prediction: solver.prediction ?? info.prediction, solverType: solver.solverType ?? 'dpmsolver', endsAtZero, ...tolerances });
  }
  if (info.family === 'pc') {
    const options = { ...PC_DEFAULTS, ...definedOnly({ predictor: solver.predictor, langevinSteps: solver.langevinSteps, snr: solver.snr, noiseRemoval: solver.noiseRemoval }) };
    const perStep = pcEvaluationsPerStep(options);
    if ('nfe' in budget && budget.nfe < perStep) throw new BudgetError(`pc with these options needs ${perStep} model evaluations per step (got a budget of ${budget.nfe})`);
    return pcSampler(process, grids.grid('steps' in budget ? budget.steps : Math.floor(budget.nfe / perStep)), options);
  }
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
    case 'ddim-eta': {
      const times = grids.grid(steps);
      stochasticDdim(e, times, solver.eta ?? SOLVER_OPTION_DEFAULTS.eta, { next: 0 });
      return e.program(solver.name, times);
    }
    case 'lms': {
      const times = grids.grid(steps);
      lms(e, times, order);
      return e.program(solver.name, times);
    }
    case 'deis': {
      const times = grids.grid(steps);
      deisTab(e, times, solver.order ?? info.order);
      return e.program(solver.name, times);
    }
    case 'v3': {
      // specs §6: statistics from the model on λ(t_start) … λ(t_end), the grid snapped to them. A grid that ends
      // at σ = 0 runs v3 to its last positive time, then the first-order step into σ = 0 (as every solver here)
      const full = grids.grid(steps);
      const endsAtZero = full[full.length - 1] === 0;
      const grid = endsAtZero ? full.slice(0, -1) : full;
      const finish = (times: number[]) => {
        if (!endsAtZero) return e.program(solver.name, times);
        const last = times[times.length - 1];
        e.evaluate(X, last, 2);
        e.toZero(last, X, 2, times.length);
        return e.program(solver.name, [...times, 0]);
      };
      if (grid.length === 1) return finish(grid);
      const target = context.target;
      if (!target) throw new Error('dpm-solver-v3 needs the target: its empirical model statistics are computed from the model');
      const emsPoints = solver.emsPoints ?? EMS_DEFAULTS.points;
      if (grid.length - 1 > emsPoints) throw new BudgetError(`dpm-solver-v3 with ${grid.length - 1} steps needs more EMS grid points than steps (emsPoints is ${emsPoints})`);
      const ems = statisticsFor({ key: target.key, mixture: target.mixture, process, tStart: grid[0], tEnd: grid[grid.length - 1], options: dpmSolverV3EmsOptions(solver) }, context.statistics);
      const indexes = snapToEms(ems, (t) => process.lambda(t), grid);
      const times = indexes.map((j) => (j === 0 ? ems.tStart : j === ems.points ? ems.tEnd : process.tOfLambda(ems.lambdas[j])));
      dpmSolverV3(e, ems, emsIntegrals(ems, solver.emsQuadrature ?? 'trapezoid'), indexes, times, {
        order,
        predictorPseudo: solver.predictorPseudo ?? false,
        corrector: solver.corrector ?? true,
        correctorPseudo: solver.correctorPseudo ?? false,
        lowerOrderFinal: solver.lowerOrderFinal ?? true,
        halfCorrector: solver.halfCorrector ?? 'off',
      });
      return finish(times);
    }
    case 'momentum': {
      const times = grids.grid(steps);
      const beta = solver.beta ?? MOMENTUM_BETA;
      if (solver.name === 'dpmpp-2m-hb') dpmSolverPlusPlus2MMomentum(e, times, beta, solver.lowerOrderFinal ?? true);
      else plmsMomentum(e, times, solver.order ?? SOLVER_OPTION_DEFAULTS.momentumOrder, beta, solver.name === 'plms-hb' ? 'hb' : 'ghvb');
      return e.program(solver.name, times);
    }
    case 'sigma':
    case 'sigma-ancestral':
    case 'sigma-sde':
    case 'linear-multistep':
    case 'flow': {
      const times = grids.grid('steps' in budget ? budget.steps : stepsForBudget(solver.name, budget.nfe));
      const noiseSteps = { next: 0 };
      if (info.family === 'sigma') sigmaSpaceSolvers(e, times, solver, noiseSteps);
      else if (info.family === 'sigma-ancestral') ancestralSamplers(e, times, solver, noiseSteps);
      else if (info.family === 'sigma-sde') {
        const sigmas = times.filter((t) => t > 0).map((t) => sigmaTilde(process, t));
        const noise = new NoiseSource((solver.noiseSampler ?? 'brownian-tree') === 'brownian-tree' ? { min: Math.min(...sigmas), max: Math.max(...sigmas) } : undefined);
        if (solver.name === 'dpmpp-3m-sde') dpmSolverPlusPlus3MSde(e, times, solver, noise);
        else if (solver.name === 'dpmpp-sde') dpmSolverPlusPlusSde(e, times, solver, noise);
        else dpmSolverPlusPlus2MSde(e, times, solver, noise);
      }
      else if (info.family === 'linear-multistep') pndmFamily(e, times, solver.name);
      else flowRungeKutta(e, times, solver.name);
      return e.program(solver.name, times);
    }
    case 'singlestep':
    case 'singlestep-budget': {
      const { times, orders } = singlestepPlan(grids, budget, order, info.family === 'singlestep-budget');
      orders.forEach((o, k) => {
        const [s, t] = [times[k], times[k + 1]];
        singlestepUpdate(e, s, t, o, t === 0 || o === 1 ? [] : innerFractions(e.process, grids.inner(s, t, o)), solverType, { gridIndex: k + 1 });
      });
      return e.program(solver.name, times);
    }
  }
}

/** A fixed-grid solver on an explicit grid t_0 … t_N (N steps). */
export function programOnGrid(solver: SolverSpec, process: NoiseProcess, times: number[]): SamplerProgram {
  return fixedProgram(buildSolverProgram(solver, process, fixedGrid(process, times), { steps: times.length - 1 }));
}

function definedOnly<T extends Record<string, unknown>>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
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
    endsAtZero: times[times.length - 1] === 0,
    end: times[times.length - 1] === 0 ? times[times.length - 2] : times[times.length - 1],
  };
}

/** the EMS options DPM-Solver-v3 computes its statistics with (the statistics view reads the same cache entry) */
export function dpmSolverV3EmsOptions(solver: SolverSpec): Partial<EmsOptions> {
  return {
    points: solver.emsPoints ?? EMS_DEFAULTS.points,
    samples: solver.emsSamples ?? EMS_DEFAULTS.samples,
    lEstimator: solver.emsEstimator ?? EMS_DEFAULTS.lEstimator,
    degenerate: solver.degenerate ?? false,
  };
}
