// Time grids t_0 = tStart > … > t_N (specs/samplers.md §3). N = steps intervals, N + 1 times.
//
// Two kinds of grid:
// - grids that end at tEnd (DPM-Solver's skip types §3.1, DEIS §3.5, the sigmoid family): t_N = tEnd;
// - grids that end at σ = 0 (k-diffusion §3.3, EDM §3.2/§3.4, diffusers' flow-matching grids §3.7, all with
//   `appendZero`, on by default as in the official code): N positive times t_0 = tStart … t_{N−1} = tEnd spaced
//   with i/(N − 1) (k-diffusion's linspace(…, n) and EDM's step_indices/(num_steps − 1)), then t_N = 0.
//   That last entry is not a process time: it is the symbolic data point σ = 0 (α = 1, σ = 0, λ = +∞, x = D).
//   Never evaluate the model or the process's functions there; `TimeGrid.endsAtZero` says the grid has it,
//   and gridPoint / describeGrid give its α, σ, λ. With appendZero off, the same formulas give N + 1 times
//   spaced with i/N from tStart to tEnd (e.g. karras without the zero is DPM-Solver-v3's 'edm' skip type, §3.1).
//
// Grids defined on σ̃ = σ/α (k-diffusion/EDM) map to the process's time through λ = −log σ̃, with σ̃_max = σ̃(tStart),
// σ̃_min = σ̃(tEnd). Grids defined for flow matching (shift, flux-shift, sigmoid) act on the flow-equivalent time
// τ = σ̃/(1 + σ̃) = 1/(1 + e^λ), which is t itself for the flow process (α = 1 − t, σ = t) and maps any other process
// through its λ as diffusers' use_flow_sigmas does (§13.4). Every grid is pinned: t_0 = tStart and the last positive
// time = tEnd exactly.

import { type NoiseProcess, sigmoid } from './process.ts';
import type { SolverSpec } from './solvers.ts';

export const SCHEDULE_TYPES = [
  'time-uniform',
  'logsnr',
  'time-quadratic',
  'karras',
  'exponential',
  'polyexponential',
  'edm-vp',
  'edm-ve',
  'iddpm',
  'deis-t',
  'shift',
  'flux-shift',
  'sigmoid',
  'custom',
  'boss',
] as const;
export type ScheduleType = (typeof SCHEDULE_TYPES)[number];

/** A time grid as the spec describes it (spec.ts validates and fills the defaults; a missing field takes SCHEDULE_DEFAULTS). */
export type ScheduleSpec =
  | { type: 'time-uniform' }
  | { type: 'logsnr' }
  | { type: 'time-quadratic' }
  | { type: 'karras'; rho?: number; appendZero?: boolean }
  | { type: 'exponential'; appendZero?: boolean }
  | { type: 'polyexponential'; rho?: number; appendZero?: boolean }
  | { type: 'edm-vp'; epsilonS?: number; appendZero?: boolean }
  | { type: 'edm-ve'; appendZero?: boolean }
  | { type: 'iddpm'; M?: number; C1?: number; C2?: number; appendZero?: boolean }
  | { type: 'deis-t'; kappa?: number }
  | { type: 'shift'; s?: number; appendZero?: boolean }
  | { type: 'flux-shift'; mu?: number; appendZero?: boolean }
  | { type: 'sigmoid'; a?: number }
  | { type: 'custom'; times: number[] }
  /** Bellman optimal steps (specs §14; boss.ts): needs the target model, so experiment.ts resolves it, never buildGrid */
  | { type: 'boss'; kMax?: number; samples?: number; solver?: SolverSpec };

/**
 * Parameter defaults, each from its official source:
 * karras ρ = 7 [EDM:edm_sampler; KD:get_sigmas_karras]; polyexponential ρ = 1 [KD:get_sigmas_polyexponential];
 * edm-vp ε_s = 1e−3, iddpm M = 1000, C1 = 0.001, C2 = 0.008 [EDM:ablation_sampler]; deis-t κ = 2 [DEIS:README
 * ts_order = 2.0]; shift s = 3 (SD3's value, §13.2; Lumina's sample.py default is 1 = no shift, its example script 4);
 * flux-shift μ = 1.15 (diffusers' max_shift, i.e. calculate_shift at 4096 tokens = a 1024² Flux image);
 * sigmoid a = 3 (Stepscope's own construction, §3.7). appendZero = true wherever the official code appends σ = 0.
 */
export const SCHEDULE_DEFAULTS = {
  'time-uniform': {},
  logsnr: {},
  'time-quadratic': {},
  karras: { rho: 7, appendZero: true },
  exponential: { appendZero: true },
  polyexponential: { rho: 1, appendZero: true },
  'edm-vp': { epsilonS: 1e-3, appendZero: true },
  'edm-ve': { appendZero: true },
  iddpm: { M: 1000, C1: 0.001, C2: 0.008, appendZero: true },
  'deis-t': { kappa: 2 },
  shift: { s: 3, appendZero: true },
  'flux-shift': { mu: 1.15, appendZero: true },
  sigmoid: { a: 3 },
  boss: { kMax: 100, samples: 256 },
} as const;

/** A schedule of the given type with every parameter at its default (what a UI selects). */
export function defaultScheduleSpec(type: Exclude<ScheduleType, 'custom'>): Exclude<ScheduleSpec, { type: 'custom' }> {
  return { type, ...SCHEDULE_DEFAULTS[type] } as Exclude<ScheduleSpec, { type: 'custom' }>;
}

/** A grid and whether its last entry is the σ = 0 data point (see the header). */
export interface TimeGrid {
  /** t_0 = tStart > … > t_N; when endsAtZero, t_{N−1} = tEnd and t_N = 0 stands for σ = 0 (not a process time) */
  times: number[];
  endsAtZero: boolean;
}

/** A grid that cannot be built (e.g. more iddpm steps than iDDPM levels in range); the message says why. */
export class GridError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'GridError';
  }
}

/** whether the schedule ends at σ = 0 (its grid's last entry is the data point) */
export function scheduleEndsAtZero(schedule: ScheduleSpec): boolean {
  return appendZeroOf(schedule);
}

function hasZeroDefault(type: ScheduleType): boolean {
  return type !== 'custom' && 'appendZero' in SCHEDULE_DEFAULTS[type];
}

function appendZeroOf(schedule: ScheduleSpec): boolean {
  if (!hasZeroDefault(schedule.type)) return false;
  const given = (schedule as { appendZero?: boolean }).appendZero;
  return given ?? true;
}

/** The same schedule without the appended zero (for grids between two positive times, e.g. singlestep inner points). */
export function scheduleWithoutZero(schedule: ScheduleSpec): ScheduleSpec {
  return hasZeroDefault(schedule.type) ? ({ ...schedule, appendZero: false } as ScheduleSpec) : schedule;
}

// ---------------------------------------------------------------------------------- §3.1 (DPM-Solver)

/** time_uniform: t_i = T + (i/N)(t_end − T) */
export function scheduleTimeUniform(tStart: number, tEnd: number, steps: number): number[] {
  return Array.from({ length: steps + 1 }, (_, i) => (i === steps ? tEnd : tStart + (i / steps) * (tEnd - tStart)));
}

/** logSNR: λ uniform between λ(T) and λ(t_end), mapped back with t(λ); endpoints pinned exactly. */
export function scheduleLogSnrUniform(process: NoiseProcess, tStart: number, tEnd: number, steps: number): number[] {
  const l0 = process.lambda(tStart);
  const l1 = process.lambda(tEnd);
  return Array.from({ length: steps + 1 }, (_, i) =>
    i === 0 ? tStart : i === steps ? tEnd : process.tOfLambda(l0 + (i / steps) * (l1 - l0)),
  );
}

/** time_quadratic: t_i = (√T + (i/N)(√t_end − √T))² */
export function scheduleTimeQuadratic(tStart: number, tEnd: number, steps: number): number[] {
  const a = Math.sqrt(tStart);
  const b = Math.sqrt(tEnd);
  return Array.from({ length: steps + 1 }, (_, i) => (i === 0 ? tStart : i === steps ? tEnd : (a + (i / steps) * (b - a)) ** 2));
}

// ---------------------------------------------------------------------------------- shared helpers

/** u_i ∈ [0, 1]: i/(n − 1) over the n = N positive points of a zero-ending grid, i/N over N + 1 points otherwise */
function ramp(steps: number, appendZero: boolean): number[] {
  const n = appendZero ? steps : steps + 1;
  if (n === 1) return [0];
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? 1 : i / (n - 1)));
}

/** positive times from λ values (pinned to tStart / tEnd at the ends), then the zero */
function fromLambdas(process: NoiseProcess, lambdas: number[], tStart: number, tEnd: number, appendZero: boolean): number[] {
  const n = lambdas.length;
  const times = lambdas.map((l, i) => (i === 0 ? tStart : i === n - 1 ? tEnd : process.tOfLambda(l)));
  if (appendZero) times.push(0);
  return times;
}

/** flow-equivalent time τ = σ̃/(1 + σ̃) = 1/(1 + e^λ) (τ = t for the flow process) */
export function flowTimeOf(process: NoiseProcess, t: number): number {
  return sigmoid(-process.lambda(t));
}

/** λ of a flow-equivalent time τ: log((1 − τ)/τ) */
function lambdaOfFlowTime(tau: number): number {
  return Math.log1p(-tau) - Math.log(tau);
}

// ---------------------------------------------------------------------------------- §3.2–§3.4 (σ̃-space)

/**
 * Karras / EDM ρ-schedule [EDM:edm_sampler; KD:get_sigmas_karras], specs §3.2:
 * σ̃_i = (σ̃_max^{1/ρ} + u_i(σ̃_min^{1/ρ} − σ̃_max^{1/ρ}))^ρ, u_i = i/(N − 1), then σ̃_N = 0.
 */
export function scheduleKarras(process: NoiseProcess, tStart: number, tEnd: number, steps: number, rho = 7, appendZero = true): number[] {
  const a = Math.exp(process.lambda(tStart) * (-1 / rho)); // σ̃_max^{1/ρ}
  const b = Math.exp(process.lambda(tEnd) * (-1 / rho)); // σ̃_min^{1/ρ}
  const lambdas = ramp(steps, appendZero).map((u) => -rho * Math.log(a + u * (b - a)));
  return fromLambdas(process, lambdas, tStart, tEnd, appendZero);
}

/** k-diffusion exponential: σ̃_i = exp(linspace(log σ̃_max, log σ̃_min, N)), then 0 — uniform in λ (specs §3.3) */
export function scheduleExponential(process: NoiseProcess, tStart: number, tEnd: number, steps: number, appendZero = true): number[] {
  const l0 = process.lambda(tStart);
  const l1 = process.lambda(tEnd);
  return fromLambdas(process, ramp(steps, appendZero).map((u) => l0 + u * (l1 - l0)), tStart, tEnd, appendZero);
}

/**
 * k-diffusion polyexponential (ρ = 1 default, then equal to exponential), specs §3.3:
 * ramp_i = linspace(1, 0, N)^ρ, log σ̃_i = ramp_i·(log σ̃_max − log σ̃_min) + log σ̃_min, then 0.
 */
export function schedulePolyexponential(process: NoiseProcess, tStart: number, tEnd: number, steps: number, rho = 1, appendZero = true): number[] {
  const l0 = process.lambda(tStart);
  const l1 = process.lambda(tEnd);
  // −log σ̃_i = λ_min-end + ramp_i·(λ_start − λ_end)
  const lambdas = ramp(steps, appendZero).map((u) => l1 + (1 - u) ** rho * (l0 - l1));
  return fromLambdas(process, lambdas, tStart, tEnd, appendZero);
}

/**
 * EDM ablation 'vp' discretization [EDM:generate.py ablation_sampler], specs §3.4: t'_i = 1 + u_i(ε_s − 1) and
 * σ̃_i = sqrt(exp(½β_d t'² + β_min t') − 1) with β_d, β_min re-fitted so that σ̃(ε_s) = σ̃_min and σ̃(1) = σ̃_max:
 *   β_d = 2(log(σ̃_min² + 1)/ε_s − log(σ̃_max² + 1))/(ε_s − 1),  β_min = log(σ̃_max² + 1) − β_d/2.
 * (On VP-linear with tStart = 1, tEnd = ε_s this is exactly time-uniform: β_d = β1 − β0, β_min = β0.)
 */
export function scheduleEdmVp(process: NoiseProcess, tStart: number, tEnd: number, steps: number, epsilonS = 1e-3, appendZero = true): number[] {
  const { betaD, betaMin } = edmVpBetas(process, tStart, tEnd, epsilonS);
  // σ(t') would be non-monotone on [ε_s, 1] if the quadratic's slope β_d t' + β_min changed sign there
  if (!(betaD * epsilonS + betaMin > 0 && betaD + betaMin > 0))
    throw new GridError(
      `edm-vp: the fitted β_d = ${betaD}, β_min = ${betaMin} make σ(t') non-monotone on [ε_s, 1] for σ̃ from ${sigmaTildeAt(process, tStart)} to ${sigmaTildeAt(process, tEnd)} (EDM's vp discretization needs σ̃_min ≪ σ̃_max); use a larger epsilonS, a wider range or another schedule`,
    );
  const lambdas = ramp(steps, appendZero).map((u) => {
    const tp = 1 + u * (epsilonS - 1);
    // λ = −log σ̃ = −½ log(expm1(½β_d t'² + β_min t'))
    return -0.5 * Math.log(Math.expm1(0.5 * betaD * tp * tp + betaMin * tp));
  });
  return fromLambdas(process, lambdas, tStart, tEnd, appendZero);
}

/** EDM's re-fitted VP betas for the σ̃ range of [tEnd, tStart] (specs §3.4) */
export function edmVpBetas(process: NoiseProcess, tStart: number, tEnd: number, epsilonS: number): { betaD: number; betaMin: number } {
  // log(σ̃² + 1) = log1p(e^{−2λ}) = softplus(−2λ)
  const lMax = log1pSigmaTilde2(process.lambda(tStart));
  const lMin = log1pSigmaTilde2(process.lambda(tEnd));
  const betaD = (2 * (lMin / epsilonS - lMax)) / (epsilonS - 1);
  return { betaD, betaMin: lMax - 0.5 * betaD };
}

function log1pSigmaTilde2(lambda: number): number {
  const x = -2 * lambda;
  return x > 0 ? x + Math.log1p(Math.exp(-x)) : Math.log1p(Math.exp(x));
}

function sigmaTildeAt(process: NoiseProcess, t: number): number {
  return Math.exp(-process.lambda(t));
}

/**
 * EDM ablation 've' discretization, specs §3.4: σ̃_i² = σ̃_max²·(σ̃_min²/σ̃_max²)^{u_i}, then 0. It is geometric
 * in σ̃, i.e. the same grid as `exponential` (EDM integrates it in t = σ², which changes the solver, not the grid).
 */
export function scheduleEdmVe(process: NoiseProcess, tStart: number, tEnd: number, steps: number, appendZero = true): number[] {
  const max2 = Math.exp(-2 * process.lambda(tStart));
  const min2 = Math.exp(-2 * process.lambda(tEnd));
  const lambdas = ramp(steps, appendZero).map((u) => -0.5 * Math.log(max2 * (min2 / max2) ** u));
  return fromLambdas(process, lambdas, tStart, tEnd, appendZero);
}

/**
 * The M + 1 iDDPM noise levels u_0 > u_1 > … > u_M = 0 of EDM's 'iddpm' discretization (specs §3.4):
 * u_{j−1} = sqrt((u_j² + 1)/max(ᾱ(j−1)/ᾱ(j), C1) − 1), ᾱ(j) = sin²(π j/(2M(C2 + 1))).
 */
export function iddpmLevels(M = 1000, C1 = 0.001, C2 = 0.008): Float64Array {
  const u = new Float64Array(M + 1);
  const alphaBar = (j: number) => Math.sin((0.5 * Math.PI * j) / M / (C2 + 1)) ** 2;
  for (let j = M; j > 0; j--) u[j - 1] = Math.sqrt((u[j] * u[j] + 1) / Math.max(alphaBar(j - 1) / alphaBar(j), C1) - 1);
  return u;
}

/** round half to even, as torch.round */
function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x - Math.trunc(x)) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/**
 * EDM ablation 'iddpm' discretization [EDM:ablation_sampler], specs §3.4: the iDDPM levels u_j within
 * [σ̃_min, σ̃_max], and σ̃_i = u_filtered[round((len − 1)·i/(N − 1))] (torch's round half to even), then 0.
 * Deviation, so that every grid runs from tStart to tEnd: the first and last selected levels are replaced by
 * σ̃(tStart) and σ̃(tEnd). With tStart and tEnd set to iDDPM levels (iddpmLevels()) the grid is EDM's exactly;
 * EDM's own defaults (σ ∈ [0.002, 81]) select u from ≈ 80.0 down to u_999 ≈ 0.00643.
 */
export function scheduleIddpm(
  process: NoiseProcess,
  tStart: number,
  tEnd: number,
  steps: number,
  M = 1000,
  C1 = 0.001,
  C2 = 0.008,
  appendZero = true,
): number[] {
  const sMax = sigmaTildeAt(process, tStart);
  const sMin = sigmaTildeAt(process, tEnd);
  // compare with a little slack so that tStart/tEnd set to a level (through λ round trips) select that level
  const tol = 1e-12;
  const filtered = Array.from(iddpmLevels(M, C1, C2)).filter((u) => u >= sMin * (1 - tol) && u <= sMax * (1 + tol));
  const n = appendZero ? steps : steps + 1;
  if (filtered.length < n)
    throw new GridError(
      `iddpm: only ${filtered.length} iDDPM levels (M = ${M}) lie in σ̃ ∈ [${sMin}, ${sMax}]; ${steps} steps need ${n} distinct levels`,
    );
  // EDM: u_filtered[((len(u_filtered) − 1)/(num_steps − 1)·step_indices).round()]
  const stride = n === 1 ? 0 : (filtered.length - 1) / (n - 1);
  const lambdas = Array.from({ length: n }, (_, i) => -Math.log(filtered[roundHalfEven(stride * i)]));
  return fromLambdas(process, lambdas, tStart, tEnd, appendZero);
}

// ---------------------------------------------------------------------------------- §3.5 (DEIS)

/** DEIS 't' grid with power κ [DEIS:get_rev_ts ts_phase='t'], specs §3.5: t_i = (T^{1/κ} + (i/N)(t_end^{1/κ} − T^{1/κ}))^κ */
export function scheduleDeisT(tStart: number, tEnd: number, steps: number, kappa = 2): number[] {
  const a = tStart ** (1 / kappa);
  const b = tEnd ** (1 / kappa);
  return Array.from({ length: steps + 1 }, (_, i) => (i === 0 ? tStart : i === steps ? tEnd : (a + (i / steps) * (b - a)) ** kappa));
}

// ---------------------------------------------------------------------------------- §3.7 (flow matching)

/** SD3 / diffusers static shift on σ_fm (1 = noise) [DIFF:FlowMatchEulerDiscreteScheduler]: σ' = sσ/(1 + (s − 1)σ) */
export function sd3Shift(sigma: number, s: number): number {
  return (s * sigma) / (1 + (s - 1) * sigma);
}

/** inverse of sd3Shift: σ = σ'/(s − (s − 1)σ') */
export function sd3ShiftInverse(shifted: number, s: number): number {
  return shifted / (s - (s - 1) * shifted);
}

/** Lumina-Next shift on t_fm (0 = noise) [LUM:integrators.py]: t' = t/(t + s − s·t). Equals sd3Shift under σ = 1 − t (§3.7). */
export function luminaShift(tFm: number, s: number): number {
  return tFm / (tFm + s - s * tFm);
}

/** Flux's exponential time shift [DIFF:time_shift]: σ' = e^μ/(e^μ + (1/σ − 1)^τ), τ = 1 here */
export function fluxTimeShift(sigma: number, mu: number, tau = 1): number {
  const e = Math.exp(mu);
  return e / (e + (1 / sigma - 1) ** tau);
}

/** inverse of fluxTimeShift for τ = 1: σ = σ'/(σ' + e^μ(1 − σ')) */
export function fluxTimeShiftInverse(shifted: number, mu: number): number {
  return shifted / (shifted + Math.exp(mu) * (1 - shifted));
}

/**
 * Flux's resolution-dependent μ [DIFF:pipeline_flux.calculate_shift]: μ = m·L + b with
 * m = (max_shift − base_shift)/(max_seq_len − base_seq_len), b = base_shift − m·base_seq_len.
 */
export function fluxMu(imageSeqLen: number, baseSeqLen = 256, maxSeqLen = 4096, baseShift = 0.5, maxShift = 1.15): number {
  const m = (maxShift - baseShift) / (maxSeqLen - baseSeqLen);
  return imageSeqLen * m + (baseShift - m * baseSeqLen);
}

/** a grid on the flow-equivalent time τ: the pre-image of [τ(tEnd), τ(tStart)] under `shift`, uniform there, shifted */
function shiftedFlowGrid(
  process: NoiseProcess,
  tStart: number,
  tEnd: number,
  steps: number,
  appendZero: boolean,
  shift: (u: number) => number,
  inverse: (tau: number) => number,
): number[] {
  const u0 = inverse(flowTimeOf(process, tStart));
  const u1 = inverse(flowTimeOf(process, tEnd));
  const lambdas = ramp(steps, appendZero).map((r) => lambdaOfFlowTime(shift(u0 + r * (u1 - u0))));
  return fromLambdas(process, lambdas, tStart, tEnd, appendZero);
}

/**
 * SD3 / Lumina rational shift s (specs §3.7), on τ (= t for flow, = σ_fm): uniform in the unshifted time between
 * the pre-images of the endpoints, then τ' = sτ/(1 + (s − 1)τ); then 0 (diffusers FlowMatchEuler appends σ = 0,
 * Lumina's linspace(0, 1) ends at t_fm = 1, the data). diffusers' own grid (linspace(1, σ_min, N) then shift) is
 * this one with tStart = σ = 1 and tEnd = its shifted σ_min; Lumina's is tStart = 1, tEnd = luminaShift(1 − 1/N)
 * in Stepscope time (tStart = 1 is approximated by the flow process's 1 − 1e−5).
 */
export function scheduleShift(process: NoiseProcess, tStart: number, tEnd: number, steps: number, s = 3, appendZero = true): number[] {
  return shiftedFlowGrid(process, tStart, tEnd, steps, appendZero, (u) => sd3Shift(u, s), (tau) => sd3ShiftInverse(tau, s));
}

/** Flux's exponential shift with μ (τ-exponent 1; then e^μ plays the role of s), specs §3.7; otherwise as scheduleShift */
export function scheduleFluxShift(process: NoiseProcess, tStart: number, tEnd: number, steps: number, mu = 1.15, appendZero = true): number[] {
  return shiftedFlowGrid(process, tStart, tEnd, steps, appendZero, (u) => fluxTimeShift(u, mu), (tau) => fluxTimeShiftInverse(tau, mu));
}

/**
 * Sigmoid-spaced grid — STEPSCOPE'S OWN CONSTRUCTION, not Lumina-Next's "sigmoid time discretization", whose
 * formula is not published in code (specs §3.7). On τ (= t for flow), with u_i = i/N and steepness a > 0:
 *   g(u) = (sig(a(2u − 1)) − sig(−a))/(sig(a) − sig(−a)),  τ_i = τ(tStart) + g(u_i)(τ(tEnd) − τ(tStart)),
 * dense at both ends (a → 0 gives the uniform grid). Ends at tEnd.
 */
export function scheduleSigmoid(process: NoiseProcess, tStart: number, tEnd: number, steps: number, a = 3): number[] {
  const tau0 = flowTimeOf(process, tStart);
  const tau1 = flowTimeOf(process, tEnd);
  const lo = sigmoid(-a);
  const span = sigmoid(a) - lo;
  const lambdas = ramp(steps, false).map((u) => lambdaOfFlowTime(tau0 + ((sigmoid(a * (2 * u - 1)) - lo) / span) * (tau1 - tau0)));
  return fromLambdas(process, lambdas, tStart, tEnd, false);
}

// ---------------------------------------------------------------------------------- entry points

/** The grid a schedule gives between tStart and tEnd with `steps` intervals; throws GridError when it cannot. */
export function buildGrid(schedule: ScheduleSpec, process: NoiseProcess, tStart: number, tEnd: number, steps: number): TimeGrid {
  if (schedule.type !== 'custom' && !(Number.isInteger(steps) && steps >= 1)) throw new GridError(`steps must be a positive integer, got ${steps}`);
  if (!(tEnd < tStart)) throw new GridError(`tEnd (${tEnd}) must be less than tStart (${tStart})`);
  const times = gridTimes(schedule, process, tStart, tEnd, steps);
  const endsAtZero = scheduleEndsAtZero(schedule);
  for (let i = 1; i < times.length; i++)
    if (!(times[i] < times[i - 1]))
      throw new GridError(`${schedule.type}: the grid is not strictly decreasing at index ${i} (${times[i - 1]} → ${times[i]}); use fewer steps or another schedule`);
  for (let i = 0; i < times.length - (endsAtZero ? 1 : 0); i++)
    if (!Number.isFinite(times[i]) || times[i] <= 0) throw new GridError(`${schedule.type}: time ${i} is ${times[i]}`);
  return { times, endsAtZero };
}

function gridTimes(schedule: ScheduleSpec, process: NoiseProcess, tStart: number, tEnd: number, steps: number): number[] {
  const d = SCHEDULE_DEFAULTS;
  switch (schedule.type) {
    case 'time-uniform':
      return scheduleTimeUniform(tStart, tEnd, steps);
    case 'logsnr':
      return scheduleLogSnrUniform(process, tStart, tEnd, steps);
    case 'time-quadratic':
      return scheduleTimeQuadratic(tStart, tEnd, steps);
    case 'karras':
      return scheduleKarras(process, tStart, tEnd, steps, schedule.rho ?? d.karras.rho, appendZeroOf(schedule));
    case 'exponential':
      return scheduleExponential(process, tStart, tEnd, steps, appendZeroOf(schedule));
    case 'polyexponential':
      return schedulePolyexponential(process, tStart, tEnd, steps, schedule.rho ?? d.polyexponential.rho, appendZeroOf(schedule));
    case 'edm-vp':
      return scheduleEdmVp(process, tStart, tEnd, steps, schedule.epsilonS ?? d['edm-vp'].epsilonS, appendZeroOf(schedule));
    case 'edm-ve':
      return scheduleEdmVe(process, tStart, tEnd, steps, appendZeroOf(schedule));
    case 'iddpm':
      return scheduleIddpm(process, tStart, tEnd, steps, schedule.M ?? d.iddpm.M, schedule.C1 ?? d.iddpm.C1, schedule.C2 ?? d.iddpm.C2, appendZeroOf(schedule));
    case 'deis-t':
      return scheduleDeisT(tStart, tEnd, steps, schedule.kappa ?? d['deis-t'].kappa);
    case 'shift':
      return scheduleShift(process, tStart, tEnd, steps, schedule.s ?? d.shift.s, appendZeroOf(schedule));
    case 'flux-shift':
      return scheduleFluxShift(process, tStart, tEnd, steps, schedule.mu ?? d['flux-shift'].mu, appendZeroOf(schedule));
    case 'sigmoid':
      return scheduleSigmoid(process, tStart, tEnd, steps, schedule.a ?? d.sigmoid.a);
    case 'custom':
      return schedule.times.slice();
    case 'boss':
      throw new GridError('boss: the Bellman grid depends on the target model; resolve it through experiment.ts (specGrids), not buildGrid');
  }
}

/**
 * The anchors of a boss schedule (specs §14 item 1; boss.ts): uniform in t for flow (BOSS's 'bellman_uniform'),
 * Karras ρ = 7 without the zero for EDM ('bellman_edm'), uniform in λ for the VP processes (Stepscope's choice).
 */
export function bossAnchorSchedule(process: NoiseProcess): ScheduleSpec {
  if (process.type === 'flow') return { type: 'time-uniform' };
  if (process.type === 'edm') return { type: 'karras', rho: 7, appendZero: false };
  return { type: 'logsnr' };
}

/**
 * The grid's times only (what solver code that predates TimeGrid takes). When scheduleEndsAtZero(schedule), the
 * last entry is 0 = the σ = 0 data point; use buildGrid to get that flag with the times.
 */
export function buildTimeGrid(schedule: ScheduleSpec, process: NoiseProcess, tStart: number, tEnd: number, steps: number): number[] {
  return buildGrid(schedule, process, tStart, tEnd, steps).times;
}

/** Why a schedule cannot run between tStart and tEnd (with `steps` intervals when known), or undefined if it can. */
export function checkSchedule(schedule: ScheduleSpec, process: NoiseProcess, tStart: number, tEnd: number, steps?: number): string | undefined {
  if (schedule.type === 'boss') {
    const kMax = schedule.kMax ?? SCHEDULE_DEFAULTS.boss.kMax;
    if (steps !== undefined && steps > kMax) return `boss: ${steps} steps need kMax ≥ ${steps} (got kMax = ${kMax}); allowed: steps ≤ kMax`;
    // the anchors must form a grid between tStart and tEnd
    return checkSchedule(bossAnchorSchedule(process), process, tStart, tEnd, kMax);
  }
  try {
    buildGrid(schedule, process, tStart, tEnd, steps ?? (schedule.type === 'custom' ? schedule.times.length - 1 : 2));
    return undefined;
  } catch (error) {
    if (error instanceof GridError) return error.message;
    throw error;
  }
}

/** One grid point: the process's α, σ, λ and σ̃ = σ/α, or the σ = 0 data point (α = 1, σ = σ̃ = 0, λ = +∞). */
export interface GridPoint {
  t: number;
  alpha: number;
  sigma: number;
  lambda: number;
  sigmaTilde: number;
  /** the symbolic σ = 0 end of a zero-ending grid */
  atZero: boolean;
}

export function gridPoint(process: NoiseProcess, grid: TimeGrid, i: number): GridPoint {
  if (grid.endsAtZero && i === grid.times.length - 1) return { t: 0, alpha: 1, sigma: 0, lambda: Infinity, sigmaTilde: 0, atZero: true };
  const t = grid.times[i];
  const lambda = process.lambda(t);
  return { t, alpha: process.alpha(t), sigma: process.sigma(t), lambda, sigmaTilde: Math.exp(-lambda), atZero: false };
}

/** The grid in t, σ̃ = σ/α (the k-diffusion σ), λ, and the process's α and σ, for the UI (λ = +∞ at a σ = 0 end). */
export interface GridReport {
  t: number[];
  sigmaTilde: number[];
  lambda: number[];
  alpha: number[];
  sigma: number[];
  endsAtZero: boolean;
}

export function describeGrid(process: NoiseProcess, grid: TimeGrid): GridReport {
  const points = grid.times.map((_, i) => gridPoint(process, grid, i));
  return {
    t: points.map((p) => p.t),
    sigmaTilde: points.map((p) => p.sigmaTilde),
    lambda: points.map((p) => p.lambda),
    alpha: points.map((p) => p.alpha),
    sigma: points.map((p) => p.sigma),
    endsAtZero: grid.endsAtZero,
  };
}
